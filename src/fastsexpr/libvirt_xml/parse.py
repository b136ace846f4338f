"""The hardened lxml parse of domain XML text into an element tree.

Entity resolution, DTD loading and network access are off, and a document
that declares entities is refused outright: a domain definition never needs
them, and refusing is the only answer to entity expansion bombs that costs
nothing.
"""
from __future__ import annotations

import re
import threading
from typing import Union

from lxml import etree

from ..errors import DomainXMLError

__all__ = ["parse_document"]

_ENCODING_DECL = re.compile(r"\A(\s*<\?xml\b[^>]*?)\s+encoding\s*=\s*(['\"])[^'\"]*\2")

_local = threading.local()


def _parser() -> etree.XMLParser:
    # lxml parser objects keep per-parse state, so each thread has its own.
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False,
            dtd_validation=False, huge_tree=False, remove_blank_text=False)
        _local.parser = parser
    return parser


def parse_document(xml: Union[str, bytes]) -> etree._Element:
    """The root element of ``xml``; DomainXMLError when it is malformed or
    declares entities."""
    if isinstance(xml, str):
        # A DOCTYPE (the only place entities can be declared) needs a "!",
        # and a one-character scan is a memchr, far cheaper than the
        # "<!ENTITY" search and the DTD look-up below.  Domain XML almost
        # never has one.
        may_have_dtd = "!" in xml
        # Cheap early refusal before lxml sees anything.
        if may_have_dtd and "<!ENTITY" in xml:
            raise DomainXMLError("entity declarations are not accepted", "/")
        # A str is already decoded: its encoding declaration no longer
        # applies (and lxml refuses str input that carries one).
        if xml.lstrip().startswith("<?xml"):
            xml = _ENCODING_DECL.sub(r"\1", xml, count=1)
    elif isinstance(xml, (bytes, bytearray, memoryview)):
        xml = bytes(xml)
        if b"<!ENTITY" in xml:
            raise DomainXMLError("entity declarations are not accepted", "/")
        # Bytes may be in an encoding where "!" is not the byte 0x21.
        may_have_dtd = True
    else:
        raise TypeError(f"domain XML must be str or bytes, not {type(xml).__name__}")
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (exc.lineno, exc.offset)
        raise DomainXMLError(
            f"malformed XML at line {line}, column {col}: {exc.msg}",
            lineno=line, colno=col) from None
    # Encodings the byte scan above cannot see (UTF-16, UTF-32) still end up
    # here; the entities were declared but never expanded.
    if may_have_dtd:
        dtd = root.getroottree().docinfo.internalDTD
        if dtd is not None and next(iter(dtd.iterentities()), None) is not None:
            raise DomainXMLError("entity declarations are not accepted", "/")
    return root
