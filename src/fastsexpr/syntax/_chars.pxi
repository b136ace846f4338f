from cpython.ref cimport PyObject, Py_INCREF, Py_DECREF, Py_XDECREF
from cpython.mem cimport PyMem_Malloc, PyMem_Realloc, PyMem_Free
from libc.string cimport memcpy, memchr, memcmp, memset
from ._cpython cimport *


# ------------------------------------------------------------- character classes

# Character classes of the 1-byte kind as table bits (filled at import).
cdef enum:
    C_LVSKIP = 1
    C_STOP = 2          # the same set ends a bare atom in both dialects
    C_XSPACE = 4

cdef unsigned char _CLS[256]


cdef void _init_classes() noexcept:
    cdef int i
    for i in range(256):
        _CLS[i] = 0
    for i in (32, 9, 10, 13):
        _CLS[i] |= C_LVSKIP
    for i in (32, 9, 10, 11, 12, 13, 40, 41):
        _CLS[i] |= C_STOP
    for i in (32, 9, 10, 11, 12, 13):
        _CLS[i] |= C_XSPACE


_init_classes()


cdef inline bint _lv_skip(Py_UCS4 c) noexcept nogil:
    # libvirt skips only space, TAB, LF and CR.
    return c == 32 or c == 10 or c == 9 or c == 13

cdef inline bint _lv_stop(Py_UCS4 c) noexcept nogil:
    # C isspace() plus both parens; VT and FF end an atom without being skipped.
    return c <= 41 and (c == 32 or c == 40 or c == 41 or (9 <= c <= 13))

cdef inline bint _x_space(Py_UCS4 c) noexcept nogil:
    return c == 32 or (9 <= c <= 13)

cdef inline bint _x_stop(Py_UCS4 c) noexcept nogil:
    return c <= 41 and (c == 32 or c == 40 or c == 41 or (9 <= c <= 13))

cdef inline int _hexval(unsigned int c) noexcept nogil:
    if 48 <= c <= 57:
        return c - 48
    if 97 <= c <= 102:
        return c - 87
    if 65 <= c <= 70:
        return c - 55
    return -1
