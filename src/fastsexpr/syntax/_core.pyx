# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The SEXPR syntax engine, compiled.

The twin of :mod:`fastsexpr.syntax._pycore`: the same functions and classes with
the same results, errors and positions (see that module's docstring for the
two reader dialects).  The readers work on the ``str`` buffer itself, keep
open lists on an explicit stack (deep nesting cannot exhaust the C stack)
and build each list once, at its exact size, when it closes.  The emitters
write into one growing character buffer instead of joining fragments.

Inputs of unusual types (``str`` subclasses with their own ``__eq__``,
objects with a ``replace`` method, ...) are handed to the pure twin so that
both give the same answer on every input; only exact ``str`` takes the fast
path.
"""
cimport cython
from cpython.ref cimport PyObject, Py_INCREF, Py_DECREF, Py_XDECREF
from cpython.mem cimport PyMem_Malloc, PyMem_Realloc, PyMem_Free
from libc.string cimport memcpy, memchr, memcmp, memset

from ..errors import SexprSyntaxError
from . import _pycore
from sys import intern

cdef extern from "Python.h":
    ctypedef unsigned char Py_UCS1
    ctypedef unsigned short Py_UCS2
    int U_KIND "PyUnicode_KIND"(object)
    void* U_DATA "PyUnicode_DATA"(object)
    Py_ssize_t U_LEN "PyUnicode_GET_LENGTH"(object)
    bint U_IS_ASCII "PyUnicode_IS_ASCII"(object)
    Py_UCS4 U_READ "PyUnicode_READ"(int, const void*, Py_ssize_t)
    void U_WRITE "PyUnicode_WRITE"(int, void*, Py_ssize_t, Py_UCS4)
    PyObject* U_NEW "PyUnicode_New"(Py_ssize_t, Py_UCS4) except NULL
    PyObject* U_SUBSTR "PyUnicode_Substring"(PyObject*, Py_ssize_t, Py_ssize_t) except NULL
    PyObject* U_FROM_KIND "PyUnicode_FromKindAndData"(int, const void*, Py_ssize_t) except NULL
    void* RAW_DATA "PyUnicode_DATA"(PyObject*)
    PyObject* L_NEW "PyList_New"(Py_ssize_t) except NULL
    ctypedef struct PyListObject:
        PyObject** ob_item
        Py_ssize_t allocated
    void SET_SIZE "Py_SET_SIZE"(PyObject*, Py_ssize_t)
    void GC_UNTRACK "PyObject_GC_UnTrack"(void*)
    void GC_TRACK "PyObject_GC_Track"(void*)
    void L_SET "PyList_SET_ITEM"(PyObject*, Py_ssize_t, PyObject*)
    Py_ssize_t L_SIZE "PyList_GET_SIZE"(object)
    PyObject* L_ITEM "PyList_GET_ITEM"(object, Py_ssize_t)
    bint L_CHECK "PyList_Check"(object)
    bint U_CHECK "PyUnicode_Check"(object)
    bint U_CHECK_P "PyUnicode_Check"(PyObject*)
    bint L_CHECK_P "PyList_Check"(PyObject*)
    Py_ssize_t L_SIZE_P "PyList_GET_SIZE"(PyObject*)
    PyObject* L_ITEM_P "PyList_GET_ITEM"(PyObject*, Py_ssize_t)
    bint U_EXACT "PyUnicode_CheckExact"(object)
    bint U_EXACT_P "PyUnicode_CheckExact"(PyObject*)
    int U_KIND_P "PyUnicode_KIND"(PyObject*)
    Py_ssize_t U_LEN_P "PyUnicode_GET_LENGTH"(PyObject*)

ctypedef fused uchar:
    Py_UCS1
    Py_UCS2
    Py_UCS4

__all__ = [
    "loads",
    "loads_all",
    "first_comment",
    "dumps",
    "esc",
    "find_key",
    "has",
    "lookup",
    "value",
    "value_copy",
    "first_values",
    "strtol",
    "to_int",
    "to_u64",
    "xml_escape",
    "SexprWriter",
    "XmlWriter",
]

DIALECTS = ("xend", "libvirt")

cdef enum:
    D_XEND = 0
    D_LIBVIRT = 1


cdef int _dialect(object dialect) except -1:
    if dialect == "xend":
        return D_XEND
    if dialect == "libvirt":
        return D_LIBVIRT
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


# --------------------------------------------------------------- known atoms

# xend's vocabulary: the keys of ``xm list --long`` / ``/xend/domain`` output
# and the words its values are usually spelled with (spec files, libvirt's
# xend driver).  Most atoms of a domain document are among them: they are
# built once, at import, and shared by every parse instead of being created
# and freed each time.  The tables below are filled by ``_init_vocab`` and
# never written afterwards, so readers in any thread can use them freely.
_XEND_VOCAB = (
    # domain
    "domain", "domid", "name", "uuid", "memory", "maxmem", "shadow_memory",
    "memory_dynamic_max", "memory_dynamic_min", "vcpus", "vcpu_avail",
    "online_vcpus", "cpus", "cpu_cap", "cpu_weight", "cpu_time", "bootloader",
    "bootloader_args", "localtime", "description", "on_poweroff", "on_reboot",
    "on_crash", "on_xend_start", "on_xend_stop", "state", "status",
    "shutdown_reason", "start_time", "up_time", "store_mfn", "console_mfn",
    "features",
    # image
    "image", "hvm", "linux", "kernel", "ramdisk", "args", "root", "loader",
    "device_model", "boot", "cdrom", "acpi", "apic", "pae", "hap", "viridian",
    "hpet", "rtc_timeoffset", "serial", "parallel", "usb", "usbdevice",
    "soundhw", "vnc", "vncunused", "vncdisplay", "vnclisten", "vncpasswd",
    "vncport", "sdl", "display", "xauthority", "keymap", "fda", "fdb",
    "notes", "FEATURES", "GUEST_OS", "GUEST_VERSION", "HYPERCALL_PAGE",
    "LOADER", "PADDR_OFFSET", "PAE_MODE", "SUSPEND_CANCEL", "VIRT_BASE",
    "XEN_VERSION", "ENTRY",
    # devices
    "device", "vbd", "tap", "tap2", "vif", "vfb", "vkbd", "pci", "console",
    "dev", "uname", "mode", "bootable", "backend", "protocol", "driver", "mac",
    "bridge", "script", "ip", "model", "type", "vifname", "location", "slot",
    "func", "bus",
    # values
    "destroy", "restart", "rename-restart", "preserve", "coredump-destroy",
    "coredump-restart", "vif-bridge", "vif-route", "vif-nat", "ioemu",
    "netfront", "none", "pty", "null", "vc", "stdio", "tcp", "udp", "unix",
    "file", "phy", "aio", "qcow", "qcow2", "vhd", "raw", "disk", "floppy",
    "hda", "hdb", "hdc", "hdd", "sda", "sdb", "xvda", "xvdb", "xvdc", "ioemu:hda",
    "hdc:cdrom", "w!", "mouse", "tablet", "localhost", "xenbr0",
    "xenbr1", "utc",
)

cdef enum:
    VOCAB_SLOTS = 512   # open addressing, a power of two; mostly empty so misses end soon
    VOCAB_MAX = 24      # no word is longer

cdef PyObject* _VOCAB[VOCAB_SLOTS]
# The one-character ASCII strs (CPython's own shared objects).
cdef PyObject* _CHAR1[128]


cdef inline unsigned int _ahash(const unsigned char* s, Py_ssize_t n) noexcept nogil:
    # A few sampled bytes are enough (n >= 2): a collision only costs a probe.
    return <unsigned int>n * 131 + s[0] * 31 + s[n - 1] * 7 + s[n >> 1] * 3 + s[1]


cdef void _init_vocab() except *:
    cdef int i
    cdef unsigned int h
    cdef str w
    cdef PyObject* p
    for i in range(VOCAB_SLOTS):
        _VOCAB[i] = NULL
    for i in range(128):
        w = chr(i)
        Py_INCREF(w)
        _CHAR1[i] = <PyObject*>w
    for w in _XEND_VOCAB:
        assert 2 <= len(w) <= VOCAB_MAX and w.isascii()
        w = intern(w)
        h = _ahash(<const unsigned char*>U_DATA(w), len(w)) & (VOCAB_SLOTS - 1)
        while _VOCAB[h] != NULL and <object>_VOCAB[h] != w:
            h = (h + 1) & (VOCAB_SLOTS - 1)
        if _VOCAB[h] == NULL:
            Py_INCREF(w)          # held for the life of the process
            _VOCAB[h] = <PyObject*>w


_init_vocab()


cdef inline bint _same(const void* a, const void* b, Py_ssize_t n) noexcept nogil:
    # Atoms are short: a plain loop beats a call to memcmp.
    cdef const unsigned char* x = <const unsigned char*>a
    cdef const unsigned char* y = <const unsigned char*>b
    cdef Py_ssize_t i
    for i in range(n):
        if x[i] != y[i]:
            return False
    return True


cdef inline PyObject* _known(const unsigned char* s, Py_ssize_t n, unsigned int h) noexcept:
    """A new reference to the shared atom spelled ``s[:n]``, or NULL."""
    cdef PyObject* p
    h &= VOCAB_SLOTS - 1
    while True:
        p = _VOCAB[h]
        if p == NULL:
            return NULL
        if U_LEN_P(p) == n and _same(RAW_DATA(p), s, n):
            Py_INCREF(<object>p)
            return p
        h = (h + 1) & (VOCAB_SLOTS - 1)


cdef inline PyObject* _atom(Ctx* c, Py_ssize_t a, Py_ssize_t b) except NULL:
    cdef Py_ssize_t n = b - a
    cdef PyObject* p
    if c.ascii and n > 1:
        p = U_NEW(n, 127)
        memcpy(RAW_DATA(p), <const char*>c.data + a, n)
        return p
    return U_SUBSTR(c.text, a, b)


cdef inline PyObject* _catom(Ctx* c, Stack* st, Py_ssize_t a, Py_ssize_t b) except NULL:
    """Like ``_atom``, but short ASCII atoms are shared: xend's vocabulary
    from the module's table, others from the per-call cache."""
    cdef Py_ssize_t n = b - a, i
    cdef const unsigned char* s
    cdef unsigned int h
    cdef PyObject* p
    if not c.ascii:
        return _atom(c, a, b)
    s = <const unsigned char*>c.data + a
    if n == 1:
        p = _CHAR1[s[0]]
        Py_INCREF(<object>p)
        return p
    if n < 2 or n > VOCAB_MAX:
        return _atom(c, a, b)
    h = _ahash(s, n)
    p = _known(s, n, h)
    if p != NULL:
        return p
    if n > ACACHE_MAX:
        return _atom(c, a, b)
    h &= ACACHE - 1
    p = st.cache[h]
    if p != NULL and U_LEN_P(p) == n and _same(RAW_DATA(p), s, n):
        Py_INCREF(<object>p)
        return p
    p = U_NEW(n, 127)
    memcpy(RAW_DATA(p), s, n)
    if st.cache[h] == NULL:
        st.used[st.nused] = <unsigned char>h
        st.nused += 1
    else:
        Py_DECREF(<object>st.cache[h])
    Py_INCREF(<object>p)
    st.cache[h] = p
    return p


cdef int _fail(Ctx* c, str msg, Py_ssize_t pos) except -1:
    raise SexprSyntaxError(msg, <object>c.text, pos, <object>c.source)


cdef object _steal(PyObject* p):
    cdef object r = <object>p
    Py_DECREF(r)
    return r


# ---------------------------------------------------------------- libvirt reader

cdef object _lv_one(const uchar* d, Ctx* c, Stack* st, Py_ssize_t pos, Py_ssize_t n,
                    Py_ssize_t* out):
    """Read one element at ``pos`` the way libvirt does (``st`` starts empty)."""
    cdef Py_UCS4 ch
    cdef Py_ssize_t start, i
    cdef PyObject* node
    cdef const Py_UCS1* q
    while True:
        if uchar is Py_UCS1:
            while pos < n and _CLS[d[pos]] & C_LVSKIP:
                pos += 1
        else:
            while pos < n and _lv_skip(d[pos]):
                pos += 1
        if st.depth:
            if pos >= n:
                # End of input closes every open list.
                while True:
                    node = _st_close(st)
                    if st.depth == 0:
                        out[0] = pos
                        return _steal(node)
                    _st_push(st, node)
            if d[pos] == 41:
                pos += 1
                node = _st_close(st)
                if st.depth == 0:
                    out[0] = pos
                    return _steal(node)
                _st_push(st, node)
                continue
        ch = d[pos] if pos < n else 0
        if pos < n and ch == 40:
            _st_open(st, pos)
            pos += 1
            continue
        if pos < n and ch == 39:
            start = i = pos + 1
            if uchar is Py_UCS1:
                # Most quoted atoms hold no backslash: find the quote at once.
                q = <const Py_UCS1*>memchr(d + start, 39, n - start)
                i = n if q == NULL else q - d
                if memchr(d + start, 92, i - start) != NULL:
                    i = start
            while i < n and d[i] != 39:
                if d[i] == 92 and i + 1 < n:
                    i += 2
                else:
                    i += 1
            node = _catom(c, st, start, i)
            pos = i + 1 if i < n else n
        else:
            start = pos
            if uchar is Py_UCS1:
                while pos < n and not (_CLS[d[pos]] & C_STOP):
                    pos += 1
            else:
                while pos < n and not _lv_stop(d[pos]):
                    pos += 1
            if st.depth and pos == start:
                _fail(c, "vertical tab or form feed where an atom should start "
                         "(libvirt would loop forever here)", pos)
            node = _catom(c, st, start, pos)
        if st.depth == 0:
            out[0] = pos
            return _steal(node)
        _st_push(st, node)


cdef Py_ssize_t _lv_end(const uchar* d, Py_ssize_t n) noexcept nogil:
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


cdef object _lv_loads(const uchar* d, Ctx* c, Py_ssize_t n):
    cdef Stack st
    cdef Py_ssize_t pos = 0
    _st_init(&st)
    try:
        return _lv_one(d, c, &st, 0, _lv_end(d, n), &pos)
    finally:
        _st_free(&st)


cdef list _lv_loads_all(const uchar* d, Ctx* c, Py_ssize_t n):
    cdef Stack st
    cdef Py_ssize_t pos = 0, new = 0
    cdef list res = []
    n = _lv_end(d, n)
    _st_init(&st)
    try:
        while True:
            while pos < n and _lv_skip(d[pos]):
                pos += 1
            if pos >= n:
                return res
            if d[pos] == 41:
                # A closer with no list open: libvirt ignores whatever follows
                # its one expression, and real dumps close a list too many.
                pos += 1
                continue
            node = _lv_one(d, c, &st, pos, n, &new)
            if new == pos:
                _fail(c, "vertical tab or form feed where an expression should start", pos)
            res.append(node)
            pos = new
    finally:
        _st_free(&st)


# ------------------------------------------------------------------- xend reader

cdef Py_ssize_t _x_skip(const uchar* d, Py_ssize_t pos, Py_ssize_t n) noexcept nogil:
    """Skip white space and ``#`` comments."""
    cdef Py_UCS4 ch
    while pos < n:
        ch = d[pos]
        if (_CLS[ch] & C_XSPACE) if uchar is Py_UCS1 else _x_space(ch):
            pos += 1
        elif ch == 35:
            while pos < n and d[pos] != 10:
                pos += 1
            if pos < n:
                pos += 1
        else:
            break
    return pos


cdef PyObject* _x_string(const uchar* d, Ctx* c, Stack* st, Py_ssize_t pos, Py_ssize_t n,
                         Py_ssize_t* out) except NULL:
    """The quoted atom whose quote is at ``pos``; ``out`` gets the position after it."""
    cdef Py_UCS4 q = d[pos]
    cdef Py_UCS4 ch, e
    cdef Py_ssize_t i = pos + 1, j, blen = 0, bcap
    cdef Py_UCS4* buf
    cdef Py_UCS4* nb
    cdef unsigned int v
    cdef PyObject* r
    cdef const Py_UCS1* e1
    if uchar is Py_UCS1:
        # Most quoted atoms hold no backslash: find the quote at once.
        e1 = <const Py_UCS1*>memchr(d + i, q, n - i)
        if e1 != NULL and memchr(d + i, 92, e1 - (d + i)) == NULL:
            out[0] = (e1 - d) + 1
            return _catom(c, st, pos + 1, e1 - d)
    while i < n:
        ch = d[i]
        if ch == q:
            out[0] = i + 1
            return _catom(c, st, pos + 1, i)
        if ch == 92:
            break
        i += 1
    if i >= n:
        _fail(c, "unterminated string", pos)
    # Escapes present: decode into a buffer, left to right, so that errors
    # come out in the same order as the reference reader raises them.
    bcap = (i - pos) + 64
    buf = <Py_UCS4*>PyMem_Malloc(bcap * sizeof(Py_UCS4))
    if buf == NULL:
        raise MemoryError()
    try:
        for j in range(pos + 1, i):
            buf[blen] = d[j]
            blen += 1
        while True:
            if i >= n:
                _fail(c, "unterminated string", pos)
            if blen + 1 >= bcap:
                bcap *= 2
                nb = <Py_UCS4*>PyMem_Realloc(buf, bcap * sizeof(Py_UCS4))
                if nb == NULL:
                    raise MemoryError()
                buf = nb
            ch = d[i]
            if ch == q:
                r = U_FROM_KIND(4, buf, blen)
                out[0] = i + 1
                return r
            if ch != 92:
                buf[blen] = ch
                blen += 1
                i += 1
                continue
            if i + 1 >= n:
                _fail(c, "unterminated string", pos)
            e = d[i + 1]
            if e == 97:
                buf[blen] = 7
            elif e == 98:
                buf[blen] = 8
            elif e == 116:
                buf[blen] = 9
            elif e == 110:
                buf[blen] = 10
            elif e == 118:
                buf[blen] = 11
            elif e == 102:
                buf[blen] = 12
            elif e == 114:
                buf[blen] = 13
            elif e == 92 or e == 39 or e == 34:
                buf[blen] = e
            elif e == 120:
                j = i + 2
                v = 0
                while j < n and j < i + 4 and _hexval(d[j]) >= 0:
                    v = v * 16 + _hexval(d[j])
                    j += 1
                if j == i + 2:
                    _fail(c, "invalid \\x escape", i)
                buf[blen] = v
                blen += 1
                i = j
                continue
            elif 48 <= e <= 55:
                j = i + 1
                v = 0
                while j < n and j < i + 4 and 48 <= d[j] <= 55:
                    v = v * 8 + (<unsigned int>d[j] - 48)
                    j += 1
                buf[blen] = v
                blen += 1
                i = j
                continue
            else:
                # An unknown escape keeps the character, as xend's reader does.
                buf[blen] = e
            blen += 1
            i += 2
    finally:
        PyMem_Free(buf)


cdef object _x_one(const uchar* d, Ctx* c, Stack* st, Py_ssize_t pos, Py_ssize_t n,
                   Py_ssize_t* out):
    """Read one complete element at ``pos`` (``st`` starts empty)."""
    cdef Py_UCS4 ch
    cdef Py_ssize_t start
    cdef PyObject* node
    while True:
        pos = _x_skip(d, pos, n)
        if pos >= n:
            if st.depth:
                _fail(c, "unclosed '('", st.opens[st.depth - 1])
            _fail(c, "expected an expression", pos)
        ch = d[pos]
        if ch == 40:
            _st_open(st, pos)
            pos += 1
            continue
        if ch == 41:
            if st.depth == 0:
                _fail(c, "unexpected ')'", pos)
            pos += 1
            node = _st_close(st)
            if st.depth == 0:
                out[0] = pos
                return _steal(node)
            _st_push(st, node)
            continue
        if ch == 39 or ch == 34:
            node = _x_string(d, c, st, pos, n, &pos)
        else:
            start = pos
            if uchar is Py_UCS1:
                while pos < n and not (_CLS[d[pos]] & C_STOP):
                    pos += 1
            else:
                while pos < n and not _x_stop(d[pos]):
                    pos += 1
            node = _catom(c, st, start, pos)
        if st.depth == 0:
            out[0] = pos
            return _steal(node)
        _st_push(st, node)


cdef object _x_loads(const uchar* d, Ctx* c, Py_ssize_t n):
    cdef Stack st
    cdef Py_ssize_t pos = 0
    _st_init(&st)
    try:
        node = _x_one(d, c, &st, 0, n, &pos)
    finally:
        _st_free(&st)
    pos = _x_skip(d, pos, n)
    if pos < n:
        _fail(c, "extra data after the expression", pos)
    return node


cdef list _x_loads_all(const uchar* d, Ctx* c, Py_ssize_t n):
    cdef Stack st
    cdef Py_ssize_t pos
    cdef list res = []
    _st_init(&st)
    try:
        pos = _x_skip(d, 0, n)
        while pos < n:
            res.append(_x_one(d, c, &st, pos, n, &pos))
            pos = _x_skip(d, pos, n)
        return res
    finally:
        _st_free(&st)


include "_comments.pxi"     # first_comment: where the xend reader's first comment starts


# ------------------------------------------------------------------ public read

def loads(data, *, dialect="xend", source=None):
    """Read one SEXPR expression from ``data`` (``str`` or UTF-8 ``bytes``).

    ``source`` (a file name) is only used in error messages.
    """
    return _read(data, dialect, source, False)


def loads_all(data, *, dialect="xend", source=None):
    """Read every top-level expression of ``data`` into a list."""
    return _read(data, dialect, source, True)


cdef object _lv_read(const uchar* d, Ctx* c, Py_ssize_t n, bint every):
    return _lv_loads_all(d, c, n) if every else _lv_loads(d, c, n)


cdef object _x_read(const uchar* d, Ctx* c, Py_ssize_t n, bint every):
    return _x_loads_all(d, c, n) if every else _x_loads(d, c, n)


cdef object _read(data, dialect, source, bint every):
    """Pick the reader for the dialect and for the width of the str's characters."""
    cdef int dia = _dialect(dialect)
    cdef str text = _text(data, source)
    cdef Ctx c
    cdef int kind = U_KIND(text)
    cdef Py_ssize_t n = U_LEN(text)
    c.text = <PyObject*>text
    c.source = <PyObject*>source
    c.data = U_DATA(text)
    c.ascii = U_IS_ASCII(text)
    if dia == D_LIBVIRT:
        if kind == 1:
            return _lv_read(<const Py_UCS1*>c.data, &c, n, every)
        if kind == 2:
            return _lv_read(<const Py_UCS2*>c.data, &c, n, every)
        return _lv_read(<const Py_UCS4*>c.data, &c, n, every)
    if kind == 1:
        return _x_read(<const Py_UCS1*>c.data, &c, n, every)
    if kind == 2:
        return _x_read(<const Py_UCS2*>c.data, &c, n, every)
    return _x_read(<const Py_UCS4*>c.data, &c, n, every)


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


def esc(s):
    """libvirt's formatter escape: a backslash before every ``'`` and ``\\``."""
    cdef Out o
    if not U_EXACT(s):
        return _pycore.esc(s)
    if not _needs_esc(<str>s):
        return s
    _o_init(&o)
    try:
        _o_esc(&o, <str>s)
        return _o_value(&o)
    finally:
        _o_free(&o)


cdef bint _needs_esc(str s) noexcept:
    cdef int sk = U_KIND(s)
    cdef Py_ssize_t n = U_LEN(s), i
    cdef const void* sd = U_DATA(s)
    cdef Py_UCS4 ch
    if sk == 1:
        return (memchr(sd, 39, n) != NULL) or (memchr(sd, 92, n) != NULL)
    for i in range(n):
        ch = U_READ(sk, sd, i)
        if ch == 39 or ch == 92:
            return True
    return False


# ---------------------------------------------------------------- path helpers

cdef bint _tok_eq(object head, str path, Py_ssize_t a, Py_ssize_t b, bint negate) except -1:
    """``head == path[a:b]`` as the reference compares a head with a token."""
    cdef Py_ssize_t n = b - a, i
    cdef int hk, pk
    cdef const void* hd
    cdef const void* pd
    if not U_EXACT(head):
        if negate:
            return not (head != path[a:b])
        return bool(head == path[a:b])
    if U_LEN(head) != n:
        return False
    hk = U_KIND(head)
    pk = U_KIND(path)
    hd = U_DATA(head)
    pd = U_DATA(path)
    if hk == pk:
        return memcmp(hd, <const char*>pd + a * pk, n * pk) == 0
    for i in range(n):
        if U_READ(hk, hd, i) != U_READ(pk, pd, a + i):
            return False
    return True


cdef inline Py_ssize_t _next_slash(str path, Py_ssize_t a, Py_ssize_t n) noexcept:
    cdef int pk = U_KIND(path)
    cdef const void* pd = U_DATA(path)
    cdef const void* p
    if pk == 1:
        p = memchr(<const char*>pd + a, 47, n - a)
        return n if p == NULL else <Py_ssize_t>(<const char*>p - <const char*>pd)
    while a < n and U_READ(pk, pd, a) != 47:
        a += 1
    return a


cdef object _find(object node, str path):
    """``find_key`` on an exact ``str`` path without splitting it."""
    cdef Py_ssize_t n = U_LEN(path), a, b, k, tl
    cdef int pk = U_KIND(path)
    cdef const char* pd = <const char*>U_DATA(path)
    cdef PyObject* cur
    cdef PyObject* m
    cdef PyObject* h
    cdef PyObject* found
    cdef object keep, mo, ho
    if not L_CHECK(node) or L_SIZE(node) == 0:
        return None
    b = _next_slash(path, 0, n)
    if not _tok_eq(<object>L_ITEM(node, 0), path, 0, b, True):
        return None
    keep = node
    cur = <PyObject*>node
    while b < n:
        a = b + 1
        b = _next_slash(path, a, n)
        tl = b - a
        found = NULL
        k = 1
        while k < L_SIZE_P(cur):
            m = L_ITEM_P(cur, k)
            k += 1
            if not L_CHECK_P(m) or L_SIZE_P(m) == 0:
                continue
            h = L_ITEM_P(m, 0)
            if U_EXACT_P(h):
                if U_LEN_P(h) != tl:
                    continue
                if U_KIND_P(h) == pk:
                    if memcmp(RAW_DATA(h), pd + a * pk, tl * pk) == 0:
                        found = m
                        break
                    continue
            # Other kinds or types: Python code may run (``__eq__``), so hold
            # references to what the comparison touches.
            mo = <object>m
            ho = <object>h
            if _tok_eq(ho, path, a, b, False):
                found = m
                break
        if found == NULL:
            return None
        keep = <object>found
        cur = found
    return <object>cur


cdef inline object _find_any(object node, object path):
    if U_EXACT(path):
        return _find(node, <str>path)
    return _pycore.find_key(node, path)


def find_key(node, path):
    """The ``(key ...)`` list at ``path`` (``/``-separated), or None.

    The first token must be the head of ``node``; each next token picks the
    first member list whose head atom equals it.
    """
    return _find_any(node, path)


def has(node, path):
    return _find_any(node, path) is not None


def lookup(node, path):
    """The tail of the key list at ``path`` if it has one, else None."""
    found = _find_any(node, path)
    if found is None or len(found) < 2:
        return None
    return found[1:]


cdef object _value(object node, object path):
    found = _find_any(node, path)
    if found is None:
        return None
    if L_CHECK(found):
        if L_SIZE(found) < 2:
            return None
        v = <object>L_ITEM(found, 1)
    else:
        if len(found) < 2:
            return None
        v = found[1]
    return v if isinstance(v, str) else None


def value(node, path):
    """The first tail member at ``path`` if it is an atom, else None."""
    return _value(node, path)


def value_copy(node, path):
    """Like :func:`value`, but the empty atom counts as absent."""
    v = _value(node, path)
    return v if v else None


def first_values(node):
    """Every member key of ``node`` with its value, in one pass.

    For each head atom among the member lists of ``node`` (its items after
    the head), the first list with that head counts, as in :func:`find_key`;
    the key maps to that list's first tail member if it is an atom, else to
    None.  So, with ``h = node[0]``, ``first_values(node).get(k)`` is
    ``value(node, h + "/" + k)`` and ``k in first_values(node)`` is
    ``has(node, h + "/" + k)``: a reader that asks a list for many keys
    walks it once.  Anything but a list has no members: ``{}``.
    """
    cdef dict out = {}
    cdef Py_ssize_t k
    cdef object m, head, v
    if type(node) is not list:
        return _pycore.first_values(node)
    # Exact lists with exact str heads only: the dictionary then runs no
    # Python code (no __eq__/__hash__ of a str subclass, no overridden
    # __getitem__), so the pure twin's answer is the same by construction.
    for k in range(1, L_SIZE(node)):
        m = <object>L_ITEM(node, k)
        if not L_CHECK(m):
            continue
        if type(m) is not list:
            return _pycore.first_values(node)
        if L_SIZE(m) == 0:
            continue
        head = <object>L_ITEM(m, 0)
        if not U_CHECK(head):
            continue
        if not U_EXACT(head):
            return _pycore.first_values(node)
        if head in out:
            continue
        v = <object>L_ITEM(m, 1) if L_SIZE(m) > 1 else None
        out[head] = v if U_CHECK(v) else None
    return out


# ------------------------------------------------------------------ numbers

cdef enum:
    N_FAIL = 0
    N_OK = 1


cdef int _strtol_c(str s, bint unsigned_, long long* sv, unsigned long long* uv) noexcept:
    """C strtol/strtoull base 0 over the whole string; N_OK or N_FAIL."""
    cdef int sk = U_KIND(s)
    cdef const void* sd = U_DATA(s)
    cdef Py_ssize_t n = U_LEN(s), i = 0
    cdef bint neg = False
    cdef unsigned int base = 10
    cdef Py_UCS4 ch
    cdef int dv
    cdef unsigned long long mag = 0
    cdef unsigned long long limit = 0xFFFFFFFFFFFFFFFFULL
    while i < n and (U_READ(sk, sd, i) == 32 or 9 <= U_READ(sk, sd, i) <= 13):
        i += 1
    if i < n:
        ch = U_READ(sk, sd, i)
        if ch == 43 or ch == 45:
            neg = ch == 45
            i += 1
    if (i + 2 < n and U_READ(sk, sd, i) == 48 and (<unsigned int>U_READ(sk, sd, i + 1) | 32) == 120
            and _hexval(U_READ(sk, sd, i + 2)) >= 0):
        base = 16
        i += 2
    elif i < n and U_READ(sk, sd, i) == 48:
        base = 8
    if i >= n:
        return N_FAIL
    while i < n:
        ch = U_READ(sk, sd, i)
        dv = _hexval(ch)
        if dv < 0 or <unsigned int>dv >= base:
            return N_FAIL
        if mag > (limit - <unsigned int>dv) / base:
            return N_FAIL
        mag = mag * base + <unsigned int>dv
        i += 1
    if unsigned_:
        uv[0] = (0ULL - mag) if neg else mag
        return N_OK
    if neg:
        if mag > 0x8000000000000000ULL:
            return N_FAIL
        sv[0] = <long long>(0ULL - mag)
    else:
        if mag > 0x7FFFFFFFFFFFFFFFULL:
            return N_FAIL
        sv[0] = <long long>mag
    return N_OK


def strtol(s, *args, **kwargs):
    """strtol(s, unsigned=False)

    C ``strtol``/``strtoull`` with base 0 over the whole string.

    Returns the integer, or None when the string is not entirely a number
    (no digits, trailing characters, overflow of 64 bits).  With
    ``unsigned`` a leading ``-`` wraps modulo 2**64 as strtoull does.
    """
    # ``unsigned`` is a reserved word in Cython, hence the manual parsing.
    cdef long long sv = 0
    cdef unsigned long long uv = 0
    unsigned = False
    if args or kwargs:
        if len(args) > 1:
            raise TypeError(
                f"strtol() takes from 1 to 2 positional arguments but {len(args) + 1} were given")
        for k in kwargs:
            if k != "unsigned":
                raise TypeError(f"strtol() got an unexpected keyword argument '{k}'")
            if args:
                raise TypeError("strtol() got multiple values for argument 'unsigned'")
        unsigned = args[0] if args else kwargs["unsigned"]
    if not U_EXACT(s):
        return _pycore.strtol(s, unsigned)
    if unsigned:
        if _strtol_c(<str>s, True, &sv, &uv) == N_OK:
            return uv
        return None
    if _strtol_c(<str>s, False, &sv, &uv) == N_OK:
        return sv
    return None


def to_int(s):
    """SEXPR.md ``int``: strtol base 0, whole string, fits 32 bits; else 0."""
    cdef long long sv = 0
    cdef unsigned long long uv = 0
    if not U_EXACT(s):
        return _pycore.to_int(s)
    if _strtol_c(<str>s, False, &sv, &uv) == N_OK and -2147483648 <= sv <= 2147483647:
        return sv
    return 0


def to_u64(s):
    """SEXPR.md ``u64``: strtoull base 0, whole string; any failure is 0."""
    cdef long long sv = 0
    cdef unsigned long long uv = 0
    if not U_EXACT(s):
        return _pycore.to_u64(s)
    if _strtol_c(<str>s, True, &sv, &uv) == N_OK:
        return uv
    return 0


# ------------------------------------------------------------------- emitters

cdef inline str _fmt(object x):
    """``f"{x}"`` as the reference writes a value into its f-strings."""
    if U_EXACT(x):
        return <str>x
    return f"{x}"


cdef inline str _esc_any(object text):
    if U_EXACT(text):
        return <str>text
    r = _pycore.esc(text)
    if not isinstance(r, str):
        raise TypeError(f"esc() result must be str, not {type(r).__name__}")
    return r


cdef int _o_int(Out* o, object number) except -1:
    cdef long long v
    cdef unsigned long long m
    cdef char tmp[24]
    cdef int p = 24
    if type(number) is not int:
        number = int(number)
    try:
        v = number
    except OverflowError:
        return _o_str(o, str(number))
    m = (0ULL - <unsigned long long>v) if v < 0 else <unsigned long long>v
    while True:
        p -= 1
        tmp[p] = <char>(48 + m % 10)
        m //= 10
        if m == 0:
            break
    if v < 0:
        p -= 1
        tmp[p] = 45
    return _o_ascii(o, tmp + p, 24 - p)


cdef int _o_quoted_pair(Out* o, str key, str text, bint escape) except -1:
    """``(key 'text')``, the text escaped or not."""
    _o_ch(o, 40)
    _o_str(o, key)
    _o_ascii(o, b" '", 2)
    if escape:
        _o_esc(o, text)
    else:
        _o_str(o, text)
    _o_ascii(o, b"')", 2)
    return 0


cdef class SexprWriter:
    """A text buffer for libvirt's SEXPR formatter.

    ``Q`` is a single-quoted value written verbatim, ``QE`` a single-quoted
    value passed through :func:`esc`.
    """

    cdef Out o

    def __cinit__(self):
        _o_init(&self.o)

    def __dealloc__(self):
        _o_free(&self.o)

    def raw(self, text):
        """Literal text."""
        if not U_CHECK(text):
            raise TypeError(f"SEXPR text must be str, not {type(text).__name__}")
        _o_str(&self.o, <str>text)

    def esc(self, text):
        """``esc(text)`` without quotes."""
        if U_EXACT(text):
            _o_esc(&self.o, <str>text)
        else:
            _o_str(&self.o, _esc_any(text))

    def pair(self, key, text):
        """``(key 'esc(text)')``"""
        if U_EXACT(text):
            _o_quoted_pair(&self.o, _fmt(key), <str>text, True)
        else:
            # The reference escapes first; an escaped value is written as is.
            _o_quoted_pair(&self.o, _fmt(key), _fmt(_pycore.esc(text)), False)

    def pair_raw(self, key, text):
        """``(key 'text')``"""
        _o_quoted_pair(&self.o, _fmt(key), _fmt(text), False)

    def pair_bare(self, key, text):
        """``(key text)``: an unquoted value (numbers, words, CHR strings)."""
        cdef str k = _fmt(key)
        cdef str t = _fmt(text)
        _o_ch(&self.o, 40)
        _o_str(&self.o, k)
        _o_ch(&self.o, 32)
        _o_str(&self.o, t)
        _o_ch(&self.o, 41)

    def pair_int(self, key, number):
        """``(key N)``"""
        cdef str k = _fmt(key)
        if type(number) is not int:
            number = int(number)
        _o_ch(&self.o, 40)
        _o_str(&self.o, k)
        _o_ch(&self.o, 32)
        _o_int(&self.o, number)
        _o_ch(&self.o, 41)

    def getvalue(self):
        return _o_value(&self.o)


@cython.boundscheck(True)      # attrs come from callers: a short pair must raise
@cython.wraparound(True)
cdef int _o_attrs(Out* o, object attrs) except -1:
    cdef bint raw
    if type(attrs) is tuple and len(<tuple>attrs) == 0:
        return 0
    for a in attrs:
        raw = len(a) == 3 and bool(a[2])
        _o_ch(o, 32)
        _o_str(o, _fmt(a[0]))
        _o_ascii(o, b"='", 2)
        val = a[1]
        if raw:
            _o_str(o, _fmt(val))
        elif U_EXACT(val):
            _o_xml(o, <str>val)
        else:
            _o_str(o, _fmt(_pycore.xml_escape(val)))
        _o_ch(o, 39)
    return 0


cdef class XmlWriter:
    """A text buffer that writes XML in libvirt's layout.

    Two spaces of indentation per level, every element on its own line,
    single-quoted attributes.  ``attrs`` is a sequence of ``(name, value)``
    pairs escaped with :func:`xml_escape`, or ``(name, value, True)`` for a
    value libvirt writes raw.
    """

    cdef Out o
    cdef Py_ssize_t depth

    def __cinit__(self):
        _o_init(&self.o)
        self.depth = 0

    def __dealloc__(self):
        _o_free(&self.o)

    cdef int _open(self, str tag, object attrs) except -1:
        """Indentation, ``<tag`` and the attributes; all or nothing."""
        cdef Py_ssize_t mark = self.o.len
        try:
            _o_spaces(&self.o, 2 * self.depth)
            _o_ch(&self.o, 60)
            _o_str(&self.o, tag)
            _o_attrs(&self.o, attrs)
        except BaseException:
            self.o.len = mark
            raise
        return 0

    def start(self, tag, attrs=()):
        """``<tag ...>`` and a new level."""
        self._open(_fmt(tag), attrs)
        _o_ascii(&self.o, b">\n", 2)
        self.depth += 1

    def end(self, tag):
        """``</tag>`` closing the current level."""
        self.depth -= 1
        cdef str t = _fmt(tag)
        _o_spaces(&self.o, 2 * self.depth)
        _o_ascii(&self.o, b"</", 2)
        _o_str(&self.o, t)
        _o_ascii(&self.o, b">\n", 2)

    def empty(self, tag, attrs=()):
        """``<tag .../>``"""
        self._open(_fmt(tag), attrs)
        _o_ascii(&self.o, b"/>\n", 3)

    def text(self, tag, text, attrs=()):
        """``<tag ...>escaped text</tag>``"""
        cdef str t = _fmt(tag)
        cdef Py_ssize_t mark = self.o.len
        self._open(t, attrs)
        try:
            _o_ch(&self.o, 62)
            if U_EXACT(text):
                _o_xml(&self.o, <str>text)
            else:
                _o_str(&self.o, _fmt(_pycore.xml_escape(text)))
        except BaseException:
            self.o.len = mark
            raise
        _o_ascii(&self.o, b"</", 2)
        _o_str(&self.o, t)
        _o_ascii(&self.o, b">\n", 2)

    def getvalue(self):
        return _o_value(&self.o)


def xml_escape(s):
    """libvirt's XML text escape.

    The five XML specials become entities.  Only when at least one of them
    occurs are control characters other than TAB, LF and CR dropped too;
    otherwise the text is copied unchanged (libvirt's own quirk).
    """
    cdef Out o
    if not U_EXACT(s):
        return _pycore.xml_escape(s)
    if not _xml_special(<str>s):
        return s
    _o_init(&o)
    try:
        _o_xml_escaped(&o, <str>s)
        return _o_value(&o)
    finally:
        _o_free(&o)
