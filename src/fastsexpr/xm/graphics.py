"""Graphics: the ``vnc``/``sdl`` keys of HVM and older paravirt guests, and
a paravirt guest's ``vfb`` list of one ``key=value,...`` string (XM.md 4.1
step 15, 4.6, 5.5).  The keys are xend's (:mod:`fastsexpr.xend.graphics`).
"""
from __future__ import annotations

from ..errors import ConversionError, DomainXMLError
from ..model.domain import Domain, Graphics
from ..model.scalars import c_int, parse_int
from ..model.vocab import GRAPHICS_TYPES
from ..versions import pv_graphics_as_vfb, xm_pv_graphics_keys_read
from ..xend.graphics import SDL_KEYS, VNC_KEYS
from .values import XmIn, get_bool, get_ulong, string_optional

VFB_KEY = "vfb"
# VNC display N is TCP port 5900 + N.
_VNC_BASE_PORT = 5900
# libvirt copied the vfb string into a 1024-byte buffer.
_VFB_MAX = 1024
_VFB_SDL = "type=sdl"
_SEPARATORS = ", \t"
# vfb fields by prefix: the Graphics field each sets, per type.
_VFB_VNC_FIELDS = {key: field for field, key in VNC_KEYS}
_VFB_SDL_FIELDS = {key: field for field, key in SDL_KEYS}
_VNCUNUSED = "vncunused"
_VNCDISPLAY = "vncdisplay"
_PATH = "/domain/devices/graphics[1]"


def read_graphics(dom: Domain, x: XmIn) -> None:
    if x.hvm or xm_pv_graphics_keys_read(x.version):
        _read_keys(dom, x)
    if not x.hvm and not dom.graphics:
        items = x.get(VFB_KEY)
        if items.__class__ is list and items and items[0].__class__ is str:
            dom.graphics.append(_parse_vfb(items[0]))


def _read_keys(dom: Domain, x: XmIn) -> None:
    if get_bool(x, "vnc", False):
        autoport = get_bool(x, "vncunused", True)
        port = 0
        if not autoport:
            port = c_int(get_ulong(x, "vncdisplay", 0) + _VNC_BASE_PORT)
        graphics = Graphics("vnc", port, autoport)
        for field, key in VNC_KEYS:
            setattr(graphics, field, string_optional(x, key))
    elif get_bool(x, "sdl", False):
        graphics = Graphics("sdl")
        for field, key in SDL_KEYS:
            setattr(graphics, field, string_optional(x, key))
    else:
        return
    dom.graphics.append(graphics)


def _parse_vfb(text: str) -> Graphics:
    size = len(text) if text.isascii() else len(text.encode())
    if size >= _VFB_MAX:
        raise ConversionError(f"VFB {text} too big for destination", VFB_KEY)
    sdl = _VFB_SDL in text
    graphics = Graphics("sdl" if sdl else "vnc")
    fields = _VFB_SDL_FIELDS if sdl else _VFB_VNC_FIELDS
    for segment in _vfb_segments(text):
        name, equals, value = segment.partition("=")
        if not equals:
            break  # the graphics found so far stay
        if name in fields:
            setattr(graphics, fields[name], value)
        elif not sdl:
            if name == _VNCUNUSED:
                if value == "1":
                    graphics.autoport = True
            elif name == _VNCDISPLAY:
                display = parse_int(value)
                if display is None:
                    raise ConversionError(f"invalid vncdisplay value '{value}'", VFB_KEY)
                graphics.port = c_int(display + _VNC_BASE_PORT)
    return graphics


def _vfb_segments(text: str) -> list:
    """The ``name=value`` segments: what follows each ',' after libvirt
    skipped any run of ',', ' ' and TAB there."""
    if " " not in text and "\t" not in text and ",," not in text:
        return text.split(",")  # the usual string: no run to skip
    return _vfb_segments_skipping(text)


def _vfb_segments_skipping(text: str) -> list:
    segments = []
    n = len(text)
    start = 0
    while True:
        comma = text.find(",", start)
        if comma < 0:
            segments.append(text[start:])
            return segments
        segments.append(text[start:comma])
        start = comma
        while start < n and text[start] in _SEPARATORS:
            start += 1


def write_graphics(d: Domain, version: int, out: dict) -> None:
    # With two or more devices libvirt wrote none.
    if len(d.graphics) != 1:
        return
    g = d.graphics[0]
    if g.type not in ("vnc", "sdl"):
        # libvirt wrote other types as VNC, reading the wrong fields.
        raise DomainXMLError(f"unexpected graphics type {GRAPHICS_TYPES.index(g.type)} "
                             f"({g.type}): an xm config has only vnc and sdl", _PATH)
    if d.os.type == "hvm" or not pv_graphics_as_vfb(version):
        _write_keys(g, out)
    else:
        out[VFB_KEY] = [_format_vfb(g)]


def _write_keys(g: Graphics, out: dict) -> None:
    vnc = g.type == "vnc"
    out["sdl"] = int(not vnc)
    out["vnc"] = int(vnc)
    if vnc:
        out["vncunused"] = int(g.autoport)
        if not g.autoport:
            out["vncdisplay"] = g.port - _VNC_BASE_PORT
    for field, key in VNC_KEYS if vnc else SDL_KEYS:
        text = getattr(g, field)
        if text is not None:
            out[key] = text


def _format_vfb(g: Graphics) -> str:
    vnc = g.type == "vnc"
    parts = ["type=vnc" if vnc else _VFB_SDL]
    if vnc:
        parts.append(f"vncunused={int(g.autoport)}")
        if not g.autoport:
            parts.append(f"vncdisplay={g.port - _VNC_BASE_PORT}")
    for field, key in VNC_KEYS if vnc else SDL_KEYS:
        text = getattr(g, field)
        if text is not None:
            parts.append(f"{key}={text}")
    return ",".join(parts)
