"""Character devices: an HVM guest's ``parallel`` and ``serial`` keys (a CHR
string, or for serial a list of them by port) and a paravirt guest's console
(XM.md 4.1 step 16, 4.8, 5.7).

A CHR string (``pty``, ``file:/var/log/x``, ``tcp:host:port,server``) is
read and written by :mod:`fastsexpr.xend.chr`, as libvirt shared its
xenParseSxprChar and xenFormatSxprChr between the two formats.
"""
from __future__ import annotations

from ..errors import DomainXMLError
from ..model.domain import Chr, Domain
from ..syntax import SexprWriter
from ..xend.chr import parse_chr, read_console, write_chr
from .values import XmIn, get_string, silent_failure

PARALLEL_KEY = "parallel"
SERIAL_KEY = "serial"
# A port that is not connected.
_NONE = "none"
# Each port up to the highest takes at least '"none", ' in the serial list:
# beyond this one the config is past libvirt's 4096 bytes (XM.md 5.8).
_MAX_LISTED_PORT = 4096 // len('"none", ')


def format_chr(c: Chr, path: str) -> str:
    # xend's CHR formatter, paths escaped as for SEXPR (a backslash before
    # each ' and \\).
    text = SexprWriter()
    write_chr(text, c, path)
    return text.getvalue()


def read_chrs(dom: Domain, x: XmIn) -> None:
    if not x.hvm:
        read_console(dom, None)
        return
    text = get_string(x, PARALLEL_KEY, None)
    if text is not None and text != _NONE:
        dom.parallels.append(parse_chr(text, None, PARALLEL_KEY))
    items = x.get(SERIAL_KEY)
    if items.__class__ is list:
        for port, item in enumerate(items):
            if item.__class__ is not str:
                raise silent_failure(x, SERIAL_KEY, f"serial port {port} is not a CHR string")
            if item != _NONE:
                chr_ = parse_chr(item, None, SERIAL_KEY)
                chr_.port = port
                dom.serials.append(chr_)
        return
    text = get_string(x, SERIAL_KEY, None)
    if text is not None and text != _NONE:
        dom.serials.append(parse_chr(text, None, SERIAL_KEY))


def write_chrs(d: Domain, out: dict) -> None:
    if d.os.type != "hvm":
        return
    if d.parallels:
        out[PARALLEL_KEY] = format_chr(d.parallels[0], "/domain/devices/parallel[1]")
    else:
        out[PARALLEL_KEY] = _NONE
    serials = d.serials
    if not serials:
        out[SERIAL_KEY] = _NONE
    elif len(serials) == 1 and serials[0].port == 0:
        out[SERIAL_KEY] = format_chr(serials[0], "/domain/devices/serial[1]")
    else:
        # One item per port up to the highest: the first serial on that port.
        by_port = {}
        for index, serial in enumerate(serials, 1):
            by_port.setdefault(serial.port, (serial, index))
        highest = max(by_port)
        if highest > _MAX_LISTED_PORT:
            raise DomainXMLError(f"serial port {highest}: the xm config would be 4096 bytes "
                                 "or more, which libvirt's writer failed on",
                                 f"/domain/devices/serial[{by_port[highest][1]}]")
        items = []
        for port in range(highest + 1):
            found = by_port.get(port)
            items.append(_NONE if found is None else
                         format_chr(found[0], f"/domain/devices/serial[{found[1]}]"))
        out[SERIAL_KEY] = items
