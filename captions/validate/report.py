"""Validating a caption file: its reading problems, then the checks, summed up for a person or a machine."""

from __future__ import annotations

import bisect
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import TypedDict

from ..findings import Finding, FindingDict
from ..formats import CaptionDocument, Format, format_for_path, parse_captions_bytes, read_captions
from ..model import Cue
from ..presets import Preset, reading_chars, reading_speeds
from ..timecode import format_clock
from .checks import run_checks

__all__ = ["Summary", "ValidationResult", "SummaryDict", "ResultDict", "summarize", "check_document",
           "check_text", "validate_file", "format_result"]


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
    cues: tuple[Cue, ...]
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
    spread = reading_speeds(cues, chars_of)
    span = max(0, max(c.end_ms for c in cues) - min(c.start_ms for c in cues)) if cues else 0
    counts = sorted((code.value, n) for code, n in Counter(map(attrgetter("code"), findings)).items())
    return Summary(cues=len(cues), duration_ms=span, shown_ms=sum([max(0, c.end_ms - c.start_ms) for c in cues]),
                   cps_median=round(spread.median_cps, 1), cps_p90=round(spread.p90_cps, 1),
                   cps_max=round(spread.max_cps, 1), counts=tuple(counts))


def check_document(document: CaptionDocument, preset: Preset, *, lang: str | None = None) -> ValidationResult:
    """Findings of a :class:`captions.formats.CaptionDocument`: its reading problems, then the
    checks, in line order (a reading problem inside a cue names that cue)."""
    found = _with_cues(document)
    checked, chars_of = run_checks(document.cues, preset, document.format, lang)
    found.extend(checked)
    found.sort(key=_line_order)
    return ValidationResult(source=document.source, format=document.format, preset=preset.name,
                            cues=document.cues, findings=tuple(found),
                            summary=_summarize(document.cues, found, chars_of),
                            encoding=document.encoding, notes=document.notes)


def _with_cues(document: CaptionDocument) -> list[Finding]:
    """The document's reading problems, each naming the cue whose lines it falls on."""
    if not document.problems:
        return []
    starts = [c.line or 0 for c in document.cues]
    found = []
    for p in document.problems:
        line = p.line or 0
        k = bisect.bisect_right(starts, line) - 1
        cue = k + 1 if k >= 0 and line <= starts[k] + len(document.cues[k].lines) else None
        found.append(replace(p, cue=cue))
    return found


def _line_order(f: Finding) -> tuple[int, int]:
    return (f.line if f.line is not None else 0, f.cue or 0)


def check_text(data: bytes, source: str, preset: Preset, *, fmt: Format | None = None,
               lang: str | None = None) -> ValidationResult:
    """Validate caption bytes named ``source`` (its suffix gives the format unless ``fmt``).

    Raises:
        ParseError: only when the bytes are not text at all.
        UnsupportedFormatError: when the format cannot be told.
    """
    fmt = format_for_path(source) if fmt is None else fmt
    return check_document(parse_captions_bytes(data, fmt, source), preset, lang=lang)


def validate_file(path: str | os.PathLike[str], preset: Preset, *, lang: str | None = None,
                  fmt: Format | None = None) -> ValidationResult:
    """Read and validate an SRT or WebVTT file (``-`` is standard input and needs ``fmt``).

    Raises:
        ParseError: when the file cannot be read at all (missing, unreadable, binary).
        UnsupportedFormatError: when the format cannot be told.
    """
    return check_document(read_captions(path, fmt), preset, lang=lang)


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
    out = [f"{source}{'' if f.line is None else f':{f.line}'}: {f.code.value}: {f.message}"
           f"{f' (cue {f.cue})' if f.cue else ''}" for f in result.findings]
    s = result.summary
    counts = ", ".join(f"{code} {n}" for code, n in s.counts) or "none"
    out.append(f"{source}: {s.cues} cues over {format_clock(s.duration_ms)}, reading speed median "
               f"{s.cps_median} / p90 {s.cps_p90} / max {s.cps_max} cps ({result.preset}); findings: {counts}")
    return "\n".join(out) + "\n"
