"""Converting: the bundled sample end to end as a process, and the builder's growth in the input.

1. ``captions convert`` on the sample as a new process (interpreter start, imports, reading,
   timing, cue building, SRT writing) against ``python -c "import captions"`` (the floor any
   command pays).  Goal: under twice that floor.
2. The library (timing + cue building + line breaking, no I/O) on 25,000 to 100,000 fragments
   made of the sample's own fragments shifted in time: time per fragment should stay flat
   (linear builder).

Run: ``python benchmarks/run.py convert``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from harness import median_seconds, print_table  # noqa: E402

from captions.model import Transcript  # noqa: E402
from captions.pipeline import convert_transcript  # noqa: E402
from captions.presets import get_preset  # noqa: E402
from captions.transcript import read_transcript  # noqa: E402

SAMPLE = REPO / "samples" / "techco-2026-03-05.txt"


def _process(argv: list[str]) -> None:
    subprocess.run(argv, check=True, capture_output=True, cwd=REPO)


def bench_process() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp, "sample.srt"))
        rows = [
            ("python -c 'import captions'", median_seconds(
                lambda: _process([sys.executable, "-c", "import captions"]), repeat=7), "the floor"),
            ("python -c 'import captions.cli'", median_seconds(
                lambda: _process([sys.executable, "-c", "import captions.cli"]), repeat=7), "+ click and every command"),
            ("captions convert sample -o sample.srt", median_seconds(
                lambda: _process([sys.executable, "-m", "captions", "convert", str(SAMPLE), "-o", out]), repeat=7),
             "2,802 fragments, end to end"),
        ]
    print_table("The sample end to end as a process (goal: < 2x the import floor)", rows)


def _scaled(transcript: Transcript, count: int) -> Transcript:
    frags = transcript.fragments
    span = frags[-1].start_ms + 5000
    out = []
    for k in range(count):
        frag = frags[k % len(frags)]
        out.append(replace(frag, start_ms=frag.start_ms + (k // len(frags)) * span))
    return replace(transcript, fragments=tuple(out), notes=())


def bench_scaling() -> None:
    base = read_transcript(SAMPLE)
    preset = get_preset()
    rows = []
    for count in (25_000, 50_000, 100_000):
        transcript = _scaled(base, count)
        secs = median_seconds(lambda: convert_transcript(transcript, preset), repeat=3, warmup=0)
        rows.append((f"{count:,} fragments", secs, f"{secs / count * 1e6:.1f} us per fragment"))
    print_table("convert_transcript in-process (linear: the us/fragment column stays flat)", rows,
                reference="25,000 fragments")


def main() -> None:
    bench_process()
    bench_scaling()


if __name__ == "__main__":
    main()
