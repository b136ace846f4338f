"""<hostdev> devices: PCI passthrough."""
from __future__ import annotations

from ..errors import DomainXMLError
from ..model.domain import Domain, PciHostdev
from ..model.scalars import parse_unsigned_base0
from ..syntax import XmlTemplate
from .elements import device_path

__all__ = ["read_hostdev", "write_hostdev"]

# hostdev mode -> the source types libvirt knows for it.
_HOSTDEV_TYPES = {"subsystem": ("usb", "pci", "scsi"),
                  "capabilities": ("storage", "misc", "net")}
# <address> attribute (and PciHostdev field) -> its largest value and how
# libvirt printed it after "0x"; in libvirt's order.
_PCI_FIELDS = (("domain", 0xFFFF, "04x"), ("bus", 0xFF, "02x"),
               ("slot", 0x1F, "02x"), ("function", 0x7, "x"))
_U32 = 0xFFFFFFFF


def read_hostdev(dom: Domain, el, hvm: bool) -> bool:
    """A PCI host device goes to ``dom.hostdevs``, others are checked and
    dropped; True when it has its own <boot>."""
    mode = el.get("mode")
    if mode is None:
        mode = "subsystem"
    types = _HOSTDEV_TYPES.get(mode)
    if types is None:
        raise DomainXMLError(f"unknown hostdev mode '{mode}'", device_path(el))
    htype = el.get("type")
    if htype is None:
        raise DomainXMLError("missing source address type", device_path(el))
    if htype not in types:
        raise DomainXMLError(f"unknown host device source address type '{htype}'", device_path(el))
    source = address = None
    boot = False
    # Lists of the children (el[:]) are quicker to walk than the elements,
    # and than iterchildren("address") with its tag matcher.
    for child in el[:]:
        ctag = child.tag
        if ctag == "boot":
            boot = True
        elif ctag == "source" and source is None:
            source = child
            for grandchild in child[:]:
                if grandchild.tag == "address":
                    address = grandchild
                    break
    if source is None:
        raise DomainXMLError("Missing <source> element in hostdev device", device_path(el))
    if htype != "pci":
        return boot
    if address is None:
        raise DomainXMLError("missing PCI source address", device_path(el))
    fields = {}
    for name, limit, _ in _PCI_FIELDS:
        text = address.get(name)
        value = 0 if text is None else parse_unsigned_base0(text)
        if value is None:
            raise DomainXMLError(f"Cannot parse <address> '{name}' attribute", device_path(el))
        if value > limit:
            raise DomainXMLError(
                f"Invalid PCI address {name}='0x{value:x}', must be <= 0x{limit:X}", device_path(el))
        fields[name] = value
    dom.hostdevs.append(PciHostdev(**fields, managed=el.get("managed") == "yes"))
    return boot


def write_hostdev(w, h: PciHostdev) -> None:
    # libvirt held PCI addresses unsigned: -1 prints as 0xffffffff.
    w.line(_PCI_HOSTDEV, "yes" if h.managed else "no",
           *[f"0x{getattr(h, name) & _U32:{width}}" for name, _, width in _PCI_FIELDS])


_PCI_HOSTDEV = XmlTemplate("<hostdev mode='subsystem' type='pci' managed='{}'>\n"
                           "  <source>\n"
                           "    <address domain='{}' bus='{}' slot='{}' function='{}'/>\n"
                           "  </source>\n"
                           "</hostdev>")
