"""Tables the xend SEXPR reader and writer share: one per mapping."""
from __future__ import annotations

# Features xend carries as (name 1) in an HVM image, in output order.
HVM_FEATURES = ("acpi", "apic", "pae", "hap", "viridian")

# libvirt boot device <-> xend (boot LETTERS) letter.
BOOT_LETTERS = {"fd": "a", "hd": "c", "cdrom": "d", "network": "n"}
BOOT_DEVICES = {letter: dev for dev, letter in BOOT_LETTERS.items()}

# (usbdevice X) in an HVM image <-> <input type='X' bus='usb'/>.
USB_INPUTS = ("mouse", "tablet", "keyboard")
