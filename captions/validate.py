"""Caption checks: cues + a preset -> findings, each with a stable code, its cue and line.

Never raises for bad content: what the readers meet (:mod:`captions.formats.reading`) and
what the checks find are both :class:`Finding` values.  :func:`fix_cues` repairs what can be
repaired without touching the words and lists every repair.
"""

from __future__ import annotations

import bisect
import enum
import os
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .findings import Finding, FindingCode, Measure, Severity
from .model import Cue
from .presets import Preset, reading_chars
from .timecode import format_clock

__all__ = [
    "FindingCode", "Finding", "Summary", "ValidationResult", "RepairCode", "Repair",
    "check_cues", "check_document", "check_text", "validate_file", "fix_cues", "summarize", "format_result",
]


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

    def to_dict(self) -> dict:
        return {"cues": self.cues, "duration_ms": self.duration_ms, "shown_ms": self.shown_ms,
                "cps": {"median": self.cps_median, "p90": self.cps_p90, "max": self.cps_max},
                "findings": dict(self.counts)}


@dataclass(frozen=True, slots=True)
class ValidationResult:
    source: str
    format: str
    preset: str
    cues: tuple[Cue, ...]
    findings: tuple[Finding, ...]
    summary: Summary
    encoding: str = "utf-8"
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"path": self.source, "format": self.format, "preset": self.preset, "cues": len(self.cues),
                "summary": self.summary.to_dict(), "findings": [f.to_dict() for f in self.findings]}




def check_cues(cues: Sequence[Cue], preset: Preset, *, fmt=None, lang: str | None = None) -> tuple[Finding, ...]:
    """Check cues against the format rules and ``preset``; never raises for bad content.

    Args:
        fmt: ``"srt"`` enables the SRT index-sequence check.
        lang: ``"fr"`` enables the French non-breaking space check; None detects the language
            once, on the first 500 cues.

    >>> from captions.presets import get_preset
    >>> [f.code.value for f in check_cues([Cue(0, 900, ("a",)), Cue(500, 2000, ("b",))], get_preset("netflix"))]
    ['overlap']
    """
    return _check(cues, preset, fmt, lang)[0]


def _line_chars(line: str) -> int:
    """:func:`captions.presets.reading_chars` of one line, without the per-character walk for
    the usual line (no tag, every character printable or a space)."""
    if "<" not in line and (line.isprintable() or line.translate(_SPACES_TO_ASCII).isprintable()):
        return len(line)
    return reading_chars(line)


# Spaces str.isprintable() refuses but reading speed counts (they are not category C).
_SPACES_TO_ASCII = {ord(c): " " for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
                    "\u2008\u2009\u200a\u202f\u205f\u3000"}
# A line without any of these is left unchanged by typography.french_spacing.
_FRENCH_MARKS = re.compile(r"[?!:;«»]")


def _check(cues: Sequence[Cue], preset: Preset, fmt, lang: str | None) -> tuple[tuple[Finding, ...], list[int]]:
    """The findings of :func:`check_cues` and each cue's reading characters (for the summary)."""
    from .typography import detect_language, french_spacing

    E, W = Severity.ERROR, Severity.WARNING
    name = preset.name
    out: list[Finding] = []
    add = out.append

    def make(code: FindingCode, severity: Severity, cue: int, line: int | None, message: str,
             value: Measure, limit: Measure, preset: str) -> Finding:
        return Finding(code, severity, message, line, None, cue, value, limit, preset)

    C = FindingCode
    if lang is None:
        lang = detect_language(" ".join(" ".join(c.lines) for c in cues[:500])) if cues else ""
    french = _FRENCH_MARKS.search if lang == "fr" else None
    srt = getattr(fmt, "value", fmt) == "srt"
    min_gap, chain_gap = preset.min_gap_ms, preset.chain_gap_ms
    min_duration, max_duration = preset.min_duration_ms, preset.max_duration_ms
    max_chars, max_lines = preset.max_chars, preset.max_lines
    max_chars_for = preset.max_chars_for
    chars_of: list[int] = []
    prev: Cue | None = None
    prev_text = ""
    prev_index: int | None = None
    for number, cue in enumerate(cues, start=1):
        start, end, lines, where = cue.start_ms, cue.end_ms, cue.lines, cue.line
        duration = end - start
        if srt and cue.identifier.strip().isdigit():
            index = int(cue.identifier)
            if prev_index is not None and index != prev_index + 1:
                add(make(C.INDEX_SEQUENCE, E, number, where, f"index {index} follows {prev_index}; expected "
                         f"{prev_index + 1}", index, prev_index + 1, ""))
            prev_index = index
        # per line: its reading characters, and the line checks (reported after the cue's own)
        chars = 0
        parts: list[str] = []
        line_findings: list[Finding] = []
        for k, line in enumerate(lines):
            size = len(line) if "<" not in line and line.isprintable() else _line_chars(line)
            chars += size
            stripped = line.strip()
            if stripped:
                parts.append(stripped)
            if size > max_chars or stripped != line or "  " in line or (french and french(line)):
                at = None if where is None else where + 1 + k
                if size > max_chars:
                    line_findings.append(make(C.LINE_TOO_LONG, W, number, at, f"line of {size} characters; "
                                              f"expected at most {max_chars}", size, max_chars, name))
                if line != stripped:
                    line_findings.append(make(C.EDGE_SPACE, W, number, at, "line starts or ends with a space",
                                              None, None, ""))
                if "  " in line:
                    line_findings.append(make(C.DOUBLE_SPACE, W, number, at, "two spaces in a row", None, None, ""))
                if french and french(line) and french_spacing(line) != line:
                    line_findings.append(make(C.MISSING_NBSP, W, number, at, "French punctuation without its "
                                              "non-breaking space (U+202F)", None, None, ""))
        chars_of.append(chars)
        text = " ".join(parts)
        if duration <= 0:
            add(make(C.END_NOT_AFTER_START, E, number, where, f"end {end} ms is not after start {start} ms",
                     duration, 1, ""))
        if not text:
            add(make(C.EMPTY_CUE, E, number, where, "the cue has no text", None, None, ""))
        if prev is not None:
            gap = start - prev.end_ms
            if start < prev.start_ms:
                add(make(C.OUT_OF_ORDER, E, number, where, f"starts {prev.start_ms - start} ms before cue "
                         f"{number - 1}", start, prev.start_ms, ""))
            elif gap < 0:
                add(make(C.OVERLAP, E, number, where, f"overlaps cue {number - 1} by {-gap} ms", -gap, 0, ""))
            elif gap == 0 and min_gap > 0:
                add(make(C.NO_GAP, W, number, where, f"starts when cue {number - 1} ends; expected a gap of "
                         f"{min_gap} ms", gap, min_gap, name))
            elif gap < min_gap:
                add(make(C.GAP_TOO_SMALL, W, number, where, f"gap of {gap} ms after cue {number - 1}; expected "
                         f"at least {min_gap} ms", gap, min_gap, name))
            elif min_gap < gap <= chain_gap:
                add(make(C.CHAIN_GAP, W, number, where, f"gap of {gap} ms after cue {number - 1} should be "
                         f"chained to {min_gap} ms", gap, chain_gap, name))
            if text and text == prev_text:
                add(make(C.REPEATED_CUE, W, number, where, f"same text as cue {number - 1}", None, None, ""))
        if duration > 0:
            if duration < min_duration:
                add(make(C.TOO_SHORT, W, number, where, f"shown {duration} ms; expected at least "
                         f"{min_duration} ms", duration, min_duration, name))
            if max_duration is not None and duration > max_duration:
                add(make(C.TOO_LONG, W, number, where, f"shown {duration} ms; expected at most "
                         f"{max_duration} ms", duration, max_duration, name))
            allowed = max_chars_for(duration)
            if allowed is not None and chars > allowed + 1e-9:
                cps, limit = round(chars * 1000 / duration, 2), round(allowed * 1000 / duration, 2)
                add(make(C.TOO_FAST, W, number, where, f"{cps} characters per second; limit {limit}",
                         cps, limit, name))
        if len(lines) > max_lines:
            add(make(C.TOO_MANY_LINES, W, number, where, f"{len(lines)} lines; expected at most {max_lines}",
                     len(lines), max_lines, name))
        if line_findings:
            out.extend(line_findings)
        prev, prev_text = cue, text
    return tuple(out), chars_of


def summarize(cues: Sequence[Cue], findings: Sequence[Finding]) -> Summary:
    """The figures of a file (reading speeds over cues with a positive duration)."""
    return _summarize(cues, findings, [sum(_line_chars(line) for line in c.lines) for c in cues])


def _summarize(cues: Sequence[Cue], findings: Sequence[Finding], chars_of: Sequence[int]) -> Summary:
    speeds = sorted(chars * 1000 / (c.end_ms - c.start_ms) for c, chars in zip(cues, chars_of)
                    if c.end_ms > c.start_ms)
    p90 = speeds[min(len(speeds) - 1, int(0.9 * len(speeds)))] if speeds else 0.0
    span = (max(c.end_ms for c in cues) - min(c.start_ms for c in cues)) if cues else 0
    counts = Counter(f.code.value for f in findings)
    return Summary(len(cues), span, sum(max(0, c.end_ms - c.start_ms) for c in cues),
                   round(statistics.median(speeds), 1) if speeds else 0.0, round(p90, 1),
                   round(speeds[-1], 1) if speeds else 0.0, tuple(sorted(counts.items())))


def check_document(document, preset: Preset, *, lang: str | None = None) -> ValidationResult:
    """Findings of a :class:`captions.formats.CaptionDocument`: its reading problems, then the checks."""
    starts = [c.line or 0 for c in document.cues]
    found: list[Finding] = []
    for p in document.problems:
        line = p.line or 0
        k = bisect.bisect_right(starts, line) - 1
        cue = k + 1 if k >= 0 and line <= starts[k] + len(document.cues[k].lines) else None
        found.append(replace(p, cue=cue))
    checked, chars_of = _check(document.cues, preset, document.format, lang)
    found.extend(checked)
    found.sort(key=lambda f: (f.line if f.line is not None else 0, f.cue or 0))
    return ValidationResult(document.source, document.format, preset.name, document.cues, tuple(found),
                            _summarize(document.cues, found, chars_of), document.encoding, document.notes)


def check_text(data: bytes, source: str, preset: Preset, *, fmt=None, lang: str | None = None) -> ValidationResult:
    """Validate caption bytes named ``source`` (its suffix gives the format unless ``fmt``).

    Raises:
        ParseError: only when the bytes are not text at all.
        UnsupportedFormatError: when the format cannot be told.
    """
    from .formats import format_for_path, parse_captions_bytes

    fmt = format_for_path(source) if fmt is None else fmt
    return check_document(parse_captions_bytes(data, fmt, str(source)), preset, lang=lang)


def validate_file(path: str | os.PathLike, preset: Preset, *, lang: str | None = None, fmt=None) -> ValidationResult:
    """Read and validate an SRT or WebVTT file (``-`` is standard input and needs ``fmt``).

    Raises:
        ParseError: when the file cannot be read at all (missing, unreadable, binary).
        UnsupportedFormatError: when the format cannot be told.
    """
    from .formats import read_captions

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

# --- repairs ----------------------------------------------------------------------------------


class RepairCode(str, enum.Enum):
    SORT = "sort"
    RESOLVE_OVERLAP = "resolve-overlap"
    LENGTHEN = "lengthen"
    CHAIN_GAP = "chain-gap"
    REBREAK = "rebreak"
    FRENCH_SPACING = "french-spacing"


@dataclass(frozen=True, slots=True)
class Repair:
    """One change :func:`fix_cues` made (``cue`` is the 1-based number after sorting)."""

    code: RepairCode
    cue: int
    before: str
    after: str
    message: str

    def to_dict(self) -> dict:
        return {"code": self.code.value, "cue": self.cue, "before": self.before, "after": self.after,
                "message": self.message}


def _span(cue: Cue) -> str:
    return f"{cue.start_ms}-{cue.end_ms}"


def fix_cues(cues: Sequence[Cue], preset: Preset, *, lang: str | None = None) -> tuple[tuple[Cue, ...], tuple[Repair, ...]]:
    """Repair what can be repaired without touching the words, and list every repair.

    In order: French non-breaking spaces (when French), re-break lines over the limits,
    sort by start, shorten a cue that overlaps the next one or sits closer than the minimum
    gap, lengthen a too-short cue into the free time after it, chain small gaps.

    >>> from captions.presets import get_preset
    >>> fixed, repairs = fix_cues([Cue(2000, 2400, ("b",)), Cue(0, 1000, ("a",))], get_preset("netflix"), lang="en")
    >>> [(c.start_ms, c.end_ms) for c in fixed], [r.code.value for r in repairs]
    ([(0, 1000), (2000, 2833)], ['sort', 'lengthen'])
    """
    from .linebreak import break_lines, fits
    from .typography import detect_language, french_spacing

    if lang is None:
        lang = detect_language(" ".join(" ".join(c.lines) for c in cues[:500])) if cues else ""
    repairs: list[Repair] = []
    work = list(cues)
    for i, cue in enumerate(work):
        lines = cue.lines
        if lang == "fr":
            spaced = tuple(french_spacing(line) for line in lines)
            if spaced != lines:
                repairs.append(Repair(RepairCode.FRENCH_SPACING, i + 1, "\n".join(lines), "\n".join(spaced),
                                      "added French non-breaking spaces"))
                lines = spaced
        if not fits(lines, preset.max_chars, preset.max_lines):
            broken = break_lines(" ".join(" ".join(line.split(" ")) for line in lines),
                                 preset.max_chars, preset.max_lines, lang or "fr")
            if broken != lines and " ".join(broken).split() == " ".join(lines).split():
                repairs.append(Repair(RepairCode.REBREAK, i + 1, "\n".join(lines), "\n".join(broken),
                                      f"lines re-broken to {preset.max_lines} x {preset.max_chars} characters"))
                lines = broken
        work[i] = replace(cue, lines=lines)
    order = sorted(range(len(work)), key=lambda k: (work[k].start_ms, work[k].end_ms))
    if order != list(range(len(work))):
        moved = sum(1 for a, b in enumerate(order) if a != b)
        repairs.append(Repair(RepairCode.SORT, 1, "", "", f"{moved} cues moved into time order"))
        repairs.sort(key=lambda r: r.cue)
        work = [work[k] for k in order]
    gap = preset.min_gap_ms
    for i, cue in enumerate(work):
        nxt = work[i + 1] if i + 1 < len(work) else None
        end = cue.end_ms
        if nxt is not None and end > nxt.start_ms - gap and nxt.start_ms - gap > cue.start_ms:
            end = nxt.start_ms - gap
            repairs.append(Repair(RepairCode.RESOLVE_OVERLAP, i + 1, _span(cue), f"{cue.start_ms}-{end}",
                                  f"end moved to {gap} ms before cue {i + 2}"))
        free_until = nxt.start_ms - gap if nxt is not None else None
        if end - cue.start_ms < preset.min_duration_ms:
            target = cue.start_ms + preset.min_duration_ms
            new_end = target if free_until is None else max(end, min(target, free_until))
            if new_end > end:
                repairs.append(Repair(RepairCode.LENGTHEN, i + 1, f"{cue.start_ms}-{end}", f"{cue.start_ms}-{new_end}",
                                      f"lengthened into free time (minimum {preset.min_duration_ms} ms)"))
                end = new_end
        if free_until is not None and gap < nxt.start_ms - end <= preset.chain_gap_ms and free_until > end:
            repairs.append(Repair(RepairCode.CHAIN_GAP, i + 1, f"{cue.start_ms}-{end}", f"{cue.start_ms}-{free_until}",
                                  f"gap of {nxt.start_ms - end} ms chained to {gap} ms"))
            end = free_until
        if end != cue.end_ms:
            work[i] = replace(cue, end_ms=end)
    return tuple(work), tuple(repairs)
