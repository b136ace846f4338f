"""Byte-exact conformance with libvirt 1.2.10's own fixtures.

The corpus is read where it lies (``../shared/conformance/libvirt-1.2.10``
beside the checkout, or ``FASTSEXPR_CONFORMANCE_DIR``); it is never copied
into the project.  Without it these tests skip, unless
``FASTSEXPR_REQUIRE_CONFORMANCE=1`` (as CI sets) makes that a failure.
"""
from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

import fastsexpr

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get(
    "FASTSEXPR_CONFORMANCE_DIR",
    ROOT.parent / "shared" / "conformance" / "libvirt-1.2.10"))
REQUIRED = os.environ.get("FASTSEXPR_REQUIRE_CONFORMANCE", "") not in ("", "0")


def load_fixture(path: Path) -> str:
    # libvirt's test loader joins every line that ends in a backslash.
    return path.read_bytes().decode("utf-8").replace("\\\n", "")


def cases(direction: str):
    table = CORPUS / "cases.tsv"
    if not table.is_file():
        if REQUIRED:
            return [pytest.param(None, None, 0, id="corpus-missing")]
        return [pytest.param(None, None, 0, id="corpus-missing", marks=pytest.mark.skip(
            reason=f"libvirt conformance corpus not found at {CORPUS}; "
                   "set FASTSEXPR_CONFORMANCE_DIR"))]
    with table.open(newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["direction"] == direction]
    return [pytest.param(r["input"], r["expected"], int(r["xend_config_version"]),
                         id=f"{Path(r['input']).stem}-v{r['xend_config_version']}")
            for r in rows]


def _check(convert, source, expected, version):
    if source is None:
        pytest.fail(f"libvirt conformance corpus not found at {CORPUS} "
                    "(FASTSEXPR_REQUIRE_CONFORMANCE is set)")
    got = convert(load_fixture(CORPUS / source), xend_config_version=version)
    assert got == load_fixture(CORPUS / expected)


@pytest.mark.parametrize("source,expected,version", cases("xml2sexpr"))
def test_xml_to_sexpr_matches_libvirt(source, expected, version):
    _check(fastsexpr.xml_to_sexpr, source, expected, version)


@pytest.mark.parametrize("source,expected,version", cases("sexpr2xml"))
def test_sexpr_to_xml_matches_libvirt(source, expected, version):
    _check(fastsexpr.sexpr_to_xml, source, expected, version)


def test_corpus_counts():
    """Every case libvirt ran is here: none can pass by being left out."""
    if not (CORPUS / "cases.tsv").is_file():
        if REQUIRED:
            pytest.fail(f"libvirt conformance corpus not found at {CORPUS}")
        pytest.skip(f"libvirt conformance corpus not found at {CORPUS}")
    assert len(cases("xml2sexpr")) == 52
    assert len(cases("sexpr2xml")) == 51
