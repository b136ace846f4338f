"""The serial ports of an HVM guest in SEXPR, and the port number limit.

libvirt wrote one list item per port number from 0 to the highest port,
`none` where no serial has that number (XML2SEXPR.md 5.3), so its output
grew with the port number, not the document: port 2147483647 in a
206-byte document was gigabytes.  fastsexpr writes ports 0 to 255 as
libvirt did and refuses a higher port with a ConversionError naming the
serial.  The expected strings are worked out from XML2SEXPR.md 5.3.
"""
from __future__ import annotations

import pytest

from fastsexpr import ConversionError, Domain, read_xml, write_sexpr, xml_to_sexpr

UUID = "00112233-4455-6677-8899-aabbccddeeff"
LOADER = "/usr/lib/xen/boot/hvmloader"
MAX_SERIAL_PORT = 255


def hvm(devices: str) -> str:
    return (f"<domain type='xen'><name>t</name><uuid>{UUID}</uuid><memory>1024</memory>"
            f"<os><type>hvm</type><loader>{LOADER}</loader></os>"
            f"<devices>{devices}</devices></domain>")


def serial(port=None, kind="pty") -> str:
    target = "" if port is None else f"<target port='{port}'/>"
    return f"<serial type='{kind}'>{target}</serial>"


def serial_fragment(xml: str) -> str:
    out = xml_to_sexpr(xml, xend_config_version=4)
    start = out.index("(serial ")
    depth = 0
    for i in range(start, len(out)):
        depth += {"(": 1, ")": -1}.get(out[i], 0)
        if depth == 0:
            return out[start:i + 1]
    raise AssertionError(out)


@pytest.mark.parametrize("devices,expected", [
    ("", "(serial none)"),
    (serial(), "(serial pty)"),
    (serial(1), "(serial (none pty))"),
    (serial(3, "null") + serial(0), "(serial (pty none none null))"),
    (serial(2) + serial(2, "null"), "(serial (none none pty))"),   # the first with a port wins
    (serial() + serial(), "(serial (pty pty))"),                  # unnumbered: 0, then 1
])
def test_serial_list_as_libvirt_wrote_it(devices, expected):
    assert serial_fragment(hvm(devices)) == expected


def test_highest_port_is_written_in_full():
    got = serial_fragment(hvm(serial(MAX_SERIAL_PORT)))
    assert got == "(serial (" + "none " * MAX_SERIAL_PORT + "pty))"


@pytest.mark.parametrize("port", [MAX_SERIAL_PORT + 1, 100000, 2147483647, 4294967295])
def test_a_higher_port_is_refused_naming_the_serial(port):
    with pytest.raises(ConversionError) as info:
        xml_to_sexpr(hvm(serial(0) + serial(1) + serial(port, "null")))
    assert info.value.path == "/domain/devices/serial[3]"
    assert str(port) in info.value.reason and str(MAX_SERIAL_PORT) in info.value.reason


def test_an_unnumbered_serial_after_the_limit_is_refused_too():
    # It takes the number after the highest: 256.
    with pytest.raises(ConversionError) as info:
        xml_to_sexpr(hvm(serial(MAX_SERIAL_PORT) + serial()))
    assert info.value.path == "/domain/devices/serial[2]"


def test_a_domain_built_in_code_is_bounded_as_well():
    dom: Domain = read_xml(hvm(serial(0)))
    dom.serials[0].port = 10 ** 12
    with pytest.raises(ConversionError) as info:
        write_sexpr(dom)
    assert info.value.path == "/domain/devices/serial[1]"


def test_the_limit_is_on_the_port_not_on_the_domain():
    # Paravirt guests write no serial list: any port is fine there.
    pv = (f"<domain type='xen'><name>t</name><uuid>{UUID}</uuid><memory>1024</memory>"
          "<os><type>linux</type><kernel>/boot/vmlinuz</kernel></os>"
          f"<devices>{serial(100000)}</devices></domain>")
    assert "serial" not in xml_to_sexpr(pv)
