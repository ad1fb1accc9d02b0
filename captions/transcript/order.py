"""Which candidate stamps are stamps, and which are speech that looks like a time.

Stamps never go backwards, so a time-like token that would break the order of its neighbours
is speech ("rendez-vous à 20:30"), and a stamp left at a line's end belongs to text that
follows it.  Every such decision becomes a :class:`~captions.model.Note`; an order that no
reading restores is a :class:`~captions.errors.ParseError`.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import Location, ParseError
from ..model import Note, NoteCode
from .chapters import chapter_prefix
from .layouts import Candidate, LineStamps, Stamp, candidate_index, candidate_raw

__all__ = ["set_aside_unfollowed_trails", "set_aside_chapters", "resolve_order", "set_aside_speech"]


def set_aside_unfollowed_trails(lines: Sequence[str], stamps: LineStamps) -> list[Note]:
    """Drop the trailing stamps that no text follows, with a note for each.

    A stamp at a line's end only belongs to text that follows on the next line(s): the next
    non-blank line must exist and not start with a stamp of its own.
    """
    notes = []
    leads, trails = stamps.leads, stamps.trails
    for i in sorted(trails):
        following = next((j for j in range(i + 1, len(lines)) if lines[j].strip()), None)
        if following is None or leads[following] is not None:
            st = trails.pop(i)
            notes.append(Note(NoteCode.STAMP_AS_TEXT, i + 1,
                              f"{st.raw!r} ends the line but no text follows it before the next stamp: "
                              "kept as speech", st.raw))
    return notes


def _title(c: Candidate, lines: Sequence[str]) -> str:
    """The text that follows a candidate on its line."""
    if isinstance(c, tuple):
        return lines[c[2]][c[1]:].strip()
    return "" if c.at_end else lines[c.index][c.text_start:].strip()


def set_aside_chapters(lines: Sequence[str], stamps: LineStamps, cands: Sequence[Candidate]) -> list[Note]:
    """Take a list of chapters that comes before the transcript out of ``stamps`` (its lines are
    then page metadata), with a note; nothing when the first stamps are no such list
    (:func:`~.chapters.chapter_prefix`)."""
    times = [c[0] if isinstance(c, tuple) else c.ms for c in cands]
    k = chapter_prefix(times, [_title(c, lines) for c in cands[:len(times)]])
    if not k:
        return []
    for c in cands[:k]:
        index = candidate_index(c)
        if isinstance(c, Stamp) and c.at_end:
            del stamps.trails[index]
        else:
            stamps.leads[index] = None
    first, last = candidate_index(cands[0]) + 1, candidate_index(cands[k - 1]) + 1
    restart = candidate_raw(cands[k], lines)
    return [Note(NoteCode.CHAPTERS, first,
                 f"lines {first}-{last} hold a list of {k} chapters before the transcript starts again at "
                 f"{restart!r}: kept as page metadata, not captions", candidate_raw(cands[0], lines))]


def resolve_order(cands: Sequence[Candidate], lines: Sequence[str], source: str) -> list[Candidate]:
    """The candidates that are speech which looks like a time (the others are stamps).

    A candidate lower than the last accepted stamp, or a spike above a next candidate that fits
    the order, is speech.  Speech never takes the strong forms (brackets, a stamp alone on its
    line), never comes before the first stamp, and two candidates in a row out of order are no
    accident of speech: those are errors.

    Raises:
        ParseError: stamps go backwards where no reading restores the order.

    >>> lines = ["00:10Le train part", "20:30Il arrive à", "00:20Oui"]
    >>> resolve_order([(10000, 5, 0), (1230000, 5, 1), (20000, 5, 2)], lines, "<input>")
    [(1230000, 5, 1)]
    """
    # Inlined candidate_ms: this runs once per candidate of the file.
    times = [c[0] if isinstance(c, tuple) else c.ms for c in cands]
    speech: list[int] = []      # positions in cands
    prev: int | None = None     # the last accepted stamp
    floor = -1                  # its time
    last = len(times) - 1
    for k, t in enumerate(times):
        if t >= floor and (k == last or times[k + 1] >= t):  # the usual case: in order
            prev, floor = k, t
            continue
        spike = _is_spike(times, k, floor)
        if t >= floor and not spike:
            prev, floor = k, t
            continue
        run_before = bool(speech) and speech[-1] == k - 1
        c = cands[k]
        if (isinstance(c, Stamp) and c.strong) or run_before or prev is None:
            first = speech[-1] if run_before else k
            raise _backwards(cands, lines, source, k, first, prev, spike and not run_before)
        speech.append(k)
    return [cands[k] for k in speech]


def _is_spike(times: Sequence[int], k: int, floor: int) -> bool:
    """Whether ``times[k]`` stands above a next time that fits the order (and the one after)."""
    nxt = times[k + 1] if k + 1 < len(times) else -1
    after = times[k + 2] if k + 2 < len(times) else None
    return floor <= nxt < times[k] and (after is None or nxt <= after)


def _backwards(cands: Sequence[Candidate], lines: Sequence[str], source: str, k: int, first: int,
               prev: int | None, spike: bool) -> ParseError:
    """The error for candidate ``k`` out of order (``first``: where the run out of order began)."""
    def raw(j: int) -> str:
        return repr(candidate_raw(cands[j], lines))

    def line(j: int) -> int:
        return candidate_index(cands[j]) + 1

    if spike:
        why = f"{raw(k)} is later than {raw(k + 1)} on line {line(k + 1)}"
    else:
        assert prev is not None  # a time below the floor: an accepted stamp set the floor
        why = f"{raw(first)} goes back from {raw(prev)} on line {line(prev)}"
        if first != k:
            why += f", and so does {raw(k)} on line {line(k)}"
    return ParseError(
        f"stamps go backwards: {why}; no reading of the lines restores the order "
        "(expected non-decreasing stamps)",
        Location(source, line(first)),
    )


def set_aside_speech(lines: Sequence[str], stamps: LineStamps, cands: Sequence[Candidate],
                     source: str) -> list[Note]:
    """Take the candidates that are speech (:func:`resolve_order`) out of ``stamps``, with a note each.

    Raises:
        ParseError: stamps go backwards where no reading restores the order.
    """
    notes = []
    for c in resolve_order(cands, lines, source):
        index = candidate_index(c)
        if isinstance(c, Stamp) and c.at_end:
            del stamps.trails[index]
        else:
            stamps.leads[index] = None
        raw = candidate_raw(c, lines)
        notes.append(Note(NoteCode.STAMP_AS_TEXT, index + 1,
                          f"{raw!r} would break the order of the stamps around it: kept as speech", raw))
    return notes
