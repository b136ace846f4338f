# cython: boundscheck=False, wraparound=False, initializedcheck=False
"""The xm config line scan, one character at a time: compiled with Cython
(pure-Python mode) in the normal build, where it is several times faster
than the regex scan of :mod:`fastsexpr.xm.conf`.  That regex scan stays the
path of a pure install (``COMPILED`` is False there) and of
``FASTSEXPR_PUREPYTHON=1``; this module then runs only in the tests, which
hold the two scans to the same answers on both builds.

It reads exactly what ``conf._SCAN`` matches, statement after statement
from ``p`` while ``p < end`` (libvirt's end: the last character is never
read): ``name = value`` spaced as libvirt writes it, the value a string, a
number or a one-line list, then a line end or ``;`` (or the end); a
comment line; blank lines.  Anything else, and a number of 19 or more
characters (which wraps: the careful reader does that), stops the scan:
``scan`` returns where the careful reader takes over.
"""
from __future__ import annotations

try:
    import cython
    COMPILED = cython.compiled
except ImportError:  # a pure install needs no Cython: it runs this as Python
    COMPILED = False

__all__ = ["COMPILED", "scan"]


def scan(text, p, end, entries, comments, comment):
    """Append the statements read from p to ``entries`` and ``comments``
    (each comment made by ``comment(text, position, trailing)``); return
    where the scan stopped (``end`` when it read everything)."""
    q: cython.Py_ssize_t
    c: cython.Py_UCS4
    while p < end:
        c = text[p]
        if c == "\n" or c == "\r":  # blank lines
            p = _skip_blanks_eol(text, p + 1, end)
            continue
        if c == "#":
            q = p + 1
            while q < end:
                c = text[q]
                if c == "\n" or c == "\r":
                    break
                q += 1
            comments.append(comment(text[p + 1:q], len(entries), False))
            p = _terminator(text, q, end)  # a line end or the end: never -1
            continue
        if not _is_letter(c):
            return p
        q = _statement(text, p, end, entries)
        if q < 0:
            return p
        p = q
    return p


def _statement(text, p, end, entries):
    """``name = value`` and its terminator from p (a letter), appended to
    ``entries``; -1 when the statement is not of the scanned shapes."""
    q: cython.Py_ssize_t = p + 1
    c: cython.Py_UCS4
    while q < end:
        c = text[q]
        if not (_is_letter(c) or "0" <= c <= "9" or c == "_"):
            break
        q += 1
    if q + 3 > end or text[q] != " " or text[q + 1] != "=" or text[q + 2] != " ":
        return -1
    name = text[p:q]
    q += 3
    c = text[q]
    if c == "[":
        value = []
        q = _list(text, q + 1, end, value)
        if q < 0:
            return -1
    else:
        stop: cython.Py_ssize_t = _item_end(text, q, end)
        if stop < 0:
            return -1
        value = _item(text, q, stop)
        q = stop
    q = _terminator(text, q, end)
    if q < 0:
        return -1
    entries.append((name, value))
    return q


def _list(text, p, end, items):
    """The items of a one-line list after its ``[`` into ``items``; where
    the ``]`` ends, or -1."""
    p = _skip_blanks(text, p, end)
    if p < end and text[p] == "]":
        return p + 1
    while True:
        stop: cython.Py_ssize_t = _item_end(text, p, end)
        if stop < 0:
            return -1
        items.append(_item(text, p, stop))
        p = _skip_blanks(text, stop, end)
        if p >= end:
            return -1
        if text[p] == ",":
            p = _skip_blanks(text, p + 1, end)
            if p < end and text[p] == "]":
                return p + 1
        elif text[p] == "]":
            return p + 1
        else:
            return -1


def _item_end(text, p, end):
    """Where the string or number at p ends; -1 when there is none, or the
    number is one the careful reader must wrap."""
    if p >= end:
        return -1
    c: cython.Py_UCS4 = text[p]
    q: cython.Py_ssize_t = p + 1
    d: cython.Py_UCS4
    if c == '"' or c == "'":
        while q < end:
            d = text[q]
            if d == c:
                return q + 1
            if d == "\n" or d == "\r":
                return -1
            q += 1
        return -1
    if c == "+" or c == "-":
        if q >= end:
            return -1
        d = text[q]
        if not "0" <= d <= "9":
            return -1
    elif not "0" <= c <= "9":
        return -1
    while q < end:
        d = text[q]
        if not "0" <= d <= "9":
            break
        q += 1
    # 19 characters or more may wrap modulo 2**64: conf._to_int's work.
    return q if q - p < 19 else -1


def _item(text, p, stop):
    """The value of the item from p to stop (``_item_end``'s answer)."""
    c: cython.Py_UCS4 = text[p]
    if c == '"' or c == "'":
        return text[p + 1:stop - 1]
    # At most 18 digits (_item_end): no wrap, and no substring to make.
    value: cython.longlong = 0
    q: cython.Py_ssize_t = p + 1 if c == "+" or c == "-" else p
    while q < stop:
        value = value * 10 + (ord(text[q]) - 48)
        q += 1
    return -value if c == "-" else value


def _terminator(text, p, end):
    """After a statement: the end, or a line end or ';' and the blanks and
    line ends after it; -1 for anything else."""
    if p >= end:
        return p
    c: cython.Py_UCS4 = text[p]
    if c == "\n" or c == "\r" or c == ";":
        return _skip_blanks_eol(text, p + 1, end)
    return -1


def _skip_blanks(text, p, end):
    c: cython.Py_UCS4
    while p < end:
        c = text[p]
        if c != " " and c != "\t":
            break
        p += 1
    return p


def _skip_blanks_eol(text, p, end):
    c: cython.Py_UCS4
    while p < end:
        c = text[p]
        if c != " " and c != "\t" and c != "\n" and c != "\r":
            break
        p += 1
    return p


def _is_letter(c):
    return "a" <= c <= "z" or "A" <= c <= "Z"
