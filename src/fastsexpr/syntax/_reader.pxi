# The two readers (libvirt's and xend's), each compiled once per width of a
# str's characters, and the public loads / loads_all / record_spans that pick one.
from operator import index

from cpython.ref cimport PyObject
from cpython.mem cimport PyMem_Malloc, PyMem_Realloc, PyMem_Free
from libc.string cimport memchr, memset
from ._cpython cimport Py_UCS1, Py_UCS2, U_DATA, U_FROM_KIND, U_IS_ASCII, U_KIND, U_LEN, _steal

ctypedef fused uchar:
    Py_UCS1
    Py_UCS2
    Py_UCS4

cdef enum:
    DIALECT_XEND = 0
    DIALECT_LIBVIRT = 1

cdef enum:
    READ_ONE = 0            # loads
    READ_ALL = 1            # loads_all
    READ_SPANS = 2          # record_spans (libvirt's reader only)
    READ_RECORDS = 3        # record_spans(trees=True): each span with its tree


cdef int _dialect(object dialect) except -1:
    if dialect == "xend":
        return DIALECT_XEND
    if dialect == "libvirt":
        return DIALECT_LIBVIRT
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

# The hot loops read the class table directly where the characters are 1
# byte wide: through _in_class the readers run measurably more instructions.

cdef inline Py_ssize_t _libvirt_quote_end(const uchar* d, Py_ssize_t start,
                                          Py_ssize_t n) noexcept nogil:
    """The closing ``'`` of the quoted atom starting at ``start``, or n.  A
    backslash skips the character after it, which stays in the atom."""
    cdef Py_ssize_t i = start
    cdef const Py_UCS1* q
    if uchar is Py_UCS1:
        # Most quoted atoms hold no backslash: find the quote at once.
        q = <const Py_UCS1*>memchr(d + start, 39, n - start)
        i = n if q == NULL else q - d
        if memchr(d + start, 92, i - start) == NULL:
            return i
        i = start
    while i < n and d[i] != 39:
        if d[i] == 92 and i + 1 < n:
            i += 2
        else:
            i += 1
    return i


cdef object _libvirt_one(const uchar* d, Input* inp, Stack* st, Py_ssize_t pos, Py_ssize_t n,
                         Py_ssize_t* out, Py_ssize_t* unclosed):
    """Read one element at ``pos`` the way libvirt does (``st`` starts empty);
    ``unclosed`` gets the number of lists the end of the text closed."""
    cdef Py_ssize_t start
    cdef PyObject* node
    unclosed[0] = 0
    while True:
        if uchar is Py_UCS1:
            while pos < n and _CHAR_CLASS[d[pos]] & CC_LIBVIRT_SPACE:
                pos += 1
        else:
            while pos < n and _in_class(d[pos], CC_LIBVIRT_SPACE):
                pos += 1
        if st.depth:
            if pos >= n:
                # End of input closes every open list.
                unclosed[0] = st.depth
                while True:
                    node = _stack_close(st)
                    if st.depth == 0:
                        out[0] = pos
                        return _steal(node)
                    _stack_push(st, node)
            if d[pos] == 41:
                pos += 1
                node = _stack_close(st)
                if st.depth == 0:
                    out[0] = pos
                    return _steal(node)
                _stack_push(st, node)
                continue
        if pos < n and d[pos] == 40:
            _stack_open(st, pos)
            pos += 1
            continue
        if pos < n and d[pos] == 39:
            start = pos + 1
            pos = _libvirt_quote_end(d, start, n)
            node = _shared_atom(inp, st, start, pos)
            if pos < n:
                pos += 1
        else:
            start = pos
            if uchar is Py_UCS1:
                while pos < n and not (_CHAR_CLASS[d[pos]] & CC_ENDS_ATOM):
                    pos += 1
            else:
                while pos < n and not _in_class(d[pos], CC_ENDS_ATOM):
                    pos += 1
            if st.depth and pos == start:
                _raise_syntax_error(inp, "vertical tab or form feed where an atom should start "
                                         "(libvirt would loop forever here)", pos)
            node = _shared_atom(inp, st, start, pos)
        if st.depth == 0:
            out[0] = pos
            return _steal(node)
        _stack_push(st, node)


cdef Py_ssize_t _libvirt_end(const uchar* d, Py_ssize_t n) noexcept nogil:
    """Where libvirt's C string ends: at the first NUL, or n."""
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


cdef object _libvirt_loads(const uchar* d, Input* inp, Py_ssize_t n):
    cdef Stack st
    cdef Py_ssize_t pos = 0, unclosed = 0
    _stack_init(&st)
    try:
        return _libvirt_one(d, inp, &st, 0, _libvirt_end(d, n), &pos, &unclosed)
    finally:
        _stack_free(&st)


cdef list _libvirt_each(const uchar* d, Input* inp, Py_ssize_t pos, Py_ssize_t n, int what):
    """Read every top-level expression from ``pos`` to ``n``: their trees
    (READ_ALL), where each lies: (start, end, lists the end closed)
    (READ_SPANS), or both (READ_RECORDS: the tree last)."""
    cdef Stack st
    cdef Py_ssize_t new = 0, unclosed = 0
    cdef list res = []
    _stack_init(&st)
    try:
        while True:
            while pos < n and _in_class(d[pos], CC_LIBVIRT_SPACE):
                pos += 1
            if pos >= n:
                return res
            if d[pos] == 41:
                # A closer with no list open: libvirt ignores whatever follows
                # its one expression, and real dumps close a list too many.
                pos += 1
                continue
            node = _libvirt_one(d, inp, &st, pos, n, &new, &unclosed)
            if new == pos:
                _raise_syntax_error(
                    inp, "vertical tab or form feed where an expression should start", pos)
            if what == READ_SPANS:
                # The tree is dropped: its lists must be back in the GC first.
                _stack_retrack(&st)
                res.append((pos, new, unclosed))
            elif what == READ_RECORDS:
                res.append((pos, new, unclosed, node))
            else:
                res.append(node)
            pos = new
    finally:
        _stack_free(&st)


# ------------------------------------------------------------------- xend reader

# The one-letter escapes of xend's quoted atoms: the letter's code point
# holds the character it stands for; 0 where a letter is not one.
cdef Py_UCS4 _XEND_ESCAPES[128]


cdef void _init_xend_escapes() except *:
    cdef Py_UCS4 letter, meaning
    memset(_XEND_ESCAPES, 0, sizeof(_XEND_ESCAPES))
    for letter, meaning in {
            "a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f",
            "r": "\r", "\\": "\\", "'": "'", '"': '"'}.items():
        _XEND_ESCAPES[letter] = meaning


_init_xend_escapes()


cdef Py_ssize_t _xend_skip(const uchar* d, Py_ssize_t pos, Py_ssize_t n) noexcept nogil:
    """Skip white space and ``#`` comments."""
    cdef Py_UCS4 ch
    while pos < n:
        ch = d[pos]
        if (_CHAR_CLASS[ch] & CC_C_SPACE) if uchar is Py_UCS1 else _in_class(ch, CC_C_SPACE):
            pos += 1
        elif ch == 35:
            while pos < n and d[pos] != 10:
                pos += 1
            if pos < n:
                pos += 1
        else:
            break
    return pos


cdef PyObject* _xend_string(const uchar* d, Input* inp, Stack* st, Py_ssize_t pos, Py_ssize_t n,
                            Py_ssize_t* out) except NULL:
    """The quoted atom whose quote is at ``pos``; ``out`` gets the position after it."""
    cdef Py_UCS4 quote = d[pos]
    cdef Py_UCS4 ch
    cdef Py_ssize_t i = pos + 1
    cdef const Py_UCS1* end
    if uchar is Py_UCS1:
        # Most quoted atoms hold no backslash: find the quote at once.
        end = <const Py_UCS1*>memchr(d + i, quote, n - i)
        if end != NULL and memchr(d + i, 92, end - (d + i)) == NULL:
            out[0] = (end - d) + 1
            return _shared_atom(inp, st, pos + 1, end - d)
    while i < n:
        ch = d[i]
        if ch == quote:
            out[0] = i + 1
            return _shared_atom(inp, st, pos + 1, i)
        if ch == 92:
            return _xend_unescape(d, inp, pos, i, n, out)
        i += 1
    _raise_syntax_error(inp, "unterminated string", pos)


cdef PyObject* _xend_unescape(const uchar* d, Input* inp, Py_ssize_t pos, Py_ssize_t i,
                              Py_ssize_t n, Py_ssize_t* out) except NULL:
    """The quoted atom at ``pos`` whose first backslash is at ``i``, decoded left
    to right so that errors come out in the order the reference reader raises them."""
    cdef Py_UCS4 quote = d[pos]
    cdef Py_UCS4 ch
    cdef Py_ssize_t j, blen = 0, bcap = (i - pos) + 64
    cdef Py_UCS4* buf = <Py_UCS4*>PyMem_Malloc(bcap * sizeof(Py_UCS4))
    cdef Py_UCS4* grown
    if buf == NULL:
        raise MemoryError()
    try:
        for j in range(pos + 1, i):
            buf[blen] = d[j]
            blen += 1
        while True:
            if i >= n:
                _raise_syntax_error(inp, "unterminated string", pos)
            if blen + 1 >= bcap:
                bcap *= 2
                grown = <Py_UCS4*>PyMem_Realloc(buf, bcap * sizeof(Py_UCS4))
                if grown == NULL:
                    raise MemoryError()
                buf = grown
            ch = d[i]
            if ch == quote:
                out[0] = i + 1
                return U_FROM_KIND(4, buf, blen)
            if ch != 92:
                buf[blen] = ch
                i += 1
            elif i + 1 >= n:
                _raise_syntax_error(inp, "unterminated string", pos)
            else:
                i = _xend_escape(d, inp, i, n, &buf[blen])
            blen += 1
    finally:
        PyMem_Free(buf)


cdef Py_ssize_t _xend_escape(const uchar* d, Input* inp, Py_ssize_t i, Py_ssize_t n,
                             Py_UCS4* decoded) except -1:
    """Decode the escape whose backslash is at ``i`` (a character follows it)
    into ``decoded``; return the position after it."""
    cdef Py_UCS4 e = d[i + 1]
    cdef Py_ssize_t j
    cdef unsigned int v = 0
    if e < 128 and _XEND_ESCAPES[e]:
        decoded[0] = _XEND_ESCAPES[e]
        return i + 2
    if e == 120:
        # \x and one or two hex digits
        j = i + 2
        while j < n and j < i + 4 and _hex_value(d[j]) >= 0:
            v = v * 16 + _hex_value(d[j])
            j += 1
        if j == i + 2:
            _raise_syntax_error(inp, "invalid \\x escape", i)
        decoded[0] = v
        return j
    if 48 <= e <= 55:
        # one to three octal digits
        j = i + 1
        while j < n and j < i + 4 and 48 <= d[j] <= 55:
            v = v * 8 + (<unsigned int>d[j] - 48)
            j += 1
        decoded[0] = v
        return j
    # An unknown escape keeps the character, as xend's reader does.
    decoded[0] = e
    return i + 2


cdef object _xend_one(const uchar* d, Input* inp, Stack* st, Py_ssize_t pos, Py_ssize_t n,
                      Py_ssize_t* out):
    """Read one complete element at ``pos`` (``st`` starts empty)."""
    cdef Py_UCS4 ch
    cdef Py_ssize_t start
    cdef PyObject* node
    while True:
        pos = _xend_skip(d, pos, n)
        if pos >= n:
            if st.depth:
                _raise_syntax_error(inp, "unclosed '('", st.opens[st.depth - 1])
            _raise_syntax_error(inp, "expected an expression", pos)
        ch = d[pos]
        if ch == 40:
            _stack_open(st, pos)
            pos += 1
            continue
        if ch == 41:
            if st.depth == 0:
                _raise_syntax_error(inp, "unexpected ')'", pos)
            pos += 1
            node = _stack_close(st)
            if st.depth == 0:
                out[0] = pos
                return _steal(node)
            _stack_push(st, node)
            continue
        if ch == 39 or ch == 34:
            node = _xend_string(d, inp, st, pos, n, &pos)
        else:
            start = pos
            if uchar is Py_UCS1:
                while pos < n and not (_CHAR_CLASS[d[pos]] & CC_ENDS_ATOM):
                    pos += 1
            else:
                while pos < n and not _in_class(d[pos], CC_ENDS_ATOM):
                    pos += 1
            node = _shared_atom(inp, st, start, pos)
        if st.depth == 0:
            out[0] = pos
            return _steal(node)
        _stack_push(st, node)


cdef object _xend_loads(const uchar* d, Input* inp, Py_ssize_t n):
    cdef Stack st
    cdef Py_ssize_t pos = 0
    _stack_init(&st)
    try:
        node = _xend_one(d, inp, &st, 0, n, &pos)
    finally:
        _stack_free(&st)
    pos = _xend_skip(d, pos, n)
    if pos < n:
        _raise_syntax_error(inp, "extra data after the expression", pos)
    return node


cdef list _xend_loads_all(const uchar* d, Input* inp, Py_ssize_t n):
    cdef Stack st
    cdef Py_ssize_t pos
    cdef list res = []
    _stack_init(&st)
    try:
        pos = _xend_skip(d, 0, n)
        while pos < n:
            res.append(_xend_one(d, inp, &st, pos, n, &pos))
            pos = _xend_skip(d, pos, n)
        return res
    finally:
        _stack_free(&st)


# ------------------------------------------------------------------ public read

def loads(data, *, dialect="xend", source=None):
    """Read one SEXPR expression from ``data`` (``str`` or UTF-8 ``bytes``).

    ``source`` (a file name) is only used in error messages.
    """
    return _read(data, dialect, source, READ_ONE)


def loads_all(data, *, dialect="xend", source=None):
    """Read every top-level expression of ``data`` into a list."""
    return _read(data, dialect, source, READ_ALL)


def record_spans(data, start=0, end=None, *, trees=False):
    """Where each top-level expression of ``data`` lies, as libvirt's reader
    reads it: ``(start, end, unclosed)``, and its tree last with ``trees``
    (see the twin's docstring; a NUL is read as any other character there,
    not as the end of the text)."""
    return _read(data, "libvirt", None, READ_RECORDS if trees else READ_SPANS, start, end)


cdef object _libvirt_read(const uchar* d, Input* inp, Py_ssize_t n, int what, Py_ssize_t start):
    if what == READ_SPANS or what == READ_RECORDS:
        return _libvirt_each(d, inp, start, n, what)
    if what == READ_ALL:
        return _libvirt_each(d, inp, 0, _libvirt_end(d, n), READ_ALL)
    return _libvirt_loads(d, inp, n)


cdef object _xend_read(const uchar* d, Input* inp, Py_ssize_t n, int what):
    return _xend_loads_all(d, inp, n) if what == READ_ALL else _xend_loads(d, inp, n)


cdef object _read(data, dialect, source, int what, object start=0, object end=None):
    """Pick the reader for the dialect and for the width of the str's
    characters; ``start`` and ``end`` bound a READ_SPANS or READ_RECORDS."""
    cdef int dia = _dialect(dialect)
    cdef str text = _text(data, source)
    cdef Input inp
    cdef int kind = U_KIND(text)
    cdef Py_ssize_t n = U_LEN(text)
    cdef Py_ssize_t first = 0
    inp.text = <PyObject*>text
    inp.source = <PyObject*>source
    inp.data = U_DATA(text)
    inp.ascii = U_IS_ASCII(text)
    if what == READ_SPANS or what == READ_RECORDS:
        start = index(start)
        end = n if end is None else index(end)
        if not 0 <= start <= end <= n:
            raise ValueError(f"start {start} and end {end} out of range for a text of "
                             f"{n} characters")
        first, n = start, end
    if dia == DIALECT_LIBVIRT:
        if kind == 1:
            return _libvirt_read(<const Py_UCS1*>inp.data, &inp, n, what, first)
        if kind == 2:
            return _libvirt_read(<const Py_UCS2*>inp.data, &inp, n, what, first)
        return _libvirt_read(<const Py_UCS4*>inp.data, &inp, n, what, first)
    if kind == 1:
        return _xend_read(<const Py_UCS1*>inp.data, &inp, n, what)
    if kind == 2:
        return _xend_read(<const Py_UCS2*>inp.data, &inp, n, what)
    return _xend_read(<const Py_UCS4*>inp.data, &inp, n, what)
