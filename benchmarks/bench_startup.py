"""Start-up: what a person waits for when a command starts, as whole processes.

Two goals, each measured as pairs of runs taken in turn (ours, then the yardstick, eleven times
after one uncounted pair), the ratio taken pair by pair so that the machine's drift during the
run cancels out; wall and CPU time and peak memory are the operating system's accounting of
each child (``os.wait4``; a peak cannot read below this benchmark's own process, whose pages a
child holds until it starts the new program):

* ``captions convert SAMPLE -o OUT.srt`` (the bundled sample, with its dictionary found beside
  it) against ``python -c "import click, pysrt, webvtt, regex"``, the floor of a click tool over
  those libraries.  Goal: at most 2.5x, in CPU time.
* ``captions --help`` against ``captions --version``: listing the commands imports none of them.
  Goal: at most 1.2x.

Then where the convert command's time goes, as processes too: the interpreter alone, the
command line's group, every module the convert command loads imported and nothing run (the
list taken from a run of the command, so it follows the code), and the whole command; the
command's work is the whole command less those imports.  Last, what those imports spend their
time on, in one process: making the dataclasses (Python 3.11 compiles each generated method
apart) and compiling the regular expressions made at import, against the rest (reading the
bytecode, running the module bodies).

The bytecode is cached, as after ``pip install`` (a first uncounted run writes it, under a
temporary ``PYTHONPYCACHEPREFIX`` so that the tree is left as it is).  The ``captions`` script
is the one installed beside this Python, or ``python -m captions`` without it.

Run: python benchmarks/run.py startup
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from harness import ProcessRun, run_process

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "techco-2026-03-05.txt"
PAIRS = 11
FLOOR = "import click, pysrt, webvtt, regex"


def _captions() -> list[str]:
    script = Path(sys.executable).parent / "captions"
    return [str(script)] if script.exists() else [sys.executable, "-m", "captions"]


def _median(runs: Sequence[ProcessRun], field: Callable[[ProcessRun], float]) -> float:
    return statistics.median(field(run) for run in runs)


def _pairs(ours: list[str], yardstick: list[str], env: dict[str, str]) -> tuple[list[ProcessRun], list[ProcessRun]]:
    """``PAIRS`` runs of each, in turn, after one uncounted pair (which also fills the bytecode cache)."""
    run_process(ours, cwd=str(REPO), env=env)
    run_process(yardstick, cwd=str(REPO), env=env)
    a: list[ProcessRun] = []
    b: list[ProcessRun] = []
    for _ in range(PAIRS):
        a.append(run_process(ours, cwd=str(REPO), env=env))
        b.append(run_process(yardstick, cwd=str(REPO), env=env))
    return a, b


def _goal_table(title: str, names: tuple[str, str], runs: tuple[list[ProcessRun], list[ProcessRun]],
                goal: float) -> None:
    a, b = runs
    print(f"\n### {title}\n")
    print("| command | median wall s | median CPU s | peak MiB |")
    print("|---|---:|---:|---:|")
    for name, side in zip(names, runs):
        print(f"| `{name}` | {_median(side, lambda r: r.wall):.4f} | {_median(side, lambda r: r.cpu):.4f} | "
              f"{_median(side, lambda r: r.peak_mib):.1f} |")
    cpu = statistics.median(x.cpu / y.cpu for x, y in zip(a, b))
    wall = statistics.median(x.wall / y.wall for x, y in zip(a, b))
    verdict = "met" if cpu <= goal else "NOT met"
    print(f"\nratio, median of the {len(a)} pairs: CPU {cpu:.2f}x, wall {wall:.2f}x; goal: at most {goal}x "
          f"in CPU time ({verdict})")
    if cpu > goal:
        # what the goal leaves beyond the yardstick's own time (the interpreter and what both import),
        # against what ours spends beyond it, from the pairs' medians
        floor = _median(b, lambda r: r.cpu)
        beyond = _median(a, lambda r: r.cpu) - floor
        print(f"the goal leaves {(goal - 1) * floor:.4f} s CPU beyond the yardstick's own time; ours spends "
              f"{beyond:.4f} there ({beyond / ((goal - 1) * floor):.2f}x that: "
              f"{100 * (1 - (goal - 1) * floor / beyond):.0f} % of it would have to go)")


def _modules_of(argv: list[str], env: dict[str, str], tmp: str) -> list[str]:
    """The top-level names of every module a run of ``argv`` (a ``captions`` command) loads."""
    listing = Path(tmp, "modules.txt")
    code = ("import atexit, sys; "
            f"atexit.register(lambda: open({str(listing)!r}, 'w').write('\\n'.join(sorted(sys.modules)))); "
            "sys.argv = ['captions', *sys.argv[1:]]; from captions.cli import main; main()")
    run_process([sys.executable, "-c", code, *argv], cwd=str(REPO), env=env)
    names = listing.read_text("utf-8").split()
    # the captions modules and the third-party packages they pulled in (the standard library
    # comes with them); private and platform-specific names are reached through their parents
    return [name for name in names if not any(part.startswith("_") for part in name.split("."))
            and (name.startswith("captions") or "." not in name) and name not in ("__main__",)]


def _where(env: dict[str, str], tmp: str, convert: list[str]) -> None:
    modules = _modules_of(convert[len(_captions()):], env, tmp)
    importable = [name for name in modules if _imports(name, env)]
    rows = [
        ("python -c pass", [sys.executable, "-c", "pass"], "the interpreter alone"),
        (f"python -c '{FLOOR}'", [sys.executable, "-c", FLOOR], "the floor of the first goal"),
        ("python -c 'import captions.cli'", [sys.executable, "-c", "import captions.cli"],
         "the command line's group (click, the package root)"),
        ("every module convert loads, imported", [sys.executable, "-c", "import " + ", ".join(importable)],
         f"{sum(n.startswith('captions') for n in importable)} captions modules and their dependencies"),
        ("captions convert SAMPLE -o OUT.srt", convert, "the whole command"),
    ]
    print("\n### Where the convert command's time goes (processes, medians of 7 runs)\n")
    print("| process | median wall s | median CPU s | peak MiB | note |")
    print("|---|---:|---:|---:|---|")
    cpu = {}
    for name, argv, note in rows:
        run_process(argv, cwd=str(REPO), env=env)
        runs = [run_process(argv, cwd=str(REPO), env=env) for _ in range(7)]
        cpu[name] = _median(runs, lambda r: r.cpu)
        print(f"| `{name}` | {_median(runs, lambda r: r.wall):.4f} | {cpu[name]:.4f} | "
              f"{_median(runs, lambda r: r.peak_mib):.1f} | {note} |")
    work = cpu["captions convert SAMPLE -o OUT.srt"] - cpu["every module convert loads, imported"]
    print(f"\nthe command's work (the whole command less its imports): {work:.4f} s CPU")
    _import_parts(importable, env, tmp)


# Run in a child: every module the command loads imported, timing (CPU) the making of dataclasses
# and the compiling of regular expressions apart (each counted once, outermost call only).
_PARTS = '''
import dataclasses, json, re, sys, time
clock = time.process_time
spent = {"dataclasses": 0.0, "regexes": 0.0}
made = {"dataclasses": 0, "regexes": 0}
def timed(kind, function):
    depth = [0]
    def wrapper(*args, **kwargs):
        depth[0] += 1
        start = clock()
        try:
            return function(*args, **kwargs)
        finally:
            depth[0] -= 1
            if not depth[0]:
                spent[kind] += clock() - start
                made[kind] += 1
    return wrapper
dataclasses._process_class = timed("dataclasses", dataclasses._process_class)
compile_pattern = re._compile
def counted(pattern, flags):
    key = (type(pattern), pattern, flags.value if isinstance(flags, re.RegexFlag) else flags)
    if isinstance(pattern, re.Pattern) or key in re._cache:
        return compile_pattern(pattern, flags)
    return fresh(pattern, flags)
fresh = timed("regexes", compile_pattern)
re._compile = counted
start = clock()
for name in sys.argv[2:]:
    __import__(name)
total = clock() - start
with open(sys.argv[1], "w") as out:
    json.dump({"total": total, "spent": spent, "made": made}, out)
'''


def _import_parts(modules: list[str], env: dict[str, str], tmp: str) -> None:
    """What importing ``modules`` spends its CPU time on, medians of 7 runs of a child."""
    import json

    result = Path(tmp, "parts.json")
    runs = []
    for _ in range(8):
        run_process([sys.executable, "-c", _PARTS, str(result), *modules], cwd=str(REPO), env=env)
        runs.append(json.loads(result.read_text("utf-8")))
    runs = runs[1:]   # the first one fills the bytecode cache
    total = statistics.median(r["total"] for r in runs)
    print("\n### What importing those modules costs, in one process (CPU, medians of 7 runs)\n")
    print("| part | median CPU s | share | note |")
    print("|---|---:|---:|---|")
    print(f"| every module convert loads, imported | {total:.4f} | 100% | after the interpreter and `site` |")
    rest = total
    for kind, label, note in (("dataclasses", "making dataclasses", "classes (each generated method compiled apart)"),
                              ("regexes", "compiling regexes", "patterns compiled while importing")):
        part = statistics.median(r["spent"][kind] for r in runs)
        rest -= part
        print(f"| of which {label} | {part:.4f} | {100 * part / total:.0f}% | {runs[0]['made'][kind]} {note} |")
    print(f"| of which the rest | {rest:.4f} | {100 * rest / total:.0f}% | reading bytecode, module bodies, enums |")


def _imports(name: str, env: dict[str, str]) -> bool:
    try:
        run_process([sys.executable, "-c", f"import {name}"], cwd=str(REPO), env=env)
    except Exception:   # a module that only imports as a script's side effect (none expected)
        return False
    return True


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp, "pycache"))
        captions = _captions()
        convert = [*captions, "convert", str(SAMPLE), "-o", str(Path(tmp, "sample.srt"))]
        _goal_table("Converting the sample as a process, against the import floor",
                    ("captions convert SAMPLE -o OUT.srt", f"python -c '{FLOOR}'"),
                    _pairs(convert, [sys.executable, "-c", FLOOR], env), 2.5)
        _goal_table("Listing the commands, against printing the version",
                    ("captions --help", "captions --version"),
                    _pairs([*captions, "--help"], [*captions, "--version"], env), 1.2)
        _where(env, tmp, convert)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
