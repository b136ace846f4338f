"""Elements of a domain XML that libvirt 1.2.10 parsed but that its SEXPR
formatter (xenFormatSxpr) or its xm formatter (xenFormatXM) wrote nowhere (a
watchdog, a <cpu> model, a second display) are said in a FastSexprWarning
naming the element's path, or refused with ``strict``; what libvirt adds to
every domain by itself (a xen memballoon, the default controllers, a video
card at xend's default) says nothing.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from fastsexpr import ConversionError, FastSexprWarning, xml_to_sexpr, xml_to_xm

from corpus import CORPUS, load_fixture, needs_corpus, rows

UUID = "c7a5fdbd-edaf-9455-926a-d65c16db1809"


def hvm(devices: str = "", top: str = "") -> str:
    return (f"<domain type='xen'><name>web</name><uuid>{UUID}</uuid>"
            "<memory>524288</memory>" + top +
            "<os><type>hvm</type><loader>/usr/lib/xen/boot/hvmloader</loader></os>"
            "<devices><emulator>/usr/lib/xen/bin/qemu-dm</emulator>"
            "<disk type='file' device='disk'><source file='/var/lib/xen/web.img'/>"
            "<target dev='hda'/></disk>"
            "<graphics type='vnc' port='-1'/>" + devices + "</devices></domain>")


def pv(devices: str = "", top: str = "") -> str:
    return (f"<domain type='xen'><name>web</name><uuid>{UUID}</uuid>"
            "<memory>524288</memory>" + top +
            "<os><type>linux</type><kernel>/boot/vmlinuz</kernel></os>"
            "<devices><disk type='block'><source dev='/dev/vg/web'/>"
            "<target dev='xvda'/></disk>"
            "<console type='pty'><target type='xen' port='0'/></console>"
            "<graphics type='vnc' port='-1'/>" + devices + "</devices></domain>")


CONVERTERS = {"sexpr": xml_to_sexpr, "xm": xml_to_xm}


def said(xml: str, target: str = "sexpr", **kw) -> list:
    found: list = []
    CONVERTERS[target](xml, on_warning=found.append, **kw)
    return [str(w) for w in found]


def quiet(xml: str, target: str = "sexpr", **kw) -> str:
    return CONVERTERS[target](xml, on_warning=lambda w: None, **kw)


# ------------------------------------------------------------- devices

@pytest.mark.parametrize("element, path, words", [
    ("<watchdog model='i6300esb' action='reset'/>", "/domain/devices/watchdog", "watchdog"),
    ("<channel type='pty'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>",
     "/domain/devices/channel", "channel"),
    ("<redirdev bus='usb' type='spicevmc'/>", "/domain/devices/redirdev", "USB redirect"),
    ("<smartcard mode='host'/>", "/domain/devices/smartcard", "smartcard"),
    ("<hub type='usb'/>", "/domain/devices/hub", "USB hub"),
    ("<rng model='virtio'><backend model='random'>/dev/random</backend></rng>",
     "/domain/devices/rng", "random number generator"),
    ("<panic><address type='isa' iobase='0x505'/></panic>", "/domain/devices/panic", "panic"),
    ("<filesystem type='mount'><source dir='/srv'/><target dir='srv'/></filesystem>",
     "/domain/devices/filesystem", "filesystem"),
    ("<lease><lockspace>s</lockspace><key>k</key><target path='/l'/></lease>",
     "/domain/devices/lease", "lease"),
    ("<tpm model='tpm-tis'><backend type='passthrough'/></tpm>", "/domain/devices/tpm", "TPM"),
    ("<memballoon model='none'/>", "/domain/devices/memballoon", "balloon"),
    ("<video><model type='vga' vram='16384' heads='1'/></video>", "/domain/devices/video",
     "video"),
    ("<video><model type='cirrus' vram='65536' heads='1'/></video>", "/domain/devices/video",
     "video"),
    ("<video><model type='cirrus' heads='2'/></video>", "/domain/devices/video", "video"),
    ("<controller type='scsi' index='0' model='lsilogic'/>", "/domain/devices/controller",
     "controller"),
    ("<hostdev mode='subsystem' type='usb'><source><vendor id='0x1234'/>"
     "<product id='0xbeef'/></source></hostdev>", "/domain/devices/hostdev", "USB"),
])
@pytest.mark.parametrize("target", ["sexpr", "xm"])
def test_a_device_the_formatters_dropped_is_said_with_its_path(element, path, words, target):
    found = said(hvm(element), target)
    assert len(found) == 1, found
    assert found[0].startswith(f"{path}: ") and words in found[0]
    # converted as libvirt converted it: as if the element were not there
    assert quiet(hvm(element), target) == quiet(hvm(), target)


def test_each_of_several_is_said_and_numbered():
    found = said(hvm("<watchdog model='i6300esb'/><channel type='pty'/>"
                     "<watchdog model='ib700'/>"))
    assert [w.split(":")[0] for w in found] == [
        "/domain/devices/watchdog", "/domain/devices/channel", "/domain/devices/watchdog[2]"]


@pytest.mark.parametrize("target", ["sexpr", "xm"])
def test_devices_a_paravirt_guest_cannot_carry(target):
    found = said(pv("<sound model='es1370'/><serial type='pty'><target port='0'/></serial>"
                    "<input type='mouse' bus='usb'/>"), target)
    assert [w.split(":")[0] for w in found] == ["/domain/devices/sound",
                                                "/domain/devices/serial",
                                                "/domain/devices/input"]
    assert found[0].startswith("/domain/devices/sound: a paravirtualised guest's sound card ")
    assert "USB input" in found[2]


@pytest.mark.parametrize("target", ["sexpr", "xm"])
def test_a_second_display_is_said(target):
    found = said(hvm("<graphics type='sdl' display=':0'/>"), target)
    assert len(found) == 1 and found[0].startswith("/domain/devices/graphics")
    assert "display" in found[0]


def test_xm_names_one_usb_input_only():
    xml = hvm("<input type='tablet' bus='usb'/><input type='mouse' bus='usb'/>")
    assert said(xml, "sexpr") == []        # (usbdevice ...) each
    found = said(xml, "xm")
    assert len(found) == 1 and found[0].startswith("/domain/devices/input[2]: ")


# ------------------------------------------------------------- the domain

@pytest.mark.parametrize("element, path, words", [
    ("<cpu mode='host-passthrough'/>", "/domain/cpu", "CPU"),
    ("<numatune><memory mode='strict' nodeset='0'/></numatune>", "/domain/numatune", "NUMA"),
    ("<blkiotune><weight>800</weight></blkiotune>", "/domain/blkiotune", "block I/O"),
    ("<memtune><hard_limit unit='KiB'>1048576</hard_limit></memtune>", "/domain/memtune",
     "memory"),
    ("<cputune><shares>2048</shares></cputune>", "/domain/cputune", "CPU"),
    ("<memoryBacking><hugepages/></memoryBacking>", "/domain/memoryBacking", "memory"),
    ("<seclabel type='static' model='selinux'><label>system_u:system_r:svirt_t:s0:c1"
     "</label></seclabel>", "/domain/seclabel", "security label"),
    ("<title>The web server</title>", "/domain/title", "title"),
    ("<metadata><app:a xmlns:app='http://example.com/app'>x</app:a></metadata>",
     "/domain/metadata", "metadata"),
    ("<pm><suspend-to-mem enabled='yes'/></pm>", "/domain/pm", "power"),
    ("<sysinfo type='smbios'><bios><entry name='vendor'>V</entry></bios></sysinfo>",
     "/domain/sysinfo", "SMBIOS"),
])
@pytest.mark.parametrize("target", ["sexpr", "xm"])
def test_a_domain_setting_the_formatters_dropped_is_said(element, path, words, target):
    found = said(hvm(top=element), target)
    assert len(found) == 1, found
    assert found[0].startswith(f"{path}: ") and words in found[0]


def test_the_description_is_carried_into_sexpr_only():
    xml = pv(top="<description>the shop's web server</description>")
    assert said(xml, "sexpr") == []
    found = said(xml, "xm")
    assert len(found) == 1 and found[0].startswith("/domain/description: ")


# ------------------------------------------------------------- defaults

DEFAULTS_HVM = ("<controller type='xenbus' index='0'/><controller type='ide' index='0'/>"
                "<controller type='usb' index='0'/><controller type='scsi' index='0'/>"
                "<memballoon model='xen'/>"
                "<video><model type='cirrus' vram='16384' heads='1'/></video>"
                "<input type='mouse' bus='ps2'/><input type='keyboard' bus='ps2'/>")
DEFAULTS_PV = ("<memballoon model='xen'/><video><model type='xen' vram='4096' heads='1'/>"
               "</video><input type='mouse' bus='xen'/><input type='keyboard' bus='xen'/>")


@pytest.mark.parametrize("target", ["sexpr", "xm"])
def test_what_libvirt_adds_by_itself_says_nothing(target):
    top = "<seclabel type='none' model='none'/><resource><partition>/machine</partition>" \
          "</resource><cpu/>"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CONVERTERS[target](hvm(DEFAULTS_HVM, top))
        CONVERTERS[target](pv(DEFAULTS_PV, top))
        CONVERTERS[target](hvm("<video><model type='cirrus'/></video>"))
        # the USB controller xend's device model had, a PCI root bus
        CONVERTERS[target](hvm("<controller type='usb' index='0' model='piix3-uhci'/>"
                               "<controller type='pci' index='0' model='pci-root'/>"))


@needs_corpus
@pytest.mark.parametrize("direction, target", [("xml2sexpr", "sexpr"), ("xml2xm", "xm")])
def test_libvirts_fixtures_warn_only_for_what_they_really_lose(direction, target):
    loud = {}
    for row in rows(direction):
        text = load_fixture(CORPUS / row["input"])
        version = int(row["xend_config_version"])
        try:
            found = said(text, target, xend_config_version=version)
        except ConversionError:
            continue        # the cases libvirt refused
        if found:
            loud[f"{Path(row['input']).stem}-v{version}"] = found
    if target == "xm":
        assert loud == {}
        return
    # The one fixture that says something: a paravirtualised guest with a
    # bootloader at xend 3.0.2, whose VNC display libvirt wrote nowhere
    # (the image it would have gone in is not written for a bootloader).
    assert list(loud) == ["xml2sexpr-pv-localtime-v1"]
    (only,) = loud["xml2sexpr-pv-localtime-v1"]
    assert only.startswith("/domain/devices/graphics: ") and "bootloader" in only


# ------------------------------------------------------------- strict

@pytest.mark.parametrize("target", ["sexpr", "xm"])
def test_strict_refuses_naming_the_element(target):
    with pytest.raises(ConversionError) as err:
        CONVERTERS[target](hvm("<watchdog model='i6300esb'/>"), strict=True)
    assert err.value.path == "/domain/devices/watchdog"
    assert "strict" in str(err.value)
    # and a domain that loses nothing converts
    assert CONVERTERS[target](hvm(DEFAULTS_HVM), strict=True) == quiet(hvm(), target)


def test_warnings_go_to_the_warnings_module_by_default():
    with pytest.warns(FastSexprWarning, match="/domain/devices/watchdog"):
        xml_to_sexpr(hvm("<watchdog model='i6300esb'/>"))


def test_a_warning_gives_the_line_of_the_element():
    xml = hvm().replace("</devices>", "\n\n<watchdog model='i6300esb'/>\n</devices>")
    found: list = []
    xml_to_sexpr(xml, on_warning=found.append)
    assert found[0].lineno == 3


# ------------------------------------------------------------- a bootloader

def with_bootloader(xml: str) -> str:
    return xml.replace("<memory>", "<bootloader>/usr/bin/pygrub</bootloader><memory>")


def test_a_bootloader_guests_display_is_lost_where_it_went_in_the_image():
    # Before xend 3.0.4 a paravirtualised guest's display went in the image,
    # which libvirt did not write for a guest with a bootloader.
    xml = with_bootloader(pv())
    for version in (1, 2):
        found = said(xml, xend_config_version=version)
        assert len(found) == 1 and found[0].startswith("/domain/devices/graphics: ")
        assert "bootloader" in found[0]
    assert said(xml, xend_config_version=3) == []       # a vfb device
    assert said(xml, "xm", xend_config_version=1) == []  # vnc = 1 in the config


def test_an_hvm_guest_with_a_bootloader_loses_what_its_image_held():
    xml = with_bootloader(hvm("<serial type='pty'/><sound model='sb16'/>"
                              "<input type='tablet' bus='usb'/>"))
    found = said(xml, xend_config_version=4)
    assert [w.split(":")[0] for w in found] == [
        "/domain/devices/graphics", "/domain/devices/serial", "/domain/devices/sound",
        "/domain/devices/input"]


# ------------------------------------------------------------- disks

FLOPPY = ("<disk type='file' device='floppy'><source file='/srv/boot.img'/>"
          "<target dev='fda'/></disk>")


def cdrom(target: str, source: bool = True) -> str:
    src = "<source file='/srv/install.iso'/>" if source else ""
    return f"<disk type='file' device='cdrom'>{src}<target dev='{target}'/><readonly/></disk>"


def test_xm_has_no_floppies():
    xml = hvm(FLOPPY)
    assert said(xml, "sexpr") == []        # (fda '/srv/boot.img') in the image
    found = said(xml, "xm")
    assert len(found) == 1 and found[0].startswith("/domain/devices/disk[2]: ")
    assert "floppy" in found[0]


def test_xend_3_0_2_keeps_one_cdrom_of_an_hvm_guest():
    # At version 1 an HVM guest's CD-ROM is the image's (cdrom PATH), or
    # the xm config's cdrom key: hdc with an image only.
    xml = hvm(cdrom("hdc") + cdrom("hdd"))
    for target in ("sexpr", "xm"):
        assert said(xml, target, xend_config_version=2) == []
        assert said(hvm(cdrom("hdc")), target, xend_config_version=1) == []
    found = said(xml, "sexpr", xend_config_version=1)
    assert [w.split(":")[0] for w in found] == ["/domain/devices/disk[3]"]
    assert "CD-ROM" in found[0]
    found = said(hvm(cdrom("hdc", source=False)), "xm", xend_config_version=1)
    assert [w.split(":")[0] for w in found] == ["/domain/devices/disk[2]"]
    # and a paravirtualised guest's hdc, which xm put in no key
    found = said(pv(cdrom("hdc")), "xm", xend_config_version=1)
    assert [w.split(":")[0] for w in found] == ["/domain/devices/disk[2]"]


def test_an_hvm_guest_with_a_bootloader_loses_its_image_floppies_and_v1_cdroms():
    xml = with_bootloader(hvm(FLOPPY + cdrom("hdc")))
    found = said(xml, xend_config_version=1)
    assert [w.split(":")[0] for w in found] == [
        "/domain/devices/graphics", "/domain/devices/disk[2]", "/domain/devices/disk[3]"]
    assert all("bootloader" in w for w in found)
    found = said(xml, xend_config_version=2)    # the CD-ROM is a vbd device from 3.0.3 on
    assert [w.split(":")[0] for w in found] == ["/domain/devices/graphics",
                                                "/domain/devices/disk[2]"]


# ------------------------------------------------------------- chr devices

@pytest.mark.parametrize("target", ["sexpr", "xm"])
def test_one_parallel_port_and_one_serial_per_port_are_carried(target):
    xml = hvm("<parallel type='pty'/><parallel type='null'/>"
              "<serial type='pty'><target port='0'/></serial>"
              "<serial type='null'><target port='1'/></serial>"
              "<serial type='file'><source path='/var/log/s'/><target port='0'/></serial>")
    found = said(xml, target)
    assert [w.split(":")[0] for w in found] == ["/domain/devices/parallel[2]",
                                                "/domain/devices/serial[3]"]
    assert "port 0" in found[1]


def test_two_displays_of_a_bootloader_guest_are_said_once():
    xml = with_bootloader(pv("<graphics type='sdl' display=':0'/>"))
    found = said(xml, xend_config_version=1)
    assert len(found) == 1 and found[0].startswith("/domain/devices/graphics: 2 displays")
