"""The xm config file syntax as libvirt 1.2.10's ``virconf`` read and wrote it
(XM.md 2): quoting, comments, lists and positions, nothing of Xen.

Reading: ``bytes`` are strict UTF-8 as for SEXPR (libvirt kept raw bytes,
which a ``str`` cannot hold; a bad byte is an XmSyntaxError with its offset),
strings then stay raw (no escapes exist), and a NUL ends the text (libvirt
read a C string).  libvirt stops one character short of the end, only ever
peeking at the last one, so ``memory = 128`` without a final newline reads
12.  Numbers are decimal, wrap modulo 2**64, read as signed 64-bit.  Lookup
finds the FIRST entry of a name.  Errors carry libvirt's text and our
position; Python code (xm exec'd configs) is named so where libvirt fails.
Writing reproduces libvirt's bytes, even unreadable ones (nothing escaped).
"""
from __future__ import annotations

import re
from types import MappingProxyType
from typing import Iterable, List, Mapping, NamedTuple, Optional, Tuple, Union

from ..errors import ConversionError, XmSyntaxError, invalid_utf8
from ..syntax import HAS_SPEEDUPS
from . import _confscan

__all__ = ["Comment", "Conf", "Value", "WRITE_LIMIT", "read_conf", "write_conf"]

Value = Union[int, str, List["Value"]]

#: libvirt's test harness wrote into a 4096-byte buffer: 4096 bytes or more fail.
WRITE_LIMIT = 4096

SYNTAX_PREFIX = "configuration file syntax error: "
PYTHON_PREFIX = "this looks like Python code, which xm ran but fastsexpr cannot: "

_U64 = (1 << 64) - 1
_I64_MIN, _I64_MAX = -(1 << 63), (1 << 63) - 1


class Comment(NamedTuple):
    """A ``#`` comment: ``text`` after the ``#`` to the line end; ``position``,
    how many entries precede it; ``trailing``: on the line of the last one."""

    text: str
    position: int
    trailing: bool


class Conf:
    """A read config: ``entries``, ``(name, value)`` pairs in file order
    (duplicates kept), and ``comments``, which never influence conversion.
    ``get``, ``in`` and the read-only mapping ``first`` (fastest for many
    lookups) see the first entry of a name (case-sensitive), as libvirt did."""

    __slots__ = ("entries", "comments", "_first")

    def __init__(self, entries: Iterable[Tuple[str, Value]] = (),
                 comments: Iterable[Comment] = ()):
        self.entries = tuple(entries)
        self.comments = tuple(comments)
        self._first: Optional[dict] = None

    @property
    def first(self) -> Mapping[str, Value]:
        return MappingProxyType(self.first_values())

    def first_values(self) -> dict:
        """``first`` as the plain dict behind it, for readers that look up
        many keys (a dict's ``get`` is the fastest); do not change it."""
        if self._first is None:
            # Built backwards, an earlier entry overwrites a later one: the first wins.
            self._first = dict(reversed(self.entries))
        return self._first

    def get(self, name: str, default=None):
        return self.first_values().get(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self.first_values()

    def __iter__(self):
        return iter(self.entries)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Conf) and (self.entries, self.comments) == (
            other.entries, other.comments)


# ------------------------------------------------------------------ reading

def read_conf(data: Union[str, bytes], source: Optional[str] = None) -> Conf:
    """Read an xm config (``str`` or UTF-8 ``bytes``) as libvirt 1.2.10 read
    one in memory (XM.md 2.2); ``source`` names the file in error messages.
    Raises :class:`~fastsexpr.errors.XmSyntaxError`."""
    text = _decode(data, source)
    nul = text.find("\0")
    end = (len(text) if nul < 0 else nul) - 1  # libvirt's end: the last character
    entries: List[Tuple[str, Value]] = []
    comments: List[Comment] = []
    if end > 0:
        _read_text(text, end, entries, comments, source)
    conf = Conf.__new__(Conf)
    conf.entries, conf.comments, conf._first = tuple(entries), tuple(comments), None
    return conf


def _decode(data, source):
    if isinstance(data, str):
        return data
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"xm config must be str or bytes, not {type(data).__name__}")
    raw = bytes(data)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise invalid_utf8(raw, exc, source, error=XmSyntaxError) from None


# The scan reads statements of the common shapes (``name = value`` spaced as
# libvirt writes it, a string, number or one-line list; comments), each with
# libvirt's separator, up to endpos, libvirt's end.  Anything else stops it:
# group 8 takes the rest, and the careful reader reads one statement before
# the scan goes on.  Looser spacing made it twice as slow.
_ITEM = r"""(?:"[^"\r\n]*"|'[^'\r\n]*'|[+-]?[0-9]+)"""
_SCAN = re.compile(
    r"""(?:([A-Za-z][A-Za-z0-9_]*) = (?:"([^"\r\n]*)"|([+-]?[0-9]+)"""
    r"""|\[ ("[^"\r\n]*(?:", "[^"\r\n]*)*)" \]|'([^'\r\n]*)'"""
    r"""|(\[[ \t]*(?:ITEM[ \t]*(?:,[ \t]*ITEM[ \t]*)*(?:,[ \t]*)?)?\]))"""
    r"""|(\#[^\r\n]*))(?:[\r\n;][ \t\r\n]*|\Z)|[\r\n][ \t\r\n]*|(?s:(.+))""".replace("ITEM", _ITEM))
_SCAN_ITEM = re.compile(r"""\"([^"\r\n]*)"|'([^'\r\n]*)'|([+-]?[0-9]+)""")

_SCAN_TURNS = 32  # each hand-over to the careful reader copies the rest: bounded


def _read_text(text, end, entries, comments, source):
    # A '#' as the very last character is peeked as an empty trailing
    # comment, which the scan (blind to that character) would miss.
    turns = 0 if text[end] == "#" else _SCAN_TURNS
    p = 0
    while p < end:
        if turns:
            turns -= 1
            p = _scan(text, p, end, entries, comments)
            if p < end:
                p = _read_careful(text, p, end, entries, comments, source, 1)
        else:
            p = _read_careful(text, p, end, entries, comments, source, None)
    if not entries and not comments:  # blank lines only, which the scan passes
        # over: libvirt starts a statement at the first character and fails.
        _read_careful(text, 0, end, entries, comments, source, None)


def _scan_regex(text, p, end, entries, comments):
    """Scan lines from p; return where the careful reader must take over."""
    append = entries.append
    for name, dq, number, strings, sq, items, comment, rest in _SCAN.findall(text, p, end):
        if dq:  # the most common value first
            append((name, dq))
        elif number:
            append((name, int(number) if len(number) < 19 else _to_int(number)))
        elif strings:  # '"a", "b' (no item holds a quote, so none holds the separator)
            append((name, strings[1:].split('", "')))
        elif items:
            append((name, [(int(n) if len(n) < 19 else _to_int(n)) if n else d or s
                           for d, s, n in _SCAN_ITEM.findall(items)]))
        elif name:  # a single-quoted or an empty string
            append((name, sq))
        elif comment:
            comments.append(Comment(comment[1:], len(entries), False))
        elif rest:
            return end - len(rest)
    return end


def _scan_compiled(text, p, end, entries, comments):
    """The same scan, compiled (_confscan), several times faster."""
    return _confscan.scan(text, p, end, entries, comments, Comment)


# The compiled scan runs with the compiled core: FASTSEXPR_PUREPYTHON=1 (or a
# pure install) keeps every part of the reading in Python.
_scan = _scan_compiled if HAS_SPEEDUPS and _confscan.COMPILED else _scan_regex


def _to_int(digits: str) -> int:
    """A decimal with an optional sign, modulo 2**64, as signed 64-bit."""
    if len(digits) < 19:  # at most 18 digits: no wrap, and int() is fastest
        return int(digits)
    body, value = digits.lstrip("+-"), 0
    for start in range(0, len(body), 18):  # linear, and under int()'s digit limit
        chunk = body[start:start + 18]
        value = (value * 10 ** len(chunk) + int(chunk)) & _U64
    if digits[0] == "-":
        value = -value & _U64
    return value - (1 << 64) if value >> 63 else value


class _Fail(Exception):
    """``args``: libvirt's reason and the cursor position where it stopped."""


_BLANKS = re.compile(r"[ \t]*").match
_BLANKS_EOL = re.compile(r"[ \t\r\n]*").match
_NAME_CHARS = re.compile(r"[A-Za-z0-9_]*").match
_DIGITS = re.compile(r"[0-9]*").match
_TO_EOL = re.compile(r"[^\r\n]*").match
_STRING_BODY = {"'": re.compile(r"[^'\r\n]*").match, '"': re.compile(r'[^"\r\n]*').match}
_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _skip(match, text, p, end):
    """Advance over what ``match`` accepts while p < end (libvirt's loops)."""
    return match(text, p, end).end() if p < end else p


def _peek(text, p, end):
    """The character at p; past the end libvirt saw the C string's NUL."""
    return text[p] if p <= end else ""


def _read_careful(text, p, end, entries, comments, source, statements):
    """libvirt's loop, statement then separator while p < end, for at most
    ``statements`` statements (None: to the end); returns where it stopped."""
    while p < end and statements != 0:
        start = p
        try:
            p = _separator(text, _statement(text, p, end, entries, comments), end)
        except _Fail as fail:
            raise _syntax_error(text, start, fail, source) from None
        if statements:
            statements -= 1
    return p


def _statement(text, p, end, entries, comments):
    p = _skip(_BLANKS_EOL, text, p, end)
    if text[p] == "#":
        return _comment(text, p, end, comments, len(entries), False)
    if text[p] not in _LETTERS:
        raise _Fail("expecting a name", p)
    name_end = _skip(_NAME_CHARS, text, p, end)
    name = text[p:name_end]
    p = _skip(_BLANKS, text, name_end, end)
    if _peek(text, p, end) != "=":
        raise _Fail("expecting an assignment", p)
    value, p = _value(text, p + (p < end), end)  # libvirt moves only while p < end
    entries.append((name, value))
    p = _skip(_BLANKS, text, p, end)
    if _peek(text, p, end) == "#":
        p = _comment(text, p, end, comments, len(entries), True)
    return p


def _comment(text, p, end, comments, position, trailing):
    p += p < end
    stop = _skip(_TO_EOL, text, p, end)
    comments.append(Comment(text[p:stop], position, trailing))
    return stop


def _separator(text, p, end):
    p = _skip(_BLANKS, text, p, end)
    if p >= end:
        return p
    if text[p] in "\r\n":
        return _skip(_BLANKS_EOL, text, p, end)
    if text[p] == ";":
        return _skip(_BLANKS_EOL, text, p + 1, end)
    raise _Fail("expecting a separator", p)


def _value(text, p, end):
    """One value; lists are filled on an explicit stack, not by recursion."""
    open_lists: List[list] = []
    while True:
        p = _skip(_BLANKS, text, p, end)
        if p >= end:
            raise _Fail("expecting a value", p)
        char = text[p]
        if char == "[":
            p = _skip(_BLANKS_EOL, text, p + 1, end)
            if p < end and text[p] != "]":
                open_lists.append([])
                continue  # read its first item
            value, p = [], _close_list(text, p, end)
        elif char == '"' or char == "'":
            value, p = _string(text, p, end)
        elif char in "0123456789+-":
            value, p = _number(text, p, end)
        else:
            raise _Fail("expecting a value", p)
        while open_lists:  # the value just read is an item: what follows it?
            open_lists[-1].append(value)
            p = _skip(_BLANKS_EOL, text, p, end)
            if p < end and text[p] != "]":
                if text[p] != ",":
                    raise _Fail("expecting a separator in list", p)
                p = _skip(_BLANKS_EOL, text, p + 1, end)
                if _peek(text, p, end) != "]":
                    break  # another item
            value, p = open_lists.pop(), _close_list(text, p, end)
        else:
            return value, p


def _close_list(text, p, end):
    if _peek(text, p, end) != "]":
        raise _Fail("list is not closed with ]", p)
    return p + (p < end)


def _string(text, p, end):
    quote = text[p]
    # libvirt's test for the triple form, p + 6 < end, counts bytes.
    if quote == '"' and text.startswith('"""', p) and (
            end - p > 6 or _utf8_len(text[p:end + 1]) - 1 > 6):
        close = text.find('"""', p + 3, end + 1)  # may end on the last character
        if close < 0:  # libvirt's scan stopped on the byte 2 before the last
            i, to_go = end, 2 - (_utf8_len(text[end]) - 1)
            while to_go > 0:
                i -= 1
                to_go -= _utf8_len(text[i])
            raise _Fail("unterminated string", i)
        return text[p + 3:close], close + 3
    stop = _STRING_BODY[quote](text, p + 1, end).end()
    if _peek(text, stop, end) != quote:
        raise _Fail("unterminated string", stop)
    return text[p + 1:stop], stop + (stop < end)


def _utf8_len(text):
    return len(text.encode("utf-8", "surrogatepass"))


def _number(text, p, end):
    start = p
    if text[p] in "+-":
        p += p < end
    if p >= end or not "0" <= text[p] <= "9":
        raise _Fail("unterminated number", p)
    stop = _DIGITS(text, p, end).end()
    return _to_int(text[start:stop]), stop


# ------------------------------------------------------ errors and Python

def _syntax_error(text, start, fail, source):
    from .python_configs import python_hint   # error paths only: ast is heavy

    reason, pos = fail.args
    hint = python_hint(text, start, pos, _reads_cleanly)
    msg = (SYNTAX_PREFIX + reason if hint is None
           else f"{PYTHON_PREFIX}{hint} (libvirt's reader: {reason})")
    return XmSyntaxError(msg, text, pos, source, reason)


def _reads_cleanly(text):
    """Whether libvirt's grammar accepts the text (looking for no hint)."""
    p, end = 0, len(text) - 1
    try:
        while p < end:
            p = _separator(text, _statement(text, p, end, [], []), end)
    except _Fail:
        return False
    return True


# ------------------------------------------------------------------ writing

def write_conf(entries: Iterable[Tuple[str, Value]], limit: Optional[int] = WRITE_LIMIT) -> str:
    """The xm config text libvirt 1.2.10 wrote for ``entries`` (XM.md 2.6):
    ``(name, value)`` pairs (a :class:`Conf` too) in the order libvirt's
    formatter set them; a name set again replaces its value in its first place
    (XM.md 2.5).  Comments are not written.  ``ConversionError``: a text of
    ``limit`` UTF-8 bytes or more, as libvirt's 4096-byte buffer failed
    (XM.md 5.8; ``None`` lifts it), or a value libvirt could not hold (a NUL,
    an int beyond signed 64-bit); ``TypeError``: a value of another type."""
    merged = dict(entries)  # a name set again keeps its first place
    lines = [f'{name} = "{value}"\n'  # the common values, without a call
             if value.__class__ is str and '"' not in value and "\n" not in value
             else f"{name} = {value}\n" if value.__class__ is int and _I64_MIN <= value <= _I64_MAX
             else f"{name} = {_format(value, name)}\n" for name, value in merged.items()]
    text = "".join(lines)
    if "\0" in text:
        name = next(name for name, line in zip(merged, lines) if "\0" in line)
        raise ConversionError("a NUL cannot be written (libvirt's strings end there)", name)
    if limit is not None:
        size = len(text) if text.isascii() else _utf8_len(text)
        if size >= limit:
            raise ConversionError(f"the xm config is {size} bytes; libvirt's writer failed at "
                                  f"{limit} bytes or more (unknown libvirt error)")
    return text


def _format(value, name):
    if isinstance(value, str):
        return _quote(value)
    return _format_list(value, name) if isinstance(value, (list, tuple)) else _integer(value, name)


def _quote(value):
    # libvirt's choice, in its order; nothing is escaped.
    if "\n" in value:
        return f'"""{value}"""'
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return f'"""{value}"""'


def _integer(value, name):
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"xm value of {name} must be int, str or list, "
                        f"not {type(value).__name__}")
    if not -(1 << 63) <= value < (1 << 63):
        raise ConversionError(f"{value} does not fit libvirt's signed 64-bit number", name)
    return str(value)


def _format_list(top, name):
    """``[ a, b ]``, nested lists on an explicit stack; a list that contains
    itself is refused instead of looping."""
    try:  # the common list, of strings that all take "...", in one join
        joined = '", "'.join(top)
    except TypeError:
        pass
    else:
        if top and joined.count('"') == 2 * len(top) - 2 and "\n" not in joined:
            return f'[ "{joined}" ]'
    out, stack, open_ids = ["[ "], [(iter(top), id(top))], {id(top)}
    while stack:
        for item in stack[-1][0]:
            if out[-1] != "[ ":  # no item token is that, quoted or a number
                out.append(", ")
            if not isinstance(item, (list, tuple)):
                out.append(_quote(item) if isinstance(item, str) else _integer(item, name))
            elif id(item) in open_ids:
                raise ValueError(f"xm value of {name} is a list that contains itself")
            else:
                out.append("[ ")
                stack.append((iter(item), id(item)))
                open_ids.add(id(item))
                break
        else:
            open_ids.discard(stack.pop()[1])
            out.append(" ]")
    return "".join(out)
