"""Fixtures shared by the test modules.

``impl`` runs a test once per SEXPR engine: the compiled ``_core`` (id
``compiled``) and its pure-Python twin (id ``pure``).  The compiled run is
skipped, with the reason, when the extension cannot be imported or when
``FASTSEXPR_PUREPYTHON=1`` asks for the pure engine only.
"""
from __future__ import annotations

import os

import pytest

from fastsexpr.syntax import _pycore

PURE_ONLY = os.environ.get("FASTSEXPR_PUREPYTHON", "") not in ("", "0")

compiled_core = None
if PURE_ONLY:
    COMPILED_SKIP = "FASTSEXPR_PUREPYTHON=1: pure-Python engine only"
else:
    try:
        from fastsexpr.syntax import _core as compiled_core
    except ImportError as exc:  # not built in this checkout
        COMPILED_SKIP = f"compiled core not importable: {exc}"
    else:
        COMPILED_SKIP = None


def _engines():
    marks = [pytest.mark.skip(reason=COMPILED_SKIP)] if COMPILED_SKIP else []
    return [pytest.param(compiled_core, id="compiled", marks=marks),
            pytest.param(_pycore, id="pure")]


@pytest.fixture(params=_engines())
def impl(request):
    """One SEXPR engine module (``fastsexpr.syntax._core`` or ``fastsexpr.syntax._pycore``)."""
    return request.param
