"""Byte-exact conformance with libvirt 1.2.10's own fixtures.

The corpus is found by ``tests/corpus.py``; without it these tests skip,
unless ``FASTSEXPR_REQUIRE_CONFORMANCE=1`` (as CI sets) makes that a failure.
"""
from __future__ import annotations

import pytest
from corpus import CORPUS, cases, load_fixture, require_corpus

import fastsexpr


def _check(convert, source, expected, version):
    require_corpus()
    got = convert(load_fixture(CORPUS / source), xend_config_version=version)
    assert got == load_fixture(CORPUS / expected)


@pytest.mark.parametrize("source,expected,version", cases("xml2sexpr"))
def test_xml_to_sexpr_matches_libvirt(source, expected, version):
    _check(fastsexpr.xml_to_sexpr, source, expected, version)


# Four fixture records are unbalanced and warn (FastSexprWarning): those
# warnings are asserted in tests/xend/test_records.py.
@pytest.mark.filterwarnings("ignore::fastsexpr.FastSexprWarning")
@pytest.mark.parametrize("source,expected,version", cases("sexpr2xml"))
def test_sexpr_to_xml_matches_libvirt(source, expected, version):
    _check(fastsexpr.sexpr_to_xml, source, expected, version)


@pytest.mark.parametrize("source,expected,version", cases("xml2xm"))
def test_xml_to_xm_matches_libvirt(source, expected, version):
    _check(fastsexpr.xml_to_xm, source, expected, version)


@pytest.mark.parametrize("source,expected,version", cases("xm2xml"))
def test_xm_to_xml_matches_libvirt(source, expected, version):
    _check(fastsexpr.xm_to_xml, source, expected, version)


def test_corpus_counts():
    """Every case libvirt ran is here: none can pass by being left out."""
    require_corpus()
    assert len(cases("xml2sexpr")) == 52
    assert len(cases("sexpr2xml")) == 51
    assert len(cases("xml2xm")) == 33
    assert len(cases("xm2xml")) == 33
