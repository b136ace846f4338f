"""iterload: the expressions of a file read a part at a time, for both
engines (each gives its own reader of a part: ``read_prefix``).  Memory is
bounded by the longest expression and one read, not the file; errors give
their place in the whole file."""
from __future__ import annotations

import codecs

from ..errors import SexprSyntaxError, invalid_utf8

CHUNK = 1 << 16             # characters or bytes asked of the file per read
_HEAD = 4096                # what an error shows at most of its line before the part


def _name(fp):
    name = getattr(fp, "name", None)
    return name if isinstance(name, str) else None


class _Part:
    """The text read but not yet made into expressions, and where it starts."""

    def __init__(self):
        self.text, self.base, self.line, self.col = "", 0, 1, 0
        self.head = ""          # the line before text[0], for errors to show

    def drop(self, stop: int) -> None:
        """Forget the text before ``stop``."""
        nl = self.text.rfind("\n", 0, stop)
        if nl >= 0:
            self.line += self.text.count("\n", 0, stop)
            self.col = stop - nl - 1
            self.head = self.text[max(nl + 1, stop - _HEAD):stop]
        else:
            self.col += stop
            self.head = (self.head + self.text[:stop])[-_HEAD:]
        self.base += stop
        self.text = self.text[stop:]

    def error(self, exc: SexprSyntaxError, doc: str, at: int) -> SexprSyntaxError:
        """``exc`` (at ``at`` in ``doc``, which starts with the part's text)
        placed in the file."""
        nl = doc.rfind("\n", 0, at)
        colno = at - nl if nl >= 0 else self.col + at + 1
        return type(exc)(exc.msg, self.head + doc, self.base + at, exc.source,
                         lineno=self.line + doc.count("\n", 0, at), colno=colno,
                         doc_start=self.base - len(self.head))


def _decode_error(part: _Part, exc: UnicodeDecodeError, decoded: int, source):
    """records before it were read: name the byte, as reading the bytes whole does."""
    err = invalid_utf8(exc.object, exc, source, byte_offset=decoded)
    return part.error(err, part.text + err.doc, len(part.text) + err.pos)


def _rest_of_line(fp, decoder, text: str, at: int) -> str:
    """``text`` and, for an error at ``at`` to show its line, as much of the
    rest of that line as an error shows."""
    while text.find("\n", at) < 0 and len(text) - at < 256:
        data = fp.read(256)
        if not data:
            break
        if decoder is not None:
            try:
                data = decoder.decode(bytes(data))
            except UnicodeDecodeError:
                break
        text += data
    return text


def stream(read_prefix, fp, dialect, source=None):
    """The expressions of ``fp``, read by ``read_prefix`` a part at a time."""
    source = source or _name(fp)
    part, decoder = _Part(), None
    decoded = 0                         # bytes handed to the decoder before this read
    want, final = CHUNK, False
    while not final:
        data = fp.read(want)
        final = not data
        if isinstance(data, (bytes, bytearray)):
            if decoder is None:
                decoder = codecs.getincrementaldecoder("utf-8")()
            held = len(decoder.getstate()[0])
            try:
                text = decoder.decode(bytes(data), final)
            except UnicodeDecodeError as exc:
                raise _decode_error(part, exc, decoded - held, source) from None
            decoded += len(data)
        elif isinstance(data, str):
            text = data
        else:
            raise TypeError(f"iterload reads a file object, whose read gives str or bytes, "
                            f"not {type(data).__name__}")
        part.text += text
        readable = part.text
        if dialect == "libvirt":
            nul = readable.find("\0")
            if nul >= 0:                # libvirt's text ends at a NUL
                readable, final = readable[:nul], True
        trees, stop, error = read_prefix(readable, dialect, final, source)
        yield from trees
        if error is not None:
            doc = _rest_of_line(fp, decoder, part.text, error.pos)
            raise part.error(error, doc, error.pos) from None
        part.drop(stop)
        # An expression longer than a read: read as much again.
        want = CHUNK if stop else max(CHUNK, len(part.text))


def iterload(fp, *, dialect="xend"):
    from ._pyreader import _check_dialect, read_prefix
    _check_dialect(dialect)
    return stream(read_prefix, fp, dialect)
