"""libvirt 1.2.10's fixtures as benchmark input, read where they lie.

``../shared/conformance/libvirt-1.2.10`` beside the checkout, or
``FASTSEXPR_CONFORMANCE_DIR``; nothing is copied into the project.
"""
from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get(
    "FASTSEXPR_CONFORMANCE_DIR",
    ROOT.parent / "shared" / "conformance" / "libvirt-1.2.10"))


def load(path: Path) -> str:
    # libvirt's test loader joins every line that ends in a backslash.
    return path.read_bytes().decode("utf-8").replace("\\\n", "")


def cases(direction: str) -> list:
    """``pytest.param(input, expected, version)`` for each case of a direction."""
    table = CORPUS / "cases.tsv"
    if not table.is_file():
        return []
    with table.open(newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["direction"] == direction]
    return [pytest.param(r["input"], r["expected"], int(r["xend_config_version"]),
                         id=f"{Path(r['input']).stem}-v{r['xend_config_version']}")
            for r in rows]


needs_corpus = pytest.mark.skipif(
    not (CORPUS / "cases.tsv").is_file(),
    reason=f"libvirt conformance corpus not found at {CORPUS}")
