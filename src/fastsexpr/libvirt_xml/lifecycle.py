"""<on_poweroff>, <on_reboot>, <on_crash>: what happens when the guest stops."""
from __future__ import annotations

from ..errors import DomainXMLError
from ..model.domain import Domain
from ..model.vocab import CRASH_ACTIONS, LIFECYCLE_ACTIONS
from ..syntax import XmlTemplate
from .elements import string

__all__ = ["read_lifecycle", "write_lifecycle"]

# Element (and Domain field) -> the action when absent, the actions allowed;
# in libvirt's order.
_EVENTS = (
    ("on_poweroff", "destroy", LIFECYCLE_ACTIONS),
    ("on_reboot", "restart", LIFECYCLE_ACTIONS),
    ("on_crash", "destroy", CRASH_ACTIONS),
)


def read_lifecycle(dom: Domain, top) -> None:
    # The rows of _EVENTS spelled out, without setattr; an absent element
    # keeps the model's default, which is libvirt's (the table's middle
    # column; tests/libvirt_xml/test_xml_topics.py holds both to it).
    get = top.get
    el = get("on_poweroff")
    if el is not None:
        dom.on_poweroff = _action(el, "on_poweroff", LIFECYCLE_ACTIONS, "destroy")
    el = get("on_reboot")
    if el is not None:
        dom.on_reboot = _action(el, "on_reboot", LIFECYCLE_ACTIONS, "restart")
    el = get("on_crash")
    if el is not None:
        dom.on_crash = _action(el, "on_crash", CRASH_ACTIONS, "destroy")


def _action(el, event: str, allowed, default: str) -> str:
    # string(el), without the call for the usual element of text only.
    action = (el.text or None) if not len(el) else string(el)
    if action is None:
        return default
    if action not in allowed:
        raise DomainXMLError(f"unknown lifecycle action '{action}'", f"/domain/{event}")
    return action


def write_lifecycle(w, d: Domain) -> None:
    # The rows of _EVENTS spelled out: a getattr loop costs more than the
    # writing (tests/libvirt_xml/test_xml_topics.py holds it to the table).
    w.line(_LIFECYCLE, d.on_poweroff, d.on_reboot, d.on_crash)


_LIFECYCLE = XmlTemplate("<on_poweroff>{}</on_poweroff>\n<on_reboot>{}</on_reboot>\n"
                         "<on_crash>{}</on_crash>")
