"""A malformed XML file's failure carries its line and column in the report,
taken from the error's attributes (not parsed back out of its text)."""
from __future__ import annotations

import json

from cli_helpers import run


def test_malformed_xml_is_reported_with_line_and_column(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<domain type='xen'>\n  <name>a</name>\n  <uuid>\n</domain>\n")
    report = tmp_path / "report.jsonl"
    proc = run("convert", bad, "-o", tmp_path / "out.sxp", "--report", report)
    assert proc.returncode == 1
    (line,) = [json.loads(x) for x in report.read_text().splitlines()]
    assert line["error"] == "DomainXMLError"
    # The <uuid> opened on line 3 is closed by </domain> on line 4.
    assert line["line"] == 4 and 1 <= line["column"] <= len("</domain>") + 1
    assert f"{bad}:4:" in proc.err or "line 4" in proc.err
