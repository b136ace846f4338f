"""SEXPR -> domain XML, per document, over libvirt 1.2.10's sexpr2xml inputs.

The engine (compiled ``fastsexpr.syntax._core`` or the pure-Python twin) is chosen
once, when ``fastsexpr.sexpr`` is imported, and the semantic layer binds its
helpers then; one process can therefore measure one engine only.  Run the
file twice to compare them honestly on the same machine:

    .venv/bin/pytest bench/test_bench_sexpr2xml.py --benchmark-only
    FASTSEXPR_PUREPYTHON=1 .venv/bin/pytest bench/test_bench_sexpr2xml.py --benchmark-only

Benchmark groups are named after the live engine.  Besides the whole
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
from fastsexpr.syntax import HAS_SPEEDUPS, loads
from fastsexpr.xend import read_sexpr

ENGINE = "compiled" if HAS_SPEEDUPS else "pure"
REFERENCE = ("sexpr2xml-pv", "sexpr2xml-fv-kernel", "sexpr2xml-fv-serial-tcp",
             "sexpr2xml-pv-vfb-new")
CASES = cases("sexpr2xml")
REFERENCE_CASES = [c for c in CASES if c.id.rsplit("-v", 1)[0] in REFERENCE]


@needs_corpus
@pytest.mark.parametrize("source,expected,version", CASES)
def test_sexpr_to_xml(benchmark, source, expected, version):
    benchmark.group = f"sexpr2xml per document ({ENGINE})"
    benchmark.extra_info["engine"] = ENGINE
    text = load_fixture(CORPUS / source)
    out = benchmark(sexpr_to_xml, text, xend_config_version=version)
    assert out == load_fixture(CORPUS / expected)


@needs_corpus
@pytest.mark.parametrize("source,expected,version", REFERENCE_CASES)
@pytest.mark.parametrize("stage", ["parse", "read", "write", "read-checked"])
def test_stage(benchmark, stage, source, expected, version):
    benchmark.group = f"sexpr2xml stage {stage} ({ENGINE})"
    benchmark.extra_info["engine"] = ENGINE
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
