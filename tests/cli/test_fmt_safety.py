"""``fastsexpr fmt`` never damages a file: what is not SEXPR is refused and
left alone, comments are never dropped, and a file too deep to format is an
error for that file alone."""
from __future__ import annotations

from cli_helpers import XML, no_temp_files, run


# ------------------------------------------------- what is not SEXPR

def test_fmt_refuses_domain_xml_and_leaves_it_alone(tmp_path):
    guest = tmp_path / "guest.xml"
    guest.write_text(XML)
    before = guest.read_bytes()

    inplace = run("fmt", "-i", guest)
    assert inplace.returncode == 1
    assert str(guest) in inplace.err and "XML" in inplace.err and "not SEXPR" in inplace.err
    assert guest.read_bytes() == before
    assert no_temp_files(tmp_path)

    printed = run("fmt", guest)
    assert printed.returncode == 1 and printed.stdout == b""
    assert str(guest) in printed.err and "XML" in printed.err

    check = run("fmt", "--check", guest)
    assert check.returncode == 1 and "would reformat" not in check.err and "XML" in check.err


def test_fmt_in_a_tree_refuses_xml_named_sxp_and_formats_the_rest(tmp_path):
    (tmp_path / "xml-inside.sxp").write_text(XML)
    (tmp_path / "notes.sxp").write_text("just some words\n")
    good = tmp_path / "good.sxp"
    good.write_text("(domain   (name a))\n")
    proc = run("fmt", "-i", tmp_path)
    assert proc.returncode == 1
    assert (tmp_path / "xml-inside.sxp").read_text() == XML
    assert (tmp_path / "notes.sxp").read_text() == "just some words\n"
    assert f"{tmp_path / 'xml-inside.sxp'}:" in proc.err and "XML" in proc.err
    assert f"{tmp_path / 'notes.sxp'}:" in proc.err and "not SEXPR" in proc.err
    assert good.read_text() == "(domain\n  (name a))\n"


def test_fmt_still_formats_sexpr_after_comments_and_blank_lines(tmp_path):
    f = tmp_path / "late.sxp"
    f.write_text("\n\n   (domain (name a))\n")
    proc = run("fmt", f)
    assert proc.returncode == 0, proc.err
    assert proc.stdout == b"(domain\n  (name a))\n"


# ----------------------------------------------------------- comments

def test_fmt_keeps_a_comment_next_to_an_escaped_hash(tmp_path):
    # One '#' in an escape, one starting a comment: counting them finds
    # nothing missing after formatting writes the atom as '#'.
    f = tmp_path / "g.sxp"
    text = '(domain (name "\\x23")) # note\n'
    f.write_text(text)
    proc = run("fmt", "-i", f)
    assert proc.returncode == 1
    assert f"{f}:1:24:" in proc.err and "comment" in proc.err
    assert f.read_text() == text
    assert run("fmt", "--check", f).returncode == 1
    printed = run("fmt", f)
    assert printed.returncode == 1 and printed.stdout == b""


def test_fmt_formats_hashes_that_are_no_comments(tmp_path):
    f = tmp_path / "g.sxp"
    f.write_text("(domain   (name 'a#b') (x \"\\x23\") (tag c#))\n")
    proc = run("fmt", "-i", f)
    assert proc.returncode == 0, proc.err
    assert f.read_text() == "(domain\n  (name 'a#b')\n  (x '#')\n  (tag 'c#'))\n"


# -------------------------------------------------------- deep nesting

def test_fmt_deep_file_is_an_error_for_that_file_alone(tmp_path):
    # 2,000 deep ran out of Python's recursion limit, 100,000 deep out of
    # memory (the readable layout indents every level), and the files
    # after it were never looked at.
    deep = tmp_path / "a-deep.sxp"
    deep.write_text("(a " * 2000 + ")" * 2000 + "\n")
    deeper = tmp_path / "b-deeper.sxp"
    deeper.write_text("(" * 100_000 + ")" * 100_000 + "\n")
    good = tmp_path / "c-good.sxp"
    good.write_text("(domain   (name a))\n")
    proc = run("fmt", "-i", deep, deeper, good)
    assert proc.returncode == 1
    assert f"{deep}:" in proc.err and "2000" in proc.err
    assert f"{deeper}:" in proc.err and "100000" in proc.err
    assert good.read_text() == "(domain\n  (name a))\n"
    assert deep.read_text() == "(a " * 2000 + ")" * 2000 + "\n"
    printed = run("fmt", deep, good)
    assert printed.returncode == 1 and printed.stdout == b"(domain\n  (name a))\n"


def test_fmt_names_an_xm_config_for_what_it_is(tmp_path):
    f = tmp_path / "guest.sxp"
    text = '# an xm config\nname = "web1"\nmemory = 512\nvcpus = 1\n'
    f.write_text(text)
    proc = run("fmt", "-i", f)
    assert proc.returncode == 1 and f"{f}:2:1:" in proc.err and "xm/xl config" in proc.err
    assert f.read_text() == text
