"""Caption files checked against the speech of their media (``captions validate --media``).

Five findings, each located at a cue (and its timing line):

* ``captions-offset``: the whole file is shifted (or stretched) against the speech, with a
  confidence high enough to say so (:func:`captions.audio.sync.estimate_fit`); the other checks
  then look at the cues as moved by that fit, so that one offset is one finding, not one per cue;
* ``cue-over-silence``: a cue shown over silence longer than :data:`SILENCE_ALLOWED_MS` (the
  longest a cue may stay after its speech for the reading speed), or over no speech at all;
* ``speech-without-cue``: a second or more of speech under no cue (a dropped cue);
* ``cue-early`` / ``cue-late``: a cue that starts more than the tolerance before the speech it
  carries (it starts in silence and the speech comes later), or after it (it starts inside speech
  that began after the previous cue ended).

Never raises for bad content.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..audio import MIN_CONFIDENCE
from ..audio.speech import Sound, Spans
from ..audio.sync import Fit, estimate_fit
from ..findings import Finding, FindingCode, Severity
from ..model import Cue
from ..timecode import format_clock
from ..timing import MAX_HANG_MS
from .report import ValidationResult, summarize

__all__ = ["MediaRules", "check_media", "with_media", "SILENCE_ALLOWED_MS", "MIN_UNCAPTIONED_MS",
           "TOLERANCE_MS", "MIN_CONFIDENCE"]

SILENCE_ALLOWED_MS = MAX_HANG_MS   # a cue may stay this long over silence (reading speed, chaining)
MIN_UNCAPTIONED_MS = 1000          # speech this long with no cue is reported
TOLERANCE_MS = 300                 # a start this far from its speech is reported (``--tolerance-ms``)
_OFFSET_REPORTED_MS = 200          # a fit that moves some cue at least this much is an offset


@dataclass(frozen=True, slots=True)
class MediaRules:
    """The limits of the media checks."""

    tolerance_ms: int = TOLERANCE_MS
    silence_allowed_ms: int = SILENCE_ALLOWED_MS
    min_uncaptioned_ms: int = MIN_UNCAPTIONED_MS
    min_confidence: float = MIN_CONFIDENCE


def _finding(code: FindingCode, message: str, cues: Sequence[Cue], k: int | None, *,
             severity: Severity = Severity.WARNING, value: int | float | None = None,
             limit: int | float | None = None) -> Finding:
    line = cues[k].line if k is not None and cues else None
    return Finding(code, severity, message, line=line, cue=None if k is None else k + 1, value=value, limit=limit)


def _offset_finding(fit: Fit, cues: Sequence[Cue]) -> Finding:
    first, last = cues[0].start_ms, cues[-1].start_ms
    moves = fit.shift_at(first), fit.shift_at(last)
    if fit.drift == 1.0:
        shift = moves[0]
        where = "late" if shift < 0 else "early"
        message = (f"captions are {abs(shift) / 1000:.1f} s {where} against the speech (confidence "
                   f"{fit.confidence:.2f}); `captions sync` can fix it")
    else:
        message = (f"captions drift against the speech: {fit.describe()}; cue 1 is off by {-moves[0]:+d} ms, "
                   f"the last cue by {-moves[1]:+d} ms; `captions sync` can fix it")
    return _finding(FindingCode.CAPTIONS_OFFSET, message, cues, 0, severity=Severity.ERROR,
                    value=-moves[0], limit=None)


def _overlap_ms(start: int, end: int, spans: Spans, first: int) -> tuple[int, int]:
    """Speech under ``[start, end)`` and the index of the first span that may touch it."""
    total = 0
    k = first
    while k < len(spans) and spans[k][1] <= start:
        k += 1
    j = k
    while j < len(spans) and spans[j][0] < end:
        total += min(end, spans[j][1]) - max(start, spans[j][0])
        j += 1
    return total, k


def _silences(times: Sequence[tuple[int, int]], spans: Spans, cues: Sequence[Cue], rules: MediaRules) -> list[Finding]:
    out = []
    first = 0
    for k, (start, end) in enumerate(times):
        if end <= start:
            continue
        speech, first = _overlap_ms(start, end, spans, first)
        silent = end - start - speech
        if speech == 0 or silent > rules.silence_allowed_ms:
            what = "no speech at all" if speech == 0 else f"{silent} ms of silence"
            out.append(_finding(FindingCode.CUE_OVER_SILENCE, f"shown over {what} ({format_clock(start, millis=True)}"
                                f"-{format_clock(end, millis=True)}); expected a cue to leave the screen when its "
                                f"speech ends", cues, k, value=silent, limit=rules.silence_allowed_ms))
    return out


def _uncaptioned(times: Sequence[tuple[int, int]], spans: Spans, cues: Sequence[Cue], rules: MediaRules) -> list[Finding]:
    """Speech under no cue: the stretches between two cues add up (a pause inside does not
    split them); one finding per gap between cues holding at least ``min_uncaptioned_ms``."""
    shown = sorted((a, b) for a, b in times if b > a)
    starts = [a for a, _ in times]
    gaps: dict[int, list[tuple[int, int]]] = {}   # index of the next shown cue -> uncovered stretches
    k = 0
    for a, b in spans:
        position = a
        while position < b:
            while k < len(shown) and shown[k][1] <= position:
                k += 1
            free_until = shown[k][0] if k < len(shown) else b
            if free_until > position:
                gap_end = min(free_until, b)
                gaps.setdefault(k, []).append((position, gap_end))
                position = gap_end
            else:
                position = shown[k][1]
    out = []
    for stretches in gaps.values():
        if sum(b - a for a, b in stretches) >= rules.min_uncaptioned_ms:
            out.append(_uncaptioned_finding(stretches[0][0], stretches[-1][1], sum(b - a for a, b in stretches),
                                            starts, cues, rules))
    return out


def _uncaptioned_finding(a: int, b: int, speech: int, starts: Sequence[int], cues: Sequence[Cue],
                         rules: MediaRules) -> Finding:
    after = next((i for i, s in enumerate(starts) if s >= b), None)
    where = f"before cue {after + 1}" if after is not None else "after the last cue"
    return _finding(FindingCode.SPEECH_WITHOUT_CUE,
                    f"{speech / 1000:.1f} s of speech between {format_clock(a, millis=True)} and "
                    f"{format_clock(b, millis=True)} has no cue ({where}); expected every speech of a second or "
                    f"more to be captioned", cues, after if after is not None else len(cues) - 1, value=speech,
                    limit=rules.min_uncaptioned_ms)


def _starts(times: Sequence[tuple[int, int]], spans: Spans, cues: Sequence[Cue], rules: MediaRules) -> list[Finding]:
    out = []
    onsets = [a for a, _ in spans]
    for k, (start, end) in enumerate(times):
        if end <= start:
            continue
        i = bisect.bisect_right(onsets, start) - 1    # the span that starts at or before the cue
        inside = i >= 0 and spans[i][1] > start
        if inside:
            onset = spans[i][0]
            previous_end = times[k - 1][1] if k else -1
            late = start - onset
            if late > rules.tolerance_ms and onset >= previous_end:
                out.append(_finding(FindingCode.CUE_LATE, f"starts {late} ms after its speech (at "
                                    f"{format_clock(onset, millis=True)}); expected within {rules.tolerance_ms} ms",
                                    cues, k, value=late, limit=rules.tolerance_ms))
        elif i + 1 < len(spans) and spans[i + 1][0] < end:
            early = spans[i + 1][0] - start
            if early > rules.tolerance_ms:
                out.append(_finding(FindingCode.CUE_EARLY, f"starts {early} ms before its speech (at "
                                    f"{format_clock(spans[i + 1][0], millis=True)}); expected within "
                                    f"{rules.tolerance_ms} ms", cues, k, value=early, limit=rules.tolerance_ms))
    return out


def check_media(cues: Sequence[Cue], sound: Sound, rules: MediaRules = MediaRules(),
                fit: Fit | None = None) -> tuple[Finding, ...]:
    """The media findings of ``cues`` against ``sound`` (see the module docstring), in cue order.

    Args:
        fit: the global fit, when already estimated (else it is).
    """
    if not cues:
        return ()
    fit = fit if fit is not None else estimate_fit(cues, sound)
    found: list[Finding] = []
    times = [(c.start_ms, c.end_ms) for c in cues]
    moved = max(abs(fit.shift_at(c.start_ms)) for c in cues)
    if fit.confidence >= rules.min_confidence and moved >= max(_OFFSET_REPORTED_MS, rules.tolerance_ms // 2):
        found.append(_offset_finding(fit, cues))
        times = [(fit.apply(a), fit.apply(b)) for a, b in times]
    spans = sound.spans
    found += _silences(times, spans, cues, rules)
    found += _uncaptioned(times, spans, cues, rules)
    found += _starts(times, spans, cues, rules)
    found.sort(key=lambda f: (f.cue or 0, f.code is not FindingCode.CAPTIONS_OFFSET))
    return tuple(found)


def with_media(result: ValidationResult, sound: Sound, rules: MediaRules = MediaRules()) -> ValidationResult:
    """``result`` with the media findings of its cues added (in line order) and its summary
    counted again."""
    found = list(result.findings) + list(check_media(result.cues, sound, rules))
    found.sort(key=lambda f: (f.line if f.line is not None else 0, f.cue or 0))
    return replace(result, findings=tuple(found), summary=summarize(result.cues, found))
