"""The SEXPR syntax engine in pure Python.

This module is the twin of the compiled ``fastsexpr.syntax._core``: the same
functions and classes with the same behaviour, errors and positions.  It is
the fallback where the extension is not built, and the reference the tests
hold the compiled core against.  It knows quoting, escaping, positions and
buffers, and nothing of Xen.

Readers (``loads`` / ``loads_all``) take ``str`` or UTF-8 ``bytes`` and two
dialects:

``"libvirt"``
    libvirt 1.2.10's reader: only ``'`` quotes, quoted atoms kept raw, a
    missing ``)`` at the end closes the open lists, text after the first
    expression is ignored (``loads_all`` reads every expression and skips
    closers that have no list open), and a NUL character ends the input (it
    is a C string there).  Where libvirt would loop forever (a VT or FF where an
    atom should start) a :class:`SexprSyntaxError` is raised instead.
``"xend"``
    xend's own reader: ``'`` and ``"`` quotes with backslash escapes,
    ``#`` comments to the end of the line, strict about balance.

Trees are nested ``list`` of ``str``.
"""
from __future__ import annotations

from ..errors import SexprSyntaxError

__all__ = [
    "loads",
    "loads_all",
    "first_comment",
    "dumps",
    "esc",
    "find_key",
    "has",
    "lookup",
    "value",
    "value_copy",
    "first_values",
    "strtol",
    "to_int",
    "to_u64",
    "xml_escape",
    "SexprWriter",
    "XmlWriter",
]

DIALECTS = ("xend", "libvirt")

# libvirt skips only these four before an element, but ends a bare atom at
# any C isspace() character: VT and FF stop an atom without being skipped.
_LV_SKIP = frozenset(" \t\n\r")
_LV_STOP = frozenset(" \t\n\r\x0b\x0c()")

_XEND_SPACE = frozenset(" \t\n\r\x0b\x0c")
_XEND_STOP = frozenset(" \t\n\r\x0b\x0c()")
_XEND_ESCAPES = {
    "a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f",
    "r": "\r", "\\": "\\", "'": "'", '"': '"',
}
_OCTAL = frozenset("01234567")
_HEX = frozenset("0123456789abcdefABCDEF")


def _text(data, source=None):
    """Decode ``bytes`` as strict UTF-8, naming the byte offset on failure."""
    if isinstance(data, str):
        return data
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            doc = raw.decode("utf-8", "replace")
            pos = len(raw[: exc.start].decode("utf-8", "replace"))
            raise SexprSyntaxError(
                f"invalid UTF-8 byte 0x{raw[exc.start]:02x} at byte offset {exc.start}",
                doc, pos, source) from None
    raise TypeError(f"SEXPR input must be str or bytes, not {type(data).__name__}")


def _check_dialect(dialect):
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}: expected 'xend' or 'libvirt'")


# ---------------------------------------------------------------- libvirt reader

def _libvirt_one(text, pos, n, source):
    """Read one element at ``pos`` the way libvirt does; return (node, pos)."""
    stack = []
    while True:
        while pos < n and text[pos] in _LV_SKIP:
            pos += 1
        if stack:
            if pos >= n:
                # End of input closes every open list.
                return stack[0], pos
            if text[pos] == ")":
                pos += 1
                done = stack.pop()
                if not stack:
                    return done, pos
                continue
        c = text[pos] if pos < n else ""
        if c == "(":
            new = []
            if stack:
                stack[-1].append(new)
            stack.append(new)
            pos += 1
            continue
        if c == "'":
            start = i = pos + 1
            while i < n and text[i] != "'":
                i += 2 if (text[i] == "\\" and i + 1 < n) else 1
            atom = text[start:i]
            pos = i + 1 if i < n else n
        else:
            start = pos
            while pos < n and text[pos] not in _LV_STOP:
                pos += 1
            atom = text[start:pos]
            if stack and pos == start:
                raise SexprSyntaxError(
                    "vertical tab or form feed where an atom should start "
                    "(libvirt would loop forever here)", text, pos, source)
        if not stack:
            return atom, pos
        stack[-1].append(atom)


def _libvirt_end(text):
    nul = text.find("\0")
    return len(text) if nul < 0 else nul


# ------------------------------------------------------------------- xend reader

def _xend_skip(text, pos, n):
    """Skip white space and ``#`` comments."""
    while pos < n:
        c = text[pos]
        if c in _XEND_SPACE:
            pos += 1
        elif c == "#":
            nl = text.find("\n", pos)
            pos = n if nl < 0 else nl + 1
        else:
            break
    return pos


def _xend_string(text, pos, n, source):
    """Read a quoted atom starting at the quote at ``pos``; return (atom, pos)."""
    quote = text[pos]
    i = pos + 1
    out = []
    seg = i
    while True:
        if i >= n:
            raise SexprSyntaxError("unterminated string", text, pos, source)
        c = text[i]
        if c == quote:
            out.append(text[seg:i])
            return "".join(out), i + 1
        if c != "\\":
            i += 1
            continue
        out.append(text[seg:i])
        if i + 1 >= n:
            raise SexprSyntaxError("unterminated string", text, pos, source)
        e = text[i + 1]
        if e in _XEND_ESCAPES:
            out.append(_XEND_ESCAPES[e])
            i += 2
        elif e == "x":
            j = i + 2
            while j < n and j < i + 4 and text[j] in _HEX:
                j += 1
            if j == i + 2:
                raise SexprSyntaxError("invalid \\x escape", text, i, source)
            out.append(chr(int(text[i + 2:j], 16)))
            i = j
        elif e in _OCTAL:
            j = i + 1
            while j < n and j < i + 4 and text[j] in _OCTAL:
                j += 1
            out.append(chr(int(text[i + 1:j], 8)))
            i = j
        else:
            # An unknown escape keeps the character, as xend's reader does.
            out.append(e)
            i += 2
        seg = i


def _xend_one(text, pos, n, source):
    """Read one complete element at ``pos`` (after skipping); return (node, pos)."""
    stack = []
    opens = []
    while True:
        pos = _xend_skip(text, pos, n)
        if pos >= n:
            if stack:
                raise SexprSyntaxError("unclosed '('", text, opens[-1], source)
            raise SexprSyntaxError("expected an expression", text, pos, source)
        c = text[pos]
        if c == "(":
            new = []
            if stack:
                stack[-1].append(new)
            stack.append(new)
            opens.append(pos)
            pos += 1
            continue
        if c == ")":
            if not stack:
                raise SexprSyntaxError("unexpected ')'", text, pos, source)
            done = stack.pop()
            opens.pop()
            pos += 1
            if not stack:
                return done, pos
            continue
        if c == "'" or c == '"':
            atom, pos = _xend_string(text, pos, n, source)
        else:
            start = pos
            while pos < n and text[pos] not in _XEND_STOP:
                pos += 1
            atom = text[start:pos]
        if not stack:
            return atom, pos
        stack[-1].append(atom)


def first_comment(data, *, source=None):
    """Where the first ``#`` comment of ``data`` starts, as the xend reader
    sees it (a character index), or None when it has none.

    The tokens are walked as the reader reads them, without building
    anything: a ``#`` inside a quoted atom, written as an escape, or inside a
    bare atom is no comment.  For text that ``loads_all`` reads, this is
    exactly where its first skipped comment starts; an unterminated quoted
    atom raises :class:`SexprSyntaxError` as the reader does.
    """
    text = _text(data, source)
    n = len(text)
    pos = 0
    while True:
        while pos < n and text[pos] in _XEND_SPACE:
            pos += 1
        if pos >= n:
            return None
        c = text[pos]
        if c == "#":
            return pos
        if c == "(" or c == ")":
            pos += 1
        elif c == "'" or c == '"':
            start = pos
            pos += 1
            # An escape is a backslash and at least one more character,
            # none of which ends the atom.
            while pos < n and text[pos] != c:
                pos += 2 if text[pos] == "\\" else 1
            if pos >= n:
                raise SexprSyntaxError("unterminated string", text, start, source)
            pos += 1
        else:
            while pos < n and text[pos] not in _XEND_STOP:
                pos += 1


# ------------------------------------------------------------------ public read

def loads(data, *, dialect="xend", source=None):
    """Read one SEXPR expression from ``data`` (``str`` or UTF-8 ``bytes``).

    ``source`` (a file name) is only used in error messages.
    """
    _check_dialect(dialect)
    text = _text(data, source)
    if dialect == "libvirt":
        return _libvirt_one(text, 0, _libvirt_end(text), source)[0]
    n = len(text)
    node, pos = _xend_one(text, 0, n, source)
    pos = _xend_skip(text, pos, n)
    if pos < n:
        raise SexprSyntaxError("extra data after the expression", text, pos, source)
    return node


def loads_all(data, *, dialect="xend", source=None):
    """Read every top-level expression of ``data`` into a list."""
    _check_dialect(dialect)
    text = _text(data, source)
    out = []
    if dialect == "libvirt":
        n = _libvirt_end(text)
        pos = 0
        while True:
            while pos < n and text[pos] in _LV_SKIP:
                pos += 1
            if pos >= n:
                return out
            if text[pos] == ")":
                # A closer with no list open: libvirt ignores whatever follows
                # its one expression, and real dumps close a list too many.
                pos += 1
                continue
            node, new = _libvirt_one(text, pos, n, source)
            if new == pos:
                raise SexprSyntaxError(
                    "vertical tab or form feed where an expression should start",
                    text, pos, source)
            out.append(node)
            pos = new
    n = len(text)
    pos = _xend_skip(text, 0, n)
    while pos < n:
        node, pos = _xend_one(text, pos, n, source)
        out.append(node)
        pos = _xend_skip(text, pos, n)
    return out


# ------------------------------------------------------------------------ write

_PLAIN_STOP = frozenset(" \t\n\r\x0b\x0c()'\"\\#")
_WRITE_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _atom_text(atom):
    """An atom as the xend reader reads it back: bare when it can be."""
    if not isinstance(atom, str):
        raise TypeError(f"SEXPR atoms must be str, not {type(atom).__name__}")
    if atom and not any(c in _PLAIN_STOP or c < " " or c == "\x7f" for c in atom):
        return atom
    out = ["'"]
    for c in atom:
        if c in _WRITE_ESCAPES:
            out.append(_WRITE_ESCAPES[c])
        elif c < " " or c == "\x7f":
            out.append(f"\\x{ord(c):02x}")
        else:
            out.append(c)
    out.append("'")
    return "".join(out)


def dumps(tree, *, indent=None):
    """Write a tree as SEXPR text that ``loads`` reads back to the same tree.

    Compact by default.  With ``indent=N``, from the first list member of a
    list on, every member starts a new line indented N spaces per depth; the
    atoms before it stay on the opening line, so a list of atoms only is one
    line.
    """
    if indent is not None and (not isinstance(indent, int) or isinstance(indent, bool) or indent < 0):
        raise ValueError("indent must be a non-negative int or None")
    if isinstance(tree, str):
        return _atom_text(tree)
    if not isinstance(tree, list):
        raise TypeError(f"SEXPR lists must be list, not {type(tree).__name__}")
    out = ["("]
    # Iterative, so that deeply nested trees cannot exhaust the C stack.
    # A frame is (list, index of the next member, depth, a list seen yet).
    stack = []
    node, i, depth, broken = tree, 0, 0, False
    while True:
        if i < len(node):
            member = node[i]
            i += 1
            is_atom = isinstance(member, str)
            if not is_atom and not isinstance(member, list):
                raise TypeError(f"SEXPR lists must be list, not {type(member).__name__}")
            if indent is not None and (broken or not is_atom):
                broken = True
                out.append("\n" + " " * (indent * (depth + 1)))
            elif i > 1:
                out.append(" ")
            if is_atom:
                out.append(_atom_text(member))
            else:
                stack.append((node, i, depth, broken))
                node, i, depth, broken = member, 0, depth + 1, False
                out.append("(")
            continue
        out.append(")")
        if not stack:
            return "".join(out)
        node, i, depth, broken = stack.pop()


def esc(s):
    """libvirt's formatter escape: a backslash before every ``'`` and ``\\``."""
    return s.replace("\\", "\\\\").replace("'", "\\'")


# ---------------------------------------------------------------- path helpers

def find_key(node, path):
    """The ``(key ...)`` list at ``path`` (``/``-separated), or None.

    The first token must be the head of ``node``; each next token picks the
    first member list whose head atom equals it.
    """
    tokens = path.split("/")
    if not isinstance(node, list) or not node or node[0] != tokens[0]:
        return None
    cur = node
    for tok in tokens[1:]:
        for m in cur[1:] if len(cur) > 1 else ():
            if isinstance(m, list) and m and m[0] == tok:
                cur = m
                break
        else:
            return None
    return cur


def has(node, path):
    return find_key(node, path) is not None


def lookup(node, path):
    """The tail of the key list at ``path`` if it has one, else None."""
    found = find_key(node, path)
    if found is None or len(found) < 2:
        return None
    return found[1:]


def value(node, path):
    """The first tail member at ``path`` if it is an atom, else None."""
    found = find_key(node, path)
    if found is None or len(found) < 2:
        return None
    v = found[1]
    return v if isinstance(v, str) else None


def value_copy(node, path):
    """Like :func:`value`, but the empty atom counts as absent."""
    v = value(node, path)
    return v if v else None


def first_values(node):
    """Every member key of ``node`` with its value, in one pass.

    For each head atom among the member lists of ``node`` (its items after
    the head), the first list with that head counts, as in :func:`find_key`;
    the key maps to that list's first tail member if it is an atom, else to
    None.  So, with ``h = node[0]``, ``first_values(node).get(k)`` is
    ``value(node, h + "/" + k)`` and ``k in first_values(node)`` is
    ``has(node, h + "/" + k)``: a reader that asks a list for many keys
    walks it once.  Anything but a list has no members: ``{}``.
    """
    out = {}
    if not isinstance(node, list):
        return out
    for m in node[1:]:
        if isinstance(m, list) and m:
            head = m[0]
            if isinstance(head, str) and head not in out:
                v = m[1] if len(m) > 1 else None
                out[head] = v if isinstance(v, str) else None
    return out


_C_SPACE = " \t\n\x0b\x0c\r"


def strtol(s, unsigned=False):
    """C ``strtol``/``strtoull`` with base 0 over the whole string.

    Returns the integer, or None when the string is not entirely a number
    (no digits, trailing characters, overflow of 64 bits).  With
    ``unsigned`` a leading ``-`` wraps modulo 2**64 as strtoull does.
    """
    if s is None:
        return None
    i, n = 0, len(s)
    while i < n and s[i] in _C_SPACE:
        i += 1
    neg = False
    if i < n and s[i] in "+-":
        neg = s[i] == "-"
        i += 1
    base = 10
    if i + 1 < n and s[i] == "0" and s[i + 1] in "xX" and i + 2 < n and s[i + 2] in _HEX:
        base, i = 16, i + 2
    elif i < n and s[i] == "0":
        base = 8
    digits = s[i:]
    if not digits:
        return None
    allowed = _HEX if base == 16 else (_OCTAL if base == 8 else "0123456789")
    for c in digits:
        if c not in allowed:
            return None
    mag = int(digits, base)
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


# ------------------------------------------------------------------- emitters

class SexprWriter:
    """A text buffer for libvirt's SEXPR formatter.

    ``Q`` is a single-quoted value written verbatim, ``QE`` a single-quoted
    value passed through :func:`esc`.
    """

    __slots__ = ("_parts",)

    def __init__(self):
        self._parts = []

    def raw(self, text):
        """Literal text."""
        if not isinstance(text, str):
            # Fail at the call that passed it, not later in getvalue().
            raise TypeError(f"SEXPR text must be str, not {type(text).__name__}")
        self._parts.append(text)

    def esc(self, text):
        """``esc(text)`` without quotes."""
        self._parts.append(esc(text))

    def pair(self, key, text):
        """``(key 'esc(text)')``"""
        self._parts.append(f"({key} '{esc(text)}')")

    def pair_raw(self, key, text):
        """``(key 'text')``"""
        self._parts.append(f"({key} '{text}')")

    def pair_bare(self, key, text):
        """``(key text)``: an unquoted value (numbers, words, CHR strings)."""
        self._parts.append(f"({key} {text})")

    def pair_int(self, key, number):
        """``(key N)``"""
        self._parts.append(f"({key} {int(number)})")

    def getvalue(self):
        return "".join(self._parts)


_XML_SPECIAL = frozenset("&<>\"'")
_XML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"}


def xml_escape(s):
    """libvirt's XML text escape.

    The five XML specials become entities.  Only when at least one of them
    occurs are control characters other than TAB, LF and CR dropped too;
    otherwise the text is copied unchanged (libvirt's own quirk).
    """
    for c in s:
        if c in _XML_SPECIAL:
            break
    else:
        return s
    out = []
    for c in s:
        if c in _XML_ESCAPES:
            out.append(_XML_ESCAPES[c])
        elif c < " " and c not in "\t\n\r":
            continue
        else:
            out.append(c)
    return "".join(out)


def _attrs(attrs):
    parts = []
    for a in attrs:
        if len(a) == 3 and a[2]:
            parts.append(f" {a[0]}='{a[1]}'")
        else:
            parts.append(f" {a[0]}='{xml_escape(a[1])}'")
    return "".join(parts)


class XmlWriter:
    """A text buffer that writes XML in libvirt's layout.

    Two spaces of indentation per level, every element on its own line,
    single-quoted attributes.  ``attrs`` is a sequence of ``(name, value)``
    pairs escaped with :func:`xml_escape`, or ``(name, value, True)`` for a
    value libvirt writes raw.
    """

    __slots__ = ("_parts", "_depth")

    def __init__(self):
        self._parts = []
        self._depth = 0

    def start(self, tag, attrs=()):
        """``<tag ...>`` and a new level."""
        self._parts.append(f"{'  ' * self._depth}<{tag}{_attrs(attrs)}>\n")
        self._depth += 1

    def end(self, tag):
        """``</tag>`` closing the current level."""
        self._depth -= 1
        self._parts.append(f"{'  ' * self._depth}</{tag}>\n")

    def empty(self, tag, attrs=()):
        """``<tag .../>``"""
        self._parts.append(f"{'  ' * self._depth}<{tag}{_attrs(attrs)}/>\n")

    def text(self, tag, text, attrs=()):
        """``<tag ...>escaped text</tag>``"""
        self._parts.append(
            f"{'  ' * self._depth}<{tag}{_attrs(attrs)}>{xml_escape(text)}</{tag}>\n")

    def getvalue(self):
        return "".join(self._parts)
