"""Disks: the ``disk`` list of ``SOURCE,TARGET,MODE`` strings and the
``cdrom`` key of an HVM guest under xend 3.0.2 (XM.md 4.1 step 17, 4.4, 5.3).

The driver and format words of a source (``phy:``, ``file:``,
``tap:aio:``) are xend's, from :mod:`fastsexpr.xend.disk`.
"""
from __future__ import annotations

from ..errors import ConversionError, DomainXMLError
from ..model.domain import Disk, Domain
from ..model.vocab import DISK_FORMATS
from ..versions import hvm_cdrom_in_image, hvm_disk_ioemu_prefix
from ..xend.disk import STORAGE_DRIVERS, TAP_FORMAT_WORDS, TAP_WORD_FORMATS, disk_path
from .values import XmIn, get_string, string_items

DISK_KEY = "disk"
CDROM_KEY = "cdrom"
# The driver libvirt assumed for a source without one, and the one that
# names a block device.
_DEFAULT_DRIVER = "phy"
_TAP = "tap"
_IOEMU_PREFIX = "ioemu:"
_CDROM_SUFFIX = ":cdrom"
# The one cdrom xend 3.0.2 kept in its own key, and its driver.
_CDROM_TARGET = "hdc"
_CDROM_DRIVER = "file"
# MODE -> (readonly, shareable); any other mode is read-write.
_MODES = {"r": (True, False), "ro": (True, False), "w!": (False, True), "!": (False, True)}
_READ_WRITE = (False, False)
_FORMATS = frozenset(DISK_FORMATS)


def read_disks(dom: Domain, x: XmIn) -> None:
    hvm = x.hvm
    for item in string_items(x, DISK_KEY):
        disk = _parse_disk(item, hvm)
        if disk is not None:
            dom.disks.append(disk)
    if x.hvm and hvm_cdrom_in_image(x.version):
        path = get_string(x, CDROM_KEY, None)
        if path is not None:
            # type, device, source, target, bus, driver, format, readonly
            dom.disks.append(Disk("file", "cdrom", path, _CDROM_TARGET, "ide",
                                  _CDROM_DRIVER, None, True))


def _parse_disk(item: str, hvm: bool):
    """One ``SOURCE,TARGET,MODE`` string; None for one libvirt skipped."""
    comma = item.find(",")
    if comma < 0:
        return None
    # An empty SOURCE is no source (a cdrom without media).
    src = item[:comma] or None
    rest = item[comma + 1:]
    if rest.startswith(_IOEMU_PREFIX):
        rest = rest[len(_IOEMU_PREFIX):]
    comma = rest.find(",")
    if comma < 0:
        return None
    target, mode = rest[:comma], rest[comma + 1:]
    driver = fmt = None
    if src is not None:
        driver, colon, path = src.partition(":")
        if colon:
            src = path
        else:
            driver = None
        if driver == _TAP:
            word, colon, path = src.partition(":")
            if not colon:
                return None
            fmt = TAP_WORD_FORMATS.get(word, word)
            if fmt not in _FORMATS:
                raise ConversionError(f"Unknown driver type {src}", DISK_KEY)
            src = path
    if driver is None:
        driver = _DEFAULT_DRIVER
    device = "disk"
    colon = target.find(":")
    if colon >= 0:
        if target[colon:] == _CDROM_SUFFIX:
            device = "cdrom"
        target = target[:colon]
    if target.startswith("xvd") or not hvm:
        bus = "xen"
    elif target.startswith("sd"):
        bus = "scsi"
    else:
        bus = "ide"
    readonly, shareable = _MODES.get(mode, _READ_WRITE)
    storage = "block" if driver == _DEFAULT_DRIVER else "file"
    return Disk(storage, device, src, target, bus, driver, fmt, readonly, shareable)


def write_disks(d: Domain, version: int, out: dict) -> None:
    hvm = d.os.type == "hvm"
    cdrom_key = hvm_cdrom_in_image(version)
    prefix = _IOEMU_PREFIX if hvm and hvm_disk_ioemu_prefix(version) else ""
    entries = []
    for disk in d.disks:
        if disk.device == "floppy":
            continue
        # xend 3.0.2 kept that cdrom in its own key (any guest: a paravirt
        # one is lost).
        if cdrom_key and disk.device == "cdrom" and disk.target == _CDROM_TARGET:
            continue
        entries.append(_format_disk(disk, prefix))
    if entries:
        out[DISK_KEY] = entries


def write_cdrom(d: Domain, version: int, out: dict) -> None:
    """The ``cdrom`` key of an HVM guest under xend 3.0.2."""
    if d.os.type != "hvm" or not hvm_cdrom_in_image(version):
        return
    for disk in d.disks:
        if disk.device == "cdrom" and disk.target == _CDROM_TARGET and disk.source is not None:
            out[CDROM_KEY] = disk.source
            return


def _format_disk(disk: Disk, prefix: str) -> str:
    src = disk.source
    if src is None:
        text = ""
    elif disk.driver_type is not None:
        driver = disk.driver_name
        if driver is None:
            # libvirt 1.2.10 crashed here (it printed a NULL driver name).
            raise DomainXMLError("a disk with a <driver type> needs a <driver name> "
                                 "in an xm config", disk_path(disk))
        if driver == _TAP:
            fmt = disk.driver_type
            text = f"{_TAP}:{TAP_FORMAT_WORDS.get(fmt, fmt)}:{src}"
        else:
            text = f"{driver}:{src}"
    else:
        driver = STORAGE_DRIVERS.get(disk.type)
        if driver is None:
            raise DomainXMLError(f"unsupported disk type {disk.type}", disk_path(disk))
        text = f"{driver}:{src}"
    readonly, shareable = disk.readonly, disk.shareable
    mode = "r" if readonly else "!" if shareable else "w"
    if disk.transient:
        raise DomainXMLError("transient disks not supported yet", disk_path(disk))
    cdrom = _CDROM_SUFFIX if disk.device == "cdrom" else ""
    return f"{text},{prefix}{disk.target}{cdrom},{mode}"
