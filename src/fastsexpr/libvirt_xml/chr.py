"""Character devices: <serial>, <parallel> and <console>."""
from __future__ import annotations


from ..errors import DomainXMLError
from ..model.domain import Chr, Domain
from ..model.scalars import parse_uint
from ..model.vocab import CHR_TYPES, TCP_PROTOCOLS
from ..syntax import XmlTemplate
from .elements import device_path, device_type

__all__ = [
    "read_serial", "read_parallel", "read_console", "number_ports", "hvm_console_as_serial",
    "write_chr",
]

# The types whose host side is a path, which <source path> must give.
_PATH_TYPES = frozenset(("dev", "file", "pipe", "unix"))
_CHR_TYPES = frozenset(CHR_TYPES)
# Device kind -> the <target type> words libvirt knows for it, the first
# being what an absent type means; a parallel port has none.
_TARGET_TYPES = {
    "serial": ("isa-serial", "usb-serial"),
    "parallel": (),
    "console": ("none", "serial", "xen", "uml", "virtio", "lxc", "openvz", "sclp", "sclplm"),
}


def _read_chr(el, kind: str) -> Chr:
    """The <serial>, <parallel> or <console> ``el``; ``kind`` is its tag.
    Its port is -1 when the target does not give one."""
    ctype = device_type(el, "pty", _CHR_TYPES,
                        "unknown type presented to host for character device: {}")
    chr_ = Chr(ctype)
    chr_.port = -1
    mode = path = protocol = target_el = target_type = None
    # libvirt reads every <target> before any <source>, so a bad target
    # wins over a bad source mode found earlier in the document.
    bad_mode = None
    target_types = _TARGET_TYPES[kind]
    # el[:] is a list of the children, quicker to walk than el itself.
    for child in el[:]:
        ctag = child.tag
        if ctag == "source":
            own_mode = child.get("mode")
            if mode is None:
                mode = own_mode
            if path is None:
                path = child.get("path")
            if ctype == "tcp" or ctype == "udp":
                # tcp: the first <source> with a mode decides for all of
                # them; udp: each <source> says for itself.
                side = mode if ctype == "tcp" else own_mode
                if not _add_endpoint(chr_, child, side) and bad_mode is None:
                    bad_mode = side
        elif ctag == "protocol":
            if protocol is None:
                protocol = child.get("type")
        elif ctag == "target":
            ttype = child.get("type")
            if ttype is not None and ttype not in target_types:
                raise DomainXMLError(
                    f"unknown target type '{ttype}' specified for character device", device_path(el))
            if target_el is None:
                target_el = child
                target_type = ttype

    if target_el is not None:
        ttype = target_type
        chr_.target_type = None if ttype is None or ttype == target_types[0] else ttype
        port = target_el.get("port")
        if port is not None and kind != "console":
            number = parse_uint(port)
            if number is None:
                raise DomainXMLError(f"Invalid port number: {port}", device_path(el))
            chr_.port = number
    if bad_mode is not None:
        raise DomainXMLError(f"Unknown source mode '{bad_mode}'", device_path(el))
    if ctype in _PATH_TYPES:
        if path is None:
            raise DomainXMLError("Missing source path attribute for char device", device_path(el))
        chr_.path = path
        if ctype == "unix":
            chr_.listen = mode is not None and mode != "connect"
    elif ctype == "tcp":
        _choose_tcp_endpoint(chr_, mode, protocol, el)
    elif ctype == "udp" and chr_.connect_service is None:
        raise DomainXMLError("Missing source service attribute for char device", device_path(el))
    return chr_


def _add_endpoint(chr_: Chr, source, mode) -> bool:
    """Keep the host and service of a tcp or udp <source> on the side its
    ``mode`` names; False for a mode libvirt does not know."""
    if mode is None or mode == "connect":
        if chr_.connect_host is None:
            chr_.connect_host = source.get("host")
        if chr_.connect_service is None:
            chr_.connect_service = source.get("service")
    elif mode == "bind":
        if chr_.bind_host is None:
            chr_.bind_host = source.get("host")
        if chr_.bind_service is None:
            chr_.bind_service = source.get("service")
    else:
        return False
    return True


def _choose_tcp_endpoint(chr_: Chr, mode, protocol, el) -> None:
    # A tcp device keeps one side, the one its first mode names, as its
    # host and service.
    if mode is None or mode == "connect":
        host, service = chr_.connect_host, chr_.connect_service
    else:
        host, service = chr_.bind_host, chr_.bind_service
        chr_.listen = True
    if host is None:
        raise DomainXMLError("Missing source host attribute for char device", device_path(el))
    if service is None:
        raise DomainXMLError("Missing source service attribute for char device", device_path(el))
    chr_.host, chr_.service = host, service
    chr_.connect_host = chr_.connect_service = None
    chr_.bind_host = chr_.bind_service = None
    if protocol is not None:
        if protocol not in TCP_PROTOCOLS:
            raise DomainXMLError(f"Unknown protocol '{protocol}'", device_path(el))
        chr_.protocol = protocol


def read_serial(dom: Domain, el, hvm: bool) -> bool:
    # Numbered by number_ports once all are read.
    dom.serials.append(_read_chr(el, "serial"))
    return False


def read_parallel(dom: Domain, el, hvm: bool) -> bool:
    dom.parallels.append(_read_chr(el, "parallel"))
    return False


def number_ports(dom: Domain) -> None:
    """Give each serial and parallel port read without a target port the
    number one past the highest port of its kind before it, as libvirt
    did (scanning all of them for each port: quadratic)."""
    for ports in (dom.serials, dom.parallels):
        highest = -1
        for chr_ in ports:
            if chr_.port == -1:
                chr_.port = highest + 1
            if chr_.port > highest:
                highest = chr_.port


def read_console(dom: Domain, el, hvm: bool) -> bool:
    chr_ = _read_chr(el, "console")
    chr_.port = len(dom.consoles)
    dom.consoles.append(chr_)
    return False


def hvm_console_as_serial(dom: Domain) -> None:
    # An HVM guest's first console is its first serial port; when there is no
    # serial port, that console becomes serial port 0.
    if not dom.consoles or dom.serials:
        return
    console = dom.consoles[0]
    if console.target_type not in (None, "serial"):
        return
    dom.serials.append(as_serial_port(console))


def as_serial_port(c: Chr) -> Chr:
    """A copy of ``c`` as serial port 0: every field passed on positionally,
    cheaper than copying and changing it."""
    return Chr(c.type, c.path, c.host, c.service, c.listen, c.protocol, c.connect_host,
               c.connect_service, c.bind_host, c.bind_service, 0, "serial")


def write_chr(w, element: str, chr_: Chr, target_type, active: bool) -> None:
    """``chr_`` as an ``element`` (serial, parallel or console) with a
    <target> of ``target_type`` (None: no type attribute)."""
    kind = chr_.type
    # A console's pty is named in its start tag, for a running domain.
    tty = (chr_.path if element == "console" and kind == "pty" and chr_.port == 0 and active
           else None)
    w.start_line(_CHR_START, element, kind, tty)
    _write_source(w, chr_, kind, active)
    w.end_line(_CHR_END, target_type, chr_.port, element)


_CHR_START = XmlTemplate("<{raw} type='{}' tty='{}'>")
_CHR_END = XmlTemplate("  <target type='{}' port='{}'/>\n</{raw}>")


def _write_source(w, chr_: Chr, kind: str, active: bool) -> None:
    if kind in _PATH_TYPES:
        if kind == "unix":
            w.line(_UNIX_SOURCE, "bind" if chr_.listen else "connect", chr_.path)
        else:
            w.line(_PATH_SOURCE, chr_.path)
    elif kind == "pty":
        # A pty's path is live state, written for a running domain only.
        if active:
            w.line(_PATH_SOURCE, chr_.path)
    elif kind == "tcp":
        host = chr_.host
        service = chr_.service
        # libvirt printed an absent string with printf's "%s", which glibc
        # renders as "(null)".
        w.line(_TCP_SOURCE, "bind" if chr_.listen else "connect",
               "(null)" if host is None else host, "(null)" if service is None else service,
               chr_.protocol)
    elif kind == "udp":
        # Each side only where it names something.
        w.line(_UDP_SOURCES, chr_.bind_host, chr_.bind_service,
               chr_.connect_host, chr_.connect_service)
    elif kind == "nmdm":
        # Neither reader of a CHR string keeps an nmdm pair; libvirt printed
        # its absent master and slave with printf's "%s".
        w.line(_NMDM_SOURCE)


_PATH_SOURCE = XmlTemplate("<source path='{}'/>")
_UNIX_SOURCE = XmlTemplate("<source mode='{}' path='{}'/>")
_TCP_SOURCE = XmlTemplate("<source mode='{}' host='{raw}' service='{raw}'/>\n"
                          "<protocol type='{}'/>")
_UDP_SOURCES = XmlTemplate("<source mode='bind' host='{raw}' service='{raw}'/>\n"
                           "<source mode='connect' host='{raw}' service='{raw}'/>")
_NMDM_SOURCE = XmlTemplate("<source master='(null)' slave='(null)'/>")
