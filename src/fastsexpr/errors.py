"""The one exception tree of fastsexpr, shared by the compiled core and its twin."""
from __future__ import annotations

# Only type checkers read the annotations (they stay strings at run time), so
# `import fastsexpr` does not pay for importing typing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

__all__ = [
    "FastSexprError",
    "SexprSyntaxError",
    "XmSyntaxError",
    "ConversionError",
    "DomainXMLError",
    "FastSexprWarning",
]


class FastSexprError(ValueError):
    """Root of every error fastsexpr raises for bad input."""


class SexprSyntaxError(FastSexprError):
    """SEXPR text that cannot be read.

    Like :class:`json.JSONDecodeError`: ``msg``, ``doc``, ``pos`` (a character
    index into the decoded text), ``lineno`` and ``colno`` (both from 1).  The
    text of the error shows the offending line with a caret under ``pos``.
    ``record`` is the number (from 1) of the record of a dump it is about
    (:func:`fastsexpr.iter_domains`), else None.

    ``lineno`` and ``colno`` may be given by a caller that already knows them
    (counting the lines of a long text for each of many errors would cost
    the square of its length).  A file read in parts keeps only the part
    around the error: ``doc`` is then the text from character ``doc_start``
    on, and ``pos``, ``lineno`` and ``colno`` still count from the start of
    the file.
    """

    def __init__(self, msg: str, doc: str, pos: int, source: Optional[str] = None, *,
                 lineno: Optional[int] = None, colno: Optional[int] = None,
                 record: Optional[int] = None, doc_start: int = 0):
        self.msg = msg
        self.doc = doc
        self.pos = pos
        self.doc_start = doc_start
        at = pos - doc_start
        self.lineno = doc.count("\n", 0, at) + 1 if lineno is None else lineno
        self.colno = at - doc.rfind("\n", 0, at) if colno is None else colno
        self.source = source
        self.record = record
        super().__init__(self._render())

    def _render(self) -> str:
        where = f"line {self.lineno} column {self.colno} (char {self.pos})"
        if self.record is not None:
            where = f"record {self.record}, {where}"
        if self.source:
            where = f"{self.source}: {where}"
        at = self.pos - self.doc_start
        # A doc that starts inside the line (a part of a file) shows the line from there.
        line_start = max(0, at - (self.colno - 1))
        caret_col = at - line_start
        # Only as much of the line as is shown below is looked at.
        shown_end = line_start + max(121, max(0, caret_col - 60) + 120)
        line_end = self.doc.find("\n", at, shown_end)
        if line_end < 0:
            line_end = min(len(self.doc), shown_end)
        line = self.doc[line_start:line_end]
        # Very long lines are cut to a window around the caret so the message
        # stays readable; the numbers above still point at the exact place.
        if len(line) > 120:
            start = max(0, caret_col - 60)
            line = line[start:start + 120]
            caret_col -= start
        line = "".join(c if c == "\t" or c.isprintable() else "?" for c in line)
        pad = "".join("\t" if c == "\t" else " " for c in line[:caret_col])
        return f"{self.msg}: {where}\n  {line}\n  {pad}^"

    def __reduce__(self):
        return (_rebuild_syntax_error, (self.__class__, self.msg, self.doc, self.pos,
                                        self.source, self.lineno, self.colno, self.record,
                                        self.doc_start))


def _rebuild_syntax_error(cls, msg, doc, pos, source, lineno, colno, record, doc_start=0):
    return cls(msg, doc, pos, source, lineno=lineno, colno=colno, record=record,
               doc_start=doc_start)



def invalid_utf8(raw: bytes, exc: UnicodeDecodeError, source: Optional[str] = None, *,
                 byte_offset: int = 0, char_offset: int = 0, first_line: Optional[int] = None,
                 error: "type[SexprSyntaxError]" = SexprSyntaxError) -> SexprSyntaxError:
    """The ``error`` for bytes that are not UTF-8 (SEXPR, or an xm config),
    at the bad byte: ``raw`` is the text (or a part of a file starting a
    line, at ``byte_offset`` and ``char_offset`` of the file, on line
    ``first_line``)."""
    doc = raw.decode("utf-8", "replace")
    at = len(raw[: exc.start].decode("utf-8", "replace"))
    msg = f"invalid UTF-8 byte 0x{raw[exc.start]:02x} at byte offset {byte_offset + exc.start}"
    if first_line is None:
        return error(msg, doc, at, source)
    return error(msg, doc, char_offset + at,
                            lineno=first_line + doc.count("\n", 0, at),
                            colno=at - doc.rfind("\n", 0, at), doc_start=char_offset)


class XmSyntaxError(SexprSyntaxError):
    """An xm config file that cannot be read.

    The fields and the caret rendering of :class:`SexprSyntaxError` (the two
    differ only in the file format they read, so this is a subclass rather
    than a copy).  ``reason`` is libvirt's own text for the failure (such as
    ``expecting a value``), or ``None`` where libvirt would have read the
    input; ``libvirt_msg`` is the whole message libvirt 1.2.10 reported for
    an in-memory config.  ``lineno`` counts LF only, as libvirt does.
    """

    def __init__(self, msg: str, doc: str, pos: int, source: Optional[str] = None,
                 reason: Optional[str] = None):
        self.reason = reason
        super().__init__(msg, doc, pos, source)

    @property
    def libvirt_msg(self) -> Optional[str]:
        if self.reason is None:
            return None
        return f"configuration file syntax error: memory conf:{self.lineno}: {self.reason}"

    def __reduce__(self):
        return (self.__class__, (self.msg, self.doc, self.pos, self.source, self.reason))


class ConversionError(FastSexprError):
    """A domain that cannot be converted.

    ``path`` names where: a SEXPR path such as ``domain/image/hvm/boot`` or an
    XML element such as ``/domain/devices/disk[2]``; ``reason`` says why.
    ``lineno`` and ``colno`` (from 1) give the place in the input text when it
    is known (malformed XML, the line of a dump's record), else None.
    ``record`` is the number (from 1) of the record of a dump it is about
    (:func:`fastsexpr.iter_domains`), else None; the message then starts
    with it.
    """

    def __init__(self, reason: str, path: Optional[str] = None, *,
                 lineno: Optional[int] = None, colno: Optional[int] = None,
                 record: Optional[int] = None):
        self.reason = reason
        self.path = path
        self.lineno = lineno
        self.colno = colno
        self.record = record
        text = f"{path}: {reason}" if path else reason
        if record is not None:
            at = f" at line {lineno}" if lineno is not None else ""
            text = f"record {record}{at}: {text}"
        super().__init__(text)

    def __reduce__(self):
        return (_rebuild_conversion_error,
                (self.__class__, self.reason, self.path, self.lineno, self.colno, self.record))


def _rebuild_conversion_error(cls, reason, path, lineno, colno, record=None):
    # Errors cross process boundaries (the command's workers) by pickling.
    return cls(reason, path, lineno=lineno, colno=colno, record=record)


class DomainXMLError(ConversionError):
    """libvirt domain XML that is malformed or that libvirt would reject."""


class FastSexprWarning(UserWarning):
    """Input that converts as libvirt read it, though libvirt was lenient
    with it: a record lacking its closing parentheses, a ``)`` that closes no
    list, text after the record; or a setting the domain XML cannot carry
    (its text starts with the SEXPR path or xm key: ``domain/device/vtpm:
    ...``).  ``strict=True`` makes each an error.

    ``str(warning)`` is the message; ``lineno`` and ``colno`` (from 1, or
    None) give its place in the input, ``record`` the number of the record of
    a dump it is about (or None).
    """

    def __init__(self, message: str, *, lineno: Optional[int] = None,
                 colno: Optional[int] = None, record: Optional[int] = None):
        super().__init__(message)
        self.lineno = lineno
        self.colno = colno
        self.record = record
