"""PCI passthrough: the (device (pci (dev ...) ...)) block.

SEXPR2XML.md 1.10 and XML2SEXPR.md section 9.2.
"""
from __future__ import annotations

from ..errors import ConversionError, DomainXMLError
from ..model.domain import Domain, PciHostdev
from ..model.scalars import parse_int_base0
from ..syntax import lookup, value

# The (dev ...) keys in the order of PciHostdev's fields (domain, bus, slot,
# function) and of libvirt's output, with the hex width libvirt wrote.
PCI_FIELDS = (("domain", "04x"), ("bus", "02x"), ("slot", "02x"), ("func", "x"))

_PATHS = tuple((key, "dev/" + key) for key, _ in PCI_FIELDS)
# "(dev (domain 0x{0:04x})(bus 0x{1:02x})(slot 0x{2:02x})(func 0x{3:x}))"
_DEV_FORMAT = "(dev " + "".join(
    f"({key} 0x{{{i}:{spec}}})" for i, (key, spec) in enumerate(PCI_FIELDS)) + ")"


def read_pci(dom: Domain, pci) -> None:
    """``pci``: the first (pci ...) device list; each (dev ...) in it."""
    for member in pci[1:]:
        if lookup(member, "dev") is None:
            continue
        ids = []
        for key, path in _PATHS:
            text = value(member, path)
            if text is None:
                raise ConversionError(f"missing PCI {key}", "domain/device/pci/" + path)
            number = parse_int_base0(text)
            if number is None:
                raise ConversionError(f"cannot parse PCI {key} '{text}'",
                                      "domain/device/pci/" + path)
            ids.append(number)
        dom.hostdevs.append(PciHostdev(*ids))


def write_pci(w, d: Domain) -> None:
    if not d.hostdevs:
        return
    for dev in d.hostdevs:
        if dev.managed:
            raise DomainXMLError(
                "managed PCI devices not supported with XenD",
                f"/domain/devices/hostdev[source/address/@bus='0x{dev.bus:02x}' and "
                f"@slot='0x{dev.slot:02x}' and @function='0x{dev.function:x}']")
    w.raw("(device (pci " + "".join([
        _DEV_FORMAT.format(dev.domain, dev.bus, dev.slot, dev.function) for dev in d.hostdevs])
        + "))")
