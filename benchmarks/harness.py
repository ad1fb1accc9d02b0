"""Shared timing and table printing for the benchmarks (public tools only).

Every figure is the median of several runs measured in one process, one after the
other, so that ratios between tools hold even when the shared machine's speed drifts.

Each run is timed twice: wall time (:func:`time.perf_counter`) and CPU time.  For work done in
this process the CPU time is :func:`time.process_time`; for a row that runs a command as a
child process it is the user + system time of the children waited for during the run
(``resource.getrusage(RUSAGE_CHILDREN)``), which includes the child's own waited-for workers.
"""

from __future__ import annotations

import gc
import os
import resource
import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Callable, Iterable


@dataclass(frozen=True)
class Timing:
    """The median wall time and the median CPU time of one row's runs, in seconds.

    ``cpu`` is None where it was not measured.
    """

    wall: float
    cpu: float | None = None


def children_cpu_seconds() -> float:
    """User + system CPU seconds of every child process this process has waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True)
class ProcessRun:
    """One run of a child process: wall seconds, CPU seconds (user + system) and peak memory
    (MiB, the largest resident set), the last two from the operating system's accounting of that
    child alone (``os.wait4``)."""

    wall: float
    cpu: float
    peak_mib: float


def run_process(argv: Sequence[str], *, cwd: str | None = None, env: Mapping[str, str] | None = None) -> ProcessRun:
    """Run ``argv`` with its output thrown away, wait for it, and return what it cost."""
    start = time.perf_counter()
    child = subprocess.Popen(list(argv), cwd=cwd, env=None if env is None else dict(env),
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)   # reaped here: Popen must not wait again
    if child.returncode != 0:
        raise subprocess.CalledProcessError(child.returncode, list(argv))
    return ProcessRun(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def median_timing(fn: Callable[[], object], *, repeat: int = 5, warmup: int = 1,
                  process: bool = False) -> Timing:
    """Median wall and CPU time of ``fn()`` over ``repeat`` runs after ``warmup`` uncounted ones.

    ``process``: ``fn`` runs a child process and waits for it; its CPU time is the child's
    (this process's own CPU time would only count the waiting).
    """
    cpu_clock = children_cpu_seconds if process else time.process_time
    for _ in range(warmup):
        fn()
    walls, cpus = [], []
    for _ in range(repeat):
        gc.collect()
        cpu_start = cpu_clock()
        start = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(cpu_clock() - cpu_start)
    return Timing(statistics.median(walls), statistics.median(cpus))


def print_table(title: str, rows: Iterable[tuple[str, Timing | float, str]], *, unit_count: int | None = None,
                unit: str = "items", reference: str | None = None) -> None:
    """Print a Markdown table: name, median wall seconds, median CPU seconds (when any row has
    them), throughput, ratio of wall times to ``reference``, note.

    Args:
        rows: (name, timing or median wall seconds, note) per tool.
        unit_count: how many items one run processes (for the throughput column).
        reference: the row the ratio column divides by (default: the first row).
    """
    timed = [(name, value if isinstance(value, Timing) else Timing(value), note) for name, value, note in rows]
    ref_name = reference or timed[0][0]
    ref = {name: timing.wall for name, timing, _ in timed}.get(ref_name)
    with_cpu = any(timing.cpu is not None for _, timing, _ in timed)
    print(f"\n### {title}\n")
    print("| tool | median s | " + ("CPU s | " if with_cpu else "") + (f"{unit}/s | " if unit_count else "")
          + f"x {_cell(ref_name)} | note |")
    print("|---|---:|" + ("---:|" if with_cpu else "") + ("---:|" if unit_count else "") + "---:|---|")
    for name, timing, note in timed:
        cpu = ("-" if timing.cpu is None else f"{timing.cpu:.4f}") + " | " if with_cpu else ""
        rate = f"{unit_count / timing.wall:,.0f} | " if unit_count else ""
        ratio = timing.wall / ref if ref else float("nan")
        print(f"| {_cell(name)} | {timing.wall:.4f} | {cpu}{rate}{ratio:.2f} | {_cell(note)} |")


def _cell(text: str) -> str:
    """``text`` as one Markdown table cell (a ``|`` would end the cell)."""
    return text.replace("|", "\\|")
