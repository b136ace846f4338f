"""``fastsexpr convert`` on dumps of several domain records (``xm list
--long``): every domain converted or reported, every leniency of libvirt's
reader said on stderr and in the report, ``--strict`` to refuse them."""
from __future__ import annotations

import json

from cli_helpers import XML, no_temp_files, run
from conftest import xm_list_record as record

import fastsexpr


LINES = 15


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


def test_outputs_of_a_dump_that_cannot_be_written_are_reported_in_their_place(tmp_path):
    # A dump's outputs are written as its records are read: a failed one is
    # reported as its own domain, in order, and the others are written.
    names = [f"full{k}" if k in (7, 20) else f"d{k}" for k in range(1, 31)]
    dump = tmp_path / "dump.sxp"
    dump.write_text("".join(record(n, k % 19 + 1) for k, n in enumerate(names, 1)))
    out = tmp_path / "out"
    proc = run("convert", dump, "-o", out, "--report", tmp_path / "r.jsonl",
               driver=DRIVER_SOME_DISKS_FULL)
    assert proc.returncode == 2, proc.err
    rows = report(tmp_path / "r.jsonl")
    assert [(r["domain_index"], r["domain"], r["ok"]) for r in rows] == \
        [(k, n, not n.startswith("full")) for k, n in enumerate(names, 1)]
    assert all("No space left on device" in r["message"] for r in rows if not r["ok"])
    assert outputs(out / "dump") == sorted(f"{n}.xml" for n in names if n.startswith("d"))
    assert no_temp_files(tmp_path)
