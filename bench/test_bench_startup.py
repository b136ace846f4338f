"""Start-up: one small file through the command, against a bare interpreter.

    .venv/bin/pytest bench/test_bench_startup.py --benchmark-only

Management tools spawn ``fastsexpr convert`` once per guest, so what a
process pays before and after converting one small file matters as much as
the conversion.  Each round runs, in turn, a bare ``python -c pass`` (in the
benchmark's untimed setup, timed here) and the command, so the two see the
same machine; ``extra_info`` holds the ratio of their minimums and of their
medians (target: the command at most 4x the bare interpreter).

The command is started as the console script pip installs starts it (the
same lines, given to ``python -c``), so the figure is what a user of the
installed ``fastsexpr`` meets; ``import fastsexpr`` alone is measured the
same way.  Both engines run (the ``engine`` fixture); the children cache
their bytecode as an installed package does.  ``FASTSEXPR_BENCH_ROUNDS``
sets the rounds (30).
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("pytest_benchmark")

ROOT = Path(__file__).resolve().parent.parent
GUEST = ROOT / "examples" / "pv-guest.sxp"
ROUNDS = int(os.environ.get("FASTSEXPR_BENCH_ROUNDS", "30"))
TARGET_RATIO = 4.0

# What pip's console-script launcher runs (it also imports re).
LAUNCHER = ("import re, sys\nfrom fastsexpr.cli import main\n"
            "sys.argv[0] = 'fastsexpr'\nsys.exit(main())")


def _env(engine):
    env = dict(engine.env)
    # Children import the package under test from wherever they run.
    src = str(Path(__import__("fastsexpr").__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join([src] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    # An installed package has its bytecode cached: let the warm-up round
    # write it, or every round would compile the sources again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _run(argv, cwd, env) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, env=env, cwd=cwd, timeout=60)
    wall = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-2000:]
    return wall


def _against_bare(benchmark, engine, argv, tmp_path, name):
    """Time ``argv`` in the benchmark, a bare interpreter in its setup, in
    turn; record the ratios."""
    bare, timed = [], []
    env = _env(engine)

    def setup():
        bare.append(_run([sys.executable, "-c", "pass"], tmp_path, env))

    def command():
        timed.append(_run(argv, tmp_path, env))

    benchmark.group = f"startup-{engine}"
    benchmark.pedantic(command, setup=setup, rounds=ROUNDS, iterations=1, warmup_rounds=1)
    if benchmark.stats is None:     # --benchmark-disable: nothing was timed
        return
    timed, bare = timed[-ROUNDS:], bare[-ROUNDS:]
    benchmark.extra_info.update({
        "engine": str(engine), "what": name, "target_ratio": TARGET_RATIO,
        "ms_min": round(min(timed) * 1e3, 1), "bare_ms_min": round(min(bare) * 1e3, 1),
        "ratio_min": round(min(timed) / min(bare), 2),
        "ratio_median": round(statistics.median(timed) / statistics.median(bare), 2),
        "loadavg_1min": round(os.getloadavg()[0], 2),
    })


def test_convert_one_file_to_stdout(benchmark, engine, tmp_path):
    _against_bare(benchmark, engine, [sys.executable, "-c", LAUNCHER, "convert", str(GUEST)],
                  tmp_path, "fastsexpr convert guest.sxp")


def test_convert_one_file_to_file(benchmark, engine, tmp_path):
    out = tmp_path / "out.xml"
    argv = [sys.executable, "-c", LAUNCHER, "convert", str(GUEST), "-o", str(out), "--force"]
    _against_bare(benchmark, engine, argv, tmp_path, "fastsexpr convert guest.sxp -o out.xml")
    assert out.read_text().startswith("<domain")


def test_import_fastsexpr(benchmark, engine, tmp_path):
    _against_bare(benchmark, engine, [sys.executable, "-c", "import fastsexpr"], tmp_path,
                  "import fastsexpr")
