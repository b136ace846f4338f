# first_comment: where the xend reader's first '#' comment starts.
#
# Included after the xend reader: it walks the tokens as _x_one reads them
# (white space as _x_skip skips it, quoted atoms, bare atoms ending where
# _x_one ends them) without building anything.  The twin is
# _pycore.first_comment.

cdef Py_ssize_t _x_first_comment(const uchar* d, Ctx* c, Py_ssize_t n) except -2:
    """The position of the first comment's '#', or -1 when there is none."""
    cdef Py_ssize_t pos = 0, start
    cdef Py_UCS4 ch
    while True:
        if uchar is Py_UCS1:
            while pos < n and (_CLS[d[pos]] & C_XSPACE):
                pos += 1
        else:
            while pos < n and _x_space(d[pos]):
                pos += 1
        if pos >= n:
            return -1
        ch = d[pos]
        if ch == 35:
            return pos
        if ch == 40 or ch == 41:
            pos += 1
        elif ch == 39 or ch == 34:
            start = pos
            pos += 1
            # An escape is a backslash and at least one more character,
            # none of which ends the atom.
            while pos < n and d[pos] != ch:
                pos += 2 if d[pos] == 92 else 1
            if pos >= n:
                _fail(c, "unterminated string", start)
            pos += 1
        elif uchar is Py_UCS1:
            while pos < n and not (_CLS[d[pos]] & C_STOP):
                pos += 1
        else:
            while pos < n and not _x_stop(d[pos]):
                pos += 1


def first_comment(data, *, source=None):
    """Where the first ``#`` comment of ``data`` starts, as the xend reader
    sees it (a character index), or None when it has none.

    The tokens are walked as the reader reads them, without building
    anything: a ``#`` inside a quoted atom, written as an escape, or inside a
    bare atom is no comment.  For text that ``loads_all`` reads, this is
    exactly where its first skipped comment starts; an unterminated quoted
    atom raises :class:`SexprSyntaxError` as the reader does.
    """
    cdef str text = _text(data, source)
    cdef Ctx c
    cdef int kind = U_KIND(text)
    cdef Py_ssize_t n = U_LEN(text), pos
    c.text = <PyObject*>text
    c.source = <PyObject*>source
    c.data = U_DATA(text)
    c.ascii = U_IS_ASCII(text)
    if kind == 1:
        pos = _x_first_comment(<const Py_UCS1*>c.data, &c, n)
    elif kind == 2:
        pos = _x_first_comment(<const Py_UCS2*>c.data, &c, n)
    else:
        pos = _x_first_comment(<const Py_UCS4*>c.data, &c, n)
    return None if pos < 0 else pos
