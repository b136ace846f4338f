"""The SEXPR syntax engine in pure Python.

This module is the twin of the compiled ``fastsexpr.syntax._core``: the same
functions and classes with the same behaviour, errors and positions.  It is
the fallback where the extension is not built, and the reference the tests
hold the compiled core against.  It knows quoting, escaping, positions and
buffers, and nothing of Xen.  It gathers one module per part of the compiled
engine: ``_pychars`` (``_chars.pxi``), ``_pyreader`` (``_reader.pxi``),
``_pycomments`` (``_comments.pxi``), ``_pydumps``, ``_pypaths``, ``_pynumbers`` and ``_pyemit`` likewise;
``_pystream`` (``iterload``) reads a file a part at a time for both engines.

Readers (``loads`` / ``loads_all``) take ``str`` or UTF-8 ``bytes`` and two
dialects:

``"libvirt"``
    libvirt 1.2.10's reader: only ``'`` quotes, quoted atoms kept raw, a
    missing ``)`` at the end closes the open lists, text after the first
    expression is ignored (``loads_all`` reads every expression and skips
    closers that have no list open), and a NUL character ends the input (it
    is a C string there).  ``record_spans`` tells where each expression that
    ``loads_all`` reads lies, and how many lists the end of the text closed.  Where libvirt would loop forever (a VT or FF where an
    atom should start) a :class:`SexprSyntaxError` is raised instead.
``"xend"``
    xend's own reader: ``'`` and ``"`` quotes with backslash escapes,
    ``#`` comments to the end of the line, strict about balance.

Trees are nested ``list`` of ``str``.
"""
from __future__ import annotations

from ._pycomments import first_comment
from ._pydumps import dumps
from ._pyemit import SexprWriter, XmlTemplate, XmlWriter, esc, xml_escape
from ._pynumbers import strtol, to_int, to_u64
from ._pypaths import (
    find_key, has, lookup, member_values, nonempty_value, value, value_copy,
)
from ._pyreader import DIALECTS, loads, loads_all, record_spans
from ._pystream import iterload

__all__ = [
    "loads",
    "loads_all",
    "record_spans",
    "iterload",
    "first_comment",
    "dumps",
    "esc",
    "find_key",
    "has",
    "lookup",
    "value",
    "nonempty_value",
    "value_copy",
    "member_values",
    "strtol",
    "to_int",
    "to_u64",
    "xml_escape",
    "SexprWriter",
    "XmlWriter",
    "XmlTemplate",
]
