"""The guest's kind and how it boots: ``builder``, the HVM loader and boot
order, a paravirt guest's kernel or bootloader, HVM features and the device
model (XM.md 4.1 steps 3-5 and 9, 4.2, 5.1).
"""
from __future__ import annotations

from ..model.domain import Domain
from ..versions import hvm_hap_viridian_written
from ..xend.os import BOOT_LETTERS
from .values import XmIn, get_bool, get_string, nonfatal, string_optional, string_required

BUILDER_KEY = "builder"
HVM_BUILDER = "hvm"
EMULATOR_KEY = "device_model"
LOADER_KEY = "kernel"
BOOT_KEY = "boot"
# The guest libvirt's capabilities named for each guest kind: its test
# host's (XM.md 1), an i686 one.
_ARCH = "i686"
_MACHINES = {True: "xenfv", False: "xenpv"}
# libvirt keeps at most four boot devices.
_BOOT_MAX = 4
_BOOT_DEVICES = {letter: dev for dev, letter in BOOT_LETTERS.items()}
_BOOT_DEFAULT = "c"

# A paravirt guest's string keys: the model's field for each, in the order
# libvirt read and wrote them (the kernel command line is ``extra``).
PV_KEYS = (("bootloader", "bootloader"), ("bootloader_args", "bootargs"),
           ("kernel", "kernel"), ("initrd", "ramdisk"))
_PV_DOMAIN_FIELDS = frozenset(("bootloader", "bootloader_args"))
CMDLINE_KEY = "extra"
ROOT_KEY = "root"

# HVM features: the xm key of each, in the order libvirt read and wrote
# them (pae first), and the order the model keeps them in (libvirt's).
FEATURE_KEYS = ("pae", "acpi", "apic", "hap", "viridian")
_MODEL_ORDER = ("acpi", "apic", "pae", "hap", "viridian")
# Features written only from xend 3.0.4 on.
_LATE_FEATURES = ("hap", "viridian")


def read_os(dom: Domain, x: XmIn) -> None:
    """Steps 3-5: the guest's kind, its emulator, and how it boots."""
    builder = x.get(BUILDER_KEY)
    if builder.__class__ is str:
        hvm = builder == HVM_BUILDER
    else:
        hvm = False
        if builder is not None:
            # libvirt reported this, then took the guest as paravirt.
            nonfatal(x, f"internal error: config value {BUILDER_KEY} was malformed")
    x.hvm = hvm
    os_ = dom.os
    os_.type = "hvm" if hvm else "linux"
    os_.arch = _ARCH
    os_.machine = _MACHINES[hvm]
    dom.emulator = string_optional(x, EMULATOR_KEY)
    if hvm:
        os_.loader = string_required(x, LOADER_KEY)
        letters = get_string(x, BOOT_KEY, _BOOT_DEFAULT)
        if letters:
            # libvirt made one entry per letter, each from the first letter.
            dev = _BOOT_DEVICES.get(letters[0], "hd")
            os_.boot = [dev] * min(len(letters), _BOOT_MAX)
        return
    for field, key in PV_KEYS:
        value = string_optional(x, key)
        setattr(dom if field in _PV_DOMAIN_FIELDS else os_, field, value)
    extra = get_string(x, CMDLINE_KEY, None)
    root = get_string(x, ROOT_KEY, None)
    if root is not None:
        # printf's "%s" of an absent extra is "(null)".
        os_.cmdline = f"root={root} {'(null)' if extra is None else extra}"
    else:
        os_.cmdline = extra


def read_features(dom: Domain, x: XmIn) -> None:
    """Step 9: HVM features, each a boolean key."""
    if not x.hvm:
        return
    on = {key for key in FEATURE_KEYS if get_bool(x, key, False)}
    if on:
        dom.features = [name for name in _MODEL_ORDER if name in on]


def write_os(d: Domain, out: dict) -> None:
    osd = d.os
    if osd.type == "hvm":
        out[BUILDER_KEY] = HVM_BUILDER
        if osd.loader is not None:
            out[LOADER_KEY] = osd.loader
        # <kernel>, <initrd>, <cmdline> and <root> of an HVM guest are lost.
        out[BOOT_KEY] = "".join([BOOT_LETTERS[dev] for dev in osd.boot]) or _BOOT_DEFAULT
        return
    for field, key in PV_KEYS:
        value = getattr(d if field in _PV_DOMAIN_FIELDS else osd, field)
        if value is not None:
            out[key] = value
    if osd.cmdline is not None:
        out[CMDLINE_KEY] = osd.cmdline


def write_features(d: Domain, version: int, out: dict) -> None:
    if d.os.type != "hvm":
        return
    features = d.features
    late = hvm_hap_viridian_written(version)
    for key in FEATURE_KEYS:
        if late or key not in _LATE_FEATURES:
            out[key] = 1 if key in features else 0


def write_emulator(d: Domain, out: dict) -> None:
    if d.emulator is not None:
        out[EMULATOR_KEY] = d.emulator

