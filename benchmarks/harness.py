"""Shared timing and table printing for the benchmarks (public tools only: time.perf_counter).

Every figure is the median of several runs measured in one process, one after the
other, so that ratios between tools hold even when the shared machine's speed drifts.
"""

from __future__ import annotations

import gc
import statistics
import time
from typing import Callable, Iterable


def median_seconds(fn: Callable[[], object], *, repeat: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` over ``repeat`` runs after ``warmup`` uncounted ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def print_table(title: str, rows: Iterable[tuple[str, float, str]], *, unit_count: int | None = None,
                unit: str = "items", reference: str | None = None) -> None:
    """Print a Markdown table: name, median seconds, throughput, ratio to ``reference``.

    Args:
        rows: (name, median seconds, note) per tool.
        unit_count: how many items one run processes (for the throughput column).
        reference: the row the ratio column divides by (default: the first row).
    """
    rows = list(rows)
    ref = dict((name, secs) for name, secs, _ in rows).get(reference or rows[0][0])
    print(f"\n### {title}\n")
    head = "| tool | median s | " + (f"{unit}/s | " if unit_count else "") + f"x {reference or rows[0][0]} | note |"
    print(head)
    print("|---|---:|" + ("---:|" if unit_count else "") + "---:|---|")
    for name, secs, note in rows:
        rate = f"{unit_count / secs:,.0f} | " if unit_count else ""
        ratio = secs / ref if ref else float("nan")
        print(f"| {name} | {secs:.4f} | {rate}{ratio:.2f} | {note} |")
