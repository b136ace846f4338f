"""xend domain SEXPR -> :class:`~fastsexpr.domain.Domain`, as libvirt 1.2.10 read it.

The rules are those of ``SEXPR2XML.md`` section 1.  No XML defaults are
applied: the model holds exactly what libvirt's SEXPR parser put in its
domain definition, so the XML writer only formats.

Speed matters here (a document should convert in a few microseconds with
the compiled core), so the reader looks up each sub-list once
(``domain/image``, then ``image/hvm`` or ``image/linux``), indexes the
image's keys in one pass (:func:`~fastsexpr.sexpr.first_values`: the first
``(key ...)`` counts, as for a path), and walks the root's members once to
collect every device block before handling each kind in libvirt's order.
"""
from __future__ import annotations

import re
from typing import Optional

from ..errors import ConversionError
from ..model.domain import (
    Chr, Disk, Domain, Graphics, Input, Interface, PciHostdev, Timer,
)
from ..model.scalars import parse_mac as _parse_mac, parse_uuid as _parse_uuid
from ..model.vocab import (
    CHR_TYPES, CRASH_ACTIONS, DISK_FORMATS, GRAPHICS_TYPES, LIFECYCLE_ACTIONS, SOUND_MODELS,
)
from ..syntax import (
    find_key, first_values, has, loads, lookup, strtol, to_int, to_u64, value, value_copy,
)
from ..versions import (
    check_version, clock_in_image, dev_suffix_parsed, domid_required, hvm_cdrom_in_image,
    vnc_port_from_domid,
)
from .tables import BOOT_DEVICES, HVM_FEATURES, USB_INPUTS

__all__ = ["read_sexpr"]


# Device blocks: the sub-list head that makes a (device ...) a disk, in the
# order libvirt tries them, and the keys read from it.
_DISK_KINDS = ("vbd", "tap2", "tap")
_DISK_PATHS = {kind: (f"{kind}/uname", f"{kind}/dev", f"{kind}/mode", f"{kind}/bootable")
               for kind in _DISK_KINDS}
_DEVICE_HEADS = frozenset(_DISK_KINDS + ("vif", "pci", "vfb"))

_TAP_DRIVERS = ("tap", "tap2")
# Storage type by the driver word of a vbd uname; any other driver leaves it
# unset, which the XML writer then refuses as libvirt did.
_DRIVER_STORAGE = {"phy": "block", "file": "file", "tap": "file", "tap2": "file"}

# On the hot path the model's objects are built with positional arguments, in
# the field order of fastsexpr.domain: a dataclass __init__ called with
# keywords costs about twice as much.

_SOUND_ALL = ("sb16", "es1370")
_CHR_TYPE_SET = frozenset(CHR_TYPES)


def _fail(reason, path):
    raise ConversionError(reason, path)


def _lifecycle(word, allowed, path):
    # An absent key keeps the model's default (destroy, restart, destroy).
    if word not in allowed:
        _fail(f"unknown lifecycle type {word}", path)
    return word


def _parse_chr(text, tty, path):
    """A serial/parallel CHR string (SEXPR2XML.md 1.13)."""
    if text.startswith("/"):
        return Chr("dev", text)
    prefix, colon, rest = text.partition(":")
    if not colon:
        rest = text
    if prefix.startswith("telnet"):
        kind = "tcp"
        chr_ = Chr(kind)
        chr_.protocol = "telnet"
    elif prefix in _CHR_TYPE_SET:
        kind = prefix
        chr_ = Chr(kind)
    else:
        _fail(f"unknown chr device type '{prefix}'", path)
    if kind == "pty":
        chr_.path = tty
    elif kind == "file" or kind == "pipe":
        chr_.path = rest
    elif kind == "tcp":
        c = rest.find(":")
        if c < 0:
            _fail(f"malformed char device string '{text}': tcp needs HOST:SERVICE", path)
        if c:
            chr_.host = rest[:c]
        comma = rest.find(",", c)
        if comma < 0:
            chr_.service = rest[c + 1:]
        else:
            chr_.service = rest[c + 1:comma]
            chr_.listen = ",server" in rest[comma:]
    elif kind == "udp":
        c = rest.find(":")
        if c < 0:
            _fail(f"malformed char device string '{text}': udp needs HOST:SERVICE", path)
        if c:
            chr_.connect_host = rest[:c]
        at = rest.find("@", c)
        if at < 0:
            chr_.connect_service = rest[c + 1:]
        else:
            chr_.connect_service = rest[c + 1:at]
            c3 = rest.find(":", at)
            if c3 < 0:
                _fail(f"malformed char device string '{text}': "
                      "udp bind part needs HOST:SERVICE", path)
            if c3 > at + 1:
                chr_.bind_host = rest[at + 1:c3]
            chr_.bind_service = rest[c3 + 1:]
    elif kind == "unix":
        comma = rest.find(",")
        if comma < 0:
            chr_.path = rest
        else:
            chr_.path = rest[:comma]
            chr_.listen = ",server" in rest[comma:]
    return chr_


def _read_os(dom, img, hvm):
    # img: the image's keys (first_values); "or None" is value_copy's rule,
    # the empty atom counts as absent.
    os_ = dom.os
    if hvm:
        loader = img.get("loader") or None
        if loader is None:
            loader = img.get("kernel") or None
            if loader is None:
                _fail("domain information incomplete, missing HVM loader "
                      "(neither loader nor kernel is set)", "domain/image/hvm/loader")
        else:
            os_.kernel = img.get("kernel") or None
            os_.initrd = img.get("ramdisk") or None
            os_.cmdline = img.get("args") or None
            os_.root = img.get("root") or None
            # Old xend repeated hvmloader as the kernel.
            if os_.kernel == loader:
                os_.kernel = None
        os_.loader = loader
        if os_.kernel is None:
            boot = img.get("boot")
            if boot:
                devs = os_.boot
                for letter in boot:
                    dev = BOOT_DEVICES.get(letter)
                    if dev is not None:
                        devs.append(dev)
                        if len(devs) == 4:
                            break
        return
    os_.kernel = img.get("kernel") or None
    os_.initrd = img.get("ramdisk") or None
    os_.cmdline = img.get("args") or None
    os_.root = img.get("root") or None
    if os_.kernel is None and dom.bootloader is None:
        _fail("domain information incomplete, missing kernel & bootloader",
              "domain/image/linux/kernel")


def _read_disk(dom, device, sub, kind, hvm, suffix_parsed):
    p_uname, p_dev, p_mode, p_bootable = _DISK_PATHS[kind]
    src = value(sub, p_uname)
    dst = value(sub, p_dev)
    if dst is None:
        _fail("domain information incomplete, vbd has no dev", f"domain/device/{kind}/dev")
    driver = fmt = None
    if src is None:
        colon = dst.find(":")
        if not hvm or colon < 0 or dst[colon:] != ":cdrom":
            _fail(f"domain information incomplete, vbd '{dst}' has no src",
                  f"domain/device/{kind}/uname")
        storage = "file"
    else:
        colon = src.find(":")
        if colon < 0:
            _fail(f"cannot parse vbd filename '{src}', missing driver name",
                  f"domain/device/{kind}/uname")
        if src.startswith("tap:") and lookup(device, "device/tap2") is not None:
            driver = "tap2"
        else:
            driver = src[:colon]
        src = src[colon + 1:]
        if driver in _TAP_DRIVERS:
            colon = src.find(":")
            if colon < 0:
                _fail(f"cannot parse vbd filename '{src}', missing driver type",
                      f"domain/device/{kind}/uname")
            fmt = src[:colon]
            if fmt == "aio":
                fmt = "raw"
            elif fmt not in DISK_FORMATS:
                _fail(f"Unknown driver type {src}", f"domain/device/{kind}/uname")
            src = src[colon + 1:]
        storage = _DRIVER_STORAGE.get(driver)
    if dst.startswith("ioemu:"):
        dst = dst[6:]
    device_kind = "disk"
    if suffix_parsed:
        colon = dst.rfind(":")
        if colon >= 0:
            if dst[colon:] == ":cdrom":
                device_kind = "cdrom"
            dst = dst[:colon]
    if dst.startswith("xvd"):
        bus = "xen"
    elif dst.startswith("sd"):
        bus = "scsi"
    else:
        bus = "ide"
    mode = value(sub, p_mode)
    readonly = mode is not None and "r" in mode
    shareable = mode is not None and "!" in mode
    disk = Disk(storage, device_kind, src, dst, bus, driver, fmt, readonly, shareable)
    disks = dom.disks
    if disks and value(sub, p_bootable) == "1":
        disks.append(disks[0])
        disks[0] = disk
    else:
        disks.append(disk)


def _read_nic(dom, vif, index):
    script = value(vif, "vif/script")
    bridge = value(vif, "vif/bridge")
    ip = value(vif, "vif/ip")
    # Without a bridge the type is ethernet, and bridge stays None.
    kind = "bridge" if bridge is not None or script == "vif-bridge" else "ethernet"
    ifname = value(vif, "vif/vifname")
    if ifname is None and dom.id != -1:
        ifname = f"vif{dom.id}.{index}"
    text = value(vif, "vif/mac")
    if text is None:
        mac = "00:00:00:00:00:00"
    else:
        mac = _parse_mac(text)
        if mac is None:
            _fail(f"malformed mac address '{text}'", "domain/device/vif/mac")
    model = value(vif, "vif/model")
    if model is None and value(vif, "vif/type") == "netfront":
        model = "netfront"
    dom.interfaces.append(Interface(kind, mac, bridge, None, ip, script, ifname, model))


_PCI_FIELDS = (("domain", "dev/domain"), ("bus", "dev/bus"),
               ("slot", "dev/slot"), ("func", "dev/func"))


def _read_pci(dom, pci):
    for member in pci[1:]:
        if lookup(member, "dev") is None:
            continue
        ids = []
        for name, path in _PCI_FIELDS:
            text = value(member, path)
            if text is None:
                _fail(f"missing PCI {name}", "domain/device/pci/" + path)
            number = strtol(text)
            if number is None or not -(1 << 31) <= number < (1 << 31):
                _fail(f"cannot parse PCI {name} '{text}'", "domain/device/pci/" + path)
            ids.append(number)
        dom.hostdevs.append(PciHostdev(ids[0], ids[1], ids[2], ids[3]))


def _strict_int(text):
    """strtol base 0 over the whole string, fitting 32 bits, else None."""
    number = strtol(text)
    if number is None or not -(1 << 31) <= number < (1 << 31):
        return None
    return number


def _read_vfb(dom, vfb, vncport):
    kind = value(vfb, "vfb/type")
    if kind is None:
        if value(vfb, "vfb/vnc") is not None:
            kind = "vnc"
        elif value(vfb, "vfb/sdl") is not None:
            kind = "sdl"
        else:
            kind = "unknown"
    if kind not in GRAPHICS_TYPES:
        _fail(f"unknown graphics type '{kind}'", "domain/device/vfb/type")
    if kind == "sdl":
        dom.graphics.append(Graphics(type="sdl", display=value(vfb, "vfb/display"),
                                     xauth=value(vfb, "vfb/xauthority")))
        return
    if kind != "vnc":
        # libvirt stored VNC settings into a device of another type, which
        # then printed garbage; refuse it instead.
        _fail(f"graphics type '{kind}' is not supported in a xend vfb device",
              "domain/device/vfb/type")
    port = vncport
    if port == -1:
        display = _strict_int(value(vfb, "vfb/vncdisplay"))
        if display is not None:
            port = display
    autoport = value(vfb, "vfb/vncunused") == "1" or port == -1
    if 0 <= port < 5900:
        port += 5900
    listen = value(vfb, "vfb/vnclisten")
    keymap = value(vfb, "vfb/keymap")
    passwd = value(vfb, "vfb/vncpasswd")
    dom.graphics.append(Graphics("vnc", port, autoport, listen, keymap, passwd))


def _read_image_graphics(dom, img, vncport, version):
    """Graphics as vnc/sdl keys of the image (before vfb devices)."""
    vnc = img.get("vnc")
    if vnc is not None and vnc.startswith("1"):
        port = vncport
        if port == -1 and vnc_port_from_domid(version):
            port = 5900 + dom.id
        autoport = img.get("vncunused") == "1" or port == -1
        listen = img.get("vnclisten")
        keymap = img.get("keymap")
        passwd = img.get("vncpasswd")
        dom.graphics.append(Graphics("vnc", port, autoport, listen, keymap, passwd))
        return
    sdl = img.get("sdl")
    if sdl is not None and sdl.startswith("1"):
        dom.graphics.append(Graphics(
            type="sdl", display=img.get("display"), xauth=img.get("xauthority")))


def _read_serials(dom, hvm_node, img, tty):
    serials = dom.serials
    multi = False
    tail = lookup(hvm_node, "hvm/serial") if "serial" in img else None
    if tail is not None:
        skipped = 0
        for member in tail:
            if not isinstance(member, list):
                continue
            for item in member:
                multi = True
                if not isinstance(item, str):
                    _fail("a serial port list may hold only CHR strings, not a list",
                          "domain/image/hvm/serial")
                if item == "none":
                    skipped += 1
                    continue
                chr_ = _parse_chr(item, tty, "domain/image/hvm/serial")
                chr_.port = len(serials) + skipped
                serials.append(chr_)
    if not multi:
        text = img.get("serial")
        if text is not None and text != "none":
            chr_ = _parse_chr(text, tty, "domain/image/hvm/serial")
            chr_.port = 0
            serials.append(chr_)


def _read_sound(dom, text):
    if text == "all":
        dom.sounds.extend(_SOUND_ALL)
        return
    pos = 0
    while True:
        comma = text.find(",", pos)
        piece = text[pos:] if comma < 0 else text[pos:comma]
        if len(piece) >= 10:
            _fail(f"Sound model {text[pos:]} too big for destination",
                  "domain/image/hvm/soundhw")
        if piece not in SOUND_MODELS:
            _fail(f"unknown sound model '{piece}'", "domain/image/hvm/soundhw")
        dom.sounds.append(piece)
        if comma < 0:
            return
        pos = comma + 1


def read_sexpr(tree_or_text, xend_config_version: int = 4, *,
               tty: Optional[str] = None, vncport: int = -1) -> Domain:
    """Read a xend domain SEXPR as libvirt 1.2.10 did.

    ``tree_or_text`` is a tree from :func:`fastsexpr.loads` or SEXPR text
    (read with libvirt's own lenient reader).  ``tty`` is the console pty
    path and ``vncport`` the VNC port that libvirt took from xenstore for a
    running domain (None and -1 when unknown).  Raises
    :class:`~fastsexpr.errors.ConversionError` naming the SEXPR path for a
    domain libvirt refused.
    """
    version = xend_config_version
    check_version(version)
    if isinstance(tree_or_text, list):
        root = tree_or_text
    else:
        root = loads(tree_or_text, dialect="libvirt")
        if not isinstance(root, list):
            root = [root]

    if not root or root[0] != "domain":
        # Under any other root libvirt's paths found neither domid nor name;
        # keep its words and say what was there instead.
        head = root[0] if root and isinstance(root[0], str) else None
        found = f"({head} ...)" if head else "no (domain ...) list"
        hint = (": that is a domain creation request (what xml_to_sexpr writes), "
                "not a domain record") if head == "vm" else ""
        core = "missing id" if domid_required(version) else "missing name"
        _fail(f"domain information incomplete, {core}: expected a xend domain record "
              f"(domain ...), found {found}{hint}", "domain")

    # ---- identity
    domid = value(root, "domain/domid")
    if domid is None:
        if domid_required(version):
            _fail("domain information incomplete, missing id", "domain/domid")
        dom_id = -1
    else:
        dom_id = to_int(domid)
    name = value_copy(root, "domain/name")
    if name is None:
        _fail("domain information incomplete, missing name", "domain/name")
    uuid_text = value(root, "domain/uuid")
    if uuid_text is None:
        # libvirt reported a missing uuid with its missing-name message.
        _fail("domain information incomplete, missing name (no uuid)", "domain/uuid")
    uuid = _parse_uuid(uuid_text)
    if uuid is None:
        _fail(f"malformed uuid '{uuid_text}'", "domain/uuid")
    dom = Domain(name=name, uuid=uuid, id=dom_id,
                 description=value_copy(root, "domain/description"))

    # ---- guest kind and boot
    image = find_key(root, "domain/image")
    hvm_node = find_key(image, "image/hvm") if image is not None else None
    hvm = hvm_node is not None and len(hvm_node) > 1
    if hvm:
        image_node, kind = hvm_node, "hvm"
        dom.os.type = "hvm"
    else:
        image_node = find_key(image, "image/linux") if image is not None else None
        kind = "linux"
        dom.os.type = "linux"
        bootloader = value_copy(root, "domain/bootloader")
        if bootloader is None and has(root, "domain/bootloader"):
            bootloader = ""
        if bootloader is not None:
            dom.bootloader = bootloader
            dom.bootloader_args = value_copy(root, "domain/bootloader_args")
    # The image's keys, as value() reads them ({} without an image).
    img = first_values(image_node)
    # An (image) without members is no image: libvirt asked for its value
    # list, not only for the key.
    if dom_id != 0 and image is not None and len(image) > 1:
        _read_os(dom, img, hvm)

    # ---- memory and vcpus (the shift wraps at 64 bits, as in C)
    max_kib = (to_u64(value(root, "domain/maxmem")) << 10) & 0xFFFFFFFFFFFFFFFF
    cur_kib = (to_u64(value(root, "domain/memory")) << 10) & 0xFFFFFFFFFFFFFFFF
    dom.max_memory_kib = max_kib
    dom.current_memory_kib = cur_kib if cur_kib <= max_kib else max_kib
    # libvirt 1.2.10 kept vCPU counts in 16 bits.
    max_vcpus = to_int(value(root, "domain/vcpus")) & 0xFFFF
    vcpus = to_u64(value(root, "domain/vcpu_avail") or "0").bit_count()
    dom.max_vcpus = max_vcpus
    dom.vcpus = max_vcpus if vcpus == 0 or vcpus > max_vcpus else vcpus

    # ---- lifecycle
    word = value(root, "domain/on_poweroff")
    if word is not None:
        dom.on_poweroff = _lifecycle(word, LIFECYCLE_ACTIONS, "domain/on_poweroff")
    word = value(root, "domain/on_reboot")
    if word is not None:
        dom.on_reboot = _lifecycle(word, LIFECYCLE_ACTIONS, "domain/on_reboot")
    word = value(root, "domain/on_crash")
    if word is not None:
        dom.on_crash = _lifecycle(word, CRASH_ACTIONS, "domain/on_crash")

    # ---- features and clock
    # An absent key reads as 0; to_int("0") says so without to_int(None)'s
    # detour through the pure engine.
    localtime = to_int(value(root, "domain/localtime") or "0")
    clock = dom.clock
    if hvm:
        dom.features = [name for name in HVM_FEATURES if name in img and to_int(img[name] or "0")]
    override = img.get("localtime")
    if override is not None:
        localtime = _strict_int(override)
        if localtime is None:
            _fail(f"unknown localtime offset {override}", f"domain/image/{kind}/localtime")
    basis = "localtime" if localtime else "utc"
    if hvm and clock_in_image(version):
        clock.offset = "variable"
        clock.adjustment = to_int(img.get("rtc_timeoffset") or "0")
        clock.basis = basis
    else:
        clock.offset = basis
        clock.reset = True
    if hvm and "hpet" in img:
        # A timer needs (hpet VALUE ...); a bare (hpet) is none.
        hpet = img["hpet"]
        if hpet is not None or lookup(hvm_node, "hvm/hpet") is not None:
            clock.timers.append(Timer("hpet", to_int(hpet or "0")))

    dom.emulator = img.get("device_model") or None

    # ---- devices: one walk over the root, then each kind in libvirt's order
    disk_blocks = []
    vif_blocks = []
    pci_block = None
    vfb_block = None
    for node in root:
        if type(node) is not list or len(node) < 2 or node[0] != "device":
            continue
        if len(node) == 2:
            # The usual shape, (device (KIND ...)), without building a table.
            sub = node[1]
            if type(sub) is not list or len(sub) < 2:
                continue
            head = sub[0]
            if head == "vbd" or head == "tap2" or head == "tap":
                disk_blocks.append((node, sub, head))
            elif head == "vif":
                vif_blocks.append(sub)
            elif head == "pci":
                if pci_block is None:
                    pci_block = sub
            elif head == "vfb":
                if vfb_block is None:
                    vfb_block = sub
            continue
        # A path follows the first (KIND ...) of each kind, and an empty one
        # hides any later one of that kind.
        first = {}
        for sub in node[1:]:
            if type(sub) is list and sub:
                head = sub[0]
                if type(head) is str and head in _DEVICE_HEADS and head not in first:
                    first[head] = sub if len(sub) > 1 else None
        if not first:
            continue
        for kind in _DISK_KINDS:
            sub = first.get(kind)
            if sub is not None:
                disk_blocks.append((node, sub, kind))
                break
        sub = first.get("vif")
        if sub is not None:
            vif_blocks.append(sub)
        if pci_block is None:
            pci_block = first.get("pci")
        if vfb_block is None:
            vfb_block = first.get("vfb")

    suffix_parsed = dev_suffix_parsed(version)
    for node, sub, kind in disk_blocks:
        _read_disk(dom, node, sub, kind, hvm, suffix_parsed)
    for index, vif in enumerate(vif_blocks):
        _read_nic(dom, vif, index)
    if pci_block is not None:
        _read_pci(dom, pci_block)
    if vfb_block is not None:
        _read_vfb(dom, vfb_block, vncport)
    elif image_node is not None:
        _read_image_graphics(dom, img, vncport, version)

    if hvm:
        _read_hvm_devices(dom, hvm_node, img, version, tty)
    elif dom_id != 0:
        console = Chr("pty", tty)
        console.target_type = "xen"
        dom.consoles.append(console)
    return dom


def _read_hvm_devices(dom, hvm_node, img, version, tty):
    if hvm_cdrom_in_image(version):
        cdrom = img.get("cdrom")
        if cdrom:
            # type, device, source, target, bus, driver_name, driver_type, readonly
            dom.disks.append(Disk("file", "cdrom", cdrom, "hdc", "ide", "file", None, True))
    for fd in ("fda", "fdb"):
        if img.get(fd):
            # libvirt overwrote the floppy's path with the word "file".
            dom.disks.append(Disk(type="file", device="floppy", source="file",
                                  target=fd, bus="fdc"))
    if "usbdevice" in img:
        # Every (usbdevice X), not only the first.
        for member in hvm_node[1:]:
            if type(member) is list and len(member) > 1 and member[0] == "usbdevice":
                kind = member[1]
                if kind in USB_INPUTS:
                    dom.inputs.append(Input(kind, "usb"))
    _read_serials(dom, hvm_node, img, tty)
    parallel = img.get("parallel")
    if parallel is not None and parallel != "none":
        dom.parallels.append(_parse_chr(parallel, None, "domain/image/hvm/parallel"))
    sound = img.get("soundhw")
    if sound:
        _read_sound(dom, sound)
