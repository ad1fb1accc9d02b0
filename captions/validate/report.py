"""Validating a caption file: its reading problems, then the checks, summed up for a person or a machine."""

from __future__ import annotations

import bisect
import heapq
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import TypedDict

from ..findings import Finding, FindingDict
from ..formats import CaptionDocument, Format, format_for_path, parse_captions_bytes, read_captions
from ..formats.document import CueColumns
from ..model import Cue
from ..presets import Preset, reading_chars, reading_speeds
from ..timecode import format_clock
from .checks import iter_checks

__all__ = ["Summary", "ValidationResult", "SummaryDict", "ResultDict", "summarize", "check_document",
           "check_text", "validate_file", "format_result", "Streamed", "stream_document", "format_finding",
           "format_summary"]


class SpeedDict(TypedDict):
    median: float
    p90: float
    max: float


class SummaryDict(TypedDict):
    """The JSON shape of a :class:`Summary`."""

    cues: int
    duration_ms: int
    shown_ms: int
    cps: SpeedDict
    findings: dict[str, int]


class ResultDict(TypedDict):
    """The JSON shape of a :class:`ValidationResult` (one entry of ``validate --json``'s ``files``)."""

    path: str
    format: str
    preset: str
    cues: int
    summary: SummaryDict
    findings: list[FindingDict]


@dataclass(frozen=True, slots=True)
class Summary:
    """Figures of a file: cue count, time span and shown time, reading speed, findings per code."""

    cues: int
    duration_ms: int
    shown_ms: int
    cps_median: float
    cps_p90: float
    cps_max: float
    counts: tuple[tuple[str, int], ...]

    def to_dict(self) -> SummaryDict:
        return {"cues": self.cues, "duration_ms": self.duration_ms, "shown_ms": self.shown_ms,
                "cps": {"median": self.cps_median, "p90": self.cps_p90, "max": self.cps_max},
                "findings": dict(self.counts)}


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """A validated caption file: its cues as read, every finding in line order, and its figures."""

    source: str
    format: Format
    preset: str
    cues: Sequence[Cue]
    findings: tuple[Finding, ...]
    summary: Summary
    encoding: str = "utf-8"
    notes: tuple[str, ...] = ()

    def to_dict(self) -> ResultDict:
        return {"path": self.source, "format": self.format.value, "preset": self.preset, "cues": len(self.cues),
                "summary": self.summary.to_dict(), "findings": [f.to_dict() for f in self.findings]}


def summarize(cues: Sequence[Cue], findings: Sequence[Finding]) -> Summary:
    """The figures of a file (reading speeds over cues with a positive duration)."""
    return _summarize(cues, findings, [sum(map(reading_chars, c.lines)) for c in cues])


def _summarize(cues: Sequence[Cue], findings: Sequence[Finding], chars_of: Sequence[int]) -> Summary:
    counts = sorted((code.value, n) for code, n in Counter(map(attrgetter("code"), findings)).items())
    return _figures(cues, tuple(counts), chars_of)


def _figures(cues: Sequence[Cue], counts: tuple[tuple[str, int], ...], chars_of: Sequence[int]) -> Summary:
    timed, starts, ends = _times(cues)
    spread = reading_speeds(timed, chars_of)
    span = max(0, max(ends) - min(starts)) if cues else 0
    return Summary(cues=len(cues), duration_ms=span, shown_ms=sum(e - s for s, e in zip(starts, ends) if e > s),
                   cps_median=round(spread.median_cps, 1), cps_p90=round(spread.p90_cps, 1),
                   cps_max=round(spread.max_cps, 1), counts=counts)


def _times(cues: Sequence[Cue]) -> tuple[Sequence[Cue], Sequence[int], Sequence[int]]:
    """The cues as far as the figures read them (their times: from a reader's columns, without
    building each cue's text), and each one's start and end."""
    if isinstance(cues, CueColumns):
        starts, ends = cues.times()
        return cues.timed(), starts, ends
    return cues, [c.start_ms for c in cues], [c.end_ms for c in cues]


def check_document(document: CaptionDocument, preset: Preset, *, lang: str | None = None) -> ValidationResult:
    """Findings of a :class:`captions.formats.CaptionDocument`: its reading problems, then the
    checks, in line order (a reading problem inside a cue names that cue)."""
    streamed = stream_document(document, preset, lang=lang)
    found = tuple(streamed)
    return ValidationResult(source=document.source, format=document.format, preset=preset.name,
                            cues=document.cues, findings=found, summary=streamed.summary(),
                            encoding=document.encoding, notes=document.notes)


class Streamed:
    """The findings of a document, one at a time (iterate once), and its figures afterwards:
    what ``validate`` prints as it goes, so that 200,000 findings are never held at once.

    Attributes:
        document: the document checked.
        preset: the preset's name.
        counts: findings per code so far.
        worst: the highest severity rank met so far (-1: none).
    """

    def __init__(self, document: CaptionDocument, preset: Preset, lang: str | None) -> None:
        self.document = document
        self.preset = preset.name
        self.counts: Counter[str] = Counter()
        self.worst = -1
        self._chars_of: list[int] = []
        checks = iter_checks(document.cues, preset, document.format, lang, self._chars_of)
        self._merged = heapq.merge(_with_cues(document), checks, key=_line_order) if document.problems else checks

    def __iter__(self) -> Iterator[Finding]:
        counts = self.counts
        for finding in self._merged:
            counts[finding.code.value] += 1
            rank = finding.severity.rank
            if rank > self.worst:
                self.worst = rank
            yield finding

    def summary(self) -> Summary:
        """The figures of the file (every finding must have been iterated)."""
        cues = self.document.cues
        return _figures(cues, tuple(sorted(self.counts.items())), self._chars_of)


def stream_document(document: CaptionDocument, preset: Preset, *, lang: str | None = None) -> Streamed:
    """The findings of :func:`check_document`, in the same order, one at a time (see :class:`Streamed`)."""
    return Streamed(document, preset, lang)


def _with_cues(document: CaptionDocument) -> Iterator[Finding]:
    """The document's reading problems, each naming the cue whose lines it falls on (one at a
    time: a file with a problem on every cue holds them once)."""
    cues = document.cues
    starts = cues.timing_lines() if isinstance(cues, CueColumns) else [c.line or 0 for c in cues]
    for p in document.problems:
        line = p.line or 0
        k = bisect.bisect_right(starts, line) - 1
        cue = k + 1 if k >= 0 and line <= starts[k] + len(cues[k].lines) else None
        yield replace(p, cue=cue)


def _line_order(f: Finding) -> tuple[int, int]:
    return (f.line if f.line is not None else 0, f.cue or 0)


def check_text(data: bytes, source: str, preset: Preset, *, fmt: Format | None = None,
               lang: str | None = None, encoding: str | None = None) -> ValidationResult:
    """Validate caption bytes named ``source`` (its suffix gives the format unless ``fmt``;
    ``encoding``: the bytes' encoding, detected when None).

    Raises:
        ParseError: only when the bytes are not text at all.
        UnsupportedFormatError: when the format cannot be told.
    """
    fmt = format_for_path(source) if fmt is None else fmt
    return check_document(parse_captions_bytes(data, fmt, source, encoding=encoding), preset, lang=lang)


def validate_file(path: str | os.PathLike[str], preset: Preset, *, lang: str | None = None,
                  fmt: Format | None = None, encoding: str | None = None) -> ValidationResult:
    """Read and validate an SRT or WebVTT file (``-`` is standard input and needs ``fmt``).

    Raises:
        ParseError: when the file cannot be read at all (missing, unreadable, binary).
        UnsupportedFormatError: when the format cannot be told.
    """
    return check_document(read_captions(path, fmt, encoding=encoding), preset, lang=lang)


def format_result(result: ValidationResult) -> str:
    """The report for a person: one ``file:line: code: message (cue N)`` line per finding, then
    the summary line; each line ends with a newline.  Built as one string, so that a file with
    100,000 findings is written at once rather than line by line.

    >>> from captions.presets import get_preset
    >>> print(format_result(check_text(b"1\\n00:00:01,000 --> 00:00:01,500\\nOui.\\n", "a.srt",
    ...                                get_preset("netflix"), lang="fr")), end="")
    a.srt:2: too-short: shown 500 ms; expected at least 833 ms (cue 1)
    a.srt: 1 cues over 00:00, reading speed median 8.0 / p90 8.0 / max 8.0 cps (netflix); findings: too-short 1
    """
    source = result.source
    out = [format_finding(source, f) for f in result.findings]
    out.append(format_summary(source, result.summary, result.preset))
    return "\n".join(out) + "\n"


def format_finding(source: str, f: Finding) -> str:
    """One finding for a person: ``file:line: code: message (cue N)``, without a line end."""
    return f"{source}{'' if f.line is None else f':{f.line}'}: {f.code.value}: {f.message}{f' (cue {f.cue})' if f.cue else ''}"


def format_summary(source: str, s: Summary, preset: str) -> str:
    """The summary line of a file, without a line end."""
    counts = ", ".join(f"{code} {n}" for code, n in s.counts) or "none"
    return (f"{source}: {s.cues} cues over {format_clock(s.duration_ms)}, reading speed median "
            f"{s.cps_median} / p90 {s.cps_p90} / max {s.cps_max} cps ({preset}); findings: {counts}")
