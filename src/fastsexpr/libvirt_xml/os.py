"""How the guest boots: <bootloader>, <os> (type, loader, kernel, boot
devices) and <features>."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Tuple

from ..errors import DomainXMLError
from ..model.domain import OS, Domain
from ..model.vocab import FEATURES
from ..syntax import XmlTemplate
from .elements import child_string, string

__all__ = ["read_os", "read_features", "write_os", "device_boot_conflict",
           "check_device_boot", "has_boot_child"]

# Architecture names libvirt knows; a known name the host has no guests for
# fails for want of guest options (model/host.py says which it has).
_ARCHES = ("i686", "x86_64", "armv7l", "aarch64", "alpha", "cris", "lm32",
           "m68k", "microblaze", "microblazeel", "mips", "mipsel", "mips64",
           "mips64el", "openrisc", "parisc", "parisc64", "ppc", "ppcle",
           "ppc64", "ppc64le", "ppcemb", "s390", "s390x", "sh4", "sh4eb",
           "sparc", "sparc64", "unicore32", "xtensa", "xtensaeb")
_OS_TYPES = ("hvm", "xen")
# The boot device words libvirt accepts in <os><boot dev=...>.
_BOOT_WORDS = ("fd", "cdrom", "hd", "network")
_MAX_BOOT = 4
# The <os> children kept as text, each under the OS field of its name.
_OS_TEXTS = frozenset(("loader", "kernel", "initrd", "cmdline", "root"))
# The devices whose own <boot> child libvirt counts.
_BOOT_DEVICES = ("disk", "interface", "hostdev", "redirdev")


def read_os(dom: Domain, top, guest_arches: Tuple[str, ...]) -> None:
    """The bootloader and <os>; ``top`` holds the root's first children,
    ``guest_arches`` the architectures the host runs."""
    # The model's fields start as None, which an absent element also means.
    if "bootloader" in top:
        dom.bootloader = child_string(top, "bootloader")
    if "bootloader_args" in top:
        dom.bootloader_args = child_string(top, "bootloader_args")
    os_el = top.get("os")
    # One walk gives the first child of each name (first_children) and the
    # <boot>s, which lxml's iterchildren("boot") would cost a tag matcher.
    first: dict = {}
    boots = []
    if os_el is not None:
        keep_first = first.setdefault
        for child in os_el[:]:
            tag = child.tag
            keep_first(tag, child)
            if tag == "boot":
                boots.append(child)
    type_el = first.get("type")
    os_type = string(type_el)
    if os_type is None:
        if dom.bootloader is None:
            raise DomainXMLError("no OS type", "/domain/os/type")
        os_type = "xen"
    if os_type == "linux":
        os_type = "xen"
    if os_type not in _OS_TYPES:
        raise DomainXMLError(f"unknown OS type {os_type}", "/domain/os/type")
    arch = type_el.get("arch") if type_el is not None else None
    if arch:
        if arch not in _ARCHES:
            raise DomainXMLError(f"Unknown architecture {arch}", "/domain/os/type")
        if arch not in guest_arches:
            raise DomainXMLError(f"No guest options available for arch '{arch}'",
                                 "/domain/os/type")
    # The fresh Domain's OS is filled in rather than replaced: a dataclass
    # costs more to build than its fields cost to set.
    osd = dom.os
    osd.type = os_type
    # Over the children there are (type, a loader or kernel, boot) rather
    # than over every name that could be there.
    for name, el in first.items():
        if name in _OS_TEXTS:
            setattr(osd, name, string(el))
    if os_type == "hvm" and boots:
        _read_boot(osd, boots, top.get("devices"))


def _read_boot(osd: OS, boots, devices) -> None:
    boot = osd.boot
    for el in boots:
        if len(boot) == _MAX_BOOT:
            break
        dev = el.get("dev")
        if dev is None:
            check_device_boot(devices)
            raise DomainXMLError("missing boot device", "/domain/os/boot")
        if dev not in _BOOT_WORDS:
            check_device_boot(devices)
            raise DomainXMLError(f"unknown boot device '{dev}'", "/domain/os/boot")
        boot.append(dev)


# libvirt looked for devices with a <boot> of their own beside <os><boot>
# while reading <os>, so that conflict is reported before anything read
# after it fails: before a bad boot device, feature, clock or device.  The
# device readers say whether a device has its own <boot> anyway, so the
# conflict is found there (see read_xml); only an error raised on the way
# needs the devices looked at first, which check_device_boot does.

def device_boot_conflict() -> DomainXMLError:
    return DomainXMLError("per-device boot elements cannot be used together "
                          "with os/boot elements", "/domain/os/boot")


def check_device_boot(devices) -> None:
    """Raise the conflict if one of ``devices`` (the <devices> element, or
    None) has its own <boot>; called on an error path only."""
    if devices is not None and _has_device_boot(devices):
        raise device_boot_conflict()


def has_boot_child(el) -> bool:
    """Whether the device element ``el`` has its own <boot>."""
    return next(el.iterchildren("boot"), None) is not None


def _has_device_boot(devices) -> bool:
    # Only error paths get here, so a plain walk (no XPath, no per-thread
    # compiled expression) is fast enough.
    return any(has_boot_child(el) for el in devices.iterchildren(*_BOOT_DEVICES))


def read_features(dom: Domain, features) -> None:
    flags = dom.features
    for child in features[:]:
        ftag = child.tag
        if ftag.__class__ is not str:
            continue
        if ftag not in FEATURES:
            raise DomainXMLError(f"unexpected feature '{ftag}'", f"/domain/features/{ftag}")
        if ftag not in flags:
            flags.append(ftag)


def write_os(w, d: Domain) -> None:
    """The bootloader, <os> and <features>; a bootloader picks the boot
    device itself."""
    if d.bootloader is not None:
        w.line(_BOOTLOADER, d.bootloader, d.bootloader_args)
    os_ = d.os
    # arch and machine: what the capabilities named (the xm reader's guests).
    w.start_line(_OS, os_.arch, os_.machine, os_.type, os_.loader, os_.kernel, os_.initrd,
                 os_.cmdline, os_.root)
    if d.bootloader is None and os_.boot:
        for dev in os_.boot:
            w.line(_BOOT[dev])
    w.end_line(_OS_END)
    if d.features:
        w.start_line(_FEATURES)
        for name in d.features:
            w.line(_FEATURE, name)
        w.end_line(_FEATURES_END)


_BOOTLOADER = XmlTemplate("<bootloader>{}</bootloader>\n<bootloader_args>{}</bootloader_args>")
_OS = XmlTemplate("<os>\n"
                  "  <type arch='{}' machine='{}'>{}</type>\n"
                  "  <loader type='rom'>{}</loader>\n"
                  "  <kernel>{}</kernel>\n"
                  "  <initrd>{}</initrd>\n"
                  "  <cmdline>{}</cmdline>\n"
                  "  <root>{}</root>")
_BOOT = {dev: XmlTemplate(f"<boot dev='{dev}'/>") for dev in _BOOT_WORDS}
_OS_END = XmlTemplate("</os>")
_FEATURES = XmlTemplate("<features>")
_FEATURE = XmlTemplate("<{raw}/>")
_FEATURES_END = XmlTemplate("</features>")
