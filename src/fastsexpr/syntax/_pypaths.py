"""Path helpers: find_key and what is built on it, over the trees the
readers build, pure Python (the twin of ``_paths.pxi``)."""
from __future__ import annotations


def find_key(node, path):
    """The ``(key ...)`` list at ``path`` (``/``-separated), or None.

    The first token must be the head of ``node``; each next token picks the
    first member list whose head atom equals it.
    """
    tokens = path.split("/")
    if not isinstance(node, list) or not node or node[0] != tokens[0]:
        return None
    cur = node
    for tok in tokens[1:]:
        for m in cur[1:] if len(cur) > 1 else ():
            if isinstance(m, list) and m and m[0] == tok:
                cur = m
                break
        else:
            return None
    return cur


def has(node, path):
    """Whether ``find_key`` finds a list at ``path``."""
    return find_key(node, path) is not None


def lookup(node, path):
    """The tail of the key list at ``path`` if it has one, else None."""
    found = find_key(node, path)
    if found is None or len(found) < 2:
        return None
    return found[1:]


def value(node, path):
    """The first tail member at ``path`` if it is an atom, else None."""
    found = find_key(node, path)
    if found is None or len(found) < 2:
        return None
    v = found[1]
    return v if isinstance(v, str) else None


def nonempty_value(node, path):
    """Like :func:`value`, but the empty atom counts as absent."""
    v = value(node, path)
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
    out = {}
    if not isinstance(node, list):
        return out
    for m in node[1:]:
        if isinstance(m, list) and m:
            head = m[0]
            if isinstance(head, str) and head not in out:
                v = m[1] if len(m) > 1 else None
                out[head] = v if isinstance(v, str) else None
    return out


