"""SEXPR reading and writing: the compiled core when it is there, else its twin.

``FASTSEXPR_PUREPYTHON=1`` in the environment at import time forces the
pure-Python twin; :data:`HAS_SPEEDUPS` says which one is live.
"""
from __future__ import annotations

import os

if os.environ.get("FASTSEXPR_PUREPYTHON", "") not in ("", "0"):
    from . import _pycore as _impl
else:
    try:
        from . import _core as _impl
    except ImportError:
        from . import _pycore as _impl

HAS_SPEEDUPS = _impl.__name__.endswith("._core")

loads = _impl.loads
loads_all = _impl.loads_all
first_comment = _impl.first_comment
dumps = _impl.dumps
esc = _impl.esc
find_key = _impl.find_key
has = _impl.has
lookup = _impl.lookup
value = _impl.value
value_copy = _impl.value_copy
first_values = _impl.first_values
strtol = _impl.strtol
to_int = _impl.to_int
to_u64 = _impl.to_u64
xml_escape = _impl.xml_escape
SexprWriter = _impl.SexprWriter
XmlWriter = _impl.XmlWriter

__all__ = [
    "HAS_SPEEDUPS", "loads", "loads_all", "first_comment", "load", "iterload", "dumps", "dump",
    "esc", "find_key", "has", "lookup", "value", "value_copy", "first_values", "strtol",
    "to_int", "to_u64", "xml_escape", "SexprWriter", "XmlWriter",
]


def _read(fp):
    data = fp.read()
    return data, getattr(fp, "name", None)


def load(fp, *, dialect="xend"):
    """Read one expression from a text or binary file object."""
    data, name = _read(fp)
    return loads(data, dialect=dialect, source=name if isinstance(name, str) else None)


def iterload(fp, *, dialect="xend"):
    """Yield every top-level expression of a file (an ``xm list --long`` dump)."""
    data, name = _read(fp)
    yield from loads_all(data, dialect=dialect, source=name if isinstance(name, str) else None)


def dump(tree, fp, *, indent=None):
    """Write ``dumps(tree, indent=indent)`` to a text file object."""
    fp.write(dumps(tree, indent=indent))
