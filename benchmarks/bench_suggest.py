"""``captions dict suggest`` on the bundled show: ``python benchmarks/run.py suggest``.

Input: the bundled transcript (samples/techco-2026-03-05.txt, 2,807 lines) with its page
metadata, and the glossary the tests write (tests/data/corrections/suggest/techco-glossary.txt:
32 names the show talks about and 31 it never mentions).  A suggestion is right when
samples/techco.dict.toml lists it (23 distinct wrong -> right pairs, read by a person) or when
tests/data/corrections/suggest/techco-also-right.tsv does (4 more, each read in the transcript).
Recall counts the dictionary's pairs among the top N; precision the right ones among the top N.
Goal: recall >= 75 % and precision >= 60 % at 40.  ``suggest`` proposes only what passes its
score threshold, so the top 40 may hold fewer than 40 suggestions: the table shows precision
both over the suggestions given and over the 40 places.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import median_timing, print_table  # noqa: E402

from captions.corrections import read_dictionary  # noqa: E402
from captions.corrections.suggest import read_glossary, suggest  # noqa: E402
from captions.transcript import read_transcript  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "corrections" / "suggest"


def main() -> None:
    transcript = read_transcript(ROOT / "samples" / "techco-2026-03-05.txt")
    names = read_glossary(str(DATA / "techco-glossary.txt"))
    fixes, _ = read_dictionary(ROOT / "samples" / "techco.dict.toml")
    listed = {(key.lower(), fix.to) for fix in fixes for key in fix.keys}
    rows = [line.split("\t") for line in (DATA / "techco-also-right.tsv").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    right = listed | {(wrong.lower(), to) for wrong, to, _ in rows}
    found = suggest([transcript], names)
    print(f"\n### Recall and precision on the sample ({len(found)} suggestions, {len(listed)} listed pairs)\n")
    print("| top N | suggestions | listed pairs found | recall | right | precision | right / N | goal |")
    print("|---:|---:|---:|---:|---:|---:|---:|---|")
    for n in (10, 20, 40):
        top = found[:n]
        pairs = {(s.wrong.lower(), s.right) for s in top}
        good = sum((s.wrong.lower(), s.right) in right for s in top)
        goal = "recall >= 75 %, precision >= 60 %" if n == 40 else ""
        print(f"| {n} | {len(top)} | {len(pairs & listed)} | {len(pairs & listed) / len(listed):.0%} | {good} | "
              f"{good / max(1, len(top)):.0%} | {good / n:.0%} | {goal} |")
    suggested = {(s.wrong.lower(), s.right) for s in found[:40]}
    print("\nPrecision counts the suggestions given; `right / N` counts the N places of the top N, empty "
          "ones as wrong (the stricter reading of the goal).  Listed pairs not among the top 40: "
          + (", ".join(f"{w!r} -> {r!r}" for w, r in sorted(listed - suggested)) or "none") + ".  Wrong "
          "suggestions among the top 40: " + (", ".join(f"{s.wrong!r} -> {s.right!r}" for s in found[:40]
                                                       if (s.wrong.lower(), s.right) not in right) or "none") + ".")
    timing = median_timing(functools.partial(suggest, [transcript], names), repeat=3)
    print_table("Time to suggest for the sample", [("suggest, 2,807 lines, 63 glossary names", timing,
                                                     "phonetic keys, rapidfuzz comparisons")])


if __name__ == "__main__":
    main()
