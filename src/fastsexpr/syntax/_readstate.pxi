from cpython.ref cimport PyObject, Py_INCREF, Py_DECREF, Py_XDECREF
from cpython.mem cimport PyMem_Malloc, PyMem_Realloc, PyMem_Free
from libc.string cimport memcpy, memchr, memcmp, memset
from ._cpython cimport *


# ------------------------------------------------------------------ read state

cdef struct Ctx:
    PyObject* text      # the whole decoded text (errors quote it)
    PyObject* source
    const void* data
    bint ascii

cdef enum:
    ACACHE = 128        # slots of the atom cache (a power of two)
    ACACHE_MAX = 16     # longest atom worth caching
    GC_EXEMPT = 512     # lists a parse may build before it hides new ones from the GC
    INLINE_ITEMS = 256
    INLINE_FRAMES = 64

cdef struct Stack:
    PyObject** items    # finished members of every open list, innermost last
    Py_ssize_t nitems
    Py_ssize_t cap
    Py_ssize_t* starts  # per open list: index of its first member in items
    Py_ssize_t* opens   # per open list: position of its '('
    Py_ssize_t depth
    Py_ssize_t fcap
    Py_ssize_t nlists   # lists built so far
    PyObject** made     # lists built past GC_EXEMPT, kept out of the GC until the end
    Py_ssize_t nmade
    Py_ssize_t mcap
    PyObject* cache[ACACHE]  # recent short atoms, shared instead of rebuilt
    unsigned char used[ACACHE]  # the slots filled so far, in order
    Py_ssize_t nused
    # A typical document fits these; bigger ones move to the heap.
    PyObject* items0[INLINE_ITEMS]
    Py_ssize_t starts0[INLINE_FRAMES]
    Py_ssize_t opens0[INLINE_FRAMES]


cdef void _st_init(Stack* s) noexcept:
    s.items = s.items0
    s.nitems = 0
    s.cap = INLINE_ITEMS
    s.starts = s.starts0
    s.opens = s.opens0
    s.depth = 0
    s.fcap = INLINE_FRAMES
    s.nlists = 0
    s.made = NULL
    s.nmade = 0
    s.mcap = 0
    s.nused = 0
    memset(s.cache, 0, sizeof(s.cache))


cdef void _st_free(Stack* s) noexcept:
    cdef Py_ssize_t i
    # Every list is alive here (held by items or by the result): hand them
    # back to the GC before anything is released.
    for i in range(s.nmade):
        GC_TRACK(s.made[i])
    s.nmade = 0
    PyMem_Free(s.made)
    s.made = NULL
    s.mcap = 0
    for i in range(s.nused):
        Py_XDECREF(s.cache[s.used[i]])
        s.cache[s.used[i]] = NULL
    s.nused = 0
    for i in range(s.nitems):
        Py_XDECREF(s.items[i])
    s.nitems = 0
    s.depth = 0
    if s.items != s.items0:
        PyMem_Free(s.items)
    if s.starts != s.starts0:
        PyMem_Free(s.starts)
    if s.opens != s.opens0:
        PyMem_Free(s.opens)
    s.items = s.items0
    s.starts = s.starts0
    s.opens = s.opens0
    s.cap = INLINE_ITEMS
    s.fcap = INLINE_FRAMES


cdef void* _grow(void* old, void* inline_buf, Py_ssize_t n, Py_ssize_t ncap, size_t size) noexcept:
    """Move an array of n elements to a heap block of ncap (NULL on failure)."""
    cdef void* p
    if old == inline_buf:
        p = PyMem_Malloc(ncap * size)
        if p != NULL:
            memcpy(p, old, n * size)
        return p
    return PyMem_Realloc(old, ncap * size)


cdef int _st_more_items(Stack* s, PyObject* o) except -1:
    cdef PyObject** p = <PyObject**>_grow(s.items, s.items0, s.nitems, s.cap * 2, sizeof(PyObject*))
    if p == NULL:
        Py_DECREF(<object>o)
        raise MemoryError()
    s.items = p
    s.cap *= 2
    return 0


cdef inline int _st_push(Stack* s, PyObject* o) except -1:
    """Push a new reference (stolen, released on failure)."""
    if s.nitems == s.cap:
        _st_more_items(s, o)
    s.items[s.nitems] = o
    s.nitems += 1
    return 0


cdef int _st_open(Stack* s, Py_ssize_t pos) except -1:
    cdef Py_ssize_t* a
    cdef Py_ssize_t* b
    if s.depth == s.fcap:
        a = <Py_ssize_t*>_grow(s.starts, s.starts0, s.depth, s.fcap * 2, sizeof(Py_ssize_t))
        if a == NULL:
            raise MemoryError()
        s.starts = a          # bigger than fcap now; fcap grows once both have
        b = <Py_ssize_t*>_grow(s.opens, s.opens0, s.depth, s.fcap * 2, sizeof(Py_ssize_t))
        if b == NULL:
            raise MemoryError()
        s.opens = b
        s.fcap *= 2
    s.starts[s.depth] = s.nitems
    s.opens[s.depth] = pos
    s.depth += 1
    return 0


cdef PyObject* _st_close(Stack* s) except NULL:
    """Close the innermost list: a new reference, not pushed anywhere."""
    cdef Py_ssize_t start = s.starts[s.depth - 1]
    cdef Py_ssize_t k = s.nitems - start
    cdef PyObject** p
    cdef PyObject* lst
    cdef Py_ssize_t ncap
    if s.nlists >= GC_EXEMPT and s.nmade == s.mcap:
        ncap = s.mcap * 2 if s.mcap else 256
        p = <PyObject**>PyMem_Realloc(s.made, ncap * sizeof(PyObject*))
        if p == NULL:
            raise MemoryError()
        s.made = p
        s.mcap = ncap
    # An empty list takes its members' block at once: no zeroed block to
    # fill one member at a time.
    lst = L_NEW(0)
    if k:
        p = <PyObject**>PyMem_Malloc(k * sizeof(PyObject*))
        if p == NULL:
            Py_DECREF(<object>lst)
            raise MemoryError()
        memcpy(p, s.items + start, k * sizeof(PyObject*))
        (<PyListObject*>lst).ob_item = p
        (<PyListObject*>lst).allocated = k
        SET_SIZE(lst, k)
    s.nitems = start
    s.depth -= 1
    if s.nlists < GC_EXEMPT:
        s.nlists += 1
    else:
        # A big parse allocates many lists; while they are tracked, every
        # allocation threshold triggers a collection that walks the growing
        # tree again.  They are tracked again all at once when the parse ends.
        GC_UNTRACK(lst)
        s.made[s.nmade] = lst
        s.nmade += 1
    return lst
