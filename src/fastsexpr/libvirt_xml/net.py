"""<interface> devices."""
from __future__ import annotations

import re

from ..errors import DomainXMLError
from ..model.domain import Domain, Interface
from ..model.scalars import parse_mac
from ..model.vocab import NET_TYPES
from ..syntax import XmlTemplate
from .elements import device_path, device_type

__all__ = ["read_interface", "write_interface"]

# Interface type -> the <source> attribute naming what it connects to,
# which is also the Interface field keeping it.
_SOURCE_ATTRS = {"bridge": "bridge", "network": "network"}
# The vocabulary as a set: a word is looked up in one step.
_NET_TYPES = frozenset(NET_TYPES)
# The second hex digit of a MAC whose first octet has the multicast bit set.
_MULTICAST_DIGITS = frozenset("13579bdf")
# The types whose <ip> libvirt keeps.
_IP_TYPES = ("ethernet", "bridge")
_MODEL_OK = re.compile(r"[A-Za-z0-9_-]+\Z")
# The prefix of the names libvirt gives the host side of a running guest's
# interfaces.
_GENERATED_IFNAME = "vnet"


def read_interface(dom: Domain, el, hvm: bool) -> bool:
    """Append the interface to ``dom.interfaces``; True when it has its own <boot>."""
    ntype = device_type(el, "user", _NET_TYPES, "unknown interface type '{}'")
    nic = Interface(ntype)
    mac = source_el = None
    boot = False
    # el[:] is a list of the children, quicker to walk than el itself.
    for child in el[:]:
        ctag = child.tag
        if ctag == "mac":
            if mac is None:
                mac = child.get("address")
        elif ctag == "source":
            if source_el is None:
                source_el = child
        elif ctag == "ip":
            if nic.ip is None and ntype in _IP_TYPES:
                nic.ip = child.get("address")
        elif ctag == "script":
            if nic.script is None:
                nic.script = child.get("path")
        elif ctag == "target":
            if nic.ifname is None:
                ifname = child.get("dev")
                # Names libvirt generated for a running guest mean nothing
                # to an inactive definition.
                if ifname is not None and not ifname.startswith(_GENERATED_IFNAME):
                    nic.ifname = ifname
        elif ctag == "model":
            nic.model = child.get("type")
        elif ctag == "boot":
            boot = True

    nic.mac = _random_mac() if mac is None else _unicast_mac(mac, el)
    attr = _SOURCE_ATTRS.get(ntype)
    if attr is not None:
        value = source_el.get(attr) if source_el is not None else None
        if value is None:
            raise DomainXMLError(f"No <source> '{attr}' attribute specified with "
                                 f"<interface type='{ntype}'/>", device_path(el))
        # _SOURCE_ATTRS's rows spelled out, without a setattr.
        if ntype == "bridge":
            nic.bridge = value
        else:
            nic.network = value
    # Only the model that wins is checked; an empty one has no bad
    # character.  libvirt looks at it after the MAC and the source.
    model = nic.model
    if model and _MODEL_OK.match(model) is None:
        raise DomainXMLError("Model name contains invalid characters", device_path(el))
    dom.interfaces.append(nic)
    return boot


def _unicast_mac(text: str, el) -> str:
    mac = parse_mac(text)
    if mac is None:
        raise DomainXMLError(f"unable to parse mac address '{text}'", device_path(el))
    if mac[1] in _MULTICAST_DIGITS:
        raise DomainXMLError(f"expected unicast mac address, found multicast '{text}'", device_path(el))
    return mac


def _random_mac() -> str:
    import secrets   # here, not at start-up: most interfaces carry their MAC
    return "00:16:3e:" + ":".join(f"{b:02x}" for b in secrets.token_bytes(3))


def write_interface(w, nic: Interface, active: bool) -> None:
    kind = nic.type
    ifname = nic.ifname
    if ifname is not None and not active and ifname.startswith(_GENERATED_IFNAME):
        ifname = None
    # _SOURCE_ATTRS's rows spelled out, without a getattr.
    w.line(_INTERFACE, kind, nic.mac, nic.bridge if kind == "bridge" else None,
           nic.network if kind == "network" else None, nic.ip, nic.script, ifname, nic.model)


_INTERFACE = XmlTemplate("<interface type='{}'>\n"
                         "  <mac address='{}'/>\n"
                         "  <source bridge='{}'/>\n"
                         "  <source network='{}'/>\n"
                         "  <ip address='{raw}'/>\n"
                         "  <script path='{}'/>\n"
                         "  <target dev='{}'/>\n"
                         "  <model type='{}'/>\n"
                         "</interface>")
