"""The conversions, each a read into the Domain model and a write out."""
from __future__ import annotations

from typing import List, Mapping, Optional, Tuple, Union

from .errors import FastSexprWarning
from .libvirt_xml import write_xml
from .libvirt_xml.carried import read_xml_checked
from .model.domain import Domain
from .model.host import DEFAULT_HOST_ARCH
from .xend import write_sexpr
from .xend.one_record import read_one
from .xend.records import OnWarning, emit_warning

__all__ = ["xml_to_sexpr", "sexpr_to_xml", "xml_to_xm", "xm_to_xml"]


def xml_to_sexpr(xml: Union[str, bytes], *, xend_config_version: int = 4,
                 host_arch: str = DEFAULT_HOST_ARCH,
                 networks: Optional[Mapping[str, str]] = None,
                 strict: bool = False, on_warning: OnWarning = None) -> str:
    """Convert libvirt domain XML into the ``(vm ...)`` SEXPR that libvirt
    1.2.10 sent to xend to define the domain.

    ``xml``: the domain XML, text or bytes.  ``xend_config_version``: the
    xend the output is for, 1 (xend 3.0.2 and older), 2 (3.0.3), 3 (3.0.4)
    or 4 (3.1.0 and newer).  ``host_arch``: ``"x86_64"`` (default: i686 and
    x86_64 guests) or ``"i686"`` (libvirt's test host: i686 guests only).
    ``networks``: the bridge of each libvirt network, e.g.
    ``{"default": "virbr0"}``, what libvirt asked its network driver; an
    ``<interface type='network'>`` is refused without it.

    An element libvirt parsed but its SEXPR formatter wrote nowhere (a
    ``<watchdog>``, a ``<cpu>`` model, a USB ``<hostdev>``, a second
    display; not what libvirt adds by itself, such as a xen
    ``<memballoon>``) converts as libvirt converted it, with a
    :class:`~fastsexpr.FastSexprWarning` handed to ``on_warning`` (default:
    :func:`warnings.warn`) whose text starts with the element's path, e.g.
    ``/domain/devices/watchdog``.  ``strict=True`` makes the first an error.

    Returns the SEXPR text, one line, byte for byte libvirt's.

    Raises :class:`~fastsexpr.DomainXMLError` for malformed XML or a
    definition libvirt refused (``path`` names the element, ``reason`` says
    why; with ``strict``, also an element that cannot be carried),
    :class:`~fastsexpr.ConversionError` for what the chosen xend cannot
    carry or an unknown version or host.

    >>> xml_to_sexpr("<domain type='xen'><name>web1</name>"
    ...              "<uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>"
    ...              "<memory>524288</memory><os><type>linux</type>"
    ...              "<kernel>/boot/vmlinuz</kernel></os></domain>")[:36]
    "(vm (name 'web1')(memory 512)(maxmem"
    """
    domain = _said(read_xml_checked(xml, target="sexpr", xend_config_version=xend_config_version,
                                    host_arch=host_arch, strict=strict), on_warning)
    return write_sexpr(domain, xend_config_version, networks=networks)


def sexpr_to_xml(sexpr: Union[str, bytes], *, xend_config_version: int = 4,
                 strict: bool = False, on_warning: OnWarning = None) -> str:
    """Convert one xend domain record (``(domain ...)``, as in ``config.sxp``
    or one record of ``xm list --long``) into libvirt domain XML, as libvirt
    1.2.10 produced it.

    ``sexpr``: the record, text or bytes, read with libvirt's lenient
    reader.  ``xend_config_version``: the xend that wrote it, 1 to 4 (see
    :func:`xml_to_sexpr`).  What that reader forgave (a record lacking its
    closing parentheses, a ``)`` too many, text after the record) converts
    as libvirt read it, with a :class:`~fastsexpr.FastSexprWarning` handed
    to ``on_warning`` (default: :func:`warnings.warn`); so is each setting
    of the record the domain XML cannot carry (a device kind libvirt never
    read, such as ``domain/device/vtpm``, a ``domain/cpu_cap``, a second
    display: the warning's text starts with its SEXPR path), though not
    the runtime keys of ``xm list --long`` (``state``, ``cpu_time``, ...).
    ``strict=True`` makes each an error.  For a dump of several records,
    use :func:`~fastsexpr.iter_domains`.

    Returns the XML text, ending with one newline.

    Raises :class:`~fastsexpr.SexprSyntaxError` for unreadable text (and,
    with ``strict``, for what libvirt forgave), :class:`~fastsexpr.ConversionError`
    for a record libvirt refused (``path`` is the SEXPR path, e.g.
    ``domain/image/hvm/boot``), for a text of several domain records, or,
    with ``strict``, for a setting that cannot be carried.

    >>> print(sexpr_to_xml("(domain (domid 1)(name web1)"
    ...       "(uuid c7a5fdbd-edaf-9455-926a-d65c16db1809)(memory 512)"
    ...       "(image (linux (kernel /boot/vmlinuz))))").splitlines()[1])
      <name>web1</name>
    """
    return write_xml(read_one(sexpr, xend_config_version, strict=strict, on_warning=on_warning))


def xml_to_xm(xml: Union[str, bytes], *, xend_config_version: int = 4,
              host_arch: str = DEFAULT_HOST_ARCH,
              networks: Optional[Mapping[str, str]] = None,
              strict: bool = False, on_warning: OnWarning = None) -> str:
    """libvirt domain XML -> the xm config libvirt 1.2.10 wrote for it
    (``virsh domxml-to-native xen-xm``).

    Args:
        xml: the domain XML, ``str`` or ``bytes``.
        xend_config_version: the xend the config is for, 1 (xend 3.0.2) to
            4 (xend 3.1.0 and later); it decides, for example, whether a
            paravirt guest's graphics are a ``vfb`` list (3 and later).
        host_arch: the host the guest is for, as for :func:`xml_to_sexpr`;
            it decides only which guests are accepted.
        networks: the bridge of each libvirt network, as for
            :func:`xml_to_sexpr`.
        strict: refuse an element the config cannot carry, instead of
            warning.
        on_warning: called with a :class:`~fastsexpr.FastSexprWarning` for
            each element libvirt parsed but its xm formatter wrote nowhere
            (as for :func:`xml_to_sexpr`, and the ``<description>``, a USB
            input after the first: ``str()`` starts with the element's
            path); None (default) issues each with :func:`warnings.warn`.

    Returns:
        The config text, one ``key = value`` line each, in libvirt's order.

    Raises:
        DomainXMLError: the XML is malformed, libvirt refused it, or it holds
            something an xm config cannot carry (the error names the element;
            with ``strict``, also an element libvirt dropped).
        ConversionError: a bad ``xend_config_version`` or ``host_arch``, or
            a config of 4096 bytes or more, which libvirt's writer failed on.

    Example:
        >>> print(xml_to_xm("<domain type='xen'><name>web01</name>"
        ...                 "<uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>"
        ...                 "<memory>524288</memory><os><type>linux</type>"
        ...                 "<kernel>/boot/vmlinuz</kernel></os></domain>"), end="")
        name = "web01"
        uuid = "c7a5fdbd-edaf-9455-926a-d65c16db1809"
        maxmem = 512
        memory = 512
        vcpus = 1
        kernel = "/boot/vmlinuz"
        localtime = 0
        on_poweroff = "destroy"
        on_reboot = "restart"
        on_crash = "destroy"
    """
    from .xm import write_xm   # imported when used: SEXPR <-> XML never loads xm
    domain = _said(read_xml_checked(xml, target="xm", xend_config_version=xend_config_version,
                                    host_arch=host_arch, strict=strict), on_warning)
    return write_xm(domain, xend_config_version, networks=networks)


def xm_to_xml(cfg: Union[str, bytes], *, xend_config_version: int = 4,
              strict: bool = False, on_warning: OnWarning = None) -> str:
    """An xm config -> the domain XML libvirt 1.2.10 made of it
    (``virsh domxml-from-native xen-xm``), passwords included.

    Args:
        cfg: the config's text, ``str`` or UTF-8 ``bytes``.  As libvirt's
            reader did, the last byte is never read as content: end the
            text with a newline.
        xend_config_version: the xend the config is from, 1 to 4 (4: xend
            3.1.0 and later, where an HVM clock is ``rtc_timeoffset``).
        strict: refuse a config holding a setting the domain XML cannot
            carry, instead of warning.
        on_warning: called with a :class:`~fastsexpr.FastSexprWarning` for
            each key libvirt's reader ignored that holds configuration (a
            ``vtpm``, a ``cpu_cap``, a second display: ``str()`` starts
            with the key), or a display it read as another type (a
            ``type=spice`` vfb read as VNC); None (default) issues each
            with :func:`warnings.warn`.

    Returns:
        The domain XML, ending in ``</domain>`` and a newline.

    Raises:
        XmSyntaxError: text libvirt's reader could not read (with the line,
            column and a caret; a config that is Python code is named so).
        ConversionError: a config libvirt refused; ``path`` is the key
            (with ``strict``, also a setting that cannot be carried).

    Example:
        >>> xml = xm_to_xml('name = "web01"\\nmemory = 512\\nbootloader = "/usr/bin/pygrub"\\n')
        >>> print(xml.splitlines()[4])
          <currentMemory unit='KiB'>524288</currentMemory>
    """
    from .xm import read_xm_checked   # imported when used: SEXPR <-> XML never loads xm
    domain = _said(read_xm_checked(cfg, xend_config_version, strict=strict), on_warning)
    return write_xml(domain, secure=True)


def _said(read: Tuple[Domain, List[FastSexprWarning]], on_warning: OnWarning) -> Domain:
    """The domain a checked read gave, once its warnings are handed to
    ``on_warning`` (or :mod:`warnings`, pointing at the caller of the
    conversion)."""
    domain, warnings = read
    for warning in warnings:
        emit_warning(warning, on_warning, 2)
    return domain
