"""Converting: where the sample's time goes, and the builder's growth in the input.

1. Where the in-process time of the sample goes, phase by phase as ``captions convert`` runs them
   (reading, the dictionary, corrections, typography, timing, cue building, the checks, the
   quality measures, SRT), everything already loaded; the sample as a whole process, against the
   import floor, is the ``startup`` benchmark.
2. The library (timing + cue building + line breaking, no I/O) on 25,000 to 100,000 fragments
   made of the sample's own fragments shifted in time: time per fragment should stay flat
   (linear builder).
3. What the builder holds while it runs, per fragment (tracemalloc's peak; goal: at most 1 KiB),
   chunk by chunk between pauses against the whole text as one chunk (its careful twin, the
   same cues), on the sample and on 25,000 and 100,000 fragments made of it.
4. How often the sample's cues mix sentences (the tail of one glued to the next).
5. What each preset gives on the sample: cues, the limits the report lists, reading speed.

Run: ``python benchmarks/run.py convert``.
"""

from __future__ import annotations

import functools
import re
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from harness import median_timing, print_table  # noqa: E402

from captions.model import Cue, Transcript  # noqa: E402
from captions.convert import convert_transcript  # noqa: E402
from captions.presets import get_preset  # noqa: E402
from captions.transcript import read_transcript  # noqa: E402

SAMPLE = REPO / "samples" / "techco-2026-03-05.txt"


def bench_phases() -> None:
    """Where the in-process time of the sample goes, phase by phase as ``captions convert`` runs
    them (the sample's dictionary, found beside it, applied)."""
    from captions.convert import check_limits, convert_file
    from captions.corrections import apply_to_transcript, dictionaries_for, load_dictionaries
    from captions.formats import Format, render_captions
    from captions.quality import measure_quality
    from captions.segment import build_cues
    from captions.timing import estimate_speech
    from captions.typography import typeset

    paths = dictionaries_for(SAMPLE)
    dictionary = load_dictionaries(paths)
    corrector = functools.partial(apply_to_transcript, dictionary=dictionary)
    transcript = read_transcript(SAMPLE)
    corrected, _ = corrector(transcript)
    frags = corrected.fragments
    result = convert_transcript(transcript, None, corrector=corrector)
    preset, lang = get_preset(result.report.preset), result.lang
    texts = [f.text for f in frags]
    spans = estimate_speech(frags)
    built = build_cues(frags, spans, preset, lang=lang)
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp, "sample.srt"))
        rows = [
            ("convert_file SAMPLE -o .srt (all below)", median_timing(
                lambda: convert_file(SAMPLE, [out], corrector=corrector), repeat=7), f"{len(result.cues):,} cues"),
            ("read_transcript", median_timing(lambda: read_transcript(SAMPLE), repeat=7), "reading, 2,802 fragments"),
            ("load_dictionaries", median_timing(lambda: load_dictionaries(paths), repeat=7), "the sample's dictionary"),
            ("corrections", median_timing(lambda: corrector(transcript), repeat=7), "applied to every fragment"),
            ("typeset", median_timing(lambda: typeset(texts, lang, lines=[f.line for f in frags],
                                                      starts_ms=[f.start_ms for f in frags]), repeat=7),
             "typography pass"),
            ("estimate_speech", median_timing(lambda: estimate_speech(frags), repeat=7), "timing model"),
            ("build_cues", median_timing(lambda: build_cues(frags, spans, preset, lang=lang), repeat=7),
             "words, cuts, lines, cue times"),
            ("check_limits", median_timing(lambda: check_limits(built.cues, preset, lang=lang, speech=built.speech),
                                           repeat=7), "the validator's checks"),
            ("measure_quality", median_timing(lambda: measure_quality(built.cues, preset, lang, fragments=frags,
                                                                      sources=built.fragments), repeat=7),
             "turns, expressions, weak ends, blanks"),
            ("render SRT", median_timing(lambda: render_captions(result.cues, Format.SRT), repeat=7), "pysrt"),
            ("render WebVTT", median_timing(lambda: render_captions(result.cues, Format.VTT), repeat=7), "webvtt-py"),
        ]
    print_table("The sample in-process, phase by phase (everything loaded; the command's work after its imports)",
                rows)


def sentence_mixing(cues: Sequence[Cue]) -> dict[str, int]:
    """How often cues and lines mix sentences (what an editor sees first).  A sentence end is
    ``.?!…`` after anything but a number (as :func:`captions.typography.ends_sentence` says;
    spelled out here so that the same count runs on older versions of the builder)."""
    number = re.compile(r"^[+-]?\d[\d.,\u202f\u00a0]*$")

    def ends_sentence(word: str) -> bool:
        return word[-1:] in ".?!…" and not number.match(word)

    out = dict.fromkeys(("cues", "start mid-sentence", "start with a sentence's tail, then the next",
                         "end with the next sentence's start", "lines mixing a partial sentence"), 0)
    previous_ends = True
    for cue in cues:
        lines = [line.split(" ") for line in cue.lines]
        words = [w for line in lines for w in line]
        inside = any(ends_sentence(w) for w in words[:-1])
        out["cues"] += 1
        out["start mid-sentence"] += not previous_ends
        out["start with a sentence's tail, then the next"] += inside and not previous_ends
        out["end with the next sentence's start"] += inside and not ends_sentence(words[-1])
        before = previous_ends
        mixed = False
        for line in lines:
            if any(ends_sentence(w) for w in line[:-1]) and not (before and ends_sentence(line[-1])):
                mixed = True
            before = ends_sentence(line[-1])
        out["lines mixing a partial sentence"] += mixed
        previous_ends = ends_sentence(words[-1])
    return out


def quality() -> None:
    result = convert_transcript(read_transcript(SAMPLE), get_preset())
    print("\n### Sentences in the sample's cues (default preset)\n")
    print("| count | all cues | first 200 |")
    print("|---|---:|---:|")
    everything, first = sentence_mixing(result.cues), sentence_mixing(result.cues[:200])
    for key in everything:
        print(f"| {key} | {everything[key]:,} | {first[key]:,} |")


def presets_on_sample() -> None:
    """Each preset on the sample, as ``captions convert SAMPLE --preset NAME`` builds it (with
    the sample's dictionary, found beside it): the cues, the limits the report lists, and the
    reading speed of the cues; "speech" counts the too-fast cues whose speech itself is faster
    than the limit (no timing can fix them without changing the words)."""
    from captions.corrections import apply_to_transcript, dictionaries_for, load_dictionaries
    from captions.findings import FindingCode
    from captions.presets import PRESETS

    corrector = functools.partial(apply_to_transcript, dictionary=load_dictionaries(dictionaries_for(SAMPLE)))
    transcript = read_transcript(SAMPLE)
    rows, speech = [], None
    for name, preset in PRESETS.items():
        report = convert_transcript(transcript, preset, corrector=corrector).report
        fast, short = report.count(FindingCode.TOO_FAST), report.count(FindingCode.TOO_SHORT)
        reading = report.reading
        assert reading is not None   # a transcript's report always has one
        speech = reading.speech_median_cps
        rows.append(f"| {name} | {report.cues:,} | {fast:,} ({reading.too_fast_speech:,}) | {short:,} | "
                    f"{len(report.misses) - fast - short:,} | {reading.median_cps:.1f} | {reading.p90_cps:.1f} |")
    print(f"\n### Each preset on the sample (`captions convert SAMPLE --preset NAME`; the speech's median "
          f"local rate: {speech:.1f} cps)\n")
    print("| preset | cues | too-fast (speech) | too-short | other limits missed | median cps | p90 cps |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))


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
        timing = median_timing(lambda: convert_transcript(transcript, preset), repeat=3, warmup=0)
        rows.append((f"{count:,} fragments", timing, f"{timing.wall / count * 1e6:.1f} us per fragment"))
    print_table("convert_transcript in-process (linear: the us/fragment column stays flat)", rows,
                reference="25,000 fragments")


def bench_memory() -> None:
    """The builder's peak memory per fragment: tracemalloc's peak above what existed when
    build_cues started (the fragments and their speech spans, made before; the language's data
    and the word caches, loaded by a first run), the built cues included.  The sample's
    fragments repeat, shifted in time, for the larger inputs."""
    import gc
    import tracemalloc

    from captions.segment import build_cues
    from captions.timing import estimate_speech

    base = read_transcript(SAMPLE)
    preset = get_preset()
    build_cues(base.fragments, estimate_speech(base.fragments), preset)   # the language data and caches, loaded once
    rows = []
    for count in (len(base.fragments), 25_000, 100_000):
        frags = _scaled(base, count).fragments
        spans = estimate_speech(frags)
        for label, chunked in (("chunk by chunk (ours)", True), ("the whole text as one chunk", False)):
            gc.collect()
            tracemalloc.start()
            built = build_cues(frags, spans, preset, chunked=chunked)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            verdict = ("met" if peak / count <= 1024 else "NOT met") if chunked else "(the careful twin)"
            rows.append(f"| {count:,} | {label} | {len(built.cues):,} | {peak / 2**20:.1f} | {peak / count:,.0f} | "
                        f"{verdict} |")
            del built
    print("\n### The builder's peak memory (tracemalloc; goal: at most 1 KiB per fragment)\n")
    print("| fragments | build | cues | peak MiB | bytes per fragment | goal: at most 1,024 |")
    print("|---:|---|---:|---:|---:|---|")
    print("\n".join(rows))


def main() -> None:
    bench_phases()
    bench_scaling()
    bench_memory()
    quality()
    presets_on_sample()


if __name__ == "__main__":
    main()
