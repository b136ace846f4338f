"""The records of a xend SEXPR text (an ``xm list --long`` dump, config.sxp
files put together): one Domain per record, every record converted or
reported, and every leniency of libvirt's reader said (a warning) or, in
strict mode, refused.

libvirt's reader closes the lists still open at the end of its text, so a
record that lacks its final ``)`` takes in every record after it.  xend
prints each record from the start of a line, ``(domain`` followed by its
first list: the text is cut at each such line (a nested ``(domain 0x0000)``
of a PCI address is not one) and each part read on its own with libvirt's
reader, which tells where its expressions lie
(:func:`fastsexpr.syntax.record_spans`).  The reading of the whole text, as
libvirt did it, only words the warning for a record that took others in.

Work is linear in the size of the input: each part is read once for its
expressions and once for its tree, and lines are counted forward.
"""
from __future__ import annotations

import itertools
import re
import warnings
from bisect import bisect_left
from collections.abc import Callable
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterator, List, Optional, Tuple, Union

from ..errors import ConversionError, FastSexprError, FastSexprWarning, SexprSyntaxError
from ..model.domain import Domain
from ..model.record import record
from ..syntax import loads, record_spans
from . import read_sexpr     # the package, whatever module holds it
from .carried import say_or_refuse

__all__ = ["text_domains", "domains_of", "emit_warning"]

Data = str | bytes | bytearray | memoryview
OnError = Callable[[FastSexprError], object] | None
OnWarning = Callable[[FastSexprWarning], object] | None

# Where xend starts a record: '(domain' at the start of a line, then its
# first list or the end of the line.
_RECORD_START = re.compile(r"\(domain(?=[ \t\r]*(?:[\n(]|$))")
_LIBVIRT_SPACE = " \t\n\r"
_CLOSERS_AND_SPACE = _LIBVIRT_SPACE + ")"
_SHOWN_LINES = 5            # the lines of taken-in records a warning lists


@record
class _Part:
    """One top-level expression of the text, read on its own."""
    start: int
    end: int
    unclosed: int = 0                           # lists the end of its text closed
    refused: Optional[SexprSyntaxError] = None  # the reader refused it
    closers: Optional[Tuple[int, int]] = None   # ')' closing no list after it: (first, count)

    def is_list(self, text: str) -> bool:
        return self.refused is None and text.startswith("(", self.start)


class _Lines:
    """Line and column numbers of positions asked in (mostly) increasing
    order, counted on from the last one asked instead of from the start."""

    def __init__(self, text: str, first_line: int = 1):
        # first_line: the line text[0] is on (a window of a streamed file).
        self.text, self.pos, self.line, self.line_start = text, 0, first_line, 0

    def __call__(self, pos: int) -> int:
        text = self.text
        if pos >= self.pos:
            self.line += text.count("\n", self.pos, pos)
            nl = text.rfind("\n", self.pos, pos)
            if nl >= 0:
                self.line_start = nl + 1
        else:
            self.line -= text.count("\n", pos, self.pos)
            self.line_start = text.rfind("\n", 0, pos) + 1
        self.pos = pos
        return self.line

    def colno(self, pos: int) -> int:
        self(pos)
        return pos - self.line_start + 1


@record
class _Scan:
    text: str
    parts: List[_Part]
    leading: Optional[Tuple[int, int]]      # closers before the first part
    lines: _Lines
    whole: Optional[list] = None            # libvirt's reading of the whole text, when asked
    _lists: Optional[int] = None
    # A window of a streamed file (see .stream): the records before it, the
    # lists among them, and whether libvirt's reading refused one of them.
    records_before: int = 0
    lists_before: int = 0
    whole_refused: bool = False

    def lists(self) -> List[_Part]:
        return [p for p in self.parts if p.is_list(self.text)]

    def error(self, msg: str, pos: int, record: Optional[int]) -> SexprSyntaxError:
        return SexprSyntaxError(msg, self.text, pos, lineno=self.lines(pos),
                                colno=self.lines.colno(pos), record=record)

    def count_lists(self) -> int:
        if self._lists is None:
            self._lists = self.lists_before + len(self.lists())
        return self._lists


# ------------------------------------------------------------------ reading

def _decode(data: Data) -> str:
    if isinstance(data, str):
        return data
    if isinstance(data, (bytes, bytearray, memoryview)):
        try:
            return bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            record_spans(data)      # raises the reader's own error, naming the byte
            raise
    raise TypeError(f"SEXPR input must be str or bytes, not {type(data).__name__}")


def _record_starts(text: str, start: int, end: int) -> Iterator[int]:
    """Where records start in text[start:end]: a line starting with '(domain'
    and a list (found with find, much faster than a multi-line pattern)."""
    if start == 0 and _RECORD_START.match(text, 0, end):
        yield 0
    pos = text.find("\n(domain", start, end)
    while pos >= 0:
        if _RECORD_START.match(text, pos + 1, end):
            yield pos + 1
        pos = text.find("\n(domain", pos + 1, end)


def _read_chunk(text: str, a: int, b: int, lines: _Lines) -> List[_Part]:
    """The expressions of text[a:b], which holds no record start but at a.
    Where the reader refuses (a VT or FF where libvirt would loop forever),
    the expression it was in becomes a refused part that runs to b."""
    # Read a slice: an error counts its lines from the chunk, not the text.
    chunk = text[a:b]
    try:
        return [_Part(a + s, a + e, u) for s, e, u in record_spans(chunk)]
    except SexprSyntaxError as exc:
        p = exc.pos
        before = record_spans(chunk, 0, p)      # as far as the reader went
        inside = before and before[-1][2] and before[-1][1] == p
        lo = before.pop()[0] if inside else p
        # The reader cannot go on past this point: say what it leaves unread.
        unread = chunk.count("(domain", p)
        msg = exc.msg if not unread else (
            f"{exc.msg}; the {unread} '(domain' after it, up to the next line that starts "
            f"a record, {'is' if unread == 1 else 'are'} not read")
        # A chunk starts a line: its columns are the text's.
        err = SexprSyntaxError(msg, text, a + p, lineno=lines(a) + exc.lineno - 1,
                               colno=exc.colno)
        return [_Part(a + s, a + e, u) for s, e, u in before] + [_Part(a + lo, b, refused=err)]


def _closers_in(text: str, start: int, end: int) -> Optional[Tuple[int, int]]:
    # Between two expressions lie only white space and closers with no list open.
    first = text.find(")", start, end)
    return None if first < 0 else (first, text.count(")", first, end))


def _scan(text: str, first_line: int = 1) -> _Scan:
    """Every top-level expression of ``text``, cut at each record start;
    ``first_line`` is the line its first character is on."""
    lines = _Lines(text, first_line)
    starts = list(_record_starts(text, 0, len(text)))
    bounds = ([0] if not starts or starts[0] else []) + starts + [len(text)]
    parts: List[_Part] = []
    for a, b in zip(bounds, bounds[1:]):
        parts.extend(_read_chunk(text, a, b, lines))
    for part, nxt in zip(parts, parts[1:] + [None]):
        part.closers = _closers_in(text, part.end, nxt.start if nxt else len(text))
    leading = _closers_in(text, 0, parts[0].start if parts else len(text))
    return _Scan(text, parts, leading, _Lines(text, first_line))


# ------------------------------------------------------------------ leniencies

@record
class _Leniency:
    """Something libvirt's reader forgave: said in a warning, or refused."""
    pos: int            # where a strict error points
    what: str
    done: Tuple[str, str]   # what libvirt did: ("closed", " at the end of the record")
    lineno: int         # the line a warning names
    colno: Optional[int] = None
    more: str = ""      # said in the warning only

    def warning(self, record: Optional[int]) -> FastSexprWarning:
        verb, rest = self.done
        where = f"line {self.lineno} column {self.colno}: " if self.colno else ""
        return FastSexprWarning(f"{where}{self.what}: {verb}{rest}, as libvirt did{self.more}",
                                lineno=self.lineno, colno=self.colno, record=record)

    def error(self, scan: _Scan, record: Optional[int]) -> SexprSyntaxError:
        verb, rest = self.done
        return scan.error(f"{self.what} (libvirt {verb} it{rest}; strict mode refuses it)",
                          self.pos, record)


def _at(scan: _Scan, pos: int) -> Tuple[int, int]:
    return scan.lines(pos), scan.lines.colno(pos)


def _closers(scan: _Scan, closers: Optional[Tuple[int, int]]) -> List[_Leniency]:
    if closers is None:
        return []
    pos, count = closers
    line, col = _at(scan, pos)
    what = "a ')' that closes no list" if count == 1 else f"{count} ')' that close no list"
    return [_Leniency(pos, what, ("skipped", ""), line, col)]


def _unclosed(scan: _Scan, k: int) -> List[_Leniency]:
    part = scan.parts[k]
    if not part.unclosed:
        return []
    line = scan.lines(part.start)
    more = _taken_in(scan, k)
    # A strict error points where the ')' is missing: after the last character.
    end = part.start + len(scan.text[part.start:part.end].rstrip(_LIBVIRT_SPACE))
    what = f"record at line {line} lacks {part.unclosed} closing ')'" + _nested(scan, part)
    return [_Leniency(end, what, ("closed", " at the end of the record"), line, None, more)]


def _nested(scan: _Scan, part: _Part) -> str:
    """Records that do not start a line (several on one line) inside a
    record lacking its ')': read as part of it, so said in its warning."""
    text, found = scan.text, []
    pos = text.find("(domain", part.start + 1, part.end)
    while pos >= 0:
        if _RECORD_START.match(text, pos, part.end):
            found.append(pos)
        pos = text.find("(domain", pos + 1, part.end)
    if not found:
        return ""
    n, first = len(found), found[0]
    return (f" and holds {n} more record{'s' if n > 1 else ''} that start{'s' if n == 1 else ''}"
            f" inside it (the first at line {scan.lines(first)} column "
            f"{scan.lines.colno(first)}), read as part of it")


def _line_list(lines: List[int], more: int) -> str:
    words = [str(n) for n in lines]
    if more:
        return ", ".join(words) + f" and {more} more"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _taken_in(scan: _Scan, k: int) -> str:
    """The records libvirt's reading of the whole text took into part k, in
    words for its warning ('' when none)."""
    part = scan.parts[k]
    if scan.whole is None:
        try:
            scan.whole = [] if scan.whole_refused else record_spans(scan.text)
        except SexprSyntaxError:        # the refusal is reported with its record
            scan.whole = []
    i = bisect_left(scan.whole, (part.start,))
    if i == len(scan.whole) or scan.whole[i][0] != part.start:
        return ""
    end = scan.whole[i][1]
    taken = []
    for p in itertools.islice(scan.parts, k + 1, None):
        if p.start >= end:
            break
        if p.is_list(scan.text):
            taken.append(p.start)
    if not taken:
        return ""
    shown = [scan.lines(pos) for pos in taken[:_SHOWN_LINES]]
    n, s = len(taken), "s" if len(taken) > 1 else ""
    return (f"; read as libvirt reads a text, it would take in the {n} record{s} after it "
            f"(line{s} {_line_list(shown, n - len(shown))}): each is read on its own here, "
            f"{scan.count_lists()} records in all")


def emit_warning(warning: FastSexprWarning, on_warning: OnWarning, stacklevel: int) -> None:
    """Hand a warning to ``on_warning``, or to :mod:`warnings` pointing
    ``stacklevel`` frames above the caller."""
    if on_warning is None:
        warnings.warn(warning, stacklevel=stacklevel + 2)
    else:
        on_warning(warning)


# ------------------------------------------------------------------ records

def _hard_error(scan: _Scan, part: _Part, k: int) -> Optional[SexprSyntaxError]:
    """Why record k cannot be read at all, or None."""
    text = scan.text
    if part.refused is not None:
        e = part.refused
        return SexprSyntaxError(e.msg, text, e.pos, lineno=e.lineno, colno=e.colno, record=k)
    if not part.is_list(text):
        shown = text[part.start:min(part.end, part.start + 40)]
        return scan.error(f"text outside any expression: {shown!r}", part.start, k)
    nul = text.find("\0", part.start, part.end)
    if nul >= 0:
        return scan.error("a NUL character inside the record: libvirt stops reading at a NUL, "
                          "so it would read the record cut short there", nul, k)
    return None


def _read_record(scan: _Scan, part: _Part, version: int, record: Optional[int],
                 strict: bool, said: List[FastSexprWarning]) -> Domain:
    tree = loads(scan.text[part.start:part.end], dialect="libvirt")
    try:
        dropped: list = []
        dom = read_sexpr(tree, version, dropped=dropped)
        if dropped:
            said.extend(say_or_refuse(dropped, strict, record=record, lineno=None
                                      if record is None else scan.lines(part.start)))
        return dom
    except ConversionError as exc:
        if record is None:
            raise
        raise type(exc)(exc.reason, exc.path, lineno=scan.lines(part.start), colno=exc.colno,
                        record=record) from None


def _records(scan: _Scan, version: int, strict: bool):
    """(warnings, Domain or error) for each part, in order."""
    for i, part in enumerate(scan.parts):
        k = scan.records_before + i + 1
        lenient = (_closers(scan, scan.leading) if i == 0 else []) + _unclosed(scan, i) \
            + _closers(scan, part.closers)
        error: Optional[FastSexprError] = _hard_error(scan, part, k)
        if error is None and strict and lenient:
            error = min(lenient, key=lambda x: x.pos).error(scan, k)
        said = [] if strict else [x.warning(k) for x in lenient]
        result: Union[Domain, FastSexprError, None] = error
        if error is None:
            try:
                result = _read_record(scan, part, version, k, strict, said)
            except ConversionError as exc:
                result = exc
        yield said, result


def text_domains(data: Data, version: int, strict: bool, on_error: OnError,
                 on_warning: OnWarning) -> Iterator[Domain]:
    """:func:`fastsexpr.iter_domains` over a text or bytes."""
    def fail(exc):
        if on_error is None:
            raise exc
        on_error(exc)

    try:
        text = _decode(data)
    except SexprSyntaxError as exc:
        fail(exc)
        return
    scan = _scan(text[1:] if text.startswith("\ufeff") else text)
    if not scan.parts:
        fail(no_record(scan.text))
        return
    yield from domains_of(scan, version, strict, on_warning, fail)


def domains_of(scan: _Scan, version: int, strict: bool, on_warning: OnWarning, fail,
               place: Optional[Callable[[FastSexprError], FastSexprError]] = None
               ) -> Iterator[Domain]:
    """Each domain of the scan's records in order, each record's warnings
    said first (pointing at the code that iterates), each failure handed to
    ``fail`` (through ``place``, which puts it in its file)."""
    for said, item in _records(scan, version, strict):
        for w in said:
            emit_warning(w, on_warning, 2)
        if isinstance(item, Domain):
            yield item
        else:
            fail(item if place is None else place(item))


def no_record(text: str) -> ConversionError:
    """The error for a text that holds no record."""
    what = "it is empty" if not text.strip(_LIBVIRT_SPACE) else \
        "it holds only ')' that close no list"
    return ConversionError(f"no domain record in the input: {what}")
