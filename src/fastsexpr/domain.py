"""The Domain model every conversion reads into and writes out of.

It mirrors the parts of libvirt's domain definition that the xend formats
can carry.  Readers fill it, writers format it; neither knows the other's
text.  Values are kept as libvirt keeps them (sizes in KiB, the UUID as 32
lowercase hex digits, MACs as ``xx:xx:xx:xx:xx:xx`` lowercase) so that each
writer only formats.  ``None`` always means "absent".

The vocabularies at the bottom are libvirt's word lists, shared by every
reader and writer.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

__all__ = [
    "Domain", "OS", "Clock", "Timer", "Disk", "Interface", "Chr", "Input",
    "Graphics", "PciHostdev",
    "LIFECYCLE_ACTIONS", "CRASH_ACTIONS", "FEATURES", "DISK_TYPES",
    "DISK_DEVICES", "DISK_BUSES", "DISK_FORMATS", "NET_TYPES", "CHR_TYPES",
    "TCP_PROTOCOLS", "INPUT_TYPES", "INPUT_BUSES", "GRAPHICS_TYPES",
    "SOUND_MODELS", "TIMER_NAMES", "CLOCK_OFFSETS",
]


@dataclass(slots=True)
class OS:
    type: str = "xen"                      # "hvm", "xen" (paravirt, from XML) or "linux" (paravirt, from SEXPR)
    arch: str = "i686"
    loader: Optional[str] = None
    kernel: Optional[str] = None
    initrd: Optional[str] = None
    cmdline: Optional[str] = None
    root: Optional[str] = None
    boot: List[str] = field(default_factory=list)   # "fd", "hd", "cdrom", "network"

    @property
    def hvm(self) -> bool:
        return self.type == "hvm"


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

    @property
    def hvm(self) -> bool:
        return self.os.type == "hvm"

    @property
    def active(self) -> bool:
        return self.id != -1

    @property
    def uuid_dashed(self) -> str:
        u = self.uuid
        return f"{u[:8]}-{u[8:12]}-{u[12:16]}-{u[16:20]}-{u[20:]}"


# ---------------------------------------------------------------- vocabularies

LIFECYCLE_ACTIONS = ("destroy", "restart", "rename-restart", "preserve")
CRASH_ACTIONS = LIFECYCLE_ACTIONS + ("coredump-destroy", "coredump-restart")
FEATURES = ("acpi", "apic", "pae", "hap", "viridian", "privnet", "hyperv",
            "kvm", "pvspinlock", "capabilities")
CLOCK_OFFSETS = ("utc", "localtime", "variable", "timezone")
TIMER_NAMES = ("platform", "pit", "rtc", "hpet", "tsc", "kvmclock", "hypervclock")
DISK_TYPES = ("file", "block", "dir", "network", "volume")
DISK_DEVICES = ("disk", "cdrom", "floppy", "lun")
DISK_BUSES = ("ide", "fdc", "scsi", "virtio", "xen", "usb", "uml", "sata", "sd")
DISK_FORMATS = ("raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi",
                "fat", "vhd", "ploop", "cow", "qcow", "qcow2", "qed", "vmdk")
# Order matters: libvirt's error messages name a network type by its index.
NET_TYPES = ("user", "ethernet", "vhostuser", "server", "client", "mcast",
             "network", "bridge", "internal", "direct", "hostdev")
CHR_TYPES = ("null", "vc", "pty", "dev", "file", "pipe", "stdio", "udp", "tcp",
             "unix", "spicevmc", "spiceport", "nmdm")
TCP_PROTOCOLS = ("raw", "telnet", "telnets", "tls")
INPUT_TYPES = ("mouse", "tablet", "keyboard")
INPUT_BUSES = ("ps2", "usb", "xen")
# Order matters: libvirt's error messages name a graphics type by its index.
GRAPHICS_TYPES = ("sdl", "vnc", "rdp", "desktop", "spice")
SOUND_MODELS = ("sb16", "es1370", "pcspk", "ac97", "ich6", "ich9", "usb")
