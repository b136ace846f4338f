"""The one place tests and benchmarks find libvirt 1.2.10's fixtures.

The corpus is read where it lies (``../shared/conformance/libvirt-1.2.10``
beside the checkout, or ``FASTSEXPR_CONFORMANCE_DIR``); it is never copied
into the project.  Without it the tests that need it skip, unless
``FASTSEXPR_REQUIRE_CONFORMANCE=1`` (as CI sets) makes that a failure.
"""
from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import List

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get(
    "FASTSEXPR_CONFORMANCE_DIR",
    ROOT.parent / "shared" / "conformance" / "libvirt-1.2.10"))
REQUIRED = os.environ.get("FASTSEXPR_REQUIRE_CONFORMANCE", "") not in ("", "0")
PRESENT = (CORPUS / "cases.tsv").is_file()
MISSING = f"libvirt conformance corpus not found at {CORPUS}; set FASTSEXPR_CONFORMANCE_DIR"


def load_fixture(path: Path) -> str:
    """A fixture's text, its backslash-newline continuations joined as
    libvirt's test loader joined them."""
    return path.read_bytes().decode("utf-8").replace("\\\n", "")


def require_corpus() -> None:
    """Skip the calling test without the corpus, or fail it when CI asks
    for the corpus."""
    if not PRESENT:
        if REQUIRED:
            pytest.fail(f"{MISSING} (FASTSEXPR_REQUIRE_CONFORMANCE is set)")
        pytest.skip(MISSING)


# Applied to tests and to parameter sets that cannot be built without the
# corpus: with FASTSEXPR_REQUIRE_CONFORMANCE set, nothing skips.
needs_corpus = pytest.mark.skipif(not PRESENT and not REQUIRED, reason=MISSING)


def _placeholder(n: int) -> list:
    """One parameter set standing in for the missing corpus: it skips, or
    under FASTSEXPR_REQUIRE_CONFORMANCE reaches a test that must call
    :func:`require_corpus` first and so fails."""
    marks = [] if REQUIRED else [pytest.mark.skip(reason=MISSING)]
    return [pytest.param(*([None] * n), id="corpus-missing", marks=marks)]


def rows(direction: str) -> List[dict]:
    """The ``cases.tsv`` rows of one direction (``xml2sexpr``, ``sexpr2xml``,
    ``xml2xm``, ``xm2xml``)."""
    if not PRESENT:
        return []
    with (CORPUS / "cases.tsv").open(newline="") as f:
        return [r for r in csv.DictReader(f, delimiter="\t") if r["direction"] == direction]


def cases(direction: str) -> list:
    """``pytest.param(input, expected, version)`` for each case of a direction."""
    if not PRESENT:
        return _placeholder(3)
    return [pytest.param(r["input"], r["expected"], int(r["xend_config_version"]),
                         id=f"{Path(r['input']).stem}-v{r['xend_config_version']}")
            for r in rows(direction)]


def files(*patterns: str) -> list:
    """``pytest.param(path)`` for each corpus file matching the glob patterns."""
    found = [p for pattern in patterns for p in sorted(CORPUS.glob(pattern))]
    if not found:
        return _placeholder(1)
    return [pytest.param(p, id=f"{p.parent.name}/{p.stem}") for p in found]


def documents(folder: str, suffix: str) -> List[str]:
    """The text of every ``folder/*.suffix`` fixture (empty without the corpus)."""
    return sorted(load_fixture(p) for p in (CORPUS / folder).glob(f"*.{suffix}"))
