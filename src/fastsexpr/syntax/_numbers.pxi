# C's strtol and strtoull with base 0, over the whole string, and the two
# integer readings SEXPR.md builds on them (int and u64).
from ._cpython cimport U_DATA, U_EXACT, U_KIND, U_LEN, U_READ


cdef bint _c_strtol(str s, bint unsigned_, long long* sv, unsigned long long* uv) noexcept:
    """C strtol (into sv) or strtoull (into uv), base 0, over the whole
    string; False where the string is not entirely a number that fits."""
    cdef int sk = U_KIND(s)
    cdef const void* sd = U_DATA(s)
    cdef Py_ssize_t n = U_LEN(s), i = 0
    cdef bint neg = False
    cdef unsigned int base = 10
    cdef Py_UCS4 ch
    cdef int dv
    cdef unsigned long long mag = 0
    cdef unsigned long long limit = 0xFFFFFFFFFFFFFFFFULL
    while i < n and _in_class(U_READ(sk, sd, i), CC_C_SPACE):
        i += 1
    if i < n:
        ch = U_READ(sk, sd, i)
        if ch == 43 or ch == 45:
            neg = ch == 45
            i += 1
    if (i + 2 < n and U_READ(sk, sd, i) == 48 and (<unsigned int>U_READ(sk, sd, i + 1) | 32) == 120
            and _hex_value(U_READ(sk, sd, i + 2)) >= 0):
        base = 16
        i += 2
    elif i < n and U_READ(sk, sd, i) == 48:
        base = 8
    if i >= n:
        return False
    while i < n:
        ch = U_READ(sk, sd, i)
        dv = _hex_value(ch)
        if dv < 0 or <unsigned int>dv >= base:
            return False
        if mag > (limit - <unsigned int>dv) / base:
            return False
        mag = mag * base + <unsigned int>dv
        i += 1
    if unsigned_:
        uv[0] = (0ULL - mag) if neg else mag
        return True
    if neg:
        if mag > 0x8000000000000000ULL:
            return False
        sv[0] = <long long>(0ULL - mag)
    else:
        if mag > 0x7FFFFFFFFFFFFFFFULL:
            return False
        sv[0] = <long long>mag
    return True


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
    if s is None:
        # An absent key: common (a vfb without vncdisplay), so not the twin's.
        return None
    if not U_EXACT(s):
        return _twin().strtol(s, unsigned)
    if unsigned:
        if _c_strtol(<str>s, True, &sv, &uv):
            return uv
        return None
    if _c_strtol(<str>s, False, &sv, &uv):
        return sv
    return None


def to_int(s):
    """SEXPR.md ``int``: strtol base 0, whole string, fits 32 bits; else 0."""
    cdef long long sv = 0
    cdef unsigned long long uv = 0
    if s is None:
        return 0
    if not U_EXACT(s):
        return _twin().to_int(s)
    if _c_strtol(<str>s, False, &sv, &uv) and -2147483648 <= sv <= 2147483647:
        return sv
    return 0


def to_u64(s):
    """SEXPR.md ``u64``: strtoull base 0, whole string; any failure is 0."""
    cdef long long sv = 0
    cdef unsigned long long uv = 0
    if s is None:
        return 0
    if not U_EXACT(s):
        return _twin().to_u64(s)
    if _c_strtol(<str>s, True, &sv, &uv):
        return uv
    return 0
