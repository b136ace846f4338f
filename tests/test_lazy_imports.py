"""What a process loads: ``import fastsexpr``, a SEXPR -> XML conversion and
the command converting one SEXPR file leave out what they do not use (lxml,
the worker pool, the other formats), so a tool that spawns the command per
guest does not pay for them.  These check behaviour (which modules a fresh
interpreter imported), not time; the time is in bench/test_bench_startup.py.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import fastsexpr

ROOT = Path(__file__).resolve().parent.parent
GUEST = ROOT / "examples" / "pv-guest.sxp"
# The children import the package under test wherever they run (a relative
# PYTHONPATH=src would not follow them into another directory).
ENV = dict(os.environ, PYTHONPATH=os.pathsep.join(
    [str(Path(fastsexpr.__file__).resolve().parents[1])]
    + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))

# Loaded only when XML is read, by a pool of workers, or by other commands.
NOT_FOR_SEXPR_TO_XML = ("lxml", "lxml.etree", "fastsexpr.xm")
NOT_FOR_ONE_FILE = NOT_FOR_SEXPR_TO_XML + (
    "multiprocessing", "ctypes", "json", "tqdm", "secrets", "random", "difflib", "shutil",
    "dataclasses", "inspect", "ast",
    # Annotations only: every module reads them lazily (from __future__ import annotations).
    "typing",
    # The XML parser's per-thread state; signals are set in the main thread only.
    "threading")


def modules_after(code: str) -> set:
    """The modules a fresh interpreter holds after running ``code``."""
    probe = code + "\nimport sys\nprint('\\n'.join(sys.modules))\n"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env=ENV)
    assert proc.returncode == 0, proc.stderr
    return set(proc.stdout.split())


def command_modules(tmp_path, *args) -> set:
    """The modules ``python -m fastsexpr ARGS`` imported (``-X importtime``
    lists each one as it is first imported)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "fastsexpr", *args],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path, env=ENV)
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("import time:")]
    assert lines, proc.stderr
    return {line.rsplit("|", 1)[1].strip() for line in lines}


def test_import_loads_no_format_and_no_lxml():
    loaded = modules_after("import fastsexpr")
    heavy = {"lxml", "fastsexpr.libvirt_xml", "fastsexpr.xend", "fastsexpr.xm",
             "fastsexpr.convert", "fastsexpr.model.domain", "typing", "dataclasses", "secrets"}
    assert not loaded & heavy, sorted(loaded & heavy)


def test_public_names_all_resolve_and_are_listed():
    for name in fastsexpr.__all__:
        assert getattr(fastsexpr, name) is not None, name
    assert set(fastsexpr.__all__) <= set(dir(fastsexpr))
    namespace: dict = {}
    exec("from fastsexpr import *", namespace)
    assert set(fastsexpr.__all__) - {"__version__"} <= set(namespace)


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        fastsexpr.no_such_name  # noqa: B018
    assert not hasattr(fastsexpr, "no_such_name")


def test_lazy_name_is_the_object_of_its_module():
    loaded = modules_after(
        "import fastsexpr, fastsexpr.convert as c, fastsexpr.model.domain as d\n"
        "assert fastsexpr.sexpr_to_xml is c.sexpr_to_xml and fastsexpr.Domain is d.Domain\n"
        "assert fastsexpr.__doc__ and 'xend' in fastsexpr.sexpr_to_xml.__doc__")
    assert "fastsexpr.convert" in loaded


def test_sexpr_to_xml_leaves_lxml_and_xm_unloaded():
    loaded = modules_after(
        "import fastsexpr\n"
        f"xml = fastsexpr.sexpr_to_xml(open({str(GUEST)!r}).read())\n"
        "assert xml.startswith('<domain')")
    assert not loaded & set(NOT_FOR_SEXPR_TO_XML), sorted(loaded & set(NOT_FOR_SEXPR_TO_XML))


def test_reading_xml_loads_lxml():
    loaded = modules_after(
        "import fastsexpr\n"
        "fastsexpr.xml_to_sexpr(\"<domain type='xen'><name>a</name>"
        "<uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid><memory>524288</memory>"
        "<os><type>linux</type><kernel>/k</kernel></os></domain>\")")
    assert "lxml.etree" in loaded


@pytest.mark.parametrize("output", [None, "out.xml"], ids=["stdout", "file"])
def test_command_on_one_sexpr_file_loads_no_pool_and_no_lxml(tmp_path, output):
    args = ["convert", str(GUEST)] + (["-o", output] if output else [])
    loaded = command_modules(tmp_path, *args)
    assert "fastsexpr.cli" in loaded
    # One output needs no batched syncfs nor renameat2 through libc (ctypes):
    # an fsync of the file and of its directory make it durable.
    assert not loaded & set(NOT_FOR_ONE_FILE), sorted(loaded & set(NOT_FOR_ONE_FILE))
    if output:
        assert (tmp_path / output).read_text().startswith("<domain")


@pytest.mark.skipif(not fastsexpr.HAS_SPEEDUPS, reason="the compiled core is not live")
@pytest.mark.parametrize("source", ["xml", "sexpr", "sexpr-vfb"])
def test_compiled_core_leaves_its_pure_twin_unloaded(tmp_path, source):
    # The twin is the compiled core's answer for inputs of unusual types
    # only; a conversion with the compiled core must not pay for loading it.
    # A vfb without vncdisplay (as xend writes most of them) reads a number
    # that is not there.
    guest = ROOT / "examples" / "hvm-guest.sxp" if source == "sexpr-vfb" else GUEST
    if source == "xml":
        guest = tmp_path / "guest.xml"
        guest.write_text(fastsexpr.sexpr_to_xml(GUEST.read_text()))
    loaded = command_modules(tmp_path, "convert", str(guest))
    assert "fastsexpr.syntax._core" in loaded
    # Nor its parts the compiled core uses to stream a long file.
    twin = {"fastsexpr.syntax._pycore", "fastsexpr.syntax._pystream", "fastsexpr.syntax._pyreader"}
    assert not loaded & twin, sorted(loaded & twin)


@pytest.mark.parametrize("columns", [40, 100])
def test_help_still_fits_the_terminal_width(tmp_path, columns):
    # The width comes from COLUMNS (or the terminal), as argparse's own does.
    proc = subprocess.run([sys.executable, "-m", "fastsexpr", "convert", "--help"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env=dict(ENV, COLUMNS=str(columns)))
    assert proc.returncode == 0, proc.stderr
    options = proc.stdout.split("options:", 1)[1].split("examples:", 1)[0]
    # The help texts wrap at the width (an option's own name may not).
    widest = max(len(line) for line in options.splitlines() if not line.lstrip().startswith("-"))
    assert columns - 12 < widest <= columns - 2


def test_type_checkers_see_each_lazy_name_from_its_module():
    # The eager imports under TYPE_CHECKING and the table of lazy names must
    # not drift apart: mypy would check a name against the wrong module.
    import ast
    import inspect
    tree = ast.parse(inspect.getsource(fastsexpr))
    block = next(node for node in tree.body if isinstance(node, ast.If)
                 and getattr(node.test, "id", None) == "TYPE_CHECKING")
    seen = {alias.name: "." * node.level + node.module
            for node in block.body for alias in node.names}
    assert seen == fastsexpr._HOME_OF
    eager = {"__version__", "FastSexprError", "SexprSyntaxError", "XmSyntaxError",
             "ConversionError", "DomainXMLError", "FastSexprWarning"}
    assert set(fastsexpr.__all__) == set(seen) | eager
