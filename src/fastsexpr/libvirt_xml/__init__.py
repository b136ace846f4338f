"""libvirt domain XML <-> the Domain model: the order of the sections.

Reading is libvirt 1.2.10's *inactive* parse of a Xen domain (guests of OS
type ``hvm`` or ``xen`` of the architectures the host runs), followed by the
default-filling steps libvirt runs after parsing.  It keeps exactly what the
xend formats can carry and rejects what libvirt rejects, naming the element.

Writing is libvirt 1.2.10's formatter, in its layout (``SEXPR2XML.md``
section 2): two-space indentation, one element per line, single-quoted
attributes.  Every byte goes through the :class:`~fastsexpr.syntax.XmlWriter`
emitter, a template of whole lines per call; values that libvirt printed
without escaping are marked ``{raw}``.  "Active" is libvirt's notion: a domain with
an id (``id != -1``) is formatted with its runtime details (``id=``,
``<backingStore/>``, generated interface names, the VNC port).

Each topic module holds the reader and the writer of its elements.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Dict, Optional, Union

from ..model.domain import Domain, require_identity
from ..model.host import DEFAULT_HOST_ARCH, guest_arches
from ..syntax import XmlTemplate, XmlWriter
from .allocation import read_allocation, write_allocation
from .chr import (
    hvm_console_as_serial, number_ports, read_console, read_parallel, read_serial, write_chr,
)
from .clock import read_clock, write_clock
from .disk import libvirt_disk_order, read_disk, write_disk
from .elements import first_children, string
from .graphics import read_graphics, read_input, read_sound, write_graphics, write_input, write_sound
from .hostdev import read_hostdev, write_hostdev
from .identity import check_root, read_identity, write_identity
from .lifecycle import read_lifecycle, write_lifecycle
from .net import read_interface, write_interface
from .os import (
    check_device_boot, device_boot_conflict, has_boot_child, read_features, read_os, write_os,
)

__all__ = ["read_xml", "read_tree", "write_xml"]

# Device element -> its reader, which adds the device to the Domain and
# says whether the device has a <boot> of its own.
_DEVICE_READERS: Dict[str, Callable[[Domain, object, bool], bool]] = {
    "disk": read_disk,
    "interface": read_interface,
    "hostdev": read_hostdev,
    "serial": read_serial,
    "parallel": read_parallel,
    "console": read_console,
    "input": read_input,
    "graphics": read_graphics,
    "sound": read_sound,
}


def read_xml(xml: str | bytes, *, host_arch: str = DEFAULT_HOST_ARCH) -> Domain:
    """Read libvirt domain XML into a :class:`~fastsexpr.Domain`, as libvirt
    1.2.10 parsed an inactive Xen domain.

    ``xml`` is text or bytes (bytes honour the encoding declaration).
    ``host_arch`` is the host the guest is meant for: ``"x86_64"`` (the
    default: i686 and x86_64 guests) or ``"i686"`` (libvirt's test host:
    i686 guests only).  It decides only which guests are accepted.

    Raises :class:`~fastsexpr.DomainXMLError` for malformed XML (with
    ``lineno`` and ``colno``) and for every input libvirt rejects, its
    ``path`` naming the element; :class:`~fastsexpr.ConversionError` for an
    unknown ``host_arch``.

    >>> read_xml("<domain type='xen'><name>a</name><memory>1024</memory>"
    ...          "<os><type>linux</type></os></domain>").name
    'a'
    """
    # Here: a process that only writes XML does not load the parser (nor
    # threading, for its per-thread state).
    from .parse import parse_document
    arches = guest_arches(host_arch)
    return read_tree(parse_document(xml), arches)


def read_tree(root, arches, seen: Optional[dict] = None) -> Domain:
    """:func:`read_xml` of a parsed document, its root element ``root``, for
    a host running the guest architectures ``arches``.  ``seen``, if given,
    gets what was read: ``"top"`` the first child of each name, ``"devices"``
    the children of <devices> and ``"unread"`` those no reader carried
    whole (for the check of what is carried over, libvirt_xml.carried)."""
    check_root(root)
    top = first_children(root)
    if seen is not None:
        seen["top"] = top
    get = top.get
    dom = read_identity(top)
    read_allocation(dom, top)
    read_os(dom, top, arches)
    devices = get("devices")
    # Only an HVM <os> with <boot>s has boot devices here; a device's own
    # <boot> beside them is the conflict os.py describes.
    os_boot = bool(dom.os.boot)
    try:
        features = get("features")
        if features is not None:
            read_features(dom, features)
        read_lifecycle(dom, top)
        clock = get("clock")
        if clock is not None:
            read_clock(dom.clock, clock)
        if devices is not None:
            # A list of the children is quicker to walk than the element.
            children = devices[:]
            unread = None
            if seen is not None:
                seen["devices"], unread = children, seen.setdefault("unread", [])
            per_device_boot = _read_devices(dom, children, os_boot, unread)
        else:
            per_device_boot = False
    except Exception:
        # libvirt reported the conflict before anything read here failed.
        if os_boot:
            check_device_boot(devices)
        raise
    # Skipped where there is nothing to order or number, as most domains.
    if len(dom.disks) > 1:
        dom.disks = libvirt_disk_order(dom.disks)
    if dom.serials or dom.parallels:
        number_ports(dom)
    if dom.os.type == "hvm":
        if not os_boot and not per_device_boot:
            dom.os.boot = ["hd"]
        hvm_console_as_serial(dom)
    return dom


def _read_devices(dom: Domain, devices: list, os_boot: bool,
                  unread: Optional[list] = None) -> bool:
    """Fill the device lists from ``devices``, the children of <devices>;
    True when some device carries its own <boot>, which with ``os_boot``
    (the OS has <boot>s) is an error.  ``unread``, if given, gets the
    children no reader took, and the host devices (PCI ones only are kept)."""
    hvm = dom.os.type == "hvm"
    per_device_boot = False
    seen_emulator = False
    readers = _DEVICE_READERS
    for el in devices:
        # Comments and processing instructions have non-string tags, which
        # no reader is registered under.
        tag = el.tag
        reader = readers.get(tag)
        if reader is not None:
            if reader(dom, el, hvm):
                if os_boot:
                    raise device_boot_conflict()
                per_device_boot = True
            if tag == "hostdev" and unread is not None:
                unread.append(el)
        elif tag == "emulator":
            if not seen_emulator:
                seen_emulator = True
                dom.emulator = string(el)
        elif tag == "redirdev" and os_boot and has_boot_child(el):
            # Not read, but its <boot> counts for the conflict.
            raise device_boot_conflict()
        elif unread is not None:
            unread.append(el)
    return per_device_boot


def write_xml(domain: Domain, *, secure: bool = False) -> str:
    """Format a :class:`~fastsexpr.Domain` as libvirt 1.2.10's domain XML
    formatter did, byte for byte: two-space indentation, single-quoted
    attributes, ending with one newline.  A domain with an ``id`` (not -1)
    is written as running, with its runtime details.  ``secure`` also writes
    secrets (a VNC password), as libvirt's VIR_DOMAIN_XML_SECURE flag did.

    Returns the XML text.  Raises :class:`~fastsexpr.ConversionError` for a
    model libvirt could not format (a disk with no storage type, for
    example).

    >>> dom = read_xml("<domain type='xen'><name>web1</name><memory>524288</memory>"
    ...                "<uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>"
    ...                "<os><type>linux</type><kernel>/boot/vmlinuz</kernel></os></domain>")
    >>> print(write_xml(dom).splitlines()[0])
    <domain type='xen'>
    """
    d = domain
    require_identity(d)
    active = d.id != -1
    w = XmlWriter()
    write_identity(w, d, active)
    write_allocation(w, d)
    write_os(w, d)
    write_clock(w, d.clock)
    write_lifecycle(w, d)
    w.start_line(_DEVICES, d.emulator)
    for index, disk in enumerate(d.disks, 1):
        write_disk(w, disk, index, active)
    for nic in d.interfaces:
        write_interface(w, nic, active)
    for chr_ in d.serials:
        write_chr(w, "serial", chr_, None, active)
    for chr_ in d.parallels:
        write_chr(w, "parallel", chr_, None, active)
    if d.consoles:
        for chr_ in d.consoles:
            write_chr(w, "console", chr_, chr_.target_type, active)
    elif d.serials:
        # Without a console, libvirt repeats serial #0 as one for old clients.
        write_chr(w, "console", d.serials[0], "serial", active)
    for inp in d.inputs:
        write_input(w, inp)
    if d.graphics:
        write_graphics(w, d.graphics, d.os.type == "hvm", active, secure)
    for model in d.sounds:
        write_sound(w, model)
    for hostdev in d.hostdevs:
        write_hostdev(w, hostdev)
    w.end_line(_DEVICES_END)
    w.end_line(_DOMAIN_END)
    return w.getvalue()


_DEVICES = XmlTemplate("<devices>\n  <emulator>{}</emulator>")
_DEVICES_END = XmlTemplate("</devices>")
_DOMAIN_END = XmlTemplate("</domain>")
