# dumps: a tree back to SEXPR text that the xend reader reads back the same.
from cpython.ref cimport PyObject
from cpython.mem cimport PyMem_Realloc, PyMem_Free
from ._cpython cimport (L_CHECK_P, L_ITEM_P, L_SIZE_P, U_CHECK_P, U_DATA, U_KIND, U_LEN,
                        U_READ)

# What a quoted atom writes for these characters; other controls and DEL
# become \xHH.
cdef Replacement _ATOM_ESCAPES[128]
_fill_replacements(_ATOM_ESCAPES, 128,
                   {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\t": "\\t", "\r": "\\r"})

cdef const char* _HEX_DIGITS = b"0123456789abcdef"


cdef bint _is_bare_atom(str s) noexcept:
    cdef int sk = U_KIND(s)
    cdef Py_ssize_t n = U_LEN(s), i
    cdef const void* sd = U_DATA(s)
    if n == 0:
        return False
    for i in range(n):
        if _in_class(U_READ(sk, sd, i), CC_NEEDS_QUOTES):
            return False
    return True


cdef int _o_atom(Out* o, str s) except -1:
    """An atom as the xend reader reads it back: bare when it can be."""
    cdef int sk
    cdef Py_ssize_t n, i
    cdef const void* sd
    cdef Py_UCS4 ch
    cdef char hx[4]
    if _is_bare_atom(s):
        return _o_str(o, s)
    sk = U_KIND(s)
    n = U_LEN(s)
    sd = U_DATA(s)
    _o_char(o, 39)
    for i in range(n):
        ch = U_READ(sk, sd, i)
        if ch < 128 and _ATOM_ESCAPES[ch].len != 0:
            _o_replacement(o, &_ATOM_ESCAPES[ch])
        elif ch < 32 or ch == 127:
            hx[0] = 92
            hx[1] = 120
            hx[2] = _HEX_DIGITS[(<unsigned int>ch) >> 4]
            hx[3] = _HEX_DIGITS[(<unsigned int>ch) & 15]
            _o_ascii(o, hx, 4)
        else:
            _o_char(o, ch)
    _o_char(o, 39)
    return 0


def dumps(tree, *, indent=None):
    """Write a tree as SEXPR text that ``loads`` reads back to the same tree.

    Compact by default.  With ``indent=N``, from the first list member of a
    list on, every member starts a new line indented N spaces per depth; the
    atoms before it stay on the opening line, so a list of atoms only is one
    line.
    """
    if indent is not None and (not isinstance(indent, int) or isinstance(indent, bool) or indent < 0):
        raise ValueError("indent must be a non-negative int or None")
    cdef Out o
    _o_init(&o)
    try:
        if isinstance(tree, str):
            _o_atom(&o, <str>tree)
        elif isinstance(tree, list):
            _o_tree(&o, <list>tree, indent)
        else:
            raise TypeError(f"SEXPR lists must be list, not {type(tree).__name__}")
        return _o_value(&o)
    finally:
        _o_free(&o)


cdef struct DumpFrame:
    PyObject* node      # an open list (borrowed: the tree holds it)
    Py_ssize_t next     # the index of its next member
    bint broken         # a member of it started a new line


cdef int _o_tree(Out* o, list tree, object indent) except -1:
    """The list ``tree`` as SEXPR text, walked without recursion so that deep
    nesting cannot exhaust the C stack.  No Python code runs in the walk, so
    the borrowed references in the frames stay valid."""
    cdef bint has_indent = indent is not None
    # An absurd indent fails the way the reference fails, and only when a
    # line break is actually written: the spaces are then built in Python.
    cdef bint huge = has_indent and indent >= (1 << 40)
    cdef Py_ssize_t ind = indent if has_indent and not huge else 0
    cdef DumpFrame* frames = NULL
    cdef Py_ssize_t depth = 0, frames_cap = 0, i = 0
    cdef PyObject* node = <PyObject*>tree
    cdef PyObject* member
    cdef bint broken = False, is_atom
    _o_char(o, 40)
    try:
        while True:
            if i >= L_SIZE_P(node):
                _o_char(o, 41)
                if depth == 0:
                    return 0
                depth -= 1
                node = frames[depth].node
                i = frames[depth].next
                broken = frames[depth].broken
                continue
            member = L_ITEM_P(node, i)
            i += 1
            is_atom = U_CHECK_P(member)
            if not is_atom and not L_CHECK_P(member):
                raise TypeError(f"SEXPR lists must be list, not {type(<object>member).__name__}")
            if has_indent and (broken or not is_atom):
                broken = True
                _o_char(o, 10)
                if huge:
                    _o_str(o, " " * (indent * (depth + 1)))
                _o_spaces(o, ind * (depth + 1))
            elif i > 1:
                _o_char(o, 32)
            if is_atom:
                _o_atom(o, <str>member)
                continue
            if depth == frames_cap:
                frames = _more_frames(frames, &frames_cap)
            frames[depth].node = node
            frames[depth].next = i
            frames[depth].broken = broken
            depth += 1
            node = member
            i = 0
            broken = False
            _o_char(o, 40)
    finally:
        PyMem_Free(frames)


cdef DumpFrame* _more_frames(DumpFrame* frames, Py_ssize_t* cap) except NULL:
    cdef Py_ssize_t ncap = cap[0] * 2 if cap[0] else 64
    cdef DumpFrame* grown = <DumpFrame*>PyMem_Realloc(frames, ncap * sizeof(DumpFrame))
    if grown == NULL:
        raise MemoryError()
    cap[0] = ncap
    return grown
