"""Graphics: a (device (vfb ...)) block, or the vnc/sdl keys of the image
that came before it.

SEXPR2XML.md 1.11 and XML2SEXPR.md sections 9.1 and 9.3.  Both places use
the same keys, so one reader and one writer serve both.
"""
from __future__ import annotations

from ..errors import ConversionError, DomainXMLError
from ..model.domain import Domain, Graphics
from ..model.scalars import parse_int_base0
from ..model.vocab import GRAPHICS_TYPES
from ..syntax import member_values
from ..versions import pv_graphics_as_vfb, vnc_fields_written, vnc_port_from_domid

# Each Graphics field with its xend key, in the order libvirt wrote them;
# the values are quoted but not escaped.  The VNC reader spells its rows out
# to build Graphics positionally (half the cost of keywords or setattr);
# tests/xend/test_topics.py holds it to this table.
VNC_KEYS = (("listen", "vnclisten"), ("passwd", "vncpasswd"), ("keymap", "keymap"))
SDL_KEYS = (("display", "display"), ("xauth", "xauthority"))

# VNC display N is TCP port 5900 + N.
_VNC_BASE_PORT = 5900


def read_vfb(dom: Domain, vfb, vncport: int) -> None:
    """``vfb``: the first (vfb ...) device list."""
    keys = member_values(vfb)
    kind = keys.get("type")
    if kind is None:
        if keys.get("vnc") is not None:
            kind = "vnc"
        elif keys.get("sdl") is not None:
            kind = "sdl"
        else:
            kind = "unknown"
    if kind not in GRAPHICS_TYPES:
        raise ConversionError(f"unknown graphics type '{kind}'", "domain/device/vfb/type")
    if kind == "sdl":
        _read_sdl(dom, keys)
        return
    if kind != "vnc":
        # libvirt stored VNC settings into a device of another type, which
        # then printed garbage; refuse it instead.
        raise ConversionError(f"graphics type '{kind}' is not supported in a xend vfb device",
                              "domain/device/vfb/type")
    port = vncport
    if port == -1:
        display = parse_int_base0(keys.get("vncdisplay"))
        if display is not None:
            port = display
    if 0 <= port < _VNC_BASE_PORT:
        port += _VNC_BASE_PORT
    _read_vnc(dom, keys, port)


def read_image_graphics(dom: Domain, img: dict, vncport: int, version: int) -> None:
    """Graphics as keys ``img`` of the image: before vfb devices."""
    vnc = img.get("vnc")
    if vnc is not None and vnc.startswith("1"):
        port = vncport
        if port == -1 and vnc_port_from_domid(version):
            port = _VNC_BASE_PORT + dom.id
        # vncdisplay is not consulted here.
        _read_vnc(dom, img, port)
        return
    sdl = img.get("sdl")
    if sdl is not None and sdl.startswith("1"):
        _read_sdl(dom, img)


def _read_vnc(dom, keys, port):
    get = keys.get
    # type, port, autoport, listen, keymap, passwd
    dom.graphics.append(Graphics("vnc", port, get("vncunused") == "1" or port == -1,
                                 get("vnclisten"), get("keymap"), get("vncpasswd")))


def _read_sdl(dom, keys):
    graphics = Graphics("sdl")
    for field, key in SDL_KEYS:
        setattr(graphics, field, keys.get(key))
    dom.graphics.append(graphics)


def write_image_graphics(w, d: Domain, version: int, hvm: bool) -> None:
    """Graphics as image keys: HVM guests, and paravirt ones before vfb."""
    # With two or more devices libvirt wrote none.
    if len(d.graphics) == 1 and (hvm or not pv_graphics_as_vfb(version)):
        _write_graphics(w, d.graphics[0], "(sdl 1)", "(vnc 1)", vnc_fields_written(version))


def write_vfb(w, d: Domain, version: int, hvm: bool) -> None:
    """Graphics as a vfb device, with the keyboard that goes with it."""
    if len(d.graphics) == 1 and not hvm and pv_graphics_as_vfb(version):
        w.raw("(device (vkbd))(device (vfb ")
        _write_graphics(w, d.graphics[0], "(type sdl)", "(type vnc)", True)
        w.raw("))")


def _write_graphics(w, g: Graphics, sdl_head: str, vnc_head: str, vnc_fields: bool) -> None:
    gtype = g.type
    if gtype == "sdl":
        w.raw(sdl_head)
        keys = SDL_KEYS
    elif gtype == "vnc":
        w.raw(vnc_head)
        if not vnc_fields:
            return
        if g.autoport:
            w.raw("(vncunused 1)")
        else:
            w.raw("(vncunused 0)")
            w.pair_int("vncdisplay", g.port - _VNC_BASE_PORT)
        keys = VNC_KEYS
    else:
        raise DomainXMLError(
            f"unexpected graphics type {GRAPHICS_TYPES.index(gtype)} ({gtype})",
            "/domain/devices/graphics[1]")
    for field, key in keys:
        text = getattr(g, field)
        if text is not None:
            w.pair_unescaped(key, text)
