"""The two conversions, each a read into the Domain model and a write out."""
from __future__ import annotations

from typing import Union

from .libvirt_xml import read_xml, write_xml
from .xend import read_sexpr, write_sexpr

__all__ = ["xml_to_sexpr", "sexpr_to_xml"]


def xml_to_sexpr(xml: Union[str, bytes], *, xend_config_version: int = 4) -> str:
    """libvirt domain XML -> the SEXPR libvirt 1.2.10 sent to xend."""
    return write_sexpr(read_xml(xml), xend_config_version)


def sexpr_to_xml(sexpr: Union[str, bytes], *, xend_config_version: int = 4) -> str:
    """A xend domain SEXPR -> the domain XML libvirt 1.2.10 produced."""
    return write_xml(read_sexpr(sexpr, xend_config_version))
