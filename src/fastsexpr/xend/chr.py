"""Character devices: the CHR strings of an HVM image's serial and parallel
keys, and a paravirt guest's console.

SEXPR2XML.md 1.12 (items 4-6) and 1.13, XML2SEXPR.md sections 5.3 and 5.4.
A CHR string is a type prefix and the data of that type ('tcp:host:port',
'file:/var/log/x'); each type's reader and writer sit together below, and
one table pairs them.
"""
from __future__ import annotations

from ..errors import ConversionError, DomainXMLError
from ..model.domain import Chr, Domain
from ..model.vocab import CHR_TYPES
from ..syntax import lookup

_CHR_TYPE_SET = frozenset(CHR_TYPES)
# A port xend leaves unconnected.
_NONE = "none"
# What marks a tcp or unix CHR as the listening side; libvirt wrote it with
# ",nowait" and looked for ",server" alone.
_SERVER = ",server"
_SERVER_NOWAIT = ",server,nowait"


def _malformed(text, reason, path):
    return ConversionError(f"malformed char device string '{text}': {reason}", path)


# ---- a type's data: read from the text after the prefix, written back

def _read_pty(c, rest, text, tty, path):
    # The pty itself is known only to the running domain (from xenstore).
    c.path = tty


def _read_path(c, rest, text, tty, path):
    c.path = rest


# Each writer puts ``head`` before the CHR string and ``tail`` after it, so
# that a key and its CHR string take one call to the writer.

def _write_word(w, c, head, tail):
    w.raw(head + c.type + tail)


def _write_prefixed_path(w, c, head, tail):
    w.write(head + c.type + ":", c.path, tail)


def _write_dev(w, c, head, tail):
    # A host device is its path alone; see parse_chr.
    w.write(head, c.path, tail)


def _split_host(rest, text, kind, path):
    """HOST:REST -> (HOST, or None if empty; the index of the ':')."""
    colon = rest.find(":")
    if colon < 0:
        raise _malformed(text, f"{kind} needs HOST:SERVICE", path)
    return rest[:colon] or None, colon


def _read_tcp(c, rest, text, tty, path):
    c.host, colon = _split_host(rest, text, "tcp", path)
    comma = rest.find(",", colon)
    if comma < 0:
        c.service = rest[colon + 1:]
    else:
        c.service = rest[colon + 1:comma]
        c.listen = _SERVER in rest[comma:]


def _write_tcp(w, c, head, tail):
    # xend's qemu knows only raw tcp and telnet.
    w.raw(f"{head}{'tcp' if c.protocol == 'raw' else 'telnet'}:{c.host}:{c.service}"
          f"{_SERVER_NOWAIT if c.listen else ''}{tail}")


def _read_udp(c, rest, text, tty, path):
    c.connect_host, colon = _split_host(rest, text, "udp", path)
    at = rest.find("@", colon)
    if at < 0:
        c.connect_service = rest[colon + 1:]
        return
    c.connect_service = rest[colon + 1:at]
    colon = rest.find(":", at)
    if colon < 0:
        raise _malformed(text, "udp bind part needs HOST:SERVICE", path)
    c.bind_host = rest[at + 1:colon] or None
    c.bind_service = rest[colon + 1:]


def _write_udp(w, c, head, tail):
    w.raw(f"{head}udp:{c.connect_host or ''}:{c.connect_service or ''}"
          f"@{c.bind_host or ''}:{c.bind_service or ''}{tail}")


def _read_unix(c, rest, text, tty, path):
    comma = rest.find(",")
    if comma < 0:
        c.path = rest
    else:
        c.path = rest[:comma]
        c.listen = _SERVER in rest[comma:]


def _write_unix(w, c, head, tail):
    w.write(head + "unix:", c.path, _SERVER_NOWAIT + tail if c.listen else tail)


# CHR type -> (its data's reader, its writer).  A type without a reader has
# no data in the string (libvirt read 'dev:...' so too, with no path); a
# type without a writer is one libvirt refused to send to xend.
CHR_FORMS = {
    "null": (None, _write_word),
    "vc": (None, _write_word),
    "pty": (_read_pty, _write_word),
    "stdio": (None, _write_word),
    "dev": (None, _write_dev),
    "file": (_read_path, _write_prefixed_path),
    "pipe": (_read_path, _write_prefixed_path),
    "tcp": (_read_tcp, _write_tcp),
    "udp": (_read_udp, _write_udp),
    "unix": (_read_unix, _write_unix),
}
_READERS = {kind: read for kind, (read, _) in CHR_FORMS.items() if read is not None}
_WRITERS = {kind: write for kind, (_, write) in CHR_FORMS.items()}


def parse_chr(text: str, tty, path: str) -> Chr:
    """A serial/parallel CHR string; ``tty`` is the pty a running domain has."""
    if text.startswith("/"):
        return Chr("dev", text)
    prefix, colon, rest = text.partition(":")
    if not colon:
        rest = text
    if prefix.startswith("telnet"):
        # type, path, host, service, listen, protocol
        chr_ = Chr("tcp", None, None, None, False, "telnet")
    elif prefix in _CHR_TYPE_SET:
        chr_ = Chr(prefix)
    else:
        raise ConversionError(f"unknown chr device type '{prefix}'", path)
    read = _READERS.get(chr_.type)
    if read is not None:
        read(chr_, rest, text, tty, path)
    return chr_


def write_chr(w, c: Chr, path: str, head: str = "", tail: str = "") -> None:
    """``c`` as a CHR string, between ``head`` and ``tail``."""
    write = _WRITERS.get(c.type)
    if write is None:
        raise DomainXMLError(f"unsupported chr device type '{c.type}'", path)
    write(w, c, head, tail)


# ---- where CHR strings appear

def read_image_chrs(dom: Domain, hvm_node, img: dict, tty) -> None:
    """The serial ports, then the parallel port, of an HVM image."""
    if "serial" in img:
        _read_serials(dom, hvm_node, img, tty)
    text = img.get("parallel")
    if text is not None and text != _NONE:
        # libvirt passed no pty path to a parallel port.
        dom.parallels.append(parse_chr(text, None, "domain/image/hvm/parallel"))


def write_image_chrs(w, d: Domain) -> None:
    """The parallel port, then the serial ports, of an HVM image."""
    # Only the first parallel port: xend's image has one.
    serials = d.serials
    if d.parallels:
        write_chr(w, d.parallels[0], "/domain/devices/parallel[1]", "(parallel ", ")")
    elif not serials:
        w.raw("(parallel none)(serial none)")
        return
    else:
        w.raw("(parallel none)")
    if not serials:
        w.raw("(serial none)")
    elif len(serials) == 1 and serials[0].port == 0:
        write_chr(w, serials[0], "/domain/devices/serial[1]", "(serial ", ")")
    else:
        _write_serial_ports(w, serials)


def _read_serials(dom, hvm_node, img, tty):
    """(serial CHR) or (serial (CHR|none ...))"""
    serials = dom.serials
    multi = False
    tail = lookup(hvm_node, "hvm/serial")
    if tail is not None:
        skipped = 0
        for member in tail:
            if not isinstance(member, list):
                continue
            for item in member:
                multi = True
                if not isinstance(item, str):
                    raise ConversionError("a serial port list may hold only CHR strings, "
                                          "not a list", "domain/image/hvm/serial")
                if item == _NONE:
                    skipped += 1
                    continue
                chr_ = parse_chr(item, tty, "domain/image/hvm/serial")
                chr_.port = len(serials) + skipped
                serials.append(chr_)
    if not multi:
        text = img.get("serial")
        if text is not None and text != _NONE:
            chr_ = parse_chr(text, tty, "domain/image/hvm/serial")
            chr_.port = 0
            serials.append(chr_)


# The highest serial port number written.  libvirt wrote one list item per
# port number up to the highest, 'none' where no serial has it, so its
# output grew with the number and not with the document (port 2**31-1 in a
# 206-byte document: gigabytes, then out of memory).  No guest names more
# than 256 serial ports (Windows: COM1 to COM256; Linux: ttyS0 to
# ttyS191), and qemu-dm, which xend hands the list to, attached at most
# four: a higher port is refused, and the list stays under 257 items.
MAX_SERIAL_PORT = 255


def _write_serial_ports(w, serials):
    """(serial (CHR|none ...)): one item per port up to the highest, the
    first serial on that port."""
    by_port = {}
    for index, serial in enumerate(serials, 1):
        if serial.port > MAX_SERIAL_PORT:
            raise ConversionError(
                f"serial port {serial.port} is above {MAX_SERIAL_PORT}, the highest port "
                "written (libvirt wrote a 'none' for every port number below it)",
                f"/domain/devices/serial[{index}]")
        by_port.setdefault(serial.port, (serial, index))
    w.raw("(serial (")
    for port in range(max(by_port) + 1):
        if port:
            w.raw(" ")
        found = by_port.get(port)
        if found is None:
            w.raw(_NONE)
        else:
            write_chr(w, found[0], f"/domain/devices/serial[{found[1]}]")
    w.raw("))")


def read_console(dom: Domain, tty) -> None:
    """The console of a paravirt guest other than dom0."""
    console = Chr("pty", tty)
    console.target_type = "xen"
    dom.consoles.append(console)
