"""libvirt's scalar grammars as the XML reader uses them (model.scalars).

Each case is worked out from the C function libvirt 1.2.10 calls; the XML
reader's own tests cover the messages that name the element.
"""
from __future__ import annotations

import pytest

from fastsexpr import read_xml, xml_to_sexpr
from fastsexpr.errors import DomainXMLError
from fastsexpr.model.scalars import (
    ULLONG_MAX, parse_cpuset, parse_decimal, parse_int, parse_llong,
    parse_mac, parse_uint, parse_ullong, parse_unsigned_base0, parse_uuid,
    parse_xpath_llong, unit_bytes,
)

UUID_HEX = "00112233445566778899aabbccddeeff"


@pytest.mark.parametrize("text,expected", [
    ("+5", 5), (" \t\v\f\r\n7", 7), ("-12", -12), ("007", 7),
    ("7 ", None),                      # nothing may follow the digits
    ("", None), ("+", None), ("- 1", None), ("1_000", None), ("0x10", None),
    ("\u0661", None),                  # digits are ASCII digits only
    ("\u00a07", None),                 # C's isspace knows no NBSP
    ("99999999999999999999", 99999999999999999999),   # the caller checks its C type
    ("999999999999999999999", None),   # past every C type: strtol's overflow
    ("0" * 5000 + "7", 7),             # leading zeros do not count
])
def test_parse_decimal(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("parse,low,high", [
    (parse_int, -(1 << 31), (1 << 31) - 1),
    (parse_llong, -(1 << 63), (1 << 63) - 1),
])
def test_signed_ranges(parse, low, high):
    assert parse(str(low)) == low and parse(str(high)) == high
    assert parse(str(low - 1)) is None and parse(str(high + 1)) is None


@pytest.mark.parametrize("text,expected", [
    ("0", 0), ("+7", 7), (" \v12", 12), ("4294967295", 4294967295),
    ("-0", 0),                          # strtoul: minus zero is zero
    ("4294967296", None),               # does not fit an unsigned int
    ("-1", None),                       # wraps to ULONG_MAX, which does not fit
    ("", None), ("7 ", None), ("0x10", None),
])
def test_parse_uint(text, expected):
    assert parse_uint(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("0", 0), ("+0", 0), (" \v12", 12), (str(ULLONG_MAX), ULLONG_MAX),
    (str(ULLONG_MAX + 1), None), ("-0", None), ("-1", None), ("1 ", None),
    ("", None), ("\u0661", None),
])
def test_parse_ullong(text, expected):
    assert parse_ullong(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("0x1f", 31), ("0X1F", 31), (" +0x10", 16), ("010", 8), ("0", 0),
    ("12", 12), ("08", None), ("0x", None), ("0xg", None), ("", None),
    ("-1", None), ("1 ", None), ("\u0661", None),
])
def test_parse_unsigned_base0(text, expected):
    assert parse_unsigned_base0(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("0-3,^2,5", (0, 1, 3, 5)),
    ("1,", (1,)),                       # a comma may end the list
    (" 7 , 1-2 ", (1, 2, 7)),
    ("\t1\n-\t2 ,\r4", (1, 2, 4)),
    ("1-+3", (1, 2, 3)),                # strtol reads the end of a range
    ("0-1023", tuple(range(1024))),
    ("^1", None),                       # the set must not be empty
    ("1,^1", None),
    ("^ 1", None),                      # no white space after '^'
    ("^1-2", None),                     # a range cannot be removed
    ("3-1", None), ("1024", None), ("0-1024", None),
    ("", None), ("  ", None), ("1,,2", None), (",1", None), ("1 2", None),
])
def test_parse_cpuset(text, expected):
    assert parse_cpuset(text) == expected


@pytest.mark.parametrize("unit,expected", [
    (None, 1024), ("", 1024), ("b", 1), ("bytes", 1), ("K", 1024), ("KiB", 1024),
    ("kB", 1000), ("MB", 1000 ** 2), ("m", 1024 ** 2), ("EiB", 1024 ** 6),
    ("EB", 1000 ** 6), ("zb", None), ("KiBs", None), ("kilobytes", None),
])
def test_unit_bytes(unit, expected):
    assert unit_bytes(unit) == expected


@pytest.mark.parametrize("text,expected", [
    ("7", 7), (" 7\n", 7), ("-3", -3), ("1.0", 1), ("-.0", 0), ("5.", 5),
    ("1.5", None), ("1e3", None), ("+1", None), ("", None),
    ("\v7", None),                      # XML white space, not C's
    ("9223372036854775807", None),      # rounds up to 2**63 as a double
    ("-9223372036854775808", -(1 << 63)),
])
def test_parse_xpath_llong(text, expected):
    assert parse_xpath_llong(text) == expected


@pytest.mark.parametrize("text", [
    UUID_HEX,
    "00112233-4455-6677-8899-aabbccddeeff",
    "00112233-4455-6677-8899-AABBCCDDEEFF",
    " \v\f\t\r\n00112233445566778899aabbccddeeff \v\f\t\r\n",
    "--00-11 22--33445566778899aabbccddeeff",   # any '-' or ' ' before a pair
    "0011 2233-4455667788 99AABBCCDDEEFF",
])
def test_parse_uuid_accepts(text):
    assert parse_uuid(text) == UUID_HEX


@pytest.mark.parametrize("text", [
    "00112233445566778899aabbccddeeff-",        # nothing but white space after
    "0-0112233445566778899aabbccddeeff",        # not inside a pair
    "00112233445566778899aabbccddeef",
    "00112233445566778899aabbccddeeff00",
    "\u00a000112233445566778899aabbccddeeff",   # C's isspace knows no NBSP
    "00112233\n445566778899aabbccddeeff",       # only '-' and ' ' between pairs
    "",
])
def test_parse_uuid_refuses(text):
    assert parse_uuid(text) is None


def _nic_xml(mac: str) -> str:
    return ("<domain type='xen'><name>t</name>"
            "<uuid>00112233-4455-6677-8899-aabbccddeeff</uuid><memory>1024</memory>"
            "<os><type>linux</type><kernel>/boot/vmlinuz</kernel></os><devices>"
            f"<interface type='bridge'><mac address='{mac}'/><source bridge='br0'/>"
            "</interface></devices></domain>")


@pytest.mark.parametrize("mac", ["0:1:2:3:4:5\u00e9", "0:1:2:3:4:5\u00e9x"])
def test_mac_may_be_followed_by_non_ascii(mac):
    # virMacAddrParse stops after the sixth group at a char <= ' ', and a
    # char is signed: the first byte of a UTF-8 sequence is negative.  The
    # xend reader reads MACs with the same grammar.
    assert parse_mac(mac) == "00:01:02:03:04:05"
    assert "(mac '00:01:02:03:04:05')" in xml_to_sexpr(_nic_xml(mac), xend_config_version=2)


def test_mac_followed_by_delete_is_refused():
    # 0x7f is above ' ' and positive as a signed char.
    with pytest.raises(DomainXMLError) as exc:
        read_xml(_nic_xml("0:1:2:3:4:5\x7f"))
    assert exc.value.reason == "unable to parse mac address '0:1:2:3:4:5\x7f'"


# Python's int() refuses over 4,300 digits; libvirt's strtol reads any
# length and overflows, which every libvirt caller refuses.
HUGE = "1" * 4301


@pytest.mark.parametrize("parse", [
    parse_decimal, parse_int, parse_llong, parse_uint, parse_ullong,
    parse_unsigned_base0, parse_xpath_llong, parse_cpuset,
])
@pytest.mark.parametrize("text", [HUGE, "-" + HUGE, " +" + HUGE, "0x" + HUGE, "0" + HUGE,
                                  HUGE + ".0", "1-" + HUGE, "^" + HUGE])
def test_very_long_numbers_overflow(parse, text):
    assert parse(text) is None


def _xml(top="", devices="", memory="1024"):
    return ("<domain type='xen'><name>t</name>"
            f"<uuid>00112233-4455-6677-8899-aabbccddeeff</uuid><memory>{memory}</memory>{top}"
            "<os><type>hvm</type><loader>/usr/lib/xen/boot/hvmloader</loader></os>"
            f"<devices>{devices}</devices></domain>")


@pytest.mark.parametrize("xml,reason,path", [
    (_xml(memory=HUGE), f"Invalid value '{HUGE}' for element './memory[1]'", "/domain/memory"),
    (_xml(top=f"<currentMemory>{HUGE}</currentMemory>"),
     f"Invalid value '{HUGE}' for element './currentMemory[1]'", "/domain/currentMemory"),
    (_xml(top=f"<vcpu>{HUGE}</vcpu>"), "maximum vcpus must be an integer", "/domain/vcpu"),
    (_xml(top=f"<vcpu current='{HUGE}'>2</vcpu>"), "current vcpus must be an integer",
     "/domain/vcpu"),
    (_xml(top=f"<vcpu cpuset='{HUGE}'>2</vcpu>"), f"Failed to parse bitmap '{HUGE}'",
     "/domain/vcpu"),
    (_xml(top=f"<vcpu cpuset='0-{HUGE}'>2</vcpu>"), f"Failed to parse bitmap '0-{HUGE}'",
     "/domain/vcpu"),
    (_xml(top=f"<clock offset='utc' adjustment='{HUGE}'/>"),
     f"unknown clock adjustment '{HUGE}'", "/domain/clock"),
    (_xml(devices=f"<serial type='pty'><target port='{HUGE}'/></serial>"),
     f"Invalid port number: {HUGE}", "/domain/devices/serial[1]"),
    (_xml(devices=f"<parallel type='pty'><target port='{HUGE}'/></parallel>"),
     f"Invalid port number: {HUGE}", "/domain/devices/parallel[1]"),
    (_xml(devices=f"<graphics type='vnc' port='{HUGE}'/>"), f"cannot parse vnc port {HUGE}",
     "/domain/devices/graphics[1]"),
    (_xml(devices="<hostdev mode='subsystem' type='pci'><source>"
                  f"<address domain='0' bus='{HUGE}' slot='0' function='0'/></source></hostdev>"),
     "Cannot parse <address> 'bus' attribute", "/domain/devices/hostdev[1]"),
])
def test_very_long_numbers_in_xml_are_refused_by_name(xml, reason, path):
    with pytest.raises(DomainXMLError) as info:
        read_xml(xml)
    assert (info.value.reason, info.value.path) == (reason, path)


def test_very_long_variable_clock_adjustment_is_zero():
    # Read as an XPath number(), a double: far out of a long long's range,
    # which libvirt's virXPathLongLong leaves at 0.
    dom = read_xml(_xml(top=f"<clock offset='variable' adjustment='{HUGE}'/>"))
    assert dom.clock.adjustment == 0


def test_port_in_unsigned_int_range_reads():
    # virStrToLong_ui: 0 to 4294967295, and "-0".
    xml = _xml(devices="<parallel type='pty'><target port='-0'/></parallel>")
    assert read_xml(xml).parallels[0].port == 0
    xml = _xml(devices="<parallel type='pty'><target port='4294967296'/></parallel>")
    with pytest.raises(DomainXMLError, match="Invalid port number: 4294967296"):
        read_xml(xml)
