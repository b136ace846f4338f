"""Character classes of the pure engine (the twin of ``_chars.pxi``)."""
from __future__ import annotations

# libvirt skips only these four before an element, but ends a bare atom at
# any C isspace() character: VT and FF stop an atom without being skipped.
_LV_SKIP = frozenset(" \t\n\r")
_LV_STOP = frozenset(" \t\n\r\x0b\x0c()")

_XEND_SPACE = frozenset(" \t\n\r\x0b\x0c")
_XEND_STOP = frozenset(" \t\n\r\x0b\x0c()")
_OCTAL = frozenset("01234567")
_HEX = frozenset("0123456789abcdefABCDEF")

_C_SPACE = " \t\n\x0b\x0c\r"
