"""The conversions, each a read into the Domain model and a write out."""
from __future__ import annotations

from typing import Mapping, Optional, Union

from .libvirt_xml import read_xml, write_xml
from .model.host import DEFAULT_HOST_ARCH
from .xend import read_sexpr, write_sexpr

__all__ = ["xml_to_sexpr", "sexpr_to_xml"]


def xml_to_sexpr(xml: Union[str, bytes], *, xend_config_version: int = 4,
                 host_arch: str = DEFAULT_HOST_ARCH,
                 networks: Optional[Mapping[str, str]] = None) -> str:
    """Convert libvirt domain XML into the ``(vm ...)`` SEXPR that libvirt
    1.2.10 sent to xend to define the domain.

    ``xml``: the domain XML, text or bytes.  ``xend_config_version``: the
    xend the output is for, 1 (xend 3.0.2 and older), 2 (3.0.3), 3 (3.0.4)
    or 4 (3.1.0 and newer).  ``host_arch``: ``"x86_64"`` (default: i686 and
    x86_64 guests) or ``"i686"`` (libvirt's test host: i686 guests only).
    ``networks``: the bridge of each libvirt network, e.g.
    ``{"default": "virbr0"}``, what libvirt asked its network driver; an
    ``<interface type='network'>`` is refused without it.

    Returns the SEXPR text, one line, byte for byte libvirt's.

    Raises :class:`~fastsexpr.DomainXMLError` for malformed XML or a
    definition libvirt refused (``path`` names the element, ``reason`` says
    why), :class:`~fastsexpr.ConversionError` for what the chosen xend
    cannot carry or an unknown version or host.

    >>> xml_to_sexpr("<domain type='xen'><name>web1</name>"
    ...              "<uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>"
    ...              "<memory>524288</memory><os><type>linux</type>"
    ...              "<kernel>/boot/vmlinuz</kernel></os></domain>")[:36]
    "(vm (name 'web1')(memory 512)(maxmem"
    """
    return write_sexpr(read_xml(xml, host_arch=host_arch), xend_config_version,
                       networks=networks)


def sexpr_to_xml(sexpr: Union[str, bytes], *, xend_config_version: int = 4) -> str:
    """Convert one xend domain record (``(domain ...)``, as in ``config.sxp``
    or one record of ``xm list --long``) into libvirt domain XML, as libvirt
    1.2.10 produced it.

    ``sexpr``: the record, text or bytes, read with libvirt's lenient
    reader.  ``xend_config_version``: the xend that wrote it, 1 to 4 (see
    :func:`xml_to_sexpr`).

    Returns the XML text, ending with one newline.

    Raises :class:`~fastsexpr.SexprSyntaxError` for unreadable text,
    :class:`~fastsexpr.ConversionError` for a record libvirt refused
    (``path`` is the SEXPR path, e.g. ``domain/image/hvm/boot``).

    >>> print(sexpr_to_xml("(domain (domid 1)(name web1)"
    ...       "(uuid c7a5fdbd-edaf-9455-926a-d65c16db1809)(memory 512)"
    ...       "(image (linux (kernel /boot/vmlinuz))))").splitlines()[1])
      <name>web1</name>
    """
    return write_xml(read_sexpr(sexpr, xend_config_version))
