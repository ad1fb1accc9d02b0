"""The convert jobs: a transcript (or a caption file) in, cues and a report out, files written last.

:func:`convert_transcript` and :func:`convert_cues` are the library calls; they return a
:class:`ConvertResult` whose :class:`Report` lists every limit a cue misses
(:func:`check_limits`: the validator's findings with the builder's reasons).
:func:`convert_file` adds reading the input, choosing the outputs
(:func:`plan_convert_outputs`), rendering them all, and writing them atomically (the CLI
calls it).  Nothing here prints.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypedDict, cast, overload, runtime_checkable

from .errors import ConfigError, UnsupportedFormatError
from .files import decode, encode_text, read_bytes, same_file, sniff, source_name, write_all, write_rows
from .findings import Finding, FindingCode, FindingDict, Measure
from .formats import CaptionDocument, Format, format_for_path, parse_captions_bytes, render_captions, render_document
from .langdata import NEUTRAL, LanguageData, rules_for
from .language import Detected, detect, parse_language
from .model import Cue, Fragment, Note, NoteCode, NoteDict, Transcript
from .presets import (Preset, PresetChoice, SpeedSpread, SpeedUnit, median, reading_chars, reading_speeds, resolve_preset,
                      speed_spread)
from .quality import QualityData, QualityReport, combine_quality, distribution_of, measure_quality
from .segment import Built, build_cues, layout_cue, mark_fragments, may_cut_between
from .timing import SpeechSpan, estimate_speech
from .typography import ends_sentence, typeset
from .validate.checks import check_cues

__all__ = [
    "Report", "ReadingSpeed", "LimitMiss", "check_limits", "ConvertResult", "Corrector", "Recorded", "Record", "ReaderNote",
    "convert_transcript", "convert_cues", "convert_file", "render_output", "webvtt_voices", "SpeechSource", "MEASURED_LAG_MS", "MEASURED_BRIDGE_MS", "label_speakers", "plan_convert_outputs", "read_input", "OutputPlan",
    "ConvertedFile", "SECTION_FRAGMENTS", "section_bounds", "Progress",
]

if TYPE_CHECKING:
    from .transcript import ReadOptions

PathArg = str | os.PathLike[str]


# ---- the report ------------------------------------------------------------------------

@runtime_checkable
class Recorded(Protocol):
    """A record the report lists in its own JSON form (a correction, a reader's note)."""

    def to_dict(self) -> Mapping[str, Any]: ...


Record = Recorded | Mapping[str, object]   # a record, or its JSON form already
ReaderNote = Note | Finding   # what the transcript reader decided, or what the caption reader met
Progress = Callable[[int, int], None]   # called with the work done and the whole (fragments)
Corrector = Callable[[Transcript], tuple[Transcript, Sequence[Record]]]
#: Where each fragment's speech is, measured rather than estimated (``captions.audio.speech_from_media``
#: hears it in the replay): called with the (corrected) fragments and the preset, it returns one
#: span per fragment.
SpeechSource = Callable[[Sequence[Fragment], Preset], Sequence[SpeechSpan]]
#: How long a cue stays after measured speech when the reading speed does not need more: a
#: measured end needs no margin (the text-only estimate keeps the preset's lag).
MEASURED_LAG_MS = 0
#: The longest measured silence a cue whose sentence goes on may stay up across (the preset's
#: ``bridge_gap_ms`` applies to estimated pauses, which may be shorter than they look): a pause
#: heard to last a second or more is a blank, the sentence marked as going on.
MEASURED_BRIDGE_MS = 1000


class LimitMissData(TypedDict):
    """:meth:`LimitMiss.to_dict` (docs/report.md)."""

    code: str
    cue: int
    value: Measure
    limit: Measure
    start_ms: int
    line: int | None
    reason: str


@dataclass(frozen=True, slots=True)
class LimitMiss:
    """One cue that misses one limit: a finding of :func:`captions.validate.check_cues` on the
    built cues, with why the builder could not meet it.

    Attributes:
        code: the finding code (``too-fast``, ``line-too-long``...: the codes ``captions validate``
            reports, see docs/validate.md).
        cue: the 1-based cue index (as written in the SRT).
        value / limit: what was measured and what the preset allows (chars, lines, cps, ms).
        start_ms: the cue's start, to find it in a player.
        line: the source line of the cue's first words (transcript or caption file).
        reason: why the builder could not meet it, for a person.
    """

    code: FindingCode
    cue: int
    value: Measure
    limit: Measure
    start_ms: int
    line: int | None = None
    reason: str = ""

    def to_dict(self) -> LimitMissData:
        return {"code": self.code.value, "cue": self.cue, "value": _rounded(self.value),
                "limit": _rounded(self.limit), "start_ms": self.start_ms, "line": self.line,
                "reason": self.reason}


def _rounded(value: Measure) -> Measure:
    return round(value, 2) if isinstance(value, float) else value


def check_limits(cues: Sequence[Cue], preset: Preset, *, lang: str | None = None,
                 speech: Sequence[tuple[int, int]] | None = None, previous: Cue | None = None,
                 number: int = 1) -> tuple[LimitMiss, ...]:
    """Every limit the cues miss, as the validator finds them, each with the builder's reason.

    Args:
        speech: per cue, the estimated speech ``(start_ms, end_ms)``; says whether a too-fast
            cue is so because the speech itself is faster than the limit.
        previous / number: when the cues go on from others (a long transcript, section by
            section), the cue before them (the gap to it is checked) and the first one's number.

    >>> from captions.presets import get_preset
    >>> [(m.code.value, m.cue, m.reason) for m in check_limits([Cue(0, 500, ("Oui.",))], get_preset())]
    [('too-short', 1, 'the next cue starts too soon')]
    """
    out = []
    before = 0 if previous is None else 1
    for finding in check_cues(cues if previous is None else (previous, *cues), preset, lang=lang):
        k = (finding.cue or 1) - 1 - before
        if k < 0:
            continue   # the cue before: checked with its own
        cue = cues[k]
        reason = _reason(finding, cue, speech[k] if speech is not None else None, preset)
        out.append(LimitMiss(finding.code, k + number, finding.value, finding.limit, cue.start_ms, cue.line, reason))
    return tuple(out)


_REASONS = {
    FindingCode.TOO_FAST: "no free time around the cue",
    FindingCode.TOO_SHORT: "the next cue starts too soon",
    FindingCode.LINE_TOO_LONG: "no allowed cut keeps every line within the limit",
}


def _reason(finding: Finding, cue: Cue, speech: tuple[int, int] | None, preset: Preset) -> str:
    """Why the builder could not meet the limit; for a too-fast cue with its speech known,
    whether the speech itself is faster than the limit (in the preset's unit)."""
    if finding.code is not FindingCode.TOO_FAST or speech is None:
        return _REASONS.get(finding.code, "")
    start, end = speech
    speech_speed = preset.reading_speed(cue.text, max(end - start, 1))
    if isinstance(finding.limit, (int, float)) and speech_speed > finding.limit:
        return f"the speech runs at {speech_speed:.1f} {preset.speed_unit.value}; text is kept verbatim"
    return "the next cue starts before the text can be read"


@dataclass(frozen=True, slots=True)
class ReadingSpeed:
    """The reading speed of the built cues and of the speech they carry.

    Attributes:
        median_cps / p90_cps / max_cps: over the cues, characters per second of display.
        speech_median_cps: the median local speech rate of the transcript (None for caption input).
        limit_cps: the preset's ``max_cps`` (None when it counts words or uses a stepped table).
        too_fast: cues over the limit.
        too_fast_speech: of those, cues whose speech itself is faster than the limit (no timing
            can fix them without changing the words).
        unit: what the preset's limit counts (``cps``, or ``wpm`` for a words-per-minute preset).
        limit_wpm: the preset's ``max_wpm`` when it counts words (None otherwise).
    """

    median_cps: float
    p90_cps: float
    max_cps: float
    speech_median_cps: float | None
    limit_cps: float | None
    too_fast: int
    too_fast_speech: int
    unit: str = SpeedUnit.CPS.value
    limit_wpm: float | None = None

    def to_dict(self) -> dict[str, float | int | str | None]:
        return {k: (round(v, 2) if isinstance(v, float) else v)
                for k, v in ((f, getattr(self, f)) for f in self.__slots__)}


class ReportData(TypedDict):
    """:meth:`Report.to_dict` (docs/report.md)."""

    version: int
    source: str
    preset: str
    preset_source: str
    preset_by_language: bool
    preset_settings: dict[str, object] | None
    lang: str
    cues: int
    misses_per_code: dict[str, int]
    reading_speed: dict[str, float | int | str | None] | None
    quality: QualityData | None
    misses: list[LimitMissData]
    notes: list[NoteDict | FindingDict]
    changes: list[object]
    typography: list[object]


@dataclass(frozen=True, slots=True)
class Report:
    """What the conversion could not do, and what the reader and the corrector decided.

    Attributes:
        source: the input's name.
        preset: the preset's name; ``preset_source``: the guideline it cites;
            ``preset_by_language``: whether it was chosen by the text's language (no preset asked for).
        lang: the language used for line breaking and typography.
        cues: how many cues were built.
        misses: every limit a cue misses (code, cue index, value, limit, reason).
        notes: the transcript reader's notes (or the caption reader's problems).
        changes: what the corrector changed (its own records, shown with their ``to_dict``).
        reading: the reading-speed summary.
        quality: what a subtitler would check, measured (:mod:`captions.quality`).
        settings: the preset as applied, overrides included (its numbers: ``preset_settings``).
        typography: what the typography pass changed (:class:`~captions.typography.TypoChange`).
    """

    source: str
    preset: str
    preset_source: str
    lang: str
    cues: int
    misses: Sequence[LimitMiss] = ()
    notes: tuple[ReaderNote, ...] = ()
    changes: tuple[Record, ...] = ()
    reading: ReadingSpeed | None = None
    quality: QualityReport | None = None
    preset_by_language: bool = False
    settings: Preset | None = None
    typography: tuple[Record, ...] = ()

    def count(self, code: FindingCode) -> int:
        return sum(1 for m in self.misses if m.code is code)

    def to_dict(self) -> ReportData:
        counts: dict[str, int] = {}
        for miss in self.misses:
            counts[miss.code.value] = counts.get(miss.code.value, 0) + 1
        return {
            "version": 1,
            "source": self.source,
            "preset": self.preset,
            "preset_source": self.preset_source,
            "preset_by_language": self.preset_by_language,
            "preset_settings": self.settings.to_dict() if self.settings else None,
            "lang": self.lang,
            "cues": self.cues,
            "misses_per_code": dict(sorted(counts.items())),
            "reading_speed": self.reading.to_dict() if self.reading else None,
            "quality": self.quality.to_dict() if self.quality else None,
            "misses": [m.to_dict() for m in self.misses],
            "notes": [n.to_dict() for n in self.notes],
            "changes": [_as_data(c) for c in self.changes],
            "typography": [_as_data(c) for c in self.typography],
        }


def _as_data(record: object) -> object:
    """A record's JSON form (its ``to_dict``, or itself when it is one already; else its text)."""
    if isinstance(record, Recorded):
        return record.to_dict()
    if isinstance(record, dict):
        return record
    return str(record)


@dataclass(frozen=True, slots=True)
class ConvertResult:
    """Cues built from one input, the report, and what a WebVTT header may show.

    Attributes:
        sources: per cue, the first and last index of the transcript fragments its words come
            from (for caption input: the cue's own index twice).
        built: for transcript input, what the builder knows of each cue (its speakers, its
            dialogue dashes, its continuation mark: :class:`~captions.segment.Built`).
    """

    cues: tuple[Cue, ...]
    report: Report
    lang: str
    header_notes: tuple[str, ...] = field(default=())
    sources: tuple[tuple[int, int], ...] = field(default=())
    built: Built | None = None


# ---- the jobs --------------------------------------------------------------------------

_DETECTED = 2000   # the fragments the language is detected from (the first ones)


def _language(lang: str | None, texts: Sequence[str]) -> str:
    """The language whose rules apply: ``lang`` when given (a code of
    :class:`~captions.language.Language`), else the detected one when the detection is
    confident, else ``"und"`` (undetermined: punctuation alone decides)."""
    if lang is not None:
        try:
            return parse_language(lang).value
        except ValueError as error:
            raise ConfigError(str(error)) from None
    found: Detected = detect(" ".join(texts[:_DETECTED]))
    if found.language is not None and found.confident(found.language):
        return found.language.value
    return "und"


def _leave_gaps(spans: tuple[SpeechSpan, ...], gap_ms: int) -> tuple[SpeechSpan, ...]:
    """Measured speech that ends less than ``gap_ms`` before the next starts ends ``gap_ms``
    before it: the gap between two cues is taken from the earlier one's end, and a cue comes up
    on its speech (a subtitler's rule: in-times on the sound, out-times give way).

    >>> _leave_gaps((SpeechSpan(0, 980, 15.0, False), SpeechSpan(1000, 2000, 15.0, True)), 80)[0].end_ms
    920
    """
    out = list(spans)
    for k in range(len(out) - 1):
        here, after = out[k], out[k + 1]
        if after.start_ms - gap_ms < here.end_ms and after.start_ms > here.start_ms:
            out[k] = replace(here, end_ms=max(after.start_ms - gap_ms, here.start_ms + 1))
    return tuple(out)


def convert_transcript(transcript: Transcript, preset: Preset | PresetChoice | None = None, *,
                       lang: str | None = None, typography: bool = True, corrector: Corrector | None = None,
                       expressions: Sequence[str] = (), speaker_labels: bool | None = None,
                       speech: SpeechSource | None = None) -> ConvertResult:
    """Build cues from a transcript.

    Args:
        preset: the rules; a :class:`PresetChoice` without a name, or None, takes the preset of
            the text's language (:func:`captions.presets.preset_for_language`).
        lang: a language code (``"fr"``, ``"en"``...); detected from the text when None (the
            rules of a language apply only when the detection is confident).
        typography: the language's typography pass (French: narrow no-break spaces, one
            ellipsis, accented capitals...); every change goes to the report.
        corrector: applied to the transcript before cues are built (so line lengths see the
            corrected text); returns the new transcript and its changes, which go to the report.
        expressions: fixed expressions of the user's (``captions.toml``), never split, added to
            the language's own.
        speaker_labels: open each named speaker's turn with ``NAME:`` (None: when the preset
            asked for is for the deaf and hard of hearing; not when it was chosen by the text's
            language, as netflix-sdh is for languages without a preset of their own).
        speech: where the fragments' speech is, heard in the replay (``--media``); without it,
            estimated from the stamps (:func:`captions.timing.estimate_speech`).  Measured ends
            get no lag but what the reading speed needs (:data:`MEASURED_LAG_MS`).

    >>> from captions.model import Fragment
    >>> from captions.presets import get_preset
    >>> t = Transcript("t", (Fragment(0, "Bonsoir à tous, ça va ?", 1), Fragment(6000, "Oui.", 2)))
    >>> r = convert_transcript(t, get_preset("fr-tv"))
    >>> [(c.start_ms, c.end_ms, c.text.replace("\\u202f", "_")) for c in r.cues], r.lang
    ([(500, 2600, 'Bonsoir à tous, ça va_?'), (6500, 7333, 'Oui.')], 'fr')
    """
    fragments, notes, changes = _prepared(transcript, corrector)
    job = _job(preset, lang, [f.text for f in fragments], typography, expressions, speaker_labels, speech)
    part = _build(job, fragments)
    built = part.built
    misses = check_limits(built.cues, job.preset, lang=job.lang, speech=built.speech)
    rates = sorted(s.rate_cps for s in part.spans)
    reading = _reading(built.cues, misses, job.preset, median(rates) if rates else None)
    quality = measure_quality(built.cues, job.preset, job.lang, fragments=part.fragments, sources=built.fragments)
    report = Report(transcript.source, job.preset.name, job.preset.source, job.lang, len(built.cues), misses,
                    notes, changes, reading, quality, job.by_language, job.preset, part.typography)
    return ConvertResult(built.cues, report, job.lang, tuple(transcript.metadata), built.fragments, built)


@dataclass(frozen=True, slots=True)
class _Job:
    """What every part of one conversion shares: the rules resolved once."""

    preset: Preset
    by_language: bool
    lang: str
    typography: bool
    expressions: Sequence[str]
    labels: bool
    speech: SpeechSource | None


def _job(preset: Preset | PresetChoice | None, lang: str | None, texts: Sequence[str], typography: bool,
         expressions: Sequence[str], speaker_labels: bool | None, speech: SpeechSource | None) -> _Job:
    """The language (``texts``: the first fragments' texts, for detecting it) and the preset,
    resolved; whether speakers get labels (see :func:`convert_transcript`)."""
    code = _language(lang, texts)
    rules, by_language = resolve_preset(preset, code)
    labels = speaker_labels if speaker_labels is not None else rules.sdh and not by_language
    return _Job(rules, by_language, code, typography, expressions, labels, speech)


def _prepared(transcript: Transcript, corrector: Corrector | None
              ) -> tuple[Sequence[Fragment], tuple[ReaderNote, ...], tuple[Record, ...]]:
    """The transcript's fragments corrected and without control characters, its notes (with
    one per fragment that had some), and the corrector's changes."""
    changes: tuple[Record, ...] = ()
    if corrector is not None:
        transcript, found = corrector(transcript)
        changes = tuple(found)
    fragments, notes = _without_controls(transcript.fragments, transcript.notes)
    return fragments, notes, changes


class _Part(NamedTuple):
    """Cues built from some fragments: the fragments as typeset and labelled, their speech,
    the cues, and the typography pass's changes."""

    fragments: Sequence[Fragment]
    spans: Sequence[SpeechSpan]
    built: Built
    typography: tuple[Record, ...]


def _build(job: _Job, fragments: Sequence[Fragment], *, lead: Sequence[Fragment] = (),
           tail: Sequence[Fragment] = (), after: Fragment | None = None, before_ms: int | None = None) -> _Part:
    """The cues of ``fragments``: typography, speaker labels, speech (estimated, or heard), cues.

    For a section of a long transcript: ``lead`` / ``tail``, the fragments just before and
    after it, which the speech estimate looks at (a fragment's speech depends on its
    neighbours' stamps); ``after``: the fragment before it (a speaker label opens a turn);
    ``before_ms``: where the speech before it ends."""
    typo: tuple[Record, ...] = ()
    if job.typography:
        fragments, typo = _typeset_fragments(fragments, job.lang)
        if tail:   # the text the next section will have (its changes are reported with it)
            tail = _typeset_fragments(tail, job.lang)[0]
    if job.labels:
        fragments = label_speakers(fragments, job.lang, after=after)
        if tail:
            tail = label_speakers(tail, job.lang, after=fragments[-1] if fragments else after)
    timed = job.preset
    around = (*lead, *fragments, *tail) if lead or tail else fragments
    if job.speech is None:
        spans: Sequence[SpeechSpan] = estimate_speech(around)
    else:
        timed = replace(timed, lag_ms=min(timed.lag_ms, MEASURED_LAG_MS),
                        bridge_gap_ms=min(timed.bridge_gap_ms, MEASURED_BRIDGE_MS))
        spans = _leave_gaps(tuple(job.speech(around, job.preset)), timed.min_gap_ms)
    if around is fragments:
        built = build_cues(fragments, spans, timed, lang=job.lang, expressions=job.expressions)
        return _Part(fragments, spans, built, typo)
    # the section and what follows it, its cues alone kept
    first = len(lead)
    built = build_cues((*fragments, *tail), spans[first:], timed, lang=job.lang, expressions=job.expressions,
                       before_ms=before_ms, marks=mark_fragments(around).part(first, len(around)),
                       end=len(fragments))
    return _Part(fragments, spans[first:first + len(fragments)], built, typo)


# C0 and C1 control characters but the tab and line ends, with the ANSI sequences ESC starts: a
# terminal acts on them, a player shows a box or nothing, a viewer never reads them.
_CONTROLS = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _without_controls(fragments: Sequence[Fragment], notes: Sequence[ReaderNote]
                      ) -> tuple[Sequence[Fragment], tuple[ReaderNote, ...]]:
    """The fragments without control characters (a tab or a run of blanks they leave is one
    space), and the reader's notes with one ``control-characters`` note per fragment that had
    some, saying which.

    >>> frags, notes = _without_controls([Fragment(0, "Bon\\x07soir \\x1b[31mà tous.", 3)], ())
    >>> frags[0].text, notes[0].message
    ('Bonsoir à tous.', 'control characters dropped from the text: U+0007, ESC [31m')
    """
    found = [k for k, f in enumerate(fragments) if _CONTROLS.search(f.text)]
    if not found:
        return fragments, tuple(notes)
    out = list(fragments)
    added = []
    for k in found:
        frag = out[k]
        shown = sorted({m.group() for m in _CONTROLS.finditer(frag.text)})
        names = ", ".join("ESC " + c[1:] if c.startswith("\x1b") else f"U+{ord(c):04X}" for c in shown)
        out[k] = replace(frag, text=" ".join(w for w in re.split(r"[ \t]+", _CONTROLS.sub("", frag.text)) if w))
        added.append(Note(NoteCode.CONTROL_CHARACTERS, frag.line, f"control characters dropped from the text: {names}"))
    return out, tuple(sorted((*notes, *added), key=lambda n: n.line or 0))


def _typeset_fragments(fragments: Sequence[Fragment], lang: str) -> tuple[tuple[Fragment, ...], tuple[Record, ...]]:
    """The typography pass over the fragments' running text: the new fragments and the changes."""
    done = typeset([f.text for f in fragments], lang, lines=[f.line for f in fragments],
                   starts_ms=[f.start_ms for f in fragments])
    if not done.changes:
        return tuple(fragments), ()
    out = tuple(f if f.text == text else replace(f, text=text) for f, text in zip(fragments, done.texts))
    return out, done.changes


def label_speakers(fragments: Sequence[Fragment], lang: str, *, after: Fragment | None = None) -> tuple[Fragment, ...]:
    """The fragments with ``NAME:`` before the words of each named speaker's turn (glued to the
    first word by a no-break space, so that a line never ends on the label); ``after``: the
    fragment before them, when they go on from others (None: they open the transcript).

    >>> [f.text for f in label_speakers([Fragment(0, "Salut.", 1, speaker="Anna"),
    ...                                  Fragment(900, "Salut.", 2, speaker="Marc", turn=True)], "en")]
    ['ANNA:\\xa0Salut.', 'MARC:\\xa0Salut.']
    """
    colon = "\u202f:" if ":" in rules_for(lang).typography.space_before else ":"
    out = []
    previous = after.speaker if after is not None else None
    for k, frag in enumerate(fragments):
        if frag.speaker is not None and ((k == 0 and after is None) or frag.turn or frag.speaker != previous) and frag.text:
            frag = replace(frag, text=f"{frag.speaker.upper()}{colon}\u00a0{frag.text}")
        previous = frag.speaker
        out.append(frag)
    return tuple(out)


def convert_cues(cues: Sequence[Cue], preset: Preset | PresetChoice | None = None, *, source: str = "<input>",
                 lang: str | None = None, typography: bool = True, notes: Sequence[ReaderNote] = (),
                 header_notes: Sequence[str] = (), fmt: Format | None = None) -> ConvertResult:
    """Re-break the lines of existing cues to ``preset`` (times kept; text verbatim but for the
    typography pass, whose changes go to the report).

    A cue read from a file keeps its markup (tags, character references, overrides): its payload
    is written again with the new lines, a span open across a new break closed and opened again
    (:func:`captions.formats.markup.relayout`); a cue whose markup cannot follow keeps its lines.

    Args:
        lang: the language (any :class:`captions.language.Language` code); None: detected, and
            French typography only for text detected as French with confidence.
        notes: what the caption reader met (its problems), passed on to the report.
        header_notes: WebVTT NOTE texts to carry over.
        fmt: the format the cues were read in (their payload's markup); None: cues that hold
            markup are re-broken as plain text.

    >>> from captions.presets import get_preset
    >>> r = convert_cues([Cue(0, 3000, ("Bonsoir à tous, merci", "d'être là ce soir ?"))], get_preset("fr-tv"))
    >>> r.cues[0].lines
    ("Bonsoir à tous, merci d'être là ce soir\u202f?",)
    """
    lang = _language(lang, [c.text for c in cues])
    preset, by_language = resolve_preset(preset, lang)
    out = []
    changes: list[Record] = []
    for k, cue in enumerate(cues):
        text = " ".join(w for w in " ".join(cue.lines).replace("\t", " ").split(" ") if w)  # keeps U+202F
        if typography:
            done = typeset([text], lang, lines=[cue.line], starts_ms=[cue.start_ms])
            text = done.texts[0]
            changes += [replace(c, segment=k) for c in done.changes]
        out.append(_relaid(cue, layout_cue(text, preset, lang), fmt))
    built = tuple(out)
    misses = check_limits(built, preset, lang=lang)
    report = Report(source, preset.name, preset.source, lang, len(built), misses, tuple(notes),
                    reading=_reading(built, misses, preset, None), quality=measure_quality(built, preset, lang),
                    preset_by_language=by_language, settings=preset, typography=tuple(changes))
    return ConvertResult(built, report, lang, tuple(header_notes), tuple((k, k) for k in range(len(built))))


def _relaid(cue: Cue, lines: tuple[str, ...], fmt: Format | None) -> Cue:
    """``cue`` with ``lines``, its payload following them (see :func:`convert_cues`)."""
    from .formats.markup import payload_with   # caption input only

    if lines == cue.lines:
        return cue
    relaid = payload_with(cue, lines, fmt)
    if relaid is None:
        return cue if fmt is not None else replace(cue, lines=lines, payload=())
    return relaid


def _speech_faster(reason: str) -> bool:
    """Whether a too-fast miss's reason says the speech itself is faster than the limit."""
    return reason.startswith("the speech runs")


def _reading(cues: Sequence[Cue], misses: Sequence[LimitMiss], preset: Preset,
             speech_cps: float | None) -> ReadingSpeed:
    fast = [m for m in misses if m.code is FindingCode.TOO_FAST]
    return _reading_of(reading_speeds(cues), len(fast), sum(1 for m in fast if _speech_faster(m.reason)), preset,
                       speech_cps)


def _reading_of(spread: SpeedSpread, too_fast: int, too_fast_speech: int, preset: Preset,
                speech_cps: float | None) -> ReadingSpeed:
    """The reading-speed summary from the cues' spread and the too-fast misses counted."""
    words = preset.speed_unit is SpeedUnit.WPM
    return ReadingSpeed(
        median_cps=spread.median_cps,
        p90_cps=spread.p90_cps,
        max_cps=spread.max_cps,
        speech_median_cps=speech_cps,
        limit_cps=None if words or preset.cps_steps else preset.max_cps,
        too_fast=too_fast,
        too_fast_speech=too_fast_speech,
        unit=preset.speed_unit.value,
        limit_wpm=float(preset.max_wpm) if words and preset.max_wpm is not None else None,
    )


def webvtt_voices(result: ConvertResult) -> tuple[tuple[str, ...], ...]:
    """Per cue, its WebVTT text with a voice span (``<v Name>``) where the speaker is named: one
    span over a cue of one speaker, one closed span per line of a dialogue; the text escaped as
    WebVTT wants it.  A cue with no named speaker is its lines, escaped (the writer's own).

    >>> from captions.model import Fragment
    >>> from captions.presets import get_preset
    >>> t = Transcript("t", (Fragment(0, "Tu viens ?", 1, speaker="Anna"), Fragment(0, "Oui & non.", 2, speaker="Marc"),
    ...                      Fragment(2000, "Alors à tout à l'heure, devant le cinéma.", 3, speaker="Anna")))
    >>> webvtt_voices(convert_transcript(t, get_preset("fr-tv"), speaker_labels=False))[0]
    ('<v Anna>- Tu viens\u202f?</v>', '<v Marc>- Oui &amp; non.</v>')
    """
    return _voices(result.cues, result.built)


def _voices(cues: Sequence[Cue], built: Built | None) -> tuple[tuple[str, ...], ...]:
    from .formats.vtt import escape_vtt_text

    out = []
    for k, cue in enumerate(cues):
        lines = tuple(escape_vtt_text(line) for line in cue.lines)
        speakers = built.speakers[k] if built is not None and k < len(built.speakers) else ()
        if built is not None and built.dialogue[k] and len(speakers) == len(lines):
            lines = tuple(f"<v {escape_vtt_text(name)}>{line}</v>" if name else line
                          for name, line in zip(speakers, lines))
        elif speakers and speakers[0]:
            lines = (f"<v {escape_vtt_text(speakers[0])}>{lines[0]}", *lines[1:])
        out.append(lines)
    return tuple(out)


def _voiced(cues: Sequence[Cue], built: Built | None) -> Sequence[Cue]:
    """The cues with their WebVTT payload naming each speaker (:func:`webvtt_voices`), for a
    transcript that names them (``built``: what the builder knows of them); the cues as they
    are otherwise."""
    if built is None or not any(name for speakers in built.speakers for name in speakers):
        return cues
    return tuple(replace(cue, payload=voices) for cue, voices in zip(cues, _voices(cues, built)))


# ---- files -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class OutputPlan:
    """Where one output goes (``None``: standard output) and in which format."""

    path: Path | None
    format: Format


@dataclass(frozen=True, slots=True)
class ConvertedFile:
    """The outcome of :func:`convert_file`: the result, the files written, the text meant for
    standard output (the caller prints it), and what an output could not carry from a caption
    input (for the caller to tell: markup or blocks the output format has no way to write)."""

    result: ConvertResult
    written: tuple[Path, ...]
    stdout: str | None
    warnings: tuple[str, ...] = ()


_STDIN = "<stdin>"   # source_name of "-"


def plan_convert_outputs(input_path: PathArg, outputs: Sequence[str],
                         to: str | None = None) -> tuple[OutputPlan, ...]:
    """Decide the outputs: each ``-o`` suffix picks its format; ``-`` is standard output in
    the ``--to`` format; with no ``-o``, a file beside the input with the ``--to`` suffix
    (default ``.srt``), or standard output when the input is standard input.

    Raises:
        ConfigError: ``-o -`` without ``--to``, an unknown suffix, an output that is the input,
            or standard output twice.

    >>> [(str(p.path), p.format.value) for p in plan_convert_outputs("show.txt", [], "vtt")]
    [('show.vtt', 'vtt')]
    """
    fmt = Format(to) if to else None
    if not outputs:
        if source_name(input_path) == _STDIN:
            return (OutputPlan(None, fmt or Format.SRT),)
        if Path(input_path).name in ("", ".", "..") or Path(input_path).is_dir():
            raise ConfigError(f"{source_name(input_path)} is a folder; expected a transcript or caption file "
                              "(captions batch converts a folder)")
        outputs = [str(Path(input_path).with_suffix("." + (fmt or Format.SRT).value))]
    plans = tuple(_output_plan(out, fmt, input_path) for out in outputs)
    if sum(1 for p in plans if p.path is None) > 1:
        raise ConfigError("standard output can be given only once")
    return plans


def _output_plan(out: str, fmt: Format | None, input_path: PathArg) -> OutputPlan:
    """One ``-o``: standard output, or a file in the format of its suffix (else ``fmt``)."""
    if out == "-":
        if fmt is None:
            raise ConfigError("-o - writes to standard output: say which format with --to srt or --to vtt")
        return OutputPlan(None, fmt)
    try:
        out_fmt = format_for_path(out)
    except UnsupportedFormatError:
        if fmt is None:
            raise ConfigError(f"cannot tell the format of {out!r} from its suffix; use .srt or .vtt, "
                              "or give --to") from None
        out_fmt = fmt
    name = source_name(input_path)
    if name != _STDIN and same_file(out, input_path):
        raise ConfigError(f"refusing to write over the input {name}; choose another -o")
    return OutputPlan(Path(out), out_fmt)


def read_input(input_path: PathArg, *, options: ReadOptions | None = None) -> Transcript | CaptionDocument:
    """A :class:`Transcript`, or a caption document (cues and problems) when the input is an
    SRT or WebVTT file (:func:`captions.files.sniff` decides).  A caption file is decoded as
    ``captions validate`` decodes it (a bad byte costs its line; legacy encodings detected).

    A caption file whose cues are a transcript more than subtitles (words with their own
    times, YouTube's rolling auto-captions, speakers named on most cues) is read as a
    transcript (:func:`captions.transcript.transcript_from_document`), so that its words are
    cut into cues again under the preset.  ``options``: what the transcript reader is asked.
    """
    from .transcript import ReadOptions as Options
    from .transcript import transcript_from_decoded

    data = read_bytes(input_path)
    name = source_name(input_path)
    fmt = sniff(name, "")   # a caption file by its name is decoded by the caption reader
    if fmt is None:
        decoded = decode(data, name)
        fmt = sniff(name, decoded.text)
        if fmt is None:
            del data   # the text is read from now on: a 100 MB file's bytes are not kept beside it
            return transcript_from_decoded(decoded, name, pieces=False, options=options or Options())
    doc = parse_captions_bytes(data, fmt, name)
    from .transcript import transcript_from_document   # caption files only

    return transcript_from_document(doc, "\n".join(doc.lines), encoding=doc.encoding) or doc


def convert_file(input_path: PathArg, outputs: Sequence[str], preset: Preset | PresetChoice | None = None, *,
                 to: str | None = None, lang: str | None = None, typography: bool = True,
                 corrector: Corrector | None = None, report_path: PathArg | None = None,
                 review_path: PathArg | None = None, read_options: ReadOptions | None = None,
                 speech: SpeechSource | None = None, speaker_labels: bool | None = None,
                 expressions: Sequence[str] = (), progress: Progress | None = None) -> ConvertedFile:
    """Read ``input_path``, build the cues, render every output, then write them all or none.

    Everything is computed before anything is written, so a bad input or option leaves no
    file behind, and an output that cannot be written leaves none of the others either.  The
    report goes to ``report_path`` as JSON when given, the review page
    (:mod:`captions.review_html`) to ``review_path``; ``read_options`` is what the transcript
    reader is asked (chrome kept, lines dropped).  ``speech`` (the replay's, see
    :func:`convert_transcript`) times a transcript; a caption file keeps its own times.
    ``speaker_labels`` and ``expressions``: see :func:`convert_transcript`.  ``progress`` is
    called with the fragments done and their total as a long transcript's sections are written
    (see :func:`section_bounds`; a short one is done at once).

    A caption input written in its own format keeps everything the file holds but the new
    line breaks (:func:`captions.formats.render_document`: headers, NOTE, STYLE and REGION
    blocks, identifiers, settings, markup); in the other format, what that format cannot say is
    listed in ``warnings``.

    Raises:
        OutputError: an output cannot be written (no file of this run is left behind).
        ConfigError: ``speech`` given for a caption file.
    """
    plans = plan_convert_outputs(input_path, outputs, to)
    for extra in (report_path, review_path):
        if extra is not None and same_file(extra, input_path):
            raise ConfigError(f"refusing to write over the input {source_name(input_path)}; choose another file")
    source = read_input(input_path, options=read_options)
    warnings: list[str] = []
    if isinstance(source, Transcript) and _is_long(source, plans, review_path, timed=speech is not None):
        job = _LongJob(preset, lang, typography, corrector, speaker_labels, expressions)
        return _convert_long(source, plans, job, report_path, progress)
    if isinstance(source, Transcript):
        result = convert_transcript(source, preset, lang=lang, typography=typography, corrector=corrector,
                                    speech=speech, speaker_labels=speaker_labels, expressions=expressions)
    elif speech is not None:
        raise ConfigError(f"{source.source} is a caption file: it keeps its own times; to move them onto the "
                          "speech use `captions sync`, to check them `captions validate --media`")
    else:
        result = convert_cues(source.cues, preset, source=source.source, lang=lang, typography=typography,
                              notes=source.problems, header_notes=source.notes, fmt=source.format)
    rendered = [(plan.path, render_output(source, result, plan.format, _output_name(plan), warnings))
                for plan in plans]
    files: list[tuple[PathArg, str]] = [(path, text) for path, text in rendered if path is not None]
    if report_path is not None:   # rendered only when asked for (about 650 misses on the sample)
        files.append((report_path, _report_json(result.report)))
    if review_path is not None:
        from .review_html import render_review_html

        files.append((review_path, render_review_html(result)))
    write_all([(path, encode_text(text)) for path, text in files])   # all of them or none
    return ConvertedFile(result, tuple(path for path, _ in rendered if path is not None),
                         next((text for path, text in rendered if path is None), None), tuple(warnings))


# ---- a long transcript, section by section ------------------------------------------------

#: A transcript of more fragments than this (and :data:`_SECTION_SLACK`) is converted and
#: written section by section (:func:`convert_file`), so that memory follows the section, not
#: the file: about 20,000 fragments is five to ten hours of speech.
SECTION_FRAGMENTS = 20_000
_SECTION_SLACK = 2_000    # how far past SECTION_FRAGMENTS a section may run to end at a good place
_SECTION_MARGIN = 64      # fragments either side of a section that its speech estimate looks at
_OPENS = frozenset(",.;:!?)]}…»”’")   # a text starting so is glued to the one before (typography glues it)


def section_bounds(fragments: Sequence[Fragment], size: int | None = None,
                   data: LanguageData | None = None) -> list[tuple[int, int]]:
    """Where a long transcript is cut into sections, as ``(first, end)`` fragment indexes: after
    ``size`` fragments (:data:`SECTION_FRAGMENTS`), at the best place within the next
    :data:`_SECTION_SLACK`: a pause in the estimated speech (where the cue builder cuts its
    chunks anyway, so that the cues are those of the whole) after a sentence end, else a pause,
    the longest silence first (one that a label or a correction cannot close), else a sentence
    end, else the longest gap between stamps.  Never where the builder would not end a chunk
    (:func:`~captions.segment.may_cut_between`, with the language's fixed expressions when
    ``data`` is given), nor before a text that opens with punctuation glued to the one before.

    >>> frags = [Fragment(k * 1000 + (3000 if k > 4 else 0), "Oui." if k in (3, 4) else "et", k + 1) for k in range(9)]
    >>> section_bounds(frags, 3)
    [(0, 5), (5, 9)]
    """
    size = SECTION_FRAGMENTS if size is None else size
    data = NEUTRAL if data is None else data
    n = len(fragments)
    out = []
    first = 0
    slack = min(_SECTION_SLACK, size)
    while n - first > size + slack:
        lo, hi = first + size - 1, first + size + slack - 1   # the last fragment of the section: lo .. hi - 1
        context = max(0, lo - _SECTION_MARGIN)
        spans = estimate_speech(tuple(fragments[k] for k in range(context, min(n, hi + 1 + _SECTION_MARGIN))))
        best, best_key = hi + 1, (False, False, -1, False, -1)
        for k in range(lo, hi):
            here, following = fragments[k], fragments[k + 1]
            if following.text[:1] in _OPENS or not may_cut_between(here.text, following.text, data):
                continue
            words = here.text.split()
            span, after = spans[k - context], spans[k + 1 - context]
            ends = bool(words) and ends_sentence(words[-1])
            key = (span.pause_after and ends, span.pause_after, after.start_ms - span.end_ms, ends,
                   following.start_ms - here.start_ms)
            if key > best_key:
                best, best_key = k + 1, key
        out.append((first, best))
        first = best
    out.append((first, n))
    return out


def _is_long(transcript: Transcript, plans: Sequence[OutputPlan], review_path: PathArg | None, *,
             timed: bool = False) -> bool:
    """Whether :func:`convert_file` converts ``transcript`` section by section: a transcript of
    more than :data:`SECTION_FRAGMENTS` fragments written to files only (standard output and
    the review page are made from all the cues at once), not ``timed`` on its media (the
    aligner places each fragment with the whole recording's speech in view, its rate of
    syllables and its best path, which a section would not see)."""
    return (not timed and len(transcript.fragments) > SECTION_FRAGMENTS + _SECTION_SLACK and review_path is None
            and all(plan.path is not None for plan in plans))


@dataclass(frozen=True, slots=True)
class _LongJob:
    """What :func:`convert_file` was asked, for :func:`_convert_long`."""

    preset: Preset | PresetChoice | None
    lang: str | None
    typography: bool
    corrector: Corrector | None
    speaker_labels: bool | None
    expressions: Sequence[str]


def _place(item: Any, items: list[Any], at: dict[Any, int]) -> int:
    """Where ``item`` is in ``items`` (added when new; ``at`` maps each item to its place)."""
    place = at.get(item)
    if place is None:
        place = at[item] = len(items)
        items.append(item)
    return place


class _Misses(Sequence[LimitMiss]):
    """Limit misses kept as columns (arrays of numbers, each code and reason once) and built
    as :class:`LimitMiss` values when read: a long transcript at the limit of a preset misses
    one or two limits per cue, millions of them, which the report must still list."""

    def __init__(self) -> None:
        from array import array

        self._codes, self._cues, self._starts = array("b"), array("q"), array("q")
        self._values, self._limits, self._lines = array("d"), array("d"), array("q")
        self._kinds = array("b")          # per miss: whether its value (bit 0) and limit (bit 1) are ints
        self._others: dict[int, tuple[Measure, Measure]] = {}   # a value or limit that is no number
        self._names: list[FindingCode] = []
        self._reasons: list[str] = []
        self._code_at: dict[FindingCode, int] = {}
        self._reason_at: dict[str, int] = {}
        self._reason_of: array[int] = array("l")

    def append(self, miss: LimitMiss) -> None:
        value, limit = miss.value, miss.limit
        if isinstance(value, (int, float)) and isinstance(limit, (int, float)):
            self._values.append(value)
            self._limits.append(limit)
        else:
            self._others[len(self._codes)] = (value, limit)
            self._values.append(0.0)
            self._limits.append(0.0)
        self._codes.append(_place(miss.code, self._names, self._code_at))
        self._reason_of.append(_place(miss.reason, self._reasons, self._reason_at))
        self._cues.append(miss.cue)
        self._starts.append(miss.start_ms)
        self._lines.append(miss.line if miss.line is not None else -1)
        self._kinds.append(isinstance(value, int) | isinstance(limit, int) << 1)

    def __len__(self) -> int:
        return len(self._codes)

    def count_of(self, code: FindingCode, reason: Callable[[str], bool] = bool) -> int:
        """How many misses have ``code`` (and a reason ``reason`` accepts), counted on the
        columns: no miss is built."""
        if code not in self._code_at:
            return 0
        wanted = self._code_at[code]
        accepted = {k for k, text in enumerate(self._reasons) if reason(text)} if reason is not bool else None
        return sum(1 for c, r in zip(self._codes, self._reason_of)
                   if c == wanted and (accepted is None or r in accepted))

    @overload
    def __getitem__(self, k: int) -> LimitMiss: ...

    @overload
    def __getitem__(self, k: slice) -> Sequence[LimitMiss]: ...

    def __getitem__(self, k: int | slice) -> LimitMiss | Sequence[LimitMiss]:
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        if k < 0:
            k += len(self)
        kind = self._kinds[k]
        value, limit = self._others.get(k) or (
            int(self._values[k]) if kind & 1 else self._values[k], int(self._limits[k]) if kind & 2 else self._limits[k])
        line = self._lines[k]
        return LimitMiss(self._names[self._codes[k]], self._cues[k], value, limit, self._starts[k],
                         None if line < 0 else line, self._reasons[self._reason_of[k]])


class _Totals:
    """What the report of a long conversion needs of every cue, kept compact (numbers in
    arrays) as the sections go, and what it lists (misses, notes, changes)."""

    def __init__(self) -> None:
        from array import array

        self.cues = 0
        self.chars, self.units, self.durations, self.rates = array("l"), array("l"), array("l"), array("d")
        self.misses = _Misses()
        self.notes: list[ReaderNote] = []
        self.changes: list[Record] = []
        self.typography: list[Record] = []
        self.quality: list[tuple[QualityReport, int]] = []

    def add(self, cues: Sequence[Cue], preset: Preset) -> None:
        for cue in cues:
            duration = cue.end_ms - cue.start_ms
            if duration > 0:
                self.chars.append(reading_chars(cue.text))
                self.units.append(preset.reading_units(cue.text))
                self.durations.append(duration)
        self.cues += len(cues)

    def report(self, transcript: Transcript, job: _Job, notes: Sequence[ReaderNote]) -> Report:
        spread = speed_spread([n * 1000 / d for n, d in zip(self.chars, self.durations)])
        preset = job.preset
        rates = sorted(self.rates)
        speech = median(rates) if rates else None
        del rates
        reading = _reading_of(spread, self.misses.count_of(FindingCode.TOO_FAST),
                              self.misses.count_of(FindingCode.TOO_FAST, _speech_faster), preset, speech)
        quality = combine_quality(self.quality, distribution_of(self.units, self.durations, preset))
        return Report(transcript.source, preset.name, preset.source, job.lang, self.cues, self.misses,
                      tuple(sorted((*notes, *self.notes), key=lambda n: n.line or 0)), tuple(self.changes),
                      reading, quality, job.by_language, preset, tuple(self.typography))


def _shifted(record: Record, segment: int, chars: int) -> Record:
    """A correction's or typography change's record made in a section, placed in the whole:
    its segment (fragment) ``segment`` later, its character offsets ``chars`` later."""
    if segment == 0 or not hasattr(record, "segment"):
        return record
    moved: dict[str, int] = {"segment": getattr(record, "segment") + segment}
    if hasattr(record, "start") and hasattr(record, "end"):
        moved.update(start=getattr(record, "start") + chars, end=getattr(record, "end") + chars)
    return cast(Record, replace(cast(Any, record), **moved))


def _convert_long(transcript: Transcript, plans: Sequence[OutputPlan], asked: _LongJob,
                  report_path: PathArg | None, progress: Progress | None = None) -> ConvertedFile:
    """:func:`convert_file` of a transcript of more than :data:`SECTION_FRAGMENTS` fragments:
    converted and written section by section (:func:`section_bounds`), each section built with
    the first fragments of the next in view, the report's figures kept as numbers.

    The cues are those of a conversion of the whole (a cut falls where the builder ends a
    chunk: a pause; a cue never runs across one).  The result holds the report, not the cues
    (they are in the files)."""
    fragments = transcript.fragments
    # the language first (from the first fragments, as corrected: a correction reaches a few
    # words around it, so those of the first section are these), then the cuts it allows
    head = tuple(fragments[:_DETECTED + _SECTION_MARGIN])
    job = _job(asked.preset, asked.lang, [f.text for f in _prepared(Transcript(transcript.source, head),
                                                                     asked.corrector)[0][:_DETECTED]],
               asked.typography, asked.expressions, asked.speaker_labels, None)
    bounds = section_bounds(fragments, data=rules_for(job.lang, tuple(job.expressions)))
    totals = _Totals()
    header = tuple(transcript.metadata)

    def section(k: int) -> tuple[Sequence[Fragment], tuple[Record, ...], int]:
        first, end = bounds[k]
        cols = tuple(fragments[first:end])   # the reader's columns build this slice alone
        fixed, notes, changes = _prepared(Transcript(transcript.source, cols), asked.corrector)
        totals.notes += notes
        return fixed, changes, sum(len(f.text) + 1 for f in cols)

    upcoming = section(0)

    def parts(upcoming: tuple[Sequence[Fragment], tuple[Record, ...], int]) -> Iterator[_Part]:
        chars = 0
        lead: Sequence[Fragment] = ()
        after: Fragment | None = None
        before_ms: int | None = None
        for k, (first, end) in enumerate(bounds):
            fixed, changes, size = upcoming
            upcoming = section(k + 1) if k + 1 < len(bounds) else ((), (), 0)
            part = _build(job, fixed, lead=lead, tail=upcoming[0][:_SECTION_MARGIN], after=after,
                          before_ms=before_ms)
            totals.changes += (_shifted(c, first, chars) for c in changes)
            totals.typography += (_shifted(c, first, 0) for c in part.typography)
            chars += size
            if part.fragments:
                lead, after = part.fragments[-_SECTION_MARGIN:], part.fragments[-1]
            if part.built.cues:
                before_ms = part.built.speech[-1][1]
            yield part
            if progress is not None:
                progress(end, len(fragments))

    def finish(part: _Part, previous: Cue | None) -> tuple[tuple[bytes, ...], Cue]:
        """A section's cues measured (the cue before them in view) and rendered."""
        cues = part.built.cues
        number = totals.cues + 1
        for miss in check_limits(cues, job.preset, lang=job.lang, speech=part.built.speech, previous=previous,
                                 number=number):
            totals.misses.append(miss)
        quality = measure_quality(cues, job.preset, job.lang, fragments=part.fragments, sources=part.built.fragments,
                                  previous=previous)
        totals.quality.append((replace(quality, speakers=()), totals.cues))
        totals.add(cues, job.preset)
        row = tuple(encode_text(render_captions(_voiced(cues, part.built) if plan.format is Format.VTT else cues, plan.format,
                                                header_notes=header, number=number)) for plan in plans)
        return row, cues[-1]

    def rows() -> Iterator[tuple[bytes, ...]]:
        previous: Cue | None = None
        for part in parts(upcoming):
            totals.rates.extend(s.rate_cps for s in part.spans)
            if part.built.cues:
                row, previous = finish(part, previous)
                yield row
        if previous is None:   # no cue at all: the files' headers
            yield tuple(encode_text(render_captions((), plan.format, header_notes=header)) for plan in plans)
        reports.append(totals.report(transcript, job, transcript.notes))
        if report_path is not None:
            yield (b"",) * len(plans) + (encode_text(_report_json(reports[0])),)

    reports: list[Report] = []
    paths: list[PathArg] = [plan.path for plan in plans if plan.path is not None]
    write_rows([*paths, *([report_path] if report_path is not None else [])], rows())
    report = reports[0]
    result = ConvertResult((), report, report.lang, header)
    return ConvertedFile(result, tuple(Path(p) for p in paths), None)


def _output_name(plan: OutputPlan) -> str:
    return "standard output" if plan.path is None else str(plan.path)


def render_output(source: Transcript | CaptionDocument, result: ConvertResult, fmt: Format, name: str,
                  warnings: list[str]) -> str:
    """One output of a conversion, in ``fmt``: a transcript's cues as a new file (WebVTT naming
    the speakers, :func:`webvtt_voices`); a caption file written back with the new cues in its
    own format (every block and tag kept), or as a new file in the other format with a warning
    added to ``warnings`` (naming the output ``name``) for what that format cannot carry."""
    if isinstance(source, Transcript):
        cues = _voiced(result.cues, result.built) if fmt is Format.VTT else result.cues
        return render_captions(cues, fmt, header_notes=result.header_notes)
    if fmt is source.format:
        return render_document(source, result.cues).replace("\r\n", "\n").replace("\r", "\n")
    lost: list[int] = []
    text = render_captions(result.cues, fmt, header_notes=result.header_notes, lost=lost)
    if lost:
        shown = ", ".join(map(str, lost[:5])) + (", ..." if len(lost) > 5 else "")
        warnings.append(f"{name}: the markup of {len(lost)} cue(s) has no {fmt.value.upper()} form and is "
                        f"left out (cues {shown}); their text is kept")
    blocks = _blocks_not_carried(source)
    if blocks and fmt is Format.SRT:
        warnings.append(f"{name}: SRT has no {', '.join(blocks)}: left out")
    return text


def _blocks_not_carried(doc: CaptionDocument) -> list[str]:
    """The kinds of WebVTT blocks a file holds besides its cues (what SRT cannot hold).

    >>> from captions.formats import parse_captions
    >>> _blocks_not_carried(parse_captions("WEBVTT\\nKind: captions\\n\\nSTYLE\\n::cue {}\\n", Format.VTT))
    ['STYLE blocks', 'WebVTT header text']
    """
    if doc.format is not Format.VTT or not doc.lines:
        return []
    firsts = {line.split(None, 1)[0] for k, line in enumerate(doc.lines) if line.strip() and (k == 0 or not doc.lines[k - 1])}
    kinds = [label for word, label in (("STYLE", "STYLE blocks"), ("REGION", "REGION blocks"), ("NOTE", "NOTE blocks"))
             if word in firsts]
    header = doc.lines[0].strip() != "WEBVTT" or (len(doc.lines) > 1 and doc.lines[1].strip() != "")
    return kinds + (["WebVTT header text"] if header else [])


def _report_json(report: Report) -> str:
    import json   # only when a report is asked for

    # compact: written by the C encoder (an indent makes json fall back to its Python encoder)
    return json.dumps(report.to_dict(), ensure_ascii=False) + "\n"
