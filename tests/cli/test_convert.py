"""``fastsexpr convert``: one input, stdin, dumps, options and usage errors,
and libvirt's own fixtures converted byte for byte."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cli_helpers import ROOT, UUIDS, XML, domain_name, no_temp_files, pv, run
from corpus import CORPUS, load_fixture, require_corpus, rows

import fastsexpr


# --------------------------------------------------------------- basics

def test_help_shows_examples_and_version():
    top = run("--help")
    assert top.returncode == 0 and b"examples:" in top.stdout
    conv = run("convert", "--help")
    assert b"fastsexpr convert examples/ -r -o out/" in conv.stdout
    assert b"--xend-config-version" in conv.stdout and b"exit status" in conv.stdout
    assert b"--check" in run("fmt", "--help").stdout
    ver = run("--version")
    assert ver.returncode == 0 and fastsexpr.__version__ in ver.stdout.decode()


def test_stdin_to_stdout_sexpr_to_xml():
    text = pv("alpha", UUIDS[0])
    proc = run("convert", stdin=text.encode())
    assert proc.returncode == 0, proc.err
    assert proc.stdout.decode() == fastsexpr.sexpr_to_xml(text)
    assert domain_name(proc.stdout) == "alpha"


def test_dash_reads_stdin_and_xml_is_detected():
    proc = run("convert", "-", stdin=XML.encode())
    assert proc.returncode == 0, proc.err
    out = proc.stdout.decode()
    assert out == fastsexpr.xml_to_sexpr(XML) + "\n"
    assert fastsexpr.value(fastsexpr.loads(out), "vm/name") == "xmlguest"


def test_leading_blank_lines_and_bom_still_detect(tmp_path):
    f = tmp_path / "g.sxp"
    f.write_bytes(b"\xef\xbb\xbf\n\n   " + pv("beta", UUIDS[1]).encode())
    proc = run("convert", f)
    assert proc.returncode == 0, proc.err
    assert domain_name(proc.stdout) == "beta"


def test_output_file_and_xend_config_version(tmp_path):
    src = tmp_path / "g.xml"
    src.write_text(XML)
    out = tmp_path / "g.sxp"
    proc = run("convert", src, "-o", out, "--xend-config-version", "2")
    assert proc.returncode == 0, proc.err
    assert out.read_text() == fastsexpr.xml_to_sexpr(XML, xend_config_version=2) + "\n"
    assert no_temp_files(tmp_path)
    assert run("convert", src, "--xend-config-version", "5").returncode == 2


def test_from_and_to_override(tmp_path):
    f = tmp_path / "g.sxp"
    f.write_text(pv("gamma", UUIDS[2]))
    forced = run("convert", f, "-f", "xml")
    assert forced.returncode == 1
    assert str(f) in forced.err and "DomainXMLError" in forced.err
    same = run("convert", f, "-t", "sexpr")      # through the model and back to SEXPR
    assert same.returncode == 0, same.err
    assert same.stdout.decode() == fastsexpr.write_sexpr(
        fastsexpr.read_sexpr(pv("gamma", UUIDS[2]), 4), 4) + "\n"


def test_undetectable_input_names_the_file_and_the_way_out(tmp_path):
    f = tmp_path / "notes.sxp"
    f.write_text("hello\n")
    proc = run("convert", f)
    assert proc.returncode == 1
    assert f"{f}: ConversionError" in proc.err and "use -f" in proc.err


def test_usage_errors_exit_2(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "a.sxp").write_text(pv("a", UUIDS[0]))
    (tmp_path / "b.sxp").write_text(pv("b", UUIDS[1]))
    assert run("convert", tmp_path / "d").returncode == 2                 # directory without -r
    assert run("convert", tmp_path / "missing.sxp").returncode == 2
    several = run("convert", tmp_path / "a.sxp", tmp_path / "b.sxp")      # no -o for two outputs
    assert several.returncode == 2 and "-o" in several.err
    assert run("convert", "-j", "0", tmp_path / "a.sxp").returncode == 2
    assert run("frobnicate").returncode == 2


def test_bad_xend_config_version_names_the_accepted_ones(tmp_path):
    f = tmp_path / "g.sxp"
    f.write_text(pv("v", UUIDS[0]))
    proc = run("convert", f, "--xend-config-version", "0")
    assert proc.returncode == 2
    assert proc.err == "fastsexpr: error: --xend-config-version must be 1, 2, 3 or 4\n"


def test_entry_points():
    # pyproject's console script is fastsexpr.cli:main; the package also
    # runs as `python -m fastsexpr.cli`, as the module did.
    from fastsexpr.cli import main, safe_name, write_atomic
    assert callable(main) and callable(write_atomic) and safe_name("../a b") == "_a_b"
    proc = subprocess.run([sys.executable, "-m", "fastsexpr.cli", "--version"],
                          capture_output=True, timeout=60)
    assert proc.returncode == 0 and fastsexpr.__version__ in proc.stdout.decode()


# --------------------------------------------------- multi-domain dumps

def test_multi_domain_dump_gives_one_output_per_domain(tmp_path):
    texts = [pv("web", UUIDS[0], 1), pv("db", UUIDS[1], 2), pv("cache", UUIDS[2], 3)]
    dump = tmp_path / "xm-list.sxp"
    dump.write_text("".join(texts))
    out = tmp_path / "out"
    proc = run("convert", dump, "-o", f"{out}/", "--report", tmp_path / "r.jsonl")
    assert proc.returncode == 0, proc.err
    for text, name in zip(texts, ["web", "db", "cache"]):
        assert (out / "xm-list" / f"{name}.xml").read_text() == fastsexpr.sexpr_to_xml(text)
    rows = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert [r["domain_index"] for r in rows] == [1, 2, 3]
    assert "(3 domains)" in proc.err

    # to stdout: the documents one after the other
    stdout = run("convert", dump)
    assert stdout.stdout.decode() == "".join(fastsexpr.sexpr_to_xml(t) for t in texts)
    # three outputs: -o names a directory, with or without a slash
    plain = run("convert", dump, "-o", tmp_path / "plain")
    assert plain.returncode == 0, plain.err
    assert sorted(p.name for p in (tmp_path / "plain" / "xm-list").iterdir()) == \
        ["cache.xml", "db.xml", "web.xml"]
    assert no_temp_files(tmp_path)


def test_one_bad_domain_of_a_dump_does_not_stop_the_others(tmp_path):
    dump = tmp_path / "dump.sxp"
    dump.write_text(pv("first", UUIDS[0]) + "(domain (domid 2)(memory 256))\n" + pv("third", UUIDS[2], 3))
    out = tmp_path / "out"
    out.mkdir()
    proc = run("convert", dump, "-o", out)
    assert proc.returncode == 1
    assert sorted(p.name for p in (out / "dump").iterdir()) == ["first.xml", "third.xml"]
    assert f"{dump}:2: domain #2: domain/name: ConversionError" in proc.err


def test_examples_directory_converts_cleanly(tmp_path):
    proc = run("convert", ROOT / "examples", "-r", "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.err
    xml = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*.xml"))
    assert Path("pv-guest.xml") in xml and Path("xend-domains/mail01.xml") in xml
    assert len(list((tmp_path / "out" / "xm-list-long").iterdir())) == 2
    # our SEXPR examples are in fmt's layout; directories need no -r for fmt
    check = run("fmt", "--check", ROOT / "examples")
    assert check.returncode == 0, check.err


# ----------------------------------------------------------- byte-exact

def test_cli_reproduces_libvirt_sexpr2xml_fixtures(tmp_path):
    require_corpus()
    by_version = {}
    for row in rows("sexpr2xml"):
        by_version.setdefault(row["xend_config_version"], []).append((row["input"], row["expected"]))
    assert sum(len(v) for v in by_version.values()) == 51
    for version, cases in by_version.items():
        src = tmp_path / f"in{version}"
        src.mkdir()
        for inp, _ in cases:
            (src / Path(inp).name).write_text(load_fixture(CORPUS / inp))
        out = tmp_path / f"out{version}"
        proc = run("convert", src, "-r", "-o", out, "--xend-config-version", version, "-q")
        assert proc.returncode == 0, proc.err
        for inp, expected in cases:
            got = (out / (Path(inp).stem + ".xml")).read_text()
            assert got == load_fixture(CORPUS / expected), inp
