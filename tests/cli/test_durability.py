"""Durable at the cost it must: an output's data is on disk before it has
its name, and the names are on disk when the command exits (0, or after an
interruption), with one sync per filesystem at the end rather than one
fsync per file.

A driver script wraps the durability step (files.syncfs, and
files.fsync_path for a single file or directory or where the system has no
syncfs) and the installs (files.link_new), and logs what each sees, from
every process (the workers are forked from it).
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from cli_helpers import CTRL_C_AT_THE_FIFTH, UUIDS, no_temp_files, pv, run

import fastsexpr

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="syncfs is Linux's")

DRIVER = """
import os, sys
LOG, OUT = LOGPATH, OUTPATH
from fastsexpr.cli import batch, files
real_syncfs, real_fsync_path, real_link = files.syncfs, files.fsync_path, files.link_new
def note(line):
    with open(LOG, "a") as f:
        f.write(line + "\\n")
def staged():
    return [n for _, _, names in os.walk(OUT) for n in names if n.endswith(".tmp")]
def syncfs(fd):
    before = staged()
    real_syncfs(fd)
    note(" ".join(["sync", str(os.getpid()), str(os.fstat(fd).st_dev)] + before))
def fsync_path(path):
    real_fsync_path(path)
    kind = "dir" if os.path.isdir(path) else "file"
    note(" ".join(["fsync_path", kind, str(os.getpid()), str(os.stat(path).st_dev),
                   os.path.basename(path)]))
def link_new(tmp, final):
    note("link " + os.path.basename(tmp))
    return real_link(tmp, final)
files.syncfs = syncfs
files.fsync_path = fsync_path
files.link_new = batch.link_new = link_new
EXTRA
from fastsexpr.cli import main
sys.exit(main())
"""


def driver(log: Path, out: Path, extra: str = "") -> str:
    return (DRIVER.replace("LOGPATH", repr(str(log))).replace("OUTPATH", repr(str(out)))
            .replace("EXTRA", extra))


def make_tree(top: Path) -> Path:
    """Outputs of every kind: mirrored names (installed by the workers),
    and named after their domain (installed by the parent)."""
    for i in range(24):
        sub = top / f"h{i % 3}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"g{i:02d}.sxp").write_text(pv(f"g{i:02d}", UUIDS[i % 19], domid=i + 1))
    managed = top / "xend" / UUIDS[0]
    managed.mkdir(parents=True)
    (managed / "config.sxp").write_text(pv("managed", UUIDS[0]))
    (top / "dump.sxp").write_text("".join(pv(f"d{k}", UUIDS[k + 1]) for k in range(3)))
    return top


def log_lines(log: Path) -> list:
    return [line.split() for line in log.read_text().splitlines()]


def outputs(out: Path) -> list:
    return sorted(p for p in out.rglob("*") if p.is_file())


def assert_synced_before_named(lines: list) -> None:
    """Every temporary file was written out (by a sync of its filesystem, or
    an fsync of its own) before it got its name."""
    synced: set = set()
    for line in lines:
        if line[0] == "sync":
            synced.update(line[3:])
        elif line[:2] == ["fsync_path", "file"]:
            synced.add(line[4])
        elif line[0] == "link":
            assert line[1] in synced, f"{line[1]} installed before it was synced"


def final_syncs(lines: list) -> list:
    """The syncs after the last install."""
    last = max(i for i, line in enumerate(lines) if line[0] == "link")
    return [line for line in lines[last + 1:] if line[0] == "sync"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_outputs_are_synced_before_their_name_and_once_per_filesystem_at_exit(tmp_path, jobs):
    src, out, log = make_tree(tmp_path / "in"), tmp_path / "out", tmp_path / "log"
    proc = run("convert", src, "-r", "-o", out, "-j", jobs, driver=driver(log, out))
    assert proc.returncode == 0, proc.err
    written = outputs(out)
    assert len(written) == 24 + 1 + 3
    assert no_temp_files(out)
    sxp = src / "h1" / "g04.sxp"
    assert (out / "h1" / "g04.xml").read_text() == fastsexpr.sexpr_to_xml(sxp.read_text())
    for path in written:
        assert path.read_bytes().rstrip().endswith(b"</domain>")

    lines = log_lines(log)
    assert sum(1 for line in lines if line[0] == "link") == len(written)
    assert_synced_before_named(lines)
    # The directory entries: one sync of the one filesystem, by the command
    # itself, after the last install; far fewer syncs than files in all.
    last = final_syncs(lines)
    assert [dev for _, _, dev, *_ in last] == [str(os.stat(out).st_dev)]
    assert sum(1 for line in lines if line[0] == "sync") < len(written) // 2


def test_one_final_sync_for_each_filesystem_written(tmp_path):
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("needs a second filesystem (/dev/shm)")
    src, log = make_tree(tmp_path / "in"), tmp_path / "log"
    out = Path(tempfile.mkdtemp(dir=shm)) / "out"
    try:
        report = tmp_path / "report.jsonl"
        proc = run("convert", src, "-r", "-o", out, "-j", "2", "--report", report,
                   driver=driver(log, out))
        assert proc.returncode == 0, proc.err
        assert len(report.read_text().splitlines()) == 24 + 1 + 3
        last = final_syncs(log_lines(log))
        assert sorted(dev for _, _, dev, *_ in last) == sorted(
            [str(os.stat(out).st_dev), str(os.stat(tmp_path).st_dev)])
    finally:
        shutil.rmtree(out.parent, ignore_errors=True)


@pytest.mark.parametrize("domains", [1, 3])
def test_one_output_file_is_fsynced_with_its_directory(tmp_path, domains):
    # A run writing one file pays one fsync for it and one for its
    # directory, not a sync of the whole filesystem; a dump of several
    # domains, which -o turns into a directory of outputs, is batched.
    src = tmp_path / "in.sxp"
    src.write_text("".join(pv(f"d{k}", UUIDS[k]) for k in range(domains)))
    out, log = tmp_path / "out" / "guest.xml", tmp_path / "log"
    out.parent.mkdir()
    proc = run("convert", src, "-o", out, driver=driver(log, out.parent))
    assert proc.returncode == 0, proc.err
    lines = log_lines(log)
    assert_synced_before_named(lines)
    if domains == 1:
        assert out.read_text() == fastsexpr.sexpr_to_xml(src.read_text())
        assert [line[0] for line in lines] == ["fsync_path", "link", "fsync_path"]
        assert lines[0][1] == "file" and lines[2][1] == "dir" and lines[2][4] == "out"
    else:
        assert sorted(p.name for p in (out / "in").iterdir()) == ["d0.xml", "d1.xml", "d2.xml"]
        assert [line[0] for line in lines] == ["sync"] + ["link"] * 3 + ["sync"]
    assert no_temp_files(out.parent)


def test_an_interrupted_run_makes_what_it_wrote_durable(tmp_path):
    src, out, log = make_tree(tmp_path / "in"), tmp_path / "out", tmp_path / "log"
    proc = run("convert", src, "-r", "-o", out, "-j", "1",
               driver=driver(log, out, CTRL_C_AT_THE_FIFTH))
    # The dump's three domains come first, then one file: four outputs.
    assert proc.returncode == 130 and "interrupted: converted 2 (4 domains)" in proc.err
    assert len(outputs(out)) == 4 and no_temp_files(out)
    lines = log_lines(log)
    assert_synced_before_named(lines)
    assert len(final_syncs(lines)) == 1


NO_SYNCFS = """
files.has_syncfs = lambda: False
real_fsync = os.fsync
def fsync(fd):
    import stat
    kind = "dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
    note(" ".join(["fsync", kind, os.readlink(f"/proc/self/fd/{fd}")]))
    real_fsync(fd)
os.fsync = fsync
"""


def test_without_syncfs_each_file_and_each_directory_is_fsynced_once(tmp_path):
    src, out, log = make_tree(tmp_path / "in"), tmp_path / "out", tmp_path / "log"
    proc = run("convert", src, "-r", "-o", out, "-j", "2", driver=driver(log, out, NO_SYNCFS))
    assert proc.returncode == 0, proc.err
    lines = log_lines(log)
    assert not [line for line in lines if line[0] == "sync"]
    file_syncs = [line[2] for line in lines if line[:2] == ["fsync", "file"]]
    dir_syncs = [line[2] for line in lines if line[:2] == ["fsync", "dir"]]
    written = outputs(out)
    assert len(file_syncs) == len(written)
    assert sorted(set(dir_syncs)) == sorted(dir_syncs)       # each once
    assert {str(p.parent) for p in written} <= set(dir_syncs)


def syncs_of_a_run(top: Path, records: list, kind: str, jobs: str) -> int:
    """How many syncs (of a filesystem, or an fsync where a batch had one
    file) converting ``records`` as one dump or a tree of files made."""
    src = top / "in"
    src.mkdir(parents=True)
    if kind == "dump":
        (src / "dump.sxp").write_text("".join(records))
    else:
        for k, text in enumerate(records):
            (src / f"g{k:02d}.sxp").write_text(text)
    out, log = top / "out", top / "log"
    proc = run("convert", src, "-r", "-o", out, "-j", jobs, driver=driver(log, out))
    failed = sum("(memory\x00" in r for r in records)
    assert proc.returncode == (1 if failed else 0), proc.err
    assert len(outputs(out)) == len(records) - failed
    assert proc.err.count("SexprSyntaxError") == failed
    return sum(1 for line in log_lines(log) if line[0] in ("sync", "fsync_path"))


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("kind", ["dump", "tree"])
def test_failed_domains_do_not_each_cost_a_sync(tmp_path, kind, jobs):
    # A sync writes out the whole filesystem (milliseconds on a real disk):
    # every other domain failing must not add one per failure, unless
    # --fail-fast needs the run to stop there.
    records = [pv(f"d{k}", UUIDS[k % 19]) for k in range(40)]
    good = syncs_of_a_run(tmp_path / "good", records, kind, jobs)
    records[1::2] = [r.replace("(memory", "(memory\x00") for r in records[1::2]]
    assert syncs_of_a_run(tmp_path / "half", records, kind, jobs) <= good + 1
