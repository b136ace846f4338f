"""Hand-written shortcuts in the libvirt_xml topic modules, held to what
they stand for."""
from __future__ import annotations

import pytest

from fastsexpr import read_xml
from fastsexpr.libvirt_xml import lifecycle, net
from fastsexpr.libvirt_xml.chr import as_serial_port
from fastsexpr.model.domain import Chr, Domain, Interface
from fastsexpr.syntax import XmlWriter


def test_console_copied_as_serial_port_keeps_every_other_field():
    # A distinct value in every field, so a field passed in the wrong place
    # or left out shows.
    console = Chr(*(f"value-{name}" for name in Chr.__slots__))
    expected = Chr(*(getattr(console, name) for name in Chr.__slots__))
    expected.port, expected.target_type = 0, "serial"
    assert as_serial_port(console) == expected
    assert as_serial_port(console) is not console


def written(write, *args):
    w = XmlWriter()
    write(w, *args)
    return w.getvalue()


def test_lifecycle_writer_and_reader_follow_the_table():
    dom = Domain("x", "0" * 32, on_poweroff="preserve", on_reboot="rename-restart",
                 on_crash="coredump-restart")
    expected = "".join(f"<{event}>{getattr(dom, event)}</{event}>\n"
                       for event, _, _ in lifecycle._EVENTS)
    assert written(lifecycle.write_lifecycle, dom) == expected
    back = read_xml(f"<domain type='xen'><name>x</name><memory>1</memory>"
                    f"<os><type>linux</type></os>{expected}</domain>")
    for event, _, _ in lifecycle._EVENTS:
        assert getattr(back, event) == getattr(dom, event)
    # An absent element keeps the model's default, which is libvirt's.
    fresh = read_xml("<domain type='xen'><name>x</name><memory>1</memory>"
                     "<os><type>linux</type></os></domain>")
    for event, default, _ in lifecycle._EVENTS:
        assert getattr(fresh, event) == default


@pytest.mark.parametrize("kind,field", sorted(net._SOURCE_ATTRS.items()))
def test_interface_source_follows_the_table(kind, field):
    nic = Interface(kind, "00:16:3e:00:00:01", **{field: "br0"})
    assert f"<source {field}='br0'/>" in written(net.write_interface, nic, False)


def _pv_with_devices(devices: str) -> str:
    return ("<domain type='xen'><name>t</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>"
            "<memory>524288</memory><os><type>linux</type><kernel>/k</kernel></os>"
            f"<devices>{devices}</devices></domain>")


@pytest.mark.parametrize("devices,path,reason", [
    ("<graphics type='vnc'><listen type='address' address='1.2.3.4'/><listen/></graphics>",
     "/domain/devices/graphics[1]/listen[2]", "graphics listen type must be specified"),
    ("<graphics type='vnc'/><graphics type='vnc'><listen type='x'/></graphics>",
     "/domain/devices/graphics[2]/listen[1]", "unknown graphics listen type 'x'"),
    ("<graphics/>", "/domain/devices/graphics[1]", "missing graphics device type"),
    ("<graphics type='rdp2'/>", "/domain/devices/graphics[1]", "unknown graphics device type 'rdp2'"),
    ("<sound/>", "/domain/devices/sound[1]", "missing sound model"),
    ("<sound model='es1370'/><sound model='x'/>", "/domain/devices/sound[2]",
     "unknown sound model 'x'"),
    ("<disk type='x'/>", "/domain/devices/disk[1]", "unknown disk type 'x'"),
    ("<interface type='x'/>", "/domain/devices/interface[1]", "unknown interface type 'x'"),
    ("<serial type='x'/>", "/domain/devices/serial[1]",
     "unknown type presented to host for character device: x"),
])
def test_a_missing_or_unknown_device_word_names_the_element(devices, path, reason):
    from fastsexpr import DomainXMLError
    with pytest.raises(DomainXMLError) as err:
        read_xml(_pv_with_devices(devices))
    assert (err.value.path, err.value.reason) == (path, reason)
