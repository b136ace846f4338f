"""first_comment, pure Python (the twin of ``_comments.pxi``): where the xend
reader's first ``#`` comment starts, found by walking the tokens as the
reader reads them, without building anything."""
from __future__ import annotations

from ..errors import SexprSyntaxError
from ._pychars import C_SPACE_SET, ENDS_ATOM
from ._pyreader import _text


def first_comment(data, *, source=None):
    # Documented in _docs.py, for both engines.
    text = _text(data, source)
    n = len(text)
    pos = 0
    while True:
        while pos < n and text[pos] in C_SPACE_SET:
            pos += 1
        if pos >= n:
            return None
        c = text[pos]
        if c == "#":
            return pos
        if c == "(" or c == ")":
            pos += 1
        elif c == "'" or c == '"':
            start = pos
            pos += 1
            # An escape is a backslash and at least one more character,
            # none of which ends the atom.
            while pos < n and text[pos] != c:
                pos += 2 if text[pos] == "\\" else 1
            if pos >= n:
                raise SexprSyntaxError("unterminated string", text, start, source)
            pos += 1
        else:
            while pos < n and text[pos] not in ENDS_ATOM:
                pos += 1
