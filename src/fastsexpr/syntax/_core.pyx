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

from sys import intern

from ..errors import SexprSyntaxError

# The twins export the same names (tests/syntax/test_reader.py checks it).
__all__ = [
    "loads", "loads_all", "record_spans", "iterload", "first_comment", "dumps", "esc",
    "find_key", "has", "lookup", "value", "nonempty_value", "value_copy", "member_values",
    "strtol", "to_int", "to_u64", "xml_escape", "SexprWriter", "XmlWriter", "XmlTemplate",
]


cdef object _twin():
    """The pure twin: the reference for inputs of unusual types (see above).
    Imported at its first use, so that a process converting ordinary input
    never loads it (a command run per guest would pay a millisecond for it)."""
    from . import _pycore
    return _pycore

DIALECTS = ("xend", "libvirt")

# The C-API declarations the parts cimport are in _cpython.pxd.  Order
# matters: a part uses what the parts before it declare.
include "_chars.pxi"        # C_SPACE and the character class table
include "_readstate.pxi"    # the text being read and the stack of open lists
include "_atoms.pxi"        # xend's vocabulary and the atom cache, shared across reads
include "_reader.pxi"       # the libvirt and xend readers; loads, loads_all, record_spans
include "_stream.pxi"        # iterload: the reader of a part of a file
include "_comments.pxi"     # first_comment: where the xend reader's first comment starts
include "_buffer.pxi"       # Out, the growing character buffer of every writer
include "_dumps.pxi"        # dumps
include "_paths.pxi"        # find_key, has, lookup, value, nonempty_value, member_values
include "_numbers.pxi"      # strtol, to_int, to_u64
include "_emit.pxi"         # esc, xml_escape, SexprWriter, XmlWriter
