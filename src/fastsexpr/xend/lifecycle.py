"""What xend does when the guest powers off, reboots or crashes.

SEXPR2XML.md 1.4 and XML2SEXPR.md section 3.
"""
from __future__ import annotations

from ..errors import ConversionError
from ..model.domain import Domain
from ..model.vocab import CRASH_ACTIONS, LIFECYCLE_ACTIONS

# Each xend key is also the model's field, with the words it accepts; in the
# order libvirt wrote them.  An absent key keeps the model's default.  The
# reader and the writer spell the rows out (a getattr/setattr loop costs
# more than the work, on every document); tests/xend/test_topics.py holds it to this table.
LIFECYCLE_KEYS = (
    ("on_poweroff", LIFECYCLE_ACTIONS),
    ("on_reboot", LIFECYCLE_ACTIONS),
    ("on_crash", CRASH_ACTIONS),
)


def read_lifecycle(dom: Domain, top: dict) -> None:
    # The table's rows spelled out, as in the writer.
    get = top.get
    word = get("on_poweroff")
    if word is not None:
        if word not in LIFECYCLE_ACTIONS:
            raise _unknown(word, "on_poweroff")
        dom.on_poweroff = word
    word = get("on_reboot")
    if word is not None:
        if word not in LIFECYCLE_ACTIONS:
            raise _unknown(word, "on_reboot")
        dom.on_reboot = word
    word = get("on_crash")
    if word is not None:
        if word not in CRASH_ACTIONS:
            raise _unknown(word, "on_crash")
        dom.on_crash = word


def _unknown(word: str, key: str) -> ConversionError:
    return ConversionError(f"unknown lifecycle type {word}", "domain/" + key)


def write_lifecycle(w, d: Domain) -> None:
    # Checked words, written as they are, in one call.
    w.raw(f"(on_poweroff '{d.on_poweroff}')(on_reboot '{d.on_reboot}')"
          f"(on_crash '{d.on_crash}')")
