"""libvirt's word lists, shared by every reader and writer.

Order matters where noted: libvirt's error messages name some words by
their index.
"""

__all__ = [
    "LIFECYCLE_ACTIONS",
    "CRASH_ACTIONS",
    "FEATURES",
    "CLOCK_OFFSETS",
    "TIMER_NAMES",
    "DISK_TYPES",
    "DISK_DEVICES",
    "DISK_BUSES",
    "DISK_FORMATS",
    "NET_TYPES",
    "CHR_TYPES",
    "TCP_PROTOCOLS",
    "INPUT_TYPES",
    "INPUT_BUSES",
    "GRAPHICS_TYPES",
    "SOUND_MODELS",
]

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
