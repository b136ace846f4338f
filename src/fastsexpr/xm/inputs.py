"""An HVM guest's USB input device: ``usb`` and ``usbdevice`` (XM.md 4.1
step 14, 4.8, 5.1).  The words are xend's."""
from __future__ import annotations

from ..model.domain import Domain, Input
from ..xend.inputs import USB_INPUTS
from .values import XmIn, get_string

USB_KEY = "usb"
USB_DEVICE_KEY = "usbdevice"


def read_usb_input(dom: Domain, x: XmIn) -> None:
    if x.hvm:
        kind = get_string(x, USB_DEVICE_KEY, None)
        if kind in USB_INPUTS:
            dom.inputs.append(Input(kind, "usb"))


def write_usb_input(d: Domain, out: dict) -> None:
    if d.os.type != "hvm":
        return
    for inp in d.inputs:
        if inp.bus == "usb":
            # Only the first: xm names one USB device.
            out[USB_KEY] = 1
            out[USB_DEVICE_KEY] = inp.type
            return
