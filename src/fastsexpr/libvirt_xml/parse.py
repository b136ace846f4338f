"""The hardened lxml parse of domain XML text into an element tree.

Entity resolution, DTD loading and network access are off, and a document
that declares entities is refused outright: a domain definition never needs
them, and refusing is the only answer to entity expansion bombs that costs
nothing.
"""
from __future__ import annotations

import threading

# For type checkers only: typing (the annotations stay strings at run
# time), and lxml, imported where XML is read, not here: a process that only
# writes XML (SEXPR -> XML) never loads it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Union

    from lxml import etree

from ..errors import DomainXMLError

__all__ = ["parse_document"]

_local = threading.local()


def _parser(utf8: bool) -> etree.XMLParser:
    """The parser for bytes (``utf8`` False: their encoding declaration
    decides) or for text encoded as UTF-8 (whatever the declaration says)."""
    # lxml parser objects keep per-parse state, so each thread has its own.
    parsers = getattr(_local, "parsers", None)
    if parsers is None:
        from lxml import etree
        parsers = _local.parsers = tuple(etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False,
            dtd_validation=False, huge_tree=False, remove_blank_text=False,
            encoding=encoding) for encoding in (None, "utf-8"))
    return parsers[utf8]


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
        # applies.  lxml refuses a str that seems to it to carry one, with a
        # ValueError, and decides so by a regex that backtracks over the
        # whole declaration (seconds on a long one); as UTF-8 bytes read
        # with the encoding fixed, any declaration is fine.  Lone
        # surrogates stay invalid UTF-8, which libxml2 reports by position.
        xml = xml.encode("utf-8", "surrogatepass")
        utf8 = True
    elif isinstance(xml, (bytes, bytearray, memoryview)):
        xml = bytes(xml)
        if b"<!ENTITY" in xml:
            raise DomainXMLError("entity declarations are not accepted", "/")
        # Bytes may be in an encoding where "!" is not the byte 0x21.
        may_have_dtd = True
        utf8 = False
    else:
        raise TypeError(f"domain XML must be str or bytes, not {type(xml).__name__}")
    from lxml import etree
    try:
        root = etree.fromstring(xml, _parser(utf8))
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
