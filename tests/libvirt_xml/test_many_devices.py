"""Documents with thousands of devices read as libvirt read them.

libvirt placed each disk by scanning the disks before it (and numbered a
serial or parallel port without a target port by scanning the ports before
it), which costs time quadratic in the device count.  The reader gets the
same order and numbers in linear time; these tests check the results
against direct transcriptions of libvirt 1.2.10's loops.  How long large
documents take is measured in bench/test_bench_large.py, not here.
"""
from __future__ import annotations

import random
import string

import pytest

from fastsexpr import read_xml, xml_to_sexpr

UUID = "00112233-4455-6677-8899-aabbccddeeff"


def _domain(devices: str, hvm: bool = False) -> str:
    os_ = ("<os><type>hvm</type><loader>/usr/lib/xen/boot/hvmloader</loader></os>" if hvm
           else "<os><type>linux</type><kernel>/boot/vmlinuz</kernel></os>")
    return (f"<domain type='xen'><name>t</name><uuid>{UUID}</uuid><memory>1024</memory>"
            f"{os_}<devices>{devices}</devices></domain>")


def _letters(n: int) -> str:
    """The drive letters of drive index ``n``: a..z, aa..zz, aaa..."""
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = string.ascii_lowercase[r] + s
    return s


# ------------------------------------------------- libvirt's loops, transcribed

def _virDiskNameToIndex(name: str) -> int:
    # util/virutil.c: skip the prefix, read the letters, stop at a digit;
    # anything else after the letters is an error (-1).
    for prefix in ("fd", "hd", "vd", "sd", "xvd", "ubd"):
        if name.startswith(prefix):
            break
    else:
        return -1
    idx = 0
    rest = name[len(prefix):]
    i = 0
    while i < len(rest) and "a" <= rest[i] <= "z":
        idx = (idx + 1) * 26 + ord(rest[i]) - ord("a") if i else ord(rest[i]) - ord("a")
        i += 1
    if i < len(rest) and not rest[i:].isdigit():
        return -1
    return idx


def _virDomainDiskInsertPreAlloced(disks: list, disk: tuple) -> None:
    # conf/domain_conf.c, one (bus, dst) tuple per disk.
    insert_at = -1
    for idx in range(len(disks) - 1, -1, -1):
        if (disks[idx][0] == disk[0]
                and _virDiskNameToIndex(disks[idx][1]) > _virDiskNameToIndex(disk[1])):
            insert_at = idx
        elif disks[idx][0] == disk[0] and insert_at == -1:
            insert_at = idx + 1
    if insert_at == -1:
        insert_at = len(disks)
    disks.insert(insert_at, disk)


def _libvirt_ports(given: list) -> list:
    # virDomainDefParseXML: a port of -1 (none given) becomes one past the
    # highest port of the devices of that kind before it.
    ports = []
    for port in given:
        if port == -1:
            port = max(ports, default=-1) + 1
        ports.append(port)
    return ports


# ------------------------------------------------------------------- disks

BUSES = {"hd": "ide", "sd": "scsi", "vd": "virtio", "xvd": "xen"}


def _random_disks(rng: random.Random, n: int) -> list:
    """(prefix, target, explicit bus or None) for ``n`` disks on mixed
    buses, with duplicate names, partitions and a few explicit buses."""
    disks = []
    for _ in range(n):
        prefix = rng.choice(list(BUSES))
        target = prefix + _letters(rng.randrange(60)) + rng.choice(["", "", "", "1", "12"])
        bus = rng.choice([None] * 8 + ["ide", "xen"])
        disks.append((target, bus))
    return disks


def _disk_xml(target: str, bus, i: int) -> str:
    bus_attr = "" if bus is None else f" bus='{bus}'"
    return (f"<disk type='file'><source file='/d/{i}.img'/>"
            f"<target dev='{target}'{bus_attr}/></disk>")


def _assert_libvirts_order(disks) -> None:
    expected: list = []
    for target, bus in disks:
        prefix = next(p for p in ("xvd", "hd", "sd", "vd") if target.startswith(p))
        _virDomainDiskInsertPreAlloced(expected, (bus or BUSES[prefix], target))
    dom = read_xml(_domain("".join(_disk_xml(t, b, i) for i, (t, b) in enumerate(disks))))
    assert [(d.bus, d.target) for d in dom.disks] == expected


@pytest.mark.parametrize("seed", range(20))
def test_disk_order_is_libvirts_insertion_order(seed):
    rng = random.Random(seed)
    disks = _random_disks(rng, rng.randrange(1, 120))
    _assert_libvirts_order(disks)


@pytest.mark.parametrize("seed", range(40))
def test_a_few_disks_in_libvirts_insertion_order(seed):
    # The handful of disks most domains have, where buses and drive
    # indexes collide often.
    rng = random.Random(seed)
    disks = _random_disks(rng, rng.randrange(2, 12))
    disks = [(target[:3] + target[-1] if rng.random() < 0.3 else target, bus)
             for target, bus in disks]
    _assert_libvirts_order(disks)


def test_two_thousand_disks_in_reverse_convert_in_drive_order():
    n = 2000
    targets = ["xvd" + _letters(i) for i in range(n)]
    devices = "".join(_disk_xml(targets[i], None, i) for i in reversed(range(n)))
    got = xml_to_sexpr(_domain(devices), xend_config_version=2)
    expected = "".join(f"(device (vbd (dev '{targets[i]}')(uname 'file:/d/{i}.img')(mode 'w')))"
                       for i in range(n))
    assert expected in got
    assert got.count("(device (vbd ") == n


def test_disks_interleaved_with_another_bus():
    # An IDE disk lands just before the first IDE disk with a higher index,
    # or right after the last IDE disk (hdd: before the xen disks that
    # follow hdc), never simply at the end.
    targets = ["hdc", "xvda", "hda", "xvdb", "hdb", "xvdc", "hdd"]
    expected: list = []
    for t in targets:
        _virDomainDiskInsertPreAlloced(expected, (BUSES[t[:2]] if t[:2] == "hd" else "xen", t))
    assert [t for _, t in expected] == ["hda", "hdb", "hdc", "hdd", "xvda", "xvdb", "xvdc"]
    dom = read_xml(_domain("".join(_disk_xml(t, None, i) for i, t in enumerate(targets))))
    assert [d.target for d in dom.disks] == [t for _, t in expected]


# ---------------------------------------------------- serial and parallel ports

@pytest.mark.parametrize("kind", ["serial", "parallel"])
def test_ports_without_a_number_follow_the_highest_so_far(kind):
    rng = random.Random(kind)
    given = [rng.choice([-1, -1, -1, rng.randrange(40)]) for _ in range(300)]
    devices = "".join(f"<{kind} type='pty'/>" if p == -1 else
                      f"<{kind} type='pty'><target port='{p}'/></{kind}>" for p in given)
    dom = read_xml(_domain(devices, hvm=True))
    ports = dom.serials if kind == "serial" else dom.parallels
    assert [c.port for c in ports] == _libvirt_ports(given)


@pytest.mark.parametrize("kind", ["serial", "parallel"])
def test_two_thousand_ports_without_numbers(kind):
    dom = read_xml(_domain(f"<{kind} type='pty'/>" * 2000, hvm=True))
    ports = dom.serials if kind == "serial" else dom.parallels
    assert [c.port for c in ports] == list(range(2000))
