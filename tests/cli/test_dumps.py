"""``fastsexpr convert`` on dumps of several domain records (``xm list
--long``): every domain converted or reported, every leniency of libvirt's
reader said on stderr and in the report, ``--strict`` to refuse them."""
from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import XML, no_temp_files, run
from conftest import xm_list_record as record

import fastsexpr


LINES = 15

# Each domain takes 10 ms to write, so that a run is still going when the
# first results are back.
DRIVER_SLOW = """
import sys, time
import fastsexpr.libvirt_xml as lx
real = lx.write_xml
def write_xml(domain, **kw):
    time.sleep(0.01)
    return real(domain, **kw)
lx.write_xml = write_xml
from fastsexpr.cli import main
sys.exit(main())
"""


def cut(text: str, closers: int = 1) -> str:
    body = text.rstrip("\n")
    return body[:-closers] + "\n"


def report(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def outputs(directory):
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


def test_record_lacking_its_paren_no_longer_hides_the_three_after_it(tmp_path):
    # Before: one output; libvirt's reader read the first record to the end.
    dump = tmp_path / "dump.sxp"
    dump.write_text(cut(record("a", 1)) + record("b", 2) + record("c", 3) + record("d", 4))
    out = tmp_path / "out"
    proc = run("convert", dump, "-o", out, "--report", tmp_path / "r.jsonl")
    assert proc.returncode == 0, proc.err
    assert outputs(out / "dump") == ["a.xml", "b.xml", "c.xml", "d.xml"]
    assert (out / "dump" / "c.xml").read_text() == fastsexpr.sexpr_to_xml(record("c", 3))
    assert f"fastsexpr: {dump}:1: warning: record at line 1 lacks 1 closing ')'" in proc.err
    assert "4 records" in proc.err
    rows = report(tmp_path / "r.jsonl")
    assert [r["domain_index"] for r in rows] == [1, 2, 3, 4] and all(r["ok"] for r in rows)
    assert len(rows[0]["warnings"]) == 1 and "lacks 1 closing" in rows[0]["warnings"][0]
    assert [r["warnings"] for r in rows[1:]] == [[], [], []]
    assert no_temp_files(tmp_path)


def test_nul_in_the_second_of_three_records(tmp_path):
    # Before: record 2 reported, record 3 never read nor mentioned.
    dump = tmp_path / "dump.sxp"
    bad = record("b", 2).replace("(memory 256)", "(memory 2\x0056)")
    dump.write_text(record("a", 1) + bad + record("c", 3))
    out = tmp_path / "out"
    proc = run("convert", dump, "-o", out, "--report", tmp_path / "r.jsonl")
    assert proc.returncode == 1
    assert outputs(out / "dump") == ["a.xml", "c.xml"]
    line = LINES + 5
    assert f"{dump}:{line}:{len('  (memory 2') + 1}: domain #2: SexprSyntaxError:" in proc.err
    assert "libvirt stops reading at a NUL" in proc.err
    rows = report(tmp_path / "r.jsonl")
    assert [(r["domain_index"], r["ok"], r["line"]) for r in rows] == \
        [(1, True, None), (2, False, line), (3, True, None)]


def test_truncated_single_record_converts_and_warns():
    text = record("a", 1)
    proc = run("convert", stdin=cut(text, 2).encode())
    assert proc.returncode == 0, proc.err
    assert proc.stdout.decode() == fastsexpr.sexpr_to_xml(text)
    assert proc.err == ("fastsexpr: <stdin>:1: warning: record at line 1 lacks 2 closing ')': "
                        "closed at the end of the record, as libvirt did\n")


def test_strict_refuses_the_truncated_record(tmp_path):
    src = tmp_path / "guest.sxp"
    src.write_text(cut(record("a", 1), 2))
    proc = run("convert", src, "--strict", "-o", tmp_path / "guest.xml")
    assert proc.returncode == 1
    assert not (tmp_path / "guest.xml").exists()
    assert f"{src}:{LINES}:{len('      (mode w))') + 1}: SexprSyntaxError: " in proc.err
    assert "lacks 2 closing ')'" in proc.err and "warning" not in proc.err


def test_strict_on_a_dump_refuses_only_the_record_at_fault(tmp_path):
    dump = tmp_path / "dump.sxp"
    dump.write_text(cut(record("a", 1)) + record("b", 2) + record("c", 3))
    out = tmp_path / "out"
    proc = run("convert", dump, "--strict", "-o", out)
    assert proc.returncode == 1
    assert outputs(out / "dump") == ["b.xml", "c.xml"]
    assert f"{dump}:{LINES}:" in proc.err and "domain #1" in proc.err


def test_a_balanced_dump_is_silent_and_reports_no_warnings(tmp_path):
    dump = tmp_path / "dump.sxp"
    dump.write_text(record("a", 1) + record("b", 2))
    proc = run("convert", dump, "-o", tmp_path / "out", "-q", "--report", tmp_path / "r.jsonl")
    assert proc.returncode == 0 and proc.err == ""
    assert [r["warnings"] for r in report(tmp_path / "r.jsonl")] == [[], []]


def test_strict_leaves_xml_input_alone():
    proc = run("convert", "-", "--strict", stdin=XML.encode())
    assert proc.returncode == 0, proc.err
    assert proc.stdout.decode() == fastsexpr.xml_to_sexpr(XML) + "\n"


# ------------------------------------------------- dumps longer than a read

def padded(name: str, k: int) -> str:
    """A record with a long kernel command line (still LINES lines)."""
    return record(name, k).replace(
        "(kernel /boot/vmlinuz)", f"(kernel /boot/vmlinuz) (args 'console=hvc0 {'x' * 4000}')")


def test_a_dump_longer_than_a_read_is_converted_record_by_record(tmp_path):
    # Longer than the 1 MiB the command reads at a time: read a record at a
    # time, and every domain still converted or reported in its place.
    names = [f"d{k}" for k in range(1, 301)]
    names[279] = "d3"                           # a name twice: the second gets its uuid
    texts = [padded(n, k % 19 + 1) for k, n in enumerate(names, 1)]
    texts[249] = texts[249].replace("(memory 256)", "(memory 2\x0056)")
    dump = tmp_path / "dump.sxp"
    dump.write_text("".join(texts))
    assert dump.stat().st_size > 1 << 20
    out = tmp_path / "out"
    proc = run("convert", dump, "-o", out, "--report", tmp_path / "r.jsonl")
    assert proc.returncode == 1
    line = 249 * LINES + 5
    assert f"{dump}:{line}:{len('  (memory 2') + 1}: domain #250: SexprSyntaxError:" in proc.err
    made = outputs(out / "dump")
    assert len(made) == 299 and "d250.xml" not in made and "d3.xml" in made
    assert (out / "dump" / "d300.xml").read_text() == fastsexpr.sexpr_to_xml(texts[299])
    rows = report(tmp_path / "r.jsonl")
    assert [r["domain_index"] for r in rows] == list(range(1, 301))
    assert [r["ok"] for r in rows].count(False) == 1 and rows[249]["line"] == line
    twin = rows[279]["output"]
    assert twin != rows[2]["output"] and "d3" in twin
    assert (out / "dump" / twin.rsplit("/", 1)[-1]).read_text() == \
        fastsexpr.sexpr_to_xml(texts[279])
    assert no_temp_files(tmp_path)


def test_a_long_dump_that_is_not_utf8_writes_nothing(tmp_path):
    texts = [padded(f"d{k}", k % 19 + 1) for k in range(1, 301)]
    texts[279] = texts[279].replace("(memory 256)", "(memory 256) (x \xe9)")
    dump = tmp_path / "dump.sxp"
    dump.write_bytes("".join(texts).encode("latin-1"))
    out = tmp_path / "out"
    proc = run("convert", dump, "-o", out)
    assert proc.returncode == 1
    col = len("  (memory 256) (x ") + 1
    assert f"{dump}:{279 * LINES + 5}:{col}: UnicodeDecodeError: not UTF-8" in proc.err
    assert outputs(out) == [] and no_temp_files(tmp_path)


DRIVER_SOME_DISKS_FULL = """
import errno, os, sys
real_write = os.write
def write(fd, data):
    # The outputs of domains named 'full...' do not fit on the disk.
    if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).startswith(".full"):
        raise OSError(errno.ENOSPC, "No space left on device")
    return real_write(fd, data)
os.write = write
from fastsexpr.cli import main
sys.exit(main())
"""


# A short dump is converted in the command's process; a long one alone with
# -j 2 in a worker, whose texts the command writes.
@pytest.mark.parametrize("long", [False, True], ids=["short", "long-j2"])
def test_outputs_of_a_dump_that_cannot_be_written_are_reported_in_their_place(tmp_path, long):
    # A dump's outputs are written as its records are read: a failed one is
    # reported as its own domain, in order, with its warnings, and the
    # others are written.
    names = [f"full{k}" if k in (7, 20, 290) else f"d{k}" for k in range(1, 301 if long else 31)]
    texts = [(padded if long else record)(n, k % 19 + 1) for k, n in enumerate(names, 1)]
    texts[6] = texts[6].replace("(memory 256)", "(memory 256) (cpu_cap 50)")
    dump = tmp_path / "dump.sxp"
    dump.write_text("".join(texts))
    assert (dump.stat().st_size > 1 << 20) == long
    out = tmp_path / "out"
    proc = run("convert", dump, "-o", out, "--report", tmp_path / "r.jsonl", "-j", "2",
               driver=DRIVER_SOME_DISKS_FULL)
    assert proc.returncode == 2, proc.err
    rows = report(tmp_path / "r.jsonl")
    assert [(r["domain_index"], r["domain"], r["ok"]) for r in rows] == \
        [(k, n, not n.startswith("full")) for k, n in enumerate(names, 1)]
    assert all("No space left on device" in r["message"] for r in rows if not r["ok"])
    assert "cpu_cap" in rows[6]["warnings"][0]
    assert outputs(out / "dump") == sorted(f"{n}.xml" for n in names if n.startswith("d"))
    assert (out / "dump" / f"{names[-1]}.xml").read_text() == fastsexpr.sexpr_to_xml(texts[-1])
    assert no_temp_files(tmp_path)


# ------------------------------------------ long dumps installed as they go

# The domain named 'last' is converted only once FLAG exists: until then the
# dump is not finished, whatever the speed of the machine.
DRIVER_LAST_WAITS = """
import os, sys, time
import fastsexpr.libvirt_xml as lx
real = lx.write_xml
def write_xml(domain, **kw):
    if domain.name == "last":
        while not os.path.exists(FLAG):
            time.sleep(0.01)
    return real(domain, **kw)
lx.write_xml = write_xml
from fastsexpr.cli import main
sys.exit(main())
"""


def visible(directory):
    """The outputs under their final names (temporary files start with '.')."""
    return [n for n in outputs(directory) if not n.startswith(".")]


def reported_so_far(proc, got: bytearray, deadline: float) -> list:
    """The report lines (--report -) the command has given so far, waiting
    for at least one of a dump's domains without blocking past ``deadline``."""
    while True:
        rows = [json.loads(line) for line in bytes(got).splitlines(True) if line.endswith(b"\n")]
        if any(r["domain_index"] for r in rows):
            return rows
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "nothing reported while the dump is converted"
        if select.select([proc.stdout], [], [], 0.05)[0]:
            got += os.read(proc.stdout.fileno(), 1 << 16)


@pytest.mark.parametrize("others", [False, True], ids=["alone", "among-other-inputs"])
def test_a_long_dump_installs_and_reports_its_first_domains_before_it_is_finished(
        tmp_path, others):
    names = [f"d{k:03d}" for k in range(1, 800)] + ["last"]
    names[9] = "d003"      # a name twice: the second is named after its uuid, as before
    texts = [padded(n, k % 19 + 1) for k, n in enumerate(names, 1)]
    src = tmp_path / "in"
    src.mkdir()
    dump = src / "dump.sxp"
    dump.write_text("".join(texts))
    assert dump.stat().st_size > 1 << 20
    inputs = [dump]
    if others:
        (src / "a.sxp").write_text(record("a", 1))
        (src / "z.sxp").write_text(record("z", 2))
        inputs = [src / "a.sxp", dump, src / "z.sxp"]
    flag, out = tmp_path / "go", tmp_path / "out"
    driver = DRIVER_LAST_WAITS.replace("FLAG", repr(str(flag)))
    proc = subprocess.Popen([sys.executable, "-c", driver, "convert", *map(str, inputs),
                             "-o", str(out), "-j", "2", "--report", "-"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    got = bytearray()
    try:
        # The last domain is not converted yet: the first ones are reported
        # (a reader of the pipe sees them, the command no longer holds
        # them), whole under their final names, in their order.
        rows = reported_so_far(proc, got, time.monotonic() + 60)
        early = [r for r in rows if r["path"] == str(dump)]
        assert proc.poll() is None
        assert [r["domain_index"] for r in early] == list(range(1, len(early) + 1))
        assert len(early) < len(names)
        for r, text in zip(early, texts):
            assert r["ok"] and Path(r["output"]).read_text() == fastsexpr.sexpr_to_xml(text)
        if others:
            assert rows[0]["path"] == str(src / "a.sxp")
            assert (out / "a.xml").read_text() == fastsexpr.sexpr_to_xml(record("a", 1))
    finally:
        flag.touch()
    rest, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()
    made = visible(out / "dump")
    assert len(made) == len(names) and "last.xml" in made
    assert (out / "dump" / "last.xml").read_text() == fastsexpr.sexpr_to_xml(texts[-1])
    rows = [json.loads(line) for line in (bytes(got) + rest).splitlines()]
    dump_rows = [r for r in rows if r["path"] == str(dump)]
    assert [r["domain_index"] for r in dump_rows] == list(range(1, len(names) + 1))
    assert dump_rows[2]["output"] == str(out / "dump" / "d003.xml")
    assert dump_rows[9]["output"] != dump_rows[2]["output"] and "d003" in dump_rows[9]["output"]
    if others:
        assert [r["path"] for r in rows] == \
            [str(src / "a.sxp")] + [str(dump)] * len(names) + [str(src / "z.sxp")]
    assert no_temp_files(tmp_path)


# Domain #50 fails: its record holds a NUL ("convert"), or its output does
# not fit on the disk ("write", made in the command's process at -j 2).
FAILING = {"convert": lambda text: text.replace("(memory 256)", "(memory 2\x0056)"),
           "write": lambda text: text.replace("d050", "full050")}


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("how", sorted(FAILING))
def test_fail_fast_writes_nothing_of_a_long_dump_after_its_first_failed_domain(
        tmp_path, how, jobs):
    texts = [padded(f"d{k:03d}", k % 19 + 1) for k in range(1, 401)]
    texts[49] = FAILING[how](texts[49])
    dump = tmp_path / "dump.sxp"
    dump.write_text("".join(texts))
    assert dump.stat().st_size > 1 << 20
    out = tmp_path / "out"
    proc = run("convert", dump, "-o", out, "-j", jobs, "--fail-fast", "--report",
               tmp_path / "r.jsonl", driver=DRIVER_SOME_DISKS_FULL)
    assert proc.returncode == (1 if how == "convert" else 2), proc.err
    assert "domain #50" in proc.err
    assert visible(out / "dump") == [f"d{k:03d}.xml" for k in range(1, 50)]
    rows = report(tmp_path / "r.jsonl")
    assert [r["domain_index"] for r in rows] == list(range(1, 51))
    assert no_temp_files(tmp_path)
