"""libvirt domain XML <-> the Domain model."""
from .reader import read_xml
from .writer import write_xml

__all__ = ["read_xml", "write_xml"]
