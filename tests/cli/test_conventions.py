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
    # the error names the line of the record it is about
    assert len(lines) == 1 and lines[0].startswith(f"{bad}:1: domain/name: ConversionError: ")


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


# -------------------------------------------------------- one -o rule

def test_o_names_a_directory_whenever_there_are_several_outputs(tmp_path):
    dump = tmp_path / "dump.sxp"
    texts = two_domain_dump(dump)
    # a dump of two domains: -o without a slash, missing parents included,
    # gives what -o with a slash gives
    plain = tmp_path / "a" / "b" / "newdir"
    proc = run("convert", dump, "-o", plain)
    assert proc.returncode == 0, proc.err
    slashed = tmp_path / "slashed"
    assert run("convert", dump, "-o", f"{slashed}/").returncode == 0
    assert tree_files(plain) == tree_files(slashed) == ["dump/db.xml", "dump/web.xml"]
    assert (plain / "dump" / "web.xml").read_text() == fastsexpr.sexpr_to_xml(texts[0])
    assert (plain / "dump" / "db.xml").read_text() == fastsexpr.sexpr_to_xml(texts[1])
    assert no_temp_files(tmp_path)
    # the same dump on stdin: the domains go straight into the directory
    piped = run("convert", "-", "-o", tmp_path / "fromstdin", stdin=dump.read_bytes())
    assert piped.returncode == 0, piped.err
    assert tree_files(tmp_path / "fromstdin") == ["db.xml", "web.xml"]
    # several inputs: a new directory, with its missing parents
    (tmp_path / "x.sxp").write_text(pv("x", UUIDS[2]))
    several = run("convert", dump, tmp_path / "x.sxp", "-o", tmp_path / "c" / "d")
    assert several.returncode == 0, several.err
    assert tree_files(tmp_path / "c" / "d") == ["dump/db.xml", "dump/web.xml", "x.xml"]


def test_o_names_a_file_for_one_output_unless_a_directory(tmp_path):
    f = tmp_path / "g.sxp"
    f.write_text(pv("single", UUIDS[0]))
    assert run("convert", f, "-o", tmp_path / "newname").returncode == 0
    assert domain_name((tmp_path / "newname").read_bytes()) == "single"
    existing = tmp_path / "existing"
    existing.mkdir()
    assert run("convert", f, "-o", existing).returncode == 0
    assert domain_name((existing / "g.xml").read_bytes()) == "single"
    assert run("convert", f, "-o", f"{tmp_path / 'slash'}/").returncode == 0
    assert domain_name((tmp_path / "slash" / "g.xml").read_bytes()) == "single"


def test_a_dump_cannot_go_into_an_existing_file(tmp_path):
    dump = tmp_path / "dump.sxp"
    two_domain_dump(dump)
    target = tmp_path / "taken.xml"
    target.write_text("keep me\n")
    proc = run("convert", dump, "-o", target, "--force")
    assert proc.returncode == 1
    assert "2 domains" in proc.err and f"{target} is a file" in proc.err
    assert target.read_text() == "keep me\n" and no_temp_files(tmp_path)
    (tmp_path / "x.sxp").write_text(pv("x", UUIDS[2]))
    several = run("convert", dump, tmp_path / "x.sxp", "-o", target)
    assert several.returncode == 2
    assert f"{target}: not a directory" in several.err and "more than one output" in several.err
    assert target.read_text() == "keep me\n"


def test_help_and_readme_state_the_o_rule():
    helptext = " ".join(run("convert", "--help").stdout.decode().split())
    assert "more than one output" in helptext and "missing parents" in helptext
    assert "ends with '/'" in helptext
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert "more than one output" in readme and "ends with `/`" in readme


# ------------------------------------------------------ fmt --diff, -v

MESSY = "(domain   (name 'web 1')\n\n (memory 512)  )\n"


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs the patch command")
def test_fmt_diff_is_a_unified_diff_that_patch_applies(tmp_path):
    messy = tmp_path / "messy.sxp"
    messy.write_text(MESSY)
    tidy = tmp_path / "tidy.sxp"
    tidy.write_text("(domain\n  (name 'web 1'))\n")
    formatted = run("fmt", messy).stdout

    proc = run("fmt", "--diff", messy, tidy)
    assert proc.returncode == 1, proc.err
    diff = proc.stdout.decode()
    assert diff.startswith(f"--- {messy}\n+++ {messy}\n@@ ")
    assert str(tidy) not in diff
    assert messy.read_text() == MESSY                  # --diff changes nothing
    copy = tmp_path / "copy.sxp"
    copy.write_text(MESSY)
    patched = subprocess.run(["patch", "-s", str(copy)], input=proc.stdout, capture_output=True)
    assert patched.returncode == 0, patched.stderr
    assert copy.read_bytes() == formatted

    clean = run("fmt", "--diff", tidy)
    assert clean.returncode == 0 and clean.stdout == b"" and clean.err == ""
    no_newline = tmp_path / "nonl.sxp"
    no_newline.write_text("(domain (name a))")
    nonl = run("fmt", "--diff", no_newline)
    assert nonl.returncode == 1 and "\\ No newline at end of file" in nonl.stdout.decode()
    assert run("fmt", "--diff", "-i", messy).returncode == 2


def make_mixed_tree(top: Path) -> None:
    top.mkdir()
    (top / "a.sxp").write_text(pv("a", UUIDS[0]))
    (top / "b.xml").write_text(XML)
    (top / "README.txt").write_text("notes\n")
    (top / ".hidden.sxp").write_text(pv("h", UUIDS[1]))


def test_verbose_lists_what_convert_and_fmt_skip(tmp_path):
    src = tmp_path / "in"
    make_mixed_tree(src)
    quiet = run("convert", src, "-r", "-o", tmp_path / "out1")
    assert quiet.returncode == 0 and "README.txt" not in quiet.err
    loud = run("convert", src, "-r", "-o", tmp_path / "out2", "-v")
    assert loud.returncode == 0, loud.err
    assert f"skipped {src / 'README.txt'}: " in loud.err
    assert f"skipped {src / '.hidden.sxp'}: hidden" in loud.err
    assert str(src / "a.sxp") not in loud.err
    fmt = run("fmt", "--check", "--verbose", src)
    assert fmt.returncode == 1 and f"would reformat {src / 'a.sxp'}" in fmt.err
    assert f"skipped {src / 'b.xml'}: " in fmt.err and f"skipped {src / 'README.txt'}: " in fmt.err


# ------------------------------------------------ usage of the command

@pytest.mark.parametrize("command", ["convert", "fmt"])
def test_a_bad_flag_shows_the_subcommands_usage(command):
    proc = run(command, "--bogus")
    assert proc.returncode == 2
    assert proc.err.startswith(f"usage: fastsexpr {command} ")
    assert f"fastsexpr {command}: error: unrecognized arguments: --bogus" in proc.err


def test_paths_may_follow_options(tmp_path):
    (tmp_path / "a.sxp").write_text(pv("a", UUIDS[0]))
    (tmp_path / "b.sxp").write_text(pv("b", UUIDS[1]))
    proc = run("convert", tmp_path / "a.sxp", "-o", tmp_path / "out", tmp_path / "b.sxp")
    assert proc.returncode == 0, proc.err
    assert tree_files(tmp_path / "out") == ["a.xml", "b.xml"]


# ------------------------------------------------------------- stdin

def run_on_a_terminal(*args, typed: bytes):
    """Run the command with a terminal (a pty) as stdin; type ``typed`` and Ctrl-D."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "fastsexpr", *map(str, args)], stdin=slave,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(slave)
    try:
        os.write(master, typed + b"\x04")
        # Keep the pty's echo from filling up while the command runs.
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if select.select([master], [], [], 0.1)[0]:
                try:
                    os.read(master, 4096)
                except OSError:
                    break
        out, err = proc.communicate(timeout=120)
    finally:
        os.close(master)
    return proc.returncode, out, err.decode()


def test_reading_stdin_from_a_terminal_says_so():
    code, out, err = run_on_a_terminal("convert", typed=pv("typed", UUIDS[0]).encode())
    assert code == 0, err
    assert domain_name(out) == "typed"
    assert "reading domain definitions from standard input (Ctrl-D to end)" in err
    code, out, err = run_on_a_terminal("fmt", typed=b"(domain (name a))\n")
    assert code == 0 and out == b"(domain\n  (name a))\n"
    assert "from standard input (Ctrl-D to end)" in err
    # from a pipe, no hint
    piped = run("convert", stdin=pv("piped", UUIDS[0]).encode())
    assert piped.returncode == 0 and piped.err == ""


def test_empty_input_says_empty_input(tmp_path):
    stdin = run("convert", stdin=b"")
    assert stdin.returncode == 1
    assert stdin.err.splitlines() == ["<stdin>: ConversionError: empty input: "
                                      "nothing was read from standard input"]
    blank = tmp_path / "blank.sxp"
    blank.write_text("\n  \n")
    proc = run("convert", blank)
    assert proc.returncode == 1 and f"{blank}: ConversionError: empty input" in proc.err
    forced = run("convert", "-f", "xml", blank)
    assert forced.returncode == 1 and "empty input" in forced.err
    fmt = run("fmt", stdin=b"")
    assert fmt.returncode == 1 and "<stdin>: ConversionError: empty input" in fmt.err


# ------------------------------------------ what a file is, when not a domain

XM_CONFIG = """\
# Xen guest made by hand
kernel = "/boot/vmlinuz-xen"
memory = 512
name = "mail01"
disk = [ 'phy:/dev/vg0/mail01,xvda,w' ]
vif = [ 'bridge=xenbr0' ]
"""

XEND_CONFIG = """\
# -*- sh -*-
#
# Xend configuration file.
#
#(logfile /var/log/xen/xend.log)
#(xend-http-server no)
(xend-relocation-server yes)
(xend-relocation-hosts-allow '^localhost$')
(network-script network-bridge)
(dom0-min-mem 196)
"""


def test_an_xm_config_file_is_converted_and_an_xl_one_named(tmp_path):
    # xm configs were "not supported yet"; now they convert (issue 11).
    f = tmp_path / "mail01.cfg"
    f.write_text(XM_CONFIG)
    proc = run("convert", f)
    assert proc.returncode == 0, proc.err
    assert domain_name(proc.stdout) == "mail01"
    xl = tmp_path / "mail02.cfg"
    xl.write_text(XM_CONFIG.replace('name = "mail01"', 'name = "mail02"\ntype = "pv"'))
    proc = run("convert", xl)
    assert proc.returncode == 1
    assert proc.err.splitlines() == [f"{xl}: ConversionError: an xl config file (it sets "
                                     "'type', a key xm never had): xl is not supported yet"]


def test_the_xend_daemon_config_is_named_as_such(tmp_path):
    f = tmp_path / "xend-config.sxp"
    f.write_text(XEND_CONFIG)
    proc = run("convert", f)
    assert proc.returncode == 1
    lines = proc.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{f}: ConversionError: ")
    assert "xend daemon's configuration" in lines[0] and "not a domain" in lines[0]
    uncommented = tmp_path / "plain.sxp"
    uncommented.write_text("(xend-unix-server yes)\n(xend-port 8000)\n")
    again = run("convert", uncommented)
    assert again.returncode == 1 and len(again.err.splitlines()) == 1
    assert "xend daemon's configuration" in again.err


def test_a_creation_request_is_named_as_such(tmp_path):
    f = tmp_path / "request.sxp"
    f.write_text(fastsexpr.xml_to_sexpr(XML) + "\n")
    proc = run("convert", f)
    assert proc.returncode == 1 and "domain creation request" in proc.err


def test_two_xml_documents_in_one_file_say_where_the_second_starts(tmp_path):
    one = XML.rstrip("\n").splitlines()
    both = tmp_path / "both.xml"
    both.write_text(XML + XML)
    proc = run("convert", both)
    assert proc.returncode == 1
    second = len(one) + 1
    assert f"two XML documents in one file: the second starts at line {second}" in proc.err
    declared = tmp_path / "declared.xml"
    decl = '<?xml version="1.0"?>\n'
    declared.write_text(decl + XML + "\n" + decl + XML)
    again = run("convert", declared)
    assert again.returncode == 1
    assert f"the second starts at line {len(one) + 3}" in again.err
    # extra text after the document is still reported as lxml says
    trailing = tmp_path / "trailing.xml"
    trailing.write_text(XML + "garbage\n")
    assert "two XML documents" not in run("convert", trailing).err


def test_readme_shows_the_new_options():
    readme = (ROOT / "README.md").read_text()
    command = readme[readme.index("## The command"):readme.index("## The library")]
    assert "fmt --diff" in command and "-v" in command.split() and "Ctrl-D" in command
    assert "xl config file" in command and "xend-config.sxp" in command
    assert "--host-arch" in command and "--network" in command and "-t xm" in command


def test_help_speaks_of_the_three_formats_it_converts():
    # The command converts any of SEXPR, domain XML and xm configs into any
    # other; its help said "SEXPR <-> domain XML" and "-t: the other one".
    main = run("--help").stdout.decode()
    convert = run("convert", "--help").stdout.decode()
    assert "xm config" in main and "xm config" in convert
    assert "'key = value' lines an xm config" in " ".join(convert.split())
    assert "the other one" not in convert
