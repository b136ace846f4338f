"""fastsexpr: libvirt domain XML <-> Xen xend S-expressions, fast and faithful."""
from .convert import sexpr_to_xml, xm_to_xml, xml_to_sexpr, xml_to_xm
from .model import Domain
from .errors import (
    ConversionError, DomainXMLError, FastSexprError, FastSexprWarning, SexprSyntaxError,
    XmSyntaxError,
)
from .libvirt_xml import read_xml, write_xml
from .syntax import (
    HAS_SPEEDUPS, dump, dumps, find_key, has, iterload, load, loads, loads_all,
    lookup, nonempty_value, strtol, to_int, to_u64, value, value_copy,
)
from .xend import read_sexpr, write_sexpr
from .xend.records import iter_domains
from .xm import read_xm, write_xm

__version__ = "0.1.0"

__all__ = [
    "__version__", "HAS_SPEEDUPS",
    # SEXPR syntax
    "loads", "loads_all", "load", "iterload", "dumps", "dump",
    "find_key", "has", "lookup", "value", "nonempty_value", "value_copy",
    "strtol", "to_int", "to_u64",
    # conversions
    "xml_to_sexpr", "sexpr_to_xml", "read_xml", "write_xml", "read_sexpr", "write_sexpr",
    "iter_domains", "xml_to_xm", "xm_to_xml", "read_xm", "write_xm",
    "Domain",
    # errors
    "FastSexprError", "SexprSyntaxError", "XmSyntaxError", "ConversionError", "DomainXMLError",
    "FastSexprWarning",
]
