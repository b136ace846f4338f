"""The guest's clock: localtime, the V4 rtc_timeoffset and the HPET timer.

SEXPR2XML.md 1.6 and XML2SEXPR.md section 6.
"""
from __future__ import annotations

from ..errors import ConversionError, DomainXMLError
from ..model.domain import Domain, Timer
from ..model.scalars import c_int, parse_int_base0
from ..syntax import lookup, to_int
from ..versions import clock_in_image
from .os import open_image

# The offsets xend's localtime flag can say: 0 and 1.
_FLAG_OFFSETS = ("utc", "localtime")


def read_clock(dom: Domain, top: dict, image_node, img: dict, hvm: bool, version: int) -> None:
    """``image_node`` and ``img``: the image's list and keys (from read_os)."""
    # An absent key reads as 0; to_int("0") says so without to_int(None)'s
    # detour through the pure engine.
    localtime = to_int(top.get("localtime") or "0")
    override = img.get("localtime")
    if override is not None:
        localtime = parse_int_base0(override)
        if localtime is None:
            raise ConversionError(f"unknown localtime offset {override}",
                                  f"domain/image/{dom.os.type}/localtime")
    basis = "localtime" if localtime else "utc"
    clock = dom.clock
    if hvm and clock_in_image(version):
        clock.offset = "variable"
        clock.adjustment = to_int(img.get("rtc_timeoffset") or "0")
        clock.basis = basis
    else:
        clock.offset = basis
        clock.reset = True
    if hvm and "hpet" in img:
        # A timer needs (hpet VALUE ...); a bare (hpet) is none.
        hpet = img["hpet"]
        if hpet is not None or lookup(image_node, "hvm/hpet") is not None:
            clock.timers.append(Timer("hpet", to_int(hpet or "0")))


def write_clock(w, d: Domain, version: int, hvm: bool, image_open: bool) -> int:
    """Write the in-image clock (V4) and return the localtime flag."""
    clock = d.clock
    offset = clock.offset
    in_image = clock_in_image(version)
    # Only an HVM image from V4 on carries an offset of its own.
    with_rtc = hvm and in_image
    if offset == "variable" and with_rtc:
        localtime = 1 if clock.basis == "localtime" else 0
        # The C int libvirt printed the offset through.
        rtc_offset = c_int(clock.adjustment)
    elif offset in _FLAG_OFFSETS:
        if with_rtc and clock.reset:
            raise DomainXMLError("unsupported clock adjustment='reset'", "/domain/clock")
        localtime = 1 if offset == "localtime" else 0
        rtc_offset = 0
    else:
        raise DomainXMLError(f"unsupported clock offset='{offset}'", "/domain/clock")
    if in_image:
        if not image_open:
            open_image(w, hvm)
        if hvm:
            w.pair_int("rtc_timeoffset", rtc_offset)
        w.pair_int("localtime", localtime)
    return localtime


def write_hpet(w, d: Domain) -> None:
    # The first timer that says yes or no; libvirt wrote no other timer.
    for timer in d.clock.timers:
        if timer.name == "hpet" and timer.present != -1:
            w.pair_int("hpet", timer.present)
            return
