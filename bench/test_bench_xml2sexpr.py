"""Domain XML -> SEXPR, per document, over libvirt 1.2.10's xml2sexpr inputs.

Engines: this direction touches the SEXPR engine only through the
``SexprWriter`` emitter (the XML side is lxml in both cases); both engines
run side by side in one process through the ``engine`` fixture of
``bench/conftest.py`` (``compiled`` is skipped when the extension is not
built).

    .venv/bin/pytest bench/test_bench_xml2sexpr.py --benchmark-only

Besides the whole conversion of every fixture input, the four documents
libvirt's C converter was timed on (50-66 us each: ``pv``, ``fv-kernel``,
``fv-serial-tcp``, ``pv-vfb-new``) are measured stage by stage: ``parse``
(lxml, hardened, text -> element tree), ``read`` (text -> Domain, which
includes the parse), ``checked`` (the read with the check of what the SEXPR
cannot carry, libvirt_xml/carried.py, as ``xml_to_sexpr`` reads) and
``write`` (Domain -> SEXPR text).

Expect ``full`` to cost more than ``read`` + ``write`` on the bigger
documents (fv-serial-tcp: ~8 us more on the reference machine).  Nothing is
cached or re-done: the instruction counts add up exactly (callgrind), and
the same excess appears when ``write`` is replaced by any unrelated Python
code of similar size, but not by the same amount of work repeated in one
small function.  It is the CPU front end running out of room for that much
distinct interpreted code in one loop, so the cure is less Python per
document, not a cache.

The corpus is read at bench time from ``../shared`` (or
``FASTSEXPR_CONFORMANCE_DIR``); without it the benchmarks skip.
"""
from __future__ import annotations

import pytest
from corpus import CORPUS, cases, load_fixture, needs_corpus

from fastsexpr import xml_to_sexpr
from fastsexpr.libvirt_xml import read_xml
from fastsexpr.libvirt_xml.carried import read_xml_checked
from fastsexpr.libvirt_xml.parse import parse_document
from fastsexpr import xend as writer

REFERENCE = ("xml2sexpr-pv", "xml2sexpr-fv-kernel", "xml2sexpr-fv-serial-tcp",
             "xml2sexpr-pv-vfb-new")
CASES = cases("xml2sexpr")
# pv is listed at versions 1 and 2, the other three at one version each.
REFERENCE_CASES = [c for c in CASES if c.id.rsplit("-v", 1)[0] in REFERENCE]


@needs_corpus
@pytest.mark.parametrize("source,expected,version", CASES)
def test_xml_to_sexpr(benchmark, engine, source, expected, version):
    benchmark.group = f"xml2sexpr per document ({engine})"
    benchmark.extra_info["engine"] = engine.name
    text = load_fixture(CORPUS / source)
    out = benchmark(xml_to_sexpr, text, xend_config_version=version)
    assert out == load_fixture(CORPUS / expected)


@needs_corpus
@pytest.mark.parametrize("source,expected,version", REFERENCE_CASES)
@pytest.mark.parametrize("stage", ["parse", "read", "checked", "write"])
def test_stage(benchmark, engine, stage, source, expected, version):
    benchmark.group = f"xml2sexpr stage {stage} ({engine})"
    benchmark.extra_info["engine"] = engine.name
    text = load_fixture(CORPUS / source)
    domain = read_xml(text)
    if stage == "parse":
        benchmark(parse_document, text)
    elif stage == "read":
        benchmark(read_xml, text)
    elif stage == "checked":
        assert benchmark(read_xml_checked, text, target="sexpr")[1] == []
    else:
        assert benchmark(writer.write_sexpr, domain, version) == load_fixture(CORPUS / expected)
