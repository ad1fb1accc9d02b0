"""Where the jobs of a batch run: worker processes of our own, or a caller's executor.

Our own workers are plain processes, one job at a time each, started only when there is a job
for them (never more than the files to do), and watched by the driver:

* a job that runs longer than :attr:`Limits.time_s` has its worker killed, and its file fails
  with the reason; a new worker takes the next job, so one stuck file never stops the run;
* a job that needs more than :attr:`Limits.memory_bytes` on top of what its worker held
  before (the worker's address space, ``RLIMIT_AS``, on Linux) fails with a ``MemoryError``
  that costs its file only; the worker is then replaced;
* a :class:`Stop` request (the command line's Ctrl-C or SIGTERM) stops the giving of jobs;
  the jobs in flight may finish within :attr:`Limits.grace_s`, then they are cancelled (their
  files are not recorded, so the next run does them); a second request cancels them at once;
* a worker dies with its driver, however the driver ends (Linux's parent-death signal; on
  other systems a worker waiting for a job notices that its driver is gone), and ignores
  Ctrl-C and SIGTERM sent to the whole process group: the driver decides.

The driver waits on the workers' pipes and process handles with a short timeout, so it keeps
its own time (limits, stop requests, the progress ticks) whatever the workers do.

A caller's :class:`concurrent.futures.Executor` (Dask, a thread pool) runs
:func:`~captions.batch.job.process_file` itself: stop requests apply (nothing new is
submitted, what is pending is cancelled), the limits do not (the executor has its own).
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from .job import MEMORY_REASON, FileJob, FileResult, process_file
from .manifest import Kind, Status

__all__ = ["Limits", "Stop", "Tick", "run_jobs", "available_cpus", "TICK_S"]

GIB = 1 << 30
TICK_S = 0.5   # how often the driver looks at the clock and reports progress while jobs run


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on the work of one file on our own workers (docs/batch.md, "Limits").

    Attributes:
        time_s: seconds a job may run on its worker; None for no limit.
        memory_bytes: memory a job may take on top of what its worker held before it (Linux);
            None for no limit.
        grace_s: after a first stop request, how long the files in flight may take to finish
            before they are cancelled.
    """

    time_s: float | None = 600.0
    memory_bytes: int | None = 4 * GIB
    grace_s: float = 5.0


class Stop:
    """A request to stop a run, made from a signal handler or another thread: the first lets the
    files in flight finish (up to :attr:`Limits.grace_s`), the second cancels them at once.

    Only plain attribute writes happen in :meth:`request`, so a signal handler may call it at
    any moment.
    """

    def __init__(self) -> None:
        self.level = 0
        self.first_at: float | None = None

    def request(self) -> None:
        if self.first_at is None:
            self.first_at = time.monotonic()
        self.level += 1

    def waited(self) -> float:
        """Seconds since the first request (0 before)."""
        return 0.0 if self.first_at is None else time.monotonic() - self.first_at


#: Called about every TICK_S while jobs run, with the number of files in flight.
Tick = Callable[[int], None]


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity where the system says; cgroup quotas aside)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def run_jobs(jobs: Iterable[FileJob], workers: int, *, limits: Limits = Limits(), stop: Stop | None = None,
             executor: Executor | None = None, tick: Tick | None = None) -> Iterator[list[FileResult]]:
    """Results of ``jobs`` as they finish, in groups (those that finished together, so that the
    driver records them with one flush), with at most ``2 * workers`` files in flight (read,
    running or waiting to be written: memory is bounded by them, not by the folder).

    ``jobs`` is read lazily, and no further once a stop is requested.  Jobs cancelled by a stop
    give no result.
    """
    stop = stop or Stop()
    if executor is not None:
        yield from _on_executor(jobs, max(1, workers), executor, stop, limits, tick)
        return
    pool = _LocalPool(max(1, workers), limits, stop, tick)
    try:
        yield from pool.run(iter(jobs))
    finally:
        pool.shutdown()


# --------------------------------------------------------------------------------------------
# Our own workers.


def _context() -> multiprocessing.context.BaseContext:
    """Forked workers on Linux (they start in milliseconds, with the driver's imports and its
    compiled command-line dictionaries); spawned ones elsewhere."""
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class _Worker:
    """One worker process, its pipe, and the job it runs."""

    def __init__(self, context: multiprocessing.context.BaseContext, memory_bytes: int | None) -> None:
        here, there = context.Pipe(duplex=True)
        process: BaseProcess = context.Process(  # type: ignore[attr-defined]
            target=_worker_main, args=(there, os.getpid(), memory_bytes), name="captions-worker", daemon=True)
        process.start()
        there.close()
        self.process, self.conn = process, here
        self.job: FileJob | None = None
        self.started = 0.0

    def give(self, job: FileJob) -> bool:
        """Send ``job``; False when the worker is gone (the job is not lost: give it to another)."""
        if not self.process.is_alive():
            return False
        try:
            self.conn.send(job)
        except (OSError, ValueError):
            return False
        self.job, self.started = job, time.monotonic()
        return True

    def kill(self) -> None:
        try:
            self.process.kill()
        except (OSError, ValueError):
            pass
        self.process.join(5)
        self.conn.close()

    def retire(self) -> None:
        """Ask an idle worker to end; kill it if it does not."""
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(1)
        if self.process.is_alive():
            self.kill()
        else:
            self.conn.close()


class _LocalPool:
    """Our workers: started on demand up to ``size``, watched, replaced when they die or are killed."""

    def __init__(self, size: int, limits: Limits, stop: Stop, tick: Tick | None) -> None:
        self.size, self.limits, self.stop, self.tick = size, limits, stop, tick
        self.context = _context()
        self.idle: list[_Worker] = []
        self.busy: list[_Worker] = []
        self.queue: Iterator[FileJob] = iter(())
        self.exhausted = False

    def run(self, queue: Iterator[FileJob]) -> Iterator[list[FileResult]]:
        self.queue, self.exhausted = queue, False
        ready: deque[FileJob] = deque()
        while True:
            self._feed(ready)
            if not self.busy:
                if self.stop.level or self.exhausted:
                    return
                continue
            results = list(self._wait())
            # The workers that answered get their next file before the results are written:
            # writing (and flushing) outputs takes the driver milliseconds a worker would idle.
            self._feed(ready)
            if results:
                yield results

    def _feed(self, ready: deque[FileJob]) -> None:
        """Read jobs ahead (up to ``2 * size`` files in flight) and give idle workers theirs."""
        if self.stop.level:
            ready.clear()   # read but never started: not recorded, the next run does them
            return
        while not self.exhausted and len(ready) + len(self.busy) < 2 * self.size:
            job = next(self.queue, None)
            if job is None:
                self.exhausted = True
            else:
                ready.append(job)
        self._dispatch(ready)

    def _dispatch(self, ready: deque[FileJob]) -> None:
        failures = 0
        while ready and (self.idle or len(self.busy) < self.size):
            if not self.idle and self.context.get_start_method() == "fork":
                _warm_up(ready[0])
            worker = self.idle.pop() if self.idle else _Worker(self.context, self.limits.memory_bytes)
            if worker.give(ready[0]):
                ready.popleft()
                self.busy.append(worker)
                continue
            worker.kill()
            failures += 1
            if failures > 3 * self.size:
                raise OSError("cannot start a worker process: each one ended at once")

    def _wait(self) -> Iterator[FileResult]:
        deadline = min((w.started + self.limits.time_s for w in self.busy), default=None) \
            if self.limits.time_s is not None else None
        timeout = TICK_S if deadline is None else max(0.0, min(TICK_S, deadline - time.monotonic()))
        handles: dict[Any, _Worker] = {}
        for worker in self.busy:
            handles[worker.conn] = worker
            handles[worker.process.sentinel] = worker
        ready = multiprocessing.connection.wait(list(handles), timeout)
        for worker in dict.fromkeys(handles[h] for h in ready):
            yield self._collect(worker)
        yield from self._enforce()
        if self.tick is not None:
            self.tick(len(self.busy))

    def _collect(self, worker: _Worker) -> FileResult:
        """The result of a worker that answered or ended."""
        job = worker.job
        assert job is not None  # only busy workers are waited on
        self.busy.remove(worker)
        try:
            result, retiring = worker.conn.recv() if worker.conn.poll() else (None, True)
        except (EOFError, OSError):
            result, retiring = None, True
        if result is None:   # it ended, or its pipe broke: say how it ended before ending it for good
            worker.process.join(2)
            reason = _death(worker.process)
            worker.kill()
            return FileResult(job.rel, job.kind, Status.FAILED, reason=f"{job.rel}: {reason}")
        worker.job = None
        if retiring:
            worker.retire()
        else:
            self.idle.append(worker)
        assert isinstance(result, FileResult)
        return result

    def _enforce(self) -> Iterator[FileResult]:
        """Kill the jobs over the time limit (their files fail), and those a stop cancels (no result)."""
        now = time.monotonic()
        limit = self.limits.time_s
        for worker in list(self.busy):
            job = worker.job
            assert job is not None
            if limit is not None and now - worker.started > limit:
                self.busy.remove(worker)
                worker.kill()
                yield FileResult(job.rel, job.kind, Status.FAILED,
                                 reason=f"{job.rel}: stopped after {limit:g} s, the time limit for one file "
                                        "(--time-limit)")
        if self.stop.level >= 2 or (self.stop.level and self.stop.waited() > self.limits.grace_s):
            for worker in self.busy:
                worker.kill()
            self.busy.clear()

    def shutdown(self) -> None:
        for worker in self.busy:
            worker.kill()
        for worker in self.idle:
            worker.retire()
        self.busy.clear()
        self.idle.clear()


_WARM_UP = (("warm-up.txt", Kind.TRANSCRIPT, "00:01Bonjour à tous, bienvenue.\n00:04Merci d'être là ce soir.\n"),
            ("warm-up.srt", Kind.CAPTIONS, "1\n00:00:01,000 --> 00:00:02,500\nBonjour à tous.\n"))
_warmed: list[bool] = []


def _warm_up(first: FileJob) -> None:
    """Run two tiny jobs in this process, once, before the first worker is forked.

    What a job loads on first use (the validator's modules, the writers' libraries, compiled
    patterns, language data) is then loaded here, once, and every forked worker starts with it,
    instead of each worker loading it again on its first file.  The jobs use the run's settings
    without its dictionaries (those are compiled on the workers, under their limits).
    """
    if _warmed:
        return
    _warmed.append(True)
    for rel, kind, text in _WARM_UP:
        settings = replace(first.settings, dictionaries=())
        if kind is Kind.CAPTIONS:
            settings = replace(settings, formats=())
        work(FileJob(rel, text.encode("utf-8"), kind, settings))


def _death(process: BaseProcess) -> str:
    """How a worker ended, for its file's reason."""
    code = process.exitcode
    if code is None:
        return "the worker process stopped answering while processing this file; rerun to retry"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = " (the system may have run out of memory)" if -code == signal.SIGKILL else ""
        return f"the worker process was killed by {name} while processing this file{hint}; rerun to retry"
    return f"the worker process ended (exit status {code}) while processing this file; rerun to retry"


def _worker_main(conn: Connection, parent: int, memory_bytes: int | None) -> None:
    """A worker: jobs in, results out, until told to end or its driver is gone."""
    _die_with_parent(parent)
    # Ctrl-C and SIGTERM reach the whole process group: the driver decides what stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # What the worker inherited (the imported modules) lives as long as it: leave it out of
    # every collection.  The collector runs between jobs (paused during each, see work()), even
    # when the driver that forked this worker had it paused (the command line pauses it).
    gc.freeze()
    gc.enable()
    while True:
        while not conn.poll(1.0):
            if os.getppid() != parent:
                return
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        with _memory_limit(memory_bytes):
            result = work(job)
        retiring = result.reason is not None and result.reason.endswith(MEMORY_REASON)
        conn.send((result, retiring))
        if retiring:
            return


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when its parent ends (``PR_SET_PDEATHSIG``); then make sure
    the parent did not end before the request was made."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)   # 1: PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(0)


class _memory_limit:
    """Bound the address space of this process to what it holds now plus ``extra`` bytes while a
    job runs (Linux); a job that needs more gets a MemoryError, which fails its file only."""

    def __init__(self, extra: int | None) -> None:
        self.extra = extra
        self.saved: tuple[int, int] | None = None

    def __enter__(self) -> None:
        if self.extra is None:
            return
        try:
            import resource

            with open("/proc/self/statm", encoding="ascii") as handle:
                held = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            limit = held + self.extra if hard == resource.RLIM_INFINITY else min(held + self.extra, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
            self.saved = (soft, hard)
        except (OSError, ValueError, ImportError):
            self.saved = None

    def __exit__(self, *exc: object) -> None:
        if self.saved is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, self.saved)


def work(job: FileJob) -> FileResult:
    """One job on a worker of our own, with the garbage collector paused while it runs.

    A job builds hundreds of thousands of small acyclic values, which make the collector run over
    and over for nothing; they are freed by reference counting when the job ends, so the
    collector, back on between jobs, finds no work piling up.  Not for a caller's executor:
    its threads would share the pause.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return process_file(job)
    finally:
        if enabled:
            gc.enable()


# --------------------------------------------------------------------------------------------
# A caller's executor.


def _on_executor(jobs: Iterable[FileJob], workers: int, executor: Executor, stop: Stop, limits: Limits,
                 tick: Tick | None) -> Iterator[list[FileResult]]:
    pending: dict[Future[FileResult], FileJob] = {}
    queue = iter(jobs)
    try:
        while True:
            while not stop.level and len(pending) < 2 * workers:
                job = next(queue, None)
                if job is None:
                    break
                pending[executor.submit(process_file, job)] = job
            if not pending:
                return
            done, _ = wait(pending, timeout=TICK_S, return_when=FIRST_COMPLETED)
            if done:
                yield [_outcome(future, pending.pop(future)) for future in done]
            if stop.level >= 2 or (stop.level and stop.waited() > limits.grace_s):
                return
            if tick is not None:
                tick(len(pending))
    finally:
        for future in pending:
            future.cancel()


def _outcome(future: Future[FileResult], job: FileJob) -> FileResult:
    try:
        return future.result()
    except Exception as exc:  # the executor lost the job (a worker died, a cluster went away)
        return FileResult(job.rel, job.kind, Status.FAILED,
                          reason=f"{job.rel}: the executor failed this job ({type(exc).__name__}); rerun to retry")
