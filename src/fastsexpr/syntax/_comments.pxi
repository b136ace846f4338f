# first_comment: where the xend reader's first '#' comment starts (the twin
# is _pycomments.py). It walks the tokens as _xend_one reads them (white
# space as _xend_skip skips it, quoted atoms, bare atoms ending where
# _xend_one ends them) without building anything.

cdef Py_ssize_t _xend_first_comment(const uchar* d, Input* inp, Py_ssize_t n) except -2:
    """The position of the first comment's '#', or -1 when there is none."""
    cdef Py_ssize_t pos = 0, start
    cdef Py_UCS4 ch
    while True:
        if uchar is Py_UCS1:
            while pos < n and (_CHAR_CLASS[d[pos]] & CC_C_SPACE):
                pos += 1
        else:
            while pos < n and _in_class(d[pos], CC_C_SPACE):
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
                _raise_syntax_error(inp, "unterminated string", start)
            pos += 1
        elif uchar is Py_UCS1:
            while pos < n and not (_CHAR_CLASS[d[pos]] & CC_ENDS_ATOM):
                pos += 1
        else:
            while pos < n and not _in_class(d[pos], CC_ENDS_ATOM):
                pos += 1


def first_comment(data, *, source=None):
    # Documented in _docs.py, for both engines.
    cdef str text = _text(data, source)
    cdef Input inp
    cdef int kind = U_KIND(text)
    cdef Py_ssize_t n = U_LEN(text), pos
    inp.text = <PyObject*>text
    inp.source = <PyObject*>source
    inp.data = U_DATA(text)
    inp.ascii = U_IS_ASCII(text)
    if kind == 1:
        pos = _xend_first_comment(<const Py_UCS1*>inp.data, &inp, n)
    elif kind == 2:
        pos = _xend_first_comment(<const Py_UCS2*>inp.data, &inp, n)
    else:
        pos = _xend_first_comment(<const Py_UCS4*>inp.data, &inp, n)
    return None if pos < 0 else pos
