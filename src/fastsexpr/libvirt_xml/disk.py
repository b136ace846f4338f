"""<disk> devices."""
from __future__ import annotations

import itertools
import re
from bisect import bisect_right
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, List

from ..errors import ConversionError, DomainXMLError
from ..model.domain import Disk, Domain
from ..model.vocab import DISK_BUSES, DISK_DEVICES, DISK_FORMATS, DISK_TYPES
from ..syntax import XmlTemplate
from .elements import device_path, device_type

__all__ = ["read_disk", "libvirt_disk_order", "write_disk"]

# Disk type -> the <source> attribute holding its source.  libvirt reads a
# volume disk's source as a pool and a volume, which the model does not
# keep, so the reader takes only file, block and dir from here.
_SOURCE_ATTRS = {"file": "file", "block": "dev", "dir": "dir", "volume": "volume"}
# The vocabularies as sets: a word is looked up in one step rather than
# compared with each word of the tuple.
_DISK_TYPES = frozenset(DISK_TYPES)
_DISK_DEVICES = frozenset(DISK_DEVICES)
_DISK_BUSES = frozenset(DISK_BUSES)
_DISK_FORMATS = frozenset(DISK_FORMATS)
# A drive name: a prefix (none starts another), letters numbering the
# drive, then an optional partition number. Compiled where it is used (re
# keeps it): the usual name does without it.
_DRIVE_NAME = r"(?:fd|hd|vd|sd|xvd|ubd)([a-z]*)[0-9]*\Z"
_DRIVE_PREFIXES = frozenset(("fd", "hd", "vd", "sd", "xvd", "ubd"))
# target prefix -> bus libvirt assumes when <target bus> is absent (ide
# for any other name).  No prefix starts another, so looking up a name's
# first two letters, then its first three, finds its prefix.
_BUS_BY_PREFIX = {"hd": "ide", "sd": "scsi", "vd": "virtio", "xvd": "xen", "ubd": "uml"}
_HARDDISK_PREFIXES = tuple(_BUS_BY_PREFIX)
# The hard disk devices: they need a source (a cdrom or floppy may be
# empty) and a hard disk name.
_HARDDISK_DEVICES = ("disk", "lun")
# <driver> attribute -> (the words libvirt accepts, what it is called in
# the error, whether only a virtio disk may carry it), in the order libvirt
# checks them.  "default" is refused where libvirt wants a real choice.
_DRIVER_WORDS = (
    ("cache", ("default", "none", "writethrough", "writeback", "directsync", "unsafe"),
     "cache mode", False),
    ("error_policy", ("stop", "report", "ignore", "enospace"), "error policy", False),
    ("rerror_policy", ("stop", "report", "ignore"), "read error policy", False),
    ("io", ("native", "threads"), "io mode", False),
    ("ioeventfd", ("on", "off"), "ioeventfd mode", True),
    ("event_idx", ("on", "off"), "event_idx mode", True),
    ("copy_on_read", ("on", "off"), "copy_on_read mode", False),
    ("discard", ("unmap", "ignore"), "discard mode", False),
)


def read_disk(dom: Domain, el, hvm: bool) -> bool:
    """Add the disk to ``dom.disks``; True when it has its own <boot>."""
    dtype = device_type(el, "file", _DISK_TYPES, "unknown disk type '{}'")
    device = el.get("device")
    if device is None:
        device = "disk"
    elif device not in _DISK_DEVICES:
        raise DomainXMLError(f"unknown disk device '{device}'", device_path(el))
    # Positional: half the cost of keywords in a dataclass __init__.
    disk = Disk(dtype, device)
    source_el = target_el = driver_el = None
    boot = False
    # el[:] is a list of the children, quicker to walk than el itself.
    for child in el[:]:
        ctag = child.tag
        if ctag == "source":
            if source_el is None:
                source_el = child
        elif ctag == "target":
            if target_el is None:
                target_el = child
        elif ctag == "driver":
            if driver_el is None:
                driver_el = child
        elif ctag == "readonly":
            disk.readonly = True
        elif ctag == "shareable":
            disk.shareable = True
        elif ctag == "transient":
            disk.transient = True
        elif ctag == "boot":
            boot = True

    has_pool = False
    if source_el is not None:
        if dtype == "network":
            if source_el.get("protocol") is None:
                raise DomainXMLError("missing network source protocol type", device_path(el))
            disk.source = source_el.get("name")
            has_pool = source_el.find("host") is not None
        elif dtype == "volume":
            has_pool = source_el.get("pool") is not None and source_el.get("volume") is not None
        else:
            disk.source = source_el.get(_SOURCE_ATTRS[dtype])

    target = target_el.get("dev") if target_el is not None else None
    if target is not None and target.startswith("ioemu:"):
        target = target[6:]
    # libvirt looks for the source before it insists on a target.
    if disk.source is None and not has_pool and device in _HARDDISK_DEVICES:
        raise DomainXMLError("no source for disk" if target is None else
                             f"no source for disk {target}", device_path(el))
    if target is None:
        raise DomainXMLError("missing target device", device_path(el))
    disk.target = target
    if device == "cdrom":
        disk.readonly = True
    disk.bus = _read_bus(target_el.get("bus"), device, target, el)
    if driver_el is not None:
        _read_driver(disk, driver_el, el)
    # Put in libvirt's order once all are read (libvirt_disk_order).
    dom.disks.append(disk)
    return boot


def _read_bus(bus, device: str, target: str, el) -> str:
    """The disk's bus, given or implied by its device and target name."""
    if bus is not None:
        if bus not in _DISK_BUSES:
            raise DomainXMLError(f"unknown disk bus type '{bus}'", device_path(el))
    elif device == "floppy":
        bus = "fdc"
    else:
        bus = _BUS_BY_PREFIX.get(target[:2]) or _BUS_BY_PREFIX.get(target[:3], "ide")
    if device == "floppy":
        if bus != "fdc":
            raise DomainXMLError(f"Invalid bus type '{bus}' for floppy disk", device_path(el))
        if not target.startswith("fd"):
            raise DomainXMLError(f"Invalid floppy device name: {target}", device_path(el))
    else:
        if bus == "fdc":
            raise DomainXMLError(f"Invalid bus type '{bus}' for disk", device_path(el))
        if device in _HARDDISK_DEVICES and not target.startswith(_HARDDISK_PREFIXES):
            raise DomainXMLError(f"Invalid harddisk device name: {target}", device_path(el))
    return bus


def _read_driver(disk: Disk, driver_el, el) -> None:
    disk.driver_name = driver_el.get("name")
    fmt = driver_el.get("type")
    # Most drivers carry a name and a format only: the tuning words are
    # looked at when there is something else.
    if len(driver_el.attrib) > (disk.driver_name is not None) + (fmt is not None):
        for attr, words, what, virtio_only in _DRIVER_WORDS:
            value = driver_el.get(attr)
            if value is None:
                continue
            if virtio_only and disk.bus != "virtio":
                raise DomainXMLError(f"disk {what} supported only for virtio bus", device_path(el))
            if value not in words:
                raise DomainXMLError(f"unknown disk {what} '{value}'", device_path(el))
    if fmt is not None:
        if fmt == "aio":
            fmt = "raw"
        if fmt not in _DISK_FORMATS:
            raise DomainXMLError(f"unknown driver format value '{fmt}'", device_path(el))
        disk.driver_type = fmt


def libvirt_disk_order(disks: List[Disk]) -> List[Disk]:
    """``disks``, read in document order, in the order libvirt's
    virDomainDiskInsertPreAlloced left them: each disk goes just before the
    first disk on its bus with a higher drive index, else just after the
    last disk on its bus, else at the end.  The output order follows it.

    libvirt scanned every disk before the new one (quadratic: 16,000 disks
    took minutes).  Each bus's disks stay sorted by drive index in that
    order (stably), so a bisection finds the neighbour, and a linked list
    takes the insertion in constant time.
    """
    n = len(disks)
    if n < 2:
        return disks
    if n <= _FEW_DISKS:
        return _few_disks_order(disks)
    # Nodes 0..n-1 are the disks, node n the head of a circular list.
    after = [n] * (n + 1)
    before = [n] * (n + 1)
    keys: Dict[str, List[int]] = {}    # bus -> drive indexes, sorted
    nodes: Dict[str, List[int]] = {}   # bus -> the disks of keys, same order
    for k, disk in enumerate(disks):
        index = _drive_index(disk.target)
        bus_keys = keys.setdefault(disk.bus, [])
        bus_nodes = nodes.setdefault(disk.bus, [])
        j = bisect_right(bus_keys, index)
        if j < len(bus_nodes):
            successor = bus_nodes[j]
        elif bus_nodes:
            successor = after[bus_nodes[-1]]
        else:
            successor = n
        predecessor = before[successor]
        after[predecessor] = before[successor] = k
        before[k] = predecessor
        after[k] = successor
        bus_keys.insert(j, index)
        bus_nodes.insert(j, k)
    ordered = []
    k = after[n]
    while k != n:
        ordered.append(disks[k])
        k = after[k]
    return ordered


# Up to this many disks libvirt's own scan is cheaper than setting up the
# linked list (most domains have one to four).
_FEW_DISKS = 8


def _few_disks_order(disks: List[Disk]) -> List[Disk]:
    """libvirt_disk_order by libvirt's scan, for a handful of disks."""
    placed = []     # the disks in the order so far
    keys = []       # (bus, drive index) of each of placed
    for disk in disks:
        bus = disk.bus
        index = _drive_index(disk.target)
        at = len(keys)
        i = 0
        for other_bus, other_index in keys:
            if other_bus == bus:
                if other_index > index:
                    at = i
                    break
                at = i + 1
            i += 1
        keys.insert(at, (bus, index))
        placed.insert(at, disk)
    return placed


def _drive_index(name: str) -> int:
    """libvirt's virDiskNameToIndex: "hda" is 0, "hdz" 25, "hdaa" 26."""
    last = name[-1:]
    if "a" <= last <= "z" and name[:-1] in _DRIVE_PREFIXES:
        # The usual name, a prefix and one letter, without the pattern.
        return ord(last) - 97
    m = re.match(_DRIVE_NAME, name)
    if m is None:
        return -1
    letters = m.group(1)
    value = -1
    for letter in letters:
        value = (value + 1) * 26 + ord(letter) - 97
    return value if letters else 0


def write_disk(w, disk: Disk, index: int, active: bool) -> None:
    kind = disk.type
    attr = _SOURCE_ATTRS.get(kind)
    if attr is None:
        raise ConversionError(
            f"disk '{disk.target}' has no storage type (driver "
            f"'{disk.driver_name}' is neither file, phy, tap nor tap2); "
            "libvirt failed with 'unexpected disk type 0'",
            f"/domain/devices/disk[{index}]")
    w.line(_DISK[active, disk.readonly, disk.shareable, disk.transient], kind, disk.device,
           disk.driver_name, disk.driver_type, attr, disk.source, disk.target, disk.bus)


def _disk_template(active: bool, readonly: bool, shareable: bool, transient: bool) -> XmlTemplate:
    """A <disk> in one template: its flags (and <backingStore/>, for a
    running domain) are fixed lines, so each combination has its own."""
    lines = ["<disk type='{}' device='{}'>",
             "  <driver name='{raw}' type='{}'/>",
             "  <source {raw}='{}'/>"]
    if active:
        lines.append("  <backingStore/>")
    lines.append("  <target dev='{raw}' bus='{}'/>")
    lines += [f"  <{flag}/>" for flag, on in
              (("readonly", readonly), ("shareable", shareable), ("transient", transient)) if on]
    lines.append("</disk>")
    return XmlTemplate("\n".join(lines))


_DISK = {flags: _disk_template(*flags) for flags in itertools.product((False, True), repeat=4)}
