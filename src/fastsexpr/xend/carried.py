"""What of a xend domain record the conversion carries into the domain XML,
what it drops, and what was never configuration: one table, checked in one
pass over the record's keys, its image's keys and its device kinds.

libvirt 1.2.10 read a fixed set of keys (SEXPR2XML.md section 1) and let
the rest go without a word.  Some of the rest are settings of the guest a
user would miss (a virtual TPM, a PV SCSI device, a credit-scheduler cap,
an SDL window next to the VNC display): those are *dropped*, and the
conversion says so.  Many others are what ``xm list --long`` adds to a
running domain's definition (its state, CPU time, ring pages) and have no
place in a definition: those are *runtime*, and say nothing.

A dropped key is only said when it holds something: xend prints most of
them for every guest at their default (``(cpu_weight 256)``, ``(cpus (()
()))``, ``(features '')``), and a default loses nothing.  The defaults are
xend's own (XendConfig.py, xm/create.py of Xen 3.x and 4.x).
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, Iterator, List, Optional, Sequence, Tuple, Type

from ..errors import ConversionError, FastSexprWarning
from ..model.record import NamedTuple
from ..syntax import dumps, find_key, member_values

__all__ = ["CARRIED", "RUNTIME", "Dropped", "TOP_KEYS", "IMAGE_KEYS", "DEVICE_KINDS",
           "FIRST_ONLY_DEVICES", "DISPLAY_NAMES", "dropped", "not_carried", "settings_dropped",
           "show_value", "say_or_refuse", "xend_settings"]

CARRIED = "carried"     # read into the domain XML (or read by libvirt and refused)
RUNTIME = "runtime"     # state of a running domain, not part of its definition

_NOT_READ = "libvirt 1.2.10 did not read it"


class Dropped(NamedTuple):
    """A setting libvirt 1.2.10 did not carry: ``what`` it is, and the
    values (atoms) that mean it holds nothing; '' always does."""
    what: str
    unset: frozenset = frozenset()


def dropped(what: str, *unset: str) -> Dropped:
    """A setting lost unless its value is one of ``unset`` (or empty)."""
    return Dropped(what, frozenset(unset + ("",)))


Fate = str | Dropped

# The top-level keys of a (domain ...) record.  Keys not listed (no xend
# release wrote them) say nothing.
TOP_KEYS: Dict[str, Fate] = {
    **dict.fromkeys((
        "domid", "name", "uuid", "description", "bootloader", "bootloader_args",
        "maxmem", "memory", "vcpus", "vcpu_avail", "on_poweroff", "on_reboot", "on_crash",
        "localtime", "image", "device"), CARRIED),
    **dict.fromkeys((
        "state", "status", "cpu_time", "online_vcpus", "start_time", "up_time", "uptime",
        "store_mfn", "console_mfn", "shutdown_reason", "change_home_server",
        # xend puts the shadow memory it allotted at start here, asked for or not
        "shadow_memory",
        # the Xen API's view of memory and maxmem, filled in by xend
        "memory_dynamic_min", "memory_dynamic_max", "memory_static_min", "memory_static_max",
    ), RUNTIME),
    "cpu_weight": dropped("the credit scheduler weight", "256", "1.0", "1"),
    "cpu_cap": dropped("the credit scheduler cap", "0"),
    "cpus": dropped("the physical CPUs the vCPUs may run on (CPU pinning)"),
    "cpu": dropped("the physical CPU of vCPU 0", "-1"),
    "pool_name": dropped("the CPU pool", "Pool-0"),
    "features": dropped("the paravirtualised guest's kernel features"),
    "security_label": dropped("the security label"),
    "ssidref": dropped("the ACM security reference", "0"),
    "on_xend_start": dropped("what xend does with the domain when xend starts "
                              "(libvirt kept autostart outside the XML: virsh autostart)",
                              "ignore"),
    "on_xend_stop": dropped("what xend does with the domain when xend stops (with "
                             "libvirt, libvirt-guests does it for every domain)", "ignore"),
    "cpuid": dropped("the CPUID masks"),
    "cpuid_check": dropped("the CPUID checks"),
}

# The keys of the record's (image (hvm ...)) or (image (linux ...)) that
# hold configuration libvirt 1.2.10 did not read, with xend's defaults.
# (Keys it read, and the ELF notes xend adds, are not listed.)
IMAGE_KEYS: Dict[str, Dropped] = {
    "stdvga": dropped("the standard VGA card", "0"),
    "videoram": dropped("the video memory size", "4"),
    "nographic": dropped("no-graphics mode", "0"),
    "monitor": dropped("the device model's monitor", "0"),
    "monitor_path": dropped("the device model's monitor path"),
    "isa": dropped("the ISA-only machine", "0"),
    "guest_os_type": dropped("the guest OS type", "default"),
    "gfx_passthru": dropped("graphics passthrough", "0"),
    "timer_mode": dropped("the timer mode", "1"),
    "tsc_mode": dropped("the TSC mode", "0"),
    "vpt_align": dropped("the virtual platform timer alignment", "1"),
    "vhpt": dropped("the VHPT size", "0"),
    "nestedhvm": dropped("nested HVM", "0"),
    "nomigrate": dropped("the no-migrate flag", "0"),
    "xen_platform_pci": dropped("the Xen platform PCI device setting", "1"),
    "xen_extended_power_mgmt": dropped("extended power management", "0"),
    "pci_msitranslate": dropped("PCI MSI translation", "1"),
    "pci_power_mgmt": dropped("PCI power management", "0"),
    "memory_sharing": dropped("memory sharing", "0"),
    "superpages": dropped("superpages", "0"),
    "cpuid": dropped("the CPUID masks"),
    "cpuid_check": dropped("the CPUID checks"),
    # libvirt read (usbdevice tablet|mouse|keyboard) and nothing else
    "usbdevice": dropped("a USB device other than a tablet, mouse or keyboard",
                          "tablet", "mouse", "keyboard"),
}



def xend_settings(*keys: str) -> Dict[str, Dropped]:
    """The record's top-level settings of these names, for a format that
    holds them under the same names (xm): one description each."""
    found: Dict[str, Dropped] = {}
    for key in keys:
        fate = TOP_KEYS[key]
        if not isinstance(fate, Dropped):
            raise KeyError(f"{key}: not a setting the XML drops")
        found[key] = fate
    return found


# Device kinds: (device (KIND ...)).
DEVICE_KINDS: Dict[str, Fate] = {
    **dict.fromkeys(("vbd", "tap", "tap2", "vif", "pci", "vfb"), CARRIED),
    # the keyboard that goes with a vfb: libvirt adds it back with the display
    "vkbd": CARRIED,
    # xend's console channel: libvirt makes the paravirtualised console itself
    "console": RUNTIME,
    "vtpm": dropped("virtual TPM"),
    "vscsi": dropped("paravirtualised SCSI device"),
    "vusb": dropped("paravirtualised USB host controller"),
    "vif2": dropped("netchannel2 network interface"),
    "ioports": dropped("I/O port range passed through"),
    "irq": dropped("physical IRQ passed through"),
}
# libvirt read the first (device (KIND ...)) of these and no other.
FIRST_ONLY_DEVICES = {"pci": "PCI passthrough block", "vfb": "display"}
_COUNTED = frozenset([kind for kind, fate in DEVICE_KINDS.items() if isinstance(fate, Dropped)]
                     + list(FIRST_ONLY_DEVICES))

# The displays of the image, by the type libvirt would have read them as.
DISPLAY_NAMES = {"vnc": "VNC", "sdl": "SDL"}
_SHOWN = 60     # characters of a value a warning shows


def show_value(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN - 3] + "..."


def say_or_refuse(lost: Sequence[tuple], strict: bool, *,
                  record: Optional[int] = None, lineno: Optional[int] = None,
                  error: Type[ConversionError] = ConversionError) -> List[FastSexprWarning]:
    """A warning for each (path, what) or (path, what, line) a conversion
    drops (of any format); with ``strict``, the first is an ``error``
    naming the path instead."""
    if lost and strict:
        path, what, *line = lost[0]
        raise error(f"{what} (strict mode refuses a setting it cannot carry)", path,
                    lineno=line[0] if line else None)
    return [FastSexprWarning(f"{path}: {what}", lineno=line[0] if line else lineno,
                             record=record)
            for path, what, *line in lost]


def _atoms(node) -> Iterator[str]:
    """Every atom under ``node`` (a list's members after its head)."""
    stack = [iter(node[1:])]
    while stack:
        for item in stack[-1]:
            if type(item) is list:
                stack.append(iter(item))
                break
            yield item
        else:
            stack.pop()


def _holds(node, fate: Dropped) -> bool:
    """Whether ``node`` holds an atom other than its unset values."""
    unset = fate.unset
    if len(node) == 2 and node[1].__class__ is str:     # (key value): most of them
        return node[1] not in unset
    return any(a not in unset for a in _atoms(node))


def _value_text(node) -> str:
    return show_value(" ".join(dumps(v) for v in node[1:]))   # one line, quoted as needed


# What the check looks for among the record's keys and its image's keys:
# found with one set intersection each, on the key maps the reader made.
_TOP_DROPPED: Dict[str, Dropped] = {k: f for k, f in TOP_KEYS.items() if isinstance(f, Dropped)}
_TOP_RANK = {key: rank for rank, key in enumerate(_TOP_DROPPED)}
_IMAGE_DROPPED_KEYS = frozenset(IMAGE_KEYS)
_IMAGE_RANK = {key: rank for rank, key in enumerate(IMAGE_KEYS)}


def not_carried(root, domain) -> List[Tuple[str, str]]:
    """(SEXPR path, what is not carried) for each setting of the record
    ``root`` (a tree) that its conversion, ``domain``, drops: the record's
    keys, then its image's keys, then its device kinds, each in table
    order.  (:func:`~fastsexpr.xend.read_sexpr` gives the same with
    ``dropped=``, from the lists it reads anyway, at a fraction of the
    cost.)"""
    image = find_key(root, "domain/image")
    kind_node = None
    if image is not None:
        kind_node = find_key(image, "image/hvm" if domain.os.type == "hvm" else "image/linux")
    others = []
    read_first = set()      # the first pci and vfb lists were read
    for node in root:
        if node.__class__ is list and node and node[0] == "device":
            for kind in _unread_devices(node):
                if kind in FIRST_ONLY_DEVICES and kind not in read_first:
                    read_first.add(kind)
                else:
                    others.append(kind)
    return settings_dropped(root, member_values(root), kind_node, member_values(kind_node),
                            others, domain)


def _unread_devices(node):
    """The kinds of a (device ...) list the reader passed by (its first
    vbd/tap/tap2, vif, pci and vfb, it read), as collect_devices says them."""
    seen = set()
    for sub in node[1:]:
        if sub.__class__ is list and len(sub) > 1 and sub[0].__class__ is str:
            kind = sub[0]
            if kind not in seen:
                seen.add(kind)
                yield kind


def settings_dropped(root, top: dict, kind_node, img: dict, others,
                     domain) -> List[Tuple[str, str]]:
    """The check, from what the reader has at hand: the record ``root``,
    its key map ``top`` (member_values), its image list ``kind_node`` and
    that list's key map ``img``, ``others`` the device kinds it did not
    read (a second pci or vfb among them), ``domain`` what it read."""
    found: List[Tuple[str, str]] = []
    hits = _TOP_DROPPED.keys() & top.keys()
    if hits:
        for key in sorted(hits, key=_TOP_RANK.__getitem__):
            _said_key(root, "domain", key, top[key], _TOP_DROPPED[key], found)
    if kind_node is not None:
        _image(kind_node, img, domain, found)
    if others:
        _devices(others, found)
    return found


def _not_read(fate: Dropped, key: str, node) -> str:
    return (f"{fate.what} ({key} {_value_text(node)}) is not carried into the domain XML: "
            f"{_NOT_READ}")


def _said_key(node, path: str, key: str, value: Optional[str], fate: Dropped,
              found: List[Tuple[str, str]]) -> None:
    """Say ``key`` of ``node`` if it holds something; ``value`` is its
    first atom (None for a list)."""
    if value is not None and value in fate.unset:
        return
    member = find_key(node, f"{node[0]}/{key}")
    if member is not None and _holds(member, fate):
        found.append((f"{path}/{key}", _not_read(fate, key, member)))


def _devices(others, found: List[Tuple[str, str]]) -> None:
    counts: Dict[str, int] = {}
    for kind in others:
        if kind.__class__ is str and kind in _COUNTED:
            counts[kind] = counts.get(kind, 0) + 1
    for kind, count in counts.items():
        if kind in FIRST_ONLY_DEVICES:
            count += 1      # and the first, which was read
        found.append(_device_said(kind, count))


def _device_said(kind: str, count: int) -> Tuple[str, str]:
    fate = DEVICE_KINDS[kind]
    path = f"domain/device/{kind}"
    if not isinstance(fate, Dropped):
        what = FIRST_ONLY_DEVICES[kind]
        later = count - 1
        return (path, f"only the first {what} (device ({kind} ...)) is carried into the "
                      f"domain XML: libvirt 1.2.10 read no other, so the {later} after it "
                      f"{'is' if later == 1 else 'are'} dropped")
    what = f"a {fate.what} ({kind}) is" if count == 1 else f"{count} {fate.what}s ({kind}) are"
    return (path, f"{what} not carried into the domain XML: {_NOT_READ}")


def _image(kind_node, keys: dict, domain, found: List[Tuple[str, str]]) -> None:
    path = f"domain/image/{kind_node[0]}"
    hits = _IMAGE_DROPPED_KEYS.intersection(keys)
    if hits:
        for key in sorted(hits, key=_IMAGE_RANK.__getitem__):
            fate = IMAGE_KEYS[key]
            if key == "usbdevice":
                # libvirt read every (usbdevice ...), not only the first
                for member in kind_node:
                    if member.__class__ is list and member and member[0] == key \
                            and _holds(member, fate):
                        found.append((f"{path}/{key}", _not_read(fate, key, member)))
            else:
                _said_key(kind_node, path, key, keys[key], fate, found)
    # libvirt read at most one display from a record.
    shown = domain.graphics[0].type if domain.graphics else None
    for key in DISPLAY_NAMES:
        value = keys.get(key)
        if value is not None and key != shown and value[:1] == "1":
            found.append((f"{path}/{key}", _display_dropped(value, key, shown)))


def _display_dropped(value: str, key: str, shown: Optional[str]) -> str:
    """Why an image's (vnc 1) or (sdl 1) is not carried: libvirt read one
    display, a vfb device before the image's, VNC before SDL."""
    read = DISPLAY_NAMES.get(shown, shown) if shown else "no display"
    return (f"the {DISPLAY_NAMES[key]} display ({key} {value}) is not carried into the domain "
            f"XML: libvirt 1.2.10 read one display, here {read}")
