"""Corrections applied to whole inputs: transcripts (fragments, or the source text kept byte for
byte), SRT and WebVTT sources, and recorded changes replayed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from ..errors import ConfigError, Location
from ..files import Decoded, encode_text, sniff
from ..model import Format, Transcript
from .matcher import Change, Dictionary, apply_to_segments, rewrite_segments

__all__ = [
    "apply_to_transcript", "replay", "replay_segments", "replay_transcript", "CorrectedSource",
    "correct_source", "correct_transcript_source", "correct_caption_source",
]

def apply_to_transcript(transcript: Transcript, dictionary: Dictionary) -> tuple[Transcript, tuple[Change, ...]]:
    """Correct every fragment's text.  Fragments keep their start, line and speaker (a fix that
    spans two fragments goes into the first); the transcript's other fields are kept, except
    ``pieces``, which no longer describe the corrected text and are dropped."""
    texts, changes = apply_to_segments([f.text for f in transcript.fragments], dictionary,
                                       lines=[f.line for f in transcript.fragments],
                                       stamps=[f.start_ms for f in transcript.fragments])
    return _with_texts(transcript, texts), changes


def _with_texts(transcript: Transcript, texts: Sequence[str]) -> Transcript:
    fragments = tuple(f if f.text == t else replace(f, text=t) for f, t in zip(transcript.fragments, texts))
    return replace(transcript, fragments=fragments, pieces=())


def replay_segments(segments: Sequence[str], changes: Iterable[Change]) -> tuple[str, ...]:
    """Apply recorded changes to the segments they were made on.

    Raises:
        ConfigError: when a change's ``before`` is not found at its place (the text is not the
            one the changes were recorded on).
    """
    joined = "\n".join(segments)
    edits = []
    previous_end = 0
    for number, change in enumerate(sorted(changes, key=lambda c: c.start), start=1):
        if change.start < previous_end or joined[change.start:change.end] != change.before:
            raise ConfigError(f"change {number} ({change.before!r} -> {change.after!r}) does not apply: the text at "
                              f"{change.start}..{change.end} is {joined[change.start:change.end]!r}",
                              Location(change.rule))
        edits.append((change.start, change.end, change.after))
        previous_end = change.end
    return rewrite_segments(segments, edits)


def replay(text: str, changes: Iterable[Change]) -> str:
    """Apply recorded changes to the text they were recorded on.

    >>> from captions.corrections import Fix
    >>> d = Dictionary.from_fixes([Fix("Anthropic", ("Anthropik",))])
    >>> text, changes = d.apply("d'Anthropik")
    >>> replay("d'Anthropik", changes) == text == "d'Anthropic"
    True
    """
    return replay_segments((text,), changes)[0]


def replay_transcript(transcript: Transcript, changes: Iterable[Change]) -> Transcript:
    """Apply the changes recorded by :func:`apply_to_transcript` to the same transcript."""
    return _with_texts(transcript, replay_segments([f.text for f in transcript.fragments], changes))


@dataclass(frozen=True, slots=True)
class CorrectedSource:
    """A source corrected in place, with what is needed to write it back as it came.

    Attributes:
        source: the input's name.
        format: the caption format, or None for a transcript.
        text: the corrected text (``\\n`` line ends).
        changes: every change, in text order.
        decoded: how the input was decoded (encoding, byte-order mark, line ends).
    """

    source: str
    format: Format | None
    text: str
    changes: tuple[Change, ...]
    decoded: Decoded

    def to_bytes(self) -> bytes:
        """The corrected text in the input's encoding, with its byte-order mark and line ends."""
        d = self.decoded
        return encode_text(self.text, newline=d.newline, encoding=d.encoding, bom=d.bom)


def correct_source(decoded: Decoded, source: str, dictionary: Dictionary) -> CorrectedSource:
    """Correct a transcript, SRT or WebVTT source (:func:`captions.files.sniff` decides) so that
    only the corrected words change."""
    fmt = sniff(source, decoded.text)
    if fmt is None:
        from ..transcript import parse_transcript

        transcript = parse_transcript(decoded.text, source=source)
        text, changes = correct_transcript_source(decoded.text, transcript, dictionary)
    else:
        text, changes = correct_caption_source(decoded.text, fmt, dictionary, source)
    return CorrectedSource(source, fmt, text, changes, decoded)


def correct_transcript_source(text: str, transcript: Transcript, dictionary: Dictionary) -> tuple[
        str, tuple[Change, ...]]:
    """Correct a transcript's source text in place: stamps, line breaks, page chrome and spacing
    stay byte for byte; only the words a fix changes do.

    Args:
        text: the decoded source (``\\n`` line ends) that ``transcript`` was parsed from.
        transcript: its reading, with ``pieces`` telling where each fragment's text sits.

    Returns:
        The corrected source and the changes; a change's ``segment`` is the index of the piece
        it went into, its ``line`` the source line and ``start_ms`` the fragment's stamp.
    """
    if transcript.fragments and not transcript.pieces:
        raise ConfigError("the transcript carries no text positions (pieces); cannot keep its layout",
                          Location(transcript.source))
    pieces = transcript.pieces
    return _correct_in_place(text.split("\n"), [(p.line, p.start, p.end) for p in pieces],
                             [transcript.fragments[p.fragment].start_ms for p in pieces], dictionary)


def _correct_in_place(lines: list[str], places: Sequence[tuple[int, int, int]], stamps: Sequence[int | None],
                      dictionary: Dictionary) -> tuple[str, tuple[Change, ...]]:
    """Correct spans of a source's lines, read as one text, and write each back where it was.

    Args:
        lines: the source's lines.
        places: each span as (1-based line, start, end) in text order.
        stamps: the start in ms that each span's changes record.

    Returns:
        The source with only the corrected words changed, and the changes (a change's
        ``segment`` is the index of its span).
    """
    segments = [lines[line - 1][start:end] for line, start, end in places]
    corrected, changes = apply_to_segments(segments, dictionary, lines=[line for line, _, _ in places], stamps=stamps)
    out = list(lines)
    # Right to left, so that a rewritten span never moves one still to be written.
    for (line, start, end), before, after in sorted(zip(places, segments, corrected), reverse=True):
        if before != after:
            row = out[line - 1]
            out[line - 1] = row[:start] + after + row[end:]
    return "\n".join(out), changes


def correct_caption_source(text: str, fmt: Format, dictionary: Dictionary, source: str = "<input>") -> tuple[
        str, tuple[Change, ...]]:
    """Correct the cue text of an SRT or WebVTT source, keeping everything else byte for byte.

    The format's reader finds the cues; the text of a cue is the lines after its timing line up
    to a blank line.  Indexes, identifiers, headers and NOTE/STYLE blocks are never touched.  Each
    cue line is a segment: a multi-word key matches across the lines (and cues) it spans and the
    fix goes into the first.  WebVTT tags and entities are matched as written (``&amp;`` is not ``&``).
    """
    from ..formats import parse_captions

    lines = text.split("\n")
    places: list[tuple[int, int, int]] = []
    stamps: list[int] = []
    for cue in parse_captions(text, fmt, source).cues:
        first = cue.line or 0   # the timing line; its text follows (0-based: the next index)
        for number in range(first + 1, min(first + len(cue.lines), len(lines)) + 1):
            if not lines[number - 1].strip():
                break
            places.append((number, 0, len(lines[number - 1])))
            stamps.append(cue.start_ms)
    return _correct_in_place(lines, places, stamps, dictionary)
