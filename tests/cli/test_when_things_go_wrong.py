"""When things go wrong: a symlink loop in a tree, a full disk under the
report, the outputs or stdout.  The run reports what failed, goes on where
it can, says what happened without a traceback, and leaves no temporary
file behind."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from cli_helpers import UUIDS, no_temp_files, pv, run

import fastsexpr


def make_inputs(top, n):
    top.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (top / f"g{i:03d}.sxp").write_text(pv(f"g{i:03d}", UUIDS[i % 19], domid=i + 1))
    return top


# ----------------------------------------------------------- the walk

@pytest.mark.parametrize("jobs", ["1", "2"])
def test_symlink_loop_in_a_tree_is_reported_and_the_rest_converted(tmp_path, jobs):
    src = make_inputs(tmp_path / "in", 3)
    (src / "loop.sxp").symlink_to("loop.sxp")
    (src / "sub").mkdir()
    (src / "sub" / "a.sxp").symlink_to(src / "sub" / "b.sxp")
    (src / "sub" / "b.sxp").symlink_to(src / "sub" / "a.sxp")
    out = tmp_path / "out"
    proc = run("convert", "-r", src, "-o", out, "-j", jobs, "--report", tmp_path / "r.jsonl")
    assert proc.returncode != 0 and proc.returncode in (1, 2)
    assert f"{src / 'loop.sxp'}:" in proc.err and "symbolic links" in proc.err
    assert f"{src / 'sub' / 'a.sxp'}:" in proc.err
    for i in range(3):
        assert (out / f"g{i:03d}.xml").exists()
    rows = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    failed = sorted(r["path"] for r in rows if not r["ok"])
    assert failed == sorted(str(p) for p in (src / "loop.sxp", src / "sub" / "a.sxp",
                                             src / "sub" / "b.sxp"))


# ------------------------------------------------------- a full disk

@pytest.fixture
def tiny_disk(tmp_path):
    """A 16 KiB tmpfs: a disk that fills up (needs the right to mount)."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(mnt)],
                          capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs: {made.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_report_on_a_full_disk_stops_with_a_message_and_no_temp_file(tmp_path, tiny_disk, jobs):
    src = make_inputs(tmp_path / "in", 600)       # ~150 KiB of report lines
    out = tmp_path / "out"
    report = tiny_disk / "r.jsonl"
    proc = run("convert", "-r", src, "-o", out, "-j", jobs, "--report", report)
    assert proc.returncode == 2
    assert f"{report}" in proc.err and "No space left on device" in proc.err
    assert list(tiny_disk.iterdir()) == []            # no half report, no temp file
    assert no_temp_files(out)
    written = list(out.iterdir())
    for p in written:                                 # what was written is whole
        assert p.read_text() == fastsexpr.sexpr_to_xml((src / (p.stem + ".sxp")).read_text())
    # The run stopped, and its summary counts every output it left.
    assert 0 < len(written) < 600
    summary = [line for line in proc.err.splitlines() if "converted" in line][-1]
    assert summary.startswith("fastsexpr: stopped: ") and f"converted {len(written)}," in summary


def test_report_filling_the_disk_with_skipped_inputs_stops_with_a_message(tmp_path, tiny_disk):
    # --skip-existing writes the lines of the inputs it skips before any
    # conversion starts: a full disk there stops the run as it does later.
    src = make_inputs(tmp_path / "in", 150)
    out = tmp_path / "out"
    assert run("convert", "-r", src, "-o", out, "-q").returncode == 0
    report = tiny_disk / "r.jsonl"
    proc = run("convert", "-r", src, "-o", out, "--skip-existing", "--report", report)
    assert proc.returncode == 2, proc.err
    assert f"{report}" in proc.err and "No space left on device" in proc.err
    assert list(tiny_disk.iterdir()) == []            # no half report, no temp file


def test_outputs_on_a_full_disk_fail_one_by_one_without_temp_files(tmp_path, tiny_disk):
    src = make_inputs(tmp_path / "in", 40)
    proc = run("convert", "-r", src, "-o", tiny_disk, "-j", "2")
    assert proc.returncode == 2
    assert "No space left on device" in proc.err
    assert no_temp_files(tiny_disk)
    written = list(tiny_disk.iterdir())
    assert written and len(written) < 40
    for p in written:
        assert p.read_text() == fastsexpr.sexpr_to_xml((src / (p.stem + ".sxp")).read_text())


def run_into_dev_full(*args, stdin=b""):
    with open("/dev/full", "wb") as full:
        proc = subprocess.run([sys.executable, "-m", "fastsexpr", *map(str, args)], input=stdin,
                              stdout=full, stderr=subprocess.PIPE, timeout=120)
    proc.err = proc.stderr.decode("utf-8", "replace")
    return proc


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/dev/full is Linux's")
def test_stdout_on_a_full_disk_is_a_clear_error(tmp_path):
    src = make_inputs(tmp_path / "in", 2)
    cases = [
        ("convert", src / "g000.sxp"),
        ("fmt", src / "g000.sxp", src / "g001.sxp"),
        ("convert", "-r", src, "-o", tmp_path / "out", "--report", "-"),
    ]
    for args in cases:
        proc = run_into_dev_full(*args)
        assert "Traceback" not in proc.err, (args, proc.err)
        assert proc.returncode == 2, (args, proc.err)
        assert "No space left on device" in proc.err and "stdout" in proc.err, (args, proc.err)
    assert no_temp_files(tmp_path)
