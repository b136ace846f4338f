"""Sound cards of an HVM guest: ``soundhw``, models joined by ',' or ``all``
(XM.md 4.1 step 14, 4.8, 5.7)."""
from __future__ import annotations

from ..errors import ConversionError
from ..model.domain import Domain
from ..model.vocab import SOUND_MODELS
from ..xend.sound import SOUND_ALL
from .values import XmIn, get_string, silent_failure

SOUND_KEY = "soundhw"
# libvirt copied each model name into a 10-byte buffer.
_MODEL_MAX = 10
_MODELS = frozenset(SOUND_MODELS)


def read_sound(dom: Domain, x: XmIn) -> None:
    if not x.hvm:
        return
    text = get_string(x, SOUND_KEY, None)
    if text is None:
        return
    if text == "all":
        dom.sounds.extend(SOUND_ALL)
        return
    start = 0
    for piece in text.split(","):
        if len(piece.encode()) >= _MODEL_MAX:
            raise ConversionError(f"Sound model {text[start:]} too big for destination",
                                  SOUND_KEY)
        if piece not in _MODELS:
            raise silent_failure(x, SOUND_KEY, f"unknown sound model '{piece}'")
        dom.sounds.append(piece)
        start += len(piece) + 1


def write_sound(d: Domain, out: dict) -> None:
    if d.os.type == "hvm" and d.sounds:
        out[SOUND_KEY] = ",".join(d.sounds)
