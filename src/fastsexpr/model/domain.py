"""The Domain model every conversion reads into and writes out of.

It mirrors the parts of libvirt's domain definition that the xend formats
can carry.  Readers fill it, writers format it; neither knows the other's
text.  Values are kept as libvirt keeps them (sizes in KiB, the UUID as 32
lowercase hex digits, MACs as ``xx:xx:xx:xx:xx:xx`` lowercase) so that each
writer only formats.  ``None`` always means "absent".
"""
from __future__ import annotations

from .record import Record, record

__all__ = [
    "require_identity", "Domain", "OS", "Clock", "Timer", "Disk", "Interface", "Chr", "Input",
    "Graphics", "PciHostdev",
]


class OS(Record):
    __slots__ = ("type", "arch", "machine", "loader", "kernel", "initrd", "cmdline", "root",
                 "boot")

    def __init__(self, type: str = "xen", arch: str | None = None,
                 machine: str | None = None, loader: str | None = None,
                 kernel: str | None = None, initrd: str | None = None,
                 cmdline: str | None = None, root: str | None = None,
                 boot: list[str] | None = None):
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
        self.boot: list[str] = [] if boot is None else boot   # "fd", "hd", "cdrom", "network"


@record
class Timer:
    name: str
    present: int = -1                      # 1 yes, 0 no, -1 not said


class Clock(Record):
    __slots__ = ("offset", "reset", "adjustment", "basis", "timezone", "timers")

    def __init__(self, offset: str = "utc", reset: bool = False, adjustment: int = 0,
                 basis: str = "utc", timezone: str | None = None,
                 timers: list[Timer] | None = None):
        self.offset = offset            # utc, localtime, variable, timezone
        self.reset = reset              # adjustment='reset'
        self.adjustment = adjustment    # seconds, for offset variable
        self.basis = basis              # for offset variable: utc or localtime
        self.timezone = timezone
        self.timers: list[Timer] = [] if timers is None else timers


@record
class Disk:
    type: str | None = "file"              # file, block, dir, network, volume; None = unknown
    device: str = "disk"                   # disk, cdrom, floppy, lun
    source: str | None = None
    target: str = ""
    bus: str | None = None                 # ide, fdc, scsi, virtio, xen, uml
    driver_name: str | None = None
    driver_type: str | None = None         # image format
    readonly: bool = False
    shareable: bool = False
    transient: bool = False


@record
class Interface:
    type: str = "user"                     # see NET_TYPES
    mac: str | None = None
    bridge: str | None = None
    network: str | None = None
    ip: str | None = None
    script: str | None = None
    ifname: str | None = None
    model: str | None = None


@record
class Chr:
    """A serial port, parallel port or console and its host side."""
    type: str = "pty"                      # see CHR_TYPES
    path: str | None = None                # dev, file, pipe, unix, pty
    host: str | None = None                # tcp
    service: str | None = None             # tcp
    listen: bool = False                   # tcp and unix: bind rather than connect
    protocol: str = "raw"                  # tcp: raw, telnet, telnets, tls
    connect_host: str | None = None        # udp
    connect_service: str | None = None
    bind_host: str | None = None
    bind_service: str | None = None
    port: int = 0                          # target port
    target_type: str | None = None         # consoles: serial, xen, ...


@record
class Input:
    type: str                              # mouse, tablet, keyboard
    bus: str                               # ps2, usb, xen


@record
class Graphics:
    type: str                              # see GRAPHICS_TYPES
    port: int = 0
    autoport: bool = False
    listen: str | None = None              # address of listen #0
    keymap: str | None = None
    passwd: str | None = None
    display: str | None = None             # sdl
    xauth: str | None = None               # sdl


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
                 description: str | None = None, max_memory_kib: int = 0,
                 current_memory_kib: int = 0, max_vcpus: int = 1, vcpus: int = 1,
                 cpumask: tuple[int, ...] | None = None, bootloader: str | None = None,
                 bootloader_args: str | None = None, os: OS | None = None,
                 features: list[str] | None = None, on_poweroff: str = "destroy",
                 on_reboot: str = "restart", on_crash: str = "destroy",
                 clock: Clock | None = None, emulator: str | None = None,
                 disks: list[Disk] | None = None,
                 interfaces: list[Interface] | None = None,
                 serials: list[Chr] | None = None, parallels: list[Chr] | None = None,
                 consoles: list[Chr] | None = None, inputs: list[Input] | None = None,
                 graphics: list[Graphics] | None = None,
                 sounds: list[str] | None = None,
                 hostdevs: list[PciHostdev] | None = None):
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
        self.features: list[str] = [] if features is None else features
        self.on_poweroff = on_poweroff
        self.on_reboot = on_reboot
        self.on_crash = on_crash
        self.clock: Clock = Clock() if clock is None else clock
        self.emulator = emulator
        # A list literal per field is the cheapest fresh list there is.
        self.disks: list[Disk] = [] if disks is None else disks
        self.interfaces: list[Interface] = [] if interfaces is None else interfaces
        self.serials: list[Chr] = [] if serials is None else serials
        self.parallels: list[Chr] = [] if parallels is None else parallels
        self.consoles: list[Chr] = [] if consoles is None else consoles
        self.inputs: list[Input] = [] if inputs is None else inputs
        self.graphics: list[Graphics] = [] if graphics is None else graphics
        self.sounds: list[str] = [] if sounds is None else sounds
        self.hostdevs: list[PciHostdev] = [] if hostdevs is None else hostdevs


def require_identity(domain: Domain) -> None:
    """Every writer's first check: libvirt's definitions always had a name
    and a UUID (a Domain built by hand may not), and an output without one
    is a definition no host accepts."""
    for field in ("name", "uuid"):
        if getattr(domain, field) is None:
            from ..errors import ConversionError
            raise ConversionError(f"the domain has no {field}: every definition needs one",
                                  field)
