"""What the user sees, types and hears: <graphics> (and its <listen>s),
<input> and <sound> devices."""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import List, Optional

from ..errors import ConversionError, DomainXMLError
from ..model.domain import Domain, Graphics, Input
from ..model.scalars import parse_int
from ..model.vocab import GRAPHICS_TYPES, INPUT_BUSES, INPUT_TYPES, SOUND_MODELS
from ..syntax import XmlTemplate
from .elements import device_path, required_word

__all__ = [
    "read_graphics", "read_input", "read_sound", "write_input", "write_graphics",
    "write_sound",
]

_LISTEN_TYPES = ("address", "network")
_GRAPHICS_TYPES = frozenset(GRAPHICS_TYPES)
# The graphics types that listen on a network address.
_LISTENING_TYPES = ("vnc", "rdp", "spice")
# Every guest has a mouse and a keyboard of its own, on the bus its kind
# (HVM or not) gives them; libvirt keeps them implicit in what it reads
# and writes them out whenever there is graphics.
_BUILTIN_TYPES = ("mouse", "keyboard")
_BUILTIN_BUS = {True: "ps2", False: "xen"}
_BUILTIN_INPUTS = {
    hvm: XmlTemplate("\n".join(f"<input type='{itype}' bus='{bus}'/>" for itype in _BUILTIN_TYPES))
    for hvm, bus in _BUILTIN_BUS.items()
}


def read_input(dom: Domain, el, hvm: bool) -> bool:
    itype = el.get("type")
    if itype is None:
        raise DomainXMLError("missing input device type", device_path(el))
    if itype not in INPUT_TYPES:
        raise DomainXMLError(f"unknown input device type '{itype}'", device_path(el))
    bus = el.get("bus")
    if bus is not None:
        if bus not in INPUT_BUSES:
            raise DomainXMLError(f"unknown input bus type '{bus}'", device_path(el))
        if hvm:
            if bus == "ps2" and itype == "tablet":
                raise DomainXMLError(f"ps2 bus does not support {itype} input device", device_path(el))
            if bus == "xen":
                raise DomainXMLError(f"unsupported input bus {bus}", device_path(el))
        elif itype == "tablet":
            raise DomainXMLError(f"xen bus does not support {itype} input device", device_path(el))
        # Otherwise, on paravirt guests libvirt reports a non-xen bus yet
        # keeps parsing and succeeds; the device has no SEXPR form either way.
    elif hvm and itype == "tablet":
        bus = "usb"
    else:
        bus = _BUILTIN_BUS[hvm]
    if not (itype in _BUILTIN_TYPES and bus == _BUILTIN_BUS[hvm]):
        dom.inputs.append(Input(itype, bus))
    return False


def read_graphics(dom: Domain, el, hvm: bool) -> bool:
    gtype = required_word(el, "type", _GRAPHICS_TYPES, "missing graphics device type",
                          "unknown graphics device type '{}'")
    gfx = Graphics(gtype)
    if gtype == "vnc":
        port = el.get("port")
        if port is None:
            gfx.autoport = True
        else:
            number = parse_int(port)
            if number is None:
                raise DomainXMLError(f"cannot parse vnc port {port}", device_path(el))
            if number == -1:
                gfx.autoport = True
            else:
                gfx.port = number
        if el.get("autoport") == "yes":
            gfx.port = 0
            gfx.autoport = True
        gfx.keymap = el.get("keymap")
        gfx.passwd = el.get("passwd")
    elif gtype == "sdl":
        gfx.display = el.get("display")
        gfx.xauth = el.get("xauth")
    if gtype in _LISTENING_TYPES:
        # Without <listen> children only the attribute counts (empty: none).
        gfx.listen = _read_listen(el) if len(el) else el.get("listen") or None
    dom.graphics.append(gfx)
    return False


def _read_listen(el) -> Optional[str]:
    """The address of listen #0 when it is an address listen."""
    listens = []
    n = 0
    for child in el:
        if child.tag != "listen":
            continue
        n += 1
        ltype = required_word(child, "type", _LISTEN_TYPES,
                              "graphics listen type must be specified",
                              "unknown graphics listen type '{}'",
                              lambda: f"{device_path(el)}/listen[{n}]")
        # A network listen's address is live state, dropped when inactive;
        # an empty address is no address.
        listens.append((ltype, (child.get("address") or None) if ltype == "address" else None))
    attr = el.get("listen")
    if attr:
        if not listens:
            return attr
        found = next((a for t, a in listens if t == "address"), None)
        if found != attr:
            raise DomainXMLError(
                f"graphics listen attribute {attr} must match address attribute of "
                f"first listen element (found {found if found is not None else 'none'})", device_path(el))
    if listens and listens[0][0] == "address":
        return listens[0][1]
    return None


def read_sound(dom: Domain, el, hvm: bool) -> bool:
    dom.sounds.append(required_word(el, "model", SOUND_MODELS, "missing sound model",
                                    "unknown sound model '{}'"))
    return False


def write_input(w, inp: Input) -> None:
    w.line(_INPUT, inp.type, inp.bus)


def write_graphics(w, graphics: List[Graphics], hvm: bool, active: bool,
                   secure: bool = False) -> None:
    """The built-in inputs, then each of ``graphics`` (not empty); a VNC
    password only when ``secure``."""
    w.line(_BUILTIN_INPUTS[hvm])
    for g in graphics:
        if g.type == "sdl":
            if g.display is None and g.xauth is None:
                w.line(_SDL_BARE)
            else:
                w.line(_SDL, g.display, g.xauth)
            continue
        if g.type != "vnc":
            raise ConversionError(f"graphics type '{g.type}' cannot be written",
                                  "/domain/devices/graphics")
        if g.port and (not g.autoport or active):
            port = g.port
        else:
            port = -1 if g.autoport else None
        # The password is a secret: libvirt printed it only when asked to.
        attrs = (port, "yes" if g.autoport else "no", g.listen, g.keymap,
                 g.passwd if secure else None)
        if g.listen is None:
            w.line(_VNC, *attrs)
        else:
            w.line(_VNC_LISTEN, *attrs, g.listen)


def write_sound(w, model: str) -> None:
    w.line(_SOUND, model)


_INPUT = XmlTemplate("<input type='{}' bus='{}'/>")
_SDL = XmlTemplate("<graphics type='sdl' display='{}' xauth='{}'/>")
_SDL_BARE = XmlTemplate("<graphics type='sdl'/>")       # not left out with its attributes
_VNC_ATTRS = "<graphics type='vnc' port='{}' autoport='{}' listen='{raw}' keymap='{}' passwd='{}'"
_VNC = XmlTemplate(_VNC_ATTRS + "/>")
# A listen address is said again in a <listen> child.
_VNC_LISTEN = XmlTemplate(_VNC_ATTRS + ">\n  <listen type='address' address='{raw}'/>\n"
                          "</graphics>")
_SOUND = XmlTemplate("<sound model='{}'/>")
