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
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
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
    """One run of a child process: wall seconds, CPU seconds (user + system), peak memory (MiB,
    the largest resident set: see :func:`run_process`'s ``own_peak``) and exit status; CPU from
    the operating system's accounting of that child alone (``os.wait4``)."""

    wall: float
    cpu: float
    peak_mib: float
    status: int = 0


# Runs ``python -c CODE ...`` or ``python -m MODULE ...`` (its arguments) and, as it exits, writes
# its own peak resident set (VmHWM, KiB) to the file the environment names.  The peak that wait4
# gives (``ru_maxrss``) is at least the forking parent's size: Linux carries the old address
# space's high-water mark over at exec, so a large benchmark process would read as every child's.
OWN_PEAK = """
import atexit, os, runpy, sys
def _peak():
    with open("/proc/self/status") as status:
        kib = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["BENCH_PEAK_FILE"], "w") as out:
        out.write(kib)
atexit.register(_peak)
mode, target, *rest = sys.argv[1:]
if mode == "-m":
    sys.argv = [target, *rest]
    runpy.run_module(target, run_name="__main__", alter_sys=True)
else:
    sys.argv = ["-c", *rest]
    exec(compile(target, "<string>", "exec"), {"__name__": "__main__"})
"""


def run_process(argv: Sequence[str], *, cwd: str | None = None, env: Mapping[str, str] | None = None,
                own_peak: bool = False, check: bool = True,
                preexec_fn: Callable[[], None] | None = None) -> ProcessRun:
    """Run ``argv`` with its output thrown away, wait for it, and return what it cost.

    ``own_peak``: ``argv`` is ``[python, "-c" | "-m", ...]``, run so that the peak memory is the
    child's own (:data:`OWN_PEAK`; a child that dies before its exit hook falls back on wait4's).
    ``check``: a non-zero exit is an error (else it is in :attr:`ProcessRun.status`).
    """
    argv = list(argv)
    environ = dict(os.environ if env is None else env)
    peak_path = None
    if own_peak:
        python, mode, *rest = argv
        assert mode in ("-c", "-m"), argv
        fd, peak_path = tempfile.mkstemp(suffix=".peak")
        os.close(fd)
        argv = [python, "-c", OWN_PEAK, mode, *rest]
        environ["BENCH_PEAK_FILE"] = peak_path
    try:
        start = time.perf_counter()
        child = subprocess.Popen(argv, cwd=cwd, env=environ, preexec_fn=preexec_fn,
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)   # reaped here: Popen must not wait again
        written = Path(peak_path).read_text().strip() if peak_path else ""
    finally:
        if peak_path:
            os.unlink(peak_path)
    if check and child.returncode != 0:
        raise subprocess.CalledProcessError(child.returncode, argv)
    peak_kib = int(written) if written else usage.ru_maxrss
    return ProcessRun(wall, usage.ru_utime + usage.ru_stime, peak_kib / 1024, child.returncode)


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
