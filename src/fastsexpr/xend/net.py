"""Network interfaces: (device (vif ...)) blocks.

SEXPR2XML.md 1.9 and XML2SEXPR.md section 8.
"""
from __future__ import annotations

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


def write_nics(w, d: Domain, version: int, hvm: bool) -> None:
    pair = w.pair
    ioemu = hvm and hvm_nic_type_ioemu(version)
    for index, nic in enumerate(d.interfaces, 1):
        ntype = nic.type
        if ntype != "bridge" and ntype != "ethernet":
            raise _refusal(nic, f"/domain/devices/interface[{index}]")
        w.raw("(device (vif ")
        w.pair_unescaped("mac", nic.mac)
        if ntype == "bridge":
            if nic.bridge is not None:
                pair("bridge", nic.bridge)
            pair("script", nic.script if nic.script is not None else DEFAULT_VIF_SCRIPT)
        elif nic.script is not None:
            pair("script", nic.script)
        if nic.ip is not None:
            pair("ip", nic.ip)
        if nic.ifname is not None and not nic.ifname.startswith(_XEND_IFNAME_PREFIX):
            pair("vifname", nic.ifname)
        model = nic.model
        if hvm and model == _NETFRONT:
            w.raw("(type netfront)))")
            continue
        if model is not None:
            pair("model", model)
        w.raw("(type ioemu)))" if ioemu else "))")


def _refusal(nic, path: str) -> DomainXMLError:
    ntype = nic.type
    if ntype != "network":
        return DomainXMLError(f"unsupported network type {NET_TYPES.index(ntype)} ({ntype})",
                              path)
    if nic.script is not None:
        return DomainXMLError("scripts are not supported on interfaces of type network", path)
    # libvirt asks its network driver for the bridge behind the network; a
    # converter working on text alone has no such driver.
    return DomainXMLError(f"network '{nic.network}' cannot be resolved to a bridge: "
                          "no network driver", path)
