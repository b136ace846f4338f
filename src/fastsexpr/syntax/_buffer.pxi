from cpython.ref cimport PyObject, Py_INCREF, Py_DECREF, Py_XDECREF
from cpython.mem cimport PyMem_Malloc, PyMem_Realloc, PyMem_Free
from libc.string cimport memcpy, memchr, memcmp, memset
from ._cpython cimport *


# ---------------------------------------------------------------- output buffer

cdef struct Out:
    char* data
    int kind            # 1, 2 or 4 bytes per character, widened on demand
    Py_ssize_t len
    Py_ssize_t cap      # in characters


cdef inline void _o_init(Out* o) noexcept:
    o.data = NULL
    o.kind = 1
    o.len = 0
    o.cap = 0


cdef inline void _o_free(Out* o) noexcept:
    PyMem_Free(o.data)
    o.data = NULL
    o.len = 0
    o.cap = 0
    o.kind = 1


cdef int _o_grow(Out* o, Py_ssize_t need) except -1:
    cdef Py_ssize_t ncap = o.cap * 2
    cdef char* p
    if ncap < o.len + need:
        ncap = o.len + need
    if ncap < 256:
        ncap = 256
    p = <char*>PyMem_Realloc(o.data, ncap * o.kind)
    if p == NULL:
        raise MemoryError()
    o.data = p
    o.cap = ncap
    return 0


cdef inline int _o_reserve(Out* o, Py_ssize_t need) except -1:
    if o.len + need > o.cap:
        _o_grow(o, need)
    return 0


cdef int _o_widen(Out* o, int kind) except -1:
    cdef Py_ssize_t cap = o.cap if o.cap > 256 else 256
    cdef char* p = <char*>PyMem_Malloc(cap * kind)
    cdef Py_ssize_t i
    if p == NULL:
        raise MemoryError()
    for i in range(o.len):
        U_WRITE(kind, p, i, U_READ(o.kind, o.data, i))
    PyMem_Free(o.data)
    o.data = p
    o.kind = kind
    o.cap = cap
    return 0


cdef inline int _kind_of(Py_UCS4 ch) noexcept nogil:
    if ch < 256:
        return 1
    if ch < 65536:
        return 2
    return 4


cdef inline int _o_ch(Out* o, Py_UCS4 ch) except -1:
    if o.kind < 4 and _kind_of(ch) > o.kind:
        _o_widen(o, _kind_of(ch))
    _o_reserve(o, 1)
    if o.kind == 1:
        o.data[o.len] = <char>ch
    else:
        U_WRITE(o.kind, o.data, o.len, ch)
    o.len += 1
    return 0


cdef inline int _o_ascii(Out* o, const char* s, Py_ssize_t n) except -1:
    cdef Py_ssize_t i
    _o_reserve(o, n)
    if o.kind == 1:
        memcpy(o.data + o.len, s, n)
    else:
        for i in range(n):
            U_WRITE(o.kind, o.data, o.len + i, <Py_UCS1>s[i])
    o.len += n
    return 0


cdef int _o_spaces(Out* o, Py_ssize_t n) except -1:
    cdef Py_ssize_t i
    if n <= 0:
        return 0
    _o_reserve(o, n)
    for i in range(n):
        U_WRITE(o.kind, o.data, o.len + i, 32)
    o.len += n
    return 0


cdef int _o_str(Out* o, str s) except -1:
    cdef int sk = U_KIND(s)
    cdef Py_ssize_t n = U_LEN(s), i
    cdef const void* sd = U_DATA(s)
    if sk > o.kind:
        _o_widen(o, sk)
    _o_reserve(o, n)
    if sk == o.kind:
        memcpy(o.data + o.len * sk, sd, n * sk)
    else:
        for i in range(n):
            U_WRITE(o.kind, o.data, o.len + i, U_READ(sk, sd, i))
    o.len += n
    return 0


cdef int _o_esc(Out* o, str s) except -1:
    """``esc(s)`` into the buffer."""
    cdef int sk = U_KIND(s)
    cdef Py_ssize_t n = U_LEN(s), i, j
    cdef const void* sd = U_DATA(s)
    cdef const Py_UCS1* b
    cdef char* dst
    cdef Py_UCS4 ch
    if sk > o.kind:
        _o_widen(o, sk)
    _o_reserve(o, 2 * n)
    if o.kind == 1:
        b = <const Py_UCS1*>sd
        dst = o.data
        j = o.len
        for i in range(n):
            if b[i] == 39 or b[i] == 92:
                dst[j] = 92
                j += 1
            dst[j] = <char>b[i]
            j += 1
        o.len = j
        return 0
    j = o.len
    for i in range(n):
        ch = U_READ(sk, sd, i)
        if ch == 39 or ch == 92:
            U_WRITE(o.kind, o.data, j, 92)
            j += 1
        U_WRITE(o.kind, o.data, j, ch)
        j += 1
    o.len = j
    return 0


cdef bint _xml_special(str s) noexcept:
    cdef int sk = U_KIND(s)
    cdef Py_ssize_t n = U_LEN(s), i
    cdef const void* sd = U_DATA(s)
    cdef const Py_UCS1* b
    cdef Py_UCS4 ch
    if sk == 1:
        b = <const Py_UCS1*>sd
        for i in range(n):
            ch = b[i]
            if ch <= 62 and (ch == 38 or ch == 60 or ch == 62 or ch == 34 or ch == 39):
                return True
        return False
    for i in range(n):
        ch = U_READ(sk, sd, i)
        if ch <= 62 and (ch == 38 or ch == 60 or ch == 62 or ch == 34 or ch == 39):
            return True
    return False


cdef int _o_xml_escaped(Out* o, str s) except -1:
    """The escaping branch of ``xml_escape`` (s holds a special character)."""
    cdef int sk = U_KIND(s)
    cdef Py_ssize_t n = U_LEN(s), i
    cdef const void* sd = U_DATA(s)
    cdef Py_UCS4 ch
    if sk > o.kind:
        _o_widen(o, sk)
    _o_reserve(o, 6 * n)
    for i in range(n):
        ch = U_READ(sk, sd, i)
        if ch <= 62:
            if ch == 38:
                _o_ascii(o, b"&amp;", 5)
                continue
            if ch == 60:
                _o_ascii(o, b"&lt;", 4)
                continue
            if ch == 62:
                _o_ascii(o, b"&gt;", 4)
                continue
            if ch == 34:
                _o_ascii(o, b"&quot;", 6)
                continue
            if ch == 39:
                _o_ascii(o, b"&apos;", 6)
                continue
            if ch < 32 and ch != 9 and ch != 10 and ch != 13:
                continue
        U_WRITE(o.kind, o.data, o.len, ch)
        o.len += 1
    return 0


cdef inline int _o_xml(Out* o, str s) except -1:
    if _xml_special(s):
        return _o_xml_escaped(o, s)
    return _o_str(o, s)


cdef str _o_value(Out* o):
    if o.len == 0:
        return ""
    return <str>_steal(U_FROM_KIND(o.kind, o.data, o.len))
