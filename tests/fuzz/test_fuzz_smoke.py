"""The fuzz harness (``fuzz/fuzz_fastsexpr.py``) driven by hypothesis.

Every example goes through the harness's ``check_input``: ``loads`` in both
dialects on both engines (differential), the ``dumps`` -> ``loads`` round
trip, and ``sexpr_to_xml`` / ``xml_to_sexpr`` at every xend version on a
compiled and a pure copy of the package, with the output bounded by the
input.  In the normal suite this is a short, derandomized smoke (a few
hundred examples).  A long run, where atheris does not install::

    FASTSEXPR_FUZZ_EXAMPLES=200000 python -m pytest tests/fuzz -x -q

Known open bugs are skipped here by input class (the harness's
``SKIP_KNOWN``); each has a strict xfail that starts passing, and so fails,
when its bug is fixed: then its input joins FIXED below and the harness's
entry goes.  None is open at present.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import corpus

ROOT = Path(__file__).resolve().parents[2]
HARNESS = ROOT / "fuzz" / "fuzz_fastsexpr.py"
if not HARNESS.is_file():  # an sdist without fuzz/
    pytest.skip(f"fuzz harness not found at {HARNESS}", allow_module_level=True)


def _harness():
    spec = importlib.util.spec_from_file_location("fuzz_fastsexpr", HARNESS)
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz_fastsexpr"] = module
    spec.loader.exec_module(module)
    return module


harness = _harness()

LONG = int(os.environ.get("FASTSEXPR_FUZZ_EXAMPLES", "0"))
# 0: the smoke run, the same examples every time; else a long random run.
# Damaged records warn where libvirt's reader forgave them (FastSexprWarning,
# a class of its own in the harness's pure copy): a warning is no finding.
pytestmark = pytest.mark.filterwarnings("ignore:.*, as libvirt did:UserWarning")

FUZZ = settings(max_examples=LONG or 300, derandomize=not LONG, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])

SEEDS = [data for _, data in harness.seeds()]

# Pieces that the readers and converters treat specially.
SNIPPETS = [b"(", b")", b"'", b'"', b" ", b"\\", b"\\x4", b"#", b"\x00", b"\x0b", b"\xff",
            b"\xc3\xa9", b"0x", b"-1", b"2147483647", b"99999999999999999999", b"()",
            b"(device (vbd (dev hda)))", b"<", b">", b"&", b"/>", b"<x>", b"</devices>",
            b"<disk type='file'><source file='/a'/><target dev='xvda'/></disk>",
            b"<serial type='pty'><target port='3'/></serial>", b"port='1'", b"='",
            b"<?xml version='1.0'?>", b"(image (hvm (boot c)))", b"(vcpus 2)"]

edits = st.lists(st.tuples(st.floats(0, 1), st.integers(0, 40), st.integers(0, 3),
                           st.sampled_from(SNIPPETS)), min_size=1, max_size=5)


def damage(data: bytes, changes) -> bytes:
    for where, width, how, snippet in changes:
        i = int(where * len(data))
        j = min(len(data), i + width)
        if how == 0:
            data = data[:i] + data[j:]
        elif how == 1:
            data = data[:i] + data[i:j] * 2 + data[j:]
        elif how == 2:
            data = data[:i] + snippet + data[j:]
        else:
            data = data[:i] + snippet + data[i:]
    return data


@pytest.fixture(autouse=True)
def _skip_known(monkeypatch):
    monkeypatch.setattr(harness, "SKIP_KNOWN", True)


@FUZZ
@given(st.data(), edits)
def test_damaged_fixtures(data, changes):
    corpus.require_corpus()
    harness.check_input(damage(data.draw(st.sampled_from(SEEDS)), changes))


@FUZZ
@given(st.binary(max_size=200)
       | st.text(alphabet=st.sampled_from(list("()(('\"\\ \t\n\x0b\x0c#abx01789\x00é<>/='")),
                 max_size=80).map(lambda t: t.encode("utf-8")))
def test_random_text(data):
    harness.check_input(data)


ATOMS = st.one_of(st.sampled_from(["", "0", "1", "-1", "0x10", "hvm", "linux", "pty", "vnc",
                                   "file:/a", "tap:aio:/b", "hda", "xvda:cdrom", "c", "dc",
                                   "localtime", "00:16:3e:00:00:01", "2147483647"]),
                  st.text(max_size=6))
KEYS = st.sampled_from(["name", "memory", "maxmem", "vcpus", "uuid", "image", "linux", "hvm",
                        "kernel", "boot", "device", "vbd", "vif", "vfb", "console", "serial",
                        "dev", "uname", "mode", "mac", "bridge", "type", "vnc", "vncunused",
                        "on_reboot", "localtime", "acpi", "apic", "pae", "usbdevice", "pci",
                        "dev", "bootloader", "cpus", "parallel", "sound", "keymap"])
NODES = st.recursive(ATOMS, lambda kids: st.tuples(KEYS, st.lists(kids, max_size=4))
                     .map(lambda kv: [kv[0], *kv[1]]), max_leaves=25)


IMAGES = st.sampled_from([
    ["image", ["linux", ["kernel", "/boot/vmlinuz"]]],
    ["image", ["hvm", ["kernel", "/usr/lib/xen/boot/hvmloader"], ["device_model", "/qemu-dm"]]],
    ["bootloader", "/usr/bin/pygrub"],
])


@FUZZ
@given(st.lists(NODES, max_size=8), IMAGES, st.sampled_from([None, 1]))
def test_generated_domains(body, image, indent):
    # An id, a name, a UUID, memory, vCPUs and an image or a bootloader, so
    # that most get converted (and their XML converted back).
    compiled, _ = harness.packages()
    tree = ["domain", ["domid", "1"], ["name", "fuzz"],
            ["uuid", "596a5d2171f48fb2e068e2386a5c413e"],
            ["memory", "256"], ["maxmem", "512"], ["vcpus", "1"], image, *body]
    harness.check_input(compiled.dumps(tree, indent=indent).encode("utf-8"))


# ------------------------------------------------------------- fixed bugs

def _serial(port: int) -> str:
    return ("<domain type='xen'><name>a</name><uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa0</uuid>"
            "<memory>1024</memory><os><type>hvm</type><loader>/usr/lib/xen/boot/hvmloader"
            f"</loader></os><devices><serial type='pty'><target port='{port}'/></serial>"
            "</devices></domain>")


def _long_memory() -> str:
    return ("(domain (name a) (uuid 596a5d2171f48fb2e068e2386a5c413e) (memory "
            + "1" * 4301 + ") (image (linux (kernel /k))))")


# Known bugs that are fixed (issue 9, items 9 and 12): the harness, not
# told to skip anything, finds nothing in them any more.
FIXED = [
    pytest.param("xml_to_sexpr", _serial(100000), id="issue9-item9-serial-port-loop"),
    pytest.param("xml_to_sexpr", _serial(2147483647), id="issue9-item9-serial-port-2**31-1"),
    pytest.param("xml_to_sexpr", "<?xmlx encoding=''?><domain/>",
                 id="issue9-item12-xml-declaration"),
    pytest.param("xml_to_sexpr", "<?xml version='1.0' encoding=\"a'b\"?><domain/>",
                 id="issue9-item12-xml-declaration-quotes"),
    pytest.param("xml_to_sexpr", "<domain type='xen'><name>a</name><memory>" + "1" * 4301
                 + "</memory></domain>", id="issue9-item12-xml-4301-digits"),
    pytest.param("sexpr_to_xml", _long_memory(), id="issue9-item12-sexpr-4301-digits"),
]


@pytest.mark.parametrize("direction, text", FIXED)
def test_fixed_bug_is_not_found(monkeypatch, direction, text):
    monkeypatch.setattr(harness, "SKIP_KNOWN", False)
    harness.check_convert(direction, text)
