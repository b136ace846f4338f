"""A dump of many domains of one name: every domain gets its own output.

Names, as ``convert --help`` gives them: the domain's name, then (on a
clash) with its uuid appended, then numbered from 2, never a name another
output of the run has.  How long a dump of 10,000 such domains takes is
measured in bench/test_bench_large.py.
"""
from __future__ import annotations

import json

from cli_helpers import UUIDS, no_temp_files, pv, run


def test_many_domains_of_one_name_get_one_output_each(tmp_path):
    n = 300
    dump = tmp_path / "dump.sxp"
    # "web-5" comes first and keeps its name; the numbering of "web" goes
    # past it.
    dump.write_text(pv("web-5", UUIDS[1]) + "".join(pv("web", UUIDS[0], mem=128 + i)
                                                    for i in range(n)))
    out = tmp_path / "out"
    proc = run("convert", dump, "-o", out, "-q", "--report", tmp_path / "r.jsonl")
    assert proc.returncode == 0, proc.err
    numbered = [f"web-{k}.xml" for k in range(2, n + 1) if k != 5]
    expected = ["web-5.xml", "web.xml", f"web-{UUIDS[0]}.xml"] + numbered
    rows = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text().splitlines()]
    # In dump order, each domain to its own file, with its own memory.
    assert [r["output"] for r in rows] == [str(out / "dump" / name) for name in expected]
    assert sorted(p.name for p in (out / "dump").iterdir()) == sorted(expected)
    for i, name in enumerate(expected[1:]):
        assert f"<memory unit='KiB'>{(128 + i) * 1024}</memory>" in \
            (out / "dump" / name).read_text()
    assert no_temp_files(tmp_path)
