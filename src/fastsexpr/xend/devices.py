"""The (device ...) members of a domain record, found in one walk.

libvirt walked the root once per device kind; one walk that sorts the
blocks by kind gives the same blocks in the same order (SEXPR2XML.md 1.8
to 1.11), and the topic modules then read each kind in libvirt's order.
"""
from __future__ import annotations

from .disk import DISK_KINDS

_DEVICE_HEADS = frozenset(DISK_KINDS + ("vif", "pci", "vfb"))


def collect_devices(root):
    """(disks, vifs, pci, vfb, others) of the record ``root``: the disks as
    (device list, sub-list, kind) and the vifs' sub-lists, in order; the
    first pci and vfb sub-list, or None; the heads of the device lists
    passed by (a vkbd, a vtpm, a second pci), for the check of what the
    conversion drops (carried.py)."""
    disks = []
    vifs = []
    pci = None
    vfb = None
    others = []
    for node in root:
        if type(node) is not list or len(node) < 2 or node[0] != "device":
            continue
        if len(node) == 2:
            # The usual shape, (device (KIND ...)), without building a table.
            sub = node[1]
            if type(sub) is not list or len(sub) < 2:
                continue
            head = sub[0]
            if head == "vbd" or head == "tap2" or head == "tap":
                disks.append((node, sub, head))
            elif head == "vif":
                vifs.append(sub)
            elif head == "pci":
                if pci is None:
                    pci = sub
                else:
                    others.append(head)
            elif head == "vfb":
                if vfb is None:
                    vfb = sub
                else:
                    others.append(head)
            else:
                others.append(head)
            continue
        # A path follows the first (KIND ...) of each kind, and an empty one
        # hides any later one of that kind.
        first = {}
        for sub in node[1:]:
            if type(sub) is list and sub:
                head = sub[0]
                if type(head) is str and head not in first:
                    if head in _DEVICE_HEADS:
                        first[head] = sub if len(sub) > 1 else None
                    elif len(sub) > 1:
                        first[head] = None
                        others.append(head)
        if not first:
            continue
        for kind in DISK_KINDS:
            sub = first.get(kind)
            if sub is not None:
                disks.append((node, sub, kind))
                break
        sub = first.get("vif")
        if sub is not None:
            vifs.append(sub)
        for kind in ("pci", "vfb"):
            sub = first.get(kind)
            if sub is not None:
                if kind == "pci" and pci is None:
                    pci = sub
                elif kind == "vfb" and vfb is None:
                    vfb = sub
                else:
                    others.append(kind)
    return disks, vifs, pci, vfb, others
