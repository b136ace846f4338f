"""The library is safe to call from many threads at once.

Every conversion of libvirt's fixtures runs in eight threads at the same
time, each many times over, and every result must be libvirt's expected
bytes: a shared parser, buffer or cache would show up as a wrong output or
an exception in some thread.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from corpus import CORPUS, load_fixture, require_corpus, rows

import fastsexpr

CONVERT = {"xml2sexpr": fastsexpr.xml_to_sexpr, "sexpr2xml": fastsexpr.sexpr_to_xml}


def _jobs():
    return [(CONVERT[d], load_fixture(CORPUS / r["input"]), int(r["xend_config_version"]),
             load_fixture(CORPUS / r["expected"]))
            for d in CONVERT for r in rows(d)]


# Four SEXPR fixtures are unbalanced and warn (tests/xend/test_records.py).
@pytest.mark.filterwarnings("ignore::fastsexpr.FastSexprWarning")
@pytest.mark.parametrize("threads", [8])
def test_conversions_in_many_threads_match_libvirt(threads):
    require_corpus()
    jobs = _jobs() * 20

    def run(job):
        convert, text, version, expected = job
        return convert(text, xend_config_version=version) == expected

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(run, jobs))
    assert len(results) == len(jobs) and all(results)


def test_engine_in_many_threads_matches_one_thread():
    require_corpus()
    docs = [load_fixture(p) for p in sorted(CORPUS.glob("sexpr2xmldata/*.sexpr"))]
    expected = [fastsexpr.loads(d, dialect="libvirt") for d in docs]
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda d: fastsexpr.loads(d, dialect="libvirt"), docs * 50))
    assert got == expected * 50
