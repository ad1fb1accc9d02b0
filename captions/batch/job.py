"""The per-file job: a pure function of the input's bytes, its path, its settings and dictionaries."""

from __future__ import annotations

import functools
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from ..convert import ConvertResult, Corrector, convert_cues, convert_transcript, render_output
from ..corrections import apply_to_transcript
from ..errors import CaptionsError
from ..files import Decoded, decode, sniff
from ..findings import Finding, FindingCode, Severity
from ..formats import CaptionDocument, parse_captions_bytes
from ..model import Cue, Format, Note, NoteCode, Transcript
from ..presets import Preset, chars_per_second
from ..review_html import render_review_html
from ..transcript import transcript_from_decoded, transcript_from_document
from ..validate import check_cues, check_document
from .manifest import Kind, Status, TimelinePoint
from .settings import FileSettings, compiled_dictionary

TIMELINE_POINTS = 240  # the reading-speed timeline keeps the fastest cue of each of this many slices

#: How the reason of a job that ran out of memory ends (its worker is then replaced).
MEMORY_REASON = "ran out of memory (the limit for one file is --memory-limit)"

# --------------------------------------------------------------------------------------------
# The per-file job.


@dataclass(frozen=True, slots=True)
class FileJob:
    """One input to process: everything :func:`process_file` needs, and picklable."""

    rel: str
    data: bytes
    kind: Kind
    settings: FileSettings
    review: bool = False   # render the file's review page (captions.review_html)


class FindingCount(NamedTuple):
    """How many findings of one code and severity a file has."""

    code: FindingCode
    severity: Severity
    total: int


@dataclass(frozen=True, slots=True)
class FileResult:
    """What one input gave.

    Attributes:
        outputs: (format, rendered text) pairs; the driver writes them.
        findings: the validation findings counted per code, in code order.
        notes: (code, count) for each reader note code, in code order.
        timeline: the fastest cue of each slice of the show (at most ``TIMELINE_POINTS`` points).
        media_ms: the end of the last cue.
        elapsed_ms: processing time.
        reason: why it failed (``file:line: message``), or None.
        left_out: what an output could not carry from a caption input (markup or blocks the
            other format has no form for), one sentence each.
    """

    rel: str
    kind: Kind
    status: Status
    outputs: tuple[tuple[Format, str], ...] = ()
    cues: int = 0
    findings: tuple[FindingCount, ...] = ()
    notes: tuple[tuple[NoteCode, int], ...] = ()
    corrections: int = 0
    timeline: tuple[TimelinePoint, ...] = ()
    media_ms: int = 0
    elapsed_ms: int = 0
    reason: str | None = None
    review_html: str | None = None
    left_out: tuple[str, ...] = ()

    def count(self, severity: Severity) -> int:
        return sum(f.total for f in self.findings if f.severity is severity)


def timeline_points(cues: Sequence[Cue], preset: Preset, points: int = TIMELINE_POINTS) -> tuple[TimelinePoint, ...]:
    """The reading speed of ``cues`` against the preset's limit, as at most ``points`` points:
    the cue shown is the fastest of its slice of the show, so a peak is never smoothed away.

    >>> from captions.presets import get_preset
    >>> timeline_points([Cue(0, 1000, ("Bonjour à tous",))], get_preset("netflix"))
    (TimelinePoint(start_ms=0, end_ms=1000, cps=14.0, limit_cps=17.0),)
    """
    if not cues:
        return ()
    end = max(c.end_ms for c in cues) or 1
    slices: dict[int, TimelinePoint] = {}
    for cue in cues:
        duration = cue.end_ms - cue.start_ms
        cps = round(min(chars_per_second(cue.text, duration), 999.0), 1)
        allowed = preset.cps_limit(cue.text, duration)   # a words-per-minute limit as this cue's cps
        limit = None if allowed is None else round(allowed, 1)
        key = min(points - 1, cue.start_ms * points // end)
        if key not in slices or cps > slices[key].cps:
            slices[key] = TimelinePoint(cue.start_ms, cue.end_ms, cps, limit)
    return tuple(slices[k] for k in sorted(slices))


def process_file(job: FileJob) -> FileResult:
    """Process one input; never raises (a failure is a result with a ``reason``)."""
    start = time.perf_counter()
    try:
        result = _process(job)
    except CaptionsError as exc:
        result = FileResult(job.rel, job.kind, Status.FAILED, reason=str(exc))
    except MemoryError:
        result = FileResult(job.rel, job.kind, Status.FAILED, reason=f"{job.rel}: {MEMORY_REASON}")
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
    transcript = transcript_from_decoded(decoded, job.rel, pieces=False)   # cues need no pieces
    settings = job.settings
    corrector: Corrector | None = None
    if settings.dictionaries:
        corrector = functools.partial(apply_to_transcript, dictionary=compiled_dictionary(settings.dictionaries))
    speech = None
    if settings.media is not None:   # the replay beside the transcript (batch --media, the default)
        from ..audio import speech_from_media

        speech = speech_from_media(settings.media.path)
    converted = convert_transcript(transcript, settings.preset, lang=settings.lang,
                                   typography=settings.typography, corrector=corrector, speech=speech)
    cues = tuple(converted.cues)
    notes = _count_notes(converted.report.notes)
    findings = check_cues(cues, settings.preset, lang=converted.lang)
    result = _finish(job, cues, _outputs(job, transcript, converted), _count_findings(findings), notes,
                     len(converted.report.changes))
    return replace(result, review_html=render_review_html(converted, title=job.rel)) if job.review else result


def _check_captions(job: FileJob, fmt: Format) -> FileResult:
    """Check a caption file (its findings are the input's), and write it in the formats asked:
    re-broken to the preset with every block and tag kept in its own format (what the other
    format cannot carry is said in ``left_out``), or cut into cues again when its cues are a
    transcript more than subtitles (word times, rolling auto-captions, speakers on most cues),
    as ``captions convert`` does."""
    settings = job.settings
    doc = parse_captions_bytes(job.data, fmt, job.rel)
    checked = check_document(doc, settings.preset, lang=settings.lang)
    findings = _count_findings(checked.findings)
    if not settings.formats:
        return _finish(job, tuple(checked.cues), _Outputs((), ()), findings, (), 0)
    source: Transcript | CaptionDocument = transcript_from_document(doc, "\n".join(doc.lines),
                                                                     encoding=doc.encoding) or doc
    if isinstance(source, Transcript):
        converted = convert_transcript(source, settings.preset, lang=settings.lang, typography=settings.typography)
    else:
        converted = convert_cues(doc.cues, settings.preset, source=job.rel, lang=settings.lang,
                                 typography=settings.typography, notes=doc.problems, header_notes=doc.notes,
                                 fmt=doc.format)
    return _finish(job, tuple(converted.cues), _outputs(job, source, converted), findings, (), 0)


class _Outputs(NamedTuple):
    texts: tuple[tuple[Format, str], ...]
    left_out: tuple[str, ...]


def _outputs(job: FileJob, source: Transcript | CaptionDocument, converted: ConvertResult) -> _Outputs:
    left_out: list[str] = []
    texts = tuple((fmt, render_output(source, converted, fmt, f"the {fmt.value} output", left_out))
                  for fmt in job.settings.formats)
    return _Outputs(texts, tuple(left_out))


def _count_findings(findings: Iterable[Finding]) -> tuple[FindingCount, ...]:
    counts = Counter((f.code, f.severity) for f in findings)
    ordered = sorted(counts.items(), key=lambda item: (item[0][0].value, item[0][1].value))
    return tuple(FindingCount(code, severity, n) for (code, severity), n in ordered)


def _count_notes(notes: Iterable[object]) -> tuple[tuple[NoteCode, int], ...]:
    codes: list[NoteCode] = []
    for note in notes:
        assert isinstance(note, Note)  # a transcript's conversion reports its reader's notes
        codes.append(note.code)
    return tuple(sorted(Counter(codes).items(), key=lambda item: item[0].value))


def _finish(job: FileJob, cues: tuple[Cue, ...], outputs: _Outputs, findings: tuple[FindingCount, ...],
            notes: tuple[tuple[NoteCode, int], ...], corrections: int) -> FileResult:
    return FileResult(job.rel, job.kind, Status.OK, outputs.texts, len(cues), findings, notes, corrections,
                      timeline_points(cues, job.settings.preset), max((c.end_ms for c in cues), default=0),
                      left_out=outputs.left_out)
