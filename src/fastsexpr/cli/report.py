"""``--report``: one JSON line per input (per domain of a dump), treated
like an output: never over an input, an existing file kept without
``--force``, and the file appears complete (or not at all) when the run ends,
interrupted or not; ``-`` writes the lines to stdout as they come."""
from __future__ import annotations

import json
import os
import sys
from typing import IO, Optional

from .files import InputFiles, install_tmp, tmp_name, unlink_quiet
from .plan import UsageError

# The fields of a result that --report writes, in this order.
REPORT_FIELDS = ("path", "domain_index", "ok", "output", "domain", "error", "message",
                 "line", "column", "where")


def report_line(res: dict) -> dict:
    return {field: res.get(field) for field in REPORT_FIELDS}


def check_report(path: Optional[str], force: bool, inputs: InputFiles, to_stdout: bool) -> None:
    """Refuse a report that would replace an input, an existing file without
    ``--force``, or share stdout with the converted output."""
    if not path:
        return
    if path == "-":
        if to_stdout:
            raise UsageError("--report - and the converted output cannot both go to stdout "
                             "(give -o, or a report file)")
        return
    found = inputs.which(path)
    if found is not None:
        raise UsageError(f"--report {path} is the input {found}; an input is never overwritten")
    if os.path.isdir(path):
        raise UsageError(f"--report {path}: is a directory")
    if not force and os.path.lexists(path):
        raise UsageError(f"--report {path}: exists (use --force to overwrite)")


class Report:
    """The report being written: to a hidden temporary file beside its name,
    installed by :meth:`finish`; or to stdout."""

    def __init__(self, path: str, token: str, force: bool):
        self.path, self.force = path, force
        self.tmp: Optional[str] = None
        self.out: IO[bytes]
        if path == "-":
            self.out = sys.stdout.buffer
            return
        directory = os.path.dirname(path) or "."
        self.directory = directory
        tmp = os.path.join(directory, tmp_name(os.path.basename(path), token))
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                         0o666)
        except OSError as exc:
            raise UsageError(f"--report {path}: {exc.strerror}") from None
        self.tmp = tmp
        self.out = os.fdopen(fd, "wb")

    def write(self, res: dict) -> None:
        self.out.write(json.dumps(report_line(res)).encode("utf-8") + b"\n")
        self.out.flush()

    def finish(self) -> None:
        """Make the report durable and put it in place (OSError if it cannot)."""
        if self.tmp is None:
            self.out.flush()
            return
        tmp, self.tmp = self.tmp, None
        try:
            self.out.flush()
            os.fsync(self.out.fileno())
            self.out.close()
        except BaseException:
            self._close_quietly()
            unlink_quiet(tmp)
            raise
        install_tmp(tmp, self.path, self.force)

    def abandon(self) -> None:
        """Remove the unfinished report (a failed write, a usage error)."""
        if self.tmp is not None:
            self._close_quietly()
            unlink_quiet(self.tmp)
            self.tmp = None

    def _close_quietly(self) -> None:
        try:
            self.out.close()
        except OSError:
            pass
