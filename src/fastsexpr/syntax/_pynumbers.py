"""C's strtol and strtoull with base 0, over the whole string, and the two
integer readings SEXPR.md builds on them (int and u64), pure Python (the
twin of ``_numbers.pxi``)."""
from __future__ import annotations

from ._pychars import C_SPACE, HEX_DIGITS, OCTAL_DIGITS

# More significant digits than this overflow 64 bits in every base (8**22 is
# 2**66), so they are never handed to int(), which refuses over 4,300
# decimal digits and is slow long before that.
_MAX_SIGNIFICANT = 22


def strtol(s, unsigned=False):
    """C ``strtol``/``strtoull`` with base 0 over the whole string.

    Returns the integer, or None when the string is not entirely a number
    (no digits, trailing characters, overflow of 64 bits).  With
    ``unsigned`` a leading ``-`` wraps modulo 2**64 as strtoull does.
    """
    if s is None:
        return None
    i, n = 0, len(s)
    while i < n and s[i] in C_SPACE:
        i += 1
    neg = False
    if i < n and s[i] in "+-":
        neg = s[i] == "-"
        i += 1
    base = 10
    if i + 1 < n and s[i] == "0" and s[i + 1] in "xX" and i + 2 < n and s[i + 2] in HEX_DIGITS:
        base, i = 16, i + 2
    elif i < n and s[i] == "0":
        base = 8
    digits = s[i:]
    if not digits:
        return None
    allowed = HEX_DIGITS if base == 16 else (OCTAL_DIGITS if base == 8 else "0123456789")
    for c in digits:
        if c not in allowed:
            return None
    significant = digits.lstrip("0")
    if len(significant) > _MAX_SIGNIFICANT:
        return None
    mag = int(significant or "0", base)
    if unsigned:
        if mag > 0xFFFFFFFFFFFFFFFF:
            return None
        return (-mag) % (1 << 64) if neg else mag
    v = -mag if neg else mag
    if v < -(1 << 63) or v > (1 << 63) - 1:
        return None
    return v


def to_int(s):
    """SEXPR.md ``int``: strtol base 0, whole string, fits 32 bits; else 0."""
    v = strtol(s)
    if v is None or v < -(1 << 31) or v > (1 << 31) - 1:
        return 0
    return v


def to_u64(s):
    """SEXPR.md ``u64``: strtoull base 0, whole string; any failure is 0."""
    v = strtol(s, unsigned=True)
    return 0 if v is None else v
