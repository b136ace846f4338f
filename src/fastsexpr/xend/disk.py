"""Disks: (device (vbd|tap|tap2 ...)) blocks, and the cdrom and floppies an
HVM image names itself.

SEXPR2XML.md 1.8 and 1.12, XML2SEXPR.md sections 5.2 (row 8) and 7.
"""
from __future__ import annotations

from ..errors import ConversionError, DomainXMLError
from ..model.domain import Disk, Domain
from ..model.vocab import DISK_FORMATS
from ..syntax import lookup, value
from ..versions import dev_suffix_parsed, hvm_cdrom_in_image, hvm_disk_ioemu_prefix

# The sub-list heads that make a (device ...) a disk, in the order libvirt
# tried them.
DISK_KINDS = ("vbd", "tap2", "tap")
_KEY_PATHS = {kind: (f"{kind}/uname", f"{kind}/dev", f"{kind}/mode", f"{kind}/bootable")
              for kind in DISK_KINDS}

# The blktap drivers: their own device head, and a format word in the uname.
TAP_DRIVERS = ("tap", "tap2")
# Storage type <-> the driver word of a uname ('phy:/dev/sda', 'file:/x.img').
STORAGE_DRIVERS = {"file": "file", "block": "phy"}
# ... and back; a blktap driver always reads a file.  Any other driver
# leaves the type unset, which the XML writer then refuses as libvirt did.
DRIVER_STORAGE = {driver: storage for storage, driver in STORAGE_DRIVERS.items()}
DRIVER_STORAGE.update(dict.fromkeys(TAP_DRIVERS, "file"))
# A blktap format <-> its word in the uname, where the two differ: blktap
# calls raw images "aio" after the I/O it does on them.
TAP_FORMAT_WORDS = {"raw": "aio"}
TAP_WORD_FORMATS = {word: fmt for fmt, word in TAP_FORMAT_WORDS.items()}

# What V1 put before an HVM disk's dev.
_IOEMU_PREFIX = "ioemu:"
# The dev suffix that makes a vbd a cdrom from V2 on (anything else is a disk).
_CDROM_SUFFIX = ":cdrom"
_DISK_SUFFIX = ":disk"
# The one HVM cdrom a V1 image names, by its (cdrom PATH) key.
_IMAGE_CDROM_TARGET = "hdc"
_FLOPPIES = ("fda", "fdb")


def read_disks(dom: Domain, blocks, hvm: bool, version: int) -> None:
    """``blocks``: (device list, sub-list, kind) of each disk, in order."""
    suffix_parsed = dev_suffix_parsed(version)
    disks = dom.disks
    for device, sub, kind in blocks:
        p_uname, p_dev, p_mode, p_bootable = _KEY_PATHS[kind]
        src = value(sub, p_uname)
        dst = value(sub, p_dev)
        if dst is None:
            raise ConversionError("domain information incomplete, vbd has no dev",
                                  f"domain/device/{kind}/dev")
        driver = fmt = None
        if src is None:
            colon = dst.find(":")
            if not hvm or colon < 0 or dst[colon:] != _CDROM_SUFFIX:
                raise _uname_error(f"domain information incomplete, vbd '{dst}' has no src",
                                   kind)
            storage = "file"
        else:
            driver, fmt, src = _parse_uname(src, device, kind)
            storage = DRIVER_STORAGE.get(driver)
        if dst.startswith(_IOEMU_PREFIX):
            dst = dst[len(_IOEMU_PREFIX):]
        device_kind = "disk"
        if suffix_parsed:
            colon = dst.rfind(":")
            if colon >= 0:
                if dst[colon:] == _CDROM_SUFFIX:
                    device_kind = "cdrom"
                dst = dst[:colon]
        if dst.startswith("xvd"):
            bus = "xen"
        elif dst.startswith("sd"):
            bus = "scsi"
        else:
            bus = "ide"
        mode = value(sub, p_mode)
        readonly = mode is not None and "r" in mode
        shareable = mode is not None and "!" in mode
        disk = Disk(storage, device_kind, src, dst, bus, driver, fmt, readonly, shareable)
        if disks and value(sub, p_bootable) == "1":
            # The bootable disk goes first; the first one so far goes last.
            disks.append(disks[0])
            disks[0] = disk
        else:
            disks.append(disk)


def _parse_uname(uname, device, kind):
    """(driver, format, path) of 'driver:path' or 'tap:format:path'."""
    colon = uname.find(":")
    if colon < 0:
        raise _uname_error(f"cannot parse vbd filename '{uname}', missing driver name", kind)
    if uname.startswith("tap:") and lookup(device, "device/tap2") is not None:
        driver = "tap2"
    else:
        driver = uname[:colon]
    src = uname[colon + 1:]
    if driver not in TAP_DRIVERS:
        return driver, None, src
    colon = src.find(":")
    if colon < 0:
        raise _uname_error(f"cannot parse vbd filename '{src}', missing driver type", kind)
    word = src[:colon]
    fmt = TAP_WORD_FORMATS.get(word, word)
    if fmt not in DISK_FORMATS:
        raise _uname_error(f"Unknown driver type {src}", kind)
    return driver, fmt, src[colon + 1:]


def _uname_error(reason, kind):
    return ConversionError(reason, f"domain/device/{kind}/uname")


def read_image_disks(dom: Domain, img: dict, version: int) -> None:
    """The cdrom (V1) and floppies an HVM image's keys ``img`` name."""
    if hvm_cdrom_in_image(version):
        cdrom = img.get("cdrom")
        if cdrom:
            # type, device, source, target, bus, driver_name, driver_type, readonly
            dom.disks.append(Disk("file", "cdrom", cdrom, _IMAGE_CDROM_TARGET, "ide", "file",
                                  None, True))
    for fd in _FLOPPIES:
        if img.get(fd):
            # libvirt overwrote the floppy's path with the word "file".
            dom.disks.append(Disk(type="file", device="floppy", source="file",
                                  target=fd, bus="fdc"))


def disk_path(disk: Disk) -> str:
    """The disk's element in the domain XML, for error messages."""
    return f"/domain/devices/disk[target/@dev='{disk.target}']"


def write_image_disks(w, d: Domain, version: int) -> None:
    """The cdrom (V1) and floppies of an HVM image."""
    cdrom_in_image = hvm_cdrom_in_image(version)
    for disk in d.disks:
        if disk.device == "cdrom":
            if (cdrom_in_image and disk.target == _IMAGE_CDROM_TARGET
                    and disk.source is not None):
                w.pair("cdrom", disk.source)
        elif disk.device == "floppy":
            if disk.source is None:
                # libvirt writes "(fdX " and nothing more here, which xend
                # cannot read; refuse rather than corrupt.
                raise DomainXMLError(
                    f"floppy {disk.target} has no source: xend needs an image file",
                    disk_path(disk))
            w.write("(", disk.target, " '", disk.source, "')")


def write_disks(w, d: Domain, version: int, hvm: bool) -> None:
    skip_cdrom = hvm and hvm_cdrom_in_image(version)
    ioemu = hvm and hvm_disk_ioemu_prefix(version)
    for disk in d.disks:
        device = disk.device
        if hvm and device == "floppy" or skip_cdrom and device == "cdrom":
            continue
        driver = disk.driver_name
        tap = driver in TAP_DRIVERS
        # One write per disk: the text around the escaped values is built
        # here, the values are escaped by the writer.
        if ioemu:
            head, dev_end = "(dev '" + _IOEMU_PREFIX, "')"
        elif hvm or device == "cdrom":
            head = "(dev '"
            dev_end = _CDROM_SUFFIX + "')" if device == "cdrom" else _DISK_SUFFIX + "')"
        else:
            head, dev_end = "(dev '", "')"
        head = (f"(device ({driver} " if tap else "(device (vbd ") + head
        src = disk.source
        if src is not None and driver is None:
            driver = STORAGE_DRIVERS.get(disk.type)
            if driver is None:
                raise DomainXMLError(f"unsupported disk type {disk.type}", disk_path(disk))
            # The driver is a word of ours: no escaping needed.
            dev_end += "(uname '" + driver + (
                ":" if driver != "phy" or src.startswith("/") else ":/dev/")
            driver = None
        if disk.transient:
            raise DomainXMLError("transient disks not supported yet", disk_path(disk))
        if disk.readonly:
            end = "(mode 'r')))"
        elif disk.shareable:
            end = "(mode 'w!')))"
        else:
            end = "(mode 'w')))"
        if src is None:
            w.write(head, disk.target, dev_end + end)
        elif driver is None:
            w.write(head, disk.target, dev_end, src, "')" + end)
        elif tap:
            fmt = disk.driver_type
            w.write(head, disk.target, dev_end + "(uname '", driver, ":",
                    "aio" if fmt is None else TAP_FORMAT_WORDS.get(fmt, fmt), ":", src, "')" + end)
        else:
            w.write(head, disk.target, dev_end + "(uname '", driver, ":", src, "')" + end)
