"""The records of a dump read from a binary file a window at a time, so
that memory is bounded by the largest record and one read, not the file.

A window is whole records: the file is cut only where :mod:`.records` cuts
a text (a line that starts with ``(domain`` and a list), so each window is
scanned and its records converted exactly as :func:`.records.text_domains`
converts the whole text, its lines, characters and records counted on from
the windows before it.  One thing needs more than its window: the warning
for a record lacking its ``)`` says which records libvirt's reading of the
whole text would take in and how many records there are in all, so at
such a record the rest of the file is read into its window.
"""
from __future__ import annotations

import re
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO, Iterator, Tuple

from ..errors import SexprSyntaxError, invalid_utf8
from .records import _scan, _Scan, domains_of, no_record

__all__ = ["stream_domains", "CHUNK"]

CHUNK = 1 << 20             # bytes asked of the file per read

_START = b"\n(domain"
# What must follow "(domain" on its line for it to start a record (as
# records._RECORD_START says), seen whole in the bytes read so far.
_START_TAIL = re.compile(rb"[ \t\r]*[\n(]")


def _last_cut(raw: bytes, lo: int) -> int:
    """Where the last record start of ``raw`` at or after ``lo`` is (the
    character after its newline), or -1."""
    end = len(raw)
    while True:
        p = raw.rfind(_START, lo, end)
        if p < 0:
            return -1
        if _START_TAIL.match(raw, p + len(_START)):
            return p + 1
        end = p + len(_START) - 1       # the next one starts before p


class _Windows:
    """The bytes of a binary file in windows of whole records."""

    def __init__(self, fp: BinaryIO, chunk: int):
        self.fp, self.chunk, self.raw, self.offset = fp, chunk, b"", 0

    def _read(self, size: int = -1) -> bytes:
        data = self.fp.read(size)
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError("iter_domains reads a binary file (open it with 'rb'), "
                            f"not one whose read gives {type(data).__name__}")
        return bytes(data)

    def __iter__(self) -> Iterator[Tuple[bytes, bool]]:
        """(bytes, whether they are the last); ``offset`` is where they start."""
        searched = 0
        while True:
            data = self._read(self.chunk)
            if not data:
                if self.raw or not self.offset:
                    yield self._take(len(self.raw)), True
                return
            self.raw += data
            cut = _last_cut(self.raw, max(0, searched - len(_START)))
            searched = len(self.raw)
            if cut > 0:
                yield self._take(cut), False
                searched = 0

    def _take(self, cut: int) -> bytes:
        window, self.raw = self.raw[:cut], self.raw[cut:]
        self.offset += len(window)
        return window

    def rest(self) -> bytes:
        """Everything not yet handed out, to the end of the file."""
        rest, self.raw = self.raw + self._read(), b""
        self.offset += len(rest)
        return rest


def _decode(raw: bytes, byte_offset: int, char_offset: int, line: int) -> str:
    """The window's text; bad UTF-8 fails as records._decode fails on the
    whole text, with its place in the file."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A window starts a line, unless it is the file's first.
        raise invalid_utf8(raw, exc, byte_offset=byte_offset, char_offset=char_offset,
                           first_line=line) from None


def _in_file(exc: Exception, start: int) -> Exception:
    """An error of a window whose text starts at character ``start``, placed in the file."""
    if not isinstance(exc, SexprSyntaxError) or not start:
        return exc
    return SexprSyntaxError(exc.msg, exc.doc, exc.pos + start, exc.source, lineno=exc.lineno,
                            colno=exc.colno, record=exc.record, doc_start=start)


class _Place:
    """How far the windows before the current one went."""
    line = 1
    char = 0                # characters, after a byte order mark
    records = 0
    lists = 0
    refused = False         # libvirt's reading refused a record of theirs
    bom = 0                 # 1 when the file starts with a byte order mark

    def scan(self, text: str) -> _Scan:
        scan = _scan(text, self.line)
        scan.records_before, scan.lists_before = self.records, self.lists
        scan.whole_refused = self.refused
        return scan

    def past(self, scan: _Scan) -> None:
        self.line += scan.text.count("\n")
        self.char += len(scan.text)
        self.records += len(scan.parts)
        self.lists = scan.count_lists()     # the lists before it and its own
        self.refused = self.refused or any(p.refused is not None for p in scan.parts)


def stream_domains(fp: BinaryIO, version: int, strict: bool, on_error, on_warning):
    """records.text_domains over a binary file, a window at a time."""
    def fail(exc):
        if on_error is None:
            raise exc
        on_error(exc)

    windows, at, pending = _Windows(fp, CHUNK), _Place(), ""
    for raw, last in windows:
        try:
            text = _decode(raw, windows.offset - len(raw), at.char + at.bom + len(pending), at.line)
        except SexprSyntaxError as exc:
            fail(exc)
            return
        if not windows.offset - len(raw) and text.startswith("\ufeff"):
            text, at.bom = text[1:], 1
        scan = at.scan(pending + text)
        if not scan.parts and not last:
            pending = scan.text         # no record yet: read with the next window
            continue
        if not last and any(p.unclosed for p in scan.parts):
            rest = windows.rest()
            try:
                text = _decode(rest, windows.offset - len(rest), at.char + at.bom + len(scan.text),
                               at.line + scan.text.count("\n"))
            except SexprSyntaxError as exc:
                fail(exc)
                return
            scan, last = at.scan(scan.text + text), True
        pending = ""
        if last and not at.records and not scan.parts:
            fail(no_record(scan.text))
            return
        yield from domains_of(scan, version, strict, on_warning, fail,
                              lambda exc: _in_file(exc, at.char))
        at.past(scan)
