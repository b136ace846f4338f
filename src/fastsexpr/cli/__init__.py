"""The ``fastsexpr`` command: bulk conversion and formatting a migration can trust.

Two subcommands:

``convert``  libvirt domain XML <-> xend SEXPR, for one file, stdin, or whole
             trees, in a process pool.
``fmt``      reformat SEXPR files (readable or compact), with ``--check``.

Nothing is lost in bulk: each output is written to a temporary file in its
own directory, fsynced, then renamed into place, so a reader never sees a
partial file; an existing output is kept unless ``--force``; one bad input
never stops the others; every failure is reported with file, position and
reason; the exit code says whether anything failed.
"""
from __future__ import annotations

import argparse
import errno
import functools
import json
import multiprocessing
import os
import secrets
import sys
import time
from typing import Iterator, List, Optional, Sequence, Tuple

from .. import __version__
from ..errors import ConversionError, FastSexprError, SexprSyntaxError
from ..syntax import HAS_SPEEDUPS, dumps, loads_all
from .files import (fsync_dirs, input_itself, install_tmp, is_inside, is_the_input, quiet_stdout,
                    sweep, unlink_quiet, write_atomic, write_stdout)
from .plan import (FORMATS, SEXPR_EXTS, Task, UsageError, make_tasks, path_key, path_under,
                   plan_inputs, safe_name)
from .worker import DONE, Settings, convert_chunk, convert_task, failure, init_worker, install_failed

__all__ = ["main", "write_atomic", "safe_name"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130


EPILOG_CONVERT = """\
examples:
  fastsexpr convert guest.sxp                  SEXPR -> XML on stdout
  fastsexpr convert guest.xml -o guest.sxp     XML -> SEXPR into a file
  fastsexpr convert < guest.sxp > guest.xml    stdin to stdout
  fastsexpr convert examples/ -r -o out/       a whole tree; out/ mirrors it
  fastsexpr convert /var/lib/xend/domains -r -o xml/ --report report.jsonl
  fastsexpr convert dump.sxp -o out/           one XML per (domain ...) in the dump

output names: name.sxp -> name.xml, name.xml -> name.sxp; a managed domain
<uuid>/config.sxp and each domain of a multi-domain dump are named after the
domain (made safe for a file name; a clash gets the uuid appended).

exit status: 0 all converted, 1 some inputs failed (the rest were converted),
2 usage or I/O error, 130 interrupted.
"""

EPILOG_FMT = """\
examples:
  fastsexpr fmt guest.sxp                  readable layout on stdout
  fastsexpr fmt --compact guest.sxp        one line per expression
  fastsexpr fmt -i configs/                rewrite the .sxp/.sexpr/.sexp files in place
  fastsexpr fmt --check configs/           exit 1 if any file would change

fmt reads with the xend dialect (' and " quotes, backslash escapes, # comments)
and writes xend-dialect quoting. A file whose comments would be dropped, or
whose expressions would not read back identically, is reported and left alone.
"""

EPILOG_MAIN = """\
examples:
  fastsexpr convert guest.sxp > guest.xml
  fastsexpr convert examples/ -r -o out/
  fastsexpr fmt --check configs/

'fastsexpr COMMAND --help' describes each command.
"""


# ------------------------------------------------------------------ planning



# -------------------------------------------------------------------- worker

# -------------------------------------------------------------------- parent

class _Installer:
    """Gives staged outputs their final names, in input order."""

    def __init__(self, force: bool, planned: dict):
        self.force = force
        self.claimed = dict(planned)
        self.dir_keys: dict = {}   # directory -> its path_key, for the names made in it
        self.dirs: set = set()     # where outputs were installed (to fsync)

    def _free(self, path: str, owner: Optional[str] = None) -> bool:
        got = self.claimed.get(path_key(path))
        return got is None or got == owner

    def _in_dir(self, directory: str, name: str) -> Tuple[str, str]:
        """(path, key) of file ``name`` (a safe name) in ``directory``; the
        directory is normalised once, not once per name tried."""
        key = self.dir_keys.get(directory)
        if key is None:
            key = self.dir_keys[directory] = path_key(directory)
        return os.path.join(directory, name), path_under(key, os.path.normcase(name))

    def final_for(self, res: dict, task: Task) -> Tuple[str, str]:
        """The final name and its key."""
        ext = res["ext"]
        if res["final"] is not None:
            final = res["final"]
            if self._free(final, task.path) or task.out_stem is None:
                return final, path_key(final)
            # Two inputs with one stem (a.sxp and a.sexpr): keep the full name.
            alt = os.path.join(os.path.dirname(task.out_stem), os.path.basename(task.path) + ext)
            return alt, path_key(alt)
        base = safe_name(res["domain"]) or safe_name(res.get("uuid")) or "domain"
        candidates = [base]
        if res.get("uuid"):
            candidates.append(f"{base}-{safe_name(res['uuid'])}")
        for cand in candidates:
            path, key = self._in_dir(res["dir"], cand + ext)
            if key not in self.claimed:
                return path, key
        n = 2
        while True:
            path, key = self._in_dir(res["dir"], f"{base}-{n}{ext}")
            if key not in self.claimed:
                return path, key
            n += 1

    def install(self, res: dict, task: Task) -> dict:
        tmp = res.pop("tmp")
        final, key = self.final_for(res, task)
        res.pop("final", None)
        directory = res.pop("dir", None)
        unit, name = res["domain_index"], res["domain"]
        owner = self.claimed.get(key)
        if owner is not None and owner != task.path:
            unlink_quiet(tmp)
            exc = FileExistsError(errno.EEXIST, f"{final} is also the output of {owner}")
            return failure(task.path, exc, None, unit, name)
        if task.path.endswith(res["ext"]) and os.path.basename(final) == os.path.basename(task.path) \
                and is_the_input(final, task.path):
            unlink_quiet(tmp)
            return failure(task.path, input_itself(final), None, unit, name)
        # Claimed even if the install fails: a second domain of the same name
        # must not take the name the first one would have had.
        self.claimed[key] = task.path
        try:
            install_tmp(tmp, final, self.force)
        except OSError as exc:
            return install_failed(task.path, exc, final, unit, name)
        self.dirs.add(directory)
        res["output"] = final
        return res


def _format_failure(f: dict) -> str:
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


class _Progress:
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

    def update(self, n: int = 1) -> None:
        if not self.enabled:
            return
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
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


def _chunks(n: int, jobs: int) -> Iterator[Tuple[int, int]]:
    """(start, stop) of the chunks the inputs go to the workers in.

    Guided scheduling: each chunk is a share of what is left, so the first
    ones are large (few round trips) and the last ones small (no core sits
    idle at the end while another finishes a big chunk).
    """
    start = 0
    while start < n:
        size = max(8, min(512, (n - start) // (jobs * 4)))
        yield start, min(n, start + size)
        start += size


def _start_pool(jobs: int):
    methods = multiprocessing.get_all_start_methods()
    # fork: the workers inherit the already imported package, so each one
    # starts in milliseconds instead of importing lxml and the converters again.
    ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
    return ctx.Pool(jobs, initializer=init_worker)


def _results(settings: Settings, tasks: List[Task], jobs: int) -> Iterator[Optional[List[dict]]]:
    if jobs <= 1 or len(tasks) <= 1:
        for t in tasks:
            yield convert_task(settings, t)
        return
    pool = _start_pool(min(jobs, len(tasks)))
    try:
        # One message per chunk each way, not per file; the settings ride
        # once per chunk (inside the partial).
        chunks = (tasks[i:j] for i, j in _chunks(len(tasks), jobs))
        for results in pool.imap(functools.partial(convert_chunk, settings), chunks):
            yield from results
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


def _staging_dirs(tasks: List[Task], dirs: List[str], output: Optional[str],
                  out_is_dir: bool) -> set:
    """Every directory a temporary file of this run can be in."""
    found = {t.multi_dir for t in tasks if t.multi_dir} | set(dirs)
    if output and not out_is_dir:
        found.add(os.path.dirname(output) or ".")
    return found


def cmd_convert(args) -> int:
    start = time.perf_counter()
    jobs = args.jobs or os.cpu_count() or 1
    if args.xend_config_version not in (1, 2, 3, 4):
        return _usage("--xend-config-version must be 1, 2, 3 or 4")
    if args.jobs is not None and args.jobs < 1:
        return _usage("--jobs must be at least 1")
    try:
        files, out_is_dir = plan_inputs(args.paths, args.recursive, args.output)
    except UsageError as exc:
        return _usage(str(exc))
    to_stdout = args.output is None
    if to_stdout and (len(files) > 1 or any(rel is not None for _, rel in files)):
        return _usage("several inputs need -o DIRECTORY")
    if args.output is not None and args.output == "-":
        to_stdout = True
    try:
        tasks, dirs, planned = make_tasks(files, out_is_dir, args.output, to_stdout,
                                           args.from_, args.to)
        for d in dirs:
            os.makedirs(d, exist_ok=True)
        if out_is_dir:
            bad = [d for d in dirs if not is_inside(d, args.output)]
            if bad:
                return _usage(f"{bad[0]}: leads outside the output directory {args.output}")
    except OSError as exc:
        return _usage(f"{exc.filename or ''}: {exc.strerror or exc}")

    report = None
    if args.report:
        try:
            report = open(args.report, "w", encoding="utf-8")
        except OSError as exc:
            return _usage(f"{args.report}: {exc.strerror}")

    # Workers send back every detail only when the report wants it.
    settings = Settings(args.from_, args.to, args.xend_config_version,
                        f"fsx{os.getpid()}{secrets.token_hex(4)}", to_stdout, args.force,
                        detail=report is not None)
    installer = _Installer(args.force, planned)
    progress = _Progress(len(tasks), sys.stderr.isatty() and not args.quiet)
    converted = failed = domains = 0
    io_error = False
    interrupted = False
    stream = _results(settings, tasks, jobs)
    try:
        for task, results in zip(tasks, stream):
            if results is DONE:
                # One domain, converted and installed by the worker.
                domains += 1
                converted += 1
                progress.update()
                continue
            ok = True
            for res in results:
                if res["ok"] and "tmp" in res:
                    res = installer.install(res, task)
                elif res["ok"] and "text" in res:
                    try:
                        write_stdout(res.pop("text"))
                    except BrokenPipeError:
                        # The reader went away (| head): stop quietly.
                        quiet_stdout()
                        return EXIT_FAILED
                if res["ok"]:
                    domains += 1
                else:
                    ok = False
                    io_error = io_error or res.get("io", False)
                    progress.write(_format_failure(res))
                if report is not None:
                    report.write(json.dumps(_report_line(res)) + "\n")
                    report.flush()
            progress.update()
            if ok:
                converted += 1
            else:
                failed += 1
                if args.fail_fast:
                    break
    except KeyboardInterrupt:
        interrupted = True
    finally:
        # Closing the stream ends the pool (terminating it after --fail-fast
        # or Ctrl-C) before this run's leftovers are swept.
        stream.close()
        progress.close()
        if report is not None:
            report.close()
        if interrupted or failed:
            sweep(_staging_dirs(tasks, dirs, args.output, out_is_dir), settings.token)
    if not to_stdout:
        # Only where something was installed: the workers' renames land in
        # the planned directories, the installer's wherever it put them.
        written = set(dirs) | installer.dirs
        if args.output and not out_is_dir:
            written.add(os.path.dirname(args.output) or ".")
        fsync_dirs(sorted(written))
    elapsed = time.perf_counter() - start
    if not args.quiet:
        total = converted + failed
        rate = total / elapsed if elapsed > 0 else 0.0
        extra = f" ({domains} domains)" if domains != converted else ""
        state = "interrupted: " if interrupted else ""
        skipped = len(tasks) - total
        more = f", {skipped} not done" if skipped else ""
        sys.stderr.write(f"fastsexpr: {state}converted {converted}{extra}, failed {failed}{more}"
                         f" in {elapsed:.2f}s ({rate:.0f} files/s)\n")
    if interrupted:
        return EXIT_INTERRUPTED
    if io_error:
        return EXIT_USAGE
    return EXIT_FAILED if failed else EXIT_OK


def _report_line(res: dict) -> dict:
    return {
        "path": res["path"], "domain_index": res.get("domain_index"), "ok": res["ok"],
        "output": res.get("output"), "domain": res.get("domain"),
        "error": res.get("error"), "message": res.get("message"),
        "line": res.get("line"), "column": res.get("column"), "where": res.get("where"),
    }


def _usage(message: str) -> int:
    sys.stderr.write(f"fastsexpr: error: {message}\n")
    return EXIT_USAGE


# ----------------------------------------------------------------------- fmt

def _format_text(text: str, dialect: str, indent: Optional[int]) -> str:
    trees = loads_all(text, dialect=dialect)
    if not trees:
        raise SexprSyntaxError("no expression in the input", text, 0)
    out = "\n".join(dumps(t, indent=indent) for t in trees) + "\n"
    # Nothing lost: the result must read back to the very same trees, and
    # the xend reader's comments (the only thing dumps cannot keep) must not
    # silently disappear.
    if loads_all(out, dialect=dialect) != trees:
        raise ConversionError(f"the {dialect}-dialect atoms cannot be written back unchanged "
                              "(dumps writes xend-dialect quoting); left alone")
    if dialect == "xend" and text.count("#") > out.count("#"):
        raise ConversionError("the file has # comments, which fmt would drop; left alone")
    return out


def cmd_fmt(args) -> int:
    if args.indent < 0:
        return _usage("--indent must be at least 0")
    try:
        # Like black, fmt always walks the directories it is given.
        files, _ = plan_inputs(args.paths, True, None)
    except UsageError as exc:
        return _usage(str(exc))
    files = [f for f, rel in files if rel is None or f.lower().endswith(SEXPR_EXTS)]
    if args.in_place and "-" in files:
        return _usage("-i needs files, not stdin")
    indent = None if args.compact else args.indent
    changed = failed = 0
    io_error = False
    for path in files:
        label = "<stdin>" if path == "-" else path
        data = None
        try:
            if path == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(path, "rb") as fh:
                    data = fh.read()
            text = data.decode("utf-8")
            out = _format_text(text, args.dialect, indent)
        except OSError as exc:
            sys.stderr.write(f"{label}: {type(exc).__name__}: {exc.strerror}\n")
            failed += 1
            io_error = True
            continue
        except (FastSexprError, UnicodeDecodeError) as exc:
            sys.stderr.write(_format_failure(failure(path, exc, data)) + "\n")
            failed += 1
            continue
        if out == text:
            if not args.in_place and not args.check:
                write_stdout(out)
            continue
        changed += 1
        if args.check:
            sys.stderr.write(f"would reformat {label}\n")
        elif args.in_place:
            try:
                write_atomic(path, out.encode("utf-8"), force=True,
                             mode=os.stat(path).st_mode & 0o7777)
            except OSError as exc:
                sys.stderr.write(f"{label}: {type(exc).__name__}: {exc.strerror}\n")
                failed += 1
                io_error = True
                continue
            if not args.quiet:
                sys.stderr.write(f"reformatted {label}\n")
        else:
            try:
                write_stdout(out)
            except BrokenPipeError:
                quiet_stdout()
                return EXIT_FAILED
    if io_error:
        return EXIT_USAGE
    if failed or (args.check and changed):
        return EXIT_FAILED
    return EXIT_OK


# -------------------------------------------------------------------- parser

def build_parser() -> argparse.ArgumentParser:
    engine = "compiled core" if HAS_SPEEDUPS else "pure Python"
    parser = argparse.ArgumentParser(
        prog="fastsexpr",
        description="Convert VM definitions between libvirt domain XML and Xen xend "
                    "S-expressions (SEXPR), byte-exact with libvirt 1.2.10.",
        epilog=EPILOG_MAIN, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"fastsexpr {__version__} ({engine})")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    conv = sub.add_parser(
        "convert", help="convert SEXPR <-> domain XML (files, trees, stdin)",
        description="Convert xend SEXPR to libvirt domain XML and back. The input format is "
                    "told by the first significant character: '(' SEXPR, '<' XML.",
        epilog=EPILOG_CONVERT, formatter_class=argparse.RawDescriptionHelpFormatter)
    conv.add_argument("paths", nargs="*", metavar="PATH",
                      help="files or directories; '-' or nothing reads stdin")
    conv.add_argument("-f", "--from", dest="from_", choices=FORMATS,
                      help="input format (default: detected)")
    conv.add_argument("-t", "--to", choices=FORMATS,
                      help="output format (default: the other one)")
    conv.add_argument("-o", "--output", metavar="PATH",
                      help="output file, or a directory that mirrors the inputs "
                           "(default: stdout for a single input)")
    conv.add_argument("-r", "--recursive", action="store_true",
                      help="convert the .sxp/.sexpr/.sexp/.xml files under directories")
    conv.add_argument("--xend-config-version", type=int, default=4, metavar="N",
                      help="xend config version 1..4 (1: 3.0.2, 2: 3.0.3, 3: 3.0.4, 4: 3.1+; "
                           "default 4)")
    conv.add_argument("-j", "--jobs", type=int, metavar="N",
                      help="worker processes (default: all cores; 1 runs in this process)")
    conv.add_argument("--force", action="store_true", help="overwrite existing outputs")
    conv.add_argument("--fail-fast", action="store_true", help="stop at the first failure")
    conv.add_argument("--report", metavar="FILE",
                      help="write one JSON line per input (per domain of a dump)")
    conv.add_argument("-q", "--quiet", action="store_true",
                      help="no progress and no summary line (failures are still reported)")
    conv.set_defaults(func=cmd_convert)

    fmt = sub.add_parser(
        "fmt", help="reformat SEXPR files",
        description="Reformat SEXPR files: readable (indented) or compact. Every expression "
                    "of a file is kept.",
        epilog=EPILOG_FMT, formatter_class=argparse.RawDescriptionHelpFormatter)
    fmt.add_argument("paths", nargs="*", metavar="PATH",
                     help="files or directories; '-' or nothing reads stdin")
    fmt.add_argument("--indent", type=int, default=2, metavar="N",
                     help="spaces per nesting level (default 2)")
    fmt.add_argument("--compact", action="store_true", help="one line per expression")
    fmt.add_argument("-i", "--in-place", action="store_true",
                     help="rewrite the files (atomically) instead of printing")
    fmt.add_argument("--check", action="store_true",
                     help="change nothing; exit 1 if a file would be reformatted")
    fmt.add_argument("--dialect", choices=("xend", "libvirt"), default="xend",
                     help="how to read (default xend)")
    fmt.add_argument("-r", "--recursive", action="store_true",
                     help="accepted for symmetry with convert: directories are always walked")
    fmt.add_argument("-q", "--quiet", action="store_true", help="do not list reformatted files")
    fmt.set_defaults(func=cmd_fmt)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        sys.stderr.write("fastsexpr: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        quiet_stdout()
        return EXIT_FAILED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
