"""Writing outputs so that nothing is lost: atomic writes, installs under a
final name, sweeps of a run's leftovers, durability, stdout.

An output is first a complete temporary file beside its final name (hidden,
and named after the run so that a sweep removes exactly this run's
leftovers); it is made durable, then installed, never replacing an existing
file without ``--force``; the directory entries are made durable before the
command says it is done. :class:`Durability` makes files durable in batches:
one ``syncfs(2)`` per filesystem for many files where the system has it
(an fsync costs a journal commit and a disk flush each), one fsync per file
and per directory elsewhere.
"""
from __future__ import annotations

import errno
import functools
import os
import stat
import sys
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Collection, Dict, Iterable, Optional, Tuple

from ..errors import ConversionError, FastSexprError

# os.link fails with these on filesystems without hard links.
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV,
                            errno.EMLINK})


def tmp_name(final_name: str, token: str) -> str:
    # Hidden, and carrying the run token, so that a cleanup after an
    # interruption removes exactly this run's leftovers.
    return f".{final_name[:80]}.{token}.tmp"


def write_tmp(directory: str, name: str, data: bytes, mode: Optional[int] = None,
              sync: bool = True) -> str:
    """Write ``data`` to a new file in ``directory`` and fsync it (unless
    ``sync`` is false: a :class:`Durability` then makes it durable later).

    On any failure (a full disk, Ctrl-C) the partial file is removed before
    the exception goes on.
    """
    tmp = os.path.join(directory, name)
    # The open and the close are inside the guard: a signal's handler runs
    # as a call returns, and one raised just after either would leave the
    # file behind.
    fd = None
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                     0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if mode is not None:
                os.fchmod(fd, mode)
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException as exc:
        # An open that failed made nothing of ours (O_EXCL: a file of that
        # name is someone else's); one cut short by a signal may have.
        if fd is not None or not isinstance(exc, OSError):
            unlink_quiet(tmp)
        raise
    return tmp


def unlink_quiet(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _exists(final: str) -> FileExistsError:
    return FileExistsError(errno.EEXIST, "exists (use --force to overwrite)", final)


_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
# renameat2 fails with these where the filesystem or kernel lacks it.
_NO_RENAME_NOREPLACE = frozenset({errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP})


@functools.lru_cache(maxsize=None)
def _libc_function(name: str, *argtypes: str):
    """libc's function ``name`` taking C ``argtypes`` (ctypes names) and
    returning an int, with errno kept; None where the system has none (both
    used here are Linux's)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes   # here: a run writing to stdout never needs it
    try:
        fn = getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):
        return None
    fn.argtypes = [getattr(ctypes, t) for t in argtypes]
    fn.restype = ctypes.c_int
    return fn


def _libc_renameat2():
    """renameat2 (glibc 2.28 and later), or None."""
    return _libc_function("renameat2", "c_int", "c_char_p", "c_int", "c_char_p", "c_uint")


def _rename_noreplace(tmp: str, final: str) -> Optional[bool]:
    """Rename ``tmp`` to ``final`` unless ``final`` exists, in one atomic
    step: True when done, False when ``final`` exists, None where the
    system cannot."""
    fn = _libc_renameat2()
    if fn is None:
        return None
    if fn(_AT_FDCWD, os.fsencode(tmp), _AT_FDCWD, os.fsencode(final), _RENAME_NOREPLACE) == 0:
        return True
    import ctypes
    err = ctypes.get_errno()
    if err == errno.EEXIST:
        return False
    if err in _NO_RENAME_NOREPLACE:
        return None
    raise OSError(err, os.strerror(err), final)


def link_new(tmp: str, final: str) -> bool:
    """Install a complete temporary file under ``final`` if no file has that
    name: True when done; False, with ``tmp`` kept, when one has.

    The check and the move are one atomic step (no window where another
    process's file could be replaced): a rename that does not replace
    (renameat2) where ctypes is loaded already, as a run of many outputs
    has it for syncfs; else a hard link and the removal of ``tmp``, which
    spares a command writing one file loading ctypes but is one system
    call more (about 25 us more per file on ext4, in a dump's directory of
    20,000 outputs); on a filesystem without hard links, renameat2 all the
    same.
    """
    try:
        if "ctypes" in sys.modules:
            moved = _rename_noreplace(tmp, final)
            if moved is not None:
                return moved
        try:
            os.link(tmp, final)
        except FileExistsError:
            return False
        except OSError as exc:
            if exc.errno not in _NO_HARD_LINKS:
                raise
            return _move_new(tmp, final)
    except BaseException:
        unlink_quiet(tmp)
        raise
    unlink_quiet(tmp)
    return True


def _move_new(tmp: str, final: str) -> bool:
    """link_new where the filesystem has no hard links."""
    moved = _rename_noreplace(tmp, final)
    if moved is not None:
        return moved
    # Nor renameat2: check, then rename.
    if os.path.lexists(final):
        return False
    os.replace(tmp, final)
    return True


def install_tmp(tmp: str, final: str, force: bool) -> None:
    """Move a complete temporary file to its final name.

    Without ``force`` the final name must not exist (:class:`FileExistsError`).
    The temporary file is gone afterwards, installed or removed.
    """
    if not force:
        if not link_new(tmp, final):
            unlink_quiet(tmp)
            raise _exists(final)
        return
    try:
        os.replace(tmp, final)
    except BaseException:
        unlink_quiet(tmp)
        raise


class InputFiles:
    """A run's inputs told apart by file identity (device and inode), so that
    no output replaces one of them, whatever name leads to it (``..``, a
    symlinked directory, a symlink to the file)."""

    def __init__(self, paths: Iterable[str]):
        self._paths = [p for p in paths if p != "-"]
        self._by_id: Optional[Dict[Tuple[int, int], str]] = None

    def _ids(self) -> Dict[Tuple[int, int], str]:
        # Made at the first output found existing, which is before anything
        # is replaced: a run into an empty directory never stats its inputs.
        if self._by_id is None:
            by_id: Dict[Tuple[int, int], str] = {}
            for path in self._paths:
                for follow in (False, True):
                    try:
                        st = os.stat(path, follow_symlinks=follow)
                    except OSError:
                        break
                    by_id.setdefault((st.st_dev, st.st_ino), path)
                    if not stat.S_ISLNK(st.st_mode):
                        break
            self._by_id = by_id
        return self._by_id

    def which(self, path: str) -> Optional[str]:
        """The input that the file ``path`` is (or leads to), or None."""
        try:
            st = os.lstat(path)
        except OSError:
            return None
        ids = self._ids()
        found = ids.get((st.st_dev, st.st_ino))
        if found is None and stat.S_ISLNK(st.st_mode):
            try:
                st = os.stat(path)
            except OSError:
                return None
            found = ids.get((st.st_dev, st.st_ino))
        return found


def replaces_input(final: str, found: str, own: str) -> FileExistsError:
    """The error for an output ``final`` that is the input ``found`` (of the
    task converting ``own``)."""
    if found == own:
        what = "the input itself"
    elif os.path.normpath(found) == os.path.normpath(final):
        what = "one of the inputs"
    else:
        what = f"the input {found}"
    return FileExistsError(errno.EEXIST, f"{final} is {what}; an input is never overwritten")


def write_atomic(path: str, data: bytes, *, force: bool = False, mode: Optional[int] = None) -> None:
    """Write ``data`` to ``path`` so that it is either complete or absent.

    The bytes go to a temporary file beside ``path``, are fsynced, and the
    file is then renamed over ``path``.  Without ``force`` an existing
    ``path`` is kept and :class:`FileExistsError` raised.
    """
    directory = os.path.dirname(path) or "."
    tmp = write_tmp(directory, tmp_name(os.path.basename(path), os.urandom(6).hex()), data, mode)
    try:
        install_tmp(tmp, path, force)
    except BaseException:
        # A signal as install_tmp starts, before its own guard.
        unlink_quiet(tmp)
        raise


def is_inside(directory: str, root: str) -> bool:
    """Whether ``directory``, symlinks resolved, is ``root`` or under it."""
    real, top = os.path.realpath(directory), os.path.realpath(root)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def make_dirs_inside(dirs: Iterable[str], root: str) -> Optional[str]:
    """Create the output directories under ``root``, each only once the
    nearest part of it that exists is known to be inside ``root`` (symlinks
    resolved), so that a symlink in the output tree never gets a directory
    made at the other end. Gives the first directory refused (nothing of it
    made), or None."""
    os.makedirs(root, exist_ok=True)
    for directory in dirs:
        existing = directory
        while not os.path.lexists(existing):
            parent = os.path.dirname(existing) or os.curdir
            if parent == existing:
                break
            existing = parent
        if not is_inside(existing, root):
            return directory
        os.makedirs(directory, exist_ok=True)
    return None


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


def fsync_path(path: str) -> None:
    """fsync(2) the file or directory ``path``: its data, and the entries of
    a directory, written out (OSError when it cannot). Any descriptor of a
    file serves: the data written through another one is written out too."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# fsync refuses with these a file it cannot open (a umask of 0777) or a
# filesystem that cannot sync one file (a directory on some network
# filesystems); syncfs then serves.
_FSYNC_REFUSED = frozenset({errno.EACCES, errno.EPERM, errno.EINVAL, errno.ENOTSUP,
                            errno.EOPNOTSUPP})


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


def _libc_syncfs():
    """syncfs, or None."""
    return _libc_function("syncfs", "c_int")


def has_syncfs() -> bool:
    return _libc_syncfs() is not None


def syncfs(fd: int) -> None:
    """syncfs(2): write out the whole filesystem ``fd`` is on, file data and
    metadata (directory entries) alike, and wait for it. Linux 5.8 and later
    also report a write-back error seen on it since ``fd`` was opened."""
    if _libc_syncfs()(fd) != 0:
        import ctypes
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


class Durability:
    """Makes a run's outputs durable in batches.

    On Linux, files are written without an fsync; :meth:`sync_staged` and
    :meth:`sync` write out each filesystem they are on once (``syncfs``), or
    the one file or directory when there is only one (an fsync costs less
    than a syncfs, and a command writing one file need not load ctypes to
    reach libc's syncfs); a directory on each filesystem is opened when first
    seen (the output root up front), so that a write-back error since then
    is reported by the sync that follows. Elsewhere each file is fsynced as
    it is written (``sync_each``) and :meth:`sync` fsyncs the directories,
    once each.
    """

    def __init__(self, roots: Iterable[str] = ()):
        roots = list(roots)
        # No output root: nothing but a report file, if that, is written, so
        # a plain fsync serves.
        self.batched = bool(roots) and sys.platform.startswith("linux")
        self._fds: Dict[int, int] = {}        # st_dev -> a directory open on it
        self._devs: Dict[str, int] = {}       # directory -> its st_dev
        if self.batched:
            for root in roots:
                try:
                    self._fd_of(root)
                except OSError:
                    pass     # not there yet: opened when an output is synced

    @property
    def sync_each(self) -> bool:
        """Whether each file must be fsynced as it is written."""
        return not self.batched

    def _fd_of(self, directory: str) -> int:
        dev = self._devs.get(directory)
        if dev is None:
            dev = self._devs[directory] = os.stat(directory).st_dev
        fd = self._fds.get(dev)
        if fd is None:
            fd = self._fds[dev] = os.open(directory, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        return fd

    def sync_staged(self, files: Iterable[str]) -> None:
        """Make durable the data of ``files``, written unsynced. OSError
        when it cannot."""
        if self.batched:
            files = set(files)
            self._write_out(files, {os.path.dirname(f) or os.curdir for f in files})

    def sync(self, dirs: Iterable[str]) -> None:
        """Make durable everything written in ``dirs``, their entries too
        (the files and renames in them). OSError when it cannot."""
        dirs = sorted(set(dirs))
        if self.batched:
            self._write_out(dirs, dirs)
        else:
            fsync_dirs(dirs)

    def _write_out(self, paths: Collection[str], dirs: Iterable[str]) -> None:
        """Write out ``paths`` (files or directories), which are in ``dirs``:
        one fsync for one path, else one syncfs per filesystem (an fsync
        each where libc has no syncfs)."""
        if len(paths) > 1 and has_syncfs():
            self._syncfs(dirs)
            return
        for path in paths:
            try:
                fsync_path(path)
            except FileNotFoundError:
                continue     # gone: nothing written there is left to keep
            except OSError as exc:
                if exc.errno not in _FSYNC_REFUSED or not has_syncfs():
                    raise
                self._syncfs(dirs)      # everything in dirs, the other paths too
                return

    def _syncfs(self, dirs: Iterable[str]) -> None:
        fds = set()
        for directory in set(dirs):
            try:
                fds.add(self._fd_of(directory))
            except OSError:
                continue     # gone: nothing written there is left to keep
        for fd in sorted(fds):
            syncfs(fd)

    def close(self) -> None:
        for fd in self._fds.values():
            try:
                os.close(fd)
            except OSError:
                pass
        self._fds.clear()
        self._devs.clear()


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


class StdoutError(Exception):
    """stdout cannot take the output (a full disk, an I/O error): the
    command stops with this message (a closed pipe stays BrokenPipeError)."""

    def __init__(self, exc: OSError):
        super().__init__(f"stdout: {exc.strerror or exc}")


def _on_stdout(action: Callable[..., object], *args: object) -> None:
    """``action(*args)``, an OSError of stdout raised as StdoutError."""
    try:
        action(*args)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise StdoutError(exc) from None


def write_stdout(data) -> None:
    """Write text or bytes to stdout."""
    _on_stdout(sys.stdout.buffer.write, data.encode("utf-8") if isinstance(data, str) else data)


def flush_stdout() -> None:
    _on_stdout(sys.stdout.flush)


def quiet_stdout() -> None:
    # Point stdout at /dev/null so that Python's flush at exit does not
    # raise BrokenPipeError a second time.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except OSError:
        pass
