"""Network interfaces: (device (vif ...)) blocks.

SEXPR2XML.md 1.9 and XML2SEXPR.md section 8.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Mapping, Optional

from ..errors import ConversionError, DomainXMLError
from ..model.domain import Domain, Interface
from ..model.scalars import parse_mac
from ..model.vocab import NET_TYPES
from ..syntax import value
from ..versions import hvm_nic_type_ioemu

# The script xend runs for bridged NICs when the domain names none; naming
# it is also how a NIC without a bridge says it is bridged.
DEFAULT_VIF_SCRIPT = "vif-bridge"
# The model xend's (type netfront) stands for: the paravirt NIC of an HVM guest.
_NETFRONT = "netfront"
_NO_MAC = "00:00:00:00:00:00"
# What xend names a NIC by itself; libvirt did not pass such names on.
_XEND_IFNAME_PREFIX = "vif"


def read_nics(dom: Domain, vifs) -> None:
    """``vifs``: the (vif ...) list of each NIC, in order."""
    for index, vif in enumerate(vifs):
        script = value(vif, "vif/script")
        bridge = value(vif, "vif/bridge")
        ip = value(vif, "vif/ip")
        # Without a bridge the type is ethernet, and bridge stays None.
        kind = "bridge" if bridge is not None or script == DEFAULT_VIF_SCRIPT else "ethernet"
        ifname = value(vif, "vif/vifname")
        if ifname is None and dom.id != -1:
            ifname = f"{_XEND_IFNAME_PREFIX}{dom.id}.{index}"
        text = value(vif, "vif/mac")
        if text is None:
            mac = _NO_MAC
        else:
            mac = parse_mac(text)
            if mac is None:
                raise ConversionError(f"malformed mac address '{text}'", "domain/device/vif/mac")
        model = value(vif, "vif/model")
        if model is None and value(vif, "vif/type") == _NETFRONT:
            model = _NETFRONT
        dom.interfaces.append(Interface(kind, mac, bridge, None, ip, script, ifname, model))


def write_nics(w, d: Domain, version: int, hvm: bool,
               networks: Optional[Mapping[str, str]]) -> None:
    """``networks`` maps a libvirt network to its bridge, as libvirt's
    network driver did; without it a network NIC is refused."""
    ioemu = hvm and hvm_nic_type_ioemu(version)
    for index, nic in enumerate(d.interfaces, 1):
        ntype = nic.type
        bridge = nic.bridge
        if ntype != "bridge" and ntype != "ethernet":
            bridge = _network_bridge(nic, f"/domain/devices/interface[{index}]", networks)
        script = nic.script
        # A network's NIC gets the bridge script whatever it names: libvirt
        # refused a script there before it got this far.
        if ntype != "ethernet" and script is None:
            script = DEFAULT_VIF_SCRIPT
        ifname = nic.ifname
        if ifname is not None and ifname.startswith(_XEND_IFNAME_PREFIX):
            ifname = None
        model = nic.model
        if hvm and model == _NETFRONT:
            model, end = None, "(type netfront)))"
        else:
            end = "(type ioemu)))" if ioemu else "))"
        # The MAC is checked (parse_mac): written as it is.
        w.raw(f"(device (vif (mac '{nic.mac}')")
        w.pairs("bridge", None if ntype == "ethernet" else bridge, "script", script,
                "ip", nic.ip, "vifname", ifname, "model", model)
        w.raw(end)


def _network_bridge(nic, path: str, networks: Optional[Mapping[str, str]]) -> str:
    """The bridge of a network NIC, or libvirt's refusal of the NIC."""
    ntype = nic.type
    if ntype != "network":
        raise DomainXMLError(f"unsupported network type {NET_TYPES.index(ntype)} ({ntype})",
                             path)
    if nic.script is not None:
        raise DomainXMLError("scripts are not supported on interfaces of type network", path)
    # libvirt asked its network driver for the bridge behind the network; a
    # converter working on text alone has only the map it is given.
    if networks is None:
        raise DomainXMLError(f"network '{nic.network}' cannot be resolved to a bridge: "
                             "no network driver (give the bridge with networks= or "
                             "--network NAME=BRIDGE)", path)
    bridge = networks.get(nic.network)
    if bridge is None:
        raise DomainXMLError(f"network '{nic.network}' is not in the networks map "
                             f"(it names {', '.join(map(repr, networks)) or 'none'})", path)
    return bridge


def check_networks(networks: object) -> Optional[Mapping[str, str]]:
    """``networks`` if it maps names to bridge names, else a ConversionError
    naming ``networks``."""
    if networks is None:
        return None
    from collections.abc import Mapping   # here: most runs give no networks
    if not isinstance(networks, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) and v for k, v in networks.items()):
        raise ConversionError("networks must map network names to bridge names "
                              "(non-empty strings)", "networks")
    return networks
