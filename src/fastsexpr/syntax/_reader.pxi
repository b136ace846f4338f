from cpython.ref cimport PyObject, Py_INCREF, Py_DECREF, Py_XDECREF
from cpython.mem cimport PyMem_Malloc, PyMem_Realloc, PyMem_Free
from libc.string cimport memcpy, memchr, memcmp, memset
from ._cpython cimport *

ctypedef fused uchar:
    Py_UCS1
    Py_UCS2
    Py_UCS4


cdef enum:
    D_XEND = 0
    D_LIBVIRT = 1


cdef int _dialect(object dialect) except -1:
    if dialect == "xend":
        return D_XEND
    if dialect == "libvirt":
        return D_LIBVIRT
    raise ValueError(f"unknown dialect {dialect!r}: expected 'xend' or 'libvirt'")


cdef str _text(object data, object source):
    """Decode ``bytes`` as strict UTF-8, naming the byte offset on failure."""
    cdef bytes raw
    if isinstance(data, str):
        return data
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = data if type(data) is bytes else bytes(data)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            doc = raw.decode("utf-8", "replace")
            pos = len(raw[: exc.start].decode("utf-8", "replace"))
            raise SexprSyntaxError(
                f"invalid UTF-8 byte 0x{raw[exc.start]:02x} at byte offset {exc.start}",
                doc, pos, source) from None
    raise TypeError(f"SEXPR input must be str or bytes, not {type(data).__name__}")


# ---------------------------------------------------------------- libvirt reader

cdef object _lv_one(const uchar* d, Ctx* c, Stack* st, Py_ssize_t pos, Py_ssize_t n,
                    Py_ssize_t* out):
    """Read one element at ``pos`` the way libvirt does (``st`` starts empty)."""
    cdef Py_UCS4 ch
    cdef Py_ssize_t start, i
    cdef PyObject* node
    cdef const Py_UCS1* q
    while True:
        if uchar is Py_UCS1:
            while pos < n and _CLS[d[pos]] & C_LVSKIP:
                pos += 1
        else:
            while pos < n and _lv_skip(d[pos]):
                pos += 1
        if st.depth:
            if pos >= n:
                # End of input closes every open list.
                while True:
                    node = _st_close(st)
                    if st.depth == 0:
                        out[0] = pos
                        return _steal(node)
                    _st_push(st, node)
            if d[pos] == 41:
                pos += 1
                node = _st_close(st)
                if st.depth == 0:
                    out[0] = pos
                    return _steal(node)
                _st_push(st, node)
                continue
        ch = d[pos] if pos < n else 0
        if pos < n and ch == 40:
            _st_open(st, pos)
            pos += 1
            continue
        if pos < n and ch == 39:
            start = i = pos + 1
            if uchar is Py_UCS1:
                # Most quoted atoms hold no backslash: find the quote at once.
                q = <const Py_UCS1*>memchr(d + start, 39, n - start)
                i = n if q == NULL else q - d
                if memchr(d + start, 92, i - start) != NULL:
                    i = start
            while i < n and d[i] != 39:
                if d[i] == 92 and i + 1 < n:
                    i += 2
                else:
                    i += 1
            node = _catom(c, st, start, i)
            pos = i + 1 if i < n else n
        else:
            start = pos
            if uchar is Py_UCS1:
                while pos < n and not (_CLS[d[pos]] & C_STOP):
                    pos += 1
            else:
                while pos < n and not _lv_stop(d[pos]):
                    pos += 1
            if st.depth and pos == start:
                _fail(c, "vertical tab or form feed where an atom should start "
                         "(libvirt would loop forever here)", pos)
            node = _catom(c, st, start, pos)
        if st.depth == 0:
            out[0] = pos
            return _steal(node)
        _st_push(st, node)


cdef Py_ssize_t _lv_end(const uchar* d, Py_ssize_t n) noexcept nogil:
    cdef const void* p
    cdef Py_ssize_t i
    if uchar is Py_UCS1:
        p = memchr(d, 0, n)
        return n if p == NULL else <Py_ssize_t>(<const Py_UCS1*>p - d)
    else:
        for i in range(n):
            if d[i] == 0:
                return i
        return n


cdef object _lv_loads(const uchar* d, Ctx* c, Py_ssize_t n):
    cdef Stack st
    cdef Py_ssize_t pos = 0
    _st_init(&st)
    try:
        return _lv_one(d, c, &st, 0, _lv_end(d, n), &pos)
    finally:
        _st_free(&st)


cdef list _lv_loads_all(const uchar* d, Ctx* c, Py_ssize_t n):
    cdef Stack st
    cdef Py_ssize_t pos = 0, new = 0
    cdef list res = []
    n = _lv_end(d, n)
    _st_init(&st)
    try:
        while True:
            while pos < n and _lv_skip(d[pos]):
                pos += 1
            if pos >= n:
                return res
            if d[pos] == 41:
                # A closer with no list open: libvirt ignores whatever follows
                # its one expression, and real dumps close a list too many.
                pos += 1
                continue
            node = _lv_one(d, c, &st, pos, n, &new)
            if new == pos:
                _fail(c, "vertical tab or form feed where an expression should start", pos)
            res.append(node)
            pos = new
    finally:
        _st_free(&st)


# ------------------------------------------------------------------- xend reader

cdef Py_ssize_t _x_skip(const uchar* d, Py_ssize_t pos, Py_ssize_t n) noexcept nogil:
    """Skip white space and ``#`` comments."""
    cdef Py_UCS4 ch
    while pos < n:
        ch = d[pos]
        if (_CLS[ch] & C_XSPACE) if uchar is Py_UCS1 else _x_space(ch):
            pos += 1
        elif ch == 35:
            while pos < n and d[pos] != 10:
                pos += 1
            if pos < n:
                pos += 1
        else:
            break
    return pos


cdef PyObject* _x_string(const uchar* d, Ctx* c, Stack* st, Py_ssize_t pos, Py_ssize_t n,
                         Py_ssize_t* out) except NULL:
    """The quoted atom whose quote is at ``pos``; ``out`` gets the position after it."""
    cdef Py_UCS4 q = d[pos]
    cdef Py_UCS4 ch, e
    cdef Py_ssize_t i = pos + 1, j, blen = 0, bcap
    cdef Py_UCS4* buf
    cdef Py_UCS4* nb
    cdef unsigned int v
    cdef PyObject* r
    cdef const Py_UCS1* e1
    if uchar is Py_UCS1:
        # Most quoted atoms hold no backslash: find the quote at once.
        e1 = <const Py_UCS1*>memchr(d + i, q, n - i)
        if e1 != NULL and memchr(d + i, 92, e1 - (d + i)) == NULL:
            out[0] = (e1 - d) + 1
            return _catom(c, st, pos + 1, e1 - d)
    while i < n:
        ch = d[i]
        if ch == q:
            out[0] = i + 1
            return _catom(c, st, pos + 1, i)
        if ch == 92:
            break
        i += 1
    if i >= n:
        _fail(c, "unterminated string", pos)
    # Escapes present: decode into a buffer, left to right, so that errors
    # come out in the same order as the reference reader raises them.
    bcap = (i - pos) + 64
    buf = <Py_UCS4*>PyMem_Malloc(bcap * sizeof(Py_UCS4))
    if buf == NULL:
        raise MemoryError()
    try:
        for j in range(pos + 1, i):
            buf[blen] = d[j]
            blen += 1
        while True:
            if i >= n:
                _fail(c, "unterminated string", pos)
            if blen + 1 >= bcap:
                bcap *= 2
                nb = <Py_UCS4*>PyMem_Realloc(buf, bcap * sizeof(Py_UCS4))
                if nb == NULL:
                    raise MemoryError()
                buf = nb
            ch = d[i]
            if ch == q:
                r = U_FROM_KIND(4, buf, blen)
                out[0] = i + 1
                return r
            if ch != 92:
                buf[blen] = ch
                blen += 1
                i += 1
                continue
            if i + 1 >= n:
                _fail(c, "unterminated string", pos)
            e = d[i + 1]
            if e == 97:
                buf[blen] = 7
            elif e == 98:
                buf[blen] = 8
            elif e == 116:
                buf[blen] = 9
            elif e == 110:
                buf[blen] = 10
            elif e == 118:
                buf[blen] = 11
            elif e == 102:
                buf[blen] = 12
            elif e == 114:
                buf[blen] = 13
            elif e == 92 or e == 39 or e == 34:
                buf[blen] = e
            elif e == 120:
                j = i + 2
                v = 0
                while j < n and j < i + 4 and _hexval(d[j]) >= 0:
                    v = v * 16 + _hexval(d[j])
                    j += 1
                if j == i + 2:
                    _fail(c, "invalid \\x escape", i)
                buf[blen] = v
                blen += 1
                i = j
                continue
            elif 48 <= e <= 55:
                j = i + 1
                v = 0
                while j < n and j < i + 4 and 48 <= d[j] <= 55:
                    v = v * 8 + (<unsigned int>d[j] - 48)
                    j += 1
                buf[blen] = v
                blen += 1
                i = j
                continue
            else:
                # An unknown escape keeps the character, as xend's reader does.
                buf[blen] = e
            blen += 1
            i += 2
    finally:
        PyMem_Free(buf)


cdef object _x_one(const uchar* d, Ctx* c, Stack* st, Py_ssize_t pos, Py_ssize_t n,
                   Py_ssize_t* out):
    """Read one complete element at ``pos`` (``st`` starts empty)."""
    cdef Py_UCS4 ch
    cdef Py_ssize_t start
    cdef PyObject* node
    while True:
        pos = _x_skip(d, pos, n)
        if pos >= n:
            if st.depth:
                _fail(c, "unclosed '('", st.opens[st.depth - 1])
            _fail(c, "expected an expression", pos)
        ch = d[pos]
        if ch == 40:
            _st_open(st, pos)
            pos += 1
            continue
        if ch == 41:
            if st.depth == 0:
                _fail(c, "unexpected ')'", pos)
            pos += 1
            node = _st_close(st)
            if st.depth == 0:
                out[0] = pos
                return _steal(node)
            _st_push(st, node)
            continue
        if ch == 39 or ch == 34:
            node = _x_string(d, c, st, pos, n, &pos)
        else:
            start = pos
            if uchar is Py_UCS1:
                while pos < n and not (_CLS[d[pos]] & C_STOP):
                    pos += 1
            else:
                while pos < n and not _x_stop(d[pos]):
                    pos += 1
            node = _catom(c, st, start, pos)
        if st.depth == 0:
            out[0] = pos
            return _steal(node)
        _st_push(st, node)


cdef object _x_loads(const uchar* d, Ctx* c, Py_ssize_t n):
    cdef Stack st
    cdef Py_ssize_t pos = 0
    _st_init(&st)
    try:
        node = _x_one(d, c, &st, 0, n, &pos)
    finally:
        _st_free(&st)
    pos = _x_skip(d, pos, n)
    if pos < n:
        _fail(c, "extra data after the expression", pos)
    return node


cdef list _x_loads_all(const uchar* d, Ctx* c, Py_ssize_t n):
    cdef Stack st
    cdef Py_ssize_t pos
    cdef list res = []
    _st_init(&st)
    try:
        pos = _x_skip(d, 0, n)
        while pos < n:
            res.append(_x_one(d, c, &st, pos, n, &pos))
            pos = _x_skip(d, pos, n)
        return res
    finally:
        _st_free(&st)


# ------------------------------------------------------------------ public read

def loads(data, *, dialect="xend", source=None):
    """Read one SEXPR expression from ``data`` (``str`` or UTF-8 ``bytes``).

    ``source`` (a file name) is only used in error messages.
    """
    return _read(data, dialect, source, False)


def loads_all(data, *, dialect="xend", source=None):
    """Read every top-level expression of ``data`` into a list."""
    return _read(data, dialect, source, True)


cdef object _lv_read(const uchar* d, Ctx* c, Py_ssize_t n, bint every):
    return _lv_loads_all(d, c, n) if every else _lv_loads(d, c, n)


cdef object _x_read(const uchar* d, Ctx* c, Py_ssize_t n, bint every):
    return _x_loads_all(d, c, n) if every else _x_loads(d, c, n)


cdef object _read(data, dialect, source, bint every):
    """Pick the reader for the dialect and for the width of the str's characters."""
    cdef int dia = _dialect(dialect)
    cdef str text = _text(data, source)
    cdef Ctx c
    cdef int kind = U_KIND(text)
    cdef Py_ssize_t n = U_LEN(text)
    c.text = <PyObject*>text
    c.source = <PyObject*>source
    c.data = U_DATA(text)
    c.ascii = U_IS_ASCII(text)
    if dia == D_LIBVIRT:
        if kind == 1:
            return _lv_read(<const Py_UCS1*>c.data, &c, n, every)
        if kind == 2:
            return _lv_read(<const Py_UCS2*>c.data, &c, n, every)
        return _lv_read(<const Py_UCS4*>c.data, &c, n, every)
    if kind == 1:
        return _x_read(<const Py_UCS1*>c.data, &c, n, every)
    if kind == 2:
        return _x_read(<const Py_UCS2*>c.data, &c, n, every)
    return _x_read(<const Py_UCS4*>c.data, &c, n, every)
