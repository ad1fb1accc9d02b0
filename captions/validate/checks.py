"""The caption checks: cues + a preset -> findings, each with a stable code, its cue and line.

Each check is a small function with one job and one finding code.  They stand in two tables:
:data:`CUE_CHECKS` look at one cue and the cue before it, :data:`LINE_CHECKS` at one text line
(and, in an SRT file, :class:`IndexSequence` follows the index numbers).  One loop,
:func:`run_checks`, works out once per cue what the checks read (:class:`CueFacts`) and runs
the tables over it, so a cue's findings come out in table order: the cue's own first, then its
lines', line by line.

Never raises for bad content.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from ..findings import Finding, FindingCode, Severity
from ..language import CONFIDENT, detect
from ..model import Cue, Format
from ..presets import Preset, SpeedUnit, count_words, reading_chars
from ..typography import french_spacing

__all__ = [
    "check_cues", "run_checks", "iter_checks", "detect_cue_language", "Rules", "CueFacts", "CueCheck", "LineCheck",
    "CUE_CHECKS", "LINE_CHECKS", "IndexSequence", "frame_slack_ms",
]


def check_cues(cues: Sequence[Cue], preset: Preset, *, fmt: Format | None = None,
               lang: str | None = None) -> tuple[Finding, ...]:
    """Check cues against the format rules and ``preset``; never raises for bad content.

    Args:
        fmt: :attr:`Format.SRT` enables the SRT index-sequence check.
        lang: ``"fr"`` enables the French non-breaking space check; None detects the language
            once, on the first 500 cues (:func:`detect_cue_language`).

    >>> from captions.presets import get_preset
    >>> [f.code.value for f in check_cues([Cue(0, 900, ("a",)), Cue(500, 2000, ("b",))], get_preset("netflix"))]
    ['overlap']
    """
    return run_checks(cues, preset, fmt, lang)[0]


def detect_cue_language(cues: Sequence[Cue]) -> str:
    """The language of the text of the first 500 cues when :func:`captions.language.detect` is
    confident of it, else ``""`` (no language's own rules apply): what the checks and the
    repairs assume when they are not told.

    >>> detect_cue_language([Cue(0, 1000, ("Bonsoir à tous,", "c'est la quotidienne"))])
    'fr'
    >>> detect_cue_language([Cue(0, 1000, ("¿Qué tal? ¡Muy bien!",))]), detect_cue_language([])
    ('es', '')
    """
    if not cues:
        return ""
    found = detect(" ".join(" ".join(c.lines) for c in cues[:500]))
    return found.language.value if found.language is not None and found.confidence >= CONFIDENT else ""


def frame_slack_ms(preset: Preset) -> float:
    """Half a frame of the preset's frame rate: how far a gap may be from the minimum and still
    be the minimum (times written in milliseconds round a frame count: two frames at 24 fps are
    83 ms, at 25 fps 80 ms).

    >>> from captions.presets import get_preset
    >>> round(frame_slack_ms(get_preset("netflix")), 2), frame_slack_ms(get_preset("fr-tv"))
    (20.83, 20.0)
    """
    return 500 / preset.fps


@dataclass(frozen=True, slots=True)
class Rules:
    """The limits of one run, read from the preset once rather than for every cue.

    Attributes:
        preset: the preset's name, cited by the findings its limits give.
        french: whether the text is French (the non-breaking space check).
    """

    preset: str
    min_gap_ms: int
    gap_slack_ms: float
    chain_gap_ms: int
    min_duration_ms: int
    max_duration_ms: int | None
    max_chars: int
    max_lines: int
    max_units_for: Callable[[int], float | None]
    speed_unit: SpeedUnit
    french: bool

    @classmethod
    def of(cls, preset: Preset, lang: str) -> Rules:
        """The rules of ``preset`` for text in ``lang``."""
        return cls(preset=preset.name, min_gap_ms=preset.min_gap_ms, gap_slack_ms=frame_slack_ms(preset),
                   chain_gap_ms=preset.chain_gap_ms,
                   min_duration_ms=preset.min_duration_ms, max_duration_ms=preset.max_duration_ms,
                   max_chars=preset.max_chars if preset.max_chars is not None else _NO_LIMIT,
                   max_lines=preset.max_lines,
                   max_units_for=preset.max_units_for, speed_unit=preset.speed_unit, french=lang == "fr")


_NO_LIMIT = 10**9   # the line length of a preset that sets none (the CSA charter)


# Not frozen: the loop builds one per cue, and a frozen dataclass's __init__ costs several
# times a plain one (it sets each field through object.__setattr__).
@dataclass(slots=True)
class CueFacts:
    """What the checks read about one cue, worked out once by the loop.

    Attributes:
        number: the 1-based cue number in file order.
        cue: the cue (``cue.line``, its timing line, is where its findings point).
        duration: ``end_ms - start_ms`` (zero or less for a cue that is never shown).
        chars: the reading characters of its lines (:func:`captions.presets.reading_chars`).
        text: its non-blank lines, stripped and joined by a space ("" for an empty cue).
        previous: the cue before it (None for the first).
        previous_text: the ``text`` of the cue before it ("" for the first).
        gap: the time from the end of the previous cue to the start of this one; None for the
            first cue and for a cue that starts before the previous one (``out-of-order``
            reports it, and no gap check does).
    """

    number: int
    cue: Cue
    duration: int
    chars: int
    text: str
    previous: Cue | None
    previous_text: str
    gap: int | None


#: A check of one cue (and the one before it): a finding, or None when the cue passes.
CueCheck = Callable[[Rules, CueFacts], Finding | None]

#: A check of one text line, given the rules, its cue, its source line (None for cues not read
#: from a file), the line and its reading characters: a finding, or None when the line passes.
LineCheck = Callable[[Rules, CueFacts, int | None, str, int], Finding | None]


# ---- the cue's own timing and text


class IndexSequence:
    """``index-sequence``: an SRT index that does not follow the last numbered cue before it.

    Remembers the last index seen, so each run takes a new one (its :meth:`check` is the
    :data:`CueCheck`).
    """

    __slots__ = ("last",)

    def __init__(self) -> None:
        self.last: int | None = None

    def check(self, rules: Rules, c: CueFacts) -> Finding | None:
        identifier = c.cue.identifier.strip()
        # an index is ASCII digits (isdecimal alone takes other scripts' digits, isdigit even
        # superscripts, which int() refuses), and not so long that it is no number at all
        if not (identifier.isascii() and identifier.isdecimal()) or len(identifier) > 18:
            return None
        index, last = int(identifier), self.last
        self.last = index
        if last is None or index == last + 1:
            return None
        return Finding(code=FindingCode.INDEX_SEQUENCE, severity=Severity.ERROR,
                       message=f"index {index} follows {last}; expected {last + 1}",
                       line=c.cue.line, cue=c.number, value=index, limit=last + 1)


def end_not_after_start(rules: Rules, c: CueFacts) -> Finding | None:
    """``end-not-after-start``: a cue that is never shown."""
    if c.duration > 0:
        return None
    return Finding(code=FindingCode.END_NOT_AFTER_START, severity=Severity.ERROR,
                   message=f"end {c.cue.end_ms} ms is not after start {c.cue.start_ms} ms",
                   line=c.cue.line, cue=c.number, value=c.duration, limit=1)


def empty_cue(rules: Rules, c: CueFacts) -> Finding | None:
    """``empty-cue``: a cue without any text."""
    if c.text:
        return None
    return Finding(code=FindingCode.EMPTY_CUE, severity=Severity.ERROR, message="the cue has no text",
                   line=c.cue.line, cue=c.number)


# ---- the cue and the one before it: order, overlap and gap checks exclude each other


def out_of_order(rules: Rules, c: CueFacts) -> Finding | None:
    """``out-of-order``: a cue that starts before the previous one."""
    previous = c.previous
    if previous is None or c.cue.start_ms >= previous.start_ms:
        return None
    return Finding(code=FindingCode.OUT_OF_ORDER, severity=Severity.ERROR,
                   message=f"starts {previous.start_ms - c.cue.start_ms} ms before cue {c.number - 1}",
                   line=c.cue.line, cue=c.number, value=c.cue.start_ms, limit=previous.start_ms)


def overlap(rules: Rules, c: CueFacts) -> Finding | None:
    """``overlap``: a cue that starts before the previous one ends."""
    gap = c.gap
    if gap is None or gap >= 0:
        return None
    return Finding(code=FindingCode.OVERLAP, severity=Severity.ERROR,
                   message=f"overlaps cue {c.number - 1} by {-gap} ms",
                   line=c.cue.line, cue=c.number, value=-gap, limit=0)


def no_gap(rules: Rules, c: CueFacts) -> Finding | None:
    """``no-gap``: a cue that starts the moment the previous one ends, when the preset wants a gap."""
    if c.gap != 0 or rules.min_gap_ms <= 0:
        return None
    return Finding(code=FindingCode.NO_GAP, severity=Severity.WARNING,
                   message=f"starts when cue {c.number - 1} ends; expected a gap of {rules.min_gap_ms} ms",
                   line=c.cue.line, cue=c.number, value=0, limit=rules.min_gap_ms, preset=rules.preset)


def gap_too_small(rules: Rules, c: CueFacts) -> Finding | None:
    """``gap-too-small``: a gap shorter than the preset's minimum by more than half a frame (no gap
    at all is ``no-gap``)."""
    gap = c.gap
    if gap is None or not 0 < gap < rules.min_gap_ms - rules.gap_slack_ms:
        return None
    return Finding(code=FindingCode.GAP_TOO_SMALL, severity=Severity.WARNING,
                   message=f"gap of {gap} ms after cue {c.number - 1}; expected at least {rules.min_gap_ms} ms",
                   line=c.cue.line, cue=c.number, value=gap, limit=rules.min_gap_ms, preset=rules.preset)


def chain_gap(rules: Rules, c: CueFacts) -> Finding | None:
    """``chain-gap``: a gap above the minimum by more than half a frame, but short enough to be
    closed to it ("chaining")."""
    gap = c.gap
    if gap is None or gap < 0 or not rules.min_gap_ms + rules.gap_slack_ms < gap <= rules.chain_gap_ms:
        return None
    return Finding(code=FindingCode.CHAIN_GAP, severity=Severity.WARNING,
                   message=f"gap of {gap} ms after cue {c.number - 1} should be chained to {rules.min_gap_ms} ms",
                   line=c.cue.line, cue=c.number, value=gap, limit=rules.chain_gap_ms, preset=rules.preset)


def repeated_cue(rules: Rules, c: CueFacts) -> Finding | None:
    """``repeated-cue``: the same text as the cue before."""
    if not c.text or c.text != c.previous_text:
        return None
    return Finding(code=FindingCode.REPEATED_CUE, severity=Severity.WARNING,
                   message=f"same text as cue {c.number - 1}", line=c.cue.line, cue=c.number)


def rolling_cue(rules: Rules, c: CueFacts) -> Finding | None:
    """``rolling-cue``: the cue repeats the last line of the cue before, then adds its own
    (YouTube's auto-captions roll so: each word is shown two or three times)."""
    previous = c.previous
    if previous is None or not c.previous_text:
        return None
    lines = [line.strip() for line in c.cue.lines if line.strip()]
    before = [line.strip() for line in previous.lines if line.strip()]
    if len(lines) < 2 or not before or lines[0] != before[-1] or all(line == lines[0] for line in lines[1:]):
        return None   # a line said again and again ("Ils l'ont dit." three times) is speech, not rolling
    return Finding(code=FindingCode.ROLLING_CUE, severity=Severity.WARNING,
                   message=f"repeats the last line of cue {c.number - 1} before its own (rolling captions)",
                   line=c.cue.line, cue=c.number)


# ---- the cue against the preset: display time, reading speed, lines


def too_short(rules: Rules, c: CueFacts) -> Finding | None:
    """``too-short``: shown for less than the preset's minimum."""
    if not 0 < c.duration < rules.min_duration_ms:
        return None
    return Finding(code=FindingCode.TOO_SHORT, severity=Severity.WARNING,
                   message=f"shown {c.duration} ms; expected at least {rules.min_duration_ms} ms",
                   line=c.cue.line, cue=c.number, value=c.duration, limit=rules.min_duration_ms,
                   preset=rules.preset)


def too_long(rules: Rules, c: CueFacts) -> Finding | None:
    """``too-long``: shown for longer than the preset's maximum."""
    longest = rules.max_duration_ms
    if longest is None or c.duration <= 0 or c.duration <= longest:
        return None
    return Finding(code=FindingCode.TOO_LONG, severity=Severity.WARNING,
                   message=f"shown {c.duration} ms; expected at most {longest} ms",
                   line=c.cue.line, cue=c.number, value=c.duration, limit=longest, preset=rules.preset)


def too_fast(rules: Rules, c: CueFacts) -> Finding | None:
    """``too-fast``: more reading characters (words, for a words-per-minute preset) than the
    preset allows for the cue's display time."""
    duration = c.duration
    if duration <= 0:
        return None
    allowed = rules.max_units_for(duration)
    unit = rules.speed_unit
    units = c.chars if unit is SpeedUnit.CPS else count_words(c.text)
    if allowed is None or units <= allowed + 1e-9:   # the margin absorbs float rounding
        return None
    speed, limit = round(units * unit.per_ms / duration, 2), round(allowed * unit.per_ms / duration, 2)
    return Finding(code=FindingCode.TOO_FAST, severity=Severity.WARNING,
                   message=f"{speed} {unit.label}; limit {limit}",
                   line=c.cue.line, cue=c.number, value=speed, limit=limit, preset=rules.preset)


def too_many_lines(rules: Rules, c: CueFacts) -> Finding | None:
    """``too-many-lines``: more lines than the preset allows."""
    count = len(c.cue.lines)
    if count <= rules.max_lines:
        return None
    return Finding(code=FindingCode.TOO_MANY_LINES, severity=Severity.WARNING,
                   message=f"{count} lines; expected at most {rules.max_lines}",
                   line=c.cue.line, cue=c.number, value=count, limit=rules.max_lines, preset=rules.preset)


# ---- one text line


def line_too_long(rules: Rules, c: CueFacts, at: int | None, line: str, size: int) -> Finding | None:
    """``line-too-long``: more reading characters on a line than the preset allows."""
    if size <= rules.max_chars:
        return None
    return Finding(code=FindingCode.LINE_TOO_LONG, severity=Severity.WARNING,
                   message=f"line of {size} characters; expected at most {rules.max_chars}",
                   line=at, cue=c.number, value=size, limit=rules.max_chars, preset=rules.preset)


def edge_space(rules: Rules, c: CueFacts, at: int | None, line: str, size: int) -> Finding | None:
    """``edge-space``: a line that starts or ends with a space."""
    if line == line.strip():
        return None
    return Finding(code=FindingCode.EDGE_SPACE, severity=Severity.WARNING,
                   message="line starts or ends with a space", line=at, cue=c.number)


def double_space(rules: Rules, c: CueFacts, at: int | None, line: str, size: int) -> Finding | None:
    """``double-space``: two spaces in a row."""
    if "  " not in line:
        return None
    return Finding(code=FindingCode.DOUBLE_SPACE, severity=Severity.WARNING,
                   message="two spaces in a row", line=at, cue=c.number)


# A line without any of these is left unchanged by typography.french_spacing.
_FRENCH_MARKS = re.compile(r"[?!:;«»]")


def missing_nbsp(rules: Rules, c: CueFacts, at: int | None, line: str, size: int) -> Finding | None:
    """``missing-nbsp``: French punctuation without its narrow non-breaking space (French text only)."""
    if not rules.french or _FRENCH_MARKS.search(line) is None or french_spacing(line) == line:
        return None
    return Finding(code=FindingCode.MISSING_NBSP, severity=Severity.WARNING,
                   message="French punctuation without its non-breaking space (U+202F)", line=at, cue=c.number)


#: The checks of each cue, in the order their findings come out (in an SRT file the
#: index-sequence check comes before them).
CUE_CHECKS: tuple[CueCheck, ...] = (
    end_not_after_start, empty_cue,
    out_of_order, overlap, no_gap, gap_too_small, chain_gap, repeated_cue, rolling_cue,
    too_short, too_long, too_fast, too_many_lines,
)

#: The checks of each text line, in the order their findings come out, after the cue's own.
LINE_CHECKS: tuple[LineCheck, ...] = (line_too_long, edge_space, double_space, missing_nbsp)


def run_checks(cues: Sequence[Cue], preset: Preset, fmt: Format | None,
               lang: str | None) -> tuple[tuple[Finding, ...], list[int]]:
    """The findings of :func:`check_cues` and each cue's reading characters (for the summary)."""
    chars_of: list[int] = []
    return tuple(iter_checks(cues, preset, fmt, lang, chars_of)), chars_of


def iter_checks(cues: Sequence[Cue], preset: Preset, fmt: Format | None, lang: str | None,
                chars_of: list[int]) -> Iterator[Finding]:
    """The findings of :func:`check_cues`, one at a time, in cue order (so that a caller can write
    them as they come: 200,000 findings need not be held); each cue's reading characters are
    appended to ``chars_of`` as its cue is checked.

    The line checks run only on a line that gives one of them something to look at (over the
    limit, an edge space, two spaces, a French mark); the usual line has nothing, and a
    100,000-cue file has 200,000 of them.
    """
    rules = Rules.of(preset, detect_cue_language(cues) if lang is None else lang)
    cue_checks = (IndexSequence().check, *CUE_CHECKS) if fmt is Format.SRT else CUE_CHECKS
    max_chars, french, french_mark = rules.max_chars, rules.french, _FRENCH_MARKS.search
    previous: Cue | None = None
    previous_text = ""
    for number, cue in enumerate(cues, start=1):
        lines, start = cue.lines, cue.start_ms
        sizes = list(map(reading_chars, lines))
        chars = sum(sizes)
        text = " ".join(filter(None, map(str.strip, lines)))
        gap = None if previous is None or start < previous.start_ms else start - previous.end_ms
        facts = CueFacts(number, cue, cue.end_ms - start, chars, text, previous, previous_text, gap)
        for check in cue_checks:
            found = check(rules, facts)
            if found is not None:
                yield found
        for k, line in enumerate(lines):
            size = sizes[k]
            if size > max_chars or "  " in line or line != line.strip() or (french and french_mark(line)):
                yield from _check_line(rules, facts, k, line, size)
        chars_of.append(chars)
        previous, previous_text = cue, text


def _check_line(rules: Rules, c: CueFacts, k: int, line: str, size: int) -> list[Finding]:
    """The findings of :data:`LINE_CHECKS` on line ``k`` (from 0) of a cue."""
    at = None if c.cue.line is None else c.cue.line + 1 + k
    return [found for check in LINE_CHECKS if (found := check(rules, c, at, line, size)) is not None]
