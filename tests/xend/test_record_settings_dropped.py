"""Settings of a xend record that the conversion cannot carry into the
domain XML (a device kind libvirt 1.2.10 never read, a scheduler weight, a
second display) are said in a FastSexprWarning naming their SEXPR path, or
refused with ``strict``; the runtime keys of an ``xm list --long`` record
(state, cpu_time, store_mfn, ...), which have no place in a definition, are
not.
"""
from __future__ import annotations

import re
import textwrap
import warnings
from pathlib import Path

import pytest

import fastsexpr
from fastsexpr import ConversionError, FastSexprWarning, iter_domains, sexpr_to_xml
from fastsexpr.xend import read_sexpr
from fastsexpr.xend.carried import not_carried

from conftest import UUIDS, xm_list_record
from corpus import CORPUS, load_fixture, needs_corpus, rows


def running_record(extra: str = "", image_extra: str = "", name: str = "web", k: int = 1) -> str:
    """A paravirt record as xend 4.x's ``xm list --long`` prints it: every
    runtime key xend adds to a definition, at the values a running guest has."""
    return textwrap.dedent(f"""\
        (domain
            (domid {k})
            (cpu_weight 256)
            (cpu_cap 0)
            (pool_name Pool-0)
            (bootloader '')
            (vcpus 2)
            (cpus (() ()))
            (on_poweroff destroy)
            (description '')
            (on_crash restart)
            (uuid {UUIDS[k - 1]})
            (bootloader_args '')
            (name {name})
            (on_reboot restart)
            (maxmem 512)
            (memory 512)
            (shadow_memory 0)
            (vcpu_avail 3)
            (features '')
            (on_xend_start ignore)
            (on_xend_stop ignore)
            (start_time 1417219200.25)
            (cpu_time 31.518422563)
            (online_vcpus 2)
            (image
                (linux
                    (kernel /boot/vmlinuz)
                    (superpages 0)
                    (notes (HV_START_LOW 18446603336221196288) (FEATURES '!writable_page_tables')
                        (VIRT_BASE 18446744071562067968) (LOADER generic))
                    {image_extra}
                )
            )
            (status 2)
            (state -b----)
            (store_mfn 2270)
            (console_mfn 2269)
            (change_home_server False)
            (device (vif (bridge xenbr0) (mac 00:16:3e:5f:00:01) (script vif-bridge)
                (uuid 1c4ac8c2-1d41-f4b4-0e6a-b7a5c3b4a001) (backend 0)))
            (device (vbd (uname phy:/dev/vg/web) (uuid 5a0b7f1e-32ad-d5d4-e6d1-8b8c8a7e0002)
                (mode w) (dev xvda:disk) (backend 0) (bootable 1) (VDI '')))
            (device (console (protocol vt100) (location 2)
                (uuid 9b7e1c3a-4e2d-8f11-0c3b-5d6e7f8a0003)))
            {extra}
        )
        """)


def said(text: str, **kw) -> list:
    found: list = []
    sexpr_to_xml(text, on_warning=found.append, **kw)
    return [str(w) for w in found]


# ------------------------------------------------------------- no false alarms

def test_a_running_record_of_xm_list_long_gives_no_warning():
    # Every runtime key xend adds (state, cpu_time, store_mfn, ...) and every
    # configuration key at xend's default: nothing to say.
    assert said(running_record()) == []
    assert said(xm_list_record("web")) == []


def test_a_dump_of_running_records_gives_no_warning():
    dump = running_record(name="a", k=1) + running_record(name="b", k=2)
    found: list = []
    assert [d.name for d in iter_domains(dump, on_warning=found.append)] == ["a", "b"]
    assert found == []


@needs_corpus
def test_libvirts_fixtures_warn_only_for_what_they_really_lose():
    # The one fixture that says something: fv-autoport's xend stops the guest
    # when xend stops (on_xend_stop shutdown), which the domain XML cannot say.
    loud = {}
    for row in rows("sexpr2xml"):
        text = load_fixture(CORPUS / row["input"])
        found = [w for w in said(text, xend_config_version=int(row["xend_config_version"]))
                 if w.startswith("domain/")]   # (four are unbalanced: said apart)
        if found:
            loud[Path(row["input"]).stem] = found
    assert list(loud) == ["sexpr2xml-fv-autoport"]
    assert len(loud["sexpr2xml-fv-autoport"]) == 1 and loud["sexpr2xml-fv-autoport"][0].startswith(
        "domain/on_xend_stop: ")


# ------------------------------------------------------------- devices

@pytest.mark.parametrize("kind, words", [
    ("vtpm", "virtual TPM"),
    ("vscsi", "SCSI"),
    ("vusb", "USB"),
    ("vif2", "netchannel2"),
    ("ioports", "I/O port"),
    ("irq", "IRQ"),
])
def test_a_device_libvirt_never_read_warns_with_its_path(kind, words):
    text = running_record(f"(device ({kind} (backend 0) (uuid 0f0e0d0c-0b0a-0908-0706-050403020100)))")
    found = said(text)
    assert len(found) == 1
    assert found[0].startswith(f"domain/device/{kind}: ") and words in found[0]
    assert "not carried" in found[0]
    # and the conversion itself is what libvirt gave
    assert sexpr_to_xml(text, on_warning=lambda w: None) == sexpr_to_xml(running_record())


def test_two_devices_of_one_kind_make_one_warning_that_counts_them():
    text = running_record("(device (vscsi (backend 0)))(device (vscsi (backend 0)))")
    found = said(text)
    assert len(found) == 1 and found[0].startswith("domain/device/vscsi: 2 ")


def test_a_second_pci_block_is_dropped_and_said():
    # libvirt read the first (device (pci ...)) only.
    pci = "(device (pci (dev (domain 0x0000) (bus 0x00) (slot 0x{:02x}) (func 0x0))))"
    text = running_record(pci.format(0x1b) + pci.format(0x13))
    found = said(text)
    assert len(found) == 1 and found[0].startswith("domain/device/pci: ")
    assert "first" in found[0]
    assert said(running_record(pci.format(0x1b))) == []


def test_the_warning_is_a_fastsexprwarning_through_the_warnings_module():
    text = running_record("(device (vtpm (backend 0)))")
    with pytest.warns(FastSexprWarning, match="domain/device/vtpm"):
        sexpr_to_xml(text)


# ------------------------------------------------------------- top-level keys

@pytest.mark.parametrize("key, value, words", [
    ("cpu_weight", "512", "weight"),
    ("cpu_cap", "50", "cap"),
    ("cpus", "((0 1) (0 1))", "physical CPUs"),
    ("pool_name", "web-pool", "pool"),
    ("on_xend_start", "start", "xend starts"),
    ("features", "'auto_translated_physmap'", "features"),
    ("security_label", "'ACM:xm-test:blue'", "security label"),
    ("cpuid", "((1 ((eax 0x1))))", "CPUID"),
])
def test_a_configuration_key_libvirt_ignored_warns_with_its_value(key, value, words):
    default = running_record()
    line = re.compile(rf"\n    \({key} [^\n]*")
    text = line.sub(f"\n    ({key} {value})", default) if line.search(default) \
        else running_record(f"({key} {value})")
    found = said(text)
    assert len(found) == 1, found
    assert found[0].startswith(f"domain/{key}: ") and words in found[0]


def test_the_default_values_of_those_keys_say_nothing():
    # what xend prints for a guest that never set them (older xend: weight 1.0)
    assert said(running_record("(cpu_weight 1.0)(ssidref 0)(cpu -1)")) == []


# ------------------------------------------------------------- image keys and graphics

@pytest.mark.parametrize("image_extra, key", [
    ("(stdvga 1)", "stdvga"),
    ("(videoram 16)", "videoram"),
    ("(usbdevice host:1234:5678)", "usbdevice"),
    ("(nographic 1)", "nographic"),
    ("(timer_mode 0)", "timer_mode"),
])
def test_an_hvm_image_setting_libvirt_ignored_warns(image_extra, key):
    text = hvm_record(image_extra)
    found = said(text)
    assert len(found) == 1, found
    assert found[0].startswith(f"domain/image/hvm/{key}: ")


HVM_IMAGE = dict(kernel="/usr/lib/xen/boot/hvmloader", boot="c", acpi="1", apic="1", pae="1",
                 stdvga="0", videoram="4", usb="1", usbdevice="tablet", timer_mode="1",
                 vpt_align="1", guest_os_type="default", xen_platform_pci="1",
                 pci_msitranslate="1", pci_power_mgmt="0", nographic="0", monitor="0", isa="0",
                 serial="pty", vnc="1", vncunused="1")


def hvm_record(image_extra: str = "") -> str:
    """An HVM record whose image holds xend's defaults, but for the keys
    ``image_extra`` sets (xend, like libvirt, read the first of a key)."""
    given = {m.split(" ", 1)[0] for m in image_extra.strip("()").split(")(") if m}
    image = "".join(f"({k} {v})" for k, v in HVM_IMAGE.items() if k not in given)
    return ("(domain (domid 3)(name win)(uuid " + UUIDS[2] + ")(memory 512)(maxmem 512)(vcpus 1)"
            "(image (hvm " + image + image_extra + ")))")


def test_an_hvm_record_at_xends_defaults_says_nothing():
    assert said(hvm_record()) == []


def test_sdl_next_to_vnc_is_dropped_and_said():
    # libvirt read one display: VNC when (vnc 1); the SDL window was lost.
    text = hvm_record("(sdl 1)(display :0)")
    found = said(text)
    assert len(found) == 1 and found[0].startswith("domain/image/hvm/sdl: ")
    assert "VNC" in found[0]


def test_a_second_vfb_is_dropped_and_said():
    vfb = "(device (vfb (type vnc)(vncunused 1)))"
    found = said(running_record(vfb + "(device (vfb (type sdl)(display :0)))"))
    assert len(found) == 1 and found[0].startswith("domain/device/vfb: ")
    assert said(running_record(vfb + "(device (vkbd (backend 0)))")) == []


# ------------------------------------------------------------- strict, dumps, engines

def test_strict_refuses_a_setting_that_cannot_be_carried():
    text = running_record("(device (vtpm (backend 0)))")
    with pytest.raises(ConversionError) as info:
        sexpr_to_xml(text, strict=True)
    assert info.value.path == "domain/device/vtpm"
    assert "virtual TPM" in info.value.reason and "strict" in info.value.reason
    # a record that loses nothing converts under strict as before
    assert sexpr_to_xml(running_record(), strict=True) == sexpr_to_xml(running_record())


def test_in_a_dump_the_warning_names_its_record_and_line():
    dump = running_record(name="a", k=1) + running_record("(device (vtpm (backend 0)))",
                                                          name="b", k=2)
    first_line_of_b = running_record(name="a", k=1).count("\n") + 1
    found: list = []
    assert [d.name for d in iter_domains(dump, on_warning=found.append)] == ["a", "b"]
    assert len(found) == 1
    assert found[0].record == 2 and found[0].lineno == first_line_of_b
    assert str(found[0]).startswith("domain/device/vtpm: ")


def test_strict_on_a_dump_refuses_only_that_record():
    dump = running_record(name="a", k=1) + running_record("(device (vtpm (backend 0)))",
                                                          name="b", k=2)
    errors: list = []
    assert [d.name for d in iter_domains(dump, strict=True, on_error=errors.append)] == ["a"]
    assert len(errors) == 1 and isinstance(errors[0], ConversionError)
    assert errors[0].record == 2 and errors[0].path == "domain/device/vtpm"


def test_the_check_reads_the_same_from_either_engine(impl):
    text = hvm_record("(sdl 1)(stdvga 1)")[:-1] + "(device (vtpm (backend 0))))"
    tree = impl.loads(text, dialect="libvirt")
    paths = [path for path, _ in not_carried(tree, read_sexpr(tree))]
    assert paths == ["domain/image/hvm/stdvga", "domain/image/hvm/sdl", "domain/device/vtpm"]


def test_no_warning_escapes_to_the_warnings_module_for_a_clean_record():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sexpr_to_xml(running_record())


def test_the_reader_finds_what_the_standalone_check_finds():
    # read_sexpr(dropped=...) works from the lists it reads; not_carried
    # walks the record on its own: the two must agree.
    pci = "(device (pci (dev (domain 0x0000) (bus 0x00) (slot 0x{:02x}) (func 0x0))))"
    records = [running_record(), xm_list_record("web"), hvm_record("(sdl 1)(stdvga 1)"),
               running_record("(device (vtpm (backend 0)))(device (vscsi (a 1)) (vusb (b 2)))"),
               running_record(pci.format(1) + pci.format(2) + pci.format(3)),
               running_record("(device (vfb (type vnc)) (vfb (type sdl)))(cpu_cap 9)"),
               running_record("(device (vbd (dev xvdb)(uname phy:/dev/b)(mode w)) (irq (irq 7)))")]
    for text in records:
        tree = fastsexpr.loads(text, dialect="libvirt")
        dropped: list = []
        dom = read_sexpr(tree, dropped=dropped)
        assert dropped == not_carried(tree, dom), text
