"""The two readers (libvirt's and xend's) and the public loads, loads_all and
record_spans, pure Python (the twin of ``_reader.pxi``)."""
from __future__ import annotations

from operator import index

from ..errors import SexprSyntaxError, invalid_utf8
from ._pychars import C_SPACE_SET, ENDS_ATOM, HEX_DIGITS, LIBVIRT_SPACE_SET, OCTAL_DIGITS

DIALECTS = ("xend", "libvirt")

_XEND_ESCAPES = {
    "a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f",
    "r": "\r", "\\": "\\", "'": "'", '"': '"',
}


def _text(data, source=None):
    """Decode ``bytes`` as strict UTF-8, naming the byte offset on failure."""
    if isinstance(data, str):
        return data
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise invalid_utf8(raw, exc, source) from None
    raise TypeError(f"SEXPR input must be str or bytes, not {type(data).__name__}")


def _check_dialect(dialect):
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}: expected 'xend' or 'libvirt'")


# ---------------------------------------------------------------- libvirt reader

def _libvirt_one(text, pos, n, source):
    """Read one element at ``pos`` the way libvirt does; return (node, pos,
    the number of lists the end of the text closed)."""
    stack = []
    while True:
        while pos < n and text[pos] in LIBVIRT_SPACE_SET:
            pos += 1
        if stack:
            if pos >= n:
                # End of input closes every open list.
                return stack[0], pos, len(stack)
            if text[pos] == ")":
                pos += 1
                done = stack.pop()
                if not stack:
                    return done, pos, 0
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
            while pos < n and text[pos] not in ENDS_ATOM:
                pos += 1
            atom = text[start:pos]
            if stack and pos == start:
                raise SexprSyntaxError(
                    "vertical tab or form feed where an atom should start "
                    "(libvirt would loop forever here)", text, pos, source)
        if not stack:
            return atom, pos, 0
        stack[-1].append(atom)


def _libvirt_end(text):
    """Where libvirt's C string ends: at the first NUL, or the end."""
    nul = text.find("\0")
    return len(text) if nul < 0 else nul


# ------------------------------------------------------------------- xend reader

def _xend_skip(text, pos, n):
    """Skip white space and ``#`` comments."""
    while pos < n:
        c = text[pos]
        if c in C_SPACE_SET:
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
            while j < n and j < i + 4 and text[j] in HEX_DIGITS:
                j += 1
            if j == i + 2:
                raise SexprSyntaxError("invalid \\x escape", text, i, source)
            out.append(chr(int(text[i + 2:j], 16)))
            i = j
        elif e in OCTAL_DIGITS:
            j = i + 1
            while j < n and j < i + 4 and text[j] in OCTAL_DIGITS:
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
            while pos < n and text[pos] not in ENDS_ATOM:
                pos += 1
            atom = text[start:pos]
        if not stack:
            return atom, pos
        stack[-1].append(atom)


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
    if dialect == "libvirt":
        return _libvirt_loads_all(text, source)
    return _xend_loads_all(text, source)


def _libvirt_loads_all(text, source):
    return _libvirt_each(text, 0, _libvirt_end(text), source, False)


def _libvirt_each(text, pos, n, source, spans, trees=False):
    """Read every top-level expression from ``pos`` to ``n``: their trees, or
    with ``spans``, where each lies: (start, end, lists the end closed), and
    with ``trees`` too, the tree last."""
    out = []
    while True:
        while pos < n and text[pos] in LIBVIRT_SPACE_SET:
            pos += 1
        if pos >= n:
            return out
        if text[pos] == ")":
            # A closer with no list open: libvirt ignores whatever follows
            # its one expression, and real dumps close a list too many.
            pos += 1
            continue
        node, new, unclosed = _libvirt_one(text, pos, n, source)
        if new == pos:
            raise SexprSyntaxError(
                "vertical tab or form feed where an expression should start",
                text, pos, source)
        if not spans:
            out.append(node)
        elif trees:
            out.append((pos, new, unclosed, node))
        else:
            out.append((pos, new, unclosed))
        pos = new


def record_spans(data, start=0, end=None, *, trees=False):
    """Where each top-level expression of ``data`` lies, as libvirt's reader
    reads it (``loads_all(data, dialect="libvirt")``): a list of ``(start,
    end, unclosed)``, character offsets into the decoded text, ``unclosed``
    the number of lists still open at the end of the text, which libvirt
    closed there (the expression then ends at the end of the text).

    Between two expressions lie only white space and closers with no list
    open, which libvirt's reader skips.  Unlike that reader, a NUL character
    does not end the text: it is read as any other character, so that the
    expressions after it are found (libvirt read each record of a dump on its
    own, and a NUL ended only that record); the caller decides what a NUL
    inside an expression means.  ``start`` and ``end`` read a part of the
    text; errors give positions in the whole text.
    """
    text = _text(data)
    n = len(text)
    start = index(start)
    end = n if end is None else index(end)
    if not 0 <= start <= end <= n:
        raise ValueError(f"start {start} and end {end} out of range for a text of {n} characters")
    return _libvirt_each(text, start, end, None, True, trees)


def _xend_loads_all(text, source):
    out = []
    n = len(text)
    pos = _xend_skip(text, 0, n)
    while pos < n:
        node, pos = _xend_one(text, pos, n, source)
        out.append(node)
        pos = _xend_skip(text, pos, n)
    return out


# ------------------------------------------------------------ a file in parts

# The xend reader's errors that only say the text ended too soon.
_CUT_SHORT = ("unclosed '('", "unterminated string")


def read_prefix(text, dialect, final, source=None):
    """The complete top-level expressions at the start of ``text``, a part of
    a longer text (:func:`iterload`): ``(trees, stop, error)``, where
    ``stop`` is where reading goes on once more text is there and ``error``
    the syntax error that ends the text's expressions (None when there is
    none).  Unless ``final`` (the text is all there is), an expression that
    reaches the end of ``text`` is left for later: more text could change it."""
    n = len(text)
    out = []
    if dialect == "libvirt":
        each = _libvirt_prefix
    else:
        each = _xend_prefix
    pos = 0
    try:
        for node, pos in each(text, n, final, source):
            out.append(node)
    except _Stop as stop:
        return out, stop.pos, None
    except SexprSyntaxError as exc:
        return out, pos, exc
    return out, n, None


class _Stop(Exception):
    """An expression reaches the end of a part: read it again with more."""

    def __init__(self, pos):
        self.pos = pos


def _xend_prefix(text, n, final, source):
    end = 0                             # after the last expression read
    while True:
        pos = _xend_skip(text, end, n)
        if pos >= n:
            if not final:
                raise _Stop(end)        # a comment may go on
            return
        start = pos
        try:
            node, end = _xend_one(text, pos, n, source)
        except SexprSyntaxError as exc:
            if not final and (exc.msg in _CUT_SHORT or exc.pos + 2 >= n):
                raise _Stop(start) from None
            raise
        if end == n and not final:
            raise _Stop(start)          # an atom may go on
        yield node, end


def _libvirt_prefix(text, n, final, source):
    pos = 0
    while True:
        while pos < n and (text[pos] in LIBVIRT_SPACE_SET or text[pos] == ")"):
            pos += 1                    # closers with no list open are skipped
        if pos >= n:
            return
        node, new, _ = _libvirt_one(text, pos, n, source)
        if new == pos:
            raise SexprSyntaxError(
                "vertical tab or form feed where an expression should start",
                text, pos, source)
        if new == n and not final:
            raise _Stop(pos)            # lists closed by the end, or an atom, may go on
        yield node, new
        pos = new
