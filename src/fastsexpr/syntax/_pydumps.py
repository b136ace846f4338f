"""dumps: a tree back to SEXPR text that the xend reader reads back the
same, pure Python (the twin of ``_dumps.pxi``)."""
from __future__ import annotations

from ._pychars import NEEDS_QUOTES

# What a quoted atom writes for these characters; other controls and DEL
# become \xHH.
_ATOM_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _atom_text(atom):
    """An atom as the xend reader reads it back: bare when it can be."""
    if not isinstance(atom, str):
        raise TypeError(f"SEXPR atoms must be str, not {type(atom).__name__}")
    if atom and not any(c in NEEDS_QUOTES for c in atom):
        return atom
    out = ["'"]
    for c in atom:
        if c in _ATOM_ESCAPES:
            out.append(_ATOM_ESCAPES[c])
        elif c < " " or c == "\x7f":
            out.append(f"\\x{ord(c):02x}")
        else:
            out.append(c)
    out.append("'")
    return "".join(out)


def dumps(tree, *, indent=None):
    """Write a tree as SEXPR text that ``loads`` reads back to the same tree.

    Compact by default.  With ``indent=N``, from the first list member of a
    list on, every member starts a new line indented N spaces per depth; the
    atoms before it stay on the opening line, so a list of atoms only is one
    line.
    """
    if indent is not None and (not isinstance(indent, int) or isinstance(indent, bool) or indent < 0):
        raise ValueError("indent must be a non-negative int or None")
    if isinstance(tree, str):
        return _atom_text(tree)
    if not isinstance(tree, list):
        raise TypeError(f"SEXPR lists must be list, not {type(tree).__name__}")
    out = ["("]
    # Iterative, so that deeply nested trees cannot exhaust the C stack.
    # A frame is (list, index of the next member, depth, a list seen yet).
    stack = []
    node, i, depth, broken = tree, 0, 0, False
    while True:
        if i < len(node):
            member = node[i]
            i += 1
            is_atom = isinstance(member, str)
            if not is_atom and not isinstance(member, list):
                raise TypeError(f"SEXPR lists must be list, not {type(member).__name__}")
            if indent is not None and (broken or not is_atom):
                broken = True
                out.append("\n" + " " * (indent * (depth + 1)))
            elif i > 1:
                out.append(" ")
            if is_atom:
                out.append(_atom_text(member))
            else:
                stack.append((node, i, depth, broken))
                node, i, depth, broken = member, 0, depth + 1, False
                out.append("(")
            continue
        out.append(")")
        if not stack:
            return "".join(out)
        node, i, depth, broken = stack.pop()
