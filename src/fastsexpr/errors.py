"""The one exception tree of fastsexpr, shared by the compiled core and its twin."""
from __future__ import annotations

from typing import Optional

__all__ = [
    "FastSexprError",
    "SexprSyntaxError",
    "XmSyntaxError",
    "ConversionError",
    "DomainXMLError",
]


class FastSexprError(ValueError):
    """Root of every error fastsexpr raises for bad input."""


class SexprSyntaxError(FastSexprError):
    """SEXPR text that cannot be read.

    Like :class:`json.JSONDecodeError`: ``msg``, ``doc``, ``pos`` (a character
    index into the decoded text), ``lineno`` and ``colno`` (both from 1).  The
    text of the error shows the offending line with a caret under ``pos``.
    """

    def __init__(self, msg: str, doc: str, pos: int, source: Optional[str] = None):
        lineno = doc.count("\n", 0, pos) + 1
        line_start = doc.rfind("\n", 0, pos) + 1
        colno = pos - line_start + 1
        self.msg = msg
        self.doc = doc
        self.pos = pos
        self.lineno = lineno
        self.colno = colno
        self.source = source
        super().__init__(self._render())

    def _render(self) -> str:
        where = f"line {self.lineno} column {self.colno} (char {self.pos})"
        if self.source:
            where = f"{self.source}: {where}"
        line_start = self.pos - (self.colno - 1)
        line_end = self.doc.find("\n", line_start)
        if line_end < 0:
            line_end = len(self.doc)
        line = self.doc[line_start:line_end]
        caret_col = self.colno - 1
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
        return (self.__class__, (self.msg, self.doc, self.pos, self.source))


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
    is known (malformed XML, for example), else None.
    """

    def __init__(self, reason: str, path: Optional[str] = None, *,
                 lineno: Optional[int] = None, colno: Optional[int] = None):
        self.reason = reason
        self.path = path
        self.lineno = lineno
        self.colno = colno
        super().__init__(f"{path}: {reason}" if path else reason)

    def __reduce__(self):
        return (_rebuild_conversion_error,
                (self.__class__, self.reason, self.path, self.lineno, self.colno))


def _rebuild_conversion_error(cls, reason, path, lineno, colno):
    # Errors cross process boundaries (the command's workers) by pickling.
    return cls(reason, path, lineno=lineno, colno=colno)


class DomainXMLError(ConversionError):
    """libvirt domain XML that is malformed or that libvirt would reject."""
