# The state of one read: the text it reads, and the stack of open lists on
# which the readers build the tree without recursing.
from cpython.ref cimport PyObject, Py_DECREF, Py_XDECREF
from cpython.mem cimport PyMem_Malloc, PyMem_Realloc, PyMem_Free
from libc.string cimport memcpy, memset
from ._cpython cimport L_NEW, SET_SIZE, PyListObject, GC_TRACK, GC_UNTRACK

cdef struct Input:
    PyObject* text      # the whole decoded text (errors quote it)
    PyObject* source    # the file name for errors, or None
    const void* data    # the text's characters, of the kind of the text
    bint ascii


cdef int _raise_syntax_error(Input* inp, str msg, Py_ssize_t pos) except -1:
    raise SexprSyntaxError(msg, <object>inp.text, pos, <object>inp.source)


cdef enum:
    ATOM_CACHE_SLOTS = 128  # a power of two
    ATOM_CACHE_MAX_LEN = 16 # longest atom worth caching
    GC_EXEMPT = 512         # lists a parse may build before it hides new ones from the GC
    INLINE_ITEMS = 256
    INLINE_FRAMES = 64

cdef struct Stack:
    PyObject** items        # finished members of every open list, innermost last
    Py_ssize_t nitems
    Py_ssize_t items_cap
    Py_ssize_t* starts      # per open list: index of its first member in items
    Py_ssize_t* opens       # per open list: position of its '('
    Py_ssize_t depth
    Py_ssize_t frames_cap   # of starts and opens
    Py_ssize_t lists_built  # counted up to GC_EXEMPT
    PyObject** untracked    # lists built past GC_EXEMPT, kept out of the GC until the end
    Py_ssize_t nuntracked
    Py_ssize_t untracked_cap
    PyObject* atom_cache[ATOM_CACHE_SLOTS]  # recent short atoms, shared instead of rebuilt
    unsigned char cache_used[ATOM_CACHE_SLOTS]  # the slots filled so far, in order
    Py_ssize_t ncache_used
    # A typical document fits these; bigger ones move to the heap.
    PyObject* inline_items[INLINE_ITEMS]
    Py_ssize_t inline_starts[INLINE_FRAMES]
    Py_ssize_t inline_opens[INLINE_FRAMES]


cdef void _stack_init(Stack* s) noexcept:
    s.items = s.inline_items
    s.nitems = 0
    s.items_cap = INLINE_ITEMS
    s.starts = s.inline_starts
    s.opens = s.inline_opens
    s.depth = 0
    s.frames_cap = INLINE_FRAMES
    s.lists_built = 0
    s.untracked = NULL
    s.nuntracked = 0
    s.untracked_cap = 0
    s.ncache_used = 0
    memset(s.atom_cache, 0, sizeof(s.atom_cache))


cdef void _stack_retrack(Stack* s) noexcept:
    """Hand the lists kept out of the GC back to it.  Each must be alive:
    call this before a finished tree is dropped (as record_spans drops each)."""
    cdef Py_ssize_t i
    for i in range(s.nuntracked):
        GC_TRACK(s.untracked[i])
    s.nuntracked = 0


cdef void _stack_free(Stack* s) noexcept:
    cdef Py_ssize_t i
    # Every list is alive here (held by items or by the result): hand them
    # back to the GC before anything is released.
    _stack_retrack(s)
    PyMem_Free(s.untracked)
    s.untracked = NULL
    s.untracked_cap = 0
    for i in range(s.ncache_used):
        Py_XDECREF(s.atom_cache[s.cache_used[i]])
        s.atom_cache[s.cache_used[i]] = NULL
    s.ncache_used = 0
    for i in range(s.nitems):
        Py_XDECREF(s.items[i])
    s.nitems = 0
    s.depth = 0
    if s.items != s.inline_items:
        PyMem_Free(s.items)
    if s.starts != s.inline_starts:
        PyMem_Free(s.starts)
    if s.opens != s.inline_opens:
        PyMem_Free(s.opens)
    s.items = s.inline_items
    s.starts = s.inline_starts
    s.opens = s.inline_opens
    s.items_cap = INLINE_ITEMS
    s.frames_cap = INLINE_FRAMES


cdef void* _grow_array(void* old, void* inline_buf, Py_ssize_t n, Py_ssize_t ncap,
                       size_t size) noexcept:
    """Move an array of n elements to a heap block of ncap (NULL on failure)."""
    cdef void* p
    if old == inline_buf:
        p = PyMem_Malloc(ncap * size)
        if p != NULL:
            memcpy(p, old, n * size)
        return p
    return PyMem_Realloc(old, ncap * size)


cdef int _stack_grow_items(Stack* s, PyObject* o) except -1:
    cdef PyObject** p = <PyObject**>_grow_array(s.items, s.inline_items, s.nitems,
                                                 s.items_cap * 2, sizeof(PyObject*))
    if p == NULL:
        Py_DECREF(<object>o)
        raise MemoryError()
    s.items = p
    s.items_cap *= 2
    return 0


cdef inline int _stack_push(Stack* s, PyObject* o) except -1:
    """Push a new reference (stolen, released on failure)."""
    if s.nitems == s.items_cap:
        _stack_grow_items(s, o)
    s.items[s.nitems] = o
    s.nitems += 1
    return 0


cdef int _stack_open(Stack* s, Py_ssize_t pos) except -1:
    cdef Py_ssize_t* a
    cdef Py_ssize_t* b
    if s.depth == s.frames_cap:
        a = <Py_ssize_t*>_grow_array(s.starts, s.inline_starts, s.depth, s.frames_cap * 2,
                                     sizeof(Py_ssize_t))
        if a == NULL:
            raise MemoryError()
        s.starts = a          # bigger than frames_cap now; it grows once both have
        b = <Py_ssize_t*>_grow_array(s.opens, s.inline_opens, s.depth, s.frames_cap * 2,
                                     sizeof(Py_ssize_t))
        if b == NULL:
            raise MemoryError()
        s.opens = b
        s.frames_cap *= 2
    s.starts[s.depth] = s.nitems
    s.opens[s.depth] = pos
    s.depth += 1
    return 0


cdef PyObject* _stack_close(Stack* s) except NULL:
    """Close the innermost list: a new reference, not pushed anywhere."""
    cdef Py_ssize_t start = s.starts[s.depth - 1]
    cdef Py_ssize_t k = s.nitems - start
    cdef PyObject** p
    cdef PyObject* lst
    cdef Py_ssize_t ncap
    if s.lists_built >= GC_EXEMPT and s.nuntracked == s.untracked_cap:
        ncap = s.untracked_cap * 2 if s.untracked_cap else 256
        p = <PyObject**>PyMem_Realloc(s.untracked, ncap * sizeof(PyObject*))
        if p == NULL:
            raise MemoryError()
        s.untracked = p
        s.untracked_cap = ncap
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
    if s.lists_built < GC_EXEMPT:
        s.lists_built += 1
    else:
        # A big parse allocates many lists; while they are tracked, every
        # allocation threshold triggers a collection that walks the growing
        # tree again.  They are tracked again all at once when the parse ends.
        GC_UNTRACK(lst)
        s.untracked[s.nuntracked] = lst
        s.nuntracked += 1
    return lst
