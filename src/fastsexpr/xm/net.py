"""Network interfaces: the ``vif`` list of ``key=value,...`` strings (XM.md
4.1 step 12, 4.5, 5.4)."""
from __future__ import annotations

from typing import Mapping, Optional

from ..errors import ConversionError, DomainXMLError
from ..model.domain import Domain, Interface
from ..model.scalars import parse_mac
from ..model.vocab import NET_TYPES
from ..versions import hvm_nic_type_ioemu
from ..xend.net import DEFAULT_VIF_SCRIPT
from .values import XmIn, nonfatal, string_items

VIF_KEY = "vif"
_NETFRONT = "netfront"
_NO_MAC = "00:00:00:00:00:00"
# Scripts that make an interface without a bridge name a bridged one.
_BRIDGE_SCRIPTS = frozenset((DEFAULT_VIF_SCRIPT, "vif-vnic"))

# Each field of a vif string (``name=value``): the most bytes libvirt's
# buffer took (None: no limit), and the word its too-long error used.
_LIMITS = {
    "mac": (17, "MAC address"),
    "bridge": (49, "Bridge"),
    "script": (None, None),
    "model": (9, "Model"),
    "type": (9, "Type"),
    "vifname": (49, "Vifname"),
    "ip": (15, "IP"),
}
# What libvirt skipped after each ',' before the next field.
_SEPARATORS = ", \t"


def read_nics(dom: Domain, x: XmIn) -> None:
    for item in string_items(x, VIF_KEY):
        fields = _scan(item, x)
        if fields is not None:
            dom.interfaces.append(_interface(fields))


def _fit(data: str, limit: int) -> str:
    """The first ``limit`` bytes of ``data`` (whole characters only)."""
    if data.isascii():
        return data[:limit]
    return data.encode()[:limit].decode(errors="ignore")


def _too_long(text: str, limit: int) -> bool:
    """Whether ``text`` takes more than ``limit`` bytes (never fewer bytes
    than characters, so the length alone decides most cases)."""
    return len(text) > limit or not text.isascii() and len(text.encode()) > limit


def _scan(item: str, x: XmIn):
    """The fields of one vif string, by name; None when libvirt dropped it."""
    if " " not in item and "\t" not in item:
        segments = item.split(",")
        if all("=" in segment for segment in segments):
            return _scan_plain(item, segments, x)
    return _scan_spaced(item, x)


def _scan_plain(item: str, segments: list, x: XmIn):
    """The usual vif string: ``key=value`` segments, one ',' between each."""
    found = {}
    last = len(segments) - 1
    ascii = item.isascii()  # then characters are bytes: lengths alone decide
    for index, segment in enumerate(segments):
        name, _, value = segment.partition("=")
        limits = _LIMITS.get(name)
        if limits is None:
            continue
        limit = limits[0]
        if limit is not None:
            if index == last:
                # The last field is cut to the buffer, silently.
                value = value[:limit] if ascii else _fit(value, limit)
            elif len(value) > limit or not ascii and _too_long(value, limit):
                offset = sum(map(len, segments[:index])) + index + len(name) + 1
                return _too_big(x, limits[1], item[offset:])
        found[name] = value
    return found


def _scan_spaced(item: str, x: XmIn):
    """libvirt's scan, segment by segment: after each ',' it skipped any run
    of ',', ' ' and TAB, and it went on while an '=' followed anywhere."""
    found = {}
    n = len(item)
    start = 0
    while True:
        comma = item.find(",", start)
        equals = item.find("=", start)
        if equals < 0:
            return None
        limits = _LIMITS.get(item[start:equals])
        if limits is not None:
            limit, label = limits
            data = equals + 1
            if comma < 0:
                value = item[data:]
                if limit is not None:
                    value = _fit(value, limit)
            else:
                value = item[data:comma]
                if limit is not None and _too_long(value, limit):
                    return _too_big(x, label, item[data:])
            found[item[start:equals]] = value
        if comma < 0:
            return found
        start = comma
        while start < n and item[start] in _SEPARATORS:
            start += 1


def _too_big(x: XmIn, label: str, data: str) -> None:
    nonfatal(x, f"internal error: {label} {data} too big for destination")
    return None


def _interface(fields: dict) -> Interface:
    text = fields.get("mac")
    if text:
        mac = parse_mac(text)
        if mac is None:
            raise ConversionError(f"malformed mac address '{text}'", VIF_KEY)
    else:
        mac = _NO_MAC
    bridge = fields.get("bridge") or None
    script = fields.get("script") or None
    kind = "bridge" if bridge is not None or script in _BRIDGE_SCRIPTS else "ethernet"
    model = fields.get("model") or None
    if model is None and fields.get("type") == _NETFRONT:
        model = _NETFRONT
    # type, mac, bridge, network, ip, script, ifname, model
    return Interface(kind, mac, bridge, None, fields.get("ip") or None, script,
                     fields.get("vifname") or None, model)


def write_nics(d: Domain, version: int, out: dict,
               networks: Optional[Mapping[str, str]]) -> None:
    """``networks`` maps a libvirt network to its bridge, as libvirt's
    network driver did; without it a network NIC is refused."""
    if not d.interfaces:
        return
    hvm = d.os.type == "hvm"
    ioemu = hvm and hvm_nic_type_ioemu(version)
    out[VIF_KEY] = [_format_nic(nic, hvm, ioemu, index, networks)
                    for index, nic in enumerate(d.interfaces, 1)]


def _format_nic(nic: Interface, hvm: bool, ioemu: bool, index: int, networks) -> str:
    kind = nic.type
    parts = ["mac=", nic.mac]
    if kind == "network":
        # The network's bridge, with xend's bridge script (and no ip).
        bridge = _network_bridge(nic, networks, f"/domain/devices/interface[{index}]")
        parts += [",bridge=", bridge, ",script=", DEFAULT_VIF_SCRIPT]
    elif kind == "bridge":
        # printf's "%s" of an absent name is "(null)"; the domain's own
        # script gives way to xend's bridge script.
        parts += [",bridge=", "(null)" if nic.bridge is None else nic.bridge]
        if nic.ip is not None:
            parts += [",ip=", nic.ip]
        parts += [",script=", DEFAULT_VIF_SCRIPT]
    elif kind == "ethernet":
        if nic.script is not None:
            parts += [",script=", nic.script]
        if nic.ip is not None:
            parts += [",ip=", nic.ip]
    else:
        raise DomainXMLError(f"unsupported network type {NET_TYPES.index(kind)} ({kind})",
                             f"/domain/devices/interface[{index}]")
    model = nic.model
    if hvm and model == _NETFRONT:
        parts.append(",type=netfront")
    else:
        if model is not None:
            parts += [",model=", model]
        if ioemu:
            parts.append(",type=ioemu")
    if nic.ifname is not None:
        parts += [",vifname=", nic.ifname]
    return "".join(parts)


def _network_bridge(nic: Interface, networks, path: str) -> str:
    # libvirt asked its network driver for the bridge behind the network; a
    # converter of text alone has only the map it is given.
    bridge = None if networks is None else networks.get(nic.network)
    if bridge is None:
        hint = ("give the bridge with networks=" if networks is None else
                f"the networks map names {', '.join(map(repr, networks)) or 'none'}")
        raise DomainXMLError(f"Network not found: {nic.network} ({hint})", path)
    return bridge
