from cpython.ref cimport PyObject, Py_INCREF, Py_DECREF, Py_XDECREF
from cpython.mem cimport PyMem_Malloc, PyMem_Realloc, PyMem_Free
from libc.string cimport memcpy, memchr, memcmp, memset
from ._cpython cimport *


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
