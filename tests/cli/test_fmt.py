"""``fastsexpr fmt``: readable and compact layouts, --check, -i, and files
left alone when formatting would lose something."""
from __future__ import annotations

from cli_helpers import no_temp_files, run

import fastsexpr


def test_fmt_readable_compact_and_all_expressions_kept(tmp_path):
    f = tmp_path / "two.sxp"
    f.write_text("(domain (name a) (image (linux (kernel /k))))\n(domain (name b))\n")
    readable = run("fmt", f)
    assert readable.returncode == 0
    assert readable.stdout.decode() == (
        "(domain\n  (name a)\n  (image\n    (linux\n      (kernel /k))))\n(domain\n  (name b))\n")
    four = run("fmt", "--indent", "4", f).stdout.decode()
    assert four.splitlines()[1] == "    (name a)"
    compact = run("fmt", "--compact", "-", stdin=readable.stdout)
    assert compact.stdout.decode() == "(domain (name a) (image (linux (kernel /k))))\n(domain (name b))\n"


def test_fmt_check_and_in_place(tmp_path):
    messy = tmp_path / "messy.sxp"
    messy.write_text("(domain   (name 'web 1')\n\n (memory 512)  )\n")
    messy.chmod(0o640)
    tidy = tmp_path / "tidy.sxp"
    tidy.write_text("(domain\n  (name 'web 1'))\n")
    before = fastsexpr.loads_all(messy.read_text())

    check = run("fmt", "--check", messy, tidy)
    assert check.returncode == 1 and f"would reformat {messy}" in check.err
    assert str(tidy) not in check.err
    assert run("fmt", "--check", tidy).returncode == 0

    inplace = run("fmt", "-i", messy)
    assert inplace.returncode == 0
    assert fastsexpr.loads_all(messy.read_text()) == before
    assert messy.read_text() == "(domain\n  (name 'web 1')\n  (memory 512))\n"
    assert messy.stat().st_mode & 0o777 == 0o640
    assert run("fmt", "--check", messy).returncode == 0
    assert no_temp_files(tmp_path)


def test_fmt_refuses_to_drop_comments_or_bad_syntax(tmp_path):
    commented = tmp_path / "c.sxp"
    text = "# managed by hand\n(domain (name a))\n"
    commented.write_text(text)
    proc = run("fmt", "-i", commented)
    assert proc.returncode == 1 and "comments" in proc.err
    assert commented.read_text() == text
    broken = tmp_path / "b.sxp"
    broken.write_text("(domain\n  (name 'a)\n")
    bad = run("fmt", broken)
    assert bad.returncode == 1 and f"{broken}:2:" in bad.err and "SexprSyntaxError" in bad.err
