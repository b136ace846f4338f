"""The one domain record that :func:`fastsexpr.sexpr_to_xml` converts: a
config.sxp, or a record cut from a dump.  The usual text, one closed
record, is read once; anything else goes through the dump's scan
(:mod:`.records`), so that a text of several records is refused with their
count and what libvirt forgave is said the same way as in a dump.
"""
from __future__ import annotations

from typing import List, Optional

from ..errors import ConversionError, FastSexprWarning
from ..model.domain import Domain
from ..syntax import loads, record_spans
from ..versions import check_version
from . import read_sexpr     # the package, whatever module holds it
from .carried import say_or_refuse
from .records import (  # the dump's scan, shared
    _CLOSERS_AND_SPACE, _SHOWN_LINES, Data, OnWarning, _at, _closers, _decode, _hard_error,
    _Leniency, _line_list, _Lines, _Part, _read_record, _record_starts, _Scan, _scan, _unclosed,
    emit_warning,
)

__all__ = ["read_one"]


def _head(scan: _Scan, part: _Part) -> Optional[str]:
    tree = loads(scan.text[part.start:part.end], dialect="libvirt")
    return tree[0] if tree and isinstance(tree[0], str) else None


def _one_clean_record(text: str):
    """(tree, closers) of ``text`` if it is one list that libvirt's reader
    reads as written: closed, with nothing but white space before it, no
    NUL and no second record start inside (the usual config.sxp, checked in
    a few scans over the one read); else None.  After it may come white
    space and, as in two of libvirt's own fixtures, ')' that close no list:
    ``closers`` is then (where the first is, how many), else None."""
    spans = record_spans(text, trees=True)
    if len(spans) != 1:
        return None
    start, end, unclosed, tree = spans[0]
    # Most texts hold no "\n(domain" past the first: no generator to start.
    if (unclosed or text[start] != "(" or text.find(")", 0, start) >= 0
            or text.find("\0", start, end) >= 0
            or text.find("\n(domain", start + 1, end) >= 0
            and next(_record_starts(text, start + 1, end), None) is not None):
        return None
    first = text.find(")", end)
    if first < 0:
        return tree, None
    if text[end:].strip(_CLOSERS_AND_SPACE):
        return None
    return tree, (first, text.count(")", first))


def read_one(data: Data, version: int, *, strict: bool = False,
             on_warning: OnWarning = None) -> Domain:
    """The one domain record of ``data``, as libvirt read it (what
    :func:`fastsexpr.sexpr_to_xml` converts): a text holding several domain
    records is refused, saying how many; what libvirt forgave (a record
    lacking its closing ``)``, closers too many, text after the record) is
    said in a warning, or refused with ``strict``."""
    check_version(version)
    text = _decode(data)
    clean = _one_clean_record(text)
    if clean is not None:
        tree, closers = clean
        if closers is not None:
            # Said as the full scan below says it, without that scan.
            lenient = _closers(_Scan(text, [], None, _Lines(text)), closers)[0]
            if strict:
                raise lenient.error(_Scan(text, [], None, _Lines(text)), None)
            emit_warning(lenient.warning(None), on_warning, 2)
        dropped: list = []
        dom = read_sexpr(tree, version, dropped=dropped)
        if dropped:
            for warning in say_or_refuse(dropped, strict):
                emit_warning(warning, on_warning, 2)
        return dom
    scan = _scan(text)
    parts = scan.parts
    if scan.leading or not parts or not parts[0].is_list(scan.text):
        # libvirt read an atom first: its refusal, as libvirt refused it.
        return read_sexpr(scan.text, version)
    records = [p for p in scan.lists() if _head(scan, p) == "domain"] \
        if len(parts) > 1 else parts
    if len(records) > 1:
        shown = [scan.lines(p.start) for p in records[:_SHOWN_LINES]]
        raise ConversionError(
            f"the input holds {len(records)} domain records (at lines "
            f"{_line_list(shown, len(records) - len(shown))}) and sexpr_to_xml converts one: "
            "read a dump with fastsexpr.iter_domains(), or convert it with the command "
            "(fastsexpr convert DUMP -o DIRECTORY/)")
    part = parts[0]
    error = _hard_error(scan, part, None)
    if error is not None:
        raise error
    lenient = _unclosed(scan, 0) + _closers(scan, part.closers)
    if len(parts) > 1:
        line, col = _at(scan, parts[1].start)
        lenient.append(_Leniency(parts[1].start, "text after the record", ("ignored", ""),
                                 line, col))
    if strict and lenient:
        raise lenient[0].error(scan, None)
    for leniency in lenient:
        emit_warning(leniency.warning(None), on_warning, 2)
    said: List[FastSexprWarning] = []
    dom = _read_record(scan, part, version, None, strict, said)
    for warning in said:
        emit_warning(warning, on_warning, 2)
    return dom
