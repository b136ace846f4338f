"""The guest's clock: ``localtime``, an HVM guest's ``rtc_timeoffset`` (xend
3.1 and later) and the HPET timer (XM.md 4.1 steps 9-10, 4.3, 5.1, 5.2)."""
from __future__ import annotations

from ..errors import DomainXMLError
from ..model.domain import Domain, Timer
from ..model.scalars import c_int
from ..versions import clock_in_image
from .values import XmIn, get_bool, get_ulong

LOCALTIME_KEY = "localtime"
RTC_OFFSET_KEY = "rtc_timeoffset"
HPET_KEY = "hpet"
# The offsets the localtime flag can say, by its value.
_FLAG_OFFSETS = ("utc", "localtime")
_CLOCK_PATH = "/domain/clock"


def read_hpet(dom: Domain, x: XmIn) -> None:
    if x.hvm:
        present = get_bool(x, HPET_KEY, None)
        if present is not None:
            dom.clock.timers.append(Timer("hpet", 1 if present else 0))


def read_clock(dom: Domain, x: XmIn) -> None:
    clock = dom.clock
    basis = _FLAG_OFFSETS[get_bool(x, LOCALTIME_KEY, False)]
    if x.hvm and clock_in_image(x.version):
        # An HVM guest's clock runs at an offset from its basis (a C int).
        clock.offset = "variable"
        clock.adjustment = c_int(get_ulong(x, RTC_OFFSET_KEY, 0))
        clock.basis = basis
    else:
        clock.offset = basis
        clock.reset = True


def write_hpet(d: Domain, out: dict) -> None:
    if d.os.type != "hvm":
        return
    for timer in d.clock.timers:
        # A second hpet timer overwrites the first's value in its place.
        if timer.name == HPET_KEY and timer.present != -1:
            out[HPET_KEY] = timer.present


def write_clock(d: Domain, version: int, out: dict) -> None:
    clock = d.clock
    offset = clock.offset
    if d.os.type == "hvm" and clock_in_image(version):
        if offset == "variable":
            out[RTC_OFFSET_KEY] = c_int(clock.adjustment)
            out[LOCALTIME_KEY] = int(clock.basis == "localtime")
            return
        if offset in _FLAG_OFFSETS:
            if clock.reset:
                raise DomainXMLError("unsupported clock adjustment='reset'", _CLOCK_PATH)
            out[RTC_OFFSET_KEY] = 0
            out[LOCALTIME_KEY] = _FLAG_OFFSETS.index(offset)
            return
    elif offset in _FLAG_OFFSETS:
        # A reset adjustment means nothing here.
        out[LOCALTIME_KEY] = _FLAG_OFFSETS.index(offset)
        return
    raise DomainXMLError(f"unsupported clock offset='{offset}'", _CLOCK_PATH)
