"""How libvirt reads an element: XPath ``string()``, ``./name[1]``, and
where a device sits, for error messages."""
from __future__ import annotations

# For type checkers only: typing (the annotations stay strings at run
# time), and lxml, imported where XML is read, not here: a process that only
# writes XML (SEXPR -> XML) never loads it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Dict, Optional

    from lxml import etree

__all__ = ["string", "first_children", "child_string", "device_path", "device_type",
           "required_word"]


def string(el) -> Optional[str]:
    """XPath string() of an element, libvirt-style: empty means absent."""
    if el is None:
        return None
    if len(el):
        text = "".join(el.itertext())
    else:
        text = el.text
    return text or None


def first_children(el) -> Dict[str, etree._Element]:
    """The first child element of each name (libvirt reads ``./x[1]``).

    Comments and processing instructions end up under their non-string
    tags, where no lookup by name finds them.
    """
    # A plain loop over the list el[:] costs a fifth less than a dict
    # comprehension over el[::-1] (the last of a name winning).
    first: Dict[str, etree._Element] = {}
    keep_first = first.setdefault
    for child in el[:]:
        keep_first(child.tag, child)
    return first


def child_string(first: Dict[str, etree._Element], name: str) -> Optional[str]:
    """``string`` of the first child called ``name``."""
    el = first.get(name)
    if el is None:
        return None
    text = "".join(el.itertext()) if len(el) else el.text
    return text or None


def device_path(el) -> str:
    """Where a device is, e.g. ``/domain/devices/disk[2]``.

    Only error messages need it, so it is worked out when one is raised
    rather than for every device read.
    """
    tag = el.tag
    n = 1 + sum(1 for sibling in el.itersiblings(preceding=True) if sibling.tag == tag)
    return f"/domain/devices/{tag}[{n}]"


def device_type(el, default: str, known, unknown: str) -> str:
    """A device's ``type`` attribute, ``default`` when it has none; a type
    not in ``known`` is a DomainXMLError, ``unknown`` formatted with it."""
    dtype = el.get("type")
    if dtype is None:
        return default
    if dtype not in known:
        from ..errors import DomainXMLError
        raise DomainXMLError(unknown.format(dtype), device_path(el))
    return dtype


def required_word(el, attr: str, known, missing: str, unknown: str,
                  where: Optional[Callable[[], str]] = None) -> str:
    """Attribute ``attr`` of ``el``, one of ``known``; else a DomainXMLError
    at ``where()`` (default: the device ``el``; a function, as only errors
    need the path): ``missing`` when it is absent, ``unknown`` formatted
    with the value when it is not known."""
    word = el.get(attr)
    if word is not None and word in known:
        return word
    from ..errors import DomainXMLError
    raise DomainXMLError(missing if word is None else unknown.format(word),
                         where() if where else device_path(el))
