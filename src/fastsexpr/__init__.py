"""fastsexpr: libvirt domain XML <-> Xen xend S-expressions, fast and faithful."""
from .errors import (
    ConversionError, DomainXMLError, FastSexprError, FastSexprWarning, SexprSyntaxError,
    XmSyntaxError,
)

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

# The module each public name lives in, imported on first use (PEP 562): a
# process that only reads SEXPR never loads lxml or the xm format, and
# `import fastsexpr` stays cheap for a command spawned once per guest.
_HOMES = {
    ".syntax": ("HAS_SPEEDUPS", "loads", "loads_all", "load", "iterload", "dumps", "dump",
                "find_key", "has", "lookup", "value", "nonempty_value", "value_copy",
                "strtol", "to_int", "to_u64"),
    ".convert": ("xml_to_sexpr", "sexpr_to_xml", "xml_to_xm", "xm_to_xml"),
    ".libvirt_xml": ("read_xml", "write_xml"),
    ".xend": ("read_sexpr", "write_sexpr"),
    ".xend.dumps": ("iter_domains",),
    ".xm": ("read_xm", "write_xm"),
    ".model": ("Domain",),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

TYPE_CHECKING = False
if TYPE_CHECKING:
    # What type checkers (and readers) see: the same names, imported eagerly.
    from .convert import sexpr_to_xml, xm_to_xml, xml_to_sexpr, xml_to_xm
    from .libvirt_xml import read_xml, write_xml
    from .model import Domain
    from .syntax import (
        HAS_SPEEDUPS, dump, dumps, find_key, has, iterload, load, loads, loads_all,
        lookup, nonempty_value, strtol, to_int, to_u64, value, value_copy,
    )
    from .xend import read_sexpr, write_sexpr
    from .xend.dumps import iter_domains
    from .xm import read_xm, write_xm
else:
    def __getattr__(name: str):
        """A public name, imported from its module on first use (PEP 562)."""
        home = _HOME_OF.get(name)
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from importlib import import_module
        found = getattr(import_module(home, __name__), name)
        globals()[name] = found   # later lookups skip this function
        return found

    def __dir__():
        """The module's names, those not imported yet included."""
        return sorted(set(globals()) | set(__all__))
