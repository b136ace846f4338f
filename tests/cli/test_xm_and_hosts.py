"""The command converts any of the three formats into any other, and takes
the host's architecture and the network bridges as the library does."""
from __future__ import annotations

import pytest
from cli_helpers import UUIDS, pv, run
from corpus import CORPUS, load_fixture, require_corpus, rows

import fastsexpr

XM = """name = "web01"
uuid = "c7a5fdbd-edaf-9455-926a-d65c16db1809"
maxmem = 512
memory = 512
vcpus = 1
kernel = "/boot/vmlinuz"
disk = [ "phy:/dev/vg/web01,xvda,w" ]
"""
XML64 = ("<domain type='xen'><name>big</name><uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>"
         "<memory>1048576</memory><os><type arch='x86_64'>linux</type>"
         "<kernel>/boot/vmlinuz</kernel></os><devices>"
         "<interface type='network'><source network='default'/>"
         "<mac address='00:16:3e:00:00:01'/></interface></devices></domain>")


def test_xm_config_on_stdin_converts_to_xml():
    proc = run("convert", "-", stdin=XM.encode())
    assert proc.returncode == 0, proc.err
    assert proc.stdout.decode() == fastsexpr.xm_to_xml(XM)


@pytest.mark.parametrize("target", ["sexpr", "xm"])
def test_any_format_into_any_other(tmp_path, target):
    record = tmp_path / "web.sxp"
    record.write_text(pv("web", UUIDS[0]))
    proc = run("convert", record, "-t", target)
    assert proc.returncode == 0, proc.err
    domain = fastsexpr.read_sexpr(pv("web", UUIDS[0]))
    expected = fastsexpr.write_xm(domain) if target == "xm" else fastsexpr.write_sexpr(domain) + "\n"
    assert proc.stdout.decode() == expected


def test_cfg_files_in_a_tree_are_converted(tmp_path):
    src = tmp_path / "etc-xen"
    src.mkdir()
    (src / "web01.cfg").write_text(XM)
    out = tmp_path / "xml"
    proc = run("convert", src, "-r", "-t", "xml", "-o", out)
    assert proc.returncode == 0, proc.err
    assert (out / "web01.xml").read_text() == fastsexpr.xm_to_xml(XM)


def test_libvirt_xm_fixtures_through_the_command(tmp_path):
    require_corpus()
    cases = rows("xm2xml")
    assert len(cases) == 33
    for row in cases:
        cfg = tmp_path / "in.cfg"
        cfg.write_text(load_fixture(CORPUS / row["input"]))
        proc = run("convert", cfg, "--xend-config-version", row["xend_config_version"])
        assert proc.returncode == 0, (row["input"], proc.err)
        assert proc.stdout.decode() == load_fixture(CORPUS / row["expected"]), row["input"]


def test_an_xl_only_config_says_xl_is_not_supported_yet(tmp_path):
    cfg = tmp_path / "guest.cfg"
    cfg.write_text('name = "g"\ntype = "pvh"\nmemory = 512\n')
    proc = run("convert", cfg)
    assert proc.returncode == 1
    assert "xl" in proc.err and "not supported yet" in proc.err and "'type'" in proc.err


def test_host_arch_and_network_options(tmp_path):
    xml = tmp_path / "big.xml"
    xml.write_text(XML64)
    refused = run("convert", xml, "--host-arch", "i686")
    assert refused.returncode == 1 and "No guest options available for arch 'x86_64'" in refused.err
    no_map = run("convert", xml)
    assert no_map.returncode == 1 and "--network" in no_map.err
    proc = run("convert", xml, "--network", "default=virbr0", "--network", "lan=br1")
    assert proc.returncode == 0, proc.err
    assert proc.stdout.decode() == fastsexpr.xml_to_sexpr(
        XML64, networks={"default": "virbr0"}) + "\n"


@pytest.mark.parametrize("bad", ["default", "=br0", "default="])
def test_a_malformed_network_option_is_a_usage_error(tmp_path, bad):
    proc = run("convert", "-", "--network", bad, stdin=XML64.encode())
    assert proc.returncode == 2
    assert "--network" in proc.err and "NAME=BRIDGE" in proc.err
