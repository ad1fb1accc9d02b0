"""Replay-page transcript text -> :class:`~captions.model.Transcript`.

Every layout that pages, podcasts and speech recognisers publish is read (docs/transcripts.md
shows each with an example):

* a stamp glued to its text (``00:14Bonsoir``), ``M:SS``, ``MM:SS``, ``H:MM:SS`` and minutes
  above 59 (``75:12``); seconds always have two digits, so ``03:2010 milliards`` is 03:20 +
  "10 milliards";
* a stamp followed by a space, a tab or `` - ``; a stamp in brackets or parentheses, with
  milliseconds kept (``[00:00:14.500]``), or as a Markdown link (``[00:12](#t=00:12)``);
* a stamp alone on its line, its text on the following lines (YouTube's "show transcript");
* a stamp left at the end of the previous line by a copy-paste;
* speaker layouts: ``Name  0:07`` then text (Otter), ``[00:00:07] Name: text``,
  ``Name (00:07): text`` (Rev, Descript), ``**Name** [0:00]`` (Markdown podcasts);
* recognisers' segments ``[00:00:00.000 --> 00:00:05.000] text`` (whisper.cpp), YouTube's SBV,
  whisper's JSON with word times (:mod:`.whisper_json`), and caption files read as transcripts
  (:mod:`.cues`: karaoke word times, YouTube's rolling auto-captions, Zoom and Teams speakers).

Lines without a stamp continue the fragment before them.  Lines before the first stamp are
page metadata; page chrome is set aside by evidence (:mod:`.chrome`).  Stamps never go
backwards, so a time-like token that would break the order of its neighbours is speech
("rendez-vous à 20:30"); every such decision is recorded as a :class:`~captions.model.Note`.
Every turn mark (a dash after the stamp or at a line's start, a speaker's name) is data on
its fragment (``turn``, ``speaker``).

The stages, one module each: :mod:`.detect` picks the family of readers, :mod:`.layouts` finds
the candidate stamps of every line, :mod:`.order` decides which are speech, :mod:`.assembly`
builds the fragments; :mod:`.fast` reads the usual glued file in bulk, and a property test keeps
it in agreement with the careful path.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import replace

from ..errors import Location, ParseError
from ..files import Decoded, read_source, source_name
from ..model import Note, NoteCode, Transcript
from ..timecode import CLOCK
from .assembly import REFERENCE, ReadOptions, assemble, finish, footer_start
from .chapters import chapter_list
from .detect import LAYOUTS_TRIED, Detection, detect, family_of
from .layouts import LineStamps, candidate_index, decide_marks, scan
from .order import set_aside_chapters, set_aside_speech, set_aside_unfollowed_trails

__all__ = ["parse_transcript", "read_transcript", "transcript_from_decoded", "transcript_from_stamps",
           "read_lines", "no_stamp_error", "scored", "ReadOptions"]

_DEFAULT = ReadOptions()
_ANY_CLOCK = re.compile(rf"(?<![\d:]){CLOCK}(?![\d:])")


def parse_transcript(text: str, source: str = "<input>", *, encoding: str = "utf-8", pieces: bool = True,
                     options: ReadOptions = _DEFAULT) -> Transcript:
    """Read transcript text.

    Args:
        text: the decoded text (any line ends).
        source: the name used in messages and notes (its suffix decides for ``.srt``/``.vtt``).
        encoding: recorded on the result (``read_transcript`` passes what it decoded with).
        pieces: also say where each fragment's text sits in the source (``Transcript.pieces``),
            which rewriting the source in place needs (``captions correct``); building cues does
            not, and the reader is faster without (``convert`` and ``batch`` pass False).
        options: chrome kept, lines dropped (:class:`ReadOptions`).

    Raises:
        ParseError: no stamp at all, a list of chapters and no speech, or stamps that go
            backwards where no reading restores the order; the message names ``source:line``
            and what was tried.

    >>> t = parse_transcript("Mon émission\\n00:07Bonsoir\\n03:2010 milliards,\\nen tropique.")
    >>> [(f.start_ms, f.text, f.line) for f in t.fragments], t.metadata
    ([(7000, 'Bonsoir', 2), (200000, '10 milliards, en tropique.', 3)], ('Mon émission',))
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if options == _DEFAULT and family_of(text, source) == "lines":
        from .fast import read_fast   # the usual glued file, read in bulk (None: not such a file)

        fast = read_fast(text, source, encoding, pieces=pieces)
        if fast is not None:
            return fast
    lines = text.split("\n")
    detection = detect(text, source)
    if detection.family == "whisper-json":
        from .whisper_json import transcript_from_json

        return scored(transcript_from_json(text, detection.data, source, encoding), detection)
    if detection.family in ("webvtt", "srt"):
        from .cues import transcript_from_caption_text

        return scored(transcript_from_caption_text(text, source, encoding), detection)
    skip = frozenset(n - 1 for n in options.drop_lines)
    return scored(transcript_from_stamps(lines, scan(lines, skip=skip), source, encoding, pieces=pieces,
                                          options=options), detection)


def scored(transcript: Transcript, detection: Detection) -> Transcript:
    """``transcript`` with the scores of the layout detection."""
    return replace(transcript, pieces=transcript.pieces, scores=detection.scores, scored_lines=detection.lines)


def read_lines(text: str, source: str = "<input>", *, options: ReadOptions = _DEFAULT,
               trace: dict[int, str] | None = None) -> Transcript:
    """Read ``text`` with the line readers only, carefully, with pieces; ``trace`` (when given)
    receives what each 0-based line was read as (``inspect --explain``)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    skip = frozenset(n - 1 for n in options.drop_lines)
    transcript = transcript_from_stamps(lines, scan(lines, skip=skip), source, "utf-8", options=options, trace=trace)
    return scored(transcript, detect(text, source))


def transcript_from_stamps(lines: Sequence[str], stamps: LineStamps, source: str, encoding: str, *,
                           pieces: bool = True, options: ReadOptions = _DEFAULT,
                           trace: dict[int, str] | None = None) -> Transcript:
    """The transcript of ``lines`` from their candidate stamps (as :func:`~.layouts.scan` finds them).

    Decides which candidates are speech (``stamps`` is changed accordingly), what the marks mean
    (labels, names, dashes), then builds the fragments.

    Raises:
        ParseError: as :func:`parse_transcript`.
    """
    notes = set_aside_unfollowed_trails(lines, stamps)
    cands = stamps.candidates()
    if not cands:
        raise no_stamp_error(lines, source, stamps.page)
    chapters = set_aside_chapters(lines, stamps, cands)
    if chapters:
        notes += chapters
        cands = stamps.candidates()
    notes += set_aside_speech(lines, stamps, cands, source)
    last = stamps.last_line()
    first = next(i for i, lead in enumerate(stamps.leads) if lead is not None or i in stamps.trails)
    footer_from = footer_start(lines, last, keep_chrome=options.keep_chrome)
    decide_marks(lines, stamps, first, footer_from - 1)
    references = "&" in "".join(lines[first:footer_from]) and any(
        REFERENCE.search(line) for line in lines[first:footer_from])
    asm = assemble(lines, stamps, footer_from, notes, pieces=pieces, options=options, references=references,
                   trace=trace)
    if not asm.fragments:
        raise ParseError("stamps found but no text after any of them; expected text after each stamp",
                         Location(source, candidate_index(cands[0]) + 1))
    why = chapter_list(asm.fragments)
    if why is not None:
        raise ParseError(f"this is a list of chapters, not a transcript: {why}; there is no speech to caption",
                         Location(source, asm.fragments[0].line))
    return finish(source, encoding, lines, asm, footer_from)


def no_stamp_error(lines: Sequence[str], source: str, page: frozenset[int] = frozenset()) -> ParseError:
    """The error for lines where no layout found a stamp, at the line that holds the first time
    (which no layout reads as a stamp there), else at the first line; it names the layouts tried.

    >>> str(no_stamp_error(["Title", "Meet at 10:30 sharp."], "a.txt")).split(";")[0]
    "a.txt:2: no timestamp found: '10:30' on this line is inside the text, where no layout puts a stamp"
    """
    tried = "tried: " + "; ".join(LAYOUTS_TRIED)
    for i, line in enumerate(lines):
        m = _ANY_CLOCK.search(line)
        if m is not None:
            where = ("a page field (a front matter, or a 'Duration:' line), not a stamp" if i in page
                     else "inside the text, where no layout puts a stamp")
            return ParseError(f"no timestamp found: {m.group(0)!r} on this line is {where}; {tried}",
                              Location(source, i + 1))
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    count = sum(1 for line in lines if line.strip())
    return ParseError(f"no timestamp found: none of the {count} line(s) holds a time, and a transcript needs "
                      f"stamps to be timed; {tried}", Location(source, first + 1))


def read_transcript(path: str | os.PathLike[str], *, pieces: bool = True,
                    options: ReadOptions = _DEFAULT) -> Transcript:
    """Read a transcript file (``-`` reads standard input) in any supported encoding.

    Args:
        pieces, options: as for :func:`parse_transcript`.

    Raises:
        ParseError: the file cannot be read or decoded, or holds no transcript.
    """
    return transcript_from_decoded(read_source(path), source_name(path), pieces=pieces, options=options)


def transcript_from_decoded(decoded: Decoded, source: str, *, pieces: bool = True,
                            options: ReadOptions = _DEFAULT) -> Transcript:
    """Parse decoded bytes, noting when they were not Unicode and Windows-1252 was used."""
    transcript = parse_transcript(decoded.text, source, encoding=decoded.encoding, pieces=pieces, options=options)
    if decoded.fallback:
        note = Note(NoteCode.ENCODING_FALLBACK, 1,
                    "the bytes are not UTF-8 or UTF-16: read as Windows-1252; check accented letters")
        transcript = replace(transcript, notes=(note, *transcript.notes), pieces=transcript.pieces)
    return transcript
