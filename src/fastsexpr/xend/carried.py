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

from typing import Dict, Iterator, List, NamedTuple, Optional, Tuple, Union

from ..errors import ConversionError, FastSexprWarning

__all__ = ["CARRIED", "RUNTIME", "Dropped", "TOP_KEYS", "IMAGE_KEYS", "DEVICE_KINDS",
           "FIRST_ONLY_DEVICES", "not_carried", "show_value", "say_or_refuse"]

CARRIED = "carried"     # read into the domain XML (or read by libvirt and refused)
RUNTIME = "runtime"     # state of a running domain, not part of its definition

_NOT_READ = "libvirt 1.2.10 did not read it"


class Dropped(NamedTuple):
    """A setting libvirt 1.2.10 did not carry: ``what`` it is, and the
    values (atoms) that mean it holds nothing; '' always does."""
    what: str
    unset: frozenset = frozenset()


def _dropped(what: str, *unset: str) -> Dropped:
    return Dropped(what, frozenset(unset + ("",)))


Fate = Union[str, Dropped]

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
    "cpu_weight": _dropped("the credit scheduler weight", "256", "1.0", "1"),
    "cpu_cap": _dropped("the credit scheduler cap", "0"),
    "cpus": _dropped("the physical CPUs the vCPUs may run on (CPU pinning)"),
    "cpu": _dropped("the physical CPU of vCPU 0", "-1"),
    "pool_name": _dropped("the CPU pool", "Pool-0"),
    "features": _dropped("the paravirtualised guest's kernel features"),
    "security_label": _dropped("the security label"),
    "ssidref": _dropped("the ACM security reference", "0"),
    "on_xend_start": _dropped("what xend does with the domain when xend starts "
                              "(libvirt kept autostart outside the XML: virsh autostart)",
                              "ignore"),
    "on_xend_stop": _dropped("what xend does with the domain when xend stops (with "
                             "libvirt, libvirt-guests does it for every domain)", "ignore"),
    "cpuid": _dropped("the CPUID masks"),
    "cpuid_check": _dropped("the CPUID checks"),
}

# The keys of the record's (image (hvm ...)) or (image (linux ...)) that
# hold configuration libvirt 1.2.10 did not read, with xend's defaults.
# (Keys it read, and the ELF notes xend adds, are not listed.)
IMAGE_KEYS: Dict[str, Fate] = {
    "stdvga": _dropped("the standard VGA card", "0"),
    "videoram": _dropped("the video memory size", "4"),
    "nographic": _dropped("no-graphics mode", "0"),
    "monitor": _dropped("the device model's monitor", "0"),
    "monitor_path": _dropped("the device model's monitor path"),
    "isa": _dropped("the ISA-only machine", "0"),
    "guest_os_type": _dropped("the guest OS type", "default"),
    "gfx_passthru": _dropped("graphics passthrough", "0"),
    "timer_mode": _dropped("the timer mode", "1"),
    "tsc_mode": _dropped("the TSC mode", "0"),
    "vpt_align": _dropped("the virtual platform timer alignment", "1"),
    "vhpt": _dropped("the VHPT size", "0"),
    "nestedhvm": _dropped("nested HVM", "0"),
    "nomigrate": _dropped("the no-migrate flag", "0"),
    "xen_platform_pci": _dropped("the Xen platform PCI device setting", "1"),
    "xen_extended_power_mgmt": _dropped("extended power management", "0"),
    "pci_msitranslate": _dropped("PCI MSI translation", "1"),
    "pci_power_mgmt": _dropped("PCI power management", "0"),
    "memory_sharing": _dropped("memory sharing", "0"),
    "superpages": _dropped("superpages", "0"),
    "cpuid": _dropped("the CPUID masks"),
    "cpuid_check": _dropped("the CPUID checks"),
    # libvirt read (usbdevice tablet|mouse|keyboard) and nothing else
    "usbdevice": _dropped("a USB device other than a tablet, mouse or keyboard",
                          "tablet", "mouse", "keyboard"),
}

# Device kinds: (device (KIND ...)).
DEVICE_KINDS: Dict[str, Fate] = {
    **dict.fromkeys(("vbd", "tap", "tap2", "vif", "pci", "vfb"), CARRIED),
    # the keyboard that goes with a vfb: libvirt adds it back with the display
    "vkbd": CARRIED,
    # xend's console channel: libvirt makes the paravirtualised console itself
    "console": RUNTIME,
    "vtpm": _dropped("virtual TPM"),
    "vscsi": _dropped("paravirtualised SCSI device"),
    "vusb": _dropped("paravirtualised USB host controller"),
    "vif2": _dropped("netchannel2 network interface"),
    "ioports": _dropped("I/O port range passed through"),
    "irq": _dropped("physical IRQ passed through"),
}
# libvirt read the first (device (KIND ...)) of these and no other.
FIRST_ONLY_DEVICES = {"pci": "PCI passthrough block", "vfb": "display"}

# The displays of the image, by the type libvirt would have read them as.
_DISPLAY_KEYS = {"vnc": "VNC", "sdl": "SDL"}
_SHOWN = 60     # characters of a value a warning shows


def show_value(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN - 3] + "..."


def say_or_refuse(dropped: List[Tuple[str, str]], strict: bool, *,
                  record: Optional[int] = None,
                  lineno: Optional[int] = None) -> List[FastSexprWarning]:
    """A warning for each (path, what) a conversion drops (of any format);
    with ``strict``, the first is a :class:`~fastsexpr.ConversionError`
    naming the path instead."""
    if dropped and strict:
        path, what = dropped[0]
        raise ConversionError(f"{what} (strict mode refuses a setting it cannot carry)", path)
    return [FastSexprWarning(f"{path}: {what}", lineno=lineno, record=record)
            for path, what in dropped]


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
    unset = fate.unset
    return any(a not in unset for a in _atoms(node))


def _value_text(node) -> str:
    from ..syntax import dumps     # the canonical text of a sub-tree
    return show_value(" ".join(dumps(v) if type(v) is list else v for v in node[1:]))


def not_carried(root, domain) -> List[Tuple[str, str]]:
    """(SEXPR path, what is not carried) for each setting of the record
    ``root`` (a tree) that its conversion, ``domain``, drops, in the order of
    the record (device kinds after the keys)."""
    found: List[Tuple[str, str]] = []
    devices: Dict[str, int] = {}
    image_seen = False
    for node in root[1:]:
        if type(node) is not list or not node or type(node[0]) is not str:
            continue
        key = node[0]
        fate = TOP_KEYS.get(key)
        if fate is None or fate is RUNTIME:
            continue
        if fate is CARRIED:
            if key == "device":
                _count_devices(node, devices)
            elif key == "image" and not image_seen:
                image_seen = True
                _image(node, domain, found)
            continue
        if _holds(node, fate):
            found.append((f"domain/{key}",
                          f"{fate.what} ({key} {_value_text(node)}) is not carried into the "
                          f"domain XML: {_NOT_READ}"))
    for kind, count in devices.items():
        if count > 1 or kind not in FIRST_ONLY_DEVICES:
            found.append(_device_said(kind, count))
    return found


def _count_devices(node, devices: Dict[str, int]) -> None:
    for sub in node[1:]:
        if type(sub) is list and sub and type(sub[0]) is str:
            kind = sub[0]
            fate = DEVICE_KINDS.get(kind)
            if isinstance(fate, Dropped) or (kind in FIRST_ONLY_DEVICES and len(sub) > 1):
                devices[kind] = devices.get(kind, 0) + 1


def _device_said(kind: str, count: int) -> Tuple[str, str]:
    fate = DEVICE_KINDS[kind]
    path = f"domain/device/{kind}"
    if not isinstance(fate, Dropped):
        what = FIRST_ONLY_DEVICES[kind]
        later = count - 1
        return (path, f"only the first {what} (device ({kind} ...)) is carried into the "
                      f"domain XML: libvirt 1.2.10 read no other, so the {later} after it "
                      f"{'is' if later == 1 else 'are'} dropped")
    what = f"a {fate.what}" if count == 1 else f"{count} {fate.what}s"
    return (path, f"{what} ({kind}) not carried into the domain XML: {_NOT_READ}")


def _image(node, domain, found: List[Tuple[str, str]]) -> None:
    kind_node = next((m for m in node[1:] if type(m) is list and m
                      and m[0] in ("hvm", "linux")), None)
    if kind_node is None:
        return
    kind = kind_node[0]
    shown = {g.type for g in domain.graphics}
    for member in kind_node[1:]:
        if type(member) is not list or not member or type(member[0]) is not str:
            continue
        key = member[0]
        fate = IMAGE_KEYS.get(key)
        if isinstance(fate, Dropped):
            if _holds(member, fate):
                found.append((f"domain/image/{kind}/{key}",
                              f"{fate.what} ({key} {_value_text(member)}) is not carried "
                              f"into the domain XML: {_NOT_READ}"))
        elif key in _DISPLAY_KEYS and key not in shown:
            display = _display_dropped(member, key, shown)
            if display is not None:
                found.append((f"domain/image/{kind}/{key}", display))


def _display_dropped(member, key: str, shown) -> Optional[str]:
    """An (vnc 1) or (sdl 1) of the image that is not among the displays
    read: libvirt read one display, VNC first, a vfb device before both."""
    value = member[1] if len(member) > 1 and type(member[1]) is str else ""
    if not value.startswith("1"):
        return None
    read = " and ".join(sorted(_DISPLAY_KEYS.get(t, t) for t in shown)) or "no display"
    return (f"the {_DISPLAY_KEYS[key]} display ({key} {value}) is not carried into the domain "
            f"XML: libvirt 1.2.10 read one display, here {read}")
