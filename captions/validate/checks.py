"""The caption checks: cues + a preset -> findings, each with a stable code, its cue and line.

Never raises for bad content.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..findings import Finding, FindingCode, Measure, Severity
from ..model import Cue, Format
from ..presets import Preset, reading_chars

__all__ = ["check_cues", "run_checks", "line_chars"]


def check_cues(cues: Sequence[Cue], preset: Preset, *, fmt=None, lang: str | None = None) -> tuple[Finding, ...]:
    """Check cues against the format rules and ``preset``; never raises for bad content.

    Args:
        fmt: :attr:`Format.SRT` enables the SRT index-sequence check.
        lang: ``"fr"`` enables the French non-breaking space check; None detects the language
            once, on the first 500 cues.

    >>> from captions.presets import get_preset
    >>> [f.code.value for f in check_cues([Cue(0, 900, ("a",)), Cue(500, 2000, ("b",))], get_preset("netflix"))]
    ['overlap']
    """
    return run_checks(cues, preset, fmt, lang)[0]


def line_chars(line: str) -> int:
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


def run_checks(cues: Sequence[Cue], preset: Preset, fmt, lang: str | None) -> tuple[tuple[Finding, ...], list[int]]:
    """The findings of :func:`check_cues` and each cue's reading characters (for the summary)."""
    from ..typography import detect_language, french_spacing

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
    srt = fmt is Format.SRT
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
            size = len(line) if "<" not in line and line.isprintable() else line_chars(line)
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
