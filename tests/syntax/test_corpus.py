"""libvirt 1.2.10's own SEXPR files read alike by both engines.

Every ``sexpr2xmldata`` input and every ``xml2sexprdata`` expected output
(backslash-newline continuations joined, as libvirt's test loader does) is
read with the libvirt dialect.  The corpus is found by ``tests/corpus.py``;
``FASTSEXPR_REQUIRE_CONFORMANCE=1`` turns a missing corpus into a failure.
"""
from __future__ import annotations

import pytest

from fastsexpr.syntax import _pycore

from conftest import COMPILED_SKIP, compiled_core
from corpus import CORPUS, files, load_fixture, require_corpus

def _files():
    return files("sexpr2xmldata/*.sexpr", "xml2sexprdata/*.sexpr")


@pytest.mark.parametrize("path", _files())
def test_fixture_reads_as_a_domain(impl, path):
    require_corpus()
    text = load_fixture(path)
    tree = impl.loads(text, dialect="libvirt")
    assert isinstance(tree, list) and tree
    assert tree[0] in ("domain", "vm")
    assert impl.loads(text.encode("utf-8"), dialect="libvirt") == tree


@pytest.mark.skipif(COMPILED_SKIP is not None, reason=COMPILED_SKIP or "")
@pytest.mark.parametrize("path", _files())
def test_engines_agree_on_fixture(path):
    require_corpus()
    text = load_fixture(path)
    assert compiled_core.loads(text, dialect="libvirt") == _pycore.loads(text, dialect="libvirt")
    # Some fixtures close more lists than they open: loads_all reports the
    # stray ')' there, and must do so at the same place in both engines.
    assert _outcome(compiled_core.loads_all, text) == _outcome(_pycore.loads_all, text)


def _outcome(fn, text):
    try:
        return ("ok", fn(text, dialect="libvirt"))
    except Exception as exc:
        return (type(exc), getattr(exc, "msg", None), getattr(exc, "pos", None))


def test_corpus_is_all_there():
    require_corpus()
    assert len(list(CORPUS.glob("sexpr2xmldata/*.sexpr"))) == 50
    assert len(list(CORPUS.glob("xml2sexprdata/*.sexpr"))) == 51
