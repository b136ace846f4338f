"""libvirt's scalar grammars, each parsed here and nowhere else.

Every function takes the text as libvirt saw it and returns the value in the
model's form, or None when libvirt would have refused the text; the caller
names the place and raises.
"""
from __future__ import annotations

import re
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

__all__ = ["C_SPACE", "parse_uuid", "random_uuid", "format_uuid", "parse_mac"]

# C's isspace() in the "C" locale: what libvirt's strtol, virUUIDParse and
# virSkipSpaces skip.
C_SPACE = " \t\n\v\f\r"

_HEX = frozenset("0123456789abcdefABCDEF")
_OCTAL = frozenset("01234567")
_DECIMAL_DIGITS = frozenset("0123456789")
_UUID_PLAIN = re.compile("[0-9a-fA-F]{32}").fullmatch
_UUID_DASHED = re.compile(
    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}").fullmatch
_MAC_PLAIN = re.compile("[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}").fullmatch


def parse_uuid(text: str) -> Optional[str]:
    """libvirt's liberal UUID: 32 hex digits, any '-' or ' ' between pairs,
    C white space around; returned as 32 lowercase hex digits."""
    # The two spellings every tool writes, checked first because they are the rule.
    n = len(text)
    if n == 32:
        if _UUID_PLAIN(text):
            return text.lower()
    elif n == 36 and _UUID_DASHED(text):
        return (text[:8] + text[9:13] + text[14:18] + text[19:23] + text[24:]).lower()
    s = text.lstrip(C_SPACE)
    n = len(s)
    i = 0
    out = []
    while len(out) < 16:
        if i >= n:
            return None
        c = s[i]
        if c == "-" or c == " ":
            i += 1
            continue
        if i + 1 >= n or c not in _HEX or s[i + 1] not in _HEX:
            return None
        out.append(s[i:i + 2])
        i += 2
    if s[i:].strip(C_SPACE):
        return None
    return "".join(out).lower()


def random_uuid() -> str:
    """A random (version 4) UUID in the model's form, as libvirt made one
    for a definition without a UUID."""
    import secrets   # here, not at start-up: most definitions carry their UUID
    raw = bytearray(secrets.token_bytes(16))
    raw[6] = (raw[6] & 0x0F) | 0x40          # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80          # RFC 4122 variant
    return raw.hex()


def format_uuid(uuid: str) -> str:
    """The model's 32 hex digits in the dashed 8-4-4-4-12 form."""
    u = uuid
    return f"{u[:8]}-{u[8:12]}-{u[12:16]}-{u[16:20]}-{u[20:]}"


def parse_mac(text: str) -> Optional[str]:
    """libvirt's MAC: six 1-2 digit hex groups joined by ':', lowercased and
    padded to ``xx:xx:xx:xx:xx:xx``.

    After the sixth group libvirt stops at any byte <= 0x20 (and, a signed
    char in C, at any non-ASCII byte), so trailing text from there is
    ignored.
    """
    if len(text) == 17 and _MAC_PLAIN(text):
        return text.lower()
    n = len(text)
    i = 0
    groups = []
    while True:
        j = i
        while j < n and text[j] in _HEX:
            j += 1
        if j == i or j - i > 2:
            return None
        groups.append(text[i:j].lower().rjust(2, "0"))
        nxt = text[j] if j < n else ""
        if len(groups) == 6:
            if nxt == "" or nxt <= " " or nxt >= "\x80":
                return ":".join(groups)
            return None
        if nxt != ":":
            return None
        i = j + 1


# --- used by the XML reader
# libvirt's strtol family (virStrToLong_*), its cpuset bitmaps, its memory
# units, and the XPath number() it reads some attributes with.

__all__ += [
    "ULLONG_MAX", "CPUMASK_LEN", "parse_decimal", "parse_int", "parse_uint", "parse_llong",
    "parse_ullong", "parse_unsigned_base0", "parse_cpuset", "unit_bytes",
    "parse_xpath_llong",
]

ULLONG_MAX = (1 << 64) - 1
# VIR_DOMAIN_CPUMASK_LEN: a cpuset names CPUs 0 to 1023.
CPUMASK_LEN = 1024

# The patterns below are compiled where they are used (re keeps them
# compiled): they serve unusual text or other formats, and a run of the
# command converting one file need not pay for compiling them at import.
_C_SPACES = f"[{C_SPACE}]*"
_DECIMAL = f"{_C_SPACES}([+-]?[0-9]+)"
_UNSIGNED_DECIMAL = f"{_C_SPACES}\\+?([0-9]+)"
# One cpuset item: N, ^N or N-M, and the comma after it.
_CPUSET_ITEM = (f"(\\^)?([0-9]+){_C_SPACES}"
                f"(?:-{_C_SPACES}([+-]?[0-9]+){_C_SPACES})?"
                f"(,{_C_SPACES})?")
# Significant decimal digits beyond which a number overflows every C type.
_MAX_DIGITS = 20
# Memory unit (lowercased) -> bytes: "k" and "kib" are powers of 1024,
# "kb" of 1000.
_UNIT_BYTES = {"b": 1, "byte": 1, "bytes": 1}
for _power, _letter in enumerate("kmgtpe", 1):
    _UNIT_BYTES[_letter] = _UNIT_BYTES[_letter + "ib"] = 1024 ** _power
    _UNIT_BYTES[_letter + "b"] = 1000 ** _power
del _power, _letter
# XPath 1.0 number(): XML white space (not C's), an optional minus, decimal
# digits with an optional fraction.
_XPATH_NUMBER = r"[ \t\n\r]*(-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))[ \t\n\r]*"


def parse_decimal(text: str) -> Optional[int]:
    """C strtol in base 10 as libvirt reads a whole attribute: leading C
    white space, an optional sign, digits, nothing after.

    The caller checks the range of its C type; a number past every C type
    (over 20 significant digits) is None here already, as strtol's
    overflow is to libvirt, and is never handed to int().
    """
    if text.isdigit() and text.isascii():
        # Plain digits, the usual case, which the pattern accepts too.
        return _digits_value(text)
    m = re.fullmatch(_DECIMAL, text)
    if m is None:
        return None
    number = m.group(1)
    if number[0] in "+-":
        value = _digits_value(number[1:])
        return value if value is None or number[0] == "+" else -value
    return _digits_value(number)


def _digits_value(digits: str) -> Optional[int]:
    """The value of decimal ``digits``; None past 20 significant digits,
    more than any C integer holds (2**64 has 20)."""
    if len(digits) > _MAX_DIGITS:
        digits = digits.lstrip("0")
        if len(digits) > _MAX_DIGITS:
            return None
    return int(digits or "0")


def _within(value: Optional[int], low: int, past: int) -> Optional[int]:
    """``value`` when it lies in [low, past), else None."""
    return value if value is not None and low <= value < past else None


def parse_int(text: str) -> Optional[int]:
    """``parse_decimal`` within a C int (virStrToLong_i)."""
    return _within(parse_decimal(text), -(1 << 31), 1 << 31)


def parse_uint(text: str) -> Optional[int]:
    """C strtoul in base 10 within an unsigned int (virStrToLong_ui):
    strtoul takes a '-' and wraps, so only "-0" survives it."""
    return _within(parse_decimal(text), 0, 1 << 32)


def parse_llong(text: str) -> Optional[int]:
    """``parse_decimal`` within a C long long (virStrToLong_ll)."""
    return _within(parse_decimal(text), -(1 << 63), 1 << 63)


def parse_ullong(text: str) -> Optional[int]:
    """C strtoull in base 10 as libvirt's virStrToLong_ullp: leading C
    white space and an optional '+', digits, nothing after; a '-' or a value
    above ULLONG_MAX is refused."""
    if text.isdigit() and text.isascii():
        value = _digits_value(text)
    else:
        m = re.fullmatch(_UNSIGNED_DECIMAL, text)
        if m is None:
            return None
        value = _digits_value(m.group(1))
    return value if value is not None and value <= ULLONG_MAX else None


def parse_unsigned_base0(text: str) -> Optional[int]:
    """C strtoul with base 0 (``0x`` hex, leading-0 octal, else decimal)
    after leading C white space and an optional '+'; None past ULLONG_MAX
    (strtoul's overflow)."""
    s = text.lstrip(C_SPACE)
    if s.startswith("+"):
        s = s[1:]
    if s[:2] in ("0x", "0X"):
        digits, base, valid = s[2:], 16, _HEX
    elif len(s) > 1 and s.startswith("0"):
        digits, base, valid = s[1:], 8, _OCTAL
    elif s.isdigit() and s.isascii():
        digits, base, valid = s, 10, _DECIMAL_DIGITS
    else:
        return None
    if not digits or not valid.issuperset(digits):
        return None
    digits = digits.lstrip("0") or "0"
    # 22 digits in any of the bases overflow 64 bits (8**22 is 2**66).
    if len(digits) > 22:
        return None
    value = int(digits, base)
    return value if value <= ULLONG_MAX else None


def parse_cpuset(text: str, limit: int = CPUMASK_LEN) -> Optional[tuple[int, ...]]:
    """libvirt's virBitmapParse of a cpuset: the sorted CPU numbers, or
    None for a malformed or empty set.

    Items are scanned left to right: ``N``, ``N-M`` or ``^N`` (which removes
    N); a comma may end the list; C white space may surround numbers but
    not follow a '^'; the end of a range is read by strtol, so it may carry
    a sign; every number is below ``limit``, the bitmap's size (the domain
    XML's CPUMASK_LEN; the xm parser's bitmap held 4096).
    """
    cpus = set()
    n = len(text)
    pos = len(text) - len(text.lstrip(C_SPACE))
    if pos == n:
        return None
    item = re.compile(_CPUSET_ITEM)
    while pos < n:
        m = item.match(text, pos)
        if m is None:
            return None
        negated, low, high, comma = m.groups()
        start = _digits_value(low)
        if start is None:
            return None
        if high is None:
            if start >= limit:
                return None
            if negated:
                cpus.discard(start)
            else:
                cpus.add(start)
        else:
            end = parse_decimal(high)
            if end is None or negated or end < start or end >= limit:
                return None
            cpus.update(range(start, end + 1))
        pos = m.end()
        if comma is None and pos < n:
            return None
    return tuple(sorted(cpus)) if cpus else None


def unit_bytes(unit: Optional[str]) -> Optional[int]:
    """The bytes in one ``unit`` of a memory size, as libvirt's
    virScaleInteger reads the unit attribute (any case): absent or empty is
    KiB; b, byte, bytes; k, KiB ... e, EiB powers of 1024; KB ... EB powers
    of 1000.  None for an unknown suffix.  The caller refuses a size whose
    bytes exceed ULLONG_MAX, as virScaleInteger does."""
    if not unit:
        return 1024
    return _UNIT_BYTES.get(unit.lower())


def parse_xpath_llong(text: str) -> Optional[int]:
    """XPath number() of ``text`` as libvirt's virXPathLongLong keeps it: a
    whole number within a C long long, else None (not a number, a fraction,
    out of range)."""
    m = re.fullmatch(_XPATH_NUMBER, text)
    if m is None:
        return None
    value = float(m.group(1))
    if not -(1 << 63) <= value < (1 << 63) or value != int(value):
        return None
    return int(value)


# --- used by the xend reader
# (and format_cpuset, the xend writer's side of the cpuset grammar).  The
# strtol family itself is SEXPR.md's and stays in the syntax engine; it is
# imported here, in this block, so the blocks of this file merge cleanly.
from ..syntax import strtol as _strtol  # noqa: E402

__all__ += ["parse_int_base0", "format_cpuset"]

_INT_MIN = -(1 << 31)
_INT_MAX = (1 << 31) - 1


def parse_int_base0(text: Optional[str]) -> Optional[int]:
    """libvirt's virStrToLong_i in base 0: C strtol over the whole text,
    fitting a 32-bit int; None for anything else, None included."""
    number = _strtol(text)
    if number is None or number < _INT_MIN or number > _INT_MAX:
        return None
    return number


def format_cpuset(cpus) -> str:
    """virBitmapFormat: ascending CPU numbers as runs, ``0-3,5,7-8``."""
    runs = []
    it = iter(cpus)
    start = prev = next(it)
    for cpu in it:
        if cpu == prev + 1:
            prev = cpu
            continue
        runs.append(f"{start}" if start == prev else f"{start}-{prev}")
        start = prev = cpu
    runs.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ",".join(runs)


# --- used by the xm reader

__all__ += ["parse_ulong", "parse_hex_int", "c_int"]

_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_HEX_INT = f"{_C_SPACES}([+-]?)(?:0[xX](?=[0-9a-fA-F]))?([0-9a-fA-F]+)"


def parse_ulong(text: str) -> Optional[int]:
    """C strtoul in base 10 over the whole string, as libvirt 1.2.10's
    virStrToLong_ul: ``parse_decimal``'s grammar, a magnitude within 64
    bits, and a '-' that wraps modulo 2**64 (``-1`` is ULLONG_MAX)."""
    value = parse_decimal(text)
    if value is None or not -ULLONG_MAX <= value <= ULLONG_MAX:
        return None
    return value & ULLONG_MAX


def parse_hex_int(text: str) -> Optional[int]:
    """virStrToLong_i in base 16: C strtol over the whole string within a C
    int; leading C white space, one sign, an optional ``0x`` when hex digits
    follow it, hex digits, nothing after."""
    if text and _HEX_DIGITS.issuperset(text):
        # Plain hex digits, a PCI address's usual parts, which the pattern
        # accepts too: no pattern to look up on the xm reader's path.
        value = int(text, 16)
    else:
        m = re.fullmatch(_HEX_INT, text)
        if m is None:
            return None
        value = int(m.group(2), 16)
        if m.group(1) == "-":
            value = -value
    return value if -(1 << 31) <= value < (1 << 31) else None


def c_int(number: int) -> int:
    """``number`` as a C int holds it: the low 32 bits, signed (libvirt's
    casts of a clock offset or a VNC port)."""
    return ((number + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)
