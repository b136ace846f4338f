"""Damaged input gets a FastSexprError, never another exception.

Hypothesis damages libvirt's own fixture documents (cuts, repeats, stray
parentheses and quotes, odd numbers, non-ASCII) and feeds them to both
converters at every xend version: each call either converts or raises an
error of ours, which the command line reports with its place and reason.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from corpus import documents, needs_corpus, require_corpus

import fastsexpr

SNIPPETS = ["(", ")", "'", " ", "0x", "-1", "99999999999999999999", "\\", "''", "()",
            "(x)", ":", "@", ",server", "\x0b", "\x00", "é", "<", ">", "&", "/>", "<x>"]


SEXPR_DOCS = documents("sexpr2xmldata", "sexpr")
XML_DOCS = documents("xml2sexprdata", "xml")

edits = st.lists(st.tuples(st.floats(0, 1), st.integers(0, 12), st.integers(0, 3),
                           st.sampled_from(SNIPPETS)), min_size=1, max_size=4)
PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def damage(text: str, changes) -> str:
    for where, width, how, snippet in changes:
        i = int(where * len(text))
        j = min(len(text), i + width)
        if how == 0:
            text = text[:i] + text[j:]
        elif how == 1:
            text = text[:i] + text[i:j] * 2 + text[j:]
        else:
            text = text[:i] + snippet + text[i:]
    return text


def _converts_or_refuses(convert, text, version):
    try:
        assert isinstance(convert(text, xend_config_version=version), str)
    except fastsexpr.FastSexprError as exc:
        assert str(exc)


# Damaged records warn (FastSexprWarning) where libvirt's reader forgave them.
@pytest.mark.filterwarnings("ignore::fastsexpr.FastSexprWarning")
@needs_corpus
@PROPS
@given(st.data(), edits, st.integers(1, 4))
def test_damaged_sexpr_is_converted_or_refused(data, changes, version):
    require_corpus()
    text = damage(data.draw(st.sampled_from(SEXPR_DOCS)), changes)
    _converts_or_refuses(fastsexpr.sexpr_to_xml, text, version)


@needs_corpus
@PROPS
@given(st.data(), edits, st.integers(1, 4))
def test_damaged_xml_is_converted_or_refused(data, changes, version):
    require_corpus()
    text = damage(data.draw(st.sampled_from(XML_DOCS)), changes)
    _converts_or_refuses(fastsexpr.xml_to_sexpr, text, version)
