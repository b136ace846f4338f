"""The Domain model -> the one-line SEXPR libvirt 1.2.10 sent to xend.

Every fragment goes through :class:`~fastsexpr.sexpr.SexprWriter`; this
module decides only what is written and in which order.  Differences
between xend config versions are the named predicates of
:mod:`fastsexpr.xend.tables`.

Errors are :class:`~fastsexpr.DomainXMLError` naming the element of the
domain XML that carries the offending setting, because a model xend cannot
take is almost always a domain XML libvirt refused to convert.
"""
from __future__ import annotations

from ..errors import ConversionError, DomainXMLError
from ..model.domain import Chr, Disk, Domain, Graphics
from ..model.scalars import format_uuid
from ..model.vocab import GRAPHICS_TYPES, NET_TYPES
from ..syntax import SexprWriter
from ..versions import (
    check_version, clock_in_image, hvm_cdrom_in_image, hvm_disk_ioemu_prefix,
    hvm_nic_type_ioemu, pv_device_model_written, pv_graphics_as_vfb, vnc_fields_written,
)
from .tables import BOOT_LETTERS, HVM_FEATURES

__all__ = ["write_sexpr"]

# The script xend runs for bridged NICs when the domain names none.
DEFAULT_VIF_SCRIPT = "vif-bridge"
# CHR device types written as their own name.
_CHR_BARE = frozenset(("null", "vc", "pty", "stdio"))
# CHR device types written as prefix + escaped path.
_CHR_PATH_PREFIX = {"file": "file:", "pipe": "pipe:", "dev": ""}
_LISTEN_SUFFIX = ",server,nowait"
_U64 = (1 << 64) - 1


def _kib_to_mib(kib: int) -> int:
    return -(-kib // 1024)


def _vcpu_avail(vcpus: int) -> int:
    # A bitmask of the online vCPUs in a 64-bit unsigned long; x86-64 takes
    # the shift count modulo 64, which libvirt leaves unguarded.
    return ((1 << (vcpus % 64)) - 1) & _U64


def _format_cpumask(cpus) -> str:
    runs = []
    it = iter(cpus)
    start = prev = next(it)
    for cpu in it:
        if cpu == prev + 1:
            prev = cpu
            continue
        runs.append(f"{start}" if start == prev else f"{start}-{prev}")
        start = prev = cpu
    runs.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ",".join(runs)


def _int32(value: int) -> int:
    return ((value + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def write_sexpr(domain: Domain, xend_config_version: int = 4) -> str:
    """Format ``domain`` as libvirt 1.2.10 did for ``xend_config_version``.

    The result is one line without a trailing newline.  Raises
    :class:`~fastsexpr.ConversionError` for a version other than 1-4 and
    :class:`~fastsexpr.DomainXMLError` for what xend cannot express.
    """
    v = check_version(xend_config_version)
    d = domain
    hvm = d.os.type == "hvm"
    w = SexprWriter()
    pair = w.pair
    pair_int = w.pair_int
    raw = w.raw

    raw("(vm ")
    pair("name", d.name)
    pair_int("memory", _kib_to_mib(d.current_memory_kib))
    pair_int("maxmem", _kib_to_mib(d.max_memory_kib))
    _write_vcpus(w, d)
    if d.cpumask:
        pair("cpus", _format_cpumask(d.cpumask))
    w.pair_raw("uuid", format_uuid(d.uuid))
    if d.description is not None:
        pair("description", d.description)
    if d.bootloader is not None:
        if d.bootloader:
            pair("bootloader", d.bootloader)
        else:
            raw("(bootloader)")
        if d.bootloader_args is not None:
            pair("bootloader_args", d.bootloader_args)
    w.pair_raw("on_poweroff", d.on_poweroff)
    w.pair_raw("on_reboot", d.on_reboot)
    w.pair_raw("on_crash", d.on_crash)

    if d.bootloader is not None:
        # A bootloader finds the kernel itself: only its command line is
        # passed on, and always as a linux image.
        image_open = d.os.cmdline is not None
        if image_open:
            raw("(image (linux ")
            pair("args", d.os.cmdline)
    else:
        image_open = True
        _write_image(w, d, v, hvm)

    localtime = _write_clock(w, d, v, hvm, image_open)
    if image_open or clock_in_image(v):
        raw("))")
    pair_int("localtime", localtime)

    for disk in d.disks:
        _write_disk(w, disk, v, hvm)
    for index, nic in enumerate(d.interfaces, 1):
        _write_nic(w, nic, v, hvm, index)
    _write_pci(w, d)
    if not hvm and pv_graphics_as_vfb(v) and len(d.graphics) == 1:
        raw("(device (vkbd))(device (vfb ")
        _write_graphics(w, d.graphics[0], True, new_style=True)
        raw("))")
    raw(")")
    return w.getvalue()


def _write_vcpus(w: SexprWriter, d: Domain) -> None:
    w.pair_int("vcpus", d.max_vcpus)
    if d.vcpus < d.max_vcpus:
        w.pair_int("vcpu_avail", _vcpu_avail(d.vcpus))


def _write_image(w: SexprWriter, d: Domain, v: int, hvm: bool) -> None:
    osd = d.os
    pair = w.pair
    raw = w.raw
    if hvm and osd.loader is None:
        raise DomainXMLError("no HVM domain loader", "/domain/os/loader")
    raw("(image (hvm " if hvm else "(image (linux ")
    if osd.kernel is not None:
        pair("kernel", osd.kernel)
    if osd.initrd is not None:
        pair("ramdisk", osd.initrd)
    if osd.root is not None:
        pair("root", osd.root)
    if osd.cmdline is not None:
        pair("args", osd.cmdline)

    if hvm:
        # hvmloader is the HVM firmware; it takes the kernel slot unless a
        # direct-boot kernel already holds it.
        pair("loader" if osd.kernel is not None else "kernel", osd.loader)
        _write_vcpus(w, d)
        w.pair_bare("boot", "".join(BOOT_LETTERS[b] for b in osd.boot) or "c")
        cdrom_in_image = hvm_cdrom_in_image(v)
        for disk in d.disks:
            if disk.device == "cdrom":
                if cdrom_in_image and disk.target == "hdc" and disk.source is not None:
                    pair("cdrom", disk.source)
            elif disk.device == "floppy":
                if disk.source is None:
                    # libvirt writes "(fdX " and nothing more here, which
                    # xend cannot read; refuse rather than corrupt.
                    raise DomainXMLError(
                        f"floppy {disk.target} has no source: xend needs an image file",
                        _disk_path(disk))
                raw("(")
                w.esc(disk.target)
                raw(" '")
                w.esc(disk.source)
                raw("')")
        features = d.features
        for feature in HVM_FEATURES:
            if feature in features:
                w.pair_int(feature, 1)
        raw("(usb 1)")
        for inp in d.inputs:
            if inp.bus == "usb":
                w.pair_bare("usbdevice", inp.type)
        if d.parallels:
            raw("(parallel ")
            _write_chr(w, d.parallels[0], "/domain/devices/parallel[1]")
            raw(")")
        else:
            raw("(parallel none)")
        _write_serials(w, d.serials)
        if d.sounds:
            raw("(soundhw '")
            for i, model in enumerate(d.sounds):
                if i:
                    raw(",")
                w.esc(model)
            raw("')")

    if d.emulator is not None and (hvm or pv_device_model_written(v)):
        pair("device_model", d.emulator)
    for timer in d.clock.timers:
        if timer.name == "hpet" and timer.present != -1:
            w.pair_int("hpet", timer.present)
            break
    if (hvm or not pv_graphics_as_vfb(v)) and len(d.graphics) == 1:
        _write_graphics(w, d.graphics[0], vnc_fields_written(v), new_style=False)


def _write_serials(w: SexprWriter, serials) -> None:
    if not serials:
        w.raw("(serial none)")
        return
    if len(serials) == 1 and serials[0].port == 0:
        w.raw("(serial ")
        _write_chr(w, serials[0], "/domain/devices/serial[1]")
        w.raw(")")
        return
    by_port = {}
    for index, serial in enumerate(serials, 1):
        by_port.setdefault(serial.port, (serial, index))
    w.raw("(serial (")
    for port in range(max(by_port) + 1):
        if port:
            w.raw(" ")
        found = by_port.get(port)
        if found is None:
            w.raw("none")
        else:
            _write_chr(w, found[0], f"/domain/devices/serial[{found[1]}]")
    w.raw("))")


def _write_chr(w: SexprWriter, c: Chr, path: str) -> None:
    ctype = c.type
    if ctype in _CHR_BARE:
        w.raw(ctype)
    elif ctype in _CHR_PATH_PREFIX:
        w.raw(_CHR_PATH_PREFIX[ctype])
        w.esc(c.path)
    elif ctype == "tcp":
        # xend's qemu knows only raw tcp and telnet.
        w.raw(f"{'tcp' if c.protocol == 'raw' else 'telnet'}:{c.host}:{c.service}")
        if c.listen:
            w.raw(_LISTEN_SUFFIX)
    elif ctype == "udp":
        w.raw(f"udp:{c.connect_host or ''}:{c.connect_service or ''}"
              f"@{c.bind_host or ''}:{c.bind_service or ''}")
    elif ctype == "unix":
        w.raw("unix:")
        w.esc(c.path)
        if c.listen:
            w.raw(_LISTEN_SUFFIX)
    else:
        raise DomainXMLError(f"unsupported chr device type '{ctype}'", path)


def _write_clock(w: SexprWriter, d: Domain, v: int, hvm: bool, image_open: bool) -> int:
    """Write the in-image clock (V4) and return the localtime flag."""
    clock = d.clock
    offset = clock.offset
    if not clock_in_image(v):
        if offset not in ("utc", "localtime"):
            raise DomainXMLError(f"unsupported clock offset='{offset}'", "/domain/clock")
        return 1 if offset == "localtime" else 0

    if not image_open:
        w.raw("(image (hvm " if hvm else "(image (linux ")
    if hvm:
        if offset == "variable":
            localtime = 1 if clock.basis == "localtime" else 0
            rtc_offset = _int32(clock.adjustment)
        elif offset in ("utc", "localtime"):
            if clock.reset:
                raise DomainXMLError("unsupported clock adjustment='reset'", "/domain/clock")
            localtime = 1 if offset == "localtime" else 0
            rtc_offset = 0
        else:
            raise DomainXMLError(f"unsupported clock offset='{offset}'", "/domain/clock")
        w.pair_int("rtc_timeoffset", rtc_offset)
    else:
        if offset not in ("utc", "localtime"):
            raise DomainXMLError(f"unsupported clock offset='{offset}'", "/domain/clock")
        localtime = 1 if offset == "localtime" else 0
    w.pair_int("localtime", localtime)
    return localtime


def _disk_path(disk: Disk) -> str:
    return f"/domain/devices/disk[target/@dev='{disk.target}']"


def _write_disk(w: SexprWriter, disk: Disk, v: int, hvm: bool) -> None:
    device = disk.device
    if hvm and (device == "floppy" or (device == "cdrom" and hvm_cdrom_in_image(v))):
        return
    raw = w.raw
    driver = disk.driver_name
    if driver == "tap" or driver == "tap2":
        raw(f"(device ({driver} ")
    else:
        raw("(device (vbd ")

    if hvm and hvm_disk_ioemu_prefix(v):
        raw("(dev 'ioemu:")
        w.esc(disk.target)
        raw("')")
    elif hvm or device == "cdrom":
        raw("(dev '")
        w.esc(disk.target)
        raw(":cdrom')" if device == "cdrom" else ":disk')")
    else:
        w.pair("dev", disk.target)

    src = disk.source
    if src is not None:
        if driver == "tap" or driver == "tap2":
            fmt = disk.driver_type
            raw("(uname '")
            w.esc(driver)
            raw(":")
            w.esc("aio" if fmt is None or fmt == "raw" else fmt)
            raw(":")
            w.esc(src)
            raw("')")
        elif driver is not None:
            raw("(uname '")
            w.esc(driver)
            raw(":")
            w.esc(src)
            raw("')")
        elif disk.type == "file":
            raw("(uname 'file:")
            w.esc(src)
            raw("')")
        elif disk.type == "block":
            raw("(uname 'phy:" if src.startswith("/") else "(uname 'phy:/dev/")
            w.esc(src)
            raw("')")
        else:
            raise DomainXMLError(f"unsupported disk type {disk.type}", _disk_path(disk))
    # Checked only after the uname: a disk xend cannot name at all is
    # reported as such even when it is also transient.
    if disk.transient:
        raise DomainXMLError("transient disks not supported yet", _disk_path(disk))

    if disk.readonly:
        raw("(mode 'r')")
    elif disk.shareable:
        raw("(mode 'w!')")
    else:
        raw("(mode 'w')")
    raw("))")


def _write_nic(w: SexprWriter, nic, v: int, hvm: bool, index: int) -> None:
    path = f"/domain/devices/interface[{index}]"
    ntype = nic.type
    if ntype not in ("bridge", "network", "ethernet"):
        raise DomainXMLError(
            f"unsupported network type {NET_TYPES.index(ntype)} ({ntype})", path)
    if ntype == "network":
        if nic.script is not None:
            raise DomainXMLError(
                "scripts are not supported on interfaces of type network", path)
        # libvirt asks its network driver for the bridge behind the network;
        # a converter working on text alone has no such driver.
        raise DomainXMLError(
            f"network '{nic.network}' cannot be resolved to a bridge: "
            "no network driver", path)
    w.raw("(device (vif ")
    w.pair_raw("mac", nic.mac)
    if ntype == "bridge":
        if nic.bridge is not None:
            w.pair("bridge", nic.bridge)
        w.pair("script", nic.script if nic.script is not None else DEFAULT_VIF_SCRIPT)
        if nic.ip is not None:
            w.pair("ip", nic.ip)
    else:
        if nic.script is not None:
            w.pair("script", nic.script)
        if nic.ip is not None:
            w.pair("ip", nic.ip)
    if nic.ifname is not None and not nic.ifname.startswith("vif"):
        w.pair("vifname", nic.ifname)
    model = nic.model
    if not hvm:
        if model is not None:
            w.pair("model", model)
    elif model == "netfront":
        w.raw("(type netfront)")
    else:
        if model is not None:
            w.pair("model", model)
        if hvm_nic_type_ioemu(v):
            w.raw("(type ioemu)")
    w.raw("))")


def _write_pci(w: SexprWriter, d: Domain) -> None:
    if not d.hostdevs:
        return
    for dev in d.hostdevs:
        if dev.managed:
            raise DomainXMLError(
                "managed PCI devices not supported with XenD",
                f"/domain/devices/hostdev[source/address/@bus='0x{dev.bus:02x}' and "
                f"@slot='0x{dev.slot:02x}' and @function='0x{dev.function:x}']")
    w.raw("(device (pci ")
    for dev in d.hostdevs:
        w.raw(f"(dev (domain 0x{dev.domain:04x})(bus 0x{dev.bus:02x})"
              f"(slot 0x{dev.slot:02x})(func 0x{dev.function:x}))")
    w.raw("))")


def _write_graphics(w: SexprWriter, g: Graphics, vnc_fields: bool, new_style: bool) -> None:
    gtype = g.type
    if gtype == "sdl":
        w.raw("(type sdl)" if new_style else "(sdl 1)")
        if g.display is not None:
            w.pair_raw("display", g.display)
        if g.xauth is not None:
            w.pair_raw("xauthority", g.xauth)
    elif gtype == "vnc":
        w.raw("(type vnc)" if new_style else "(vnc 1)")
        if vnc_fields:
            if g.autoport:
                w.raw("(vncunused 1)")
            else:
                w.raw("(vncunused 0)")
                w.pair_int("vncdisplay", g.port - 5900)
            if g.listen is not None:
                w.pair_raw("vnclisten", g.listen)
            if g.passwd is not None:
                w.pair_raw("vncpasswd", g.passwd)
            if g.keymap is not None:
                w.pair_raw("keymap", g.keymap)
    else:
        raise DomainXMLError(
            f"unexpected graphics type {GRAPHICS_TYPES.index(gtype)} ({gtype})",
            "/domain/devices/graphics[1]")
