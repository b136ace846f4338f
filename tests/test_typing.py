"""A typed client of the public API checks clean under ``mypy --strict``.

Embedders type-check their code: the public names must carry real types
(not ``Any``), so both a correct client passing and a wrong one failing are
checked.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("mypy")

CLIENT = textwrap.dedent("""\
    import fastsexpr

    tree = fastsexpr.loads("(domain (name web1))")
    name: str | None = fastsexpr.value(tree, "domain/name")
    trees = fastsexpr.loads_all("(a)(b)", dialect="libvirt")
    first = fastsexpr.nonempty_value(trees[0], "a")
    text: str = fastsexpr.dumps(tree, indent=2)
    xml: str = fastsexpr.sexpr_to_xml("(domain)", xend_config_version=4)
    sexpr: str = fastsexpr.xml_to_sexpr(xml, host_arch="i686")
    dom: fastsexpr.Domain = fastsexpr.read_xml(xml)
    out: str = fastsexpr.write_sexpr(dom, 4) + fastsexpr.write_xml(dom)
    try:
        fastsexpr.loads("(")
    except fastsexpr.SexprSyntaxError as exc:
        where: int = exc.lineno + exc.colno + exc.pos
    except fastsexpr.DomainXMLError as exc:
        line: int | None = exc.lineno
    print(name, first, text, sexpr, out)
""")


def mypy(tmp_path, source: str):
    client = tmp_path / "client.py"
    client.write_text(source)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
         "--cache-dir", str(tmp_path / "cache"), str(client)],
        capture_output=True, text=True)


def test_typed_client_checks_clean(tmp_path):
    proc = mypy(tmp_path, CLIENT)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_wrong_use_is_caught(tmp_path):
    # With Any-typed names this would pass unnoticed.
    proc = mypy(tmp_path, 'import fastsexpr\nn: int = fastsexpr.loads("a")\n'
                          'm: int = fastsexpr.sexpr_to_xml("(domain)")\n')
    assert proc.returncode == 1
    assert proc.stdout.count("error: Incompatible types in assignment") == 2, proc.stdout


# Stub-only names (the tree type, the dialect literal) that exist for type
# checkers alone: these two never resolved at run time.
_STUB_TYPED = {"load", "dump"}


def test_public_functions_annotations_resolve_at_run_time():
    # Tools that read signatures at run time (CLI builders, validators,
    # documentation generators) call typing.get_type_hints on them.
    import typing

    import fastsexpr

    for name in sorted(set(fastsexpr.__all__) - _STUB_TYPED):
        obj = getattr(fastsexpr, name)
        if callable(obj) and not isinstance(obj, type):
            typing.get_type_hints(obj)
    hints = typing.get_type_hints(fastsexpr.read_sexpr)
    assert hints["dropped"] == list | None and hints["xend_config_version"] is int
