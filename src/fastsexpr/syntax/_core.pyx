# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The SEXPR syntax engine, compiled.

The twin of :mod:`fastsexpr.syntax._pycore`: the same functions and classes with
the same results, errors and positions (see that module's docstring for the
two reader dialects).  The readers work on the ``str`` buffer itself, keep
open lists on an explicit stack (deep nesting cannot exhaust the C stack)
and build each list once, at its exact size, when it closes.  The emitters
write into one growing character buffer instead of joining fragments.

Inputs of unusual types (``str`` subclasses with their own ``__eq__``,
objects with a ``replace`` method, ...) are handed to the pure twin so that
both give the same answer on every input; only exact ``str`` takes the fast
path.
"""

from ..errors import SexprSyntaxError
from . import _pycore
from sys import intern

__all__ = [
    "loads",
    "loads_all",
    "dumps",
    "esc",
    "find_key",
    "has",
    "lookup",
    "value",
    "value_copy",
    "first_values",
    "strtol",
    "to_int",
    "to_u64",
    "xml_escape",
    "SexprWriter",
    "XmlWriter",
]

DIALECTS = ("xend", "libvirt")

include "_chars.pxi"
include "_readstate.pxi"
include "_atoms.pxi"
include "_reader.pxi"
include "_buffer.pxi"
include "_dumps.pxi"
include "_paths.pxi"
include "_numbers.pxi"
include "_emit.pxi"
