"""What a run says of its inputs.

``--report``: one JSON line per input (per domain of a dump), treated like
an output: never over an input, an existing file kept without ``--force``,
and the file appears complete (or not at all) when the run ends,
interrupted or not; ``-`` writes the lines to stdout as they come.

On stderr: a line per failure and per warning, and the progress line.
"""
from __future__ import annotations

import os
import sys
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import List, Optional

from .files import InputFiles, flush_stdout, install_tmp, tmp_name, unlink_quiet, write_stdout
from .plan import UsageError

# The fields of a result that --report writes, in this order.
REPORT_FIELDS = ("path", "domain_index", "ok", "output", "domain", "error", "message",
                 "line", "column", "where")


def report_line(res: dict) -> dict:
    line = {field: res.get(field) for field in REPORT_FIELDS}
    # --skip-existing: the output was there already, and was left alone.
    line["skipped"] = bool(res.get("skipped"))
    # What libvirt's reader forgave in this domain's record.
    line["warnings"] = list(res.get("warnings") or ())
    return line


class ReportError(Exception):
    """The report file cannot be written (a full disk): the run stops, as a
    run whose record is lost should."""

    def __init__(self, path: str, exc: OSError):
        super().__init__(f"--report {path}: {exc.strerror or exc}")


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
        self.to_stdout = path == "-"
        self.tmp: Optional[str] = None      # while the file is being written
        self._tmp_path = None if self.to_stdout else os.path.join(
            os.path.dirname(path) or ".", tmp_name(os.path.basename(path), token))

    def open(self) -> None:
        """Create the temporary file (UsageError when it cannot be made).
        From its creation on, :attr:`tmp` names it, for :meth:`abandon`."""
        if self.to_stdout:
            return
        tmp, fd = self._tmp_path, None
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0),
                         0o666)
            self.out = os.fdopen(fd, "wb")
            self.tmp = tmp
        except BaseException as exc:
            # As in files.write_tmp: a failed open made nothing of ours
            # (O_EXCL); one cut short by a second signal as it returned may have.
            if fd is not None or not isinstance(exc, OSError):
                unlink_quiet(tmp)
            if isinstance(exc, OSError):
                raise UsageError(f"--report {self.path}: {exc.strerror}") from None
            raise

    def write(self, res: dict) -> None:
        import json   # only a run with --report needs it
        line = json.dumps(report_line(res)).encode("utf-8") + b"\n"
        if self.to_stdout:
            # Streamed: a reader of the pipe sees each input as it is done.
            write_stdout(line)
            flush_stdout()
            return
        try:
            self.out.write(line)
            self.out.flush()
        except OSError as exc:
            raise ReportError(self.path, exc) from None

    def finish(self) -> None:
        """Make the report durable and put it in place (OSError if it cannot)."""
        if self.to_stdout:
            flush_stdout()
            return
        if self.tmp is None:
            return
        try:
            self.out.flush()
            os.fsync(self.out.fileno())
            self.out.close()
            install_tmp(self.tmp, self.path, self.force)
        except BaseException:
            # Whatever cut it short, a second signal as the install began
            # included: the temporary file goes (installed, it is not there).
            self._close_quietly()
            unlink_quiet(self.tmp)
            raise
        finally:
            self.tmp = None

    def abandon(self) -> None:
        """Remove the unfinished report (a failed write)."""
        if self.tmp is not None:
            self._close_quietly()
            unlink_quiet(self.tmp)
            self.tmp = None

    def _close_quietly(self) -> None:
        try:
            self.out.close()
        except OSError:
            pass


def format_failure(f: dict) -> str:
    """One line: file[:line[:column]]: [domain #N 'name': ][where: ]Error: message."""
    where = f["path"] if f["path"] != "-" else "<stdin>"
    if f["line"] is not None:
        where += f":{f['line']}"
        if f["column"] is not None:
            where += f":{f['column']}"
    parts = [where]
    if f.get("domain_index"):
        label = f"domain #{f['domain_index']}"
        if f.get("domain"):
            label += f" '{f['domain']}'"
        parts.append(label)
    if f.get("where"):
        parts.append(f["where"])
    parts.append(f"{f['error']}: {f['message']}")
    return ": ".join(parts)


def format_warnings(res: dict) -> List[str]:
    """One line per warning of a result: fastsexpr: file:line: warning: message."""
    where = res["path"] if res["path"] != "-" else "<stdin>"
    return [f"fastsexpr: {where}" + (f":{line}" if line is not None else "") + f": warning: {text}"
            for text, line in zip(res.get("warnings") or (), res.get("warning_lines") or ())]


class Progress:
    """tqdm on a terminal when it is installed, else a plain counter."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.done, self.bar = total, 0, None
        self.enabled = enabled and total > 1
        if self.enabled:
            try:
                from tqdm import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self.bar = tqdm(total=total, unit="file", file=sys.stderr, leave=False,
                                dynamic_ncols=True)

    def update(self) -> None:
        if not self.enabled:
            return
        self.done += 1
        if self.bar is not None:
            self.bar.update(1)
        elif self.done == self.total or self.done % 50 == 0:
            sys.stderr.write(f"\r{self.done}/{self.total}")
            sys.stderr.flush()

    def write(self, line: str) -> None:
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        elif self.enabled and self.done:
            sys.stderr.write("\r\x1b[K" + line + "\n")
        else:
            sys.stderr.write(line + "\n")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.enabled and self.done:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
