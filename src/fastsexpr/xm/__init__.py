"""xm config files (``/etc/xen/*.cfg``) <-> the Domain model, as libvirt
1.2.10's ``xen-xm`` converter read and wrote them (``XM.md``).

``conf`` is the file syntax: libvirt's ``virconf`` reader and writer,
knowing quoting, comments, lists and positions, nothing of Xen.  This module
holds only the order of the sections; each topic module (identity,
resources, os, lifecycle, clock, net, pci, sound, inputs, graphics, chr,
disk) reads and writes its own keys.
"""
from __future__ import annotations

from typing import List, Mapping, Optional, Tuple, Union

from ..errors import FastSexprWarning
from ..model.domain import Domain, require_identity
from ..versions import check_version
from ..xend.net import check_networks
from ..xend.carried import say_or_refuse
from .carried import not_carried
from .chr import read_chrs, write_chrs
from .clock import read_clock, read_hpet, write_clock, write_hpet
from .conf import Conf, read_conf, write_conf
from .disk import read_disks, write_cdrom, write_disks
from .graphics import read_graphics, write_graphics
from .identity import read_identity, write_identity
from .inputs import read_usb_input, write_usb_input
from .lifecycle import read_lifecycle, write_lifecycle
from .net import read_nics, write_nics
from .os import read_features, read_os, write_emulator, write_features, write_os
from .pci import read_pci, write_pci
from .resources import read_resources, write_resources
from .sound import read_sound, write_sound
from .values import XmIn

__all__ = ["read_xm", "read_xm_checked", "write_xm"]


def read_xm(cfg: Union[str, bytes, Conf], xend_config_version: int = 4, *,
            source: Optional[str] = None) -> Domain:
    """Read an xm config into the Domain model, as libvirt 1.2.10's xm
    parser did (XM.md 4).

    Args:
        cfg: the config's text (``str``, or UTF-8 ``bytes``), or a
            :class:`~fastsexpr.xm.conf.Conf` already read.  As libvirt's
            reader did, the last character is never read as content: end the
            text with a newline.
        xend_config_version: the xend the config is from, 1 (xend 3.0.2) to
            4 (3.1.0 and later).
        source: names the file in syntax errors.

    Returns:
        A :class:`~fastsexpr.Domain` (inactive: ``id`` -1).

    Raises:
        XmSyntaxError: text libvirt's reader could not read.
        ConversionError: a config libvirt refused; ``path`` is the key,
            ``reason`` libvirt's text.

    Example:
        >>> dom = read_xm('name = "web01"\\nmemory = 512\\n')
        >>> dom.name, dom.current_memory_kib, dom.on_crash
        ('web01', 524288, 'restart')
    """
    version = check_version(xend_config_version)
    conf = cfg if isinstance(cfg, Conf) else read_conf(cfg, source)
    x = XmIn(conf.first_values(), version)
    # libvirt's order: where two keys are wrong, the first one read is named.
    dom = read_identity(x)
    read_os(dom, x)
    read_resources(dom, x)
    read_lifecycle(dom, x)
    read_features(dom, x)
    read_hpet(dom, x)
    read_clock(dom, x)
    read_nics(dom, x)
    read_pci(dom, x)
    read_sound(dom, x)
    read_usb_input(dom, x)
    read_graphics(dom, x)
    read_chrs(dom, x)
    read_disks(dom, x)
    return dom


def read_xm_checked(cfg: Union[str, bytes], xend_config_version: int = 4, *,
                    strict: bool = False) -> Tuple[Domain, List[FastSexprWarning]]:
    """:func:`read_xm`, and a warning for each key libvirt's reader ignored
    that holds configuration (``strict``: a ConversionError naming the key
    instead): what ``xm_to_xml`` and the command read an xm config with."""
    check_version(xend_config_version)
    conf = read_conf(cfg)
    domain = read_xm(conf, xend_config_version)
    lost = not_carried(conf.first_values(), domain, xend_config_version)
    return domain, say_or_refuse(lost, strict)


def write_xm(domain: Domain, xend_config_version: int = 4, *,
             networks: Optional[Mapping[str, str]] = None) -> str:
    """The xm config libvirt 1.2.10's formatter wrote for ``domain`` (XM.md 5).

    Args:
        domain: a :class:`~fastsexpr.Domain`, for example from
            :func:`~fastsexpr.read_xml`.
        xend_config_version: the xend the config is for, 1 to 4.
        networks: the bridge of each libvirt network (``{"default":
            "virbr0"}``), what libvirt asked its network driver; an
            ``<interface type='network'>`` is refused without it.

    Returns:
        The config text: ``key = value`` lines in libvirt's order.

    Raises:
        DomainXMLError: the domain holds what an xm config cannot carry
            (the error names the element of the domain XML).
        ConversionError: a bad version, or a config of 4096 bytes or more,
            which libvirt's writer failed on.

    Example:
        >>> dom = read_xm('name = "web01"\\nmemory = 512\\nbuilder = "hvm"\\nkernel = "/l"\\n')
        >>> write_xm(dom, 4).splitlines()[2:8]
        ['maxmem = 512', 'memory = 512', 'vcpus = 1', 'builder = "hvm"', 'kernel = "/l"', 'boot = "c"']
    """
    require_identity(domain)
    version = check_version(xend_config_version)
    networks = check_networks(networks)
    d = domain
    out: dict = {}
    write_identity(d, out)
    write_resources(d, out)
    write_os(d, out)
    write_features(d, version, out)
    write_hpet(d, out)
    write_cdrom(d, version, out)
    write_clock(d, version, out)
    write_lifecycle(d, out)
    write_emulator(d, out)
    write_usb_input(d, out)
    write_graphics(d, version, out)
    write_nics(d, version, out, networks)
    write_pci(d, out)
    write_chrs(d, out)
    write_sound(d, out)
    write_disks(d, version, out)
    return write_conf(out.items())
