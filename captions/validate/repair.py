"""Repairs of cues: what can be repaired without touching the words, each repair listed.

:func:`fix_cues` runs the repair steps in a fixed order: the text of each cue (French
spacing, then re-breaking), the order of the cues, then the timing of each cue against the
next (overlap or a gap below the minimum, then lengthening, then chaining).  A cue read from a
file keeps its markup through a text repair (:func:`captions.formats.markup.relayout`), or is
left as it is.  :mod:`.fix` repairs a whole file (its blocks, then its cues) and writes it back.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TypedDict

from ..formats.markup import payload_with
from ..linebreak import break_lines, fits
from ..model import Cue, Format
from ..presets import Preset
from ..typography import french_spacing
from .checks import detect_cue_language, frame_slack_ms

__all__ = ["RepairCode", "Repair", "RepairDict", "fix_cues", "merge_repeated", "rolls"]

Lines = tuple[str, ...]


class RepairCode(str, enum.Enum):
    """What a repair did (each is described in docs/validate.md)."""

    # the blocks of a file (captions.validate.fix)
    TIMING_LINE = "timing-line"            # a timing line written again in the format's own form
    ADD_INDEX = "add-index"                # an SRT cue without its index gets one
    RENUMBER = "renumber"                  # SRT indexes written again in sequence
    JOIN_BLANK_LINE = "join-blank-line"    # a blank line inside an SRT cue taken out
    ADD_BLANK_LINE = "add-blank-line"      # a blank line put before a block that had none
    ESCAPE_TEXT = "escape-text"            # '-->', '<' or '&' in WebVTT text written as a reference
    DROP_UNREADABLE = "drop-unreadable"    # a block no rule reads, dropped (--drop-unreadable only)
    REPLACEMENT_CHARACTER = "replacement-character"  # a byte that did not decode, or a NUL, written as U+FFFD
    # the cues (fix_cues)
    SORT = "sort"
    RESOLVE_OVERLAP = "resolve-overlap"
    WIDEN_GAP = "widen-gap"
    LENGTHEN = "lengthen"
    CHAIN_GAP = "chain-gap"
    REBREAK = "rebreak"
    FRENCH_SPACING = "french-spacing"
    UNROLL = "unroll"
    MERGE_REPEATED = "merge-repeated"


class RepairDict(TypedDict):
    """The JSON shape of a :class:`Repair`."""

    code: str
    cue: int | None
    line: int | None
    before: str
    after: str
    message: str


@dataclass(frozen=True, slots=True)
class Repair:
    """One change a repair made.

    ``cue`` is the 1-based cue number: in the input order for the text repairs (French
    spacing, re-breaking), which come first, and in time order for the sort and the timing
    repairs; None for a repair of a block that is not a cue yet.  ``line`` is the 1-based line
    of the input the repair is about (None when it is not known).
    """

    code: RepairCode
    cue: int | None
    before: str
    after: str
    message: str
    line: int | None = None

    def to_dict(self) -> RepairDict:
        return {"code": self.code.value, "cue": self.cue, "line": self.line, "before": self.before,
                "after": self.after, "message": self.message}


# ---- the text of one cue


def add_french_spaces(number: int, lines: Lines) -> tuple[Lines, Repair | None]:
    """The lines with French narrow non-breaking spaces added, and the repair when any was missing.

    >>> lines, repair = add_french_spaces(1, ("Ça va ?",))
    >>> lines == ("Ça va\\u202f?",), repair.code.value
    (True, 'french-spacing')
    """
    spaced = tuple(french_spacing(line) for line in lines)
    if spaced == lines:
        return lines, None
    return spaced, Repair(code=RepairCode.FRENCH_SPACING, cue=number, before="\n".join(lines),
                          after="\n".join(spaced), message="added French non-breaking spaces")


def rebreak(number: int, lines: Lines, preset: Preset, lang: str) -> tuple[Lines, Repair | None]:
    """Lines over the preset's limits broken again, when that keeps every word and helps.

    >>> from captions.presets import get_preset
    >>> lines, repair = rebreak(1, ("un deux trois", "quatre"), get_preset("netflix").with_overrides(max_chars=12), "en")
    >>> lines, repair.code.value
    (('un deux', 'trois quatre'), 'rebreak')
    """
    # a preset without a line length (the CSA charter) limits only the number of lines
    if fits(lines, preset.max_chars if preset.max_chars is not None else len(max(lines, key=len, default="")),
            preset.max_lines):
        return lines, None
    broken = break_lines(" ".join(" ".join(line.split(" ")) for line in lines),
                         preset.line_chars, preset.max_lines, lang or "fr")
    if broken == lines or " ".join(broken).split() != " ".join(lines).split():
        return lines, None
    return broken, Repair(code=RepairCode.REBREAK, cue=number, before="\n".join(lines), after="\n".join(broken),
                          message=f"lines re-broken to {preset.max_lines} x {preset.line_chars} characters")


def fix_text(number: int, cue: Cue, preset: Preset, lang: str, repairs: list[Repair],
             fmt: Format | None = None) -> Cue:
    """The cue with its text repaired (French spacing when French, then re-breaking); each
    repair made is added to ``repairs``.

    A cue read from a file (``fmt``: its format) gets its payload written again with the new
    lines, every tag and reference kept; when that cannot be done the cue is left as it is.
    """
    lines, spacing = add_french_spaces(number, cue.lines) if lang == "fr" else (cue.lines, None)
    lines, broken = rebreak(number, lines, preset, lang)
    if lines is cue.lines:
        return cue
    fixed = payload_with(cue, lines, fmt)
    if fixed is None:
        return cue
    repairs.extend(replace(step, line=cue.line) for step in (spacing, broken) if step is not None)
    return fixed


# ---- repeated cues (rolling auto-captions, highlight karaoke)


def _shown(cue: Cue) -> list[str]:
    return [line.strip() for line in cue.lines if line.strip()]


def rolls(cues: Sequence[Cue]) -> bool:
    """Whether the file is made of rolling captions (YouTube's auto-captions): most of its cues
    of two lines or more open with the last line of the cue before.  Only then are repeats an
    artefact to merge: in other files a line said twice (a song's refrain, a greeting answered
    in the same words) is said twice, and stays."""
    several = rolling = 0
    before: list[str] = []
    for cue in cues:
        lines = _shown(cue)
        if len(lines) > 1:
            several += 1
            rolling += bool(before) and lines[0] == before[-1]
        before = lines
    return rolling >= _ROLLING_MIN and 2 * rolling >= several


_ROLLING_MIN = 3


def merge_repeated(cues: Sequence[Cue], preset: Preset) -> tuple[list[Cue], list[Repair]]:
    """Cues that repeat the text before them made into one, each repair listed: a cue that
    opens with the last line of the cue before (rolling captions) keeps only its own lines
    (``unroll``), and a cue with the same text as the one before, starting within the preset's
    chaining gap of its end, lengthens that cue instead of showing it again
    (``merge-repeated``).  Cue numbers are those of the input.

    >>> cues = [Cue(0, 2869, (" ", "hey there")), Cue(2869, 2879, ("hey there", " ")),
    ...         Cue(2879, 5990, ("hey there", "welcome back"))]
    >>> from captions.presets import get_preset
    >>> merged, repairs = merge_repeated(cues, get_preset("netflix"))
    >>> [(c.start_ms, c.end_ms, c.lines) for c in merged], [r.code.value for r in repairs]
    ([(0, 2879, (' ', 'hey there')), (2879, 5990, ('welcome back',))], ['merge-repeated', 'unroll'])
    """
    out: list[Cue] = []
    repairs: list[Repair] = []
    before: list[str] = []
    for number, cue in enumerate(cues, start=1):
        lines = _shown(cue)
        if len(lines) > 1 and before and lines[0] == before[-1]:
            first = next(k for k, line in enumerate(cue.lines) if line.strip())
            kept = tuple(line for line in cue.lines[first + 1:] if line.strip())
            repairs.append(Repair(RepairCode.UNROLL, number, "\n".join(cue.lines), "\n".join(kept),
                                  f"the last line of cue {number - 1} repeated before this cue's own: removed"))
            before, cue = lines, replace(cue, lines=kept)
        else:
            before = lines
        if out and lines and _shown(cue) == _shown(out[-1]) and cue.start_ms - out[-1].end_ms <= preset.chain_gap_ms:
            last = out[-1]
            out[-1] = replace(last, end_ms=max(last.end_ms, cue.end_ms))
            repairs.append(Repair(RepairCode.MERGE_REPEATED, number, f"{last.start_ms}-{last.end_ms}",
                                  f"{last.start_ms}-{out[-1].end_ms}",
                                  "same text as the cue before: merged into it (shown once, as long as both)"))
            continue
        out.append(cue)
    return out, repairs


# ---- the order of the cues


def sort_by_start(cues: list[Cue]) -> tuple[list[Cue], Repair | None]:
    """The cues in time order (start, then end), and the repair when any moved.

    >>> cues, repair = sort_by_start([Cue(2000, 3000, ("b",)), Cue(0, 1000, ("a",))])
    >>> [c.lines for c in cues], repair.message
    ([('a',), ('b',)], '2 cues moved into time order')
    """
    order = sorted(range(len(cues)), key=lambda k: (cues[k].start_ms, cues[k].end_ms))
    if order == list(range(len(cues))):
        return cues, None
    moved = sum(1 for a, b in enumerate(order) if a != b)
    return [cues[k] for k in order], Repair(code=RepairCode.SORT, cue=1, before="", after="",
                                            message=f"{moved} cues moved into time order")


# ---- the timing of one cue against the next (``end`` is its end so far)


def resolve_overlap(number: int, cue: Cue, end: int, next_start: int | None, gap: int,
                    slack: float = 0.0) -> tuple[int, Repair | None]:
    """The end moved back to ``gap`` before the next cue when the cue runs into it
    (``resolve-overlap``) or ends closer to it than the minimum gap by more than ``slack``
    (``widen-gap``), and still starts before that point."""
    if next_start is None or end < next_start - gap + slack or next_start - gap <= cue.start_ms:
        return end, None
    new_end = next_start - gap
    if end > next_start:
        code, message = RepairCode.RESOLVE_OVERLAP, f"end moved to {gap} ms before cue {number + 1}"
    else:
        code, message = RepairCode.WIDEN_GAP, f"gap of {next_start - end} ms widened to {gap} ms"
    return new_end, Repair(code=code, cue=number, before=f"{cue.start_ms}-{cue.end_ms}",
                           after=f"{cue.start_ms}-{new_end}", message=message)


def lengthen(number: int, cue: Cue, end: int, free_until: int | None, preset: Preset) -> tuple[int, Repair | None]:
    """A too-short cue lengthened to the preset's minimum, as far as the free time after it allows."""
    shortest = preset.min_duration_ms
    if end - cue.start_ms >= shortest:
        return end, None
    target = cue.start_ms + shortest
    new_end = target if free_until is None else max(end, min(target, free_until))
    if new_end <= end:
        return end, None
    return new_end, Repair(code=RepairCode.LENGTHEN, cue=number, before=f"{cue.start_ms}-{end}",
                           after=f"{cue.start_ms}-{new_end}",
                           message=f"lengthened into free time (minimum {shortest} ms)")


def chain(number: int, cue: Cue, end: int, next_start: int | None, preset: Preset) -> tuple[int, Repair | None]:
    """A small gap to the next cue closed to the preset's minimum gap ("chaining"); a gap within
    half a frame of the minimum is the minimum already."""
    if next_start is None:
        return end, None
    gap, free_until = preset.min_gap_ms, next_start - preset.min_gap_ms
    if not gap + frame_slack_ms(preset) < next_start - end <= preset.chain_gap_ms or free_until <= end:
        return end, None
    return free_until, Repair(code=RepairCode.CHAIN_GAP, cue=number, before=f"{cue.start_ms}-{end}",
                              after=f"{cue.start_ms}-{free_until}",
                              message=f"gap of {next_start - end} ms chained to {gap} ms")


def fix_timing(number: int, cue: Cue, next_start: int | None, preset: Preset, repairs: list[Repair]) -> Cue:
    """The cue with its end repaired against the next cue's start (overlap, lengthen, chain, in
    that order, each from the end the step before left); each repair made is added to ``repairs``."""
    gap = preset.min_gap_ms
    end, overlap = resolve_overlap(number, cue, cue.end_ms, next_start, gap, frame_slack_ms(preset))
    end, longer = lengthen(number, cue, end, None if next_start is None else next_start - gap, preset)
    end, chained = chain(number, cue, end, next_start, preset)
    repairs.extend(replace(step, line=cue.line) for step in (overlap, longer, chained) if step is not None)
    return cue if end == cue.end_ms else replace(cue, end_ms=end)


def fix_cues(cues: Sequence[Cue], preset: Preset, *, lang: str | None = None,
             fmt: Format | None = None) -> tuple[tuple[Cue, ...], tuple[Repair, ...]]:
    """Repair what can be repaired without touching the words, and list every repair.

    In order: in a file of rolling captions (:func:`rolls`), repeated cues made one
    (:func:`merge_repeated`: rolling lines unrolled, a cue that repeats the one before merged
    into it), French non-breaking spaces (when French),
    re-break lines over the limits,
    sort by start, shorten a cue that overlaps the next one or sits closer than the minimum
    gap (by more than half a frame), lengthen a too-short cue into the free time after it,
    chain small gaps.  ``fmt``: the format the cues were read in, for their markup (a cue whose
    markup cannot follow a text repair keeps its text).

    >>> from captions.presets import get_preset
    >>> fixed, repairs = fix_cues([Cue(2000, 2400, ("b",)), Cue(0, 1000, ("a",))], get_preset("netflix"), lang="en")
    >>> [(c.start_ms, c.end_ms) for c in fixed], [r.code.value for r in repairs]
    ([(0, 1000), (2000, 2833)], ['sort', 'lengthen'])
    """
    lang = detect_cue_language(cues) if lang is None else lang
    repairs: list[Repair] = []
    if rolls(cues):   # first: the cues the other repairs number
        cues, repairs = merge_repeated(cues, preset)
    work = [fix_text(number, cue, preset, lang, repairs, fmt) for number, cue in enumerate(cues, start=1)]
    work, moved = sort_by_start(work)
    if moved is not None:
        repairs.append(moved)
        repairs.sort(key=lambda r: r.cue or 0)   # stable: the sort comes after the first cue's text repairs
    starts: list[int | None] = [c.start_ms for c in work[1:]]
    work = [fix_timing(number, cue, next_start, preset, repairs)
            for number, (cue, next_start) in enumerate(zip(work, [*starts, None]), start=1)]
    return tuple(work), tuple(repairs)
