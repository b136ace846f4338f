"""Command-line conventions users of black, ruff, pandoc, jq and virsh
expect (issue 12): silence for one file, one ``-o`` rule, ``fmt --diff``,
``-v``, the subcommand's own usage on a bad flag, a hint when stdin is a
terminal, and messages that say what a file is when it is not a domain."""
from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import ROOT, UUIDS, XML, domain_name, no_temp_files, pv, run

import fastsexpr


def two_domain_dump(path: Path) -> list:
    texts = [pv("web", UUIDS[0], 1), pv("db", UUIDS[1], 2)]
    path.write_text("".join(texts))
    return texts


def tree_files(top: Path) -> list:
    return sorted(str(p.relative_to(top)) for p in top.rglob("*") if p.is_file())


# ------------------------------------------- silence for a single file

def test_one_file_to_stdout_or_to_a_file_prints_nothing_else(tmp_path):
    f = tmp_path / "g.sxp"
    f.write_text(pv("quiet", UUIDS[0]))
    to_stdout = run("convert", f)
    assert to_stdout.returncode == 0 and domain_name(to_stdout.stdout) == "quiet"
    assert to_stdout.err == ""
    from_stdin = run("convert", stdin=f.read_bytes())
    assert from_stdin.returncode == 0 and from_stdin.err == ""
    to_file = run("convert", f, "-o", tmp_path / "g.xml")
    assert to_file.returncode == 0 and to_file.err == "" and to_file.stdout == b""
    assert domain_name((tmp_path / "g.xml").read_bytes()) == "quiet"
    # a failure still says so, and only that
    bad = tmp_path / "bad.sxp"
    bad.write_text("(domain (domid 1))\n")
    failed = run("convert", bad)
    assert failed.returncode == 1
    lines = failed.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{bad}: domain/name: ConversionError: ")


def test_trees_and_several_inputs_keep_the_summary_and_help_states_the_rule(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.sxp").write_text(pv("a", UUIDS[0]))
    (src / "b.sxp").write_text(pv("b", UUIDS[1]))
    tree = run("convert", src, "-r", "-o", tmp_path / "out")
    assert tree.returncode == 0 and "converted 2, failed 0" in tree.err
    two = run("convert", src / "a.sxp", src / "b.sxp", "-o", tmp_path / "out2")
    assert two.returncode == 0 and "converted 2, failed 0" in two.err
    one_into_dir = run("convert", src / "a.sxp", "-o", f"{tmp_path / 'out3'}/")
    assert one_into_dir.returncode == 0 and "converted 1, failed 0" in one_into_dir.err
    helptext = " ".join(run("convert", "--help").stdout.decode().split())
    assert "summary line" in helptext and "more than one input" in helptext


