"""How well start and end times are rebuilt from start-only stamps floored to the second.

Data: ``../shared/timing/`` (a French film timed by people, written as a transcript with
floored stamps; see its README).  Each cue we build starts at a fragment, which is a true
cue: its start is compared with that cue's true start, its end with the true end of the
last fragment it holds.  Peers: the floored stamps themselves, a constant half second added
to them, and (for ends) the usual "end = next stamp" of tools that have no end times.

Run: ``python benchmarks/run.py timing``.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from captions.convert import convert_transcript  # noqa: E402
from captions.presets import get_preset  # noqa: E402
from captions.timing import estimate_speech  # noqa: E402
from captions.transcript import read_transcript  # noqa: E402

TIMING = HERE.parent.parent / "shared" / "timing"


def _truth() -> list[tuple[int, int]]:
    rows = (TIMING / "film-fr.truth.tsv").read_text("utf-8").splitlines()[1:]
    return [(int(a), int(b)) for a, b, _ in (row.split("\t", 2) for row in rows)]


def measure(preset_name: str = "fr-tv") -> dict[str, tuple[float, float | None]]:
    """Mean absolute (start, end) error in ms per method."""
    truth = _truth()
    transcript = read_transcript(TIMING / "film-fr.txt")
    frags = transcript.fragments
    assert len(frags) == len(truth), (len(frags), len(truth))
    stamps = [f.start_ms for f in frags]
    nexts = stamps[1:] + [stamps[-1] + 3000]
    out: dict[str, tuple[float, float | None]] = {}
    out["floored stamps (end = next stamp)"] = (
        statistics.mean(abs(s - t[0]) for s, t in zip(stamps, truth)),
        statistics.mean(abs(n - t[1]) for n, t in zip(nexts, truth)))
    out["stamp + 500 ms (end = next stamp + 500 ms)"] = (
        statistics.mean(abs(s + 500 - t[0]) for s, t in zip(stamps, truth)),
        statistics.mean(abs(n + 500 - t[1]) for n, t in zip(nexts, truth)))
    spans = estimate_speech(frags)
    out["captions speech estimate (end = speech end)"] = (
        statistics.mean(abs(s.start_ms - t[0]) for s, t in zip(spans, truth)),
        statistics.mean(abs(s.end_ms - t[1]) for s, t in zip(spans, truth)))
    result = convert_transcript(transcript, get_preset(preset_name))
    # only cues that begin with a fragment's first word / end with a fragment's last word
    src = result.sources
    starts = [abs(c.start_ms - truth[a][0]) for k, (c, (a, _)) in enumerate(zip(result.cues, src))
              if k == 0 or src[k - 1][1] < a]
    ends = [abs(c.end_ms - truth[b][1]) for k, (c, (_, b)) in enumerate(zip(result.cues, src))
            if k + 1 == len(src) or src[k + 1][0] > b]
    out[f"captions cues, preset {preset_name} ({len(starts)}/{len(ends)} of {len(src)} cues)"] = (
        statistics.mean(starts), statistics.mean(ends))
    return out


def _halves(errors: list[float]) -> tuple[float, float, float]:
    half = len(errors) // 2
    return statistics.mean(errors), statistics.mean(errors[:half]), statistics.mean(errors[half:])


def start_experiments(display_cps: float = 13.0, step_ms: int = 500) -> dict[str, tuple[float, float, float]]:
    """Mean start error (all, first half, second half) of ideas for the start inside the floored
    second, each calibrated on one half of the film and measured on the other.

    "Shift" features: where the previous fragment's text, shown at ``display_cps`` from the
    middle of its second, would end relative to this stamp (a short gap after a long fragment
    means a late start), and where this fragment would have to start to end at the next stamp.
    The predictor is the median true offset of the calibration half's fragments in the same
    ``step_ms`` bins of both shifts (a lookup table: the most any rule on these two features
    can learn)."""
    truth = _truth()
    frags = read_transcript(TIMING / "film-fr.txt").fragments
    n = len(frags)
    stamps = [f.start_ms for f in frags]
    size = [len(f.text) + 1 for f in frags]
    offsets = [t[0] - s for s, t in zip(stamps, truth)]

    def key(k: int) -> tuple[int, int]:
        after_previous = (500 + size[k - 1] * 1000 / display_cps - (stamps[k] - stamps[k - 1])) if k else 0
        before_next = (500 + stamps[k + 1] - stamps[k] - size[k] * 1000 / display_cps) if k + 1 < n else 500
        return tuple(int(max(min(x, 1000), -1000) // step_ms) for x in (after_previous, before_next))

    half = n // 2
    out: dict[str, tuple[float, float, float]] = {}
    predicted = [0.0] * n
    for calibrate, measure in ((range(half, n), range(half)), (range(half), range(half, n))):
        table: dict[tuple[int, int], list[int]] = {}
        for k in calibrate:
            table.setdefault(key(k), []).append(offsets[k])
        medians = {k: statistics.median(v) for k, v in table.items()}
        for k in measure:
            predicted[k] = stamps[k] + medians.get(key(k), 500)
    out["stamp + 500 ms"] = _halves([abs(s + 500 - t[0]) for s, t in zip(stamps, truth)])
    out["captions speech estimate"] = _halves(
        [abs(s.start_ms - t[0]) for s, t in zip(estimate_speech(frags), truth)])
    out[f"lookup on previous/next lengths at {display_cps:g} cps, other half"] = _halves(
        [abs(p - t[0]) for p, t in zip(predicted, truth)])
    return out


def main() -> None:
    if not TIMING.is_dir():
        print(f"skipped: {TIMING} is absent (the shared timing corpus is not beside this clone)")
        return
    print("\n### Start and end error vs human timing (film-fr, 1,330 cues)\n")
    print("| method | mean start error ms | mean end error ms |")
    print("|---|---:|---:|")
    for name, (start, end) in measure().items():
        print(f"| {name} | {start:.0f} | {end:.0f} |")
    print("\nGoal: start error <= 200 ms.")
    print("\n### Start inside the floored second: calibrated on one half, measured on the other\n")
    print("| method | mean start error ms | first half | second half |")
    print("|---|---:|---:|---:|")
    for name, (both, first, second) in start_experiments().items():
        print(f"| {name} | {both:.0f} | {first:.0f} | {second:.0f} |")


if __name__ == "__main__":
    main()
