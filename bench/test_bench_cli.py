"""``fastsexpr convert`` on a generated tree: -j 1, -j 2, and in-process.

    .venv/bin/pytest bench/test_bench_cli.py --benchmark-only

Each benchmark runs once per engine (the ``engine`` fixture of
``bench/conftest.py``: the children get its environment).

The tree is ``bench/gen_corpus.py`` with N = 2,000 domains (seed 1: about
1,600 files; ``FASTSEXPR_BENCH_N`` changes N).  It is written to a tmpfs
(/dev/shm) when there is one, so that the figures measure the command and
not a shared disk; ``FASTSEXPR_BENCH_DIR`` points it elsewhere (a real disk
adds one fsync per output file).

Each round runs the real command in a subprocess into an empty output
directory, so interpreter start-up and imports count.  ``extra_info``
holds files per second (whole command, and the command's own time from its
summary line), the -j 2 / -j 1 scaling ratio (target: at least 1.7 on two
idle cores; each -j 2 round follows a -j 1 round, untimed by the benchmark,
and ``scaling_ratio_paired`` is the median of the rounds' ratios: a burst
of other work on a shared machine then falls on both sides of a pair), and
the per-file overhead of the command against converting the
same files in-process with the library API and writing nothing.

``test_cli_real_disk_vs_tmpfs`` converts one tree of about 3,000 files
(``FASTSEXPR_BENCH_DISK_N`` domains) with ``-j 2`` into a real disk and into
a tmpfs, in turn, and records tmpfs time / disk time (target: at least
0.5; every output is durable when the command exits 0). The disk directory
is made under ``FASTSEXPR_BENCH_DISK_DIR`` (default: beside this checkout);
``extra_info`` names its filesystem type, so that a tmpfs there shows.
"""
from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

pytest.importorskip("pytest_benchmark")

import fastsexpr  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_corpus import generate  # noqa: E402

N = int(os.environ.get("FASTSEXPR_BENCH_N", "2000"))
DISK_N = int(os.environ.get("FASTSEXPR_BENCH_DISK_N", "3700"))   # about 3,000 files
ROUNDS = 3
SUMMARY = re.compile(r"converted (\d+).*failed (\d+) in ([0-9.]+)s")


@pytest.fixture(scope="module")
def corpus():
    base = os.environ.get("FASTSEXPR_BENCH_DIR") or ("/dev/shm" if os.path.isdir("/dev/shm") else None)
    top = Path(tempfile.mkdtemp(prefix="fastsexpr-bench-", dir=base))
    src = top / "corpus"
    counts = generate(str(src), N, seed=1)
    files = sorted(p for p in src.rglob("*") if p.is_file())
    assert len(files) == sum(counts.values())
    state = {"top": top, "src": src, "files": files, "results": {}, "walls": {}}
    yield state
    shutil.rmtree(top, ignore_errors=True)


def _convert(corpus, engine, jobs: int, out=None):
    out = out or corpus["top"] / f"out-j{jobs}"
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "fastsexpr", "convert", str(corpus["src"]), "-r",
         "-o", str(out), "-j", str(jobs)],
        capture_output=True, text=True, env=engine.env, timeout=600)
    wall = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr[-2000:]
    m = SUMMARY.search(proc.stderr)
    assert m and int(m.group(1)) == len(corpus["files"]) and m.group(2) == "0", proc.stderr
    return wall, float(m.group(3))


def _in_process(files):
    """Every domain of every file through the library API; nothing written."""
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".xml":
            fastsexpr.xml_to_sexpr(data)
            continue
        trees = fastsexpr.loads_all(data, dialect="libvirt")
        if len(trees) == 1:
            fastsexpr.sexpr_to_xml(data)
        else:
            for tree in trees:
                fastsexpr.write_xml(fastsexpr.read_sexpr(tree, 4))


def _run_and_record(benchmark, corpus, engine, jobs, setup=None):
    walls, own = [], []

    def once():
        wall, elapsed = _convert(corpus, engine, jobs)
        walls.append(wall)
        own.append(elapsed)

    benchmark.group = f"cli-{engine}"
    benchmark.pedantic(once, setup=setup, rounds=ROUNDS, iterations=1, warmup_rounds=0)
    n = len(corpus["files"])
    best_wall, best_own = min(walls), min(own)
    corpus["results"][engine.name, jobs] = (best_wall, best_own)
    corpus["walls"][engine.name, jobs] = walls
    benchmark.extra_info.update({
        "engine": engine.name, "domains": N, "files": n, "jobs": jobs, "dir": str(corpus["top"]),
        "files_per_s": round(n / best_wall), "files_per_s_own": round(n / best_own),
    })
    return best_wall, best_own


def _j1(corpus, engine):
    """-j 1's best (wall, own) time, measured here if its benchmark has not."""
    key = (engine.name, 1)
    if key not in corpus["results"]:
        corpus["results"][key] = min((_convert(corpus, engine, 1) for _ in range(ROUNDS)),
                                     key=lambda r: r[0])
    return corpus["results"][key]


def test_cli_j1(benchmark, corpus, engine):
    _run_and_record(benchmark, corpus, engine, 1)


def test_cli_j2(benchmark, corpus, engine):
    paired_j1: list = []

    def j1_first():
        paired_j1.append(_convert(corpus, engine, 1)[0])

    wall2, own2 = _run_and_record(benchmark, corpus, engine, 2, setup=j1_first)
    wall1, own1 = _j1(corpus, engine)
    pairs = zip(paired_j1, corpus["walls"][engine.name, 2])
    benchmark.extra_info.update({
        "scaling_ratio_paired": round(statistics.median(w1 / w2 for w1, w2 in pairs), 2),
        "scaling_ratio": round(wall1 / wall2, 2),
        "scaling_ratio_own": round(own1 / own2, 2),
        "target_ratio": 1.7, "cpus": os.cpu_count(),
        # Other work on the machine takes cores from -j 2 first: keep the load with the figures.
        "loadavg_1min": round(os.getloadavg()[0], 2),
    })


def test_in_process_baseline(benchmark, corpus, engine):
    files = corpus["files"]
    benchmark.group = f"cli-{engine}"
    benchmark.pedantic(_in_process, args=(files,), rounds=ROUNDS, iterations=1)
    if benchmark.stats is None:     # --benchmark-disable: nothing was timed
        return
    inproc = benchmark.stats.stats.min
    wall1, own1 = _j1(corpus, engine)
    n = len(files)
    benchmark.extra_info.update({
        "engine": engine.name, "domains": N, "files": n,
        "files_per_s": round(n / inproc),
        "cli_j1_overhead_us_per_file": round((wall1 - inproc) / n * 1e6),
        "cli_j1_overhead_us_per_file_own": round((own1 - inproc) / n * 1e6),
    })


def _fs_type(path: Path) -> str:
    """The type of the filesystem ``path`` is on, from /proc/mounts (Linux)."""
    best, kind = "", "unknown"
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return kind
    real = os.path.realpath(path)
    for line in mounts:
        fields = line.split()
        if len(fields) > 2 and (real == fields[1] or real.startswith(fields[1].rstrip("/") + "/")) \
                and len(fields[1]) >= len(best):
            best, kind = fields[1], fields[2]
    return kind


@pytest.fixture(scope="module")
def disk_and_tmpfs():
    if not os.path.isdir("/dev/shm"):
        pytest.skip("no tmpfs at /dev/shm")
    base = os.environ.get("FASTSEXPR_BENCH_DISK_DIR") or str(Path(__file__).resolve().parent.parent)
    tops = [Path(tempfile.mkdtemp(prefix=".fastsexpr-bench-disk-", dir=base)),
            Path(tempfile.mkdtemp(prefix="fastsexpr-bench-tmpfs-", dir="/dev/shm"))]
    states = []
    for top in tops:
        src = top / "corpus"
        generate(str(src), DISK_N, seed=1)
        states.append({"top": top, "src": src,
                       "files": sorted(p for p in src.rglob("*") if p.is_file())})
    yield states
    for top in tops:
        shutil.rmtree(top, ignore_errors=True)


def test_cli_real_disk_vs_tmpfs(benchmark, disk_and_tmpfs, engine):
    disk, tmpfs = disk_and_tmpfs
    disk_walls, tmpfs_walls = [], []

    def once():
        # In turn, so that a change in the machine's load touches both.  A
        # new output directory each round, the old ones removed only at the
        # end: ext4 without a journal passes over the inodes freed in the
        # last minute when it makes a file, and deleting the previous
        # round's outputs made a round up to ten times slower.
        # (The corpus serves every engine: each has directories of its own.)
        fresh = disk["top"] / f"out-{engine.name}{len(disk_walls)}"
        disk_walls.append(_convert(disk, engine, 2, fresh)[0])
        tmpfs_walls.append(_convert(tmpfs, engine, 2, tmpfs["top"] / "out")[0])

    benchmark.group = f"cli-disk-{engine}"
    benchmark.pedantic(once, rounds=ROUNDS, iterations=1, warmup_rounds=0)
    benchmark.extra_info.update({
        "engine": engine.name, "files": len(disk["files"]), "jobs": 2,
        "disk_dir": str(disk["top"]), "disk_fs": _fs_type(disk["top"]),
        "disk_files_per_s": round(len(disk["files"]) / min(disk_walls)),
        "tmpfs_files_per_s": round(len(tmpfs["files"]) / min(tmpfs_walls)),
        "disk_vs_tmpfs": round(min(tmpfs_walls) / min(disk_walls), 2), "target_ratio": 0.5,
    })
