"""The run: bad inputs reported and the good ones converted, the report,
the pool (-j 2 gives what -j 1 gives), --fail-fast and Ctrl-C."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cli_helpers import CTRL_C_AT_THE_FIFTH, UUIDS, XML, domain_name, no_temp_files, pv, run

import fastsexpr
from fastsexpr.cli.pool import chunk_bounds


# ----------------------------------------------------------- bulk trees

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
    # stray.sxp: each of its two records is reported (the first has no uuid)
    assert len(lines) == 4, proc.err
    stray = src / "bad" / "stray.sxp"
    assert (f"{stray}:2:3: domain #2: SexprSyntaxError: vertical tab or form feed "
            "where an expression should start") in proc.err
    assert f"{stray}:1: domain #1: domain/uuid: ConversionError:" in proc.err
    assert f"{src / 'bad' / 'noname.sxp'}:1: domain/name: ConversionError:" in proc.err
    assert f"{src / 'bad' / 'latin1.sxp'}:1:19: UnicodeDecodeError: not UTF-8" in proc.err
    summary = proc.err.strip().splitlines()[-1]
    assert "converted 3" in summary and "failed 3" in summary and "files/s" in summary

    rows = [json.loads(line) for line in report.read_text().splitlines()]
    assert len(rows) == 7       # one per input, two for stray.sxp's two records
    by_path = {r["path"]: r for r in rows}
    good = by_path[str(src / "a.sxp")]
    assert good["ok"] and good["output"] == str(out / "a.xml") and good["error"] is None
    bad = by_path[str(stray)]
    assert not bad["ok"] and bad["output"] is None
    assert (bad["error"], bad["line"], bad["column"]) == ("SexprSyntaxError", 2, 3)
    noname = by_path[str(src / "bad" / "noname.sxp")]
    assert noname["where"] == "domain/name" and noname["error"] == "ConversionError"
    assert set(good) >= {"path", "ok", "output", "error", "message", "line", "column"}


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


DRIVER_CTRL_C = "import sys\n" + CTRL_C_AT_THE_FIFTH + "from fastsexpr.cli import main\nsys.exit(main())\n"


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


# ------------------------------------------------------------- the pool

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


@pytest.mark.parametrize("n,jobs", [(1, 2), (7, 2), (100, 2), (8091, 2), (5000, 8)])
def test_chunks_cover_every_input_once_in_order_smaller_at_the_end(n, jobs):
    chunks = list(chunk_bounds(n, jobs))
    assert [i for a, b in chunks for i in range(a, b)] == list(range(n))
    sizes = [b - a for a, b in chunks]
    assert all(a >= b for a, b in zip(sizes, sizes[1:]))
    assert max(sizes) <= 512
