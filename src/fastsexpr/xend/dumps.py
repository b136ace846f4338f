"""Every domain of a dump: :func:`fastsexpr.iter_domains`, over a text
(:mod:`.records`) or a binary file read a window at a time
(:mod:`.streaming`)."""
from __future__ import annotations

from collections.abc import Iterator

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO
else:
    # What typing.get_type_hints gives for the annotation at run time (every
    # binary file object is one), without importing typing.
    from io import IOBase as BinaryIO

from ..model.domain import Domain
from ..versions import check_version
from .records import Data, OnError, OnWarning, text_domains
from .streaming import stream_domains

__all__ = ["iter_domains"]


def iter_domains(data: Data | BinaryIO, *, xend_config_version: int = 4,
                 strict: bool = False, on_error: OnError = None,
                 on_warning: OnWarning = None) -> Iterator[Domain]:
    """Yield a :class:`~fastsexpr.Domain` for each xend domain record of
    ``data`` (an ``xm list --long`` dump, config.sxp files put together),
    read with libvirt's lenient reader as libvirt 1.2.10 read each record.

    ``data``: text or UTF-8 bytes (a byte order mark is skipped), or a
    binary file object, read a window of whole records at a time, so that
    memory is bounded by the largest record, not the file; line numbers,
    positions and record numbers count from the start of the file.  Records
    before bytes that are not UTF-8 are then yielded before its error, and
    at a record lacking its ``)`` the rest of the file is read at once (its
    warning counts the records after it).
    ``xend_config_version``: as for :func:`fastsexpr.sexpr_to_xml`.

    Every record is converted or reported, in order:

    * a record that lacks its final ``)`` is closed at the end of the
      record, as libvirt closed it, with a warning; the records after it,
      which libvirt read as part of it, are read on their own (a record
      starts at a line that starts with ``(domain`` and a list, as xend
      prints them; records on its own line stay part of it, and its
      warning says so);
    * a ``)`` that closes no list is skipped with a warning;
    * a setting the domain XML cannot carry (a ``vtpm`` device, a
      ``cpu_cap``: :mod:`fastsexpr.xend.carried`) is said in a warning
      whose text starts with its SEXPR path; runtime keys are not;
    * a record that libvirt refused, that holds a NUL character (libvirt
      stops reading there), or text outside any expression is an error
      (:class:`~fastsexpr.ConversionError` or
      :class:`~fastsexpr.SexprSyntaxError`) whose ``record`` is its number
      (from 1) and ``lineno`` its line; so is an input with no record.

    ``on_error``: None raises the first error; a callable is called with
    each error and the records after it are read.  ``on_warning``: None
    issues each warning with :func:`warnings.warn` as a
    :class:`~fastsexpr.FastSexprWarning`; a callable is called with each
    (``str()`` is its text, ``lineno`` its line, ``record`` its record)
    just before its record is yielded or reported.  ``strict=True`` makes
    every leniency an error of its record, with its position, and every
    setting that cannot be carried a :class:`~fastsexpr.ConversionError`
    of its record naming its path.

    Raises :class:`~fastsexpr.ConversionError` at once for an unknown
    ``xend_config_version``, ``TypeError`` for input that is neither text
    nor bytes; with ``on_error=None``, the first bad record's error when
    the iteration reaches it.

    >>> rec = ("(domain (domid 1)(name {})(uuid c7a5fdbd-edaf-9455-926a-d65c16db180{})"
    ...        "(memory 512)(image (linux (kernel /boot/vmlinuz))))\\n")
    >>> dump = rec.format("web1", 1)[:-2] + "\\n" + rec.format("web2", 2)  # web1 lacks a ')'
    >>> said = []
    >>> [d.name for d in iter_domains(dump, on_warning=said.append)]
    ['web1', 'web2']
    >>> print(said[0])
    record at line 1 lacks 1 closing ')': closed at the end of the record, as libvirt did; ...
    """
    check_version(xend_config_version)
    if hasattr(data, "read"):
        return stream_domains(data, xend_config_version, strict, on_error, on_warning)
    return text_domains(data, xend_config_version, strict, on_error, on_warning)
