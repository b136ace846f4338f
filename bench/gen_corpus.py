"""Write a deterministic tree of domain configs for benchmarking ``fastsexpr convert``.

    python bench/gen_corpus.py DIR [-n 20000] [--seed 1]

The tree varies what libvirt's own fixtures vary (names, uuids, memory,
vcpus, PV with a kernel or a bootloader, HVM with its devices, file/phy/tap
disks, CD-ROMs, bridged NICs, VNC framebuffers) in the layouts found on real
xend hosts:

  hostNN/<name>.sxp                 one running domain per file (xm list --long)
  xend-domains/<uuid>/config.sxp   xend's managed-domain store (no domid)
  dumps/xm-list-NN.sxp             several domains in one dump
  xml/hostNN/<name>.xml            libvirt domain XML

``-n`` counts domains, not files.  The same seed always gives the same bytes.
"""
from __future__ import annotations

import argparse
import os
import random
import uuid as uuidlib
from typing import Dict

PREFIXES = ("web", "db", "mail", "cache", "build", "proxy", "ldap", "dns", "mon", "app", "win", "test")
BRIDGES = ("xenbr0", "xenbr1", "br-dmz", "eth0")
KEYMAPS = ("en-us", "de", "fr", "ja")


def _uuid(rng: random.Random) -> str:
    return str(uuidlib.UUID(int=rng.getrandbits(128), version=4))


def _mac(rng: random.Random) -> str:
    return "00:16:3e:" + ":".join(f"{rng.randrange(256):02x}" for _ in range(3))


def _disk_uname(rng: random.Random, name: str, k: int) -> str:
    kind = rng.choice(("file", "phy", "tap"))
    if kind == "file":
        return f"file:/var/lib/xen/images/{name}-{k}.img"
    if kind == "phy":
        return f"phy:/dev/vg{rng.randrange(3)}/{name}-{k}"
    return f"tap:aio:/srv/xen/{name}-{k}.img"


def _sexpr(rng: random.Random, name: str, uid: str, domid, indented: bool) -> str:
    hvm = rng.random() < 0.3
    mem = rng.choice((128, 256, 384, 512, 768, 1024, 2048, 4096))
    maxmem = mem if rng.random() < 0.7 else mem * 2
    fields = []
    if domid is not None:
        fields.append(f"(domid {domid})")
    fields += [f"(name {name})", f"(uuid {uid})", f"(memory {mem})", f"(maxmem {maxmem})",
               f"(vcpus {rng.choice((1, 1, 2, 4))})", "(on_poweroff destroy)",
               f"(on_reboot {rng.choice(('restart', 'destroy'))})",
               f"(on_crash {rng.choice(('restart', 'destroy'))})"]
    if hvm:
        image = ("(image (hvm (kernel /usr/lib/xen/boot/hvmloader)"
                 " (device_model /usr/lib/xen/bin/qemu-dm)"
                 f" (boot {rng.choice(('c', 'd', 'cd'))}) (acpi 1) (apic 1) (pae 1)"
                 f" (localtime {rng.randrange(2)}) (serial pty) (usb 1)"
                 + (" (usbdevice tablet)" if rng.random() < 0.5 else "") + "))")
    elif rng.random() < 0.4:
        fields.append("(bootloader /usr/bin/pygrub)")
        image = "(image (linux (kernel '') (args '')))"
    else:
        image = (f"(image (linux (kernel /boot/vmlinuz-2.6.18-{rng.randrange(8, 400)}.el5xen)"
                 f" (ramdisk /boot/initrd-2.6.18-{rng.randrange(8, 400)}.el5xen.img)"
                 f" (args 'root=/dev/xvda{rng.randrange(1, 3)} ro console=xvc0')))")
    fields.append(image)
    prefix = "hd" if hvm else "xvd"
    for k in range(rng.randrange(1, 4)):
        dev = f"{prefix}{'abd'[k]}"
        fields.append(f"(device (vbd (dev {dev}:disk) (uname {_disk_uname(rng, name, k)}) (mode w)))")
    if hvm and rng.random() < 0.6:
        fields.append(f"(device (vbd (dev hdc:cdrom) (uname file:/srv/iso/{name}.iso) (mode r)))")
    for k in range(rng.randrange(0, 4)):
        nic = f"(mac {_mac(rng)}) (bridge {rng.choice(BRIDGES)}) (script vif-bridge)"
        if hvm:
            nic += " (type ioemu)"
        elif rng.random() < 0.2:
            nic += f" (ip 192.0.2.{rng.randrange(1, 255)})"
        fields.append(f"(device (vif {nic}))")
    if rng.random() < 0.4:
        fields.append(f"(device (vfb (type vnc) (vncunused 1) (vnclisten 127.0.0.1)"
                      f" (keymap {rng.choice(KEYMAPS)})))")
    if indented:
        return "(domain\n    " + "\n    ".join(fields) + "\n)\n"
    return "(domain " + "".join(fields) + ")\n"


def _xml(rng: random.Random, name: str, uid: str) -> str:
    hvm = rng.random() < 0.3
    mem = rng.choice((131072, 262144, 524288, 1048576))
    if hvm:
        os_part = ("  <os>\n    <type>hvm</type>\n    <loader>/usr/lib/xen/boot/hvmloader</loader>\n"
                   f"    <boot dev='{rng.choice(('hd', 'cdrom'))}'/>\n  </os>\n"
                   "  <features>\n    <acpi/>\n    <apic/>\n    <pae/>\n  </features>\n")
        target = "hda"
    else:
        os_part = ("  <os>\n    <type>linux</type>\n"
                   f"    <kernel>/boot/vmlinuz-{rng.randrange(100)}</kernel>\n"
                   "    <cmdline>root=/dev/xvda1 ro</cmdline>\n  </os>\n")
        target = "xvda"
    devices = []
    if hvm:
        devices.append("    <emulator>/usr/lib/xen/bin/qemu-dm</emulator>\n")
    devices.append(f"    <disk type='file' device='disk'>\n      <source file='/srv/xen/{name}.img'/>\n"
                   f"      <target dev='{target}'/>\n    </disk>\n")
    for _ in range(rng.randrange(0, 3)):
        devices.append(f"    <interface type='bridge'>\n      <source bridge='{rng.choice(BRIDGES)}'/>\n"
                       f"      <mac address='{_mac(rng)}'/>\n      <script path='vif-bridge'/>\n"
                       "    </interface>\n")
    if rng.random() < 0.4:
        devices.append(f"    <graphics type='vnc' port='-1' keymap='{rng.choice(KEYMAPS)}'/>\n")
    return (f"<domain type='xen'>\n  <name>{name}</name>\n  <uuid>{uid}</uuid>\n"
            f"  <memory>{mem}</memory>\n  <vcpu>{rng.choice((1, 2))}</vcpu>\n" + os_part +
            "  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>restart</on_reboot>\n"
            "  <on_crash>restart</on_crash>\n  <devices>\n" + "".join(devices) +
            "  </devices>\n</domain>\n")


def generate(directory: str, n: int = 20000, seed: int = 1) -> Dict[str, int]:
    """Write ``n`` domains under ``directory``; return how many files of each layout."""
    rng = random.Random(seed)
    counts = {"host": 0, "managed": 0, "dump": 0, "xml": 0}
    made = 0
    dump_no = 0
    while made < n:
        name = f"{rng.choice(PREFIXES)}{made:05d}"
        uid = _uuid(rng)
        roll = rng.random()
        host = f"host{rng.randrange(40):02d}"
        if roll < 0.60:
            path = os.path.join(directory, host, f"{name}.sxp")
            text = _sexpr(rng, name, uid, rng.randrange(1, 500), rng.random() < 0.5)
            counts["host"] += 1
            made += 1
        elif roll < 0.80:
            path = os.path.join(directory, "xend-domains", uid, "config.sxp")
            text = _sexpr(rng, name, uid, None, True)
            counts["managed"] += 1
            made += 1
        elif roll < 0.90:
            path = os.path.join(directory, "xml", host, f"{name}.xml")
            text = _xml(rng, name, uid)
            counts["xml"] += 1
            made += 1
        else:
            k = min(rng.randrange(2, 6), n - made)
            parts = []
            for j in range(k):
                parts.append(_sexpr(rng, f"{name}-{j}", _uuid(rng) if j else uid,
                                    rng.randrange(1, 500), True))
            path = os.path.join(directory, "dumps", f"xm-list-{dump_no:04d}.sxp")
            dump_no += 1
            text = "".join(parts)
            counts["dump"] += 1
            made += k
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    return counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory")
    parser.add_argument("-n", type=int, default=20000, help="domains to write (default 20000)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    counts = generate(args.directory, args.n, args.seed)
    print(f"{sum(counts.values())} files under {args.directory}: "
          + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
