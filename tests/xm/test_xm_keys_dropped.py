"""Keys of an xm config that libvirt 1.2.10's xm reader ignored but that
hold configuration (a virtual TPM, a scheduler cap, a second display, a
SPICE display) are said in a FastSexprWarning naming the key, or refused
with ``strict``; keys at xm's own default say nothing."""
from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from fastsexpr import ConversionError, FastSexprWarning, xm_to_xml

from corpus import CORPUS, load_fixture, needs_corpus, rows
from xm_configs import HVM, PV

PV_FULL = PV + ('memory = 512\nvcpus = 2\nkernel = "/boot/vmlinuz"\n'
                'disk = [ "phy:/dev/vg/a,xvda,w" ]\nvif = [ "bridge=xenbr0" ]\n')
HVM_FULL = HVM + ('memory = 512\nacpi = 1\napic = 1\npae = 1\nvnc = 1\nvncunused = 1\n'
                  'serial = "pty"\nusb = 1\nusbdevice = "tablet"\n')


def said(cfg: str, version: int = 3, **kw) -> list:
    found: list = []
    xm_to_xml(cfg, xend_config_version=version, on_warning=found.append, **kw)
    return [str(w) for w in found]


def test_a_plain_config_says_nothing():
    assert said(PV_FULL) == [] and said(HVM_FULL) == []


def test_keys_at_xms_defaults_say_nothing():
    defaults = ('cpu_weight = 256\ncpu_cap = 0\nshadow_memory = 0\non_xend_start = "ignore"\n'
                'on_xend_stop = "ignore"\nvtpm = [ ]\nvscsi = [ ]\nvncviewer = 0\n'
                'vncconsole = 1\nfeatures = ""\n')
    assert said(PV_FULL + defaults) == []
    hvm_defaults = 'stdvga = 0\nvideoram = 4\nguest_os_type = "default"\ntimer_mode = 1\n'
    assert said(HVM_FULL + hvm_defaults) == []


@needs_corpus
def test_libvirts_xm_fixtures_say_nothing():
    for row in rows("xm2xml"):
        assert said(load_fixture(CORPUS / row["input"]),
                    int(row["xend_config_version"])) == [], row["input"]


@pytest.mark.parametrize("line, key, words", [
    ('vtpm = [ "instance=1,backend=0" ]', "vtpm", "virtual TPM"),
    ('vscsi = [ "/dev/sdb,0:0:0:0" ]', "vscsi", "SCSI"),
    ('vusb = [ "usbver=2,numports=4" ]', "vusb", "USB"),
    ('ioports = [ "2f8-2ff" ]', "ioports", "I/O port"),
    ('irq = [ 3 ]', "irq", "IRQ"),
    ("cpu_cap = 50", "cpu_cap", "cap"),
    ("cpu_weight = 512", "cpu_weight", "weight"),
    ('pool = "web-pool"', "pool", "pool"),
    ('on_xend_start = "start"', "on_xend_start", "xend starts"),
    ('ip = "10.0.0.5"', "ip", "kernel's network"),
    ('spice = 1', "spice", "SPICE"),
])
def test_a_key_libvirts_xm_reader_ignored_warns(line, key, words):
    found = said(PV_FULL + line + "\n")
    assert len(found) == 1, found
    assert found[0].startswith(f"{key}: ") and words in found[0] and "not carried" in found[0]


@pytest.mark.parametrize("line, key", [
    ("stdvga = 1", "stdvga"),
    ("videoram = 16", "videoram"),
    ('usbdevice = "host:1234:5678"', "usbdevice"),
    ('fda = "/srv/floppy.img"', "fda"),
])
def test_an_hvm_key_libvirt_ignored_warns_for_hvm_guests_only(line, key):
    cfg = HVM_FULL.replace('usbdevice = "tablet"\n', "") + line + "\n"
    found = said(cfg)
    assert len(found) == 1 and found[0].startswith(f"{key}: ")
    # xend itself ignored these for a paravirtualised guest: nothing lost there
    assert said(PV_FULL + line + "\n") == []


def test_sdl_next_to_vnc_is_dropped_and_said():
    found = said(HVM_FULL + "sdl = 1\n")
    assert len(found) == 1 and found[0].startswith("sdl: ") and "VNC" in found[0]


def test_a_spice_vfb_is_read_as_vnc_and_said():
    # libvirt read every vfb type but 'type=sdl' as VNC.
    cfg = PV_FULL + 'vfb = [ "type=spice,spiceport=6000" ]\n'
    xml = xm_to_xml(cfg, xend_config_version=3, on_warning=lambda w: None)
    assert "<graphics type='vnc'" in xml
    found = said(cfg)
    assert len(found) == 1 and found[0].startswith("vfb: ")
    assert "spice" in found[0] and "VNC" in found[0]


def test_an_sdl_vfb_without_type_is_read_as_vnc_and_said():
    # xm made an SDL window of 'sdl=1'; libvirt looked for 'type=sdl' only.
    found = said(PV_FULL + 'vfb = [ "sdl=1,display=:0" ]\n')
    assert len(found) == 1 and found[0].startswith("vfb: ") and "SDL" in found[0]
    assert said(PV_FULL + 'vfb = [ "type=sdl,display=:0" ]\n') == []
    assert said(PV_FULL + 'vfb = [ "vnc=1,vncunused=1" ]\n') == []


def test_a_second_vfb_is_dropped_and_said():
    found = said(PV_FULL + 'vfb = [ "type=vnc", "type=sdl" ]\n')
    assert len(found) == 1 and found[0].startswith("vfb: ") and "first" in found[0]


def test_the_default_is_a_fastsexprwarning_through_the_warnings_module():
    with pytest.warns(FastSexprWarning, match="^vtpm: "):
        xm_to_xml(PV_FULL + 'vtpm = [ "backend=0" ]\n')
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        xm_to_xml(PV_FULL)


def test_strict_refuses_a_key_that_cannot_be_carried():
    with pytest.raises(ConversionError) as info:
        xm_to_xml(PV_FULL + 'vtpm = [ "backend=0" ]\n', strict=True)
    assert info.value.path == "vtpm" and "strict" in info.value.reason
    assert xm_to_xml(PV_FULL, strict=True) == xm_to_xml(PV_FULL)
