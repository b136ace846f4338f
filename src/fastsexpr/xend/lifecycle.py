"""What xend does when the guest powers off, reboots or crashes.

SEXPR2XML.md 1.4 and XML2SEXPR.md section 3.
"""
from __future__ import annotations

from ..errors import ConversionError
from ..model.domain import Domain
from ..model.vocab import CRASH_ACTIONS, LIFECYCLE_ACTIONS

# Each xend key is also the model's field, with the words it accepts; in the
# order libvirt wrote them.  An absent key keeps the model's default.
LIFECYCLE_KEYS = (
    ("on_poweroff", LIFECYCLE_ACTIONS),
    ("on_reboot", LIFECYCLE_ACTIONS),
    ("on_crash", CRASH_ACTIONS),
)


def read_lifecycle(dom: Domain, top: dict) -> None:
    for key, allowed in LIFECYCLE_KEYS:
        word = top.get(key)
        if word is not None:
            if word not in allowed:
                raise ConversionError(f"unknown lifecycle type {word}", "domain/" + key)
            setattr(dom, key, word)


def write_lifecycle(w, d: Domain) -> None:
    for key, _ in LIFECYCLE_KEYS:
        w.pair_raw(key, getattr(d, key))
