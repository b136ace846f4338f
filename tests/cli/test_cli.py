"""The ``fastsexpr`` command, driven for real in subprocesses.

Expected outputs come from the library API on the same input (the CLI must
not change a byte of what the converters give) and from properties a user
checks: the output parses, names the right domain, lands where it should,
and nothing half-written is ever left behind.
"""
from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from corpus import CORPUS, load_fixture, require_corpus, rows
from lxml import etree

import fastsexpr
from fastsexpr.cli import files, plan
from fastsexpr.cli.run import _chunks

ROOT = Path(__file__).resolve().parents[2]


def run(*args, stdin: bytes | None = None, cwd=None, driver: str | None = None):
    """Run ``python -m fastsexpr ARGS`` (or a driver script standing in for it)."""
    cmd = [sys.executable] + (["-c", driver] if driver else ["-m", "fastsexpr"]) + [str(a) for a in args]
    proc = subprocess.run(cmd, input=stdin if stdin is not None else b"", capture_output=True,
                          cwd=cwd, timeout=300)
    proc.err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in proc.err, proc.err
    return proc


def pv(name: str, uuid: str, domid: int = 1, mem: int = 256) -> str:
    return (f"(domain (domid {domid})(name '{name}')(uuid '{uuid}')(memory {mem})(maxmem {mem})"
            "(vcpus 1)(on_poweroff destroy)(on_reboot restart)(on_crash restart)"
            "(image (linux (kernel /boot/vmlinuz)))"
            f"(device (vbd (dev xvda)(uname file:/srv/{name}.img)(mode w))))\n")


UUIDS = [f"{i:08x}-1111-4222-8333-4444555566{i:02x}" for i in range(1, 20)]

XML = textwrap.dedent("""\
    <domain type='xen'>
      <name>xmlguest</name>
      <uuid>11112222-3333-4444-5555-666677778888</uuid>
      <memory>262144</memory>
      <vcpu>1</vcpu>
      <os><type>linux</type><kernel>/boot/vmlinuz</kernel></os>
      <devices><disk type='file'><source file='/srv/x.img'/><target dev='xvda'/></disk></devices>
    </domain>
    """)


def domain_name(xml_bytes: bytes) -> str:
    return etree.fromstring(xml_bytes).findtext("name")


def no_temp_files(top: Path) -> bool:
    return not [p for p in top.rglob("*") if p.name.endswith(".tmp")]


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


# ---------------------------------------------------------- bulk trees

def make_tree(top: Path) -> dict:
    """Good and bad inputs; returns {relative path: text}."""
    files = {
        "a.sxp": pv("a", UUIDS[0]),
        "sub/b.sexpr": pv("b", UUIDS[1], mem=512),
        "sub/deep/c.xml": XML,
        # libvirt would loop forever on a vertical tab where a list starts
        "bad/stray.sxp": "(domain (name 'x'))\n  \x0b(domain (name 'y'))\n",
        "bad/noname.sxp": "(domain (domid 1)(memory 256))\n",
        "README.txt": "not an input\n",
    }
    for rel, text in files.items():
        p = top / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    (top / "bad" / "latin1.sxp").write_bytes(b"(domain (name 'caf\xe9'))\n")
    return files


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_tree_mirrored_bad_inputs_reported_good_ones_converted(tmp_path, jobs):
    src, out = tmp_path / "in", tmp_path / "out"
    files = make_tree(src)
    report = tmp_path / "report.jsonl"
    proc = run("convert", src, "-r", "-o", out, "-j", jobs, "--report", report)
    assert proc.returncode == 1, proc.err

    assert (out / "a.xml").read_text() == fastsexpr.sexpr_to_xml(files["a.sxp"])
    assert (out / "sub" / "b.xml").read_text() == fastsexpr.sexpr_to_xml(files["sub/b.sexpr"])
    assert (out / "sub" / "deep" / "c.sxp").read_text() == fastsexpr.xml_to_sexpr(XML) + "\n"
    assert not (out / "bad").exists() or not any((out / "bad").iterdir())
    assert not (out / "README.sxp").exists() and not (out / "README.xml").exists()
    assert no_temp_files(out)

    # one line per failure: file, position, class, reason
    lines = [line for line in proc.err.splitlines() if not line.startswith("fastsexpr:")]
    assert len(lines) == 3, proc.err
    stray = src / "bad" / "stray.sxp"
    assert (f"{stray}:2:3: SexprSyntaxError: vertical tab or form feed "
            "where an expression should start") in proc.err
    assert f"{src / 'bad' / 'noname.sxp'}: domain/name: ConversionError:" in proc.err
    assert f"{src / 'bad' / 'latin1.sxp'}:1:19: UnicodeDecodeError: not UTF-8" in proc.err
    summary = proc.err.strip().splitlines()[-1]
    assert "converted 3" in summary and "failed 3" in summary and "files/s" in summary

    rows = [json.loads(line) for line in report.read_text().splitlines()]
    assert len(rows) == 6
    by_path = {r["path"]: r for r in rows}
    good = by_path[str(src / "a.sxp")]
    assert good["ok"] and good["output"] == str(out / "a.xml") and good["error"] is None
    bad = by_path[str(stray)]
    assert not bad["ok"] and bad["output"] is None
    assert (bad["error"], bad["line"], bad["column"]) == ("SexprSyntaxError", 2, 3)
    noname = by_path[str(src / "bad" / "noname.sxp")]
    assert noname["where"] == "domain/name" and noname["error"] == "ConversionError"
    assert set(good) >= {"path", "ok", "output", "error", "message", "line", "column"}


def test_jobs_2_gives_the_same_files_as_jobs_1(tmp_path):
    src = tmp_path / "in"
    for i in range(40):
        (src / f"d{i % 3}").mkdir(parents=True, exist_ok=True)
        (src / f"d{i % 3}" / f"g{i}.sxp").write_text(pv(f"g{i}", UUIDS[i % 19], domid=i + 1, mem=128 + i))
    one, two = tmp_path / "one", tmp_path / "two"
    assert run("convert", src, "-r", "-o", one, "-j", "1", "-q").returncode == 0
    p = run("convert", src, "-r", "-o", two, "-j", "2", "-q")
    assert p.returncode == 0 and p.err == ""
    files_one = sorted(x.relative_to(one) for x in one.rglob("*.xml"))
    assert len(files_one) == 40
    assert files_one == sorted(x.relative_to(two) for x in two.rglob("*.xml"))
    for rel in files_one:
        assert (one / rel).read_bytes() == (two / rel).read_bytes()


def test_output_inside_input_tree_is_not_read_back(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.sxp").write_text(pv("a", UUIDS[0]))
    first = run("convert", src, "-r", "-o", src / "xml")
    assert first.returncode == 0, first.err
    again = run("convert", src, "-r", "-o", src / "xml", "--force")
    assert again.returncode == 0 and "converted 1," in again.err


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
    # a single output file cannot hold three documents
    single = run("convert", dump, "-o", tmp_path / "one.xml")
    assert single.returncode == 1 and "give -o a directory" in single.err
    assert not (tmp_path / "one.xml").exists() and no_temp_files(tmp_path)


def test_one_bad_domain_of_a_dump_does_not_stop_the_others(tmp_path):
    dump = tmp_path / "dump.sxp"
    dump.write_text(pv("first", UUIDS[0]) + "(domain (domid 2)(memory 256))\n" + pv("third", UUIDS[2], 3))
    out = tmp_path / "out"
    out.mkdir()
    proc = run("convert", dump, "-o", out)
    assert proc.returncode == 1
    assert sorted(p.name for p in (out / "dump").iterdir()) == ["first.xml", "third.xml"]
    assert f"{dump}: domain #2: domain/name: ConversionError" in proc.err


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


def test_examples_directory_converts_cleanly(tmp_path):
    proc = run("convert", ROOT / "examples", "-r", "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.err
    xml = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*.xml"))
    assert Path("pv-guest.xml") in xml and Path("xend-domains/mail01.xml") in xml
    assert len(list((tmp_path / "out" / "xm-list-long").iterdir())) == 2
    # our SEXPR examples are in fmt's layout; directories need no -r for fmt
    check = run("fmt", "--check", ROOT / "examples")
    assert check.returncode == 0, check.err


def test_fail_fast_stops_at_the_first_failure(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a-bad.sxp").write_text("(domain (domid 1))\n")
    for i in range(5):
        (src / f"b{i}.sxp").write_text(pv(f"b{i}", UUIDS[i]))
    out = tmp_path / "out"
    proc = run("convert", src, "-r", "-o", out, "-j", "1", "--fail-fast")
    assert proc.returncode == 1 and "5 not done" in proc.err
    assert list(out.iterdir()) == []


def test_stdin_into_a_directory_is_named_after_the_domain(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    proc = run("convert", "-o", out, stdin=pv("from-stdin", UUIDS[5]).encode())
    assert proc.returncode == 0, proc.err
    assert domain_name((out / "from-stdin.xml").read_bytes()) == "from-stdin"


# -------------------------------------------------------- nothing lost

def test_existing_output_kept_without_force(tmp_path):
    src = tmp_path / "g.sxp"
    src.write_text(pv("keep", UUIDS[0]))
    out = tmp_path / "out"
    out.mkdir()
    (out / "g.xml").write_text("precious\n")
    proc = run("convert", src, "-o", out / "g.xml")
    assert proc.returncode == 1 and "--force" in proc.err
    assert (out / "g.xml").read_text() == "precious\n"
    assert no_temp_files(tmp_path)
    forced = run("convert", src, "-o", out / "g.xml", "--force")
    assert forced.returncode == 0
    assert (out / "g.xml").read_text() == fastsexpr.sexpr_to_xml(pv("keep", UUIDS[0]))


def test_output_never_replaces_its_input(tmp_path):
    src = tmp_path / "g.sxp"
    src.write_text(pv("self", UUIDS[0]))
    proc = run("convert", tmp_path, "-r", "-o", tmp_path, "-t", "sexpr", "--force")
    assert proc.returncode == 1 and "is the input itself" in proc.err
    assert src.read_text() == pv("self", UUIDS[0])


def test_write_atomic_failure_halfway_leaves_nothing(tmp_path, monkeypatch):
    target = tmp_path / "out.xml"
    real_write = os.write

    def half_then_full_disk(fd, data):
        if len(data) > 4:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", half_then_full_disk)
    with pytest.raises(OSError) as info:
        files.write_atomic(str(target), b"<domain>" + b"x" * 1000 + b"</domain>\n")
    assert info.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_failure_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.xml"
    target.write_text("old\n")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files.write_atomic(str(target), b"new\n", force=True)
    assert [p.name for p in tmp_path.iterdir()] == ["out.xml"]
    assert target.read_text() == "old\n"


DRIVER_FULL_DISK = """
import errno, os, sys
def full(fd):
    raise OSError(errno.ENOSPC, "No space left on device")
os.fsync = full
from fastsexpr.cli import main
sys.exit(main())
"""


def test_full_disk_is_an_io_error_and_leaves_no_file(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"g{i}.sxp").write_text(pv(f"g{i}", UUIDS[i]))
    out = tmp_path / "out"
    proc = run("convert", src, "-r", "-o", out, "-j", "1", driver=DRIVER_FULL_DISK)
    assert proc.returncode == 2
    assert proc.err.count("No space left on device") == 3
    assert list(out.iterdir()) == []


DRIVER_CTRL_C = """
import sys
import fastsexpr.libvirt_xml as lx
real = lx.write_xml
calls = []
def write_xml(domain):
    calls.append(1)
    if len(calls) == 5:
        raise KeyboardInterrupt
    return real(domain)
lx.write_xml = write_xml
from fastsexpr.cli import main
sys.exit(main())
"""


def test_ctrl_c_mid_run_leaves_only_complete_files(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(10):
        (src / f"g{i}.sxp").write_text(pv(f"g{i}", UUIDS[i]))
    out = tmp_path / "out"
    proc = run("convert", src, "-r", "-o", out, "-j", "1", driver=DRIVER_CTRL_C)
    assert proc.returncode == 130 and "interrupted" in proc.err
    written = sorted(p.name for p in out.iterdir())
    assert written == [f"g{i}.xml" for i in range(4)]
    for name in written:
        assert domain_name((out / name).read_bytes()) == name[:-4]


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


# ------------------------------------------------------------------ fmt

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


# ------------------------------------------------- planning and scheduling

@pytest.mark.parametrize("base", ["out", "out/", ".", "/", "a/../b", "./x/", "//srv"])
@pytest.mark.parametrize("rel", ["", "g", "host01/g", "d/e/f.x"])
def test_under_is_normpath_of_join(base, rel):
    norm = os.path.normpath(base)
    assert plan.path_under(norm, rel) == os.path.normpath(os.path.join(base, rel))
    assert plan.path_under(norm, rel, plan.dir_prefix(norm)) == plan.path_under(norm, rel)


@pytest.mark.parametrize("n,jobs", [(1, 2), (7, 2), (100, 2), (8091, 2), (5000, 8)])
def test_chunks_cover_every_input_once_in_order_smaller_at_the_end(n, jobs):
    chunks = list(_chunks(n, jobs))
    assert [i for a, b in chunks for i in range(a, b)] == list(range(n))
    sizes = [b - a for a, b in chunks]
    assert all(a >= b for a, b in zip(sizes, sizes[1:]))
    assert max(sizes) <= 512


def test_dump_directory_made_fresh_or_checked(tmp_path):
    root = tmp_path / "out"
    root.mkdir()
    assert files.make_dump_dir(str(root / "new"), str(root)) is None
    assert (root / "new").is_dir()
    assert files.make_dump_dir(str(root / "new"), str(root)) is None  # there already: checked
    (tmp_path / "elsewhere").mkdir()
    (root / "link").symlink_to(tmp_path / "elsewhere")
    exc = files.make_dump_dir(str(root / "link"), str(root))
    assert isinstance(exc, fastsexpr.ConversionError) and "leads outside" in str(exc)
    (root / "file").write_text("x")
    assert isinstance(files.make_dump_dir(str(root / "file"), str(root)), FileExistsError)


def test_jobs_2_names_clashing_domains_like_jobs_1(tmp_path):
    # Domain-named outputs (managed domains, dumps) that clash are named in
    # input order, so the pool's scheduling cannot change which file gets which name.
    src = tmp_path / "in"
    for i in range(30):
        d = src / "domains" / UUIDS[i % 19].replace("1111", f"{i:04x}")
        d.mkdir(parents=True)
        (d / "config.sxp").write_text(pv(f"g{i % 4}", UUIDS[i % 3], mem=128 + i))
    (src / "dumps").mkdir()
    for k in range(6):
        (src / "dumps" / f"d{k}.sxp").write_text(
            "".join(pv(f"g{(k + j) % 3}", UUIDS[j], j + 1, 200 + k) for j in range(3)))
    one, two = tmp_path / "one", tmp_path / "two"
    for out, jobs in ((one, "1"), (two, "2")):
        proc = run("convert", src, "-r", "-o", out, "-j", jobs, "-q", "--report", tmp_path / f"{jobs}.jsonl")
        assert proc.returncode == 0, proc.err
    files_one = sorted(x.relative_to(one) for x in one.rglob("*.xml"))
    assert len(files_one) == 48
    assert files_one == sorted(x.relative_to(two) for x in two.rglob("*.xml"))
    for rel in files_one:
        assert (one / rel).read_bytes() == (two / rel).read_bytes()
    rows = [[(r["path"], r["domain_index"], os.path.relpath(r["output"], out)) for r in
             map(json.loads, (tmp_path / f"{jobs}.jsonl").read_text().splitlines())]
            for out, jobs in ((one, "1"), (two, "2"))]
    assert rows[0] == rows[1]
