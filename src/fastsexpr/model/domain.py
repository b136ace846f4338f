"""The Domain model every conversion reads into and writes out of.

It mirrors the parts of libvirt's domain definition that the xend formats
can carry.  Readers fill it, writers format it; neither knows the other's
text.  Values are kept as libvirt keeps them (sizes in KiB, the UUID as 32
lowercase hex digits, MACs as ``xx:xx:xx:xx:xx:xx`` lowercase) so that each
writer only formats.  ``None`` always means "absent".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

__all__ = [
    "Domain", "OS", "Clock", "Timer", "Disk", "Interface", "Chr", "Input",
    "Graphics", "PciHostdev",
]


@dataclass(slots=True)
class OS:
    type: str = "xen"                      # "hvm", "xen" (paravirt, from XML) or "linux" (paravirt, from SEXPR)
    # The <type arch machine> libvirt printed where the host's capabilities
    # named them (the xm reader); None elsewhere, and then not written.
    arch: Optional[str] = None
    machine: Optional[str] = None
    loader: Optional[str] = None
    kernel: Optional[str] = None
    initrd: Optional[str] = None
    cmdline: Optional[str] = None
    root: Optional[str] = None
    boot: List[str] = field(default_factory=list)   # "fd", "hd", "cdrom", "network"


@dataclass(slots=True)
class Timer:
    name: str
    present: int = -1                      # 1 yes, 0 no, -1 not said


@dataclass(slots=True)
class Clock:
    offset: str = "utc"                    # utc, localtime, variable, timezone
    reset: bool = False                    # adjustment='reset'
    adjustment: int = 0                    # seconds, for offset variable
    basis: str = "utc"                     # for offset variable: utc or localtime
    timezone: Optional[str] = None
    timers: List[Timer] = field(default_factory=list)


@dataclass(slots=True)
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


@dataclass(slots=True)
class Interface:
    type: str = "user"                     # see NET_TYPES
    mac: Optional[str] = None
    bridge: Optional[str] = None
    network: Optional[str] = None
    ip: Optional[str] = None
    script: Optional[str] = None
    ifname: Optional[str] = None
    model: Optional[str] = None


@dataclass(slots=True)
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


@dataclass(slots=True)
class Input:
    type: str                              # mouse, tablet, keyboard
    bus: str                               # ps2, usb, xen


@dataclass(slots=True)
class Graphics:
    type: str                              # see GRAPHICS_TYPES
    port: int = 0
    autoport: bool = False
    listen: Optional[str] = None           # address of listen #0
    keymap: Optional[str] = None
    passwd: Optional[str] = None
    display: Optional[str] = None          # sdl
    xauth: Optional[str] = None            # sdl


@dataclass(slots=True)
class PciHostdev:
    domain: int
    bus: int
    slot: int
    function: int
    managed: bool = False


@dataclass(slots=True)
class Domain:
    name: str
    uuid: str                              # 32 lowercase hex digits, no dashes
    type: str = "xen"
    id: int = -1                           # -1: not running (inactive)
    description: Optional[str] = None
    max_memory_kib: int = 0
    current_memory_kib: int = 0
    max_vcpus: int = 1
    vcpus: int = 1
    cpumask: Optional[Tuple[int, ...]] = None   # sorted CPU numbers
    bootloader: Optional[str] = None
    bootloader_args: Optional[str] = None
    os: OS = field(default_factory=OS)
    features: List[str] = field(default_factory=list)
    on_poweroff: str = "destroy"
    on_reboot: str = "restart"
    on_crash: str = "destroy"
    clock: Clock = field(default_factory=Clock)
    emulator: Optional[str] = None
    disks: List[Disk] = field(default_factory=list)
    interfaces: List[Interface] = field(default_factory=list)
    serials: List[Chr] = field(default_factory=list)
    parallels: List[Chr] = field(default_factory=list)
    consoles: List[Chr] = field(default_factory=list)
    inputs: List[Input] = field(default_factory=list)
    graphics: List[Graphics] = field(default_factory=list)
    sounds: List[str] = field(default_factory=list)
    hostdevs: List[PciHostdev] = field(default_factory=list)
