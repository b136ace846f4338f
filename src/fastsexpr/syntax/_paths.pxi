# Path helpers: find_key and what is built on it, over the trees the
# readers build.  Exact lists and strs take the fast path; anything else
# goes to the pure twin, whose answer is the reference.
from cpython.ref cimport PyObject
from libc.string cimport memchr, memcmp
from ._cpython cimport (L_CHECK, L_CHECK_P, L_ITEM, L_ITEM_P, L_SIZE, L_SIZE_P, U_CHECK,
                        U_DATA, U_DATA_P, U_EXACT, U_EXACT_P, U_KIND, U_KIND_P, U_LEN,
                        U_LEN_P, U_READ)


cdef bint _head_equals(object head, str path, Py_ssize_t a, Py_ssize_t b, bint via_ne) except -1:
    """``head == path[a:b]`` as the pure twin compares a head with a token:
    through ``!=`` for the first token, through ``==`` for the others."""
    cdef Py_ssize_t n = b - a, i
    cdef int hk, pk
    cdef const void* hd
    cdef const void* pd
    if not U_EXACT(head):
        if via_ne:
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


cdef object _find_key_exact(object node, str path):
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
    if not _head_equals(<object>L_ITEM(node, 0), path, 0, b, True):
        return None
    keep = node           # holds cur while Python code may run
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
                    if memcmp(U_DATA_P(h), pd + a * pk, tl * pk) == 0:
                        found = m
                        break
                    continue
            # Other kinds or types: Python code may run (``__eq__``), so hold
            # references to what the comparison touches.
            mo = <object>m
            ho = <object>h
            if _head_equals(ho, path, a, b, False):
                found = m
                break
        if found == NULL:
            return None
        keep = <object>found
        cur = found
    return <object>cur


cdef inline object _find_key(object node, object path):
    if U_EXACT(path):
        return _find_key_exact(node, <str>path)
    return _twin().find_key(node, path)


def find_key(node, path):
    """The ``(key ...)`` list at ``path`` (``/``-separated), or None.

    The first token must be the head of ``node``; each next token picks the
    first member list whose head atom equals it.
    """
    return _find_key(node, path)


def has(node, path):
    """Whether ``find_key`` finds a list at ``path``."""
    return _find_key(node, path) is not None


def lookup(node, path):
    """The tail of the key list at ``path`` if it has one, else None."""
    found = _find_key(node, path)
    if found is None or len(found) < 2:
        return None
    return found[1:]


cdef object _value(object node, object path):
    found = _find_key(node, path)
    if found is None:
        return None
    if L_CHECK(found):
        v = <object>L_ITEM(found, 1) if L_SIZE(found) > 1 else None
    else:
        # Only from the pure twin: an object that passes isinstance(x, list).
        v = found[1] if len(found) > 1 else None
    return v if isinstance(v, str) else None


def value(node, path):
    """The first tail member at ``path`` if it is an atom, else None."""
    return _value(node, path)


def nonempty_value(node, path):
    """Like :func:`value`, but the empty atom counts as absent."""
    v = _value(node, path)
    return v if v else None


value_copy = nonempty_value     # the name SEXPR.md gives it


def member_values(node):
    """Every member key of ``node`` with its value, in one pass.

    For each head atom among the member lists of ``node`` (its items after
    the head), the first list with that head counts, as in :func:`find_key`;
    the key maps to that list's first tail member if it is an atom, else to
    None.  So, with ``h = node[0]``, ``member_values(node).get(k)`` is
    ``value(node, h + "/" + k)`` and ``k in member_values(node)`` is
    ``has(node, h + "/" + k)``: a reader that asks a list for many keys
    walks it once.  Anything but a list has no members: ``{}``.
    """
    cdef dict out = {}
    cdef Py_ssize_t k
    cdef object m, head, v
    if type(node) is not list:
        return _twin().member_values(node)
    # Exact lists with exact str heads only: the dictionary then runs no
    # Python code (no __eq__/__hash__ of a str subclass, no overridden
    # __getitem__), so the pure twin's answer is the same by construction.
    for k in range(1, L_SIZE(node)):
        m = <object>L_ITEM(node, k)
        if not L_CHECK(m):
            continue
        if type(m) is not list:
            return _twin().member_values(node)
        if L_SIZE(m) == 0:
            continue
        head = <object>L_ITEM(m, 0)
        if not U_CHECK(head):
            continue
        if not U_EXACT(head):
            return _twin().member_values(node)
        if head in out:
            continue
        v = <object>L_ITEM(m, 1) if L_SIZE(m) > 1 else None
        out[head] = v if U_CHECK(v) else None
    return out


