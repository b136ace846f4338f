"""The ``convert`` command's run: the pool, the results taken in input
order, the installer that names what the workers staged, the summary and
the exit status (what it says of each input is report.py's)."""
from __future__ import annotations

import errno
import itertools
import os
import signal
import sys
import time
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterator, List, Optional, Tuple

from ..errors import ConversionError
from ..versions import XEND_CONFIG_VERSIONS, check_version
from .files import (Durability, InputFiles, install_tmp, make_dirs_inside, replaces_input, sweep,
                    unlink_quiet, write_stdout)
from .plan import (Inputs, Task, UsageError, make_tasks, one_of, path_key, path_under,
                   plan_inputs, safe_name, write_skipped)
from .batch import Outcome
from .pool import Stopper
from .report import Progress, Report, ReportError, check_report, format_failure, format_warnings
from .worker import DONE, Settings, failure, install_failed

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 128 + signal.SIGINT, 128 + signal.SIGTERM   # 130, 143


class _Installer:
    """Gives staged outputs their final names, in input order."""

    def __init__(self, force: bool, planned: dict, inputs: InputFiles,
                 skip_existing: bool = False):
        self.force = force
        self.inputs = inputs
        self.skip_existing = skip_existing
        self.claimed = dict(planned)
        self.dir_keys: dict = {}   # directory -> its path_key, for the names made in it
        self.dirs: set = set()     # where outputs were installed (to fsync)
        self.next_number: dict = {}  # (directory, name, ext) -> first number maybe free

    def _in_dir(self, directory: str, name: str) -> Tuple[str, str]:
        """(path, key) of file ``name`` (a safe name) in ``directory``; the
        directory is normalised once, not once per name tried."""
        key = self.dir_keys.get(directory)
        if key is None:
            key = self.dir_keys[directory] = path_key(directory)
        return os.path.join(directory, name), path_under(key, os.path.normcase(name))

    def _mirrored_name(self, final: str, task: Task, ext: str) -> Tuple[str, str]:
        """The mirrored name and its key, unless another input has it."""
        key = path_key(final)
        got = self.claimed.get(key)
        if got is None or got == task.path or task.out_stem is None:
            return final, key
        # Two inputs with one stem (a.sxp and a.sexpr): keep the full name.
        alt = os.path.join(os.path.dirname(task.out_stem), os.path.basename(task.path) + ext)
        return alt, path_key(alt)

    def _domain_name(self, res: dict, directory: str, ext: str) -> Tuple[str, str]:
        """The first free name after the domain: its name, then with its
        uuid, then numbered."""
        base = safe_name(res["domain"]) or safe_name(res.get("uuid")) or "domain"
        candidates = [base]
        if res.get("uuid"):
            candidates.append(f"{base}-{safe_name(res['uuid'])}")
        for cand in candidates:
            path, key = self._in_dir(directory, cand + ext)
            if key not in self.claimed:
                return path, key
        # Claims are never released, so the numbers below the last one
        # found free stay taken: start there, not at 2 (10,000 domains of
        # one name took 90 s of probing).
        counter = (directory, base, ext)
        for n in itertools.count(self.next_number.get(counter, 2)):
            path, key = self._in_dir(directory, f"{base}-{n}{ext}")
            if key not in self.claimed:
                self.next_number[counter] = n
                return path, key

    def install(self, res: dict, task: Task) -> dict:
        tmp, staged, directory = res.pop("tmp"), res.pop("final"), res.pop("dir")
        ext = res["ext"]
        if staged is not None:
            final, key = self._mirrored_name(staged, task, ext)
        else:
            final, key = self._domain_name(res, directory, ext)
        unit, name = res["domain_index"], res["domain"]
        owner = self.claimed.get(key)
        if owner is not None and owner != task.path:
            unlink_quiet(tmp)
            exc = FileExistsError(errno.EEXIST, f"{final} is also the output of {owner}")
            return failure(task.path, exc, None, unit, name)
        # Claimed even if the install fails: a second domain of the same name
        # must not take the name the first one would have had.
        self.claimed[key] = task.path
        # An output never replaces an input, --force or not.
        found = self.inputs.which(final) if self.force else None
        if found is not None:
            unlink_quiet(tmp)
            return failure(task.path, replaces_input(final, found, task.path), None, unit, name)
        try:
            install_tmp(tmp, final, self.force)
        except FileExistsError as exc:
            found = self.inputs.which(final)
            if found is not None:
                exc = replaces_input(final, found, task.path)
                return failure(task.path, exc, None, unit, name)
            if self.skip_existing:
                res["output"], res["skipped"] = final, True
                return res
            return install_failed(task.path, exc, final, unit, name)
        except OSError as exc:
            return install_failed(task.path, exc, final, unit, name)
        self.dirs.add(directory)
        res["output"] = final
        return res


class _Collector:
    """Takes each input's results in input order: installs what the workers
    staged, writes to stdout, reports failures, counts."""

    def __init__(self, installer: _Installer, progress: Progress, report: Optional[Report]):
        self.installer, self.progress, self.report = installer, progress, report
        self.converted = self.failed = self.skipped = self.domains = 0
        self.io_error = self.interrupted = False
        self.signum: Optional[int] = None     # the signal that interrupted the run
        self.stopped: Optional[str] = None    # why the run stopped early, if it did
        self.stopper: Optional[Stopper] = None   # the run's, set when it starts
        # Whether an input gave several domains (a dump): each has its own output.
        self.split_dump = False

    def collect(self, tasks: List[Task], outcomes: Iterator[Outcome], fail_fast: bool) -> None:
        # The input in hand, whose results may come in parts: whether it
        # failed (counted at once, for --fail-fast) and whether every output
        # of it so far was there already.
        current, failed, skipped = -1, False, True
        for i, results, last in outcomes:
            if results is DONE:
                # One domain, converted and installed by the worker.
                self.domains += 1
                ok = True
            else:
                ok = self._take(tasks[i], results)
            if i != current:
                current, failed, skipped = i, False, True
            skipped = skipped and ok and bool(results) and all(r.get("skipped") for r in results)
            if not ok and not failed:
                failed = True
                self.failed += 1
                if fail_fast:
                    # Not a break: what the workers have done meanwhile is
                    # still installed and reported.
                    self.stopper.request()
            if not last:
                # More of this input follows, or it was cut short: then it
                # counts as not done, unless a domain of it failed.
                self.split_dump = True
                continue
            self.progress.update()
            if skipped:
                self.skipped += 1     # every output of it was there already
            elif not failed:
                self.converted += 1

    def skip(self, skipped: List[Tuple[Task, str]]) -> None:
        """The inputs whose output exists already (--skip-existing)."""
        for task, final in skipped:
            self.skipped += 1
            self.progress.update()
            self._report({"path": task.path, "ok": True, "output": final, "skipped": True})

    def _take(self, task: Task, results: List[dict]) -> bool:
        """Whether every domain of the input was converted."""
        ok = True
        if len(results) > 1:
            self.split_dump = True
        for res in results:
            # What libvirt's reader forgave, said before the outcome.
            for line in format_warnings(res):
                self.progress.write(line)
            warned = res.get("warnings")
            if res["ok"] and "tmp" in res:
                res = self.installer.install(res, task)
                res["warnings"] = warned
            elif res["ok"] and "text" in res:
                write_stdout(res.pop("text"))
            if res.get("skipped"):
                pass
            elif res["ok"]:
                self.domains += 1
            else:
                ok = False
                self.io_error = self.io_error or res["io"]
                self.progress.write(format_failure(res))
            self._report(res)
        return ok

    def _report(self, res: dict) -> None:
        """Write the result's report line. A report that cannot be written
        (a full disk) stops the run, which still installs and counts what
        was converted meanwhile: those outputs are on disk."""
        if self.report is None or self.stopped is not None:
            return
        try:
            self.report.write(res)
        except ReportError as exc:
            self.stopped = str(exc)
            self.stopper.request()

    def close(self) -> None:
        self.progress.close()

    def summary(self, planned: int, elapsed: float) -> str:
        total = self.converted + self.failed + self.skipped
        rate = (self.converted + self.failed) / elapsed if elapsed > 0 else 0.0
        extra = f" ({self.domains} domains)" if self.domains != self.converted else ""
        state = "interrupted: " if self.interrupted else "stopped: " if self.stopped else ""
        skipped = f", skipped {self.skipped}" if self.skipped else ""
        more = f", {planned - total} not done" if planned > total else ""
        return (f"fastsexpr: {state}converted {self.converted}{extra}{skipped}, failed "
                f"{self.failed}{more} in {elapsed:.2f}s ({rate:.0f} files/s)\n")

    def exit_status(self) -> int:
        if self.signum is not None:
            return 128 + self.signum
        if self.interrupted:
            return EXIT_INTERRUPTED
        if self.io_error or self.stopped:
            return EXIT_USAGE
        return EXIT_FAILED if self.failed else EXIT_OK


def _check_options(args) -> int:
    """The number of worker processes, once the options are known good."""
    jobs = args.jobs or os.cpu_count() or 1
    if args.force and args.skip_existing:
        raise UsageError("--force and --skip-existing cannot be used together")
    try:
        check_version(args.xend_config_version)
    except ConversionError:
        raise UsageError(f"--xend-config-version must be {one_of(XEND_CONFIG_VERSIONS)}") from None
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    return jobs


def _to_stdout(output: Optional[str], files: Inputs) -> bool:
    if output is None:
        if len(files) > 1 or any(rel is not None for _, rel in files):
            raise UsageError("several inputs need -o DIRECTORY")
        return True
    return output == "-"


def _prepare_outputs(args, files: Inputs, out_is_dir: bool, to_stdout: bool):
    """The tasks, with their output directories made and checked."""
    output = args.output
    if out_is_dir and not to_stdout and os.path.lexists(output) and not os.path.isdir(output):
        raise UsageError(f"{output}: not a directory (-o names the directory the outputs go "
                         "in when the run has more than one output or -o ends with '/')")
    try:
        tasks, dirs, planned = make_tasks(files, out_is_dir, output, to_stdout,
                                          args.from_, args.to)
        bad = make_dirs_inside(dirs, output) if dirs else None
        if bad is not None:
            raise UsageError(f"{bad}: leads outside the output directory {output}")
    except OSError as exc:
        raise UsageError(f"{exc.filename or ''}: {exc.strerror or exc}") from None
    return tasks, dirs, planned


def _output_file_dir(output: Optional[str], out_is_dir: bool) -> Optional[str]:
    """The directory of ``-o FILE``."""
    return (os.path.dirname(output) or ".") if output and not out_is_dir else None


def _output_roots(output: Optional[str], out_is_dir: bool, to_stdout: bool) -> List[str]:
    """The directory the outputs go under, if any."""
    if to_stdout or output is None:
        return []
    return [output] if out_is_dir else [_output_file_dir(output, out_is_dir)]


def _staging_dirs(tasks: List[Task], dirs: List[str], output: Optional[str],
                  out_is_dir: bool) -> set:
    """Every directory a temporary file of this run can be in."""
    found = {t.multi_dir for t in tasks if t.multi_dir} | set(dirs)
    file_dir = _output_file_dir(output, out_is_dir)
    if file_dir:
        found.add(file_dir)
    return found


def _finish_report(report: Optional[Report], collector: _Collector) -> None:
    """Put the report in place, whatever became of the run, unless it could
    not be written (the run's end then removes it)."""
    if report is None or collector.stopped is not None:
        return
    try:
        report.finish()
    except OSError as exc:
        sys.stderr.write(f"fastsexpr: error: --report {report.path}: {exc.strerror or exc}; "
                         "the report was not written\n")
        collector.io_error = True


def _run(collector: _Collector, settings: Settings, durability: Durability, tasks: List[Task],
         jobs: int, fail_fast: bool, staging: set, skipped: List[Tuple[Task, str]]) -> None:
    """Open the report, convert and collect; whatever stops the run, the
    workers are ended, the report put in place (or removed) and this run's
    temporary files swept."""
    completed = False
    outcomes = None
    # A signal from here on asks the run to stop, so the report's temporary
    # file, made first, is finished or removed like the rest of the run.
    with Stopper() as stopper:
        try:
            if collector.report is not None:
                collector.report.open()
            collector.stopper = stopper
            outcomes = stopper.outcomes(settings, durability, tasks, jobs)
            collector.skip(skipped)
            collector.collect(tasks, outcomes, fail_fast)
            completed = not stopper.requested
        except KeyboardInterrupt:
            collector.interrupted = True
        finally:
            try:
                # Ends the workers (a signal meanwhile is still only
                # recorded) before this run's leftovers are swept.
                if outcomes is not None:
                    outcomes.close()
                collector.close()
                if stopper.signum is not None:
                    collector.interrupted = True
                    collector.signum = stopper.signum
                _finish_report(collector.report, collector)
            finally:
                # A report not put in place is removed: one that could not
                # be written, or a second signal above stopped at once.
                if collector.report is not None:
                    collector.report.abandon()
                if not completed or collector.failed:
                    sweep(staging, settings.token)


def _reserve_report_name(report: Optional[str], planned: dict, installer: _Installer) -> None:
    """No output may take the report's name."""
    if report and report != "-":
        owner = planned.get(path_key(report))
        if owner is not None:
            raise UsageError(f"--report {report} is the output of {owner}")
        installer.claimed[path_key(report)] = "--report"


def _existing_outputs(tasks: List[Task], inputs: InputFiles
                      ) -> Tuple[List[Task], List[Tuple[Task, str]]]:
    """(the tasks to do, the tasks whose planned output exists and is no
    input) for --skip-existing."""
    todo, skipped = [], []
    for task in tasks:
        final = task.out_final
        if final is not None and os.path.lexists(final) and inputs.which(final) is None:
            skipped.append((task, final))
        else:
            todo.append(task)
    return todo, skipped


def _make_durable(collector: _Collector, durability: Durability, dirs: List[str], args,
                  out_is_dir: bool, report: Optional[Report]) -> None:
    """Make the directory entries of what was installed durable (the files'
    data was, before they were installed), whether the run completed or not:
    what the summary says was written is on disk once the command exits."""
    written: set = set()
    if args.output != "-" and args.output is not None and collector.domains:
        # The workers' renames land in the planned directories, the
        # installer's wherever it put them.
        written = set(dirs) | collector.installer.dirs
        file_dir = _output_file_dir(args.output, out_is_dir)
        if file_dir:
            written.add(file_dir)
    if report is not None and not report.to_stdout and collector.stopped is None:
        written.add(os.path.dirname(args.report) or ".")
    try:
        durability.sync(written)
    except OSError as exc:
        sys.stderr.write(f"fastsexpr: error: the outputs could not be made durable: "
                         f"{exc.strerror or exc}\n")
        collector.io_error = True


def cmd_convert(args) -> int:
    start = time.perf_counter()
    jobs = _check_options(args)
    left_out: Optional[list] = [] if args.verbose else None
    files, out_is_dir = plan_inputs(args.paths, args.recursive, args.output, skipped=left_out)
    if left_out:
        write_skipped(left_out)
    to_stdout = _to_stdout(args.output, files)
    inputs = InputFiles(path for path, _ in files)
    check_report(args.report, args.force, inputs, to_stdout)
    tasks, dirs, planned = _prepare_outputs(args, files, out_is_dir, to_stdout)
    installer = _Installer(args.force, planned, inputs, args.skip_existing)
    _reserve_report_name(args.report, planned, installer)
    todo, skipped = _existing_outputs(tasks, inputs) if args.skip_existing else (tasks, [])
    # os.urandom is what secrets.token_hex reads, without importing secrets.
    token = f"fsx{os.getpid()}{os.urandom(4).hex()}"
    # Opened before the workers start, so that a write-back error during the
    # run is seen by the syncs.
    durability = Durability(_output_roots(args.output, out_is_dir, to_stdout))
    # Workers send back every detail only when the report wants it.
    settings = Settings(args.from_, args.to, args.xend_config_version, token, to_stdout,
                        args.force, detail=bool(args.report), host_arch=args.host_arch,
                        networks=dict(args.networks) if args.networks else None,
                        strict=args.strict, sync_each=durability.sync_each,
                        fail_fast=args.fail_fast)
    # Its own token: sweeping the run's leftovers never takes the report.
    report = Report(args.report, "r" + token, args.force) if args.report else None
    collector = _Collector(installer,
                           Progress(len(tasks), sys.stderr.isatty() and not args.quiet), report)
    staging = _staging_dirs(tasks, dirs, args.output, out_is_dir)
    try:
        _run(collector, settings, durability, todo, jobs, args.fail_fast, staging, skipped)
        if collector.stopped is not None:
            sys.stderr.write(f"fastsexpr: error: {collector.stopped}; the run stopped and the "
                             "report was not written\n")
        _make_durable(collector, durability, dirs, args, out_is_dir, report)
    finally:
        durability.close()
    elapsed = time.perf_counter() - start
    if _wants_summary(args, len(tasks), out_is_dir and not to_stdout, collector):
        sys.stderr.write(collector.summary(len(tasks), elapsed))
    return collector.exit_status()


def _wants_summary(args, inputs: int, into_dir: bool, collector: _Collector) -> bool:
    """The summary line is for runs of more than one input or into a
    directory; one input converted to stdout or to one file prints nothing
    but its failures, as pandoc, jq and virsh do."""
    if args.quiet:
        return False
    # A dump's domains written one per file went into a directory -o named.
    wrote_dir = into_dir or (collector.split_dump and args.output not in (None, "-"))
    return inputs > 1 or wrote_dir or collector.interrupted or collector.stopped is not None
