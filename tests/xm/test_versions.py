"""Every xend config version difference of the xm format (XM.md section 6),
in both directions, each rule on both sides of its boundary; and the
version probes of XM.md 8 on libvirt's own fixtures.
"""
from __future__ import annotations

import pytest
from corpus import CORPUS, cases, load_fixture, require_corpus

from fastsexpr import ConversionError, DomainXMLError, read_xm, write_xm, xm_to_xml, xml_to_xm

UUID = "c7a5fdb0-cdaf-9455-926a-d65c16db1809"
PV = f'name = "a"\nuuid = "{UUID}"\n'
HVM = PV + 'builder = "hvm"\nkernel = "/l"\n'
VERSIONS = (1, 2, 3, 4)


def hvm_xml(devices="", extra=""):
    return (f"<domain type='xen'><name>a</name><uuid>{UUID}</uuid><memory>1024</memory>"
            f"{extra}<os><type>hvm</type><loader>/l</loader></os>"
            f"<devices>{devices}</devices></domain>")


def pv_xml(devices=""):
    return (f"<domain type='xen'><name>a</name><uuid>{UUID}</uuid><memory>1024</memory>"
            f"<os><type>linux</type><kernel>/k</kernel></os>"
            f"<devices>{devices}</devices></domain>")


CDROM = ("<disk type='file' device='cdrom'><source file='/c.iso'/><target dev='hdc'/>"
         "</disk>")
HDA = "<disk type='block' device='disk'><source dev='/dev/sda'/><target dev='hda'/></disk>"
NIC = "<interface type='bridge'><mac address='00:16:3e:00:00:01'/><source bridge='br0'/></interface>"
VNC = "<graphics type='vnc' port='5901'/>"


@pytest.mark.parametrize("version", VERSIONS)
def test_v1_hvm_disks_ioemu_prefix_and_cdrom_key(version):
    out = xml_to_xm(hvm_xml(HDA + CDROM), xend_config_version=version)
    if version == 1:
        assert 'cdrom = "/c.iso"\n' in out
        assert 'disk = [ "phy:/dev/sda,ioemu:hda,w" ]\n' in out
    else:
        assert "cdrom =" not in out
        assert 'disk = [ "phy:/dev/sda,hda,w", "file:/c.iso,hdc:cdrom,r" ]\n' in out


def test_v1_pv_hdc_cdrom_is_lost():
    out = xml_to_xm(pv_xml(CDROM), xend_config_version=1)
    assert "cdrom" not in out and "disk" not in out


@pytest.mark.parametrize("version", VERSIONS)
def test_hap_and_viridian_from_v3(version):
    out = xml_to_xm(hvm_xml(extra="<features><hap/></features>"), xend_config_version=version)
    late = "apic = 0\nhap = 1\nviridian = 0\n"
    assert (late in out) == (version >= 3) and ("hap" in out) == (version >= 3)


@pytest.mark.parametrize("version", VERSIONS)
def test_pv_graphics_keys_or_vfb(version):
    out = xml_to_xm(pv_xml(VNC), xend_config_version=version)
    if version < 3:
        assert "sdl = 0\nvnc = 1\nvncunused = 0\nvncdisplay = 1\n" in out
    else:
        assert 'vfb = [ "type=vnc,vncunused=0,vncdisplay=1" ]\n' in out


@pytest.mark.parametrize("version", VERSIONS)
def test_hvm_graphics_always_keys(version):
    out = xml_to_xm(hvm_xml(VNC), xend_config_version=version)
    assert "sdl = 0\nvnc = 1\nvncunused = 0\nvncdisplay = 1\n" in out


@pytest.mark.parametrize("version", VERSIONS)
def test_hvm_nic_type_ioemu_until_v3(version):
    out = xml_to_xm(hvm_xml(NIC, "<clock offset='utc'/>"), xend_config_version=version)
    suffix = ",type=ioemu" if version <= 3 else ""
    assert f'vif = [ "mac=00:16:3e:00:00:01,bridge=br0,script=vif-bridge{suffix}" ]' in out


def test_pv_nic_never_has_a_type():
    for version in VERSIONS:
        out = xml_to_xm(pv_xml(NIC), xend_config_version=version)
        assert 'vif = [ "mac=00:16:3e:00:00:01,bridge=br0,script=vif-bridge" ]' in out


@pytest.mark.parametrize("version", VERSIONS)
def test_hvm_clock_rtc_timeoffset_and_reset_error_at_v4(version):
    reset = hvm_xml(extra="<clock offset='utc' adjustment='reset'/>")
    if version == 4:
        with pytest.raises(DomainXMLError) as info:
            xml_to_xm(reset, xend_config_version=version)
        assert info.value.reason == "unsupported clock adjustment='reset'"
    else:
        out = xml_to_xm(reset, xend_config_version=version)
        assert "rtc_timeoffset" not in out and "localtime = 0\n" in out


@pytest.mark.parametrize("version", VERSIONS)
def test_xm_cdrom_key_read_at_v1(version):
    out = xm_to_xml(HVM + 'cdrom = "/c.iso"\n', xend_config_version=version)
    assert ("<source file='/c.iso'/>" in out) == (version == 1)


@pytest.mark.parametrize("version", VERSIONS)
def test_xm_pv_old_graphics_keys_read_before_v3(version):
    out = xm_to_xml(PV + "vnc = 1\n", xend_config_version=version)
    assert ("<graphics type='vnc'" in out) == (version < 3)


@pytest.mark.parametrize("version", VERSIONS)
def test_xm_hvm_clock_variable_at_v4(version):
    out = xm_to_xml(HVM + "rtc_timeoffset = 3\n", xend_config_version=version)
    if version == 4:
        assert "<clock offset='variable' adjustment='3' basis='utc'/>" in out
    else:
        assert "<clock offset='utc' adjustment='reset'/>" in out


@pytest.mark.parametrize("version", [0, 5, "2", None, 2.0])
def test_bad_versions(version):
    for convert, text in ((xm_to_xml, PV), (xml_to_xm, pv_xml())):
        with pytest.raises(ConversionError) as info:
            convert(text, xend_config_version=version)
        assert info.value.path == "xend_config_version"


# ---- XM.md 8's version probes on libvirt's fixtures

def fixture(name):
    require_corpus()
    return load_fixture(CORPUS / "xmconfigdata" / name)


def test_fixture_utc_cfg_at_v4():
    out = xm_to_xml(fixture("test-fullvirt-utc.cfg"), xend_config_version=4)
    assert "  <clock offset='variable' adjustment='0' basis='utc'/>\n" in out


def test_fixture_utc_xml_at_v4_is_refused():
    with pytest.raises(DomainXMLError) as info:
        xml_to_xm(fixture("test-fullvirt-utc.xml"), xend_config_version=4)
    assert info.value.reason == "unsupported clock adjustment='reset'"


def test_fixture_new_pvfb_xml_at_v4_as_at_v3():
    out = xml_to_xm(fixture("test-paravirt-new-pvfb.xml"), xend_config_version=4)
    assert out == fixture("test-paravirt-new-pvfb.cfg")


@pytest.mark.parametrize("source,expected,version", cases("xm2xml"))
def test_fixture_configs_write_back_unchanged(source, expected, version):
    # libvirt's own .cfg files are what its formatter wrote, so the model
    # read from one writes the same file back.
    require_corpus()
    text = load_fixture(CORPUS / source)
    assert write_xm(read_xm(text, version), version) == text
