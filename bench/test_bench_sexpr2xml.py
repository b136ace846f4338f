"""SEXPR -> domain XML, per document, over libvirt 1.2.10's sexpr2xml inputs.

Both engines (compiled ``fastsexpr.syntax._core``, skipped when not built,
and the pure-Python twin) run side by side in one process through the
``engine`` fixture of ``bench/conftest.py``:

    .venv/bin/pytest bench/test_bench_sexpr2xml.py --benchmark-only

Benchmark groups are named after the engine.  Besides the whole
conversion of every fixture input, the four documents libvirt's C converter
was timed on (11-21 us each: ``pv``, ``fv-kernel``, ``fv-serial-tcp``,
``pv-vfb-new``) are also measured stage by stage: parse (text -> tree),
read (tree -> Domain), write (Domain -> XML text), and read-checked (the
read with the check for settings the XML cannot carry, as sexpr_to_xml
runs it: compare with read).

The corpus is read at bench time from ``../shared`` (or
``FASTSEXPR_CONFORMANCE_DIR``); without it the benchmarks skip.
"""
from __future__ import annotations

import pytest
from corpus import CORPUS, cases, load_fixture, needs_corpus

from fastsexpr import sexpr_to_xml
from fastsexpr.libvirt_xml import write_xml
from fastsexpr.xend import read_sexpr

REFERENCE = ("sexpr2xml-pv", "sexpr2xml-fv-kernel", "sexpr2xml-fv-serial-tcp",
             "sexpr2xml-pv-vfb-new")
CASES = cases("sexpr2xml")
REFERENCE_CASES = [c for c in CASES if c.id.rsplit("-v", 1)[0] in REFERENCE]


@needs_corpus
@pytest.mark.parametrize("source,expected,version", CASES)
def test_sexpr_to_xml(benchmark, engine, source, expected, version):
    benchmark.group = f"sexpr2xml per document ({engine})"
    benchmark.extra_info["engine"] = engine.name
    text = load_fixture(CORPUS / source)
    out = benchmark(sexpr_to_xml, text, xend_config_version=version)
    assert out == load_fixture(CORPUS / expected)


@needs_corpus
@pytest.mark.parametrize("source,expected,version", REFERENCE_CASES)
@pytest.mark.parametrize("stage", ["parse", "read", "write", "read-checked"])
def test_stage(benchmark, engine, stage, source, expected, version):
    benchmark.group = f"sexpr2xml stage {stage} ({engine})"
    benchmark.extra_info["engine"] = engine.name
    loads = engine.core.loads
    text = load_fixture(CORPUS / source)
    tree = loads(text, dialect="libvirt")
    domain = read_sexpr(tree, version)
    if stage == "parse":
        benchmark(loads, text, dialect="libvirt")
    elif stage == "read":
        benchmark(read_sexpr, tree, version)
    elif stage == "read-checked":
        dropped: list = []
        benchmark(read_sexpr, tree, version, dropped=dropped)
        assert dropped == []
    else:
        assert benchmark(write_xml, domain) == load_fixture(CORPUS / expected)
