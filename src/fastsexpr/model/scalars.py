"""libvirt's scalar grammars, each parsed here and nowhere else.

Every function takes the text as libvirt saw it and returns the value in the
model's form, or None when libvirt would have refused the text; the caller
names the place and raises.
"""
from __future__ import annotations

import re
from typing import Optional

__all__ = ["C_SPACE", "parse_uuid", "format_uuid", "parse_mac"]

# C's isspace() in the "C" locale: what libvirt's strtol, virUUIDParse and
# virSkipSpaces skip.
C_SPACE = " \t\n\v\f\r"

_HEX = frozenset("0123456789abcdefABCDEF")
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


# --- used by the xend reader
# (and format_cpuset, the xend writer's side of the cpuset grammar).  The
# strtol family itself is SEXPR.md's and stays in the syntax engine; it is
# imported here, in this block, so the blocks of this file merge cleanly.
from ..syntax import strtol as _strtol  # noqa: E402

__all__ += ["parse_int", "format_cpuset"]

_INT_MIN = -(1 << 31)
_INT_MAX = (1 << 31) - 1


def parse_int(text: Optional[str]) -> Optional[int]:
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
