"""Character classes of the pure engine (the twin of ``_chars.pxi``)."""
from __future__ import annotations

# C's isspace() in the "C" locale (fastsexpr.model.scalars.C_SPACE): xend
# skips it between elements, both dialects end a bare atom at it, strtol
# skips it before the number.
C_SPACE = " \t\n\v\f\r"
# libvirt's reader skips only these before an element: a VT or FF ends an
# atom there without being skipped.
LIBVIRT_SPACE = " \t\n\r"
# dumps quotes an atom that holds one of these, a control character, space
# or DEL; any other atom reads back the same written bare.
ATOM_SPECIALS = "()'\"\\#"

# The classes as sets of characters, as the readers and dumps test them.
C_SPACE_SET = frozenset(C_SPACE)
LIBVIRT_SPACE_SET = frozenset(LIBVIRT_SPACE)
ENDS_ATOM = frozenset(C_SPACE + "()")
NEEDS_QUOTES = frozenset(ATOM_SPECIALS + "\x7f" + "".join(map(chr, range(33))))

OCTAL_DIGITS = frozenset("01234567")
HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
