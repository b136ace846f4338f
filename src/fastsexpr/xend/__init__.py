"""xend SEXPR trees <-> the Domain model, as libvirt 1.2.10 converted them.

:func:`read_sexpr` reads a (domain ...) record (``SEXPR2XML.md`` section 1),
:func:`write_sexpr` writes the (vm ...) creation request libvirt sent to
xend (``XML2SEXPR.md``).  The two are not mirror images, because xend's
were not.  This module holds only the order of the sections; each topic
module (identity, resources, lifecycle, os, clock, disk, net, pci,
graphics, inputs, chr, sound) reads and writes its own.

Speed matters here (a document converts in a few microseconds with the
compiled core), so each list is indexed once: the record's and the image's
keys with :func:`~fastsexpr.syntax.member_values` (the first ``(key ...)``
counts, as for a path), the devices in one walk over the root.
"""
from __future__ import annotations

from collections.abc import Mapping

from ..model.domain import Domain, require_identity
from ..syntax import SexprWriter, member_values, loads
from ..versions import check_version, clock_in_image
from .chr import read_console, read_image_chrs, write_image_chrs
from .clock import read_clock, write_clock, write_hpet
from .carried import settings_dropped
from .devices import collect_devices
from .disk import read_disks, read_image_disks, write_disks, write_image_disks
from .graphics import read_image_graphics, read_vfb, write_image_graphics, write_vfb
from .identity import not_a_record, read_identity, write_name, write_uuid
from .inputs import USB_DEVICE_KEY, read_usb_inputs, write_usb_inputs
from .lifecycle import read_lifecycle, write_lifecycle
from .net import check_networks, read_nics, write_nics
from .os import (
    read_os, write_boot, write_bootloader, write_bootloader_image, write_emulator,
    write_features, write_kernel,
)
from .pci import read_pci, write_pci
from .resources import read_resources, write_resources, write_vcpus
from .sound import SOUND_KEY, read_sound, write_sound

__all__ = ["read_sexpr", "write_sexpr"]


def read_sexpr(tree_or_text, xend_config_version: int = 4, *,
               tty: str | None = None, vncport: int = -1,
               dropped: list | None = None) -> Domain:
    """Read a xend domain SEXPR as libvirt 1.2.10 did.

    ``tree_or_text`` is a tree from :func:`fastsexpr.loads` or SEXPR text
    (read with libvirt's own lenient reader).  ``tty`` is the console pty
    path and ``vncport`` the VNC port that libvirt took from xenstore for a
    running domain (None and -1 when unknown).  ``dropped``, a list, gets
    a (SEXPR path, what) for each setting the conversion drops
    (:mod:`.carried`), found from the lists read here.

    Returns the :class:`~fastsexpr.Domain`.  Raises
    :class:`~fastsexpr.ConversionError` naming the SEXPR path for a domain
    libvirt refused or an unknown version, and
    :class:`~fastsexpr.SexprSyntaxError` for unreadable text.

    >>> dom = read_sexpr("(domain (domid 1)(name web1)"
    ...                  "(uuid c7a5fdbd-edaf-9455-926a-d65c16db1809)(memory 512)(maxmem 512))")
    >>> dom.name, dom.max_memory_kib
    ('web1', 524288)
    """
    version = check_version(xend_config_version)
    if isinstance(tree_or_text, list):
        root = tree_or_text
    else:
        root = loads(tree_or_text, dialect="libvirt")
        if not isinstance(root, list):
            root = [root]
    if not root or root[0] != "domain":
        raise not_a_record(root, version)
    # The record's keys, as value() reads them.
    top = member_values(root)

    dom = read_identity(top, version)
    image_node, img = read_os(dom, root, top)
    hvm = dom.os.type == "hvm"
    read_resources(dom, top)
    read_lifecycle(dom, top)
    read_clock(dom, top, image_node, img, hvm, version)

    disks, vifs, pci, vfb, others = collect_devices(root)
    if disks:
        read_disks(dom, disks, hvm, version)
    if vifs:
        read_nics(dom, vifs)
    if pci is not None:
        read_pci(dom, pci)
    if vfb is not None:
        read_vfb(dom, vfb, vncport)
    elif img:
        read_image_graphics(dom, img, vncport, version)

    if hvm:
        read_image_disks(dom, img, version)
        # Most images have neither; a call that reads nothing costs as much
        # as a short one that does.
        if USB_DEVICE_KEY in img:
            read_usb_inputs(dom, image_node, img)
        read_image_chrs(dom, image_node, img, tty)
        if SOUND_KEY in img:
            read_sound(dom, img)
    elif dom.id != 0:
        read_console(dom, tty)
    if dropped is not None:
        dropped.extend(settings_dropped(root, top, image_node, img, others, dom))
    return dom


def write_sexpr(domain: Domain, xend_config_version: int = 4, *,
                networks: Mapping[str, str] | None = None) -> str:
    """Format ``domain`` as the ``(vm ...)`` request libvirt 1.2.10 sent to
    xend, for ``xend_config_version`` 1 (xend 3.0.2) to 4 (3.1.0 and newer).
    ``networks`` maps a libvirt network name to its bridge (what libvirt's
    network driver answered); without it an ``<interface type='network'>``
    is refused, as libvirt refused it with no network driver.

    Returns one line without a trailing newline.  Raises
    :class:`~fastsexpr.ConversionError` for a version other than 1-4 and
    :class:`~fastsexpr.DomainXMLError` for what xend cannot express.

    >>> dom = read_sexpr("(domain (domid 1)(name web1)"
    ...                  "(uuid c7a5fdbd-edaf-9455-926a-d65c16db1809)(memory 512)(maxmem 512))")
    >>> write_sexpr(dom)[:36]
    "(vm (name 'web1')(memory 512)(maxmem"
    """
    require_identity(domain)
    version = check_version(xend_config_version)
    networks = check_networks(networks)
    d = domain
    hvm = d.os.type == "hvm"
    w = SexprWriter()
    # The skeleton of XML2SEXPR.md section 3.  A section the model does not
    # have is skipped here rather than in its writer: a call that writes
    # nothing costs as much as a short one that does.
    w.raw("(vm ")
    write_name(w, d)
    write_resources(w, d)
    write_uuid(w, d)
    if d.bootloader is None:
        write_lifecycle(w, d)
        _write_image(w, d, version, hvm)
        image_open = True
    else:
        write_bootloader(w, d)
        write_lifecycle(w, d)
        image_open = write_bootloader_image(w, d)
    localtime = write_clock(w, d, version, hvm, image_open)
    # From V4 on the clock opened the image if nothing else had.
    if image_open or clock_in_image(version):
        w.raw("))")
    w.pair_int("localtime", localtime)
    if d.disks:
        write_disks(w, d, version, hvm)
    if d.interfaces:
        write_nics(w, d, version, hvm, networks)
    if d.hostdevs:
        write_pci(w, d)
    if d.graphics:
        write_vfb(w, d, version, hvm)
    w.raw(")")
    return w.getvalue()


def _write_image(w, d: Domain, version: int, hvm: bool) -> None:
    """The image of a guest without a bootloader, up to its clock."""
    write_kernel(w, d.os, hvm)
    if hvm:
        write_vcpus(w, d)
        write_boot(w, d.os)
        if d.disks:
            write_image_disks(w, d, version)
        if d.features:
            write_features(w, d)
        write_usb_inputs(w, d)
        write_image_chrs(w, d)
        if d.sounds:
            write_sound(w, d)
    if d.emulator is not None:
        write_emulator(w, d, hvm, version)
    if d.clock.timers:
        write_hpet(w, d)
    if d.graphics:
        write_image_graphics(w, d, version, hvm)
