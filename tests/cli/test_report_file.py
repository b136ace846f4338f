"""``--report FILE`` is treated like an output: an existing file is kept
without ``--force``, an input is never overwritten, the report appears
complete or not at all; ``--report -`` writes the JSON lines to stdout."""
from __future__ import annotations

import json

from cli_helpers import ROOT, UUIDS, no_temp_files, pv, run

# The command run from another directory: a relative PYTHONPATH=src would
# not lead there, so the driver puts this tree's package first itself.
DRIVER_THIS_TREE = f"""
import sys
sys.path.insert(0, {str(ROOT / 'src')!r})
from fastsexpr.cli import main
sys.exit(main())
"""


def make_inputs(top, n=3):
    top.mkdir()
    for i in range(n):
        (top / f"g{i}.sxp").write_text(pv(f"g{i}", UUIDS[i]))
    return top


def test_existing_report_kept_without_force(tmp_path):
    src = make_inputs(tmp_path / "in")
    report = tmp_path / "report.jsonl"
    report.write_text("last week's report\n")
    proc = run("convert", "-r", src, "-o", tmp_path / "out", "--report", report)
    assert proc.returncode == 2
    assert str(report) in proc.err and "--force" in proc.err
    assert report.read_text() == "last week's report\n"
    forced = run("convert", "-r", src, "-o", tmp_path / "out2", "--report", report, "--force")
    assert forced.returncode == 0, forced.err
    rows = [json.loads(line) for line in report.read_text().splitlines()]
    assert sorted(r["domain"] for r in rows) == ["g0", "g1", "g2"]
    assert no_temp_files(tmp_path)


def test_report_never_overwrites_an_input(tmp_path):
    src = make_inputs(tmp_path / "in")
    victim = src / "g1.sxp"
    before = victim.read_bytes()
    for extra in ([], ["--force"]):
        proc = run("convert", "-r", src, "-o", tmp_path / "out", "--report", victim, *extra)
        assert proc.returncode == 2
        assert str(victim) in proc.err and "input" in proc.err
        assert victim.read_bytes() == before
    # the single input of a run, through another name
    alias = tmp_path / "alias.sxp"
    alias.symlink_to(victim)
    proc = run("convert", victim, "-o", tmp_path / "g1.xml", "--report", alias, "--force")
    assert proc.returncode == 2 and victim.read_bytes() == before


DRIVER_DIES = """
import os, sys
import fastsexpr.libvirt_xml as lx
real = lx.write_xml
calls = []
def write_xml(domain):
    calls.append(1)
    if len(calls) == 3:
        os._exit(9)       # the process dies: a kill -9, a power cut
    return real(domain)
lx.write_xml = write_xml
from fastsexpr.cli import main
sys.exit(main())
"""


def test_report_appears_whole_or_not_at_all(tmp_path):
    src = make_inputs(tmp_path / "in", 6)
    report = tmp_path / "report.jsonl"
    report.write_text("the previous run's report\n")
    proc = run("convert", "-r", src, "-o", tmp_path / "out", "-j", "1",
               "--report", report, "--force", driver=DRIVER_DIES)
    assert proc.returncode == 9
    # never truncated, never half-written
    assert report.read_text() == "the previous run's report\n"


def test_report_dash_writes_json_lines_to_stdout(tmp_path):
    src = make_inputs(tmp_path / "in")
    proc = run("convert", "-r", src, "-o", tmp_path / "out", "--report", "-", cwd=tmp_path,
               driver=DRIVER_THIS_TREE)
    assert proc.returncode == 0, proc.err
    rows = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert sorted(r["output"] for r in rows) == [str(tmp_path / "out" / f"g{i}.xml") for i in range(3)]
    assert all(r["ok"] for r in rows)
    assert not (tmp_path / "-").exists()


def test_report_dash_and_output_on_stdout_is_a_usage_error(tmp_path):
    src = tmp_path / "g.sxp"
    src.write_text(pv("g", UUIDS[0]))
    proc = run("convert", src, "--report", "-", cwd=tmp_path,
               driver=DRIVER_THIS_TREE)
    assert proc.returncode == 2 and "stdout" in proc.err
    assert proc.stdout == b"" and not (tmp_path / "-").exists()
