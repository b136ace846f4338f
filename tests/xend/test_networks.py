"""<interface type='network'> with a user-given map from network to bridge.

libvirt asked its network driver which bridge a network used; offline there
is none, so the caller names it (``networks={"default": "virbr0"}``).
libvirt then wrote the bridge and the bridge script, exactly as for a
bridged NIC with no script of its own (XML2SEXPR.md section 8).
"""
from __future__ import annotations

import pytest

import fastsexpr
from fastsexpr import ConversionError, DomainXMLError

MAC = "00:16:3e:1b:2c:3d"


def guest(interface: str, os_type: str = "linux") -> str:
    boot = "<kernel>/boot/vmlinuz</kernel>" if os_type == "linux" else \
        "<loader>/usr/lib/xen/boot/hvmloader</loader>"
    return ("<domain type='xen'><name>g</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>"
            f"<memory>1048576</memory><os><type>{os_type}</type>{boot}</os>"
            f"<devices>{interface}</devices></domain>")


NETWORK = f"<interface type='network'><source network='default'/><mac address='{MAC}'/></interface>"
BRIDGE = f"<interface type='bridge'><source bridge='virbr0'/><mac address='{MAC}'/></interface>"


@pytest.mark.parametrize("version", [1, 2, 3, 4])
@pytest.mark.parametrize("os_type", ["linux", "hvm"])
def test_mapped_network_is_written_as_its_bridge(version, os_type):
    got = fastsexpr.xml_to_sexpr(guest(NETWORK, os_type), xend_config_version=version,
                                 networks={"default": "virbr0"})
    # A network NIC resolves to the bridge plus libvirt's bridge script:
    # the very bytes of a bridged NIC on that bridge.
    assert got == fastsexpr.xml_to_sexpr(guest(BRIDGE, os_type), xend_config_version=version)
    assert f"(device (vif (mac '{MAC}')(bridge 'virbr0')(script 'vif-bridge')" in got


def test_without_a_map_libvirts_refusal_stands():
    with pytest.raises(DomainXMLError) as info:
        fastsexpr.xml_to_sexpr(guest(NETWORK))
    assert info.value.path == "/domain/devices/interface[1]"
    assert "default" in info.value.reason and "networks" in info.value.reason


def test_a_network_missing_from_the_map_is_named():
    with pytest.raises(DomainXMLError) as info:
        fastsexpr.xml_to_sexpr(guest(NETWORK), networks={"lan": "br0"})
    assert "'default'" in info.value.reason
    assert info.value.path == "/domain/devices/interface[1]"


def test_a_script_on_a_network_nic_is_still_refused():
    nic = NETWORK.replace("</interface>", "<script path='vif-nat'/></interface>")
    with pytest.raises(DomainXMLError, match="scripts are not supported on interfaces of type network"):
        fastsexpr.xml_to_sexpr(guest(nic), networks={"default": "virbr0"})


def test_bridge_names_are_escaped_like_any_value():
    got = fastsexpr.xml_to_sexpr(guest(NETWORK), networks={"default": "br'0"})
    assert "(bridge 'br\\'0')" in got


@pytest.mark.parametrize("networks", [{"default": ""}, {"default": 5}, ["default"]])
def test_a_bad_map_is_refused_by_name(networks):
    with pytest.raises(ConversionError) as info:
        fastsexpr.xml_to_sexpr(guest(NETWORK), networks=networks)
    assert info.value.path == "networks"
