"""Caption files read as transcripts: word times, rolling auto-captions, speakers.

Some SRT and WebVTT files are transcripts more than subtitles, and ``convert`` does better to
rebuild their cues from the words:

* karaoke timing: inner timestamps give each word its start (``It<00:00:02.560> is``; the first
  word starts with its cue);
* YouTube's auto-captions as yt-dlp saves them: two-line cues that roll (each repeats the line
  before, then adds a line whose words carry their times) and 10 ms cues that only hold the
  finished line: the repeated lines are removed so that each word is read once, with its time,
  and a cue that only repeats lengthens the fragment before it;
* meeting and podcast transcripts: Zoom's ``Name: text`` and Teams' ``<v Name>`` speakers,
  dialogue dashes (``- Yes. / - No.``), each a turn.

:func:`transcript_from_document` says whether a caption file is such a transcript (for
``convert``) and reads it; :func:`transcript_from_caption_text` reads any caption file as a
transcript (for ``inspect`` and :func:`captions.read_transcript`).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..files import sniff
from ..findings import Severity
from ..formats import CaptionDocument, Format, parse_captions
from ..model import Cue, Fragment, Layout, Note, NoteCode, Transcript, Word
from ..timecode import vtt_timestamp
from .layouts import NAME

__all__ = ["transcript_from_document", "transcript_from_caption_text"]

_TAG = re.compile(r"<([^<>\n]*)>|\{\\[^{}\n]*\}")   # a WebVTT/HTML tag, or an ASS override {\an8}
_LABEL = re.compile(rf"(?P<name>{NAME}):[ \t]+")
_DASH = frozenset({"-", "–", "—", ">>"})
# Rolling: at least this share of the cues repeat a line of the cue before (and two of them).
_ROLLING_SHARE = 0.3


@dataclass(slots=True)
class _Words:
    """The words of one cue as read from its payload."""

    texts: list[str] = field(default_factory=list)
    starts: list[int | None] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)          # the payload line of each word
    speaker: str | None = None                              # from a <v Name> tag
    timed: bool = False                                     # an inner timestamp was met

    def add(self, piece: str, start: int | None, row: int, glue: bool) -> None:
        if glue and self.texts and self.rows[-1] == row:
            self.texts[-1] += piece
        else:
            self.texts.append(piece)
            self.starts.append(start)
            self.rows.append(row)


def _read_payload(lines: Sequence[str], start_ms: int) -> _Words:
    """The words of a cue payload, each with the start an inner timestamp gives it (None when
    none does); tags dropped, character references decoded."""
    out = _Words()
    pending: int | None = None
    for row, line in enumerate(lines):
        glue = False   # the next piece continues the word before it (a tag inside a word)
        pos = 0
        for m in _TAG.finditer(line):
            pending, glue = _read_text(out, line[pos:m.start()], row, pending, glue)
            tag = m.group(1)
            if tag is not None:
                stamp = vtt_timestamp(tag) if tag[:1].isdigit() else None
                if stamp is not None and stamp[1] == len(tag):
                    pending, out.timed = stamp[0], True
                elif tag.startswith("v") and (len(tag) == 1 or tag[1] in " .\t") and " " in tag:
                    out.speaker = out.speaker or tag.split(" ", 1)[1].strip() or None
            pos = m.end()
        pending, glue = _read_text(out, line[pos:], row, pending, glue)
    if out.starts:
        first_timed = next((k for k, s in enumerate(out.starts) if s is not None), None)
        row = out.rows[first_timed] if first_timed is not None else out.rows[0]
        first = out.rows.index(row)
        if out.starts[first] is None:
            out.starts[first] = start_ms   # the first word of the (first timed) line starts with the cue
    return out


def _read_text(out: _Words, text: str, row: int, pending: int | None, glue: bool) -> tuple[int | None, bool]:
    """Add the words of ``text`` (between tags) to ``out``; returns the time still pending and
    whether the text ended inside a word."""
    if not text:
        return pending, glue
    text = html.unescape(text)
    for k, piece in enumerate(text.split()):
        joined = glue and k == 0 and not text[:1].isspace()
        out.add(piece, None if joined else pending, row, joined)
        if not joined:
            pending = None
    return pending, not text[-1:].isspace()


def _shown(words: _Words, row: int) -> str:
    return " ".join(t for t, r in zip(words.texts, words.rows) if r == row)


def _is_rolling(payloads: Sequence[_Words]) -> bool:
    """Whether cues roll: many repeat a line of the cue before (YouTube's auto-captions)."""
    repeats = 0
    for before, cue in zip(payloads, payloads[1:]):
        previous = {_shown(before, r) for r in set(before.rows)} - {""}
        if cue.rows and _shown(cue, cue.rows[0]) in previous:
            repeats += 1
    return repeats >= 2 and repeats >= _ROLLING_SHARE * len(payloads)


@dataclass(slots=True)
class _Piece:
    """A fragment in the making: the kept words of one cue (or of one turn inside a cue)."""

    line: int
    start_ms: int
    end_ms: int
    texts: list[str]
    starts: list[int | None]
    speaker: str | None
    turn: bool
    timed: bool


def _labels(payloads: Sequence[_Words]) -> set[str]:
    """The ``Name:`` labels that open cues and are speakers: a name that labels two cues, or
    labels on most cues (Zoom)."""
    found = [m.group("name") for p in payloads if p.texts
             for m in [_LABEL.match(" ".join(p.texts[:6]) + " ")] if m is not None]
    counts = Counter(found)
    mostly = len(found) * 2 >= len(payloads)
    return {name for name, n in counts.items() if n >= 2 or mostly}


def _strip_label(cue: Cue, speaker: str | None, texts: list[str], starts: list[int | None], rows: list[int],
                 labels: set[str]) -> tuple[str | None, list[str], list[int | None], list[int]]:
    """The cue's speaker and words without the ``Name:`` label that opens them, when the file
    uses such labels (:func:`_labels`)."""
    if not texts or speaker is not None:
        return speaker, texts, starts, rows
    m = _LABEL.match(" ".join(texts[:6]) + " ")
    if m is None or m.group("name") not in labels:
        return speaker, texts, starts, rows
    n = len(m.group("name").split())
    starts = starts[n:]
    if starts and starts[0] is None:
        starts[0] = cue.start_ms
    return m.group("name"), texts[n:], starts, rows[n:]


def _opens_turn(text: str) -> bool:
    """Whether a line opening with ``text`` opens a turn: a dialogue dash or ``>>``."""
    return text in _DASH or (text[:1] in "-–—" and text[1:2].isalpha())


def _split_turns(cue: Cue, words: _Words, keep: list[int], labels: set[str]) -> list[_Piece]:
    """The kept words of a cue as pieces, a new piece at each dialogue dash that opens a line."""
    pieces: list[_Piece] = []
    line = (cue.line or 0) + 1
    speaker, texts, starts, rows = _strip_label(cue, words.speaker, [words.texts[k] for k in keep],
                                                [words.starts[k] for k in keep], [words.rows[k] for k in keep], labels)
    current: _Piece | None = None
    for k, text in enumerate(texts):
        dash = (k == 0 or rows[k] != rows[k - 1]) and _opens_turn(text)
        if current is None or dash:
            current = _Piece(line + rows[k], cue.start_ms, cue.end_ms, [], [], speaker, dash, words.timed)
            pieces.append(current)
            if text in _DASH:
                continue
            text = text[1:] if dash else text
        current.texts.append(text)
        current.starts.append(starts[k])
    return [p for p in pieces if p.texts]


def _time_pieces(pieces: list[_Piece]) -> None:
    """Share a cue's time between its pieces (by length, or by their first words' times)."""
    total = sum(len(" ".join(p.texts)) for p in pieces) or 1
    start, end = pieces[0].start_ms, pieces[0].end_ms
    offset = 0
    for p in pieces:
        if p.starts[0] is not None:
            p.start_ms = p.starts[0]
        else:
            p.start_ms = start + (end - start) * offset // total
        offset += len(" ".join(p.texts)) + 1
    for p, nxt in zip(pieces, pieces[1:]):
        p.end_ms = max(nxt.start_ms, p.start_ms + 1)


def _words_of(piece: _Piece, next_start: int | None) -> tuple[Word, ...]:
    """A timed piece's words: each starts where its timestamp says (or between its neighbours)
    and ends where the next one starts (the last one at the piece's end)."""
    n = len(piece.texts)
    end = piece.end_ms if next_start is None else min(piece.end_ms, max(next_start, piece.start_ms + 1))
    fixed: list[int] = []
    k = 0
    while k < n:
        given = piece.starts[k]
        if given is not None or k == 0:
            fixed.append(given if given is not None else piece.start_ms)
            k += 1
            continue
        # a run of words without times: spread between the word before and the next time
        j = next((j for j in range(k, n) if piece.starts[j] is not None), n)
        after = piece.starts[j] if j < n else None
        lo, hi = fixed[-1], after if after is not None else end
        fixed.extend(lo + (hi - lo) * (m - k + 1) // (j - k + 1) for m in range(k, j))
        k = j
    fixed = [max(s, piece.start_ms) for s in fixed]
    for k in range(1, n):
        fixed[k] = max(fixed[k], fixed[k - 1])
    ends = fixed[1:] + [max(end, fixed[-1] + 1)]
    return tuple(Word(t, s, max(e, s + 1)) for t, s, e in zip(piece.texts, fixed, ends))


@dataclass(frozen=True, slots=True)
class _Read:
    fragments: tuple[Fragment, ...]
    notes: tuple[Note, ...]
    rolling: bool
    timed: bool
    speakers: int


def _read_cues(doc: CaptionDocument, lines: Sequence[str]) -> _Read:
    """The fragments of a caption document's cues (see the module docstring)."""
    cues = doc.cues
    payloads = [_read_payload(lines[c.line or 0:(c.line or 0) + len(c.lines)], c.start_ms) for c in cues]
    rolling = _is_rolling(payloads)
    pieces, removed = _pieces(cues, payloads, rolling, _labels(payloads))
    fragments = _fragments(pieces)
    notes = [Note(NoteCode.CAPTION_PROBLEM, p.line or 1, f"{p.code.value}: {p.message}")
             for p in doc.problems if p.severity is not Severity.INFO]
    if removed:
        notes.append(Note(NoteCode.ROLLING, (cues[1].line or 1) if len(cues) > 1 else 1,
                          f"rolling captions: {removed} repeated line(s) removed, each word kept once with its own time"))
    speakers = sum(1 for f in fragments if f.speaker)
    return _Read(tuple(fragments), tuple(sorted(notes, key=lambda n: n.line)), rolling,
                 any(p.timed for p in payloads), speakers)


def _pieces(cues: Sequence[Cue], payloads: Sequence[_Words], rolling: bool,
            labels: set[str]) -> tuple[list[_Piece], int]:
    """The pieces of every cue, and how many repeated lines of rolling captions were removed (a
    line that repeats one of the cue before); a cue that only repeats lengthens the piece before."""
    pieces: list[_Piece] = []
    removed = 0
    previous: set[str] = set()
    for cue, words in zip(cues, payloads):
        shown = {r: _shown(words, r) for r in dict.fromkeys(words.rows)}
        keep_rows = {r for r, text in shown.items() if not (rolling and text in previous)}
        removed += len(shown) - len(keep_rows)
        previous = set(shown.values()) - {""}
        keep = [k for k, r in enumerate(words.rows) if r in keep_rows]
        found = _split_turns(cue, words, keep, labels) if keep else []
        if not found:
            if pieces and rolling:   # a cue that only repeats: the words before stay up
                pieces[-1].end_ms = max(pieces[-1].end_ms, cue.end_ms)
            continue
        _time_pieces(found)
        pieces.extend(found)
    return pieces, removed


def _fragments(pieces: Sequence[_Piece]) -> list[Fragment]:
    out: list[Fragment] = []
    last_speaker: str | None = None
    floor = 0
    for k, p in enumerate(pieces):
        next_start = pieces[k + 1].start_ms if k + 1 < len(pieces) else None
        start = max(p.start_ms, floor)
        p.start_ms = start
        words = _words_of(p, next_start) if p.timed else ()
        start = words[0].start_ms if words else start
        end = max(p.end_ms, start + 1) if not words else max(words[-1].end_ms, start + 1)
        turn = p.turn or (p.speaker is not None and p.speaker != last_speaker)
        out.append(Fragment(start, " ".join(p.texts), p.line, p.speaker, 1, turn, end, words))
        last_speaker, floor = p.speaker, start
    return out


def _transcript(doc: CaptionDocument, read: _Read, encoding: str) -> Transcript:
    layout = Layout.ROLLING if read.rolling else Layout.WEBVTT if doc.format is Format.VTT else Layout.SRT
    return Transcript(doc.source, read.fragments, tuple(doc.notes), (), read.notes, layout, encoding)


def transcript_from_document(doc: CaptionDocument, text: str, *, encoding: str = "utf-8") -> Transcript | None:
    """The transcript of a caption file whose cues are a transcript more than subtitles: words
    with their own times, rolling auto-captions, or a meeting tool's cues with speakers named on
    most of them (:func:`_meeting`); None for other caption files, and for any that is styled
    (STYLE or REGION blocks, markup beyond voices, classes and inner timestamps, ASS overrides):
    their cues are kept as they are.

    ``text`` is the decoded file ``doc`` was read from (inner timestamps are read from it).
    """
    if not doc.cues or _STYLED.search(text):
        return None   # styled subtitles are someone's work: their cues, times and styles stay
    read = _read_cues(doc, text.split("\n"))
    if not read.fragments:
        return None
    if read.timed or read.rolling or (read.speakers * 2 >= len(read.fragments) and _meeting(doc)):
        return _transcript(doc, read, encoding)
    return None


# Teams names each cue by its utterance: a GUID part, a slash, two numbers (8b2f6a2c-1/12-0).
_TEAMS_ID = re.compile(r"^[0-9a-f]{8}(?:-[0-9a-f]{4}){0,4}(?:-\d+)?/\d+-\d+$")
# What recognisers and meeting tools never write: STYLE or REGION blocks, ASS overrides, markup
# beyond voices, classes (YouTube's <c>) and inner timestamps.
_STYLED = re.compile(r"<(?!/?[vc]\b)[a-z/]|\{\\|^(?:STYLE|REGION)\b", re.MULTILINE)


def _meeting(doc: CaptionDocument) -> bool:
    """Whether a caption file whose cues name their speakers is a meeting tool's transcript
    (Zoom's ``Name: text`` labels, Teams' ``<v Name>`` cues with its utterance identifiers)
    rather than subtitles that name their voices: subtitles keep their cues, times and
    placement (cue settings, SRT coordinates)."""
    if any(c.settings for c in doc.cues):
        return False
    voiced = sum(1 for c in doc.cues if "<v" in "".join(c.payload))
    if not voiced:
        return True   # the speakers are text labels (Zoom)
    return sum(1 for c in doc.cues if _TEAMS_ID.match(c.identifier)) * 2 >= len(doc.cues)


def transcript_from_caption_text(text: str, source: str, encoding: str) -> Transcript:
    """Any SRT or WebVTT text read as a transcript, one fragment per cue (or per turn), with its
    end, speakers and word times when the cues give them.

    Raises:
        ParseError: the file holds no cue with text.
    """
    from ..errors import Location, ParseError

    fmt = sniff(source, text) or Format.VTT
    doc = parse_captions(text, fmt, source=source)
    read = _read_cues(doc, text.split("\n"))
    if not read.fragments:
        first = next((p for p in doc.problems if p.severity is Severity.ERROR), None)
        why = f" ({first.code.value}: {first.message})" if first is not None else ""
        raise ParseError(f"no cue with text in this {fmt.value.upper()} file{why}; expected cues to read as a "
                         "transcript", Location(source, first.line if first is not None else 1))
    return _transcript(doc, read, encoding)
