"""PCI passthrough: the ``pci`` list of ``DOMAIN:BUS:SLOT.FUNCTION`` strings
in hex (XM.md 4.1 step 13, 4.7, 5.6)."""
from __future__ import annotations

import re

from ..model.domain import Domain, PciHostdev
from ..model.scalars import parse_hex_int
from .values import XmIn, nonfatal, string_items

PCI_KEY = "pci"
# Each part of the address: the character that ends it, the most bytes
# libvirt's buffer took, and the word its too-long error used.  The
# function is what follows the '.', exactly one byte.
_PARTS = ((":", 4, "Domain"), (":", 2, "Bus"), (".", 2, "Slot"))
_U32 = 0xFFFFFFFF
# The address as libvirt wrote it: hex digits only, each part within its
# buffer, so nothing of the careful read below can fail.
_PLAIN = re.compile(
    r"([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\.([0-9a-fA-F])").fullmatch


def read_pci(dom: Domain, x: XmIn) -> None:
    for item in string_items(x, PCI_KEY):
        ids = _parse_address(item, x)
        if ids is not None:
            dom.hostdevs.append(PciHostdev(*ids))


def _parse_address(item: str, x: XmIn):
    """The four numbers of one address; None for one libvirt skipped."""
    plain = _PLAIN(item)
    if plain is not None:
        return [int(part, 16) for part in plain.groups()]
    return _parse_careful(item, x)


def _parse_careful(item: str, x: XmIn):
    """libvirt's read, part by part, for any address."""
    texts = []
    start = 0
    for end_char, limit, label in _PARTS:
        end = item.find(end_char, start)
        if end < 0:
            return None
        part = item[start:end]
        if len(part.encode()) > limit:
            nonfatal(x, f"internal error: {label} {item[start:]} too big for destination")
            return None
        texts.append(part)
        start = end + 1
    function = item[start:]
    if len(function.encode()) != 1:
        return None
    texts.append(function)
    ids = [parse_hex_int(text) for text in texts]
    return None if None in ids else ids


def write_pci(d: Domain, out: dict) -> None:
    # Managed or not: xm has no such flag.
    if d.hostdevs:
        out[PCI_KEY] = [f"{h.domain & _U32:04x}:{h.bus & _U32:02x}:{h.slot & _U32:02x}."
                        f"{h.function & _U32:x}" for h in d.hostdevs]
