"""libvirt 1.2.10's own SEXPR files read alike by both engines.

Every ``sexpr2xmldata`` input and every ``xml2sexprdata`` expected output
(backslash-newline continuations joined, as libvirt's test loader does) is
read with the libvirt dialect.  The corpus is found like the conformance
test finds it: ``../shared/conformance/libvirt-1.2.10`` beside the checkout
or ``FASTSEXPR_CONFORMANCE_DIR``; ``FASTSEXPR_REQUIRE_CONFORMANCE=1`` turns
a missing corpus into a failure.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from fastsexpr import _pycore

from conftest import COMPILED_SKIP, compiled_core

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get(
    "FASTSEXPR_CONFORMANCE_DIR",
    ROOT.parent / "shared" / "conformance" / "libvirt-1.2.10"))
REQUIRED = os.environ.get("FASTSEXPR_REQUIRE_CONFORMANCE", "") not in ("", "0")


def _files():
    found = sorted(CORPUS.glob("sexpr2xmldata/*.sexpr")) + sorted(CORPUS.glob("xml2sexprdata/*.sexpr"))
    if found:
        return [pytest.param(p, id=f"{p.parent.name}/{p.stem}") for p in found]
    marks = [] if REQUIRED else [pytest.mark.skip(reason=f"libvirt conformance corpus not found at {CORPUS}")]
    return [pytest.param(None, id="corpus-missing", marks=marks)]


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8").replace("\\\n", "")


@pytest.mark.parametrize("path", _files())
def test_fixture_reads_as_a_domain(impl, path):
    if path is None:
        pytest.fail(f"libvirt conformance corpus not found at {CORPUS} (FASTSEXPR_REQUIRE_CONFORMANCE is set)")
    text = _read(path)
    tree = impl.loads(text, dialect="libvirt")
    assert isinstance(tree, list) and tree
    assert tree[0] in ("domain", "vm")
    assert impl.loads(text.encode("utf-8"), dialect="libvirt") == tree


@pytest.mark.skipif(COMPILED_SKIP is not None, reason=COMPILED_SKIP or "")
@pytest.mark.parametrize("path", _files())
def test_engines_agree_on_fixture(path):
    if path is None:
        pytest.fail(f"libvirt conformance corpus not found at {CORPUS} (FASTSEXPR_REQUIRE_CONFORMANCE is set)")
    text = _read(path)
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
    if not CORPUS.is_dir():
        if REQUIRED:
            pytest.fail(f"libvirt conformance corpus not found at {CORPUS}")
        pytest.skip(f"libvirt conformance corpus not found at {CORPUS}")
    assert len(list(CORPUS.glob("sexpr2xmldata/*.sexpr"))) == 50
    assert len(list(CORPUS.glob("xml2sexprdata/*.sexpr"))) == 51
