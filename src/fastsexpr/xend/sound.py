"""Sound cards of an HVM image: (soundhw 'model,model').

SEXPR2XML.md 1.12 item 7 and XML2SEXPR.md section 5.2 (row 14).
"""
from __future__ import annotations

from ..errors import ConversionError
from ..model.domain import Domain
from ..model.vocab import SOUND_MODELS

# The image key that lists the sound cards.
SOUND_KEY = "soundhw"
# What xend's (soundhw all) stands for.
SOUND_ALL = ("sb16", "es1370")
# libvirt copied each model name into a 10-byte buffer.
_MODEL_MAX = 10


def read_sound(dom: Domain, img: dict) -> None:
    text = img.get(SOUND_KEY)
    if not text:
        return
    if text == "all":
        dom.sounds.extend(SOUND_ALL)
        return
    pos = 0
    while True:
        comma = text.find(",", pos)
        piece = text[pos:] if comma < 0 else text[pos:comma]
        if len(piece) >= _MODEL_MAX:
            raise ConversionError(f"Sound model {text[pos:]} too big for destination",
                                  "domain/image/hvm/soundhw")
        if piece not in SOUND_MODELS:
            raise ConversionError(f"unknown sound model '{piece}'", "domain/image/hvm/soundhw")
        dom.sounds.append(piece)
        if comma < 0:
            return
        pos = comma + 1


def write_sound(w, d: Domain) -> None:
    if not d.sounds:
        return
    # esc leaves the commas alone, so the joined list is escaped at once.
    w.write("(soundhw '", ",".join(d.sounds), "')")
