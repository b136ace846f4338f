"""Shared benchmark plumbing: a throughput table at the end of the run.

A benchmark that calls ``record_mbps(benchmark, nbytes)`` after timing gets
``benchmark.extra_info["MB/s"]`` (from the median round) and a row in the
table printed when the session ends, grouped like pytest-benchmark groups.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

# The one corpus helper of the project lives with the tests.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

_RATES = pytest.StashKey[dict]()


@pytest.fixture
def record_mbps(request):
    rates = request.config.stash.setdefault(_RATES, {})

    def record(benchmark, nbytes):
        stats = getattr(benchmark, "stats", None)
        if not stats:           # --benchmark-disable: nothing was timed
            return None
        rate = nbytes / stats.stats.median / 1e6
        benchmark.extra_info["MB/s"] = round(rate, 2)
        benchmark.extra_info["bytes"] = nbytes
        rates.setdefault(benchmark.group or "", {})[benchmark.name] = rate
        return rate
    return record


def pytest_terminal_summary(terminalreporter, config):
    rates = config.stash.get(_RATES, None)
    if not rates:
        return
    terminalreporter.section("throughput (MB/s, median round)")
    for group in sorted(rates):
        rows = sorted(rates[group].items(), key=lambda kv: -kv[1])
        best = rows[0][1]
        terminalreporter.write_line(f"[{group}]  MB/s, and how many times the fastest")
        for name, rate in rows:
            terminalreporter.write_line(f"  {rate:10.2f}  {best / rate:8.1f}x  {name}")
