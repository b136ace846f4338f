# Character classes: one table that the readers, strtol and dumps consult.
from libc.string cimport memset

# C's isspace() in the "C" locale (fastsexpr.model.scalars.C_SPACE): xend
# skips it between elements, both dialects end a bare atom at it, strtol
# skips it before the number.
C_SPACE = " \t\n\v\f\r"
# libvirt's reader skips only these before an element: a VT or FF ends an
# atom there without being skipped.
LIBVIRT_SPACE = " \t\n\r"
# dumps quotes an atom that holds one of these, a control character, space
# or DEL; any other atom reads back the same written bare.
ATOM_SPECIALS = "()'\"\\#"

cdef enum:
    CC_C_SPACE = 1
    CC_LIBVIRT_SPACE = 2
    CC_ENDS_ATOM = 4    # C_SPACE and both parens, in both dialects
    CC_NEEDS_QUOTES = 8

# The classes of each character below 256 (filled at import); a wider
# character is in none.
cdef unsigned char _CHAR_CLASS[256]


cdef void _init_char_classes() except *:
    cdef Py_UCS4 ch
    memset(_CHAR_CLASS, 0, sizeof(_CHAR_CLASS))
    for ch in C_SPACE:
        _CHAR_CLASS[ch] |= CC_C_SPACE | CC_ENDS_ATOM
    for ch in LIBVIRT_SPACE:
        _CHAR_CLASS[ch] |= CC_LIBVIRT_SPACE
    for ch in "()":
        _CHAR_CLASS[ch] |= CC_ENDS_ATOM
    for ch in range(33):
        _CHAR_CLASS[ch] |= CC_NEEDS_QUOTES
    for ch in ATOM_SPECIALS + "\x7f":
        _CHAR_CLASS[ch] |= CC_NEEDS_QUOTES


_init_char_classes()


cdef inline bint _in_class(Py_UCS4 ch, unsigned char classes) noexcept nogil:
    # The range test vanishes where ch comes from a 1-byte str.
    return ch < 256 and (_CHAR_CLASS[ch] & classes) != 0


cdef inline int _hex_value(unsigned int ch) noexcept nogil:
    """The value of a hex digit, or -1."""
    if 48 <= ch <= 57:
        return ch - 48
    if 97 <= ch <= 102:
        return ch - 87
    if 65 <= ch <= 70:
        return ch - 55
    return -1
