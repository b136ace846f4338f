"""Interrupted runs: Ctrl-C (SIGINT), SIGTERM and a killed parent.

Every output a run wrote is in its summary and its report, no temporary
file is left, the workers never outlive the command, a rerun with
``--skip-existing`` completes the run, and no interruption ever hangs.
"""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import UUIDS, no_temp_files, pv

import fastsexpr

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="signals and /proc as Linux has them")

# Each domain takes SECONDS to write, in every worker (they are forked), so
# that a signal lands while the run is well under way.
DRIVER_SLOW = """
import sys, time
import fastsexpr.libvirt_xml as lx
real = lx.write_xml
def write_xml(domain):
    time.sleep(SECONDS)
    return real(domain)
lx.write_xml = write_xml
from fastsexpr.cli import main
sys.exit(main())
"""
SLOW, SLOWER = DRIVER_SLOW.replace("SECONDS", "0.01"), DRIVER_SLOW.replace("SECONDS", "0.04")


def make_tree(top: Path, n: int) -> Path:
    top.mkdir()
    for i in range(n):
        sub = top / f"h{i % 4}"
        sub.mkdir(exist_ok=True)
        (sub / f"g{i:04d}.sxp").write_text(pv(f"g{i:04d}", UUIDS[i % 19], domid=i + 1))
    return top


def start(*args, driver=None):
    cmd = [sys.executable] + (["-c", driver] if driver else ["-m", "fastsexpr"]) + [str(a) for a in args]
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def outputs(out: Path) -> set:
    return {str(p) for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")}


def wait_for_outputs(out: Path, count: int, proc, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while len(outputs(out)) < count if out.exists() else True:
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "the run wrote nothing"
        time.sleep(0.02)


def finish(proc, timeout: float = 20.0):
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        try:
            proc.communicate(timeout=5)   # a worker left behind may hold the pipes
        except subprocess.TimeoutExpired:
            pass
        raise AssertionError(f"the command hung (still running {timeout} s after the signal)")
    proc.err = stderr.decode("utf-8", "replace")
    assert "Traceback" not in proc.err, proc.err
    return proc


def children(pid: int) -> list:
    """The processes whose parent is ``pid`` (from /proc/*/stat, which every
    Linux kernel has)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def converted_count(err: str) -> int:
    summary = [line for line in err.splitlines() if "converted" in line][-1]
    return int(summary.split("converted ")[1].split()[0].rstrip(","))


def assert_all_written_are_reported(out: Path, report: Path, err: str) -> set:
    written = outputs(out)
    rows = [json.loads(line) for line in report.read_text().splitlines()]
    reported = {r["output"] for r in rows if r["ok"]}
    assert written == reported, (len(written), len(reported))
    assert converted_count(err) == len(written)
    for path in written:
        assert fastsexpr.loads_all  # the files are whole: each one parses as XML
        assert Path(path).read_bytes().rstrip().endswith(b"</domain>")
    return written


@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_mid_run_reports_every_output_and_skip_existing_completes(tmp_path, signum, status):
    src = make_tree(tmp_path / "in", 600)
    out, report = tmp_path / "out", tmp_path / "r.jsonl"
    proc = start("convert", "-r", src, "-o", out, "-j", "2", "--report", report, driver=SLOW)
    wait_for_outputs(out, 40, proc)
    workers = children(proc.pid)
    proc.send_signal(signum)
    finish(proc)
    assert proc.returncode == status, proc.err
    assert "interrupted" in proc.err
    written = assert_all_written_are_reported(out, report, proc.err)
    assert 40 <= len(written) < 600
    assert no_temp_files(out)
    assert not [pid for pid in workers if alive(pid)]

    # The rerun converts only what has no output yet.
    again = start("convert", "-r", src, "-o", out, "-j", "2", "--skip-existing",
                  "--report", tmp_path / "r2.jsonl")
    finish(again, 120)
    assert again.returncode == 0, again.err
    assert f"skipped {len(written)}" in again.err
    assert len(outputs(out)) == 600
    for i in range(0, 600, 37):
        sxp = src / f"h{i % 4}" / f"g{i:04d}.sxp"
        xml = out / f"h{i % 4}" / f"g{i:04d}.xml"
        assert xml.read_text() == fastsexpr.sexpr_to_xml(sxp.read_text())
    rows = [json.loads(line) for line in (tmp_path / "r2.jsonl").read_text().splitlines()]
    assert len(rows) == 600 and all(r["ok"] for r in rows)
    assert sum(1 for r in rows if r.get("skipped")) == len(written)


def domains_count(err: str) -> int:
    """The domains the summary says were written (a dump's, when it is cut short)."""
    summary = [line for line in err.splitlines() if "converted" in line][-1]
    return int(summary.split("(")[1].split()[0]) if "domains)" in summary \
        else converted_count(err)


@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_during_a_long_dump_keeps_and_reports_the_domains_done(tmp_path, signum, status):
    # One input longer than a read (1 MiB): stopped between two domains, not
    # at its end, and every domain it wrote is in the summary and the report.
    long_args = "(args 'console=hvc0 " + "x" * 4000 + "')"
    dump = tmp_path / "dump.sxp"
    dump.write_text("".join(pv(f"g{i:04d}", UUIDS[i % 19], domid=i + 1).replace(
        "(kernel /boot/vmlinuz)", "(kernel /boot/vmlinuz)" + long_args) for i in range(600)))
    assert dump.stat().st_size > 1 << 20
    out, report = tmp_path / "out", tmp_path / "r.jsonl"
    proc = start("convert", dump, "-o", out, "-j", "2", "--report", report, driver=SLOW)
    wait_for_outputs(out, 40, proc)
    proc.send_signal(signum)
    finish(proc)
    assert proc.returncode == status, proc.err
    assert "interrupted" in proc.err
    written = outputs(out)
    rows = [json.loads(line) for line in report.read_text().splitlines()]
    assert {r["output"] for r in rows if r["ok"]} == written
    assert [r["domain_index"] for r in rows] == list(range(1, len(rows) + 1))
    assert domains_count(proc.err) == len(written)
    assert 40 <= len(written) < 600
    assert no_temp_files(out)
    # The rerun writes the rest, under the names the first run would have given.
    again = start("convert", dump, "-o", out, "-j", "2", "--skip-existing")
    finish(again, 120)
    assert again.returncode == 0, again.err
    assert len(outputs(out)) == 600
    assert (out / "dump" / "g0599.xml").read_bytes().rstrip().endswith(b"</domain>")


def test_workers_die_with_a_killed_parent_and_leave_no_temp_file(tmp_path):
    src = make_tree(tmp_path / "in", 600)
    out = tmp_path / "out"
    proc = start("convert", "-r", src, "-o", out, "-j", "2", driver=SLOWER)
    wait_for_outputs(out, 40, proc)
    workers = children(proc.pid)
    assert len(workers) == 2
    proc.kill()
    proc.wait()     # not communicate(): workers left behind would hold its pipes
    deadline = time.monotonic() + 1.0
    while [pid for pid in workers if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not [pid for pid in workers if alive(pid)], "workers outlived their parent"
    assert no_temp_files(out)
    settled = outputs(out)
    time.sleep(0.3)
    assert outputs(out) == settled
    proc.stdout.close()
    proc.stderr.close()


def test_many_quick_interrupts_never_hang(tmp_path):
    # Ctrl-C early in a -j 2 run, as the workers start: once in a few
    # hundred runs this hung in multiprocessing's Pool.terminate().
    src = make_tree(tmp_path / "in", 300)
    rng = random.Random(9)
    for k in range(30):
        out = tmp_path / f"out{k}"
        proc = start("convert", "-r", src, "-o", out, "-j", "2", "-q")
        deadline = time.monotonic() + 30
        while not children(proc.pid) and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.002)
        time.sleep(rng.uniform(0.0, 0.1))
        proc.send_signal(signal.SIGINT)
        finish(proc, 10)
        # 0: done before the signal (one landing after the run is ignored).
        assert proc.returncode in (0, 130), (k, proc.err)
        if out.exists():
            assert no_temp_files(out), k


# Python runs exit hooks (and threading's shutdown) after the command's
# main() has returned; this one makes that moment last and says when it
# has come.
SLOW_EXIT = """
import atexit, time
def slow_exit():
    open(FLAG, "w").close()
    time.sleep(1.0)
atexit.register(slow_exit)
"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_signal_as_the_command_exits_changes_nothing(tmp_path, jobs, signum):
    # A Ctrl-C just after a run has finished printed "Exception ignored in
    # <module 'threading'> ... KeyboardInterrupt" when it landed as the
    # interpreter shut down (once in a few hundred runs, in CI too).
    site = tmp_path / "site"
    site.mkdir()
    flag = tmp_path / "exiting"
    (site / "sitecustomize.py").write_text(SLOW_EXIT.replace("FLAG", repr(str(flag))))
    src = make_tree(tmp_path / "in", 8)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(site)] + sys.path)
    proc = subprocess.Popen([sys.executable, "-m", "fastsexpr", "convert", "-r", str(src),
                             "-o", str(tmp_path / "out"), "-j", jobs, "-q"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "the command did not finish"
        time.sleep(0.01)
    proc.send_signal(signum)
    finish(proc, 20)
    assert proc.err == "" and proc.returncode == 0
    assert len(outputs(tmp_path / "out")) == 8


# Each file's fsync takes 5 ms, so that a signal lands while one is written.
DRIVER_SLOW_FSYNC = """
import os, sys, time
real = os.fsync
def fsync(fd):
    time.sleep(0.005)
    return real(fd)
os.fsync = fsync
from fastsexpr.cli import main
sys.exit(main())
"""


# The command sends itself SIGTERM as it closes its 20th temporary file:
# the signal is handled between two steps of writing and renaming it, where
# the slow fsync above seldom lets it land (it did once, in CI).
DRIVER_SIGTERM_AT_A_CLOSE = """
import os, signal, sys
real, closed = os.close, []
def close(fd):
    temporary = os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp")
    real(fd)
    if temporary:
        closed.append(fd)
        if len(closed) == 20:
            os.kill(os.getpid(), signal.SIGTERM)
os.close = close
from fastsexpr.cli import main
sys.exit(main())
"""


# The same as the command's open of its 20th temporary file returns.
DRIVER_SIGTERM_AT_AN_OPEN = """
import os, signal, sys
real, opened = os.open, []
def open_(path, *args, **kwargs):
    fd = real(path, *args, **kwargs)
    if str(path).endswith(".tmp"):
        opened.append(fd)
        if len(opened) == 20:
            os.kill(os.getpid(), signal.SIGTERM)
    return fd
os.open = open_
from fastsexpr.cli import main
sys.exit(main())
"""


@pytest.mark.parametrize("when", ["slow-fsync", "at-a-close", "at-an-open"])
def test_sigterm_during_fmt_in_place_is_an_interruption_without_temp_files(tmp_path, when):
    old = {f"g{i:03d}.sxp": f"(domain   (name g{i}))\n" for i in range(400)}
    new = {name: f"(domain\n  (name g{int(name[1:4])}))\n" for name in old}
    for name, text in old.items():
        (tmp_path / name).write_text(text)

    def formatted():
        return sum(1 for name in old if (tmp_path / name).read_text() == new[name])

    if when == "slow-fsync":
        proc = start("fmt", "-i", "-q", tmp_path, driver=DRIVER_SLOW_FSYNC)
        deadline = time.monotonic() + 60
        while formatted() < 20:
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
    else:
        driver = DRIVER_SIGTERM_AT_A_CLOSE if when == "at-a-close" else DRIVER_SIGTERM_AT_AN_OPEN
        proc = start("fmt", "-i", "-q", tmp_path, driver=driver)
    finish(proc)
    assert proc.returncode == 143, proc.err
    assert "interrupted" in proc.err
    assert no_temp_files(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(old)
    for name in old:        # each file old or new, never half of either
        assert (tmp_path / name).read_text() in (old[name], new[name])
    assert formatted() < 400


def run_with_report(tmp_path, driver: str, *options, inputs: int = 20):
    """``convert`` of a tree into out/ with --report r.jsonl under a driver,
    run to its end: (the process, out, the report's path)."""
    src = make_tree(tmp_path / "in", inputs)
    out, report = tmp_path / "out", tmp_path / "r.jsonl"
    proc = start("convert", "-r", src, "-o", out, *options, "--report", report, driver=driver)
    finish(proc)
    return proc, out, report


def assert_no_temporary_file_and_a_whole_report(tmp_path, out, report, err: str) -> set:
    """No temporary file anywhere; the report, when there is one, lists
    every output written. The outputs written."""
    assert no_temp_files(tmp_path)
    written = outputs(out) if out.exists() else set()
    if report.exists():
        assert_all_written_are_reported(out, report, err)
    return written


# The command sends itself a signal as the open of the report's temporary
# file returns, before the run has started.
DRIVER_SIGNAL_AT_THE_REPORTS_OPEN = """
import os, signal, sys
real = os.open
def open_(path, *args, **kwargs):
    fd = real(path, *args, **kwargs)
    if os.path.basename(str(path)).startswith(".r.jsonl."):
        os.kill(os.getpid(), signal.%s)
    return fd
os.open = open_
from fastsexpr.cli import main
sys.exit(main())
"""


@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_as_the_report_is_opened_leaves_no_temporary_file(tmp_path, signum, status):
    proc, out, report = run_with_report(
        tmp_path, DRIVER_SIGNAL_AT_THE_REPORTS_OPEN % signal.Signals(signum).name)
    assert proc.returncode == status, proc.err
    written = assert_no_temporary_file_and_a_whole_report(tmp_path, out, report, proc.err)
    # Interrupted before any input: nothing written without a report to say so.
    assert report.exists() or not written


# A first SIGTERM as the report's temporary file is opened, and a second one
# (which stops at once) as the run asks for its results, before any input.
DRIVER_TWO_SIGNALS_BEFORE_THE_RUN = """
import os, signal, sys
import fastsexpr.cli.pool as pool
real_open, real_outcomes = os.open, pool.Stopper.outcomes
def open_(path, *args, **kwargs):
    fd = real_open(path, *args, **kwargs)
    if os.path.basename(str(path)).startswith(".r.jsonl."):
        os.kill(os.getpid(), signal.SIGTERM)
    return fd
def outcomes(self, *args, **kwargs):
    os.kill(os.getpid(), signal.SIGTERM)
    return real_outcomes(self, *args, **kwargs)
os.open, pool.Stopper.outcomes = open_, outcomes
from fastsexpr.cli import main
sys.exit(main())
"""


def test_second_signal_before_the_run_leaves_no_temporary_file(tmp_path):
    proc, out, report = run_with_report(tmp_path, DRIVER_TWO_SIGNALS_BEFORE_THE_RUN)
    assert proc.returncode == 143, proc.err
    assert "interrupted" in proc.err
    written = assert_no_temporary_file_and_a_whole_report(tmp_path, out, report, proc.err)
    assert report.exists() or not written


# A first SIGTERM as the fifth report line is made, a second one as the
# interrupted run's report is about to be put in place.
DRIVER_SECOND_SIGNAL_AT_THE_REPORTS_END = """
import os, signal, sys
import fastsexpr.cli.report as report, fastsexpr.cli.run as run
real_line, real_finish, lines = report.report_line, run._finish_report, []
def report_line(res):
    lines.append(1)
    if len(lines) == 5:
        os.kill(os.getpid(), signal.SIGTERM)
    return real_line(res)
def finish_report(*args):
    os.kill(os.getpid(), signal.SIGTERM)
    return real_finish(*args)
report.report_line, run._finish_report = report_line, finish_report
from fastsexpr.cli import main
sys.exit(main())
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_second_signal_as_the_report_is_put_in_place_leaves_no_temporary_file(tmp_path, jobs):
    proc, out, report = run_with_report(tmp_path, DRIVER_SECOND_SIGNAL_AT_THE_REPORTS_END,
                                        "-j", jobs, inputs=40)
    # Two SIGTERMs: the status says SIGTERM, whichever of them stopped the run.
    assert proc.returncode == 143, proc.err
    assert "interrupted" in proc.err
    assert_no_temporary_file_and_a_whole_report(tmp_path, out, report, proc.err)


# Two SIGINTs around the report's temporary file: the first as it is
# created, the second (which stops at once) just after the step that made
# it returns, or as the finished report is being put in place.
DRIVER_TWO_SIGNALS_AT_THE_REPORT = """
import os, signal, sys
import fastsexpr.cli.report as report
WHEN = %r
real_open = os.open
def open_(path, *args, **kwargs):
    fd = real_open(path, *args, **kwargs)
    if WHEN == "made" and os.path.basename(str(path)).startswith(".r.jsonl."):
        os.kill(os.getpid(), signal.SIGINT)
    return fd
os.open = open_
maker = "open" if hasattr(report.Report, "open") else "__init__"
real_maker = getattr(report.Report, maker)
def make(self, *args):
    real_maker(self, *args)
    if WHEN == "made" and getattr(self, "tmp", None):
        os.kill(os.getpid(), signal.SIGINT)
setattr(report.Report, maker, make)
real_line, real_install, lines = report.report_line, report.install_tmp, []
def report_line(res):
    lines.append(1)
    if WHEN == "installed" and len(lines) == 3:
        os.kill(os.getpid(), signal.SIGINT)
    return real_line(res)
def install_tmp(*args):
    if WHEN == "installed":
        os.kill(os.getpid(), signal.SIGINT)
    return real_install(*args)
report.report_line, report.install_tmp = report_line, install_tmp
from fastsexpr.cli import main
sys.exit(main())
"""


@pytest.mark.parametrize("when", ["made", "installed"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_two_signals_at_the_report_leave_no_temporary_file(tmp_path, when, jobs):
    proc, out, report = run_with_report(tmp_path, DRIVER_TWO_SIGNALS_AT_THE_REPORT % when,
                                        "-j", jobs, inputs=40)
    assert proc.returncode == 130, proc.err
    assert_no_temporary_file_and_a_whole_report(tmp_path, out, report, proc.err)
