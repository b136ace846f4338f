"""Which domain it is: ``name`` and ``uuid`` (XM.md 3, 4.1 steps 1-2, 5.1).
"""
from __future__ import annotations

from ..errors import ConversionError
from ..model.domain import Domain
from ..model.scalars import format_uuid, parse_uuid, random_uuid
from .values import XmIn, string_required

NAME_KEY = "name"
UUID_KEY = "uuid"


def read_identity(x: XmIn) -> Domain:
    name = string_required(x, NAME_KEY)
    text = x.get(UUID_KEY)
    if text is None:
        uuid = random_uuid()
    elif text.__class__ is not str:
        raise ConversionError("config value uuid not a string", UUID_KEY)
    else:
        uuid = parse_uuid(text)
        if uuid is None:
            raise ConversionError(f"{text} not parseable", UUID_KEY)
    return Domain(name=name, uuid=uuid)


def write_identity(d: Domain, out: dict) -> None:
    out[NAME_KEY] = d.name
    out[UUID_KEY] = format_uuid(d.uuid)
