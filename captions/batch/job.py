"""The per-file job: a pure function of the input's bytes, its path, its settings and dictionaries."""

from __future__ import annotations

import functools
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..corrections import apply_to_transcript, load_dictionaries
from ..errors import CaptionsError, ConfigError, Location
from ..files import Decoded, decode, sniff
from ..formats import Format, render_captions
from ..model import Cue
from ..convert import convert_cues, convert_transcript
from ..presets import Preset, chars_per_second
from ..transcript import transcript_from_decoded
from ..validate import check_cues, check_text
from .settings import (
    TIMELINE_POINTS,
    DictionaryRef,
    FileSettings,
    Kind,
    Status,
    _dictionary_hash,
)

# --------------------------------------------------------------------------------------------
# The per-file job.


@dataclass(frozen=True, slots=True)
class FileJob:
    """One input to process: everything :func:`process_file` needs, and picklable."""

    rel: str
    data: bytes
    kind: Kind
    settings: FileSettings


@dataclass(frozen=True, slots=True)
class FileResult:
    """What one input gave.

    Attributes:
        outputs: (format, rendered text) pairs; the driver writes them.
        findings: (code, severity, count) for each validation finding code.
        notes: (code, count) for each reader note code.
        timeline: (start_ms, end_ms, cps, limit_cps or None) of the fastest cue of each slice of
            the show (at most ``TIMELINE_POINTS`` points).
        media_ms: the end of the last cue.
        elapsed_ms: processing time.
        reason: why it failed (``file:line: message``), or None.
    """

    rel: str
    kind: Kind
    status: Status
    outputs: tuple[tuple[Format, str], ...] = ()
    cues: int = 0
    findings: tuple[tuple[str, str, int], ...] = ()
    notes: tuple[tuple[str, int], ...] = ()
    corrections: int = 0
    timeline: tuple[tuple[int, int, float, float | None], ...] = ()
    media_ms: int = 0
    elapsed_ms: int = 0
    reason: str | None = None

    def count(self, severity: str) -> int:
        return sum(n for _, sev, n in self.findings if sev == severity)


def timeline_points(cues: Sequence[Cue], preset: Preset,
                    points: int = TIMELINE_POINTS) -> tuple[tuple[int, int, float, float | None], ...]:
    """The reading speed of ``cues`` against the preset's limit, as at most ``points`` points:
    the cue shown is the fastest of its slice of the show, so a peak is never smoothed away.

    >>> from captions.presets import get_preset
    >>> timeline_points([Cue(0, 1000, ("Bonjour à tous",))], get_preset("netflix"))
    ((0, 1000, 14.0, 17.0),)
    """
    if not cues:
        return ()
    end = max(c.end_ms for c in cues) or 1
    slices: dict[int, tuple[int, int, float, float | None]] = {}
    for cue in cues:
        duration = cue.end_ms - cue.start_ms
        cps = round(min(chars_per_second(cue.text, duration), 999.0), 1)
        allowed = preset.max_chars_for(duration)
        limit = None if allowed is None or duration <= 0 else round(allowed * 1000 / duration, 1)
        key = min(points - 1, cue.start_ms * points // end)
        if key not in slices or cps > slices[key][2]:
            slices[key] = (cue.start_ms, cue.end_ms, cps, limit)
    return tuple(slices[k] for k in sorted(slices))


@functools.lru_cache(maxsize=8)
def _dictionary(refs: tuple[DictionaryRef, ...]):
    """The compiled dictionary of ``refs``, once per worker process (jobs share it).

    The files must still have the hashes the driver recorded, so that a result is a function of
    the recorded hashes even on a worker of another machine reading shared storage.
    """
    for ref in refs:
        if _dictionary_hash(Path(ref.path)) != ref.sha256:
            raise ConfigError("the dictionary changed while the batch was running (its hash differs from the "
                              "one recorded); rerun", Location(ref.path))
    return load_dictionaries([ref.path for ref in refs])


def process_file(job: FileJob) -> FileResult:
    """Process one input; never raises (a failure is a result with a ``reason``)."""
    start = time.perf_counter()
    try:
        result = _process(job)
    except CaptionsError as exc:
        result = FileResult(job.rel, job.kind, Status.FAILED, reason=str(exc))
    except Exception as exc:  # a bug must cost one file, not the run; the reason says it is one
        result = FileResult(job.rel, job.kind, Status.FAILED,
                            reason=f"{job.rel}: internal error {type(exc).__name__}: {exc}")
    return replace(result, elapsed_ms=round((time.perf_counter() - start) * 1000))


def _process(job: FileJob) -> FileResult:
    """Check a caption file, or convert a transcript (:func:`captions.files.sniff` decides)."""
    fmt = sniff(job.rel, "")   # a caption suffix decides before decoding: its reader is lenient
    if fmt is not None:
        return _check_captions(job, fmt)
    decoded = decode(job.data, job.rel)
    fmt = sniff(job.rel, decoded.text)
    if fmt is not None:
        return _check_captions(job, fmt)
    return _convert_transcript(job, decoded)


def _convert_transcript(job: FileJob, decoded: Decoded) -> FileResult:
    transcript = transcript_from_decoded(decoded, job.rel)
    settings = job.settings
    corrector = None
    if settings.dictionaries:
        dictionary = _dictionary(settings.dictionaries)
        corrector = lambda t: apply_to_transcript(t, dictionary)  # noqa: E731 (never pickled)
    converted = convert_transcript(transcript, settings.preset, lang=settings.lang,
                                   typography=settings.typography, corrector=corrector)
    cues = tuple(converted.cues)
    notes = _count(n.code.value for n in converted.report.notes)
    findings = check_cues(cues, settings.preset, lang=converted.lang)
    return _finish(job, cues, _summarise(findings), notes, len(converted.report.changes),
                   converted.header_notes)


def _check_captions(job: FileJob, fmt: Format) -> FileResult:
    settings = job.settings
    checked = check_text(job.data, job.rel, settings.preset, fmt=fmt, lang=settings.lang)
    cues = tuple(checked.cues)
    if settings.formats:  # times and words kept: the findings and the timeline stay the input's
        cues = tuple(convert_cues(cues, settings.preset, source=job.rel, lang=settings.lang,
                                  typography=settings.typography).cues)
    return _finish(job, cues, _summarise(checked.findings), (), 0, tuple(checked.notes))


def _summarise(findings: Iterable) -> tuple[tuple[str, str, int], ...]:
    counts = Counter((f.code.value, f.severity.value) for f in findings)
    return tuple((code, sev, n) for (code, sev), n in sorted(counts.items()))


def _count(codes: Iterable[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(Counter(codes).items()))


def _finish(job: FileJob, cues: tuple[Cue, ...], findings, notes, corrections: int,
            header: tuple[str, ...]) -> FileResult:
    outputs = tuple((fmt, render_captions(cues, fmt, header_notes=header)) for fmt in job.settings.formats)
    return FileResult(job.rel, job.kind, Status.OK, outputs, len(cues), findings, notes, corrections,
                      timeline_points(cues, job.settings.preset), max((c.end_ms for c in cues), default=0))
