"""<on_poweroff>, <on_reboot>, <on_crash>: what happens when the guest stops."""
from __future__ import annotations

from ..errors import DomainXMLError
from ..model.domain import Domain
from ..model.vocab import CRASH_ACTIONS, LIFECYCLE_ACTIONS
from .elements import child_string

__all__ = ["read_lifecycle", "write_lifecycle"]

# Element (and Domain field) -> the action when absent, the actions allowed;
# in libvirt's order.
_EVENTS = (
    ("on_poweroff", "destroy", LIFECYCLE_ACTIONS),
    ("on_reboot", "restart", LIFECYCLE_ACTIONS),
    ("on_crash", "destroy", CRASH_ACTIONS),
)


def read_lifecycle(dom: Domain, top) -> None:
    for event, default, allowed in _EVENTS:
        action = child_string(top, event)
        if action is None:
            action = default
        elif action not in allowed:
            raise DomainXMLError(f"unknown lifecycle action '{action}'", f"/domain/{event}")
        setattr(dom, event, action)


def write_lifecycle(w, d: Domain) -> None:
    # The rows of _EVENTS spelled out: a getattr loop costs more than the
    # writing (tests/libvirt_xml/test_xml_topics.py holds it to the table).
    text = w.text
    text("on_poweroff", d.on_poweroff)
    text("on_reboot", d.on_reboot)
    text("on_crash", d.on_crash)
