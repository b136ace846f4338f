"""USB input devices of an HVM image: (usbdevice mouse|tablet|keyboard).

SEXPR2XML.md 1.12 item 3 and XML2SEXPR.md section 5.2 (rows 10-11).
"""
from __future__ import annotations

from ..model.domain import Domain, Input

# The (usbdevice X) words that are inputs; libvirt ignored any other.
USB_INPUTS = ("mouse", "tablet", "keyboard")
# The image key they are under.
USB_DEVICE_KEY = "usbdevice"


def read_usb_inputs(dom: Domain, hvm_node, img: dict) -> None:
    if USB_DEVICE_KEY not in img:
        return
    # Every (usbdevice X), not only the first.
    for member in hvm_node[1:]:
        if type(member) is list and len(member) > 1 and member[0] == USB_DEVICE_KEY:
            kind = member[1]
            if kind in USB_INPUTS:
                dom.inputs.append(Input(kind, "usb"))


def write_usb_inputs(w, d: Domain) -> None:
    # An HVM image always says it has USB.
    w.raw("(usb 1)")
    for inp in d.inputs:
        if inp.bus == "usb":
            w.pair_unquoted("usbdevice", inp.type)
