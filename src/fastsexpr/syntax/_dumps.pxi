from cpython.ref cimport PyObject, Py_INCREF, Py_DECREF, Py_XDECREF
from cpython.mem cimport PyMem_Malloc, PyMem_Realloc, PyMem_Free
from libc.string cimport memcpy, memchr, memcmp, memset
from ._cpython cimport *


# ------------------------------------------------------------------------ write

cdef bint _plain(str s) noexcept:
    cdef int sk = U_KIND(s)
    cdef Py_ssize_t n = U_LEN(s), i
    cdef const void* sd = U_DATA(s)
    cdef Py_UCS4 ch
    if n == 0:
        return False
    for i in range(n):
        ch = U_READ(sk, sd, i)
        if ch <= 40:
            # controls, space and the specials ( " # '
            if ch <= 32 or ch == 34 or ch == 35 or ch == 39 or ch == 40:
                return False
        elif ch == 41 or ch == 92 or ch == 127:
            return False
    return True


cdef const char* _HEXDIGITS = b"0123456789abcdef"


cdef int _o_atom(Out* o, str s) except -1:
    """An atom as the xend reader reads it back: bare when it can be."""
    cdef int sk
    cdef Py_ssize_t n, i
    cdef const void* sd
    cdef Py_UCS4 ch
    cdef char hx[4]
    if _plain(s):
        return _o_str(o, s)
    sk = U_KIND(s)
    n = U_LEN(s)
    sd = U_DATA(s)
    _o_ch(o, 39)
    for i in range(n):
        ch = U_READ(sk, sd, i)
        if ch == 92:
            _o_ascii(o, b"\\\\", 2)
        elif ch == 39:
            _o_ascii(o, b"\\'", 2)
        elif ch == 10:
            _o_ascii(o, b"\\n", 2)
        elif ch == 9:
            _o_ascii(o, b"\\t", 2)
        elif ch == 13:
            _o_ascii(o, b"\\r", 2)
        elif ch < 32 or ch == 127:
            hx[0] = 92
            hx[1] = 120
            hx[2] = _HEXDIGITS[(<unsigned int>ch) >> 4]
            hx[3] = _HEXDIGITS[(<unsigned int>ch) & 15]
            _o_ascii(o, hx, 4)
        else:
            _o_ch(o, ch)
    _o_ch(o, 39)
    return 0


cdef struct WFrame:
    PyObject* node
    Py_ssize_t i
    bint broken


def dumps(tree, *, indent=None):
    """Write a tree as SEXPR text that ``loads`` reads back to the same tree.

    Compact by default.  With ``indent=N``, from the first list member of a
    list on, every member starts a new line indented N spaces per depth; the
    atoms before it stay on the opening line, so a list of atoms only is one
    line.
    """
    if indent is not None and (not isinstance(indent, int) or isinstance(indent, bool) or indent < 0):
        raise ValueError("indent must be a non-negative int or None")
    cdef bint has_indent = indent is not None
    # An absurd indent fails the way the reference fails, and only when a
    # line break is actually written: the spaces are then built in Python.
    cdef bint huge = has_indent and indent >= (1 << 40)
    cdef Py_ssize_t ind = indent if has_indent and not huge else 0
    cdef Out o
    cdef WFrame* frames = NULL
    cdef WFrame* nf
    cdef Py_ssize_t sp = 0, fcap = 0, i = 0
    cdef PyObject* node
    cdef PyObject* member
    cdef bint broken = False, is_atom
    _o_init(&o)
    try:
        if isinstance(tree, str):
            _o_atom(&o, <str>tree)
            return _o_value(&o)
        if not isinstance(tree, list):
            raise TypeError(f"SEXPR lists must be list, not {type(tree).__name__}")
        node = <PyObject*>tree
        _o_ch(&o, 40)
        # Iterative, so that deeply nested trees cannot exhaust the C stack.
        # No Python code runs inside the loop, so the borrowed references in
        # the frames stay valid.
        while True:
            if i < L_SIZE_P(node):
                member = L_ITEM_P(node, i)
                i += 1
                is_atom = U_CHECK_P(member)
                if not is_atom and not L_CHECK_P(member):
                    raise TypeError(
                        f"SEXPR lists must be list, not {type(<object>member).__name__}")
                if has_indent and (broken or not is_atom):
                    broken = True
                    _o_ch(&o, 10)
                    if huge:
                        _o_str(&o, " " * (indent * (sp + 1)))
                    _o_spaces(&o, ind * (sp + 1))
                elif i > 1:
                    _o_ch(&o, 32)
                if is_atom:
                    _o_atom(&o, <str>member)
                else:
                    if sp == fcap:
                        fcap = fcap * 2 if fcap else 64
                        nf = <WFrame*>PyMem_Realloc(frames, fcap * sizeof(WFrame))
                        if nf == NULL:
                            raise MemoryError()
                        frames = nf
                    frames[sp].node = node
                    frames[sp].i = i
                    frames[sp].broken = broken
                    sp += 1
                    node = member
                    i = 0
                    broken = False
                    _o_ch(&o, 40)
                continue
            _o_ch(&o, 41)
            if sp == 0:
                return _o_value(&o)
            sp -= 1
            node = frames[sp].node
            i = frames[sp].i
            broken = frames[sp].broken
    finally:
        PyMem_Free(frames)
        _o_free(&o)
