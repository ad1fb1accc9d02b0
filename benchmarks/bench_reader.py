"""Transcript reader: a 300,000-line transcript, against a bare regex loop over the same lines.

The bare loop only splits the text and matches a stamp on each line (no fragments built): it
is the floor any reader in Python pays.  The reader is timed as a library call (the cyclic
garbage collector running) and as the CLI and the batch worker call it (collector paused).
The second table times what ``fast_constructor`` saves in the reader's hot loop: building the
fragment and the piece of every line with the dataclasses' own constructors, then with it.
Memory is the peak traced by tracemalloc while reading 100,000 / 200,000 / 300,000 lines, to
show it grows linearly.
"""

from __future__ import annotations

import gc
import re
import tracemalloc
from pathlib import Path
from typing import Callable

from harness import median_timing, print_table

from captions import parse_transcript
from captions.model import Fragment, Piece, fast_constructor
from captions.timecode import format_clock

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "techco-2026-03-05.txt"
_LEAD = re.compile(r"(?:\d{1,2}:)?\d{1,3}:\d{2}")


def make_transcript(n_lines: int) -> str:
    """``n_lines`` lines of the sample's speech with stamps that keep increasing (past 1 hour)."""
    texts = [_LEAD.sub("", line, count=1) for line in SAMPLE.read_text(encoding="utf-8").split("\n")[5:-1]]
    out = []
    for i in range(n_lines):
        out.append(format_clock((i // 2) * 1000) + texts[i % len(texts)])
    return "\n".join(out) + "\n"


def bare_regex_loop(text: str) -> int:
    match = _LEAD.match
    count = 0
    for line in text.split("\n"):
        if match(line):
            count += 1
    return count


def collector_paused(fn: Callable[[], object]) -> Callable[[], None]:
    """``fn`` run with the cyclic garbage collector paused, as the CLI and the batch worker run."""
    def run() -> None:
        gc.disable()
        try:
            fn()
        finally:
            gc.enable()
    return run


def build_values(n: int, make_fragment: Callable[..., Fragment], make_piece: Callable[..., Piece]) -> None:
    """What the reader's hot loop builds for ``n`` usual lines: a Piece and a Fragment each."""
    fragments: list[Fragment] = []
    pieces: list[Piece] = []
    for i in range(n):
        pieces.append(make_piece(len(fragments), i + 1, 5, 60))
        fragments.append(make_fragment(i * 1000, "Bonsoir", i + 1, None, 1000, False, None, ()))


def peak_bytes(text: str) -> int:
    tracemalloc.start()
    parse_transcript(text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    n = 300_000
    text = make_transcript(n)
    ours = median_timing(lambda: parse_transcript(text), repeat=5)
    paused = median_timing(collector_paused(lambda: parse_transcript(text)), repeat=5)
    bare = median_timing(lambda: bare_regex_loop(text), repeat=5)
    print_table(f"read a {n:,}-line transcript (median of 5)", [
        ("bare regex loop (split + match)", bare, "no fragments built"),
        ("captions.parse_transcript", ours, "fragments, pieces, notes; collector running"),
        ("captions.parse_transcript, collector paused", paused, "as the CLI and the batch worker call it"),
    ], unit_count=n, unit="lines")
    print(f"\nspeed relative to the bare loop: {bare.wall / ours.wall:.2f}, "
          f"collector paused {bare.wall / paused.wall:.2f} "
          "(goal: at least 0.5)")

    plain = median_timing(collector_paused(lambda: build_values(n, Fragment, Piece)), repeat=5)
    fast = median_timing(collector_paused(
        lambda: build_values(n, fast_constructor(Fragment), fast_constructor(Piece))), repeat=5)
    print_table(f"build the {n:,} fragments and pieces of the hot loop (median of 5, collector paused)", [
        ("Fragment(...), Piece(...)", plain, "the dataclasses' own __init__"),
        ("fast_constructor", fast, "what the reader's hot loop uses"),
    ], unit_count=n, unit="lines")
    print(f"\nfast_constructor saves {plain.wall - fast.wall:.3f} s per {n:,}-line transcript: "
          f"{(plain.wall - fast.wall) / paused.wall:.0%} of the collector-paused parse")
    print("\n| lines | peak traced MiB | MiB per 100k lines |\n|---:|---:|---:|")
    for size in (100_000, 200_000, 300_000):
        peak = peak_bytes(make_transcript(size)) / 2**20
        print(f"| {size:,} | {peak:.1f} | {peak / (size / 100_000):.1f} |")


if __name__ == "__main__":
    main()
