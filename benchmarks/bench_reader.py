"""Transcript reader: a 300,000-line transcript, against a bare regex loop over the same lines.

The input is the sample's own lines (its speech, its turn dashes, its glued digits) under
stamps that keep increasing past one hour.  The bare loop splits the text, matches a stamp on
each line and builds a (stamp, text) tuple per line: the floor any reader in Python pays.  The
reader is timed as ``convert`` and ``batch`` call it (no pieces: ``parse_transcript(text,
pieces=False)``), as ``correct`` calls it (with the pieces that say where each text sits), and
through its careful path alone (every line through the layout readers, the order and the
assembly: what a file the bulk reader declines costs), each with the collector paused as the
CLI and the batch worker run it, and once as a library call with the collector running.  The
goal is half the speed of the bare loop or better.  The second table times what
``fast_constructor`` saves in the reader's hot loop: building the fragment and the piece of
every line with the dataclasses' own constructors, then with it.  Memory is the peak traced by
tracemalloc while reading 100,000 / 200,000 / 300,000 lines, to show it grows linearly.
"""

from __future__ import annotations

import gc
import re
import tracemalloc
from pathlib import Path
from typing import Callable

from harness import Timing, median_timing, print_table

from captions import parse_transcript
from captions.model import Fragment, Piece, Transcript, fast_constructor
from captions.transcript.layouts import scan
from captions.transcript.reader import transcript_from_stamps
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


def bare_regex_loop(text: str) -> list[tuple[str, str]]:
    """(stamp, text) of every stamped line: split, match, slice, a tuple per line."""
    match = _LEAD.match
    out = []
    for line in text.split("\n"):
        m = match(line)
        if m:
            out.append((m.group(), line[m.end():]))
    return out


def careful(text: str) -> Transcript:
    """The careful path alone (what a file the bulk reader declines goes through)."""
    lines = text.split("\n")
    return transcript_from_stamps(lines, scan(lines), "<input>", "utf-8", pieces=False)


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
    parse_transcript(text, pieces=False)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def read_every_fragment(text: str) -> None:
    """Read the transcript, then every fragment (what the cue builder does next)."""
    for _ in parse_transcript(text, pieces=False).fragments:
        pass


def main() -> None:
    n = 300_000
    text = make_transcript(n)
    bare = median_timing(collector_paused(lambda: bare_regex_loop(text)), repeat=5)
    ours = median_timing(collector_paused(lambda: parse_transcript(text, pieces=False)), repeat=5)
    every = median_timing(collector_paused(lambda: read_every_fragment(text)), repeat=5)
    with_pieces = median_timing(collector_paused(lambda: parse_transcript(text)), repeat=5)
    running = median_timing(lambda: parse_transcript(text, pieces=False), repeat=5)
    slow = median_timing(collector_paused(lambda: careful(text)), repeat=3)
    print_table(f"read a {n:,}-line transcript (median of 5, collector paused but in the library-call row)", [
        ("bare regex loop (split, match, (stamp, text) tuples)", bare, "no fragments built"),
        ("captions.parse_transcript(text, pieces=False)", ours,
         "as convert and batch read: the bulk reader; fragments built when first read"),
        ("... then every fragment read", every, "the fragments built too: what the cue builder pays"),
        ("captions.parse_transcript(text)", with_pieces, "with the pieces correct needs"),
        ("captions.parse_transcript(text, pieces=False), collector running", running, "a library call"),
        ("the careful path alone", slow, "every line through the layout readers (median of 3)"),
    ], unit_count=n, unit="lines")

    def ratio(t: Timing) -> str:
        cpu = f", CPU {bare.cpu / t.cpu:.2f}" if bare.cpu and t.cpu else ""
        return f"{bare.wall / t.wall:.2f}{cpu}"

    print(f"\nspeed relative to the bare loop (goal: at least 0.5), wall time: {ratio(ours)} for the reader, "
          f"{ratio(every)} with every fragment built, {ratio(with_pieces)} with pieces, "
          f"{ratio(slow)} on the careful path")

    plain = median_timing(collector_paused(lambda: build_values(n, Fragment, Piece)), repeat=5)
    fast = median_timing(collector_paused(
        lambda: build_values(n, fast_constructor(Fragment), fast_constructor(Piece))), repeat=5)
    print_table(f"build the {n:,} fragments and pieces of the hot loop (median of 5, collector paused)", [
        ("Fragment(...), Piece(...)", plain, "the dataclasses' own __init__"),
        ("fast_constructor", fast, "what the reader's hot loop uses"),
    ], unit_count=n, unit="lines")
    print(f"\nfast_constructor saves {plain.wall - fast.wall:.3f} s per {n:,}-line transcript: "
          f"{(plain.wall - fast.wall) / ours.wall:.0%} of the collector-paused parse")
    print("\n| lines | peak traced MiB | MiB per 100k lines |\n|---:|---:|---:|")
    for size in (100_000, 200_000, 300_000):
        peak = peak_bytes(make_transcript(size)) / 2**20
        print(f"| {size:,} | {peak:.1f} | {peak / (size / 100_000):.1f} |")


if __name__ == "__main__":
    main()
