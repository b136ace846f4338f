"""What xend does when the guest powers off, reboots or crashes.

SEXPR2XML.md 1.4 and XML2SEXPR.md section 3.
"""
from __future__ import annotations

from ..errors import ConversionError
from ..model.domain import Domain
from ..model.vocab import CRASH_ACTIONS, LIFECYCLE_ACTIONS

# Each xend key is also the model's field, with the words it accepts; in the
# order libvirt wrote them.  An absent key keeps the model's default.  The
# writer spells the rows out (a getattr loop costs more than the writing,
# on every document); tests/xend/test_topics.py holds it to this table.
LIFECYCLE_KEYS = (
    ("on_poweroff", LIFECYCLE_ACTIONS),
    ("on_reboot", LIFECYCLE_ACTIONS),
    ("on_crash", CRASH_ACTIONS),
)


def read_lifecycle(dom: Domain, top: dict) -> None:
    get = top.get
    for key, allowed in LIFECYCLE_KEYS:
        word = get(key)
        if word is not None:
            if word not in allowed:
                raise ConversionError(f"unknown lifecycle type {word}", "domain/" + key)
            setattr(dom, key, word)


def write_lifecycle(w, d: Domain) -> None:
    w.pair_unescaped("on_poweroff", d.on_poweroff)
    w.pair_unescaped("on_reboot", d.on_reboot)
    w.pair_unescaped("on_crash", d.on_crash)
