"""``captions batch`` throughput and memory: 200 transcripts, 1 worker against 2.

Goal (issue 6): with 2 workers at least 1.7 times the throughput of 1, and memory bounded by
the files in flight, not by the folder (the peak of each process is the same for 50 files as
for 200).  The transcripts are slices of the bundled real sample (150 stamped lines each).

Runs of 1 and 2 workers alternate (the speed-up of each pair is printed too, so that the
noise of a shared machine shows).  Each run is a fresh process (``python -m captions batch ... --force``), so interpreter start
is included, as a user pays it.  Run: ``python3 benchmarks/run.py batch``.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import Timing, children_cpu_seconds, print_table

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "techco-2026-03-05.txt"
FILES, LINES, REPEAT = 200, 150, 5

# Run the batch in a child and report the peak resident memory of the driver and of the
# largest worker (ru_maxrss of the waited-for children), in KiB.
_PROBE = """
import resource, sys
from pathlib import Path
from captions.batch import BatchRequest, run_batch
summary = run_batch(BatchRequest(Path(sys.argv[1]), Path(sys.argv[2]), jobs=int(sys.argv[3]), force=True))
assert summary.to_dict()["failed"] == 0, summary.to_dict()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def make_folder(root: Path, files: int) -> Path:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()[5:]
    src = root / f"in{files}"
    for i in range(files):
        start = (i * 37) % (len(lines) - LINES)
        folder = src / f"week{i % 10:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"show {i:03d}.txt").write_text("\n".join(lines[start:start + LINES]) + "\n", encoding="utf-8")
    return src


def run(src: Path, dst: Path, jobs: int) -> None:
    proc = subprocess.run([sys.executable, "-m", "captions", "batch", str(src), "-o", str(dst), "--force",
                           "--jobs", str(jobs), "--json"], capture_output=True, text=True)
    summary = json.loads(proc.stdout.splitlines()[-1])
    if summary["failed"]:
        raise SystemExit(f"benchmark run had failures: {proc.stdout[-2000:]}")


def peak_kib(src: Path, dst: Path, jobs: int) -> tuple[int, int]:
    out = subprocess.run([sys.executable, "-c", _PROBE, str(src), str(dst), str(jobs)],
                         capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), int(out[1])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        src = make_folder(root, FILES)
        small = make_folder(root, FILES // 4)
        run(src, root / "out1", 1)  # warm the file cache and the imports
        # Interleaved (1, 2, 1, 2, ...) rather than all of one then all of the other: on a shared
        # machine the load drifts, and interleaving lets the drift hit both alike.
        times: dict[int, list[float]] = {1: [], 2: []}
        cpus: dict[int, list[float]] = {1: [], 2: []}   # the child's, its workers included
        for _ in range(REPEAT):
            for jobs in (1, 2):
                cpu_start = children_cpu_seconds()
                start = time.perf_counter()
                run(src, root / f"out{jobs}", jobs)
                times[jobs].append(time.perf_counter() - start)
                cpus[jobs].append(children_cpu_seconds() - cpu_start)
        one, two = (Timing(statistics.median(times[j]), statistics.median(cpus[j])) for j in (1, 2))
        load = os.getloadavg()[0]
        print_table(f"captions batch, {FILES} transcripts of {LINES} lines (process, interpreter start included; "
                    f"{os.cpu_count()} CPUs, load average {load:.1f} at the end)",
                    [("--jobs 1", one, "in-process"),
                     ("--jobs 2", two, f"speed-up {one.wall / two.wall:.2f}x (goal >= 1.7x)")],
                    unit_count=FILES, unit="files")
        pairs = ", ".join(f"{a / b:.2f}" for a, b in zip(times[1], times[2]))
        print(f"\nspeed-up of each interleaved pair: {pairs}")
        print("\n### peak resident memory (KiB)\n")
        print("| run | driver | largest worker |")
        print("|---|---:|---:|")
        for label, folder, jobs in ((f"{FILES // 4} files, --jobs 2", small, 2), (f"{FILES} files, --jobs 2", src, 2),
                                    (f"{FILES} files, --jobs 1", src, 1)):
            driver, worker = peak_kib(folder, root / f"mem-{label[:3]}-{jobs}", jobs)
            print(f"| {label} | {driver:,} | {worker:,} |")


if __name__ == "__main__":
    main()
