"""The worker processes of ``convert -j N``: chunks of tasks out, results
back in input order, and a stop that loses nothing.

multiprocessing.Pool is not used. Its terminate() can hang for good when an
interruption comes while its task-handler thread holds the queue lock, and
it throws away what its workers already did: outputs on disk that no summary
or report mentions. Here each worker has a pipe of its own (no lock shared
between processes), is given a chunk only when it is idle, and when asked to
stop finishes the input (or the domain of a long dump) in hand and sends
back what it did. A worker that
does not stop in time is killed; workers also die with the parent (Linux's
parent-death signal, and a check between inputs elsewhere), removing their
temporary files as they go.
"""
from __future__ import annotations

import os
import signal
import sys
import time
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from .files import sweep

# ctypes and multiprocessing are imported where a pool starts: a run of one
# input (or -j 1) converts in this process and never needs them.
from ..xend.streaming import CHUNK
from .batch import Batch, Outcome
from .plan import Task
from .worker import Settings, WorkerDied, convert_parts, failure, with_texts_back, write_staged

# How long a worker may take to finish the input in hand once asked to stop,
# and to exit at the end, before it is killed.
STOP_GRACE = 10.0
EXIT_GRACE = 5.0
_POLL = 0.5
_PR_SET_PDEATHSIG = 1
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def chunk_bounds(n: int, jobs: int) -> Iterator[Tuple[int, int]]:
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


def _batched(settings: Settings, durability, outcomes: Iterator[Outcome]) -> Iterator[Outcome]:
    """``outcomes`` made durable and installed a batch (or a part of a long
    input) at a time."""
    batch = Batch(settings, durability)
    try:
        for i, results, last in outcomes:
            batch.add(i, results, last)
            if not last or batch.due():
                yield from batch.finish()
    except KeyboardInterrupt:
        # Stopping at once (a second Ctrl-C): what was converted before the
        # input in hand is still installed, and reported.
        yield from batch.finish()
        raise
    yield from batch.finish()


def in_process(settings: Settings, durability, tasks: Sequence[Task], stop
               ) -> Iterator[Outcome]:
    """The tasks converted here, one after the other, until ``stop()``."""
    def converted() -> Iterator[Outcome]:
        for i, task in enumerate(tasks):
            if stop():
                return
            for results, last in convert_parts(settings, task, stop):
                yield i, results, last

    return _batched(settings, durability, converted())


def written_here(settings: Settings, durability, outcomes: Iterator[Outcome], stop
                 ) -> Iterator[Outcome]:
    """The outcomes of a worker that sent its outputs' texts back, each
    text written here to its temporary file, until ``stop()``: the worker
    converts ahead, and what it sent after the run was asked to stop (a
    signal, --fail-fast) is not written."""
    def written() -> Iterator[Outcome]:
        # A worker that writes nothing never sends DONE: results are lists.
        for i, results, last in outcomes:
            done: list = []
            for res in results:
                if stop():
                    if done:
                        yield i, done, False
                    return
                if "text" in res:
                    res = write_staged(res, res.pop("text"), settings.sync_each)
                done.append(res)
                if settings.fail_fast and not res["ok"]:
                    # Handed on at once: the run stops here.
                    yield i, done, False
                    done = []
            if done or last:
                yield i, done, last

    return _batched(settings, durability, written())


# ------------------------------------------------------------ the worker

def _die_with(parent: int) -> None:
    """Have the kernel send SIGTERM when the parent dies (Linux)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            pass


def _terminated(signum, frame):
    # Unwinds the input in hand: its partial temporary file is removed on the way.
    raise SystemExit(128 + signum)


def _work(settings: Settings, durability, tasks: Sequence[Task], conn, stop, parent: int,
          others: Sequence) -> None:
    """A worker's life: convert the chunks it is sent until told to end."""
    for other in others:
        # The parent's ends of the earlier workers' pipes, inherited by the
        # fork: holding them would keep those workers from seeing it go.
        other.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent handles Ctrl-C
    signal.signal(signal.SIGTERM, _terminated)
    _die_with(parent)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
    used_dirs: set = set()       # where this worker may have left temporary files

    def stopping() -> bool:
        return stop.value or os.getppid() != parent

    try:
        while os.getppid() == parent:
            message = conn.recv()
            if message is None:
                return
            start, stop_at = message
            done: List[Outcome] = []
            batch = Batch(settings, durability)
            for i in range(start, stop_at):
                if stopping():
                    break
                used_dirs.update(_output_dirs(tasks[i]))
                for results, last in convert_parts(settings, tasks[i], stopping):
                    batch.add(i, results, last)
                    if not last:
                        # A part of a long input: the parent installs it
                        # while the next one is converted.
                        conn.send((start, done + batch.finish(), False))
                        done = []
                    elif batch.due():
                        done += batch.finish()
            # The chunk's end: this worker is idle again.
            conn.send((start, done + batch.finish(), True))
    except (EOFError, OSError):
        return   # the parent is gone
    finally:
        if os.getppid() != parent:
            # Orphaned: no parent will name the outputs staged for it, nor
            # sweep what a write cut short left.
            sweep(used_dirs, settings.token)


def _output_dirs(task: Task) -> Iterator[str]:
    """The directories a task's temporary files go to."""
    if task.out_file is not None:
        yield os.path.dirname(task.out_file) or os.curdir
    if task.out_stem is not None:
        yield os.path.dirname(task.out_stem) or os.curdir
    for directory in (task.by_name_dir, task.multi_dir):
        if directory is not None:
            yield directory


# ------------------------------------------------------------ the parent

class WorkerPool:
    """``jobs`` forked workers converting ``tasks``; iterate :meth:`outcomes`
    for the results in input order, call :meth:`stop` (a signal handler may)
    to have them stop between two inputs (two domains of a long dump), and
    :meth:`close` at the end."""

    def __init__(self, settings: Settings, durability, tasks: Sequence[Task], jobs: int):
        self.tasks = tasks
        self.stopping = False
        self._deadline = 0.0
        import ctypes
        import multiprocessing
        methods = multiprocessing.get_all_start_methods()
        # fork: the workers inherit the imported package and the tasks, so
        # each one starts in milliseconds and a chunk is sent as two numbers.
        ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
        self._stop = ctx.RawValue(ctypes.c_bool, False)
        self._workers: Dict[object, multiprocessing.process.BaseProcess] = {}
        # Signals wait until the workers can ignore or handle them: a Ctrl-C
        # while one starts would otherwise print its traceback.
        old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        try:
            for _ in range(jobs):
                mine, theirs = ctx.Pipe()
                proc = ctx.Process(target=_work, daemon=True,
                                   args=(settings, durability, tasks, theirs, self._stop,
                                         os.getpid(),
                                         list(self._workers)))
                proc.start()
                theirs.close()
                self._workers[mine] = proc
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)

    def stop(self) -> None:
        """Ask every worker to stop after the input in hand."""
        if not self.stopping:
            self._deadline = time.monotonic() + STOP_GRACE
        self.stopping = True
        self._stop.value = True

    def outcomes(self, jobs: int) -> Iterator[Outcome]:
        """Each task's results in input order (a long one's in parts, as its
        worker sends them); after :meth:`stop`, those of the tasks that were
        done, or begun."""
        chunks = list(chunk_bounds(len(self.tasks), jobs))
        ends = dict(chunks)
        sent = 0
        busy: Dict[object, int] = {}                 # pipe -> its chunk's start
        # chunk start -> its outcomes not yet given, and the first of its
        # tasks not finished (where what its worker did not do starts)
        held: Dict[int, List[Outcome]] = {}
        resume: Dict[int, int] = {}
        ended: set = set()                           # the chunks done with
        idle = list(self._workers)
        order = [start for start, _ in chunks]
        emitted = 0
        while True:
            while idle and sent < len(chunks) and not self.stopping:
                conn = idle.pop()
                conn.send(chunks[sent])
                busy[conn] = resume[chunks[sent][0]] = chunks[sent][0]
                sent += 1
            if not self._workers and sent < len(chunks) and not self.stopping:
                # Every worker died: the inputs left are reported, not dropped.
                for start, stop_at in chunks[sent:]:
                    held[start] = self._failed(start, stop_at, "no worker process is left")
                    ended.add(start)
                sent = len(chunks)
            # The chunk at the head of input order is given as it comes; the
            # later ones wait for it.
            while emitted < sent:
                yield from held.pop(order[emitted], ())
                if order[emitted] not in ended:
                    break
                emitted += 1
            if not busy:
                return
            for conn in self._ready(busy):
                start = busy[conn]
                try:
                    _, got, over = conn.recv()
                except (EOFError, OSError):
                    got, over = self._lost(conn, resume[start], ends[start]), True
                    busy.pop(conn)
                else:
                    if over:
                        busy.pop(conn)
                        idle.append(conn)
                if got:
                    index, _, last = got[-1]
                    resume[start] = index + 1 if last else index
                    held.setdefault(start, []).extend(got)
                if over:
                    ended.add(start)

    def _ready(self, busy: Dict[object, int]) -> List[object]:
        while True:
            # A bounded wait, so that a stop asked meanwhile gets its deadline.
            from multiprocessing.connection import wait
            ready = wait(list(busy), timeout=_POLL)
            if ready:
                return ready
            if self.stopping and time.monotonic() > self._deadline:
                # Some did not stop within the grace: kill them.
                for conn in busy:
                    self._kill(conn)
                return list(busy)

    def _lost(self, conn, start: int, stop_at: int) -> List[Outcome]:
        """The outcomes of the tasks from ``start`` (the first one its worker
        had not finished) to the chunk's end when that worker ended without
        sending them."""
        proc = self._workers.pop(conn)
        self._kill_process(proc)
        conn.close()
        if self.stopping:
            return []        # not done: the run was stopping anyway
        return self._failed(start, stop_at,
                            f"the worker process converting it ended (exit status "
                            f"{proc.exitcode}) before saying what it did; an output may have "
                            "been written")

    def _failed(self, start: int, stop_at: int, why: str) -> List[Outcome]:
        exc = WorkerDied(why)
        return [(i, [failure(self.tasks[i].path, exc)], True) for i in range(start, stop_at)]

    def _kill(self, conn) -> None:
        proc = self._workers.get(conn)
        if proc is not None:
            self._kill_process(proc)

    @staticmethod
    def _kill_process(proc) -> None:
        if proc.is_alive():
            proc.kill()
        proc.join(EXIT_GRACE)

    def close(self) -> None:
        """End every worker: told to when idle, asked to stop when busy (what
        it then sends is dropped), killed when it does not exit in time.
        Never waits without a bound."""
        self.stop()
        for conn in self._workers:
            try:
                conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + EXIT_GRACE
        pending = dict(self._workers)
        from multiprocessing.connection import wait
        while pending and time.monotonic() < deadline:
            for conn in wait(list(pending), timeout=_POLL):
                try:
                    conn.recv()
                except (EOFError, OSError):
                    pending.pop(conn)
        for conn, proc in self._workers.items():
            if proc.is_alive():
                proc.kill()
            proc.join(EXIT_GRACE)
            conn.close()
        self._workers.clear()


def _long(tasks: Sequence[Task]) -> bool:
    """Whether the one input is a file too long to be read at once: a dump
    converted in a worker while this process installs its outputs."""
    try:
        return bool(tasks) and tasks[0].data is None and os.stat(tasks[0].path).st_size >= CHUNK
    except OSError:
        return False


class Stopper:
    """What ends a run early: SIGINT or SIGTERM, or ``--fail-fast``.

    The first signal asks the run to stop between two inputs, so that every
    output written is reported; a second one stops at once
    (KeyboardInterrupt; Terminated, its subclass, for SIGTERM). Used as a context manager around the run, it
    handles the signals (in the main thread only; elsewhere they are left
    alone).
    """

    def __init__(self):
        self.signum: Optional[int] = None
        self.requested = False
        self.pool: Optional[WorkerPool] = None
        self._previous: dict = {}

    def __enter__(self) -> "Stopper":
        try:
            for signum in _SIGNALS:
                self._previous[signum] = signal.signal(signum, self._handle)
        except ValueError:
            pass     # not the main thread, where signals are handled
        return self

    def __exit__(self, *exc) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum, frame) -> None:
        if self.signum is not None:
            # Stop at once, the exit status naming this signal.
            from . import Terminated
            raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()
        self.signum = signum
        self.request()

    def request(self) -> None:
        """Stop between two inputs."""
        self.requested = True
        if self.pool is not None:
            self.pool.stop()

    def asked(self) -> bool:
        return self.requested

    def outcomes(self, settings: Settings, durability, tasks: Sequence[Task], jobs: int
                 ) -> Iterator[Outcome]:
        """Each task's results, in input order, until asked to stop; then
        those of every task that was done. ``durability`` (a
        files.Durability) makes the outputs durable before they are installed."""
        if jobs <= 1 or (len(tasks) <= 1 and not _long(tasks)):
            yield from in_process(settings, durability, tasks, self.asked)
            return
        # A long input alone: its worker converts, this process writes.
        writes_here = len(tasks) == 1 and not settings.to_stdout
        pool = WorkerPool(with_texts_back(settings) if writes_here else settings, durability,
                          tasks, min(jobs, len(tasks)))
        self.pool = pool
        try:
            if self.requested:
                pool.stop()
            if writes_here:
                yield from written_here(settings, durability, pool.outcomes(jobs), self.asked)
            else:
                yield from pool.outcomes(jobs)
        finally:
            self.pool = None
            pool.close()
