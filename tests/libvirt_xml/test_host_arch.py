"""Which guests a host accepts: 64-bit guests on the default x86_64 host,
i686 only on libvirt's test host.

A real xend host was a 64-bit machine: definitions with
``<type arch='x86_64'>`` must convert.  The architecture is never written
into an output, so a guest both hosts accept converts to the same bytes.
"""
from __future__ import annotations

import pytest

import fastsexpr
from fastsexpr import ConversionError, DomainXMLError

UUID = "c7a5fdbd-edaf-9455-926a-d65c16db1809"


def domain(os_type: str, arch: str = "") -> str:
    arch_attr = f" arch='{arch}'" if arch else ""
    boot = "<kernel>/boot/vmlinuz</kernel>" if os_type == "linux" else \
        "<loader>/usr/lib/xen/boot/hvmloader</loader>"
    return (f"<domain type='xen'><name>g</name><uuid>{UUID}</uuid><memory>1048576</memory>"
            f"<os><type{arch_attr}>{os_type}</type>{boot}</os>"
            "<devices><disk type='file'><source file='/g.img'/><target dev='xvda'/></disk>"
            "</devices></domain>")


@pytest.mark.parametrize("os_type", ["linux", "hvm"])
@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_x86_64_guest_converts_on_the_default_host(os_type, version):
    sexpr = fastsexpr.xml_to_sexpr(domain(os_type, "x86_64"), xend_config_version=version)
    # Nothing in the output names the architecture: it is the i686 guest's.
    assert sexpr == fastsexpr.xml_to_sexpr(domain(os_type, "i686"), xend_config_version=version)
    assert sexpr == fastsexpr.xml_to_sexpr(domain(os_type), xend_config_version=version)
    assert "(name 'g')" in sexpr


@pytest.mark.parametrize("os_type", ["linux", "hvm"])
def test_libvirt_test_host_refuses_x86_64_guests(os_type):
    with pytest.raises(DomainXMLError) as info:
        fastsexpr.xml_to_sexpr(domain(os_type, "x86_64"), host_arch="i686")
    assert info.value.reason == "No guest options available for arch 'x86_64'"
    assert info.value.path == "/domain/os/type"


def test_i686_guest_is_the_same_on_both_hosts():
    xml = domain("linux", "i686")
    assert fastsexpr.xml_to_sexpr(xml, host_arch="i686") == fastsexpr.xml_to_sexpr(xml)
    assert fastsexpr.read_xml(xml, host_arch="i686") == fastsexpr.read_xml(xml)


@pytest.mark.parametrize("arch", ["armv7l", "ppc64", "aarch64"])
def test_other_known_arches_have_no_guests_on_either_host(arch):
    for host in ("x86_64", "i686"):
        with pytest.raises(DomainXMLError, match=f"No guest options available for arch '{arch}'"):
            fastsexpr.read_xml(domain("linux", arch), host_arch=host)


@pytest.mark.parametrize("host", ["amd64", "", None, 64])
def test_unknown_host_arch_is_refused_by_name(host):
    with pytest.raises(ConversionError) as info:
        fastsexpr.xml_to_sexpr(domain("linux"), host_arch=host)
    assert info.value.path == "host_arch"
    assert "x86_64" in info.value.reason and "i686" in info.value.reason
