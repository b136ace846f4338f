"""The xend topic modules' shared tables: each drives a reader and a writer,
so what one writes the other must read back to the same model.

The rules themselves are tested end to end (test_sexpr2xml, test_xml2sexpr,
the conformance corpus); these tests pin the tables and the scalar helpers
the two directions share.
"""
from __future__ import annotations

import pytest

from fastsexpr import read_sexpr, write_sexpr
from fastsexpr.model.domain import OS, Chr, Disk, Domain, PciHostdev
from fastsexpr.model.scalars import format_cpuset, parse_int_base0
from fastsexpr.model.vocab import CHR_TYPES, DISK_FORMATS, LIFECYCLE_ACTIONS
from fastsexpr.syntax import SexprWriter
from fastsexpr.xend import chr as xend_chr
from fastsexpr.xend import disk, graphics, lifecycle, os as xend_os, pci

UUID = "4f2e4b1a0c3d4e5f8a9b0c1d2e3f4a5b"


def written(write, *args):
    w = SexprWriter()
    write(w, *args)
    return w.getvalue()


# ------------------------------------------------------------------ scalars

@pytest.mark.parametrize("text,number", [
    ("0", 0), ("42", 42), ("-7", -7), ("0x1f", 31), ("010", 8), (" 5", 5),
    ("2147483647", 2147483647), ("-2147483648", -2147483648),
])
def test_parse_int_reads_strtol_base_0(text, number):
    assert parse_int_base0(text) == number


@pytest.mark.parametrize("text", [None, "", "x", "5 ", "1.5", "2147483648", "-2147483649", "0x"])
def test_parse_int_refuses_what_virStrToLong_i_refused(text):
    assert parse_int_base0(text) is None


@pytest.mark.parametrize("cpus,text", [
    ((0,), "0"), ((0, 1, 2, 3), "0-3"), ((0, 2, 4), "0,2,4"), ((1, 2, 5, 7, 8), "1-2,5,7-8"),
])
def test_format_cpuset_writes_runs(cpus, text):
    assert format_cpuset(cpus) == text


# ------------------------------------------------------------------- tables

def test_boot_letters_and_devices_are_one_table():
    assert {dev: letter for letter, dev in xend_os.BOOT_DEVICES.items()} == xend_os.BOOT_LETTERS


def test_driver_words_read_back_as_the_storage_type_they_were_written_for():
    for storage, word in disk.STORAGE_DRIVERS.items():
        assert disk.DRIVER_STORAGE[word] == storage
    for tap in disk.TAP_DRIVERS:
        assert disk.DRIVER_STORAGE[tap] == "file"


def test_tap_format_words_read_back_as_formats():
    for fmt, word in disk.TAP_FORMAT_WORDS.items():
        assert fmt in DISK_FORMATS
        assert disk.TAP_WORD_FORMATS[word] == fmt


def test_lifecycle_keys_are_model_fields_with_their_defaults_allowed():
    dom = Domain("x", UUID)
    for key, allowed in lifecycle.LIFECYCLE_KEYS:
        assert getattr(dom, key) in allowed
        assert set(LIFECYCLE_ACTIONS) <= set(allowed)


# The writers (and the VNC reader) that spell their table's rows out for
# speed: each must still do exactly what its table says, row by row.

def test_lifecycle_writer_and_reader_follow_the_table():
    dom = Domain("x", UUID, on_poweroff="preserve", on_reboot="rename-restart",
                 on_crash="coredump-restart")
    assert written(lifecycle.write_lifecycle, dom) == "".join(
        f"({key} '{getattr(dom, key)}')" for key, _ in lifecycle.LIFECYCLE_KEYS)
    back = Domain("x", UUID)
    lifecycle.read_lifecycle(back, {key: getattr(dom, key) for key, _ in lifecycle.LIFECYCLE_KEYS})
    assert (back.on_poweroff, back.on_reboot, back.on_crash) == (
        dom.on_poweroff, dom.on_reboot, dom.on_crash)


def test_kernel_writer_and_reader_follow_the_table():
    osd = OS(**{field: f"/{key}-value" for field, key in xend_os.KERNEL_KEYS})
    text = written(xend_os.write_kernel, osd, False)
    assert text == "(image (linux " + "".join(
        f"({key} '/{key}-value')" for _, key in xend_os.KERNEL_KEYS)
    back = read_sexpr(f"(domain (domid 1)(name g)(uuid {UUID}){text})))", 4).os
    for field, _ in xend_os.KERNEL_KEYS:
        assert getattr(back, field) == getattr(osd, field)


@pytest.mark.parametrize("keys", [graphics.VNC_KEYS, graphics.SDL_KEYS])
def test_graphics_reader_and_writer_follow_the_tables(keys):
    kind = "vnc" if keys is graphics.VNC_KEYS else "sdl"
    img = {kind: "1", "vncunused": "1", **{key: f"{field}-value" for field, key in keys}}
    dom = Domain("x", UUID)
    graphics.read_image_graphics(dom, img, -1, 4)
    (read,) = dom.graphics
    for field, _ in keys:
        assert getattr(read, field) == f"{field}-value"
    text = written(graphics.write_image_graphics, dom, 4, True)
    assert text.endswith("".join(f"({key} '{field}-value')" for field, key in keys))


def test_pci_format_is_built_from_the_table():
    dom = Domain("x", UUID, hostdevs=[PciHostdev(0, 1, 0x1f, 7)])
    assert written(pci.write_pci, dom) == (
        "(device (pci (dev (domain 0x0000)(bus 0x01)(slot 0x1f)(func 0x7))))")


def test_every_chr_form_is_a_chr_type():
    assert set(xend_chr.CHR_FORMS) <= set(CHR_TYPES)


# --------------------------------------------------------- CHR round trips

@pytest.mark.parametrize("chr_,text", [
    (Chr("null"), "null"),
    (Chr("vc"), "vc"),
    (Chr("stdio"), "stdio"),
    (Chr("pty"), "pty"),
    (Chr("dev", "/dev/ttyS0"), "/dev/ttyS0"),
    (Chr("file", "/var/log/guest.log"), "file:/var/log/guest.log"),
    (Chr("pipe", "/tmp/guest"), "pipe:/tmp/guest"),
    (Chr("tcp", host="127.0.0.1", service="9999"), "tcp:127.0.0.1:9999"),
    (Chr("tcp", host="0.0.0.0", service="23", listen=True, protocol="telnet"),
     "telnet:0.0.0.0:23,server,nowait"),
    (Chr("udp", connect_host="10.0.0.1", connect_service="514", bind_host="0.0.0.0",
         bind_service="1514"), "udp:10.0.0.1:514@0.0.0.0:1514"),
    (Chr("unix", "/tmp/sock", listen=True), "unix:/tmp/sock,server,nowait"),
    (Chr("unix", "/tmp/sock"), "unix:/tmp/sock"),
])
def test_a_written_chr_string_reads_back_as_the_same_device(chr_, text):
    assert written(xend_chr.write_chr, chr_, "/domain/devices/serial[1]") == text
    assert xend_chr.parse_chr(text, None, "domain/image/hvm/serial") == chr_


def test_udp_without_bind_part_writes_empty_fields_that_read_back_as_absent():
    chr_ = Chr("udp", connect_host="10.0.0.1", connect_service="514")
    text = written(xend_chr.write_chr, chr_, "/domain/devices/serial[1]")
    assert text == "udp:10.0.0.1:514@:"
    assert xend_chr.parse_chr(text, None, "domain/image/hvm/serial") == Chr(
        "udp", connect_host="10.0.0.1", connect_service="514", bind_service="")


# ------------------------------------------------------- model round trips

def test_an_empty_bootloader_is_written_as_the_bare_key():
    dom = read_sexpr(f"(domain (domid 1)(name g)(uuid {UUID})(bootloader)(vcpus 1))", 4)
    assert dom.bootloader == ""
    out = write_sexpr(dom, 4)
    assert "(bootloader)(on_poweroff" in out


def test_a_tap_disk_reads_back_with_its_format():
    dom = Domain("x", UUID, os=OS(kernel="/boot/vmlinuz"), disks=[
        Disk("file", "disk", "/img/a.qcow", "xvda", "xen", "tap", "qcow"),
        Disk("file", "disk", "/img/b.img", "xvdb", "xen", "tap2", "raw"),
    ])
    text = write_sexpr(dom, 4).replace("(vm ", "(domain (domid 1)", 1)
    back = read_sexpr(text, 4)
    assert [(d.driver_name, d.driver_type, d.source) for d in back.disks] == [
        ("tap", "qcow", "/img/a.qcow"), ("tap2", "raw", "/img/b.img")]
