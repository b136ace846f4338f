"""<clock> and its <timer>s."""
from __future__ import annotations

from ..errors import DomainXMLError
from ..model.domain import Clock, Timer
from ..model.scalars import parse_llong, parse_xpath_llong
from ..model.vocab import CLOCK_OFFSETS, TIMER_NAMES
from ..syntax import XmlTemplate

__all__ = ["read_clock", "write_clock"]

_PATH = "/domain/clock"
# The offsets an adjustment may reset, or turn into a variable clock based
# on them; also the words of a variable clock's basis.
_BASES = ("utc", "localtime")
# Timer.present -> its <timer present> word, and back; -1 has no word.
_PRESENT_WORDS = {1: "yes", 0: "no"}
_PRESENT_VALUES = {word: value for value, word in _PRESENT_WORDS.items()}
# Timer attributes libvirt checks, in its order, with their words.
_TIMER_WORDS = (
    ("tickpolicy", ("delay", "catchup", "merge", "discard")),
    ("track", ("boot", "guest", "wall")),
    ("mode", ("auto", "native", "emulate", "paravirt", "smpsafe")),
)


def read_clock(clock: Clock, el) -> None:
    """Fill the Domain's ``clock`` (still at its defaults) from <clock> ``el``."""
    # libvirt reads these attributes as XPath strings: empty means absent.
    offset = el.get("offset") or None
    if offset is not None:
        if offset not in CLOCK_OFFSETS:
            raise DomainXMLError(f"unknown clock offset '{offset}'", _PATH)
        clock.offset = offset
        if offset in _BASES:
            adjustment = el.get("adjustment")
            if adjustment:
                _read_adjustment(clock, adjustment, offset)
        elif offset == "variable":
            # Read as an XPath number: what is not a whole number is 0.
            adjustment = el.get("adjustment")
            if adjustment is not None:
                clock.adjustment = parse_xpath_llong(adjustment) or 0
            basis = el.get("basis") or None
            if basis is not None:
                if basis not in _BASES:
                    raise DomainXMLError(f"unknown clock basis '{basis}'", _PATH)
                clock.basis = basis
        else:
            tz = el.get("timezone") or None
            if tz is None:
                raise DomainXMLError(
                    "missing 'timezone' attribute for clock with offset='timezone'", _PATH)
            clock.timezone = tz
    n = 0
    # A walk over the list el[:] rather than iterchildren("timer"), whose
    # tag matcher costs more than the walk (a <clock> mostly has no child).
    for timer in el[:]:
        if timer.tag == "timer":
            n += 1
            clock.timers.append(_read_timer(timer, f"{_PATH}/timer[{n}]"))


def _read_adjustment(clock: Clock, adjustment: str, offset: str) -> None:
    if adjustment == "reset":
        clock.reset = True
    else:
        seconds = parse_llong(adjustment)
        if seconds is None:
            raise DomainXMLError(f"unknown clock adjustment '{adjustment}'", _PATH)
        # A numeric adjustment turns the clock into a variable one.
        clock.offset = "variable"
        clock.basis = offset
        clock.adjustment = seconds


def _read_timer(timer, path: str) -> Timer:
    name = timer.get("name")
    if name is None:
        raise DomainXMLError("missing timer name", path)
    if name not in TIMER_NAMES:
        raise DomainXMLError(f"unknown timer name '{name}'", path)
    word = timer.get("present")
    if word is None:
        present = -1
    else:
        present = _PRESENT_VALUES.get(word)
        if present is None:
            raise DomainXMLError(f"unknown timer present value '{word}'", path)
    # Most timers carry a name and at most a present flag.
    if len(timer.attrib) > 1 + (word is not None):
        for attr, words in _TIMER_WORDS:
            value = timer.get(attr)
            if value is not None and value not in words:
                raise DomainXMLError(f"unknown timer {attr} '{value}'", path)
    return Timer(name, present)


def write_clock(w, clock: Clock) -> None:
    offset = clock.offset
    timers = clock.timers
    if offset == "variable":
        form, values = "variable", (clock.adjustment, clock.basis)
    elif clock.reset and offset in _BASES:
        form, values = "reset", (offset,)
    elif offset == "timezone":
        form, values = "timezone", (clock.timezone or "",)
    else:
        form, values = "offset", (offset,)
    if not timers:
        w.line(_CLOCK[form], *values)
        return
    w.start_line(_CLOCK_START[form], *values)
    for timer in timers:
        w.line(_TIMER, timer.name, _PRESENT_WORDS.get(timer.present))
    w.end_line(_CLOCK_END)


# The <clock> of each form, without its ending.
_CLOCK_FORMS = {
    "variable": "<clock offset='variable' adjustment='{}' basis='{}'",
    "reset": "<clock offset='{}' adjustment='reset'",
    "timezone": "<clock offset='timezone' timezone='{}'",
    "offset": "<clock offset='{}'",
}
_CLOCK = {form: XmlTemplate(text + "/>") for form, text in _CLOCK_FORMS.items()}
_CLOCK_START = {form: XmlTemplate(text + ">") for form, text in _CLOCK_FORMS.items()}
_TIMER = XmlTemplate("<timer name='{}' present='{}'/>")
_CLOCK_END = XmlTemplate("</clock>")
