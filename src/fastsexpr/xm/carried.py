"""The keys of an xm config that libvirt 1.2.10's xm reader ignored but
that hold configuration, in one table, checked in one pass over the
config's keys; and the displays it read as another (XM.md 4.1, 4.6).

Every key the reader did not consult (XM.md 4.1) is lost; most of them are
said here when they hold something other than xm's own default (xm
create's defaults, Xen 3.x and 4.x), since a default loses nothing.  Keys
that only steer the ``xm create`` command (``vncviewer``, ``vncconsole``)
and keys no xm release knew say nothing; keys only xl knows are refused
before this by the command (:func:`fastsexpr.cli.plan.xl_only_key`).
HVM-only keys say nothing for a paravirtualised guest: xend ignored them
there too.
"""
from __future__ import annotations

from typing import Dict, List, Tuple

from ..model.domain import Domain
from ..versions import xm_pv_graphics_keys_read
from ..xend.carried import (
    DISPLAY_NAMES, IMAGE_KEYS, Dropped, dropped, show_value, xend_settings,
)

__all__ = ["KEYS", "HVM_ONLY_KEYS", "not_carried"]

_NOT_READ = "libvirt 1.2.10's xm reader ignored it"


_SPICE = "the SPICE display (an xl setting)"

# Keys of any guest.
KEYS: Dict[str, Dropped] = {
    "vtpm": dropped("a virtual TPM"),
    "vscsi": dropped("a paravirtualised SCSI device"),
    "vusb": dropped("a paravirtualised USB host controller"),
    "vif2": dropped("a netchannel2 network interface"),
    "ioports": dropped("I/O port ranges passed through"),
    "irq": dropped("physical IRQs passed through"),
    "cpu_weight": dropped("the credit scheduler weight", "256"),
    **xend_settings("cpu_cap", "cpu"),
    "pool": dropped("the CPU pool", "Pool-0"),
    "shadow_memory": dropped("the shadow memory size", "0"),
    **{key: IMAGE_KEYS[key] for key in ("memory_sharing", "superpages")},
    **xend_settings("features"),
    "access_control": dropped("the security label"),
    **xend_settings("on_xend_start", "on_xend_stop", "cpuid", "cpuid_check"),
    "machine_address_size": dropped("the machine address size"),
    "suppress_spurious_page_faults": dropped("spurious page fault suppression", "0"),
    "target": dropped("the stub domain's target", "0"),
    "bootentry": dropped("the boot entry of the bootloader"),
    "blkif": dropped("the block backend role", "0"),
    "netif": dropped("the network backend role", "0"),
    **{key: IMAGE_KEYS[key] for key in ("nomigrate", "tsc_mode")},
    # the kernel's network settings, which xm added to its command line
    **{key: dropped(f"the kernel's network setting {key}", *unset) for key, unset in (
        ("ip", ()), ("gateway", ()), ("netmask", ()), ("hostname", ()),
        ("interface", ("eth0",)), ("dhcp", ("off",)), ("nfs_server", ()), ("nfs_root", ()))},
    **{key: dropped(_SPICE, "0") for key in (
        "spice", "spicehost", "spiceport", "spicetls_port", "spicedisable_ticketing",
        "spicepasswd", "spiceagent_mouse", "spicevdagent", "spice_clipboard_sharing",
        "spiceusbredirection")},
}

# Keys of HVM guests only.  Most are the settings xend kept in an HVM
# record's (image (hvm ...)), under the same names: one description each.
HVM_ONLY_KEYS: Dict[str, Dropped] = {
    **{key: IMAGE_KEYS[key] for key in (
        "stdvga", "videoram", "nographic", "monitor", "monitor_path", "isa",
        "guest_os_type", "gfx_passthru", "timer_mode", "vpt_align", "vhpt", "nestedhvm",
        "xen_platform_pci", "xen_extended_power_mgmt", "pci_msitranslate", "pci_power_mgmt")},
    "s3_integrity": dropped("S3 integrity", "1"),
    "oos": dropped("out-of-sync shadow page tables", "1"),
    "fda": dropped("the first floppy disk"),
    "fdb": dropped("the second floppy disk"),
    "usbdevice": IMAGE_KEYS["usbdevice"],
}

_WATCHED = frozenset(KEYS)
_HVM_WATCHED = _WATCHED.union(HVM_ONLY_KEYS)
_RANK = {key: rank for rank, key in enumerate(list(KEYS) + list(HVM_ONLY_KEYS))}


def _atoms(value) -> List[str]:
    if value.__class__ is list:
        return [a for item in value for a in _atoms(item)]
    return [str(value)]


def _text(value) -> str:
    if value.__class__ is list:
        return "[ " + ", ".join(_text(v) for v in value) + " ]"
    return repr(value) if value.__class__ is str else str(value)


def _true(value) -> bool:
    """libvirt's BOOL: an int other than 0, or the string "1"."""
    return value != 0 if value.__class__ is int else value == "1"


def not_carried(first, domain: Domain, version: int) -> List[Tuple[str, str]]:
    """(key, what is not carried) for each setting of the config whose first
    values by key are ``first`` that its conversion, ``domain``, drops, in
    table order, then its displays."""
    hvm = domain.os.type == "hvm"
    found: List[Tuple[str, str]] = []
    # One set operation finds the keys to look at, most configs have none.
    watched = _HVM_WATCHED if hvm else _WATCHED
    hits = None if watched.isdisjoint(first) else watched.intersection(first)
    for key in sorted(hits, key=_RANK.__getitem__) if hits else ():
        value = first[key]
        fate = KEYS.get(key) or HVM_ONLY_KEYS[key]
        if any(a not in fate.unset for a in _atoms(value)):
            found.append((key, f"{fate.what} ({key} = {show_value(_text(value))}) is not "
                               f"carried into the domain XML: {_NOT_READ}"))
    # A display can be lost only where sdl is on or a vfb is given.
    sdl_on = _true(first.get("sdl", 0))
    if sdl_on or "vfb" in first:
        keys_read = hvm or xm_pv_graphics_keys_read(version)
        if keys_read and sdl_on:
            _second_display(first, domain, found)
        if "vfb" in first:
            _vfb(first, domain, hvm, keys_read and _from_keys(first), found)
    return found


def _second_display(first, domain: Domain, found: List[Tuple[str, str]]) -> None:
    """libvirt read one of the vnc and sdl keys, VNC first."""
    if domain.graphics and domain.graphics[0].type == "vnc" and _true(first.get("sdl", 0)):
        found.append(("sdl", "the SDL display (sdl = 1) is not carried into the domain XML: "
                             "libvirt 1.2.10 read one display, here VNC"))


def _vfb(first, domain: Domain, hvm: bool, from_keys: bool,
         found: List[Tuple[str, str]]) -> None:
    items = first.get("vfb")
    if items.__class__ is not list:
        return
    items = [item for item in items if item.__class__ is str]
    if not items:
        return
    # A paravirtualised guest with no display from the keys read the first.
    read = not hvm and first["vfb"][0].__class__ is str and len(domain.graphics) == 1 \
        and not from_keys
    if read:
        _vfb_type(items[0], domain.graphics[0].type, found)
    lost = len(items) - read
    if lost:
        which, why = ("after the first ", _NOT_READ) if read else (
            "", "libvirt 1.2.10's xm reader read the vnc and sdl keys of this guest instead")
        found.append(("vfb", f"{lost} display{'s' if lost > 1 else ''} of vfb {which}not "
                             f"carried into the domain XML: {why}"))


def _from_keys(first) -> bool:
    return any(_true(first.get(key, 0)) for key in DISPLAY_NAMES)


def _vfb_type(text: str, read_as: str, found: List[Tuple[str, str]]) -> None:
    """The display type xm made of a vfb string (``type=X``, else ``vnc=1``
    or ``sdl=1``) against the one libvirt read (``type=sdl`` or VNC)."""
    if "type=vnc" in text or "type=sdl" in text or ("type=" not in text and "sdl=1" not in text):
        return      # the usual strings: read as xm read them
    fields = dict(seg.strip(" \t").partition("=")[::2] for seg in text.split(","))
    if "type" in fields:
        meant = [fields["type"]]
    else:
        meant = [key for key in DISPLAY_NAMES if fields.get(key) == "1"]
    for kind in meant:
        if kind != read_as:
            found.append(("vfb", f"the {DISPLAY_NAMES.get(kind, repr(kind))} display of vfb "
                                 f"({show_value(repr(text))}) is read as "
                                 f"{DISPLAY_NAMES[read_as]}, as libvirt 1.2.10 read every vfb "
                                 "but 'type=sdl'"))
