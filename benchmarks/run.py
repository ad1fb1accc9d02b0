"""Run the benchmarks and write docs/benchmarks.md: ``python benchmarks/run.py [NAME ...]``.

With no NAME, every ``benchmarks/bench_NAME.py`` runs (several minutes) and docs/benchmarks.md
is written from what they print: how and where the figures were measured, then one section per
benchmark (its docstring, then its tables).  With names, only those run and their tables are
printed; the page is left as it is.  Each benchmark has a ``main()`` that prints Markdown
tables (medians and ratios against the peers: pysrt, srt, pysubs2, webvtt-py, a bare regex
loop).  Install the peers with ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.metadata
import io
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import TextIO

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PAGE = REPO / "docs" / "benchmarks.md"
PEERS = ("pysrt", "srt", "pysubs2", "webvtt-py")


class _Tee(io.StringIO):
    """Keeps what is printed and shows it as it comes (a full run takes minutes)."""

    def __init__(self, shown: TextIO) -> None:
        super().__init__()
        self.shown = shown

    def write(self, text: str) -> int:
        self.shown.write(text)
        self.shown.flush()
        return super().write(text)


def run_one(name: str) -> tuple[str, str]:
    """Run ``bench_NAME.main()`` in a process of its own (what one benchmark loads, allocates or
    leaves behind never weighs on the next one's figures): (its docstring, what it printed)."""
    print(f"\n## {name}", flush=True)
    module = importlib.import_module(f"bench_{name}")   # its docstring only: main() runs in the child
    code = f"import sys; sys.path[:0] = [{str(HERE)!r}, {str(REPO)!r}]; import bench_{name}; bench_{name}.main()"
    out = _Tee(sys.stdout)
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=REPO) as child:
        assert child.stdout is not None
        for line in child.stdout:
            out.write(line)
    if child.returncode:
        raise SystemExit(f"bench_{name} failed (exit {child.returncode}); the page is left as it is")
    return (module.__doc__ or "").strip(), out.getvalue()


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine_facts(started: datetime.datetime, load_before: float) -> list[str]:
    """The facts a reader needs to weigh the figures: when, where, with what."""
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    if _git("status", "--porcelain", "--untracked-files=no", "--", "captions", "benchmarks"):
        commit += " with uncommitted changes to captions/ or benchmarks/"
    peers = ", ".join(f"{p} {_version(p)}" for p in PEERS)
    return [
        f"- command: `python benchmarks/run.py`, started {started:%Y-%m-%d %H:%M} UTC, on commit {commit}",
        f"- machine: {os.cpu_count()} CPUs ({_cpu_model()}), {platform.system()} {platform.release()}, "
        f"load average {load_before:.2f} at the start and {os.getloadavg()[0]:.2f} at the end",
        f"- Python {platform.python_version()} ({platform.python_implementation()}); peers: {peers}",
    ]


INTRO = """\
# Benchmarks

This page is written by `python benchmarks/run.py` (after `pip install -e '.[bench]'`), which
runs every `benchmarks/bench_NAME.py` and replaces the page with what they print; do not edit
it by hand. `python benchmarks/run.py NAME...` runs only those benchmarks and prints their
tables without touching this page. Performance is measured here, never by timed tests, and the
other pages of docs/ quote no figure: they point here.

How to read the figures:

- The machine is shared with other jobs, so its speed drifts during a run. Every time is the
  median of several runs, and the rows of one table are measured one after the other in the
  same run, so the ratios within a table hold better than any single time; a time from
  another run of this page may differ by 20 % or more with no change in the code.
- `median s` is wall time. `CPU s` is the median CPU time of the same runs: this process's
  own for a row that calls the library in process, the child's (its worker processes
  included) for a row that runs a command as a process. CPU well below wall means the run
  waited (for the disk, or for another job holding the CPU); above wall, several cores worked.
- `x NAME` divides each row's wall time by that row's; the goal a benchmark checks is in its
  description and its table titles.
"""


def render_page(facts: list[str], sections: list[tuple[str, str, str]]) -> str:
    """The page: the introduction, the facts of this run, then each benchmark's section."""
    parts = [INTRO, "This run:\n", "\n".join(facts), ""]
    for name, doc, printed in sections:
        parts += [f"## {name}", "", doc, "", printed.strip(), ""]
    return "\n".join(parts).rstrip() + "\n"


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(REPO))
    names = argv or sorted(p.stem[len("bench_"):] for p in HERE.glob("bench_*.py"))
    started, load_before = datetime.datetime.now(datetime.timezone.utc), os.getloadavg()[0]
    sections = [(name, *run_one(name)) for name in names]
    if not argv:
        PAGE.write_text(render_page(machine_facts(started, load_before), sections), encoding="utf-8")
        print(f"\nwrote {PAGE.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
