"""What happens when the guest powers off, reboots or crashes (XM.md 4.1
step 7, 5.1): the keys and words are xend's, the defaults the xm parser's."""
from __future__ import annotations

from ..errors import ConversionError
from ..model.domain import Domain
from ..xend.lifecycle import LIFECYCLE_KEYS
from .values import XmIn, get_string

# The xm parser's default for each key: a crash restarts the guest (the
# domain XML's default is destroy).
_DEFAULTS = {"on_poweroff": "destroy", "on_reboot": "restart", "on_crash": "restart"}


def read_lifecycle(dom: Domain, x: XmIn) -> None:
    for key, allowed in LIFECYCLE_KEYS:
        word = get_string(x, key, _DEFAULTS[key])
        if word not in allowed:
            raise ConversionError(f"unexpected value {word} for {key}", key)
        setattr(dom, key, word)


def write_lifecycle(d: Domain, out: dict) -> None:
    for key, _ in LIFECYCLE_KEYS:
        out[key] = getattr(d, key)
