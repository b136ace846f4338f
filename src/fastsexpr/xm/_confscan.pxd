# The C signatures of _confscan.py for its compiled build (Cython's
# augmenting .pxd): the module itself stays plain Python.
cpdef Py_ssize_t scan(str text, Py_ssize_t p, Py_ssize_t end, list entries, list comments,
                      object comment) except -2
cdef Py_ssize_t _statement(str text, Py_ssize_t p, Py_ssize_t end, list entries) except -2
cdef Py_ssize_t _list(str text, Py_ssize_t p, Py_ssize_t end, list items) except -2
cdef Py_ssize_t _item_end(str text, Py_ssize_t p, Py_ssize_t end) noexcept
cdef object _item(str text, Py_ssize_t p, Py_ssize_t stop)
cdef Py_ssize_t _terminator(str text, Py_ssize_t p, Py_ssize_t end) noexcept
cdef Py_ssize_t _skip_blanks(str text, Py_ssize_t p, Py_ssize_t end) noexcept
cdef Py_ssize_t _skip_blanks_eol(str text, Py_ssize_t p, Py_ssize_t end) noexcept
cdef bint _is_letter(Py_UCS4 c) noexcept
