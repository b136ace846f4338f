"""xm config -> domain XML (XM.md sections 3, 4 and 8), as libvirt 1.2.10's
``domxml-from-native xen-xm`` converted it.

Every expected value is worked out by hand from the spec's rules and the
oracle probes it quotes, never taken from our own output.
"""
from __future__ import annotations

import re

import pytest
from xm_configs import HVM, PV, UUID, refused, xml

from fastsexpr import XmSyntaxError, read_xm, xm_to_xml



def devices(text: str) -> str:
    return text[text.index("<devices>"):text.index("</devices>")]


# ------------------------------------------------------------- defaults

def test_minimal_config_gets_libvirts_defaults():
    """XM.md 8: 128 MiB both, one vcpu, on_crash restart, PV without kernel
    or bootloader, the xen console only; 4.9's inactive layout."""
    assert xml(PV) == f"""<domain type='xen'>
  <name>a</name>
  <uuid>{UUID}</uuid>
  <memory unit='KiB'>131072</memory>
  <currentMemory unit='KiB'>131072</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <os>
    <type arch='i686' machine='xenpv'>linux</type>
  </os>
  <clock offset='utc' adjustment='reset'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>restart</on_crash>
  <devices>
    <console type='pty'>
      <target type='xen' port='0'/>
    </console>
  </devices>
</domain>
"""


def test_bytes_input_reads_like_text():
    assert xm_to_xml(PV.encode(), xend_config_version=2) == xml(PV)


# ------------------------------------------------------------- identity

@pytest.mark.parametrize("cfg,key,reason", [
    (f'uuid = "{UUID}"\n', "name", "config value name was missing"),
    (f'name = 1\nuuid = "{UUID}"\n', "name", "config value name was not a string"),
    ('name = "a"\nuuid = 1\n', "uuid", "config value uuid not a string"),
    ('name = "a"\nuuid = "zz"\n', "uuid", "zz not parseable"),
    ('name = "a"\nuuid = ""\n', "uuid", " not parseable"),
    ('', "name", "config value name was missing"),
])
def test_identity_errors_name_the_key(cfg, key, reason):
    error = refused(cfg)
    assert (error.path, error.reason) == (key, reason)


def test_empty_name_is_a_name():
    assert "<name></name>" in xml(f'name = ""\nuuid = "{UUID}"\n')


def test_liberal_uuid_spelling():
    cfg = 'name = "a"\nuuid = " C7A5FDB0 cdaf-9455926a--d65c16db1809 "\n'
    assert f"<uuid>{UUID}</uuid>" in xml(cfg)


def test_missing_uuid_is_random():
    first, second = (read_xm('name = "a"\n').uuid for _ in range(2))
    assert re.fullmatch("[0-9a-f]{32}", first) and first != second


def test_first_of_duplicate_keys_counts():
    assert "<memory unit='KiB'>102400</memory>" in xml(PV + "memory = 100\nmemory = 200\n")


def test_last_byte_is_never_read():
    # XM.md 2.4: "memory = 128" with no final LF reads 12.
    assert "<memory unit='KiB'>12288</memory>" in xml(PV + "memory = 128")


@pytest.mark.parametrize("line,reason", [
    ("memory = 2 * 256\n", "expecting a separator"),
    ("import os\n", "expecting an assignment"),
    ("memory = mem\n", "expecting a value"),
])
def test_python_configs_are_syntax_errors(line, reason):
    with pytest.raises(XmSyntaxError) as info:
        xml(PV + line)
    assert info.value.reason == reason and info.value.lineno == 3


# ------------------------------------------------------------- paravirt OS

@pytest.mark.parametrize("lines,element", [
    ('root = "/dev/sda1"\nextra = "ro quiet"\n', "<cmdline>root=/dev/sda1 ro quiet</cmdline>"),
    ('root = "/dev/sda1"\n', "<cmdline>root=/dev/sda1 (null)</cmdline>"),
    ('extra = ""\n', "<cmdline></cmdline>"),
    ('kernel = "/k"\nramdisk = "/i"\n', "<kernel>/k</kernel>\n    <initrd>/i</initrd>"),
])
def test_pv_kernel_keys(lines, element):
    assert element in xml(PV + lines)


def test_empty_bootloader_is_printed_with_its_args():
    out = xml(PV + 'bootloader = ""\nbootargs = "-q"\n')
    assert "  <bootloader></bootloader>\n  <bootloader_args>-q</bootloader_args>\n" in out


def test_bootargs_without_bootloader_print_nothing():
    assert "bootloader" not in xml(PV + 'bootargs = "-q"\n')


def test_pv_guest_ignores_hvm_keys():
    out = xml(PV + 'pae = 1\nhpet = 1\nserial = "pty"\nsoundhw = "sb16"\n'
              'usbdevice = "tablet"\n')
    for absent in ("<features>", "<timer", "<serial", "<sound", "<input"):
        assert absent not in out


# ------------------------------------------------------------- HVM OS

def test_hvm_kernel_is_the_loader():
    out = xml(HVM)
    assert "<type arch='i686' machine='xenfv'>hvm</type>" in out
    assert "<loader type='rom'>/usr/lib/xen/boot/hvmloader</loader>" in out
    # boot defaults to "c": one hard disk.
    assert out.count("<boot dev='hd'/>") == 1


@pytest.mark.parametrize("cfg,reason", [
    (PV + 'builder = "hvm"\n', "config value kernel was missing"),
    (PV + 'builder = "hvm"\nkernel = 1\n', "config value kernel was not a string"),
])
def test_hvm_loader_errors(cfg, reason):
    error = refused(cfg)
    assert (error.path, error.reason) == ("kernel", reason)


@pytest.mark.parametrize("boot,devs", [
    ("dc", ["cdrom", "cdrom"]),       # every entry decoded from the first letter
    ("nadc", ["network"] * 4),
    ("abcdef", ["fd"] * 4),           # at most four
    ("x", ["hd"]),
    ("", []),
])
def test_boot_string_quirk(boot, devs):
    out = xml(HVM + f'boot = "{boot}"\n')
    assert re.findall("<boot dev='([a-z]+)'/>", out) == devs


def test_boot_must_be_a_string():
    error = refused(HVM + "boot = 1\n")
    assert error.reason == "config value boot was malformed"


def test_features_from_numbers_and_strings():
    out = xml(HVM + 'acpi = "1"\nviridian = "yes"\nhap = -1\npae = 0\napic = 2\n')
    assert "<features>\n    <acpi/>\n    <apic/>\n    <hap/>\n  </features>" in out


def test_features_from_a_list_are_malformed():
    assert refused(HVM + "acpi = [ 1 ]\n").reason == "config value acpi was malformed"


@pytest.mark.parametrize("value,present", [("1", "yes"), ('"true"', "no"), ("5", "yes"),
                                           ("0", "no")])
def test_hpet(value, present):
    out = xml(HVM + f"hpet = {value}\n")
    assert (f"<clock offset='utc' adjustment='reset'>\n    <timer name='hpet' "
            f"present='{present}'/>\n  </clock>") in out


def test_builder_not_a_string_makes_a_pv_guest():
    assert "machine='xenpv'>linux<" in xml(PV + "builder = 1\n")


# ------------------------------------------------------------- memory and vcpus

def test_no_clamp_of_current_memory():
    out = xml(PV + "memory = 100\nmaxmem = 50\n")
    assert ("<memory unit='KiB'>51200</memory>\n"
            "  <currentMemory unit='KiB'>102400</currentMemory>") in out


@pytest.mark.parametrize("value,kib", [
    ('"-1"', 18446744073709550592),
    ('"18446744073709551615"', 18446744073709550592),
    ('"' + "0" * 5000 + '1"', 1024),
    ('" 100"', 102400),
    ("99999999999999999999", 2123646838278978560),
    ("-1", 18446744073709550592),
])
def test_memory_wraps(value, kib):
    assert f"<memory unit='KiB'>{kib}</memory>" in xml(PV + f"memory = {value}\n")


@pytest.mark.parametrize("value", ['"100 "', '""', '"0x10"', "[ 1 ]",
                                   '"18446744073709551616"', '"-18446744073709551616"',
                                   '"' + "9" * 5000 + '"'])
def test_memory_malformed(value):
    error = refused(PV + f"memory = {value}\n")
    assert (error.path, error.reason) == ("memory", "config value memory was malformed")


def test_vcpu_avail_counts_bits():
    assert "<vcpu placement='static' current='2'>4</vcpu>" in xml(PV + "vcpus = 4\nvcpu_avail = 3\n")
    assert "<vcpu placement='static' current='0'>2</vcpu>" in xml(PV + "vcpus = 2\nvcpu_avail = 0\n")


def test_too_many_vcpus_fail_without_a_message():
    error = refused(PV + "vcpus = 33\n")
    assert error.path == "vcpus" and "unknown libvirt error" in error.reason


def test_silent_failure_shows_the_last_nonfatal_message():
    # XM.md 1.1's probe.
    error = refused(PV + "builder = 1\nvcpus = 33\n")
    assert "internal error: config value builder was malformed" in error.reason


def test_cpus():
    assert "<vcpu placement='static' cpuset='0-3,5'>1</vcpu>" in xml(PV + 'cpus = "0-3,5"\n')
    assert "cpuset" not in xml(PV + 'cpus = "0-4095"\n')


@pytest.mark.parametrize("text", ["", "^1", "4096"])
def test_cpus_errors(text):
    error = refused(PV + f'cpus = "{text}"\n')
    assert (error.path, error.reason) == ("cpus", f"Failed to parse bitmap '{text}'")


# ------------------------------------------------------------- lifecycle

def test_lifecycle_words():
    out = xml(PV + 'on_poweroff = "preserve"\non_crash = "coredump-destroy"\n')
    assert "<on_poweroff>preserve</on_poweroff>" in out
    assert "<on_crash>coredump-destroy</on_crash>" in out


@pytest.mark.parametrize("key,word", [("on_poweroff", "bogus"),
                                      ("on_reboot", "coredump-destroy"),
                                      ("on_crash", "")])
def test_lifecycle_errors(key, word):
    error = refused(PV + f'{key} = "{word}"\n')
    assert (error.path, error.reason) == (key, f"unexpected value {word} for {key}")


# ------------------------------------------------------------- clock

@pytest.mark.parametrize("value,adjustment", [
    ("4294967296", "0"), ("2147483648", "-2147483648"), ('"-5"', "-5"), ("7", "7"),
])
def test_v4_hvm_clock_is_variable(value, adjustment):
    out = xml(HVM + f"rtc_timeoffset = {value}\nlocaltime = 1\n", 4)
    assert f"<clock offset='variable' adjustment='{adjustment}' basis='localtime'/>" in out


def test_rtc_timeoffset_is_not_read_before_v4():
    out = xml(HVM + "rtc_timeoffset = [ 1 ]\nlocaltime = 1\n", 3)
    assert "<clock offset='localtime' adjustment='reset'/>" in out


def test_pv_clock_at_v4_keeps_reset():
    assert "<clock offset='localtime' adjustment='reset'/>" in xml(PV + "localtime = 1\n", 4)
