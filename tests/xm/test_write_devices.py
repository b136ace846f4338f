"""domain XML devices -> xm config (XM.md 5.4-5.7 and 8), as libvirt
1.2.10's ``domxml-to-native xen-xm`` converted them.

Every expected value is worked out by hand from the spec's rules and the
oracle probes it quotes, never taken from our own output.
"""
from __future__ import annotations

import pytest

from fastsexpr import DomainXMLError, xml_to_xm

UUID = "c7a5fdb0-cdaf-9455-926a-d65c16db1809"
MAC = "00:16:3e:00:00:01"


def guest(devices: str, hvm: bool = True) -> str:
    os = "<type>hvm</type><loader>/l</loader>" if hvm else "<type>linux</type><kernel>/k</kernel>"
    return (f"<domain type='xen'><name>a</name><uuid>{UUID}</uuid><memory>1024</memory>"
            f"<os>{os}</os><devices>{devices}</devices></domain>")


def keys(devices: str, hvm: bool = True, version: int = 2) -> dict:
    text = xml_to_xm(guest(devices, hvm), xend_config_version=version)
    return dict(line.split(" = ", 1) for line in text.splitlines())


def refused(devices: str, hvm: bool = True, version: int = 2) -> DomainXMLError:
    with pytest.raises(DomainXMLError) as info:
        xml_to_xm(guest(devices, hvm), xend_config_version=version)
    return info.value


# ------------------------------------------------------------- interfaces (5.4)

def nic(kind, inner=""):
    return f"<interface type='{kind}'><mac address='{MAC}'/>{inner}</interface>"


@pytest.mark.parametrize("xml_nic,hvm,version,entry", [
    (nic("ethernet", "<script path='vif-route'/><ip address='10.0.0.1'/>"), False, 2,
     f"mac={MAC},script=vif-route,ip=10.0.0.1"),
    (nic("bridge", "<source bridge='br0'/><ip address='10.0.0.1'/><script path='my-script'/>"
                   "<target dev='web0'/>"), False, 2,
     f"mac={MAC},bridge=br0,ip=10.0.0.1,script=vif-bridge,vifname=web0"),
    (nic("bridge", "<source bridge='br0'/><model type='netfront'/>"), False, 2,
     f"mac={MAC},bridge=br0,script=vif-bridge,model=netfront"),
    (nic("bridge", "<source bridge='br0'/><model type='netfront'/>"), True, 2,
     f"mac={MAC},bridge=br0,script=vif-bridge,type=netfront"),
    (nic("bridge", "<source bridge='br0'/><model type='e1000'/>"), True, 4,
     f"mac={MAC},bridge=br0,script=vif-bridge,model=e1000"),
    (nic("bridge", "<source bridge='br0'/><target dev='vnet3'/>"), False, 2,
     f"mac={MAC},bridge=br0,script=vif-bridge"),
])
def test_vif_entries(xml_nic, hvm, version, entry):
    assert keys(xml_nic, hvm, version)["vif"] == f'[ "{entry}" ]'


@pytest.mark.parametrize("xml_nic,reason", [
    (nic("network", "<source network='default'/>"), "Network not found: default"),
    (nic("user"), "unsupported network type 0"),
    (nic("direct", "<source dev='eth0'/>"), "unsupported network type 9"),
])
def test_vif_refusals(xml_nic, reason):
    error = refused(xml_nic)
    assert error.reason.startswith(reason) and error.path == "/domain/devices/interface[1]"


def test_network_through_the_networks_map():
    # What libvirt wrote once its network driver named the bridge.
    devices = nic("network", "<source network='default'/><ip address='10.0.0.1'/>"
                             "<model type='e1000'/>")
    text = xml_to_xm(guest(devices), xend_config_version=2, networks={"default": "virbr0"})
    assert f'vif = [ "mac={MAC},bridge=virbr0,script=vif-bridge,model=e1000,type=ioemu" ]' in text
    with pytest.raises(DomainXMLError) as info:
        xml_to_xm(guest(devices), networks={"lan": "br1"})
    assert info.value.reason.startswith("Network not found: default")


# ------------------------------------------------------------- graphics (5.5)

@pytest.mark.parametrize("graphics,hvm,version,expected", [
    ("<graphics type='sdl' display=':0' xauth='/x'/>", True, 2,
     {"sdl": "1", "vnc": "0", "display": '":0"', "xauthority": '"/x"'}),
    ("<graphics type='vnc' port='0' keymap='de' passwd='p'/>", True, 2,
     {"sdl": "0", "vnc": "1", "vncunused": "0", "vncdisplay": "-5900", "vncpasswd": '"p"',
      "keymap": '"de"'}),
    ("<graphics type='vnc' port='5800' listen='10.0.0.1'/>", True, 4,
     {"sdl": "0", "vnc": "1", "vncunused": "0", "vncdisplay": "-100",
      "vnclisten": '"10.0.0.1"'}),
    ("<graphics type='vnc' autoport='yes'><listen type='network' network='n'/>"
     "<listen type='address' address='10.0.0.2'/></graphics>", True, 2,
     {"sdl": "0", "vnc": "1", "vncunused": "1"}),
    ("<graphics type='sdl' display=':0'/>", False, 3, {"vfb": '[ "type=sdl,display=:0" ]'}),
    ("<graphics type='vnc' port='5925' listen='0.0.0.0' passwd='p' keymap='fr'/>", False, 4,
     {"vfb": '[ "type=vnc,vncunused=0,vncdisplay=25,vnclisten=0.0.0.0,vncpasswd=p,keymap=fr" ]'}),
])
def test_graphics(graphics, hvm, version, expected):
    found = keys(graphics, hvm, version)
    assert {k: v for k, v in found.items() if k in expected or k in (
        "sdl", "vnc", "vncunused", "vncdisplay", "vnclisten", "vncpasswd", "keymap", "display",
        "xauthority", "vfb")} == expected


def test_two_graphics_write_none():
    found = keys("<graphics type='sdl'/><graphics type='vnc'/>")
    assert not {"sdl", "vnc", "vfb"} & set(found)


@pytest.mark.parametrize("kind", ["rdp", "desktop", "spice"])
def test_other_graphics_types_are_refused(kind):
    assert f"({kind})" in refused(f"<graphics type='{kind}'/>").reason


# ------------------------------------------------------------- pci (5.6)

def test_pci_managed_or_not():
    hostdev = ("<hostdev mode='subsystem' type='pci' managed='{}'><source>"
               "<address domain='0x0000' bus='0x01' slot='0x1f' function='0x7'/>"
               "</source></hostdev>")
    devices = hostdev.format("yes") + hostdev.format("no").replace("0x1f", "0x02")
    assert keys(devices)["pci"] == '[ "0000:01:1f.7", "0000:01:02.7" ]'


# ------------------------------------------------------------- chr (5.7)

def serial(kind="pty", inner=""):
    return f"<serial type='{kind}'>{inner}</serial>"


@pytest.mark.parametrize("devices,value", [
    ("<console type='pty'/>", '"pty"'),
    (serial(inner="<target port='1'/>"), '[ "none", "pty" ]'),
    (serial(inner="<target port='0'/>") + serial("null", "<target port='0'/>"), '[ "pty" ]'),
    (serial() + serial("file", "<source path='/a&apos;b'/>"), '[ "pty", "file:/a\\\'b" ]'),
    (serial("tcp", "<source mode='bind' host='0.0.0.0' service='99'/>"
                   "<protocol type='telnet'/>"), '"telnet:0.0.0.0:99,server,nowait"'),
    (serial("tcp", "<source mode='connect' host='h' service='99'/><protocol type='tls'/>"),
     '"telnet:h:99"'),
    (serial("udp", "<source mode='connect' service='99'/>"), '"udp::99@:"'),
    (serial("unix", "<source mode='bind' path='/s \\x'/>"), '"unix:/s \\\\x,server,nowait"'),
    (serial("dev", "<source path='/dev/ttyS0'/>"), '"/dev/ttyS0"'),
])
def test_serial(devices, value):
    assert keys(devices)["serial"] == value


def test_parallel_is_the_first_one():
    devices = ("<parallel type='tcp'><source mode='connect' host='h' service='1'/></parallel>"
               "<parallel type='null'/>")
    assert keys(devices)["parallel"] == '"tcp:h:1"'


def test_unsupported_chr_type():
    assert refused(serial("spiceport", "<source channel='x'/>")).reason == (
        "unsupported chr device type 'spiceport'")


def test_pv_guests_get_no_chr_sound_or_inputs():
    devices = (serial() + "<sound model='sb16'/><input type='mouse' bus='usb'/>"
               "<console type='pty'/>")
    found = keys(devices, hvm=False)
    assert not {"serial", "parallel", "soundhw", "usb", "usbdevice"} & set(found)


# ------------------------------------------------------------- sound and usb

def test_sound_models_joined():
    devices = "<sound model='ich6'/><sound model='usb'/><sound model='ac97'/>"
    assert keys(devices)["soundhw"] == '"ich6,usb,ac97"'


def test_first_usb_input_only():
    found = keys("<input type='keyboard' bus='usb'/><input type='tablet' bus='usb'/>")
    assert (found["usb"], found["usbdevice"]) == ("1", '"keyboard"')
