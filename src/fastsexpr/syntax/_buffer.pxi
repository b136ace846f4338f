# Out, the growing character buffer every writer fills (the _o_ functions):
# it starts 1 byte per character and widens to 2 or 4 when a wider character
# comes, so the result is built as the str it becomes.
from cpython.mem cimport PyMem_Malloc, PyMem_Realloc, PyMem_Free
from libc.string cimport memcpy, memset
from ._cpython cimport Py_UCS1, U_DATA, U_FROM_KIND, U_KIND, U_LEN, U_READ, U_WRITE, _steal

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


cdef inline int _o_char(Out* o, Py_UCS4 ch) except -1:
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


cdef str _o_value(Out* o):
    if o.len == 0:
        return ""
    return <str>_steal(U_FROM_KIND(o.kind, o.data, o.len))


# A character's replacement in a table built at import (an escape, an
# entity): its ASCII text, or len 0 where the character is written as it is.
cdef struct Replacement:
    unsigned char len
    char text[7]


cdef void _fill_replacements(Replacement* table, Py_ssize_t size, dict replacements) except *:
    cdef Py_UCS4 ch
    cdef bytes text
    memset(table, 0, size * sizeof(Replacement))
    for ch, replacement in replacements.items():
        text = replacement.encode("ascii")
        assert ch < size and 0 < len(text) <= 7
        memcpy(table[ch].text, <const char*>text, len(text))
        table[ch].len = <unsigned char>len(text)


cdef inline int _o_replacement(Out* o, const Replacement* r) except -1:
    return _o_ascii(o, r.text, r.len)
