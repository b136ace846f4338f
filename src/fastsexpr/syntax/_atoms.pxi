# Atoms shared instead of built per parse: xend's vocabulary for the life of
# the process, the one-character strs, and a small per-parse cache.
from cpython.ref cimport PyObject, Py_INCREF, Py_DECREF
from libc.string cimport memcpy
from ._cpython cimport U_DATA, U_DATA_P, U_LEN_P, U_NEW, U_SUBSTR

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
    VOCAB_MAX_LEN = 24  # no word is longer

cdef PyObject* _VOCAB[VOCAB_SLOTS]
# The one-character ASCII strs (CPython's own shared objects).
cdef PyObject* _ASCII_CHARS[128]


cdef inline unsigned int _atom_hash(const unsigned char* s, Py_ssize_t n) noexcept nogil:
    # A few sampled bytes are enough (n >= 2): a collision only costs a probe.
    return <unsigned int>n * 131 + s[0] * 31 + s[n - 1] * 7 + s[n >> 1] * 3 + s[1]


cdef void _init_vocab() except *:
    cdef int i
    cdef unsigned int h
    cdef str w
    for i in range(VOCAB_SLOTS):
        _VOCAB[i] = NULL
    for i in range(128):
        w = chr(i)
        Py_INCREF(w)
        _ASCII_CHARS[i] = <PyObject*>w
    for w in _XEND_VOCAB:
        assert 2 <= len(w) <= VOCAB_MAX_LEN and w.isascii()
        w = intern(w)
        h = _atom_hash(<const unsigned char*>U_DATA(w), len(w)) & (VOCAB_SLOTS - 1)
        while _VOCAB[h] != NULL and <object>_VOCAB[h] != w:
            h = (h + 1) & (VOCAB_SLOTS - 1)
        if _VOCAB[h] == NULL:
            Py_INCREF(w)          # held for the life of the process
            _VOCAB[h] = <PyObject*>w


_init_vocab()


cdef inline bint _same_bytes(const void* a, const void* b, Py_ssize_t n) noexcept nogil:
    # Atoms are short: a plain loop beats a call to memcmp.
    cdef const unsigned char* x = <const unsigned char*>a
    cdef const unsigned char* y = <const unsigned char*>b
    cdef Py_ssize_t i
    for i in range(n):
        if x[i] != y[i]:
            return False
    return True


cdef inline PyObject* _vocab_atom(const unsigned char* s, Py_ssize_t n, unsigned int h) noexcept:
    """A new reference to the vocabulary's atom spelled ``s[:n]``, or NULL."""
    cdef PyObject* p
    h &= VOCAB_SLOTS - 1
    while True:
        p = _VOCAB[h]
        if p == NULL:
            return NULL
        if U_LEN_P(p) == n and _same_bytes(U_DATA_P(p), s, n):
            Py_INCREF(<object>p)
            return p
        h = (h + 1) & (VOCAB_SLOTS - 1)


cdef inline PyObject* _new_atom(Input* inp, Py_ssize_t a, Py_ssize_t b) except NULL:
    """A new str of the text's characters a to b."""
    cdef Py_ssize_t n = b - a
    cdef PyObject* p
    if inp.ascii and n > 1:
        p = U_NEW(n, 127)
        memcpy(U_DATA_P(p), <const char*>inp.data + a, n)
        return p
    return U_SUBSTR(inp.text, a, b)


cdef inline PyObject* _shared_atom(Input* inp, Stack* st, Py_ssize_t a, Py_ssize_t b) except NULL:
    """Like ``_new_atom``, but short ASCII atoms are shared: xend's vocabulary
    from the module's table, others from the per-parse cache."""
    cdef Py_ssize_t n = b - a
    cdef const unsigned char* s
    cdef unsigned int h
    cdef PyObject* p
    if not inp.ascii:
        return _new_atom(inp, a, b)
    s = <const unsigned char*>inp.data + a
    if n == 1:
        p = _ASCII_CHARS[s[0]]
        Py_INCREF(<object>p)
        return p
    if n < 2 or n > VOCAB_MAX_LEN:
        return _new_atom(inp, a, b)
    h = _atom_hash(s, n)
    p = _vocab_atom(s, n, h)
    if p != NULL:
        return p
    if n > ATOM_CACHE_MAX_LEN:
        return _new_atom(inp, a, b)
    h &= ATOM_CACHE_SLOTS - 1
    p = st.atom_cache[h]
    if p != NULL and U_LEN_P(p) == n and _same_bytes(U_DATA_P(p), s, n):
        Py_INCREF(<object>p)
        return p
    p = U_NEW(n, 127)
    memcpy(U_DATA_P(p), s, n)
    if st.atom_cache[h] == NULL:
        st.cache_used[st.ncache_used] = <unsigned char>h
        st.ncache_used += 1
    else:
        Py_DECREF(<object>st.atom_cache[h])
    Py_INCREF(<object>p)
    st.atom_cache[h] = p
    return p
