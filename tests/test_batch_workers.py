"""The batch workers: processes of our own that run a job with the garbage collector paused,
ignore the signals their process group gets, are started only when there is work for them,
and stay bounded (time, memory); a caller's executor runs the plain job.

The jobs here are stand-ins: ``process_file`` is replaced before the workers are forked, so a
worker runs the stand-in (a fork copies the driver as it is).
"""

from __future__ import annotations

import gc
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from captions.batch import FileJob, FileResult, Kind, Limits, Status, Stop, resolve_settings
from captions.batch import workers


def run_jobs(*args, **kwargs) -> list[FileResult]:
    """The results of workers.run_jobs, its groups flattened."""
    return [result for group in workers.run_jobs(*args, **kwargs) for result in group]


def _job(rel: str) -> FileJob:
    return FileJob(rel, b"", Kind.TRANSCRIPT, resolve_settings([], Kind.TRANSCRIPT))


def _report(job: FileJob) -> FileResult:
    """What the process running the job looks like, as the result's reason."""
    state = {
        "pid": os.getpid(),
        "gc": gc.isenabled(),
        "frozen": gc.get_freeze_count() > 0,
        "sigint": signal.getsignal(signal.SIGINT) == signal.SIG_IGN,
        "sigterm": signal.getsignal(signal.SIGTERM) == signal.SIG_IGN,
    }
    return FileResult(job.rel, job.kind, Status.OK, reason=repr(state))


def _slow(job: FileJob) -> FileResult:
    if "slow" in job.rel:
        time.sleep(60)
    if "hungry" in job.rel:
        hog = bytearray(2 << 30)   # 2 GiB, over the limit below
        return FileResult(job.rel, job.kind, Status.OK, reason=str(len(hog)))
    return FileResult(job.rel, job.kind, Status.OK)


def test_a_worker_runs_the_job_paused_collector_ignored_signals_frozen_inheritance(monkeypatch) -> None:
    monkeypatch.setattr(workers, "process_file", _report)
    results = run_jobs([_job("a.txt"), _job("b.txt")], workers=1)
    states = [eval(r.reason) for r in results]  # noqa: S307 (our own repr)
    assert [r.rel for r in results] == ["a.txt", "b.txt"]
    assert all(s == {**s, "gc": False, "frozen": True, "sigint": True, "sigterm": True} for s in states)
    assert {s["pid"] for s in states} != {os.getpid()} and len({s["pid"] for s in states}) == 1  # one worker, reused
    assert gc.isenabled() and signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the driver unchanged


def test_never_more_workers_than_files(monkeypatch) -> None:
    monkeypatch.setattr(workers, "process_file", _report)
    results = run_jobs([_job("a.txt"), _job("b.txt")], workers=50)
    pids = {eval(r.reason)["pid"] for r in results}  # noqa: S307
    assert len(results) == 2 and len(pids) <= 2


def test_a_paused_collector_stays_paused(monkeypatch) -> None:
    monkeypatch.setattr(workers, "process_file", lambda job: FileResult(job.rel, job.kind, Status.OK))
    gc.disable()
    try:
        workers.work(_job("a.txt"))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_callers_executor_runs_the_plain_job(monkeypatch) -> None:
    seen: list[bool] = []

    def process_file(job: FileJob) -> FileResult:
        seen.append(gc.isenabled())
        return FileResult(job.rel, job.kind, Status.OK)

    monkeypatch.setattr(workers, "process_file", process_file)
    with ThreadPoolExecutor(2) as pool:
        results = run_jobs([_job("a.txt"), _job("b.txt"), _job("c.txt")], workers=2, executor=pool)
    assert sorted(r.rel for r in results) == ["a.txt", "b.txt", "c.txt"] and seen == [True, True, True]


def test_a_job_over_the_time_limit_is_killed_and_the_run_goes_on(monkeypatch) -> None:
    monkeypatch.setattr(workers, "process_file", _slow)
    start = time.monotonic()
    results = {r.rel: r for r in run_jobs([_job("slow.txt"), _job("a.txt"), _job("b.txt")], workers=1,
                                          limits=Limits(time_s=1.0))}
    assert time.monotonic() - start < 20
    assert results["slow.txt"].status is Status.FAILED and "time limit" in results["slow.txt"].reason
    assert results["a.txt"].status is Status.OK and results["b.txt"].status is Status.OK


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="the memory limit is Linux's RLIMIT_AS")
def test_a_job_over_the_memory_limit_fails_alone(monkeypatch) -> None:
    from captions.batch import job as job_module

    monkeypatch.setattr(job_module, "_process", _slow)   # the real process_file reports the MemoryError
    results = {r.rel: r for r in run_jobs([_job("hungry.txt"), _job("a.txt")], workers=1,
                                          limits=Limits(memory_bytes=256 << 20))}
    assert results["hungry.txt"].status is Status.FAILED
    assert results["hungry.txt"].reason.endswith(job_module.MEMORY_REASON)
    assert results["a.txt"].status is Status.OK


def test_a_stop_cancels_the_job_in_flight_after_the_grace_period(monkeypatch) -> None:
    monkeypatch.setattr(workers, "process_file", _slow)
    stop = Stop()
    seen = []

    def tick(in_flight: int) -> None:
        seen.append(in_flight)
        if len(seen) == 2:
            stop.request()

    start = time.monotonic()
    results = run_jobs([_job("slow.txt"), _job("later.txt")], workers=1, stop=stop, tick=tick,
                       limits=Limits(grace_s=1.0))
    assert results == [] and 1 < time.monotonic() - start < 20   # the slow one cancelled, the other never started


def test_a_second_stop_cancels_at_once(monkeypatch) -> None:
    monkeypatch.setattr(workers, "process_file", _slow)
    stop = Stop()

    def tick(in_flight: int) -> None:
        stop.request()
        stop.request()

    start = time.monotonic()
    assert run_jobs([_job("slow.txt")], workers=1, stop=stop, tick=tick, limits=Limits(grace_s=60.0)) == []
    assert time.monotonic() - start < 10


def test_a_worker_that_dies_fails_its_file_only(monkeypatch) -> None:
    def die(job: FileJob) -> FileResult:
        if "die" in job.rel:
            os.kill(os.getpid(), signal.SIGKILL)
        return FileResult(job.rel, job.kind, Status.OK)

    monkeypatch.setattr(workers, "process_file", die)
    results = {r.rel: r for r in run_jobs([_job("die.txt"), _job("a.txt"), _job("b.txt")], workers=2)}
    assert results["die.txt"].status is Status.FAILED and "killed by SIGKILL" in results["die.txt"].reason
    assert results["a.txt"].status is Status.OK and results["b.txt"].status is Status.OK
