"""``fastsexpr convert`` says each setting the domain XML cannot carry (a
device libvirt never read, a key its xm reader ignored) on stderr and in the
report, and ``--strict`` refuses it; runtime keys of ``xm list --long`` say
nothing."""
from __future__ import annotations

import json

from cli_helpers import run
from conftest import xm_list_record as record

import fastsexpr

VTPM = "  (device (vtpm (backend 0) (instance 1))))\n"


def with_vtpm(name: str, k: int) -> str:
    return record(name, k).rstrip("\n")[:-1] + "\n" + VTPM


def report(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_dropped_device_is_said_on_stderr_and_in_the_report(tmp_path):
    dump = tmp_path / "dump.sxp"
    dump.write_text(record("a", 1) + with_vtpm("b", 2))
    line_b = record("a", 1).count("\n") + 1
    proc = run("convert", dump, "-o", tmp_path / "out", "--report", tmp_path / "r.jsonl")
    assert proc.returncode == 0, proc.err
    assert f"fastsexpr: {dump}:{line_b}: warning: domain/device/vtpm: a virtual TPM" in proc.err
    rows = report(tmp_path / "r.jsonl")
    assert [r["ok"] for r in rows] == [True, True]
    assert rows[0]["warnings"] == []
    assert len(rows[1]["warnings"]) == 1 and rows[1]["warnings"][0].startswith(
        "domain/device/vtpm: ")
    # converted as libvirt converted it
    text = (tmp_path / "out" / "dump" / "b.xml").read_text()
    assert text == fastsexpr.sexpr_to_xml(with_vtpm("b", 2), on_warning=lambda w: None)


def test_strict_refuses_the_record_that_loses_a_setting(tmp_path):
    dump = tmp_path / "dump.sxp"
    dump.write_text(record("a", 1) + with_vtpm("b", 2))
    out = tmp_path / "out"
    proc = run("convert", dump, "--strict", "-o", out)
    assert proc.returncode == 1
    assert sorted(p.name for p in (out / "dump").iterdir()) == ["a.xml"]
    assert "domain/device/vtpm" in proc.err and "strict" in proc.err
    assert "warning" not in proc.err


def test_an_xm_key_libvirt_ignored_is_said_and_strict_refuses_it(tmp_path):
    cfg = tmp_path / "web.cfg"
    cfg.write_text('name = "web"\nmemory = 256\nkernel = "/boot/vmlinuz"\n'
                   'vtpm = [ "instance=1,backend=0" ]\n')
    proc = run("convert", cfg, "-o", tmp_path / "web.xml", "--report", tmp_path / "r.jsonl")
    assert proc.returncode == 0, proc.err
    assert f"fastsexpr: {cfg}: warning: vtpm: a virtual TPM" in proc.err
    (row,) = report(tmp_path / "r.jsonl")
    assert len(row["warnings"]) == 1 and row["warnings"][0].startswith("vtpm: ")
    proc = run("convert", cfg, "--strict", "-o", tmp_path / "strict.xml")
    assert proc.returncode == 1 and not (tmp_path / "strict.xml").exists()
    assert "vtpm" in proc.err and "strict" in proc.err


def test_a_running_record_is_silent(tmp_path):
    text = ("(domain (domid 7)(name web)(uuid 11112222-3333-4444-5555-666677778888)"
            "(memory 256)(maxmem 256)(vcpus 1)(cpu_weight 256)(cpu_cap 0)(cpus (()))"
            "(shadow_memory 0)(features )(on_xend_start ignore)(on_xend_stop ignore)"
            "(start_time 1417219200.25)(cpu_time 3.5)(online_vcpus 1)"
            "(image (linux (kernel /boot/vmlinuz)(notes (LOADER generic))))"
            "(status 2)(state -b----)(store_mfn 2270)(console_mfn 2269)"
            "(device (console (protocol vt100)(location 2))))\n")
    proc = run("convert", stdin=text.encode())
    assert proc.returncode == 0 and proc.err == "", proc.err


WATCHDOG_XML = """<domain type='xen'>
  <name>web</name>
  <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>
  <memory>524288</memory>
  <os><type>linux</type><kernel>/boot/vmlinuz</kernel></os>
  <devices>
    <disk type='block'><source dev='/dev/vg/web'/><target dev='xvda'/></disk>
    <memballoon model='xen'/>
    <watchdog model='i6300esb' action='reset'/>
  </devices>
</domain>
"""


def test_an_element_libvirt_dropped_is_said_for_either_target(tmp_path):
    xml = tmp_path / "web.xml"
    xml.write_text(WATCHDOG_XML)
    for target, ext, convert in (("sexpr", ".sxp", fastsexpr.xml_to_sexpr),
                                 ("xm", ".cfg", fastsexpr.xml_to_xm)):
        out = tmp_path / f"web{ext}"
        rep = tmp_path / f"{target}.jsonl"
        proc = run("convert", xml, "-t", target, "-o", out, "--report", rep)
        assert proc.returncode == 0, proc.err
        # the line of the element, and its path
        assert f"fastsexpr: {xml}:9: warning: /domain/devices/watchdog: a watchdog" in proc.err
        assert "memballoon" not in proc.err
        (row,) = report(rep)
        assert row["ok"] and len(row["warnings"]) == 1
        assert row["warnings"][0].startswith("/domain/devices/watchdog: ")
        assert out.read_text().rstrip("\n") == convert(
            WATCHDOG_XML, on_warning=lambda w: None).rstrip("\n")


def test_strict_refuses_an_element_libvirt_dropped(tmp_path):
    xml = tmp_path / "web.xml"
    xml.write_text(WATCHDOG_XML)
    proc = run("convert", xml, "--strict", "-o", tmp_path / "web.sxp")
    assert proc.returncode == 1 and not (tmp_path / "web.sxp").exists()
    assert "/domain/devices/watchdog" in proc.err and "strict" in proc.err
    assert "warning" not in proc.err
    # an XML that loses nothing converts under --strict
    plain = tmp_path / "plain.xml"
    plain.write_text(WATCHDOG_XML.replace("    <watchdog model='i6300esb' action='reset'/>\n", ""))
    proc = run("convert", plain, "--strict", "-t", "xm", "-o", tmp_path / "plain.cfg")
    assert proc.returncode == 0 and proc.err == "", proc.err
