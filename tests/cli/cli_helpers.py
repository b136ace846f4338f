"""What the CLI tests share: the command run for real in a subprocess, and
small domains to feed it.

Expected outputs come from the library API on the same input (the CLI must
not change a byte of what the converters give) and from properties a user
checks: the output parses, names the right domain, lands where it should,
and nothing half-written is ever left behind.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import UUIDS  # noqa: F401  (the CLI tests take it from here)
from lxml import etree


ROOT = Path(__file__).resolve().parents[2]


def run(*args, stdin: bytes | None = None, cwd=None, driver: str | None = None):
    """Run ``python -m fastsexpr ARGS`` (or a driver script standing in for it)."""
    cmd = [sys.executable] + (["-c", driver] if driver else ["-m", "fastsexpr"]) + [str(a) for a in args]
    proc = subprocess.run(cmd, input=stdin if stdin is not None else b"", capture_output=True,
                          cwd=cwd, timeout=300)
    proc.err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in proc.err, proc.err
    return proc


# Patched into a driver: the fifth domain written raises KeyboardInterrupt,
# a Ctrl-C in the middle of a run that nothing else can time.
CTRL_C_AT_THE_FIFTH = """
import fastsexpr.libvirt_xml as lx
real_write, calls = lx.write_xml, []
def write_xml(domain):
    calls.append(1)
    if len(calls) == 5:
        raise KeyboardInterrupt
    return real_write(domain)
lx.write_xml = write_xml
"""


def pv(name: str, uuid: str, domid: int = 1, mem: int = 256) -> str:
    return (f"(domain (domid {domid})(name '{name}')(uuid '{uuid}')(memory {mem})(maxmem {mem})"
            "(vcpus 1)(on_poweroff destroy)(on_reboot restart)(on_crash restart)"
            "(image (linux (kernel /boot/vmlinuz)))"
            f"(device (vbd (dev xvda)(uname file:/srv/{name}.img)(mode w))))\n")




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
