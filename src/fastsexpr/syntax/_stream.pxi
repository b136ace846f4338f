# iterload: the expressions of a file read a part at a time.  Reading the
# file and placing errors in it is the twin's (_pystream.stream); this part
# gives it the compiled reader of a part, the twin of _pyreader.read_prefix.
# Both twin modules are imported where they are used: a process that never
# streams a file does not load them.


cdef object _cut_short():
    """The xend reader's errors that only say the text ended too soon: one
    list for both engines."""
    from ._pyreader import _CUT_SHORT
    return _CUT_SHORT


cdef tuple _xend_prefix(const uchar* d, Input* inp, Py_ssize_t n, bint final):
    cdef Stack st
    cdef Py_ssize_t pos = 0, end = 0, start
    cdef list out = []
    _stack_init(&st)
    try:
        while True:
            pos = _xend_skip(d, end, n)
            if pos >= n:
                # Unless final, a comment may go on.
                return out, (n if final else end), None
            start = pos
            try:
                node = _xend_one(d, inp, &st, pos, n, &end)
            except SexprSyntaxError as exc:
                if not final and (exc.msg in _cut_short() or exc.pos + 2 >= n):
                    return out, start, None
                return out, start, exc
            if end == n and not final:
                # An atom may go on.  The tree is dropped: its lists must be
                # back in the GC first.
                _stack_retrack(&st)
                node = None
                return out, start, None
            out.append(node)
    finally:
        _stack_free(&st)


cdef tuple _libvirt_prefix(const uchar* d, Input* inp, Py_ssize_t n, bint final):
    cdef Stack st
    cdef Py_ssize_t pos = 0, new = 0, unclosed = 0
    cdef list out = []
    _stack_init(&st)
    try:
        while True:
            # Closers with no list open are skipped.
            while pos < n and (_in_class(d[pos], CC_LIBVIRT_SPACE) or d[pos] == 41):
                pos += 1
            if pos >= n:
                return out, n, None
            try:
                node = _libvirt_one(d, inp, &st, pos, n, &new, &unclosed)
                if new == pos:
                    _raise_syntax_error(
                        inp, "vertical tab or form feed where an expression should start", pos)
            except SexprSyntaxError as exc:
                return out, pos, exc
            if new == n and not final:
                # Lists closed by the end, or an atom, may go on.
                _stack_retrack(&st)
                node = None
                return out, pos, None
            out.append(node)
            pos = new
    finally:
        _stack_free(&st)


def _read_prefix(str text, dialect, bint final, source=None):
    """The complete top-level expressions at the start of ``text``, a part
    of a longer text: ``(trees, stop, error)`` (see the twin's docstring)."""
    cdef int dia = _dialect(dialect)
    cdef Input inp
    cdef int kind = U_KIND(text)
    cdef Py_ssize_t n = U_LEN(text)
    inp.text = <PyObject*>text
    inp.source = <PyObject*>source
    inp.data = U_DATA(text)
    inp.ascii = U_IS_ASCII(text)
    if dia == DIALECT_LIBVIRT:
        if kind == 1:
            return _libvirt_prefix(<const Py_UCS1*>inp.data, &inp, n, final)
        if kind == 2:
            return _libvirt_prefix(<const Py_UCS2*>inp.data, &inp, n, final)
        return _libvirt_prefix(<const Py_UCS4*>inp.data, &inp, n, final)
    if kind == 1:
        return _xend_prefix(<const Py_UCS1*>inp.data, &inp, n, final)
    if kind == 2:
        return _xend_prefix(<const Py_UCS2*>inp.data, &inp, n, final)
    return _xend_prefix(<const Py_UCS4*>inp.data, &inp, n, final)


def iterload(fp, *, dialect="xend"):
    """Yield every top-level expression of a file, read a part at a time
    (see the twin's docstring)."""
    _dialect(dialect)
    from . import _pystream
    return _pystream.stream(_read_prefix, fp, dialect)
