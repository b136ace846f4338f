"""Writing outputs so that nothing is lost: atomic writes, installs under a
final name, sweeps of a run's leftovers, durability, stdout.

An output is first a complete, fsynced temporary file beside its final name
(hidden, and named after the run so that a sweep removes exactly this run's
leftovers); it is then installed, never replacing an existing file without
``--force``; the directories are fsynced before the command says it is done.
"""
from __future__ import annotations

import errno
import os
import secrets
import sys
from typing import Iterable, Optional

from ..errors import ConversionError, FastSexprError

# os.link fails with these on filesystems without hard links.
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV,
                            errno.EMLINK})


def tmp_name(final_name: str, token: str) -> str:
    # Hidden, and carrying the run token, so that a cleanup after an
    # interruption removes exactly this run's leftovers.
    return f".{final_name[:80]}.{token}.tmp"


def write_tmp(directory: str, name: str, data: bytes, mode: Optional[int] = None) -> str:
    """Write ``data`` to a new file in ``directory`` and fsync it.

    On any failure (a full disk, Ctrl-C) the partial file is removed before
    the exception goes on.
    """
    tmp = os.path.join(directory, name)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if mode is not None:
            os.fchmod(fd, mode)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        unlink_quiet(tmp)
        raise
    os.close(fd)
    return tmp


def unlink_quiet(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _exists(final: str) -> FileExistsError:
    return FileExistsError(errno.EEXIST, "exists (use --force to overwrite)", final)


def install_tmp(tmp: str, final: str, force: bool) -> None:
    """Move a complete temporary file to its final name.

    Without ``force`` the final name must not exist; a hard link makes that
    check and the move one atomic step (no window where another process's
    file could be replaced).
    """
    try:
        if force:
            os.replace(tmp, final)
            return
        try:
            os.link(tmp, final)
        except FileExistsError:
            raise _exists(final) from None
        except OSError as exc:
            # Filesystems without hard links: check, then rename.
            if exc.errno not in _NO_HARD_LINKS:
                raise
            if os.path.lexists(final):
                raise _exists(final) from None
            os.replace(tmp, final)
            return
    except BaseException:
        unlink_quiet(tmp)
        raise
    unlink_quiet(tmp)


def is_the_input(final: str, path: str) -> bool:
    """Whether the output name ``final`` is the input file ``path`` itself."""
    return path != "-" and os.path.exists(final) and os.path.samefile(final, path)


def input_itself(final: str) -> FileExistsError:
    """The error for an output that would replace its own input."""
    return FileExistsError(errno.EEXIST, f"{final} is the input itself")


def write_atomic(path: str, data: bytes, *, force: bool = False, mode: Optional[int] = None) -> None:
    """Write ``data`` to ``path`` so that it is either complete or absent.

    The bytes go to a temporary file beside ``path``, are fsynced, and the
    file is then renamed over ``path``.  Without ``force`` an existing
    ``path`` is kept and :class:`FileExistsError` raised.
    """
    directory = os.path.dirname(path) or "."
    tmp = write_tmp(directory, tmp_name(os.path.basename(path), secrets.token_hex(6)), data, mode)
    install_tmp(tmp, path, force)


def is_inside(directory: str, root: str) -> bool:
    """Whether ``directory``, symlinks resolved, is ``root`` or under it."""
    real, top = os.path.realpath(directory), os.path.realpath(root)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def make_dump_dir(directory: str, root: Optional[str]) -> Optional[BaseException]:
    """Create the directory for the domains of a dump; None, or what went wrong."""
    try:
        # The parent checked the directory this one is made in; one created
        # just now is a real directory in it, so it is inside the output
        # tree without resolving its path.
        os.mkdir(directory)
        return None
    except OSError:
        pass
    try:
        os.makedirs(directory, exist_ok=True)
        # It was there already: it may be a symlink leading elsewhere.
        if root is not None and not is_inside(directory, root):
            raise ConversionError(f"{directory} leads outside the output directory")
    except (OSError, FastSexprError) as exc:
        return exc
    return None


def fsync_dirs(dirs: Iterable[str]) -> None:
    # The renames are durable only once their directory is on disk too.
    for d in dirs:
        try:
            fd = os.open(d, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)


def sweep(dirs: Iterable[str], token: str) -> None:
    """Remove this run's temporary files (after an interruption)."""
    suffix = f".{token}.tmp"
    for d in dirs:
        try:
            with os.scandir(d) as it:
                for entry in it:
                    if entry.name.startswith(".") and entry.name.endswith(suffix):
                        unlink_quiet(entry.path)
        except OSError:
            pass


def write_stdout(text: str) -> None:
    sys.stdout.buffer.write(text.encode("utf-8"))


def quiet_stdout() -> None:
    # Point stdout at /dev/null so that Python's flush at exit does not
    # raise BrokenPipeError a second time.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except OSError:
        pass
