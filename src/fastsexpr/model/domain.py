"""The Domain model every conversion reads into and writes out of.

It mirrors the parts of libvirt's domain definition that the xend formats
can carry.  Readers fill it, writers format it; neither knows the other's
text.  Values are kept as libvirt keeps them (sizes in KiB, the UUID as 32
lowercase hex digits, MACs as ``xx:xx:xx:xx:xx:xx`` lowercase) so that each
writer only formats.  ``None`` always means "absent".
"""
from __future__ import annotations

from typing import List, Optional, Tuple

from .record import Record, record

__all__ = [
    "require_identity", "Domain", "OS", "Clock", "Timer", "Disk", "Interface", "Chr", "Input",
    "Graphics", "PciHostdev",
]


class OS(Record):
    __slots__ = ("type", "arch", "machine", "loader", "kernel", "initrd", "cmdline", "root",
                 "boot")

    def __init__(self, type: str = "xen", arch: Optional[str] = None,
                 machine: Optional[str] = None, loader: Optional[str] = None,
                 kernel: Optional[str] = None, initrd: Optional[str] = None,
                 cmdline: Optional[str] = None, root: Optional[str] = None,
                 boot: Optional[List[str]] = None):
        self.type = type            # "hvm", "xen" (paravirt, from XML) or "linux" (paravirt, from SEXPR)
        # The <type arch machine> libvirt printed where the host's
        # capabilities named them (the xm reader); None elsewhere, and then
        # not written.
        self.arch = arch
        self.machine = machine
        self.loader = loader
        self.kernel = kernel
        self.initrd = initrd
        self.cmdline = cmdline
        self.root = root
        self.boot: List[str] = [] if boot is None else boot   # "fd", "hd", "cdrom", "network"


@record
class Timer:
    name: str
    present: int = -1                      # 1 yes, 0 no, -1 not said


class Clock(Record):
    __slots__ = ("offset", "reset", "adjustment", "basis", "timezone", "timers")

    def __init__(self, offset: str = "utc", reset: bool = False, adjustment: int = 0,
                 basis: str = "utc", timezone: Optional[str] = None,
                 timers: Optional[List[Timer]] = None):
        self.offset = offset            # utc, localtime, variable, timezone
        self.reset = reset              # adjustment='reset'
        self.adjustment = adjustment    # seconds, for offset variable
        self.basis = basis              # for offset variable: utc or localtime
        self.timezone = timezone
        self.timers: List[Timer] = [] if timers is None else timers


@record
class Disk:
    type: Optional[str] = "file"           # file, block, dir, network, volume; None = unknown
    device: str = "disk"                   # disk, cdrom, floppy, lun
    source: Optional[str] = None
    target: str = ""
    bus: Optional[str] = None              # ide, fdc, scsi, virtio, xen, uml
    driver_name: Optional[str] = None
    driver_type: Optional[str] = None      # image format
    readonly: bool = False
    shareable: bool = False
    transient: bool = False


@record
class Interface:
    type: str = "user"                     # see NET_TYPES
    mac: Optional[str] = None
    bridge: Optional[str] = None
    network: Optional[str] = None
    ip: Optional[str] = None
    script: Optional[str] = None
    ifname: Optional[str] = None
    model: Optional[str] = None


@record
class Chr:
    """A serial port, parallel port or console and its host side."""
    type: str = "pty"                      # see CHR_TYPES
    path: Optional[str] = None             # dev, file, pipe, unix, pty
    host: Optional[str] = None             # tcp
    service: Optional[str] = None          # tcp
    listen: bool = False                   # tcp and unix: bind rather than connect
    protocol: str = "raw"                  # tcp: raw, telnet, telnets, tls
    connect_host: Optional[str] = None     # udp
    connect_service: Optional[str] = None
    bind_host: Optional[str] = None
    bind_service: Optional[str] = None
    port: int = 0                          # target port
    target_type: Optional[str] = None      # consoles: serial, xen, ...


@record
class Input:
    type: str                              # mouse, tablet, keyboard
    bus: str                               # ps2, usb, xen


@record
class Graphics:
    type: str                              # see GRAPHICS_TYPES
    port: int = 0
    autoport: bool = False
    listen: Optional[str] = None           # address of listen #0
    keymap: Optional[str] = None
    passwd: Optional[str] = None
    display: Optional[str] = None          # sdl
    xauth: Optional[str] = None            # sdl


@record
class PciHostdev:
    domain: int
    bus: int
    slot: int
    function: int
    managed: bool = False


class Domain(Record):
    """A domain: positional or keyword construction."""

    __slots__ = ("name", "uuid", "type", "id", "description", "max_memory_kib",
                 "current_memory_kib", "max_vcpus", "vcpus", "cpumask", "bootloader",
                 "bootloader_args", "os", "features", "on_poweroff", "on_reboot", "on_crash",
                 "clock", "emulator", "disks", "interfaces", "serials", "parallels", "consoles",
                 "inputs", "graphics", "sounds", "hostdevs")

    def __init__(self, name: str, uuid: str, type: str = "xen", id: int = -1,
                 description: Optional[str] = None, max_memory_kib: int = 0,
                 current_memory_kib: int = 0, max_vcpus: int = 1, vcpus: int = 1,
                 cpumask: Optional[Tuple[int, ...]] = None, bootloader: Optional[str] = None,
                 bootloader_args: Optional[str] = None, os: Optional[OS] = None,
                 features: Optional[List[str]] = None, on_poweroff: str = "destroy",
                 on_reboot: str = "restart", on_crash: str = "destroy",
                 clock: Optional[Clock] = None, emulator: Optional[str] = None,
                 disks: Optional[List[Disk]] = None,
                 interfaces: Optional[List[Interface]] = None,
                 serials: Optional[List[Chr]] = None, parallels: Optional[List[Chr]] = None,
                 consoles: Optional[List[Chr]] = None, inputs: Optional[List[Input]] = None,
                 graphics: Optional[List[Graphics]] = None,
                 sounds: Optional[List[str]] = None,
                 hostdevs: Optional[List[PciHostdev]] = None):
        self.name = name
        self.uuid = uuid                        # 32 lowercase hex digits, no dashes
        self.type = type
        self.id = id                            # -1: not running (inactive)
        self.description = description
        self.max_memory_kib = max_memory_kib
        self.current_memory_kib = current_memory_kib
        self.max_vcpus = max_vcpus
        self.vcpus = vcpus
        self.cpumask = cpumask                  # sorted CPU numbers
        self.bootloader = bootloader
        self.bootloader_args = bootloader_args
        self.os: OS = OS() if os is None else os
        self.features: List[str] = [] if features is None else features
        self.on_poweroff = on_poweroff
        self.on_reboot = on_reboot
        self.on_crash = on_crash
        self.clock: Clock = Clock() if clock is None else clock
        self.emulator = emulator
        # A list literal per field is the cheapest fresh list there is.
        self.disks: List[Disk] = [] if disks is None else disks
        self.interfaces: List[Interface] = [] if interfaces is None else interfaces
        self.serials: List[Chr] = [] if serials is None else serials
        self.parallels: List[Chr] = [] if parallels is None else parallels
        self.consoles: List[Chr] = [] if consoles is None else consoles
        self.inputs: List[Input] = [] if inputs is None else inputs
        self.graphics: List[Graphics] = [] if graphics is None else graphics
        self.sounds: List[str] = [] if sounds is None else sounds
        self.hostdevs: List[PciHostdev] = [] if hostdevs is None else hostdevs


def require_identity(domain: Domain) -> None:
    """Every writer's first check: libvirt's definitions always had a name
    and a UUID (a Domain built by hand may not), and an output without one
    is a definition no host accepts."""
    for field in ("name", "uuid"):
        if getattr(domain, field) is None:
            from ..errors import ConversionError
            raise ConversionError(f"the domain has no {field}: every definition needs one",
                                  field)
