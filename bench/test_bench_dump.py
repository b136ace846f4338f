"""A large dump through the command: peak memory and domains per second,
against a tree of single-domain files holding the same domains, converted
by the same command in the same run.

The dump is read a record at a time and each domain written as soon as it
is converted, so peak memory is bounded by the largest record, not the
file.  The size is small by default (CI runs this untimed); the goal is
measured at 100 MB (about 150,000 domains as bench/gen_corpus.py writes
them), on a real disk:

    FASTSEXPR_BENCH_DUMP_MB=100 FASTSEXPR_BENCH_DIR=/var/tmp \\
        .venv/bin/pytest bench/test_bench_dump.py --benchmark-only

``FASTSEXPR_BENCH_BASELINE=/path/to/python`` also runs the dump through
another build (an older install) in the same run, interleaved, for the
before/after ratios.  The figures are in the benchmark's extra_info
(``--benchmark-json``); nothing here asserts a time or a size.
"""
from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest


pytest.importorskip("pytest_benchmark")
sys.path.insert(0, os.path.dirname(__file__))
from gen_corpus import PREFIXES, _sexpr, _uuid  # noqa: E402

DUMP_MB = float(os.environ.get("FASTSEXPR_BENCH_DUMP_MB", "0.3"))
ROUNDS = int(os.environ.get("FASTSEXPR_BENCH_DUMP_ROUNDS", "2"))


def write_corpus(top: Path, megabytes: float):
    """A dump of about ``megabytes`` MB of xm list --long records, and a tree
    with each of its records in a file of its own; (dump, tree, domains)."""
    rng = random.Random(1)
    dump, tree = top / "dump.sxp", top / "tree"
    n, size = 0, 0
    with open(dump, "w", encoding="utf-8") as out:
        while size < megabytes * 1e6:
            text = _sexpr(rng, f"{rng.choice(PREFIXES)}{n:06d}", _uuid(rng), n + 1, True)
            out.write(text)
            host = tree / f"host{n // 1000:03d}"
            if n % 1000 == 0:
                host.mkdir(parents=True)
            (host / f"dom{n:06d}.sxp").write_text(text, encoding="utf-8")
            size += len(text)
            n += 1
    return dump, tree, n


TIME = "/usr/bin/time"


def convert(python: str, args, out: Path, engine):
    """(seconds, peak RSS in bytes) of one ``fastsexpr convert`` into ``out``,
    a new directory.

    Outputs are removed only when the module ends: ext4 without a journal
    passes over the inodes freed in the last minute (five when their table
    block is not yet written) each time it makes a file, and deleting the
    previous run's 150,000 outputs just before a run made it up to four times
    slower, by how recent the deletion was."""
    assert not out.exists()
    out.parent.mkdir(parents=True, exist_ok=True)
    env = dict(engine.env)
    if python != sys.executable:
        env.pop("PYTHONPATH", None)     # the other build, as it is installed
    cmd = [python, "-m", "fastsexpr", "convert", *map(str, args), "-o", str(out), "-q"]
    # A child's peak RSS starts at its parent's when it forks: measured
    # through time(1), a small parent, where there is one.
    timed = os.path.exists(TIME)
    rss_file = out.with_name(out.name + ".rss")
    if timed:
        cmd = [TIME, "-f", "%M", "-o", str(rss_file)] + cmd
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    assert os.waitstatus_to_exitcode(status) == 0, err[-2000:]
    # in KiB: the largest of the command and the workers it waited for
    kib = int(rss_file.read_text().split()[-1]) if timed else usage.ru_maxrss
    return seconds, kib * 1024


@pytest.fixture(scope="module")
def corpus():
    top = Path(tempfile.mkdtemp(prefix="fastsexpr-bench-dump-",
                                dir=os.environ.get("FASTSEXPR_BENCH_DIR")))
    yield (*write_corpus(top, DUMP_MB), top)
    shutil.rmtree(top, ignore_errors=True)


def test_dump_against_a_tree_of_the_same_domains(benchmark, corpus, engine):
    dump, tree, n, top = corpus
    benchmark.group = f"convert: a {DUMP_MB:g} MB dump against a tree of its domains ({engine})"
    runs = {"dump": [], "tree": [], "dump_baseline": []}
    baseline = os.environ.get("FASTSEXPR_BENCH_BASELINE")
    out = top / engine.name         # the corpus serves every engine
    for r in range(ROUNDS):         # interleaved: noise hits every kind alike
        if baseline:
            runs["dump_baseline"].append(convert(baseline, [dump], out / f"base{r}", engine))
        runs["dump"].append(convert(sys.executable, [dump], out / f"dump{r}", engine))
        runs["tree"].append(convert(sys.executable, ["-r", tree], out / f"tree{r}", engine))
    best = {k: (min(s for s, _ in v), max(m for _, m in v)) for k, v in runs.items() if v}
    info = {"domains": n, "dump_bytes": dump.stat().st_size,
            "dump_domains_per_s": n / best["dump"][0], "tree_files_per_s": n / best["tree"][0],
            "dump_peak_rss_mb": best["dump"][1] / 2**20,
            "tree_peak_rss_mb": best["tree"][1] / 2**20}
    info["dump_over_tree"] = info["dump_domains_per_s"] / info["tree_files_per_s"]
    if baseline:
        info["baseline_dump_domains_per_s"] = n / best["dump_baseline"][0]
        info["baseline_dump_peak_rss_mb"] = best["dump_baseline"][1] / 2**20
    benchmark.extra_info.update(info)
    print("\n" + ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}"
                           for k, v in info.items()))
    benchmark.pedantic(convert, args=(sys.executable, [dump], out / "last", engine), rounds=1,
                       iterations=1)
    assert len(os.listdir(out / "last" / "dump")) == n
