"""What of a domain XML the conversion to SEXPR or xm carries, and what
libvirt 1.2.10 parsed but wrote nowhere: one table for the root's children
and one for the devices, checked on the child lists the reader walked;
then the few rules that depend on counts, the guest or the xend version
(a second display, a second parallel port, a serial on a taken port, what
a bootloader guest's image would have held, floppies and xend 3.0.2's
CD-ROMs), each looked at only when the Domain read shows it can apply.

libvirt's parser read far more than its two Xen formatters wrote
(xenFormatSxpr for SEXPR, xenFormatXM for xm).  An element neither wrote
that holds configuration a user would miss (a watchdog, a <cpu> model,
tuning, a USB host device) is *dropped*, and the conversion says so, naming
its path.  What libvirt adds to every domain by itself (a xen memballoon,
the default controllers, a video card at the default model, an empty
<seclabel type='none'>) loses nothing and says nothing; neither does an
element libvirt's parser did not know (it read nothing from it either).
The two formatters differ in places (the description, USB inputs,
floppies, the image), so the check takes the target format and version.
"""
from __future__ import annotations

from typing import Callable, Dict, List, NamedTuple, Optional, Tuple, Union

from ..errors import ConversionError, DomainXMLError, FastSexprWarning
from ..model.domain import Domain
from ..model.host import DEFAULT_HOST_ARCH, guest_arches
from ..versions import check_version, hvm_cdrom_in_image, pv_graphics_as_vfb
from ..xend.carried import say_or_refuse
from . import read_tree
from .parse import parse_document

__all__ = ["TARGETS", "ROOT", "DEVICES", "not_carried", "read_xml_checked"]

TARGETS = ("sexpr", "xm")
_BOTH = frozenset(TARGETS)

CARRIED = "carried"     # written by both formatters (what of it they could)

# (element, is the guest HVM) -> whether the element holds what is lost.
Test = Callable[[object, bool], bool]


class Dropped(NamedTuple):
    """An element a formatter did not write: ``what`` it is, the ``targets``
    that lose it, and ``lost`` (None: always) deciding whether this one
    holds anything beyond what libvirt or xend would use anyway."""
    what: str
    targets: frozenset = _BOTH
    lost: Optional[Test] = None


Fate = Union[str, Dropped]


def _holds(el, hvm: bool) -> bool:
    """An element with an attribute, a child or text; ``<cpu/>`` is none."""
    return bool(len(el) or el.attrib or (el.text and el.text.strip()))


def _seclabel(el, hvm: bool) -> bool:
    # libvirt's own labelling (dynamic, or none) has no setting to lose;
    # a static label, or a base label chosen for the dynamic one, has.
    return el.get("type") == "static" or any(
        child.tag in ("label", "baselabel") for child in el[:])


def _resource(el, hvm: bool) -> bool:
    partition = el.find("partition")
    return partition is None or (partition.text or "").strip() != "/machine"


def _iothreads(el, hvm: bool) -> bool:
    return (el.text or "").strip() not in ("", "0")


def _paravirt(el, hvm: bool) -> bool:
    return not hvm


def _pv_usb_input(el, hvm: bool) -> bool:
    # A paravirtualised guest's xen mouse and keyboard are implicit; both
    # formatters wrote USB inputs for HVM guests only.
    return not hvm and el.get("bus", "xen") != "xen"


def _hostdev(el, hvm: bool) -> bool:
    # Both formatters wrote PCI devices passed through, nothing else.
    return el.get("mode", "subsystem") != "subsystem" or el.get("type") != "pci"


def _memballoon(el, hvm: bool) -> bool:
    return el.get("model") != "xen"     # libvirt adds a xen one to every Xen guest


# Controller models an HVM guest of xend had anyway: qemu-dm's PIIX3 USB
# controller, and the PCI root bus.
_XEND_CONTROLLERS = frozenset((("usb", "piix3-uhci"), ("pci", "pci-root")))


def _controller(el, hvm: bool) -> bool:
    # libvirt adds a controller of each bus the disks use, with no model;
    # a model chosen (a SCSI HBA, a USB controller) has no place in xend's.
    model = el.get("model")
    return model is not None and (el.get("type"), model) not in _XEND_CONTROLLERS


# The video card xend's device model gave the guest (cirrus, or the xen
# framebuffer of a paravirtualised guest), and the video memory sizes
# libvirt or Xen's tools give it by themselves (KiB): xend's and the PV
# framebuffer's 4 MiB, libvirt 1.2.10's default of 16 MiB for cirrus, and
# libxl's 8 MiB (9 MiB as libvirt's libxl driver reports it).
_DEFAULT_VRAM = frozenset(("4096", "8192", "9216", "16384"))
_VIDEO_CHILDREN = frozenset(("model", "address", "alias"))


def _video(el, hvm: bool) -> bool:
    if any(child.tag not in _VIDEO_CHILDREN for child in el[:] if isinstance(child.tag, str)):
        return True
    model = el.find("model")
    if model is None:
        return False
    if model.get("type", "cirrus" if hvm else "xen") != ("cirrus" if hvm else "xen"):
        return True
    if model.get("heads", "1") != "1" or len(model):     # heads, <acceleration>
        return True
    vram = model.get("vram")
    return vram is not None and vram not in _DEFAULT_VRAM


def _d(what: str, lost: Optional[Test] = None, targets=_BOTH) -> Dropped:
    return Dropped(what, frozenset(targets), lost)


# The children of <domain> libvirt 1.2.10's parser read.
ROOT: Dict[str, Fate] = {
    **dict.fromkeys((
        "name", "uuid", "memory", "currentMemory", "vcpu", "os", "features", "clock",
        "on_poweroff", "on_reboot", "on_crash", "devices", "bootloader", "bootloader_args",
    ), CARRIED),
    "description": _d("the description", _holds, ("xm",)),   # SEXPR has (description ...)
    "title": _d("the title", _holds),
    "metadata": _d("the applications' metadata", _holds),
    "cpu": _d("the guest CPU model, topology or features", _holds),
    "cputune": _d("the CPU tuning (shares, pinning, quotas)", _holds),
    "numatune": _d("the NUMA memory placement", _holds),
    "blkiotune": _d("the block I/O tuning", _holds),
    "memtune": _d("the memory limits", _holds),
    "memoryBacking": _d("the memory backing (huge pages, locking, sharing)", _holds),
    "seclabel": _d("the security label", _seclabel),
    "resource": _d("the resource partition", _resource),
    "sysinfo": _d("the SMBIOS system information", _holds),
    "idmap": _d("the user and group ID maps", _holds),
    "pm": _d("the power management (suspend to memory or disk)", _holds),
    "iothreads": _d("the I/O threads", _iothreads),
    "on_lockfailure": _d("what to do when a lock is lost", _holds),
}

_PV_ONLY = "a paravirtualised guest's "

# The children of <devices> libvirt 1.2.10's parser read.
DEVICES: Dict[str, Fate] = {
    **dict.fromkeys(("emulator", "disk", "interface", "graphics", "console"), CARRIED),
    "input": _d(_PV_ONLY + "USB input device (only HVM guests had one)", _pv_usb_input),
    "sound": _d(_PV_ONLY + "sound card (only HVM guests had one)", _paravirt),
    "serial": _d(_PV_ONLY + "serial port (only HVM guests had one)", _paravirt),
    "parallel": _d(_PV_ONLY + "parallel port (only HVM guests had one)", _paravirt),
    "hostdev": _d("a host device other than a PCI device (a USB device, a block or "
                  "network device)", _hostdev),
    "video": _d("a video card (model, video memory or heads other than xend's)", _video),
    "memballoon": _d("a memory balloon other than xen's", _memballoon),
    "controller": _d("a controller model", _controller),
    "channel": _d("a channel"),
    "watchdog": _d("a watchdog"),
    "redirdev": _d("a USB redirection device"),
    "redirfilter": _d("a USB redirection filter"),
    "smartcard": _d("a smartcard"),
    "hub": _d("a USB hub"),
    "rng": _d("a random number generator"),
    "panic": _d("a panic device"),
    "filesystem": _d("a filesystem passed through"),
    "lease": _d("a lock lease"),
    "tpm": _d("a TPM"),
    "nvram": _d("an NVRAM device"),
    "shmem": _d("a shared memory device"),
}

_NOT_WRITTEN = {"sexpr": "libvirt 1.2.10's SEXPR formatter did not write it",
                "xm": "libvirt 1.2.10's xm formatter did not write it"}

# Per target: the tags worth a look (most documents have none of them).
_ROOT_WATCH = {t: {k: f for k, f in ROOT.items() if isinstance(f, Dropped) and t in f.targets}
               for t in TARGETS}
_DEVICE_WATCH = {t: {k: f for k, f in DEVICES.items()
                     if isinstance(f, Dropped) and t in f.targets} for t in TARGETS}

_ROOT_TAGS = {t: frozenset(watch) for t, watch in _ROOT_WATCH.items()}

Found = Tuple[str, str, Optional[int]]      # (path, what is lost, line)


def not_carried(top: dict, devices: Optional[list], unread: list, domain: Domain,
                target: str, version: int = 4) -> List[Found]:
    """(path, what is not carried, line) for each element of a domain XML
    that the conversion of ``domain`` to ``target`` (``"sexpr"`` or
    ``"xm"``) drops: the root's children (``top``, the first of each name,
    all libvirt read), then the devices, each rule's in document order.  ``devices``
    are the children of <devices> (or None), ``unread`` those of them no
    reader took and the host devices: only they are looked at, unless the
    guest is paravirtualised and has devices only HVM guests carry.
    ``version`` is the xend the output is for.  A path is numbered from the
    second of its name (``/domain/devices/watchdog[2]``)."""
    found: List[Found] = []
    # Most domains lose nothing: a set operation and a few lengths say so.
    if not _ROOT_TAGS[target].isdisjoint(top):
        _root(top, domain, target, found)
    hvm = domain.os.type == "hvm"
    # The reader discarded a paravirtualised guest's xen inputs: any left
    # is one only HVM guests carry.
    pv_lost = not hvm and (domain.sounds or domain.serials or domain.parallels
                           or domain.inputs)
    if unread or pv_lost:
        _devices(devices if pv_lost else unread, hvm, _DEVICE_WATCH[target],
                 _NOT_WRITTEN[target], found)
    if target == "xm" and hvm and len(domain.inputs) > 1:
        _xm_usb_inputs(devices, found)
    if len(domain.graphics) > 1:
        found.append(("/domain/devices/graphics",
                      f"{len(domain.graphics)} displays are not carried: libvirt 1.2.10 wrote "
                      "a display only for a guest with one", None))
    if target == "sexpr" and domain.bootloader is not None and devices:
        _bootloader_image(devices, domain, version, found)
    elif hvm and (len(domain.parallels) > 1 or len(domain.serials) > 1):
        _hvm_chrs(devices, domain, found)
    if hvm or target == "xm":     # a paravirtualised guest's disks are all vbds in SEXPR
        for disk in domain.disks:
            if disk.device != "disk":   # most domains: disks only
                _disks(devices, domain, target, version, found)
                break
    return found


_FLOPPY_LOST = "a floppy disk is not carried: libvirt 1.2.10's xm formatter skipped floppies"
_BOOTLOADER_LOST = ("is not carried: the image libvirt 1.2.10 would have named it in is not "
                    "written for a guest with a bootloader")
_CDROM_LOST = ("a CD-ROM is not carried: for xend 3.0.2 libvirt 1.2.10 named one CD-ROM of "
               "an HVM guest, hdc with an image, and no other")


def _hvm_chrs(devices: list, domain: Domain, found: List[Found]) -> None:
    """Both formatters wrote an HVM guest's first parallel port and, for
    each port number, its first serial port: the others are lost."""
    ports = set()
    serials = iter(domain.serials)      # read in document order, one per element
    n_par = n_ser = 0
    for el in devices:
        tag = el.tag
        if tag == "parallel":
            n_par += 1
            if n_par > 1:
                found.append((f"/domain/devices/parallel[{n_par}]",
                              "a parallel port after the first is not carried: libvirt 1.2.10 "
                              "wrote one", el.sourceline))
        elif tag == "serial":
            n_ser += 1
            serial = next(serials, None)
            if serial is None:
                break
            port = serial.port
            if port in ports:
                found.append(("/domain/devices/serial" + (f"[{n_ser}]" if n_ser > 1 else ""),
                              f"a serial port is not carried: an earlier one has port {port}, "
                              "and libvirt 1.2.10 wrote one per port", el.sourceline))
            ports.add(port)


def _disks_lost(domain: Domain, target: str, version) -> List[Tuple[Tuple[str, str], str]]:
    """((device, target), why) of each disk the formatter for ``target``
    did not write: xm's floppies; for xend 3.0.2 an HVM guest's CD-ROMs
    but the first hdc with an image (SEXPR: each such hdc), and, in xm, a
    paravirtualised guest's hdc; in SEXPR an HVM guest's floppies and
    image CD-ROMs when it has a bootloader."""
    try:
        v1 = hvm_cdrom_in_image(check_version(version))
    except ConversionError:
        return []       # the writer says so
    hvm = domain.os.type == "hvm"
    boot = domain.bootloader is not None
    lost = []
    kept_cdrom = False
    for disk in domain.disks:
        device, name = disk.device, disk.target
        if device == "floppy":
            if target == "xm":
                lost.append(((device, name), _FLOPPY_LOST))
            elif hvm and boot:
                lost.append(((device, name), "a floppy disk " + _BOOTLOADER_LOST))
        elif device == "cdrom" and v1 and (hvm or target == "xm"):
            named = name == "hdc" and disk.source is not None and hvm
            if target == "xm":
                if name == "hdc" and (kept_cdrom or not named):
                    lost.append(((device, name), _CDROM_LOST))
                kept_cdrom = kept_cdrom or named
            elif boot:
                lost.append(((device, name), "a CD-ROM " + _BOOTLOADER_LOST))
            elif not named:
                lost.append(((device, name), _CDROM_LOST))
    return lost


def _disks(devices: Optional[list], domain: Domain, target: str, version,
           found: List[Found]) -> None:
    lost = _disks_lost(domain, target, version)
    if not lost or not devices:
        return
    n = 0
    for el in devices:
        if el.tag != "disk":
            continue
        n += 1
        key = (el.get("device", "disk"), _target_dev(el))
        for k, (lost_key, why) in enumerate(lost):
            if lost_key == key:
                del lost[k]
                found.append(("/domain/devices/disk" + (f"[{n}]" if n > 1 else ""), why,
                              el.sourceline))
                break


def _target_dev(el) -> str:
    for child in el[:]:
        if child.tag == "target":
            dev = child.get("dev") or ""
            return dev[6:] if dev.startswith("ioemu:") else dev
    return ""


# What an HVM guest's image held, by element (the display aside).
_HVM_IMAGE = {"serial": "serial port", "parallel": "parallel port", "sound": "sound card",
              "input": "USB input device"}


def _bootloader_image(devices: list, domain: Domain, version, found: List[Found]) -> None:
    """For a guest with a bootloader, libvirt's SEXPR formatter wrote no
    image but the kernel arguments: what it would have held is lost, the
    display of an HVM guest (or of a paravirtualised one before xend had
    vfb devices) and an HVM guest's serial and parallel ports, sound cards
    and USB inputs."""
    hvm = domain.os.type == "hvm"
    try:
        display_in_image = hvm or not pv_graphics_as_vfb(check_version(version))
    except ConversionError:
        return      # the writer says so
    # (Two displays or more are said anyway.)
    display_in_image = display_in_image and len(domain.graphics) == 1
    if not hvm and not display_in_image:
        return
    why = "libvirt 1.2.10 wrote no image for a guest with a bootloader"
    seen: Dict[str, int] = {}
    for el in devices:
        tag = el.tag
        if tag == "graphics" and display_in_image:
            what = "the display"
        elif hvm and tag in _HVM_IMAGE:
            what = "an HVM guest's " + _HVM_IMAGE[tag]
        else:
            continue
        n = seen[tag] = seen.get(tag, 0) + 1
        if tag == "input" and el.get("bus", "usb" if el.get("type") == "tablet" else "ps2") \
                != "usb":
            continue
        path = f"/domain/devices/{tag}" + (f"[{n}]" if n > 1 else "")
        found.append((path, f"{what} is not carried: {why}", el.sourceline))


def _root(top: dict, domain: Domain, target: str, found: List[Found]) -> None:
    hvm = domain.os.type == "hvm"
    why = _NOT_WRITTEN[target]
    watch = _ROOT_WATCH[target]
    for el in sorted((top[tag] for tag in watch.keys() & top.keys()), key=_document_order):
        fate = watch[el.tag]
        if fate.lost is None or fate.lost(el, hvm):
            found.append((f"/domain/{el.tag}", f"{fate.what} is not carried: {why}",
                          el.sourceline))


def _document_order(el) -> int:
    return el.getparent().index(el)


def _devices(devices, hvm: bool, watch: Dict[str, Dropped], why: str,
             found: List[Found]) -> None:
    seen: Dict[str, int] = {}
    get = watch.get
    for el in devices:
        tag = el.tag
        fate = get(tag)
        if fate is None:
            continue
        n = seen[tag] = seen.get(tag, 0) + 1
        if fate.lost is None or fate.lost(el, hvm):
            path = f"/domain/devices/{tag}" + (f"[{n}]" if n > 1 else "")
            found.append((path, f"{fate.what} is not carried: {why}", el.sourceline))


def _xm_usb_inputs(devices: list, found: List[Found]) -> None:
    """xm names one USB input device (usbdevice): the others are lost."""
    n = usb = 0
    for el in devices:
        if el.tag == "input":
            n += 1
            if el.get("bus", "usb" if el.get("type") == "tablet" else "ps2") == "usb":
                usb += 1
                if usb > 1:
                    found.append((f"/domain/devices/input[{n}]",
                                  "a USB input device after the first is not carried: an xm "
                                  "config names one (usbdevice)", el.sourceline))


def read_xml_checked(xml, *, target: str, xend_config_version: int = 4,
                     host_arch: str = DEFAULT_HOST_ARCH,
                     strict: bool = False) -> Tuple[Domain, List[FastSexprWarning]]:
    """:func:`~fastsexpr.read_xml`, and a warning for each element libvirt's
    formatter for ``target`` (``"sexpr"`` or ``"xm"``, for the xend
    ``xend_config_version``) dropped (``strict``: a DomainXMLError naming
    the element instead): what ``xml_to_sexpr``, ``xml_to_xm`` and the
    command read domain XML with."""
    if target not in _NOT_WRITTEN:
        raise ValueError(f"target must be 'sexpr' or 'xm', not {target!r}")
    arches = guest_arches(host_arch)
    seen: dict = {}
    domain = read_tree(parse_document(xml), arches, seen)
    found = not_carried(seen["top"], seen.get("devices"), seen.get("unread", ()), domain,
                        target, xend_config_version)
    return domain, say_or_refuse(found, strict, error=DomainXMLError) if found else []
