"""xm config devices -> domain XML (XM.md 4.4-4.9 and 8), as libvirt
1.2.10's ``domxml-from-native xen-xm`` converted them.

Every expected value is worked out by hand from the spec's rules and the
oracle probes it quotes, never taken from our own output.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xm_configs import HVM, PV, refused, xml

from fastsexpr.xm import graphics, pci
from fastsexpr.xm.values import XmIn


def disks(cfg: str, version: int = 2) -> list:
    return re.findall(r"    <disk .*?</disk>\n", xml(cfg, version), re.S)


def disk(kind, device, driver, source, target, bus, extra=""):
    src = "" if source is None else f"      <source {source}/>\n"
    return (f"    <disk type='{kind}' device='{device}'>\n      <driver {driver}/>\n{src}"
            f"      <target dev='{target}' bus='{bus}'/>\n{extra}    </disk>\n")


def nics(cfg: str, version: int = 2) -> list:
    return re.findall(r"    <interface .*?</interface>\n", xml(cfg, version), re.S)


# ------------------------------------------------------------- disks (4.4)

@pytest.mark.parametrize("item,expected", [
    ("tap:aio:/a.img,hda,w", disk("file", "disk", "name='tap' type='raw'", "file='/a.img'",
                                  "hda", "ide")),
    ("tap:qcow2:/a.img,hda,w", disk("file", "disk", "name='tap' type='qcow2'",
                                    "file='/a.img'", "hda", "ide")),
    ("tap2:aio:/a,hda,w", disk("file", "disk", "name='tap2'", "file='aio:/a'", "hda", "ide")),
    ("/dev/sda,hda,w", disk("block", "disk", "name='phy'", "dev='/dev/sda'", "hda", "ide")),
    ("phy:,hda,w", disk("block", "disk", "name='phy'", "dev=''", "hda", "ide")),
    (",hdc:cdrom,r", disk("block", "cdrom", "name='phy'", None, "hdc", "ide",
                          "      <readonly/>\n")),
    ("file:/a.img,hda:cdrom:x,w", disk("file", "disk", "name='file'", "file='/a.img'",
                                       "hda", "ide")),
    ("file:/a.img,ioemu:sdb,ro", disk("file", "disk", "name='file'", "file='/a.img'",
                                      "sdb", "scsi", "      <readonly/>\n")),
    ("file:/a.img,xvda,w!", disk("file", "disk", "name='file'", "file='/a.img'",
                                 "xvda", "xen", "      <shareable/>\n")),
    ("file:/a.img,fda,!", disk("file", "disk", "name='file'", "file='/a.img'",
                               "fda", "ide", "      <shareable/>\n")),
    ("file:/a.img,vda,r,extra", disk("file", "disk", "name='file'", "file='/a.img'",
                                     "vda", "ide")),
])
def test_hvm_disk_items(item, expected):
    assert disks(HVM + f'disk = [ "{item}" ]\n') == [expected]


def test_pv_disks_are_on_the_xen_bus():
    assert disks(PV + 'disk = [ "file:/a.img,hda,rw" ]\n') == [
        disk("file", "disk", "name='file'", "file='/a.img'", "hda", "xen")]


@pytest.mark.parametrize("value", ['[ "tap:/a.img,hda,w" ]', '[ "/a.img" ]', '[ "/a,hda" ]',
                                   '[ 1, [ "x" ] ]', '"file:/a.img,hda,w"'])
def test_disks_libvirt_skipped(value):
    assert disks(HVM + f"disk = {value}\n") == []


@pytest.mark.parametrize("item,reason", [
    ("tap:none:/a.img,hda,w", "Unknown driver type none:/a.img"),
    ("tap:vmdk2:/a,hda,w", "Unknown driver type vmdk2:/a"),
])
def test_unknown_tap_formats(item, reason):
    error = refused(HVM + f'disk = [ "{item}" ]\n')
    assert (error.path, error.reason) == ("disk", reason)


def test_disks_keep_document_order():
    cfg = HVM + 'disk = [ "file:/b,hdb,w", "file:/a,hda,w" ]\n'
    assert [re.search("dev='(hd.)'", d).group(1) for d in disks(cfg)] == ["hdb", "hda"]


def test_v1_hvm_cdrom_key():
    cdrom = disk("file", "cdrom", "name='file'", "file=''", "hdc", "ide", "      <readonly/>\n")
    assert disks(HVM + 'cdrom = ""\n', 1) == [cdrom]
    # Even with an hdc in the list, and only at version 1.
    cfg = HVM + 'disk = [ "file:/x,hdc:cdrom,r" ]\ncdrom = ""\n'
    assert len(disks(cfg, 1)) == 2 and len(disks(cfg, 2)) == 1
    assert disks(PV + 'cdrom = "/x.iso"\n', 1) == []


# ------------------------------------------------------------- vif (4.5)

MAC = "00:16:3e:00:00:01"


def bridge_nic(inner):
    return f"    <interface type='bridge'>\n{inner}    </interface>\n"


def test_vif_fields():
    cfg = PV + (f'vif = [ "mac={MAC}, bridge=br0,,ip=10.0.0.2,script=vif-bridge,'
                'model=e1000,vifname=web0" ]\n')
    assert nics(cfg) == [bridge_nic(
        f"      <mac address='{MAC}'/>\n      <source bridge='br0'/>\n"
        "      <ip address='10.0.0.2'/>\n      <script path='vif-bridge'/>\n"
        "      <target dev='web0'/>\n      <model type='e1000'/>\n")]


def test_vif_defaults():
    # No mac: all zeros; no bridge and no script: ethernet.
    assert nics(PV + 'vif = [ "ip=10.0.0.2" ]\n') == [
        "    <interface type='ethernet'>\n      <mac address='00:00:00:00:00:00'/>\n"
        "      <ip address='10.0.0.2'/>\n    </interface>\n"]


def test_bridge_script_without_bridge():
    assert nics(PV + 'vif = [ "script=vif-bridge" ]\n') == [bridge_nic(
        "      <mac address='00:00:00:00:00:00'/>\n      <script path='vif-bridge'/>\n")]


@pytest.mark.parametrize("item,kept", [
    ("bridge=br0,", False), ("bridge=br0, ", False), ("bridge=br0,foo", False),
    ("foo,bridge=br0", True), ("nothing", False), ("", False),
])
def test_vif_items_libvirt_dropped(item, kept):
    assert len(nics(PV + f'vif = [ "{item}" ]\n')) == kept


def test_vif_last_field_is_truncated():
    out = nics(PV + 'vif = [ "bridge=a=b,model=1234567890" ]\n')
    assert "<source bridge='a=b'/>" in out[0] and "<model type='123456789'/>" in out[0]


def test_vif_field_too_big_drops_the_nic_with_a_nonfatal_message():
    cfg = HVM + 'vif = [ "model=1234567890,bridge=b" ]\nsoundhw = "foo"\n'
    error = refused(cfg)
    assert error.path == "soundhw"
    assert "internal error: Model 1234567890,bridge=b too big for destination" in error.reason
    assert nics(HVM + 'vif = [ "model=1234567890,bridge=b" ]\n') == []


@pytest.mark.parametrize("first", ["bridge=br0", "bridge=bré"])
def test_vif_field_too_big_after_others_names_the_rest_of_the_string(first):
    # libvirt's message shows the string from the too-long value on.
    error = refused(HVM + f'vif = [ "{first},ip=1234567890123456,mac=x" ]\nsoundhw = "foo"\n')
    assert "internal error: IP 1234567890123456,mac=x too big for destination" in error.reason


def test_netfront_type_is_the_model():
    assert "<model type='netfront'/>" in nics(PV + 'vif = [ "type=netfront" ]\n')[0]
    assert "<model" not in nics(PV + 'vif = [ "type=ioemu" ]\n')[0]


def test_malformed_mac():
    error = refused(PV + 'vif = [ "mac=zz" ]\n')
    assert (error.path, error.reason) == ("vif", "malformed mac address 'zz'")


def test_mac_groups_are_padded_and_multicast_is_accepted():
    assert "<mac address='01:02:03:0a:0b:0c'/>" in nics(PV + 'vif = [ "mac=1:2:3:A:b:c" ]\n')[0]


# ------------------------------------------------------------- pci (4.7)

def hostdevs(cfg):
    return re.findall(r"<address domain='(\w+)' bus='(\w+)' slot='(\w+)' function='(\w+)'/>",
                      xml(cfg))


def test_pci_addresses():
    cfg = PV + 'pci = [ "1:2:3.4", "0000:01:1f.7", " 1:-1:+1.a" ]\n'
    assert hostdevs(cfg) == [("0x0001", "0x02", "0x03", "0x4"), ("0x0000", "0x01", "0x1f", "0x7"),
                             ("0x0001", "0xffffffff", "0x01", "0xa")]
    assert "<hostdev mode='subsystem' type='pci' managed='no'>" in xml(cfg)


@pytest.mark.parametrize("item", ["00001:00:00.0", "0000:00:00.00", "0000:00:00", "0:x:0.0",
                                  "0:0x:0.0", ":0:0.0"])
def test_pci_items_libvirt_skipped(item):
    assert hostdevs(PV + f'pci = [ "{item}" ]\n') == []


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"[0-9a-fA-F]{0,5}:[0-9a-fA-F]{0,3}:[0-9a-fA-F]{0,3}\.[0-9a-fA-F]{0,2}",
                     fullmatch=True)
       | st.text("0123456789abcdefABCDEFxX:. +-\t", max_size=14))
def test_pci_addresses_as_libvirt_wrote_them_read_as_any_other(item):
    # The plain address takes a shortcut; it must read as libvirt's part by
    # part read reads it.
    fast, careful = XmIn({}, 4), XmIn({}, 4)
    assert pci._parse_address(item, fast) == pci._parse_careful(item, careful)
    assert fast.last_nonfatal == careful.last_nonfatal


@pytest.mark.parametrize("text,expected", [
    ("0c", 12), ("0001", 1), ("7fffffff", 2**31 - 1), ("80000000", None),
    ("-80000000", -2**31), (" \t+1f", 31), ("0x1f", 31), ("0X1F", 31),
    ("0x", None), ("1_f", None), ("", None), ("1f ", None), ("\uff11", None),
])
def test_pci_address_parts_read_as_strtol_in_base_16_within_an_int(text, expected):
    # virStrToLong_i(text, &end, 16): C white space, a sign, an optional 0x
    # before hex digits, nothing after, within a C int.
    from fastsexpr.model.scalars import parse_hex_int
    assert parse_hex_int(text) == expected


def test_pci_part_too_big_is_nonfatal():
    error = refused(HVM + 'pci = [ "00001:00:00.0" ]\nsoundhw = ""\n')
    assert "internal error: Domain 00001:00:00.0 too big for destination" in error.reason


# ------------------------------------------------------------- graphics (4.6)

VNC_AUTO = "<graphics type='vnc' port='-1' autoport='yes'/>"


@pytest.mark.parametrize("cfg,version,expected", [
    (HVM + "vnc = 1\n", 4, VNC_AUTO),
    (HVM + "vnc = 1\nvncunused = 0\n", 3, "<graphics type='vnc' port='5900' autoport='no'/>"),
    (HVM + "vnc = 1\nvncunused = 0\nvncdisplay = 25\nkeymap = \"de\"\n", 2,
     "<graphics type='vnc' port='5925' autoport='no' keymap='de'/>"),
    (HVM + 'sdl = 1\ndisplay = ":0.0"\nxauthority = "/x"\n', 2,
     "<graphics type='sdl' display=':0.0' xauth='/x'/>"),
    (PV + "vnc = 1\n", 3, None),
    (PV + 'sdl = 1\nvfb = [ "type=vnc" ]\n', 2, "<graphics type='sdl'/>"),
    (PV + 'vfb = [ "type=vnc,vncunused=1" ]\n', 1, VNC_AUTO),
    (PV + 'vfb = [ "type=vnc" ]\n', 3, "<graphics type='vnc' autoport='no'/>"),
    (PV + 'vfb = [ "" ]\n', 3, "<graphics type='vnc' autoport='no'/>"),
    (PV + 'vfb = [ "type=vnc,vncunused=1 ,keymap=fr" ]\n', 3,
     "<graphics type='vnc' autoport='no' keymap='fr'/>"),
    (PV + 'vfb = [ "vncdisplay= 25,novalue,keymap=fr" ]\n', 3,
     "<graphics type='vnc' port='5925' autoport='no'/>"),
    (PV + 'vfb = [ "display=:1,type=sdl,xauthority=/x" ]\n', 3,
     "<graphics type='sdl' display=':1' xauth='/x'/>"),
    (HVM + 'vnc = 0\nvfb = [ "type=vnc" ]\n', 3, None),
])
def test_graphics(cfg, version, expected):
    found = re.findall(r"<graphics .*?/>", xml(cfg, version))
    assert found == ([] if expected is None else [expected])


def test_vnc_listen_and_password_are_printed():
    out = xml(PV + 'vfb = [ "type=vnc,vnclisten=0.0.0.0,vncpasswd=s3cret" ]\n', 3)
    assert ("<graphics type='vnc' autoport='no' listen='0.0.0.0' passwd='s3cret'>\n"
            "      <listen type='address' address='0.0.0.0'/>\n    </graphics>") in out
    # Graphics bring the implicit mouse and keyboard.
    assert "<input type='mouse' bus='xen'/>\n    <input type='keyboard' bus='xen'/>" in out


@pytest.mark.parametrize("cfg,reason", [
    (PV + 'vfb = [ "type=vnc,vncdisplay=abc" ]\n', "invalid vncdisplay value 'abc'"),
    (PV + f'vfb = [ "{"k" * 1024}" ]\n', f"VFB {'k' * 1024} too big for destination"),
])
def test_vfb_errors(cfg, reason):
    error = refused(cfg, 3)
    assert (error.path, error.reason) == ("vfb", reason)


@settings(max_examples=300, deadline=None)
@given(st.text(",= \tab", max_size=12))
def test_vfb_segments_split_as_libvirt_skipped_separators(text):
    # The usual vfb string is split in one call; libvirt's scan, which skips
    # runs of ',', ' ' and TAB after each ',', must find the same segments.
    segments = graphics._vfb_segments(text)
    assert segments == graphics._vfb_segments_skipping(text)



# ------------------------------------------------------------- chr, sound, usb (4.8)

def test_serial_list_with_gaps():
    out = xml(HVM + 'serial = [ "none", "pty" ]\n')
    assert ("    <serial type='pty'>\n      <target port='1'/>\n    </serial>\n"
            "    <console type='pty'>\n      <target type='serial' port='1'/>\n"
            "    </console>\n") in out


def test_serial_list_item_not_a_string_fails_silently():
    error = refused(HVM + 'serial = [ "pty", 1 ]\n')
    assert error.path == "serial" and "unknown libvirt error" in error.reason


def test_empty_serial_list_and_none():
    assert "<serial" not in xml(HVM + "serial = []\n")
    assert "<serial" not in xml(HVM + 'serial = "none"\nparallel = "none"\n')


@pytest.mark.parametrize("text,source", [
    ("tcp::99", "<source mode='connect' host='(null)' service='99'/>"),
    ("telnet:h:99,server,nowait", "<source mode='bind' host='h' service='99'/>"),
    ("unix:/s,server", "<source mode='bind' path='/s'/>"),
    ("file:/a", "<source path='/a'/>"),
])
def test_chr_strings(text, source):
    out = xml(HVM + f'parallel = "{text}"\n')
    assert f"    <parallel type=" in out and source in out


@pytest.mark.parametrize("text,reason", [
    ("foo:x", "unknown chr device type 'foo'"),
    ("", "unknown chr device type ''"),
])
def test_chr_errors(text, reason):
    error = refused(HVM + f'serial = "{text}"\n')
    assert (error.path, error.reason) == ("serial", reason)


def test_spicevmc_and_nmdm_are_accepted():
    assert "<serial type='spicevmc'>\n      <target port='0'/>" in xml(HVM + 'serial = "spicevmc"\n')
    assert ("<serial type='nmdm'>\n      <source master='(null)' slave='(null)'/>\n"
            "      <target port='0'/>") in xml(HVM + 'serial = "nmdm"\n')


@pytest.mark.parametrize("text,models", [
    ("all", ["sb16", "es1370"]), ("sb16,es1370", ["sb16", "es1370"]), ("ich6", ["ich6"]),
])
def test_sound(text, models):
    assert re.findall("<sound model='(\\w+)'/>", xml(HVM + f'soundhw = "{text}"\n')) == models


def test_sound_model_too_big():
    error = refused(HVM + 'soundhw = "sb16,abcdefghijk,x"\n')
    assert error.reason == "Sound model abcdefghijk,x too big for destination"


@pytest.mark.parametrize("text", ["", "sb16,", "foo"])
def test_unknown_sound_models_fail_silently(text):
    error = refused(HVM + f'soundhw = "{text}"\n')
    assert error.path == "soundhw" and "unknown libvirt error" in error.reason


@pytest.mark.parametrize("word,found", [("mouse", True), ("keyboard", True), ("disk:x", False)])
def test_usbdevice(word, found):
    out = xml(HVM + f'usbdevice = "{word}"\n')
    assert (f"<input type='{word}' bus='usb'/>" in out) == found
