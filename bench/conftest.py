"""Shared benchmark plumbing: the engine fixture and a throughput table.

``engine`` runs a benchmark once per SEXPR engine, ``compiled`` (skipped when
the extension is not built) and ``pure``, side by side in one process, so
their ratio comes from one run.  In process, it points every name the
package bound from the live engine at the chosen one for the duration of
the benchmark (the semantic layer binds its engine helpers at import);
``engine.env`` is the environment that runs a child process, such as the
``fastsexpr`` command, on that engine.

A benchmark that calls ``record_mbps(benchmark, nbytes)`` after timing gets
``benchmark.extra_info["MB/s"]`` (from the median round) and a row in the
table printed when the session ends, grouped like pytest-benchmark groups.
"""
from __future__ import annotations

import importlib
import os
import pkgutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Dict, NamedTuple

import pytest

from fastsexpr import syntax
from fastsexpr.syntax import _pycore

try:
    from fastsexpr.syntax import _core
except ImportError:        # the extension is not built: measure the twin only
    _core = None

# The one corpus helper of the project lives with the tests.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


class Engine(NamedTuple):
    name: str                 # "compiled" or "pure"
    core: ModuleType          # fastsexpr.syntax._core or ._pycore
    env: Dict[str, str]       # os.environ for a child process on this engine

    def __str__(self) -> str:
        return self.name


def _import_whole_package() -> None:
    """The package imports its parts on first use (``fastsexpr.<name>``,
    the xm format, the pool): import them all before any engine is swapped
    in, or a part first imported while one is would keep it for good."""
    import fastsexpr
    for info in pkgutil.walk_packages(fastsexpr.__path__, "fastsexpr."):
        if not info.name.endswith("__main__"):
            try:
                importlib.import_module(info.name)
            except ImportError:     # the compiled core, when it is not built
                pass
    for name in fastsexpr.__all__:
        getattr(fastsexpr, name)


def _bind_compiled_semantics(compiled: bool, monkeypatch) -> None:
    """Compiled code outside the engine follows it, as FASTSEXPR_PUREPYTHON
    makes it: the xm config's line scan."""
    from fastsexpr.xm import conf
    use_compiled = compiled and conf._confscan.COMPILED
    monkeypatch.setattr(conf, "_scan", conf._scan_compiled if use_compiled else conf._scan_regex)


def _bind_package_to(core: ModuleType, monkeypatch) -> None:
    _import_whole_package()
    _bind_compiled_semantics(core is not _pycore, monkeypatch)
    live = syntax._impl
    if core is live:
        return
    swap = {id(live): core}
    for name in dir(live):
        obj = getattr(live, name)
        if callable(obj) and not name.startswith("__") and hasattr(core, name):
            swap[id(obj)] = getattr(core, name)
    for mod_name, mod in list(sys.modules.items()):
        if not mod_name.startswith("fastsexpr") or mod in (live, core) or mod is None:
            continue
        for attr, obj in list(vars(mod).items()):
            if id(obj) in swap:
                monkeypatch.setattr(mod, attr, swap[id(obj)])


@pytest.fixture(params=[
    pytest.param("compiled", marks=pytest.mark.skipif(_core is None,
                                                       reason="compiled core not built")),
    pytest.param("pure"),
])
def engine(request, monkeypatch) -> Engine:
    core = _core if request.param == "compiled" else _pycore
    _bind_package_to(core, monkeypatch)
    env = dict(os.environ, FASTSEXPR_PUREPYTHON="1" if core is _pycore else "0")
    return Engine(request.param, core, env)

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
