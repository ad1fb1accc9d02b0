"""Lists of chapters: stamps with a title each, minutes apart, that are no speech to caption.

Show notes give a list of chapters (``1:45 - Celebrating 100 episodes``,
``* **[00:12](#t=00:12)** Values vs Variables``): a few short titles over the whole show.  A
page may put one before its transcript (the clock then starts again at 0:00), or hold nothing
else.  :func:`chapter_prefix` finds the first case (the reader keeps the list as page metadata,
with a note); :func:`chapter_list` the second (the reader refuses the file, saying so).
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

from ..model import Fragment
from ..timecode import format_clock

__all__ = ["chapter_prefix", "chapter_list", "CHAPTER_GAP_MS", "SPEECH_CPS"]

#: Chapters are at least this far apart (median).
CHAPTER_GAP_MS = 20_000
#: A title is at most this long (median, characters).
_TITLE_CHARS = 100
#: Speech runs at more than this (characters per second); a chapter list runs well below.
SPEECH_CPS = 2.0
_MIN_CHAPTERS = 3          # before a transcript (the clock starting again is evidence too)
_MIN_LIST = 5              # a whole file
_MIN_SPAN_MS = 120_000


def chapter_prefix(times: Sequence[int], titles: Sequence[str]) -> int:
    """How many of the first stamps (``times``, with the text after each) form a list of
    chapters before the transcript starts the clock again; 0 when they do not.

    The list: at least three stamps in order, a median of :data:`CHAPTER_GAP_MS` or more
    between them and short texts, then a stamp no later than the first one.

    >>> chapter_prefix([40_000, 189_000, 235_000, 418_000, 0, 30_000], ["A", "B", "C", "D", "Hi", "Yes"])
    4
    >>> chapter_prefix([0, 2_000, 4_000, 1_000], ["a", "b", "c", "d"])
    0
    """
    k = next((k for k in range(1, len(times)) if times[k] < times[k - 1]), 0)
    if k < _MIN_CHAPTERS or times[k] > times[0]:
        return 0
    if any(b < a for a, b in zip(times, times[1:k])):
        return 0
    from statistics import median   # loaded only for a file that may open with chapters

    gaps = [b - a for a, b in zip(times[:k], times[1:k])]
    if median(gaps) < CHAPTER_GAP_MS or median(len(t) for t in titles[:k]) > _TITLE_CHARS:
        return 0
    return k


def chapter_list(fragments: Sequence[Fragment]) -> str | None:
    """Why ``fragments`` read as a list of chapters and not as speech, or None.

    A list: at least five stamps over two minutes or more, a median of :data:`CHAPTER_GAP_MS`
    or more between them, and far fewer characters per second than speech (:data:`SPEECH_CPS`).

    >>> frags = [Fragment(t * 1000, "A chapter title", 1) for t in (105, 258, 383, 577, 3430)]
    >>> chapter_list(frags)
    '5 stamps from 01:45 to 57:10, 15 characters each (median): 0.0 characters per second, where speech runs at 10 to 20'
    """
    n = len(fragments)
    if n < _MIN_LIST:
        return None
    span = fragments[-1].start_ms - fragments[0].start_ms
    if span < _MIN_SPAN_MS:
        return None
    rate = sum(map(len, map(attrgetter("text"), fragments[:-1]))) * 1000 / span
    if rate >= SPEECH_CPS:   # a title's list of sub-topics may be long, never dense
        return None
    from statistics import median   # loaded only for a file that may be a list of chapters

    gaps = [b.start_ms - a.start_ms for a, b in zip(fragments, fragments[1:])]
    if median(gaps) < CHAPTER_GAP_MS or any(f.end_ms is not None for f in fragments):
        return None
    size = median(len(f.text) for f in fragments)
    return (f"{n} stamps from {format_clock(fragments[0].start_ms)} to {format_clock(fragments[-1].start_ms)}, "
            f"{size:.0f} characters each (median): {rate:.1f} characters per second, where speech runs at 10 to 20")
