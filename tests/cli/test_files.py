"""Nothing lost: outputs written atomically, existing files and inputs kept,
a full disk or a failed write leaves no partial file."""
from __future__ import annotations

import errno
import os
import sys

import pytest
from cli_helpers import UUIDS, no_temp_files, pv, run

import fastsexpr
from fastsexpr.cli import files


# --------------------------------------------------------- nothing lost

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


# The disk fills up as the outputs are written back: at their fsync, or at
# the syncfs that makes a batch of them durable.
DRIVER_FULL_DISK = """
import errno, os, sys
def full(fd):
    raise OSError(errno.ENOSPC, "No space left on device")
os.fsync = full
from fastsexpr.cli import files
files.syncfs = full
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


def _no_hard_links(src, dst):
    raise OSError(errno.EPERM, "Operation not permitted")


def _link_not_wanted(src, dst):
    raise AssertionError("a hard link where renameat2 serves")


@pytest.mark.parametrize("how", ["hard link", "renameat2 first", "renameat2",
                                 "check and rename"])
def test_an_install_never_replaces_a_file_and_keeps_the_temporary_one(tmp_path, monkeypatch,
                                                                      how):
    if how == "hard link":
        # A run writing one file has not loaded ctypes, and need not.
        monkeypatch.delitem(sys.modules, "ctypes", raising=False)
    elif how == "renameat2 first":
        # A run of many outputs has ctypes (for syncfs): one system call.
        import ctypes  # noqa: F401
        monkeypatch.setattr(os, "link", _link_not_wanted)
    else:
        # A filesystem without hard links: a rename that does not replace.
        monkeypatch.setattr(os, "link", _no_hard_links)
    if how == "check and rename":
        # Nor renameat2 (an old kernel, another system).
        monkeypatch.setattr(files, "_rename_noreplace", lambda tmp, final: None)
    (tmp_path / "taken.xml").write_text("precious\n")
    tmp = files.write_tmp(str(tmp_path), ".t.tmp", b"new\n")
    assert files.link_new(tmp, str(tmp_path / "taken.xml")) is False
    assert (tmp_path / "taken.xml").read_text() == "precious\n" and os.path.exists(tmp)
    assert files.link_new(tmp, str(tmp_path / "free.xml")) is True
    assert (tmp_path / "free.xml").read_text() == "new\n" and not os.path.exists(tmp)
