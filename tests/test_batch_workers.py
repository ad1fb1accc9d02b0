"""The batch workers pause the garbage collector while a job runs, and only our own workers:
a caller's executor (threads share one collector) runs the plain job."""

from __future__ import annotations

import gc
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from captions.batch import FileJob, FileResult, Kind, Status, resolve_settings
from captions.batch import driver


def _job(rel: str) -> FileJob:
    return FileJob(rel, b"", Kind.TRANSCRIPT, resolve_settings([], Kind.TRANSCRIPT))


@pytest.fixture()
def watched(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether the collector was on, for each job run."""
    seen: list[bool] = []

    def process_file(job: FileJob) -> FileResult:
        seen.append(gc.isenabled())
        return FileResult(job.rel, job.kind, Status.OK)

    monkeypatch.setattr(driver, "process_file", process_file)
    return seen


def test_jobs_in_this_process_run_with_the_collector_paused(watched: list[bool]) -> None:
    assert gc.isenabled()
    results = list(driver._run_jobs([_job("a.txt"), _job("b.txt")], workers=1))
    assert [r.rel for r in results] == ["a.txt", "b.txt"] and watched == [False, False]
    assert gc.isenabled()  # back on between jobs and after them


def test_a_paused_collector_stays_paused(watched: list[bool]) -> None:
    gc.disable()
    try:
        driver._work(_job("a.txt"))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_callers_executor_runs_the_plain_job(watched: list[bool]) -> None:
    with ThreadPoolExecutor(2) as pool:
        results = list(driver._run_jobs([_job("a.txt"), _job("b.txt"), _job("c.txt")], workers=2, executor=pool))
    assert sorted(r.rel for r in results) == ["a.txt", "b.txt", "c.txt"] and watched == [True, True, True]
    assert gc.isenabled()


def test_a_pool_worker_ignores_ctrl_c_and_freezes_what_it_inherited() -> None:
    probe = ("import gc, signal\nfrom captions.batch.driver import _start_worker\n_start_worker()\n"
             "print(signal.getsignal(signal.SIGINT) == signal.SIG_IGN, gc.get_freeze_count() > 0, gc.isenabled())")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "True", "True"]
