"""Fixtures shared by the test modules.

``impl`` runs a test once per SEXPR engine: the compiled ``_core`` (id
``compiled``) and its pure-Python twin (id ``pure``).  The compiled run is
skipped, with the reason, when the extension cannot be imported or when
``FASTSEXPR_PUREPYTHON=1`` asks for the pure engine only.
"""
from __future__ import annotations

import io
import os
import textwrap

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


# Domains the tests make: distinct UUIDs, and one record as `xm list --long`
# prints it (15 lines, one element a line).
UUIDS = [f"{i:08x}-1111-4222-8333-4444555566{i:02x}" for i in range(1, 20)]


def xm_list_record(name: str, k: int = 1) -> str:
    """Domain record number ``k`` named ``name``, as xm list --long prints it."""
    return textwrap.dedent(f"""\
        (domain
          (domid {k})
          (name {name})
          (uuid {UUIDS[k - 1]})
          (memory 256)
          (maxmem 256)
          (vcpus 1)
          (image
            (linux
              (kernel /boot/vmlinuz)))
          (device
            (vbd
              (dev xvda)
              (uname file:/srv/{name}.img)
              (mode w))))
        """)


class Reads(io.BytesIO):
    """A binary file that remembers what was asked of it."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.sizes = []

    def read(self, size=-1):
        self.sizes.append(size)
        return super().read(size)
