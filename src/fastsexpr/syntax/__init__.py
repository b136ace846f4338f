"""SEXPR reading and writing: the compiled core when it is there, else its twin.

``FASTSEXPR_PUREPYTHON=1`` in the environment at import time forces the
pure-Python twin; :data:`HAS_SPEEDUPS` says which one is live.
"""
from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import IO, Optional, Union

    # Type checkers see the compiled engine's stubs (_core.pyi); the pure
    # twin has the same API.
    from . import _core as _impl
    from ._core import Dialect, Tree
elif os.environ.get("FASTSEXPR_PUREPYTHON", "") not in ("", "0"):
    from . import _pycore as _impl
else:
    try:
        from . import _core as _impl
    except ImportError:
        from . import _pycore as _impl

HAS_SPEEDUPS = _impl.__name__.endswith("._core")

if not TYPE_CHECKING:
    from ._docs import PUBLIC_DOCS
    for _name, _doc in PUBLIC_DOCS.items():
        getattr(_impl, _name).__doc__ = _doc
    del _name, _doc

loads = _impl.loads
loads_all = _impl.loads_all
record_spans = _impl.record_spans
iterload = _impl.iterload
first_comment = _impl.first_comment
dumps = _impl.dumps
esc = _impl.esc
find_key = _impl.find_key
has = _impl.has
lookup = _impl.lookup
value = _impl.value
nonempty_value = _impl.nonempty_value
value_copy = _impl.value_copy       # the name SEXPR.md gives nonempty_value
member_values = _impl.member_values
strtol = _impl.strtol
to_int = _impl.to_int
to_u64 = _impl.to_u64
xml_escape = _impl.xml_escape
SexprWriter = _impl.SexprWriter
XmlWriter = _impl.XmlWriter
XmlTemplate = _impl.XmlTemplate

__all__ = [
    "HAS_SPEEDUPS", "loads", "loads_all", "record_spans", "first_comment", "load", "iterload",
    "dumps", "dump",
    "esc", "find_key", "has", "lookup", "value", "nonempty_value", "value_copy",
    "member_values", "strtol", "to_int", "to_u64", "xml_escape", "SexprWriter", "XmlWriter",
    "XmlTemplate",
]


def _read(fp: "IO[str] | IO[bytes]") -> "tuple[Union[str, bytes], Optional[str]]":
    data = fp.read()
    name = getattr(fp, "name", None)
    return data, name if isinstance(name, str) else None


def load(fp: "IO[str] | IO[bytes]", *, dialect: "Dialect" = "xend") -> "Tree":
    """Read one expression from a text or binary file object.

    Like :func:`loads` on the file's whole content; a syntax error names the
    file.  Raises :class:`~fastsexpr.SexprSyntaxError` as :func:`loads` does.

    >>> import io
    >>> load(io.BytesIO(b"(domain (name web1))"))
    ['domain', ['name', 'web1']]
    """
    data, name = _read(fp)
    return loads(data, dialect=dialect, source=name)


def dump(tree: "Tree", fp: "IO[str]", *, indent: Optional[int] = None) -> None:
    """Write ``dumps(tree, indent=indent)`` to a text file object.

    Raises what :func:`dumps` and the file's ``write`` raise.

    >>> import io
    >>> out = io.StringIO(); dump(["domain", ["name", "a"]], out); out.getvalue()
    '(domain (name a))'
    """
    fp.write(dumps(tree, indent=indent))
