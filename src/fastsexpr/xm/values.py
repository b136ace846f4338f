"""Typed reads of an xm config's values, as libvirt 1.2.10's xm parser made
them (XM.md section 3), and its two kinds of error that leave no message of
their own (XM.md 1.1).

A value is an int, a str or a list (see :mod:`fastsexpr.xm.conf`); a key
that occurs twice counts once, first.  Each reader takes the read's
:class:`XmIn` and a key, and raises :class:`~fastsexpr.errors.ConversionError`
whose ``path`` is the key and whose ``reason`` is libvirt's own text.
"""
from __future__ import annotations

from typing import Optional

from ..errors import ConversionError
from ..model.scalars import parse_ulong

__all__ = [
    "XmIn", "string_required", "string_optional", "get_string", "get_bool", "get_ulong",
    "nonfatal", "silent_failure",
]

_U64 = (1 << 64) - 1
_MISSING = object()


class XmIn:
    """One read in progress: the config's first values by key (``get``),
    the xend config version, whether the guest is HVM, and the last
    *non-fatal* libvirt message (reported, then ignored, by libvirt)."""

    __slots__ = ("get", "version", "hvm", "last_nonfatal")

    def __init__(self, first, version: int):
        self.get = first.get
        self.version = version
        self.hvm = False
        self.last_nonfatal: Optional[str] = None


def string_items(x: XmIn, key: str) -> list:
    """The string items of a list value, in order: libvirt's xm parser
    passed over a value that is not a list and every item that is not a
    string (the ``disk``, ``vif`` and ``pci`` lists)."""
    items = x.get(key)
    if items.__class__ is not list:
        return []
    return [item for item in items if item.__class__ is str]


def _malformed(key: str) -> ConversionError:
    return ConversionError(f"config value {key} was malformed", key)


def _not_a_string(key: str) -> ConversionError:
    return ConversionError(f"config value {key} was not a string", key)


def string_required(x: XmIn, key: str) -> str:
    """A string that must be there (libvirt's xenXMConfigCopyString)."""
    value = x.get(key, _MISSING)
    if value.__class__ is str:
        return value
    if value is _MISSING:
        raise ConversionError(f"config value {key} was missing", key)
    raise _not_a_string(key)


def string_optional(x: XmIn, key: str) -> Optional[str]:
    """A string or None (xenXMConfigCopyStringOpt); any other value fails."""
    value = x.get(key)
    if value is None or value.__class__ is str:
        return value
    raise _not_a_string(key)


def get_string(x: XmIn, key: str, default: Optional[str]) -> Optional[str]:
    """A string, ``default`` when absent (xenXMConfigGetString)."""
    value = x.get(key)
    if value is None:
        return default
    if value.__class__ is str:
        return value
    raise _malformed(key)


def get_bool(x: XmIn, key: str, default):
    """A number is true unless 0; a string only when it is exactly ``1``."""
    value = x.get(key)
    if value is None:
        return default
    if value.__class__ is int:
        return value != 0
    if value.__class__ is str:
        return value == "1"
    raise _malformed(key)


def get_ulong(x: XmIn, key: str, default: int) -> int:
    """An unsigned 64-bit number: a number modulo 2**64, or a string read by
    C's strtoul in base 10 (a '-' wraps) that must be whole."""
    value = x.get(key)
    if value is None:
        return default
    if value.__class__ is int:
        return value & _U64
    if value.__class__ is str:
        number = parse_ulong(value)
        if number is not None:
            return number
    raise _malformed(key)


def nonfatal(x: XmIn, message: str) -> None:
    """libvirt reported ``message`` (its whole text) and went on; it shows
    only as the text of a later failure that has none of its own."""
    x.last_nonfatal = message


def silent_failure(x: XmIn, key: str, reason: str) -> ConversionError:
    """A refusal libvirt gave no message of its own for: ours, with what
    libvirt printed instead."""
    shown = x.last_nonfatal or "unknown libvirt error"
    return ConversionError(f"{reason} (libvirt 1.2.10 refused this without a message "
                           f"of its own and reported: {shown})", key)
