"""Documents with thousands of devices: the work must grow linearly.

libvirt placed each disk, and numbered each serial or parallel port that
had no target port, by scanning the devices before it; a faithful copy of
those loops took minutes (16,000 disks: 129 s, 20,000 serial ports: 10.7 s
on the reference machine), and the command tried the output names
``web-2``, ``web-3``, ... afresh for each domain of a dump that has many
of one name (10,000: 90 s).  Each benchmark here runs one size and twice
that size, so the ratio of the two in the table shows the growth (about 2
when linear, 4 when quadratic):

    .venv/bin/pytest bench/test_bench_large.py --benchmark-only

What the output must be is tested in tests/libvirt_xml/test_many_devices.py;
nothing here asserts a time.
"""
from __future__ import annotations

import os
import shutil
import string
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from fastsexpr import read_xml, sexpr_to_xml, xml_to_sexpr

pytest.importorskip("pytest_benchmark")

UUID = "00112233-4455-6677-8899-aabbccddeeff"
SIZES = [8000, 16000]


def _letters(n: int) -> str:
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = string.ascii_lowercase[r] + s
    return s


def _xml(devices: str, hvm: bool) -> str:
    os_ = ("<os><type>hvm</type><loader>/usr/lib/xen/boot/hvmloader</loader></os>" if hvm
           else "<os><type>linux</type><kernel>/boot/vmlinuz</kernel></os>")
    return (f"<domain type='xen'><name>t</name><uuid>{UUID}</uuid><memory>1024</memory>"
            f"{os_}<devices>{devices}</devices></domain>")


def _disks(n: int, reverse: bool) -> str:
    order = reversed(range(n)) if reverse else range(n)
    return "".join(f"<disk type='file'><source file='/d/{i}.img'/>"
                   f"<target dev='xvd{_letters(i)}'/></disk>" for i in order)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("reverse", [False, True], ids=["in-order", "reversed"])
def test_xml_disks(benchmark, engine, n, reverse):
    benchmark.group = f"large xml2sexpr disks {'reversed' if reverse else 'in order'} ({engine})"
    doc = _xml(_disks(n, reverse), hvm=False)
    out = benchmark.pedantic(xml_to_sexpr, args=(doc,), rounds=3, iterations=1)
    assert out.count("(device (vbd ") == n


@pytest.mark.parametrize("n", [10000, 20000])
@pytest.mark.parametrize("kind", ["serial", "parallel"])
def test_xml_ports_without_numbers(benchmark, engine, n, kind):
    benchmark.group = f"large read_xml {kind} ports ({engine})"
    doc = _xml(f"<{kind} type='pty'/>" * n, hvm=True)
    dom = benchmark.pedantic(read_xml, args=(doc,), rounds=3, iterations=1)
    ports = dom.serials if kind == "serial" else dom.parallels
    assert ports[-1].port == n - 1


@pytest.mark.parametrize("n", SIZES)
def test_sexpr_disks(benchmark, engine, n):
    benchmark.group = f"large sexpr2xml disks ({engine})"
    devices = "".join(f"(device (vbd (dev xvd{_letters(i)}) (uname file:/d/{i}.img) (mode w)))"
                      for i in range(n))
    doc = (f"(domain (domid 1) (name t) (uuid {UUID}) (memory 256) (maxmem 256) (vcpus 1) "
           f"(image (linux (kernel /k))) {devices})")
    out = benchmark.pedantic(sexpr_to_xml, args=(doc,), rounds=3, iterations=1)
    assert out.count("<disk ") == n


@pytest.mark.parametrize("n", [10000, 20000])
def test_sexpr_serial_list(benchmark, engine, n):
    benchmark.group = f"large sexpr2xml serial list ({engine})"
    doc = (f"(domain (domid 1) (name t) (uuid {UUID}) (memory 256) (maxmem 256) (vcpus 1) "
           f"(image (hvm (kernel /usr/lib/xen/boot/hvmloader) (serial ({' '.join(['pty'] * n)})))))")
    out = benchmark.pedantic(sexpr_to_xml, args=(doc,), rounds=3, iterations=1)
    assert out.count("<serial ") == n


@pytest.fixture(scope="module")
def scratch():
    # A tmpfs when there is one: the command fsyncs every output, and the
    # figure is about naming, not about the disk.
    base = os.environ.get("FASTSEXPR_BENCH_DIR") or ("/dev/shm" if os.path.isdir("/dev/shm") else None)
    top = Path(tempfile.mkdtemp(prefix="fastsexpr-bench-large-", dir=base))
    yield top
    shutil.rmtree(top, ignore_errors=True)


@pytest.mark.parametrize("n", [5000, 10000])
def test_cli_dump_of_one_name(benchmark, scratch, engine, n):
    benchmark.group = f"large convert: a dump of domains of one name ({engine})"
    dump = scratch / f"dump{n}.sxp"
    dump.write_text("".join(
        f"(domain (domid {i + 1})(name web)(uuid {UUID})(memory 256)(maxmem 256)(vcpus 1)"
        "(image (linux (kernel /boot/vmlinuz))))\n" for i in range(n)))
    out = scratch / f"out{n}"
    env = engine.env

    def once():
        shutil.rmtree(out, ignore_errors=True)
        proc = subprocess.run([sys.executable, "-m", "fastsexpr", "convert", str(dump),
                               "-o", str(out), "-q"], capture_output=True, env=env, timeout=900)
        assert proc.returncode == 0, proc.stderr[-2000:]

    benchmark.pedantic(once, rounds=3, iterations=1)
    assert len(os.listdir(out / f"dump{n}")) == n
