"""Peak memory against input size: ``captions convert`` of transcripts of 1, 10 and 100 MB, and
``captions validate`` (text and ``--json``) of WebVTT files of 100,000 and 1,000,000 cues.

Goal (issue 15): peak memory at most 10 times the input plus a constant: a 100 MB transcript
converts in under 1.5 GB, ``validate --json`` of a million cues in under 500 MB.

Each row is one run of the command as a process; its peak is the resident set the system
reports for that process (its own ``VmHWM``, written as it exits); the constant is the peak of converting a
two-line transcript (the interpreter and the modules loaded).
Each child runs under an address-space cap (60 % of the memory available when the benchmark
starts, at most 12 GiB), so that a run that would take the machine down fails instead: its
row then says "over the cap".

Inputs, made here from the bundled real sample (a French TV replay page, 82 KB, 2,800
stamped lines over 54 minutes):

* transcripts: the sample's stamped lines repeated to the size, each repetition's stamps after
  the last one's.  The transcript stamp grammar stops at 99:59:59, so a file longer than that at
  the sample's pace has its stamps brought closer (the 100 MB file: about 11 times denser than
  the sample, several stamps a second; the 1 and 10 MB files keep the sample's pace);
* caption files: WebVTT (its hours have no upper bound, unlike SRT's two digits), one cue per
  sentence of the sample taken in turn, broken into lines of at most 42 characters, 2.5 s each
  with a 0.5 s gap, so the findings are those of real text (reading speed, line length, gaps).

Run: ``python3 benchmarks/run.py memory`` (several minutes; the 100 MB conversion is the long one).
"""

from __future__ import annotations

import re
import resource
import sys
import tempfile
import textwrap
from pathlib import Path

from harness import run_process

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "techco-2026-03-05.txt"
MB = 1_000_000
MAX_SPAN_S = 99 * 3600 + 59 * 60 + 59
_STAMP = re.compile(r"^(?:(\d{1,2}):)?(\d{1,3}):(\d\d)(?=\S)")


def _stamped_lines() -> list[tuple[int, str]]:
    """The sample's lines that start with a stamp: (seconds, text after the stamp)."""
    lines = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        match = _STAMP.match(line)
        if match:
            hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
            lines.append(((hours * 60 + minutes) * 60 + seconds, line[match.end():]))
    return lines


def _stamp(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def make_transcript(path: Path, size: int) -> Path:
    """A transcript of about ``size`` bytes: the sample's stamped lines, repeated."""
    lines = _stamped_lines()
    short = sum(len(_stamp(s)) + len(t.encode("utf-8")) + 1 for s, t in lines)   # stamps under an hour
    long = sum(8 + len(t.encode("utf-8")) + 1 for _, t in lines)                     # H:MM:SS, HH:MM:SS
    repeats = max(1, round(size / short)) if size <= 2 * short else max(1, round(size / long))
    period = lines[-1][0] + 5
    pace = min(1.0, MAX_SPAN_S / (repeats * period))     # < 1: stamps brought closer
    with open(path, "w", encoding="utf-8") as out:
        for r in range(repeats):
            out.writelines(f"{_stamp(int((r * period + s) * pace))}{t}\n" for s, t in lines)
    return path


def make_captions(path: Path, cues: int) -> Path:
    """A WebVTT file of ``cues`` cues of the sample's sentences."""
    text = " ".join(t for _, t in _stamped_lines())
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if 10 < len(s.strip()) < 84]
    with open(path, "w", encoding="utf-8") as out:
        out.write("WEBVTT\n\n")
        for i in range(cues):
            start = i * 3000
            body = "\n".join(textwrap.wrap(sentences[i % len(sentences)], 42)[:2])
            out.write(f"{_vtt(start)} --> {_vtt(start + 2500)}\n{body}\n\n")
    return path


def _vtt(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _cap_bytes() -> int:
    available = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            available = int(line.split()[1]) * 1024
    return min(int(available * 0.6), 12 << 30) if available else 12 << 30


def measure(args: list[str], cap: int) -> tuple[float, float, int, int]:
    """(wall s, CPU s, peak KiB, exit status) of one run of ``args`` (``python -m captions ...``)
    as a process, under the address-space cap; the peak is the process's own
    (:func:`harness.run_process`'s ``own_peak``)."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    run = run_process(args, own_peak=True, check=False, preexec_fn=limit)
    return run.wall, run.cpu, round(run.peak_mib * 1024), run.status


def _row(label: str, size: int, result: tuple[float, float, int, int], floor_kib: int, ok: set[int], cap: int,
         goal: str) -> str:
    wall, cpu, kib, code = result
    peak = kib * 1024
    if code not in ok:
        return (f"| {label} | {size / MB:,.1f} | over the cap ({cap / 2**30:.1f} GiB) or failed (exit {code}) | - | - | "
                f"{wall:.1f} | {cpu:.1f} | {goal} |")
    ratio = (peak - floor_kib * 1024) / size
    return (f"| {label} | {size / MB:,.1f} | {peak / MB:,.0f} | {peak / size:.1f} | {ratio:.1f} | {wall:.1f} | "
            f"{cpu:.1f} | {goal} |")


def main() -> None:
    cap = _cap_bytes()
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        tiny = root / "tiny.txt"
        tiny.write_text("00:01Bonjour à tous.\n00:04Merci d'être là.\n", encoding="utf-8")
        floor = measure([python, "-m", "captions", "convert", str(tiny), "-o", str(root / "tiny.srt")], cap)[2]
        print(f"\n### peak resident memory against input size (cap {cap / 2**30:.1f} GiB per run; the constant, "
              f"converting a two-line transcript: {floor * 1024 / MB:.0f} MB)\n")
        print("| run | input MB | peak MB | peak / input | (peak - constant) / input | wall s | CPU s | goal |")
        print("|---|---:|---:|---:|---:|---:|---:|---|")
        for size in (1 * MB, 10 * MB, 100 * MB):
            source = make_transcript(root / f"t{size // MB}.txt", size)
            result = measure([python, "-m", "captions", "convert", str(source), "-o", str(root / "out.srt")], cap)
            goal = "under 1.5 GB" if size == 100 * MB else "at most 10x + a constant"
            print(_row(f"convert, transcript of {size // MB} MB", source.stat().st_size, result, floor, {0}, cap, goal))
            source.unlink()
        for cues in (100_000, 1_000_000):
            source = make_captions(root / f"c{cues}.vtt", cues)
            for extra, goal in (((), "at most 10x + a constant"),
                                (("--json",), "under 500 MB" if cues == 1_000_000 else "within 1.3x the text run")):
                result = measure([python, "-m", "captions", "validate", str(source), *extra], cap)
                label = f"validate {' '.join(extra)} {cues:,} cues".replace("  ", " ")
                print(_row(label, source.stat().st_size, result, floor, {0, 1}, cap, goal))
            source.unlink()


if __name__ == "__main__":
    main()
