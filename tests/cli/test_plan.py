"""Planning: which files a tree walk takes, and the names and places of
their outputs (mirrored, after the domain, never outside -o)."""
from __future__ import annotations

import os

import pytest
from cli_helpers import UUIDS, domain_name, pv, run
from lxml import etree

from fastsexpr.cli import plan


# --------------------------------------------------------- output names

def test_output_inside_input_tree_is_not_read_back(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.sxp").write_text(pv("a", UUIDS[0]))
    first = run("convert", src, "-r", "-o", src / "xml")
    assert first.returncode == 0, first.err
    again = run("convert", src, "-r", "-o", src / "xml", "--force")
    assert again.returncode == 0 and "converted 1," in again.err


def test_managed_domain_tree_named_after_domains_and_never_outside(tmp_path):
    src = tmp_path / "domains"
    names = {UUIDS[0]: "web", UUIDS[1]: "web", UUIDS[2]: "../escape", UUIDS[3]: "a/b", UUIDS[4]: ".."}
    for uuid, name in names.items():
        (src / uuid).mkdir(parents=True)
        (src / uuid / "config.sxp").write_text(pv(name, uuid))
    out = tmp_path / "out"
    before = set(tmp_path.rglob("*"))
    proc = run("convert", src, "-r", "-o", out)
    assert proc.returncode == 0, proc.err
    made = {p for p in set(tmp_path.rglob("*")) - before}
    assert all(out in p.parents or p == out for p in made), made
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == 5 and all(not n.startswith(".") and "/" not in n for n in written)
    assert "web.xml" in written and f"web-{UUIDS[1]}.xml" in written
    # each file holds the domain it is named after
    for p in out.iterdir():
        assert domain_name(p.read_bytes()) in names.values()
    assert domain_name((out / f"web-{UUIDS[1]}.xml").read_bytes()) == "web"
    assert etree.fromstring((out / f"web-{UUIDS[1]}.xml").read_bytes()).findtext("uuid") == UUIDS[1]


@pytest.mark.parametrize("how", ["walk-above", "walk-of-uuid-dir", "file", "file-in-cwd"])
def test_managed_config_is_named_after_its_domain_however_it_is_given(tmp_path, how):
    # <uuid>/config.sxp is xend's store: every one is called config.sxp, so
    # its output is named after the domain; a config.sxp in any other
    # directory keeps its own name.
    src = tmp_path / "domains"
    (src / UUIDS[0]).mkdir(parents=True)
    (src / UUIDS[0] / "config.sxp").write_text(pv("web", UUIDS[0]))
    (src / "host1").mkdir()
    (src / "host1" / "config.sxp").write_text(pv("db", UUIDS[1]))
    out = tmp_path / "out"
    out.mkdir()
    arg, cwd = {"walk-above": (src, None), "walk-of-uuid-dir": (src / UUIDS[0], None),
                "file": (src / UUIDS[0] / "config.sxp", None),
                "file-in-cwd": ("config.sxp", src / UUIDS[0])}[how]
    proc = run("convert", "-r", arg, "-o", f"{out}/", cwd=cwd)
    assert proc.returncode == 0, proc.err
    assert domain_name((out / "web.xml").read_bytes()) == "web"
    if how == "walk-above":
        assert domain_name((out / "host1" / "config.xml").read_bytes()) == "db"
        assert sorted(p.name for p in out.rglob("*.xml")) == ["config.xml", "web.xml"]


def test_stdin_into_a_directory_is_named_after_the_domain(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    proc = run("convert", "-o", out, stdin=pv("from-stdin", UUIDS[5]).encode())
    assert proc.returncode == 0, proc.err
    assert domain_name((out / "from-stdin.xml").read_bytes()) == "from-stdin"


# ------------------------------------------------------ path arithmetic

@pytest.mark.parametrize("base", ["out", "out/", ".", "/", "a/../b", "./x/", "//srv"])
@pytest.mark.parametrize("rel", ["", "g", "host01/g", "d/e/f.x"])
def test_under_is_normpath_of_join(base, rel):
    norm = os.path.normpath(base)
    assert plan.path_under(norm, rel) == os.path.normpath(os.path.join(base, rel))
    assert plan.path_under(norm, rel, plan.dir_prefix(norm)) == plan.path_under(norm, rel)
