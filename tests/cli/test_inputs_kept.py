"""No run ever writes over one of its inputs, ``--force`` or not: outputs
are compared with the inputs by file identity, whatever names lead to them,
and the outputs that would replace an input are refused while the others
are written."""
from __future__ import annotations

import pytest
from cli_helpers import UUIDS, XML, no_temp_files, pv, run

import fastsexpr


def snapshot(top):
    return {p: p.read_bytes() for p in top.rglob("*") if p.is_file()}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_tree_converted_into_itself_keeps_both_inputs(tmp_path, jobs):
    # a.sxp's output is a.xml, an input; a.xml's output is a.sxp, an input.
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.sxp").write_text(pv("pvguest", UUIDS[0]))
    (tree / "a.xml").write_text(XML)
    (tree / "b.sxp").write_text(pv("other", UUIDS[1]))
    before = snapshot(tree)
    proc = run("convert", "-r", tree, "-o", f"{tree}/", "--force", "-j", jobs)
    assert proc.returncode == 1
    after = snapshot(tree)
    for path, data in before.items():
        assert after[path] == data, path
    assert f"{tree / 'a.xml'} is " in proc.err and f"{tree / 'a.sxp'} is " in proc.err
    assert "input" in proc.err
    # the output that replaces no input is written
    assert (tree / "b.xml").read_text() == fastsexpr.sexpr_to_xml(pv("other", UUIDS[1]))
    assert no_temp_files(tree)


def test_output_file_that_is_the_input_is_refused_even_with_force(tmp_path):
    src = tmp_path / "a.sxp"
    src.write_text(pv("self", UUIDS[0]))
    proc = run("convert", src, "-o", src, "--force", "-t", "xml")
    assert proc.returncode == 1 and f"{src} is the input itself" in proc.err
    assert src.read_text() == pv("self", UUIDS[0])
    # through another name for the same file
    other = run("convert", src, "-o", tmp_path / "." / "sub" / ".." / "a.sxp", "--force")
    assert other.returncode != 0 and src.read_text() == pv("self", UUIDS[0])
    assert no_temp_files(tmp_path)


def test_output_through_a_symlinked_directory_is_still_the_input(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.sxp").write_text(pv("a", UUIDS[0]))
    (src / "a.xml").write_text(XML)
    (tmp_path / "alias").symlink_to(src)
    before = snapshot(src)
    proc = run("convert", src / "a.sxp", "-o", tmp_path / "alias" / "a.sxp", "--force", "-t", "xml")
    assert proc.returncode == 1 and "is the input itself" in proc.err
    link = tmp_path / "link.xml"
    link.symlink_to(src / "a.xml")
    via_link = run("convert", src / "a.xml", "-o", link, "--force", "-t", "xml")
    assert via_link.returncode == 1 and "is the input itself" in via_link.err
    assert snapshot(src) == before


def test_one_inputs_output_never_replaces_another_input(tmp_path):
    # -t sexpr: a.sexpr's output is a.sxp, which is another input.
    d = tmp_path / "d"
    d.mkdir()
    (d / "a.sexpr").write_text(pv("from-sexpr", UUIDS[0]))
    (d / "a.sxp").write_text(pv("from-sxp", UUIDS[1]))
    before = snapshot(d)
    for jobs in ("1", "2"):
        proc = run("convert", "-r", d, "-o", d, "--force", "-t", "sexpr", "-j", jobs)
        assert proc.returncode == 1, proc.err
        assert f"{d / 'a.sxp'} is " in proc.err and "input" in proc.err
        after = snapshot(d)
        for path, data in before.items():
            assert after[path] == data, path


def test_existing_input_named_as_output_is_named_as_an_input_without_force(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.sxp").write_text(pv("a", UUIDS[0]))
    (tree / "a.xml").write_text(XML)
    proc = run("convert", "-r", tree, "-o", tree)
    assert proc.returncode == 1
    # use --force would be bad advice: the file is an input
    line = [x for x in proc.err.splitlines() if f"{tree / 'a.sxp'}:" in x][0]
    assert "input" in line and "--force" not in line


def test_domain_named_outputs_never_replace_inputs(tmp_path):
    # A managed domain's output is named after the domain: web.xml, which is
    # an input; a dump's domains go to dump/<name>.xml, one of which is an input.
    tree = tmp_path / "tree"
    (tree / UUIDS[0]).mkdir(parents=True)
    (tree / UUIDS[0] / "config.sxp").write_text(pv("web", UUIDS[0]))
    (tree / "web.xml").write_text(XML)
    (tree / "dump.sxp").write_text(pv("x", UUIDS[1]) + pv("y", UUIDS[2], 2))
    (tree / "dump").mkdir()
    (tree / "dump" / "x.xml").write_text(XML.replace("xmlguest", "x"))
    before = snapshot(tree)
    proc = run("convert", "-r", tree, "-o", tree, "--force", "-t", "xml")
    assert proc.returncode == 1
    after = snapshot(tree)
    for path, data in before.items():
        assert after[path] == data, path
    assert f"{tree / 'web.xml'} is " in proc.err and f"{tree / 'dump' / 'x.xml'} is " in proc.err
    # the other domain of the dump is written
    assert (tree / "dump" / "y.xml").read_text() == fastsexpr.sexpr_to_xml(pv("y", UUIDS[2], 2))
    assert no_temp_files(tree)


# ------------------------------------------- nothing outside the output

def test_no_directory_is_made_outside_the_output_through_a_symlink(tmp_path):
    # out/link leads elsewhere; the input tree has link/sub/, whose mirror
    # out/link/sub/ would be made in elsewhere/ before the check refused it.
    src = tmp_path / "in"
    (src / "link" / "sub").mkdir(parents=True)
    (src / "link" / "sub" / "a.sxp").write_text(pv("a", UUIDS[0]))
    (src / "b.sxp").write_text(pv("b", UUIDS[1]))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "link").symlink_to(elsewhere)
    proc = run("convert", "-r", src, "-o", out)
    assert proc.returncode == 2 and "outside the output directory" in proc.err
    assert list(elsewhere.iterdir()) == []
