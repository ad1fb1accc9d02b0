"""Replay-page transcript text -> :class:`~captions.model.Transcript`.

Every stamp layout that pages and exports use is read, alone or mixed in one file:

* a stamp glued to its text (``00:14Bonsoir``), ``M:SS``, ``MM:SS``, ``H:MM:SS`` and minutes
  above 59 (``75:12``); seconds always have two digits, so ``03:2010 milliards`` is 03:20 +
  "10 milliards";
* a stamp followed by a space, a tab or `` - ``; a stamp in brackets or parentheses, with
  milliseconds kept (``[00:00:14.500]``);
* a stamp alone on its line, its text on the following lines (YouTube's "show transcript");
* a stamp left at the end of the previous line by a copy-paste;
* speaker layouts: ``Name  0:07`` then text (Otter), ``[00:00:07] Name: text``,
  ``Name (00:07): text``.

Lines without a stamp continue the fragment before them.  Lines before the first stamp are
page metadata; page chrome after the last fragment (``Commentaires``) is a footer.  Stamps never
go backwards, so a time-like token that would break the order of its neighbours is speech
("rendez-vous à 20:30"); every such decision is recorded as a :class:`~captions.model.Note`.

The stages, one module each: :mod:`.layouts` finds the candidate stamps of every line,
:mod:`.order` decides which are speech, :mod:`.assembly` builds the fragments.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace

from ..errors import Location, ParseError
from ..files import Decoded, read_source, source_name
from ..model import Note, NoteCode, Transcript
from .assembly import assemble, finish, footer_start
from .layouts import LineStamps, accept_labels, candidate_index, scan
from .order import set_aside_speech, set_aside_unfollowed_trails

__all__ = ["parse_transcript", "read_transcript", "transcript_from_decoded", "transcript_from_stamps"]


def parse_transcript(text: str, source: str = "<input>", *, encoding: str = "utf-8") -> Transcript:
    """Read transcript text.

    Args:
        text: the decoded text (any line ends).
        source: the name used in messages and notes.
        encoding: recorded on the result (``read_transcript`` passes what it decoded with).

    Raises:
        ParseError: no stamp at all, or stamps that go backwards where no reading restores the
            order; the message names ``source:line``.

    >>> t = parse_transcript("Mon émission\\n00:07Bonsoir\\n03:2010 milliards,\\nen tropique.")
    >>> [(f.start_ms, f.text, f.line) for f in t.fragments], t.metadata
    ([(7000, 'Bonsoir', 2), (200000, '10 milliards, en tropique.', 3)], ('Mon émission',))
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    return transcript_from_stamps(lines, scan(lines), source, encoding)


def transcript_from_stamps(lines: Sequence[str], stamps: LineStamps, source: str, encoding: str) -> Transcript:
    """The transcript of ``lines`` from their candidate stamps (as :func:`~.layouts.scan` finds them).

    Decides which candidates are speech (``stamps`` is changed accordingly), then builds the
    fragments.

    Raises:
        ParseError: as :func:`parse_transcript`.
    """
    notes = set_aside_unfollowed_trails(lines, stamps)
    cands = stamps.candidates()
    if not cands:
        raise ParseError(
            "no timestamp found; expected lines such as '00:14Bonsoir', '[00:00:14] text' or a stamp "
            "alone on its line", Location(source, 1))
    notes += set_aside_speech(lines, stamps, cands, source)
    accept_labels(stamps)
    footer_from = footer_start(lines, stamps.last_line())
    asm = assemble(lines, stamps, footer_from, notes)
    if not asm.fragments:
        raise ParseError("stamps found but no text after any of them; expected text after each stamp",
                         Location(source, candidate_index(cands[0]) + 1))
    return finish(source, encoding, lines, asm, footer_from)


def read_transcript(path: str | os.PathLike[str]) -> Transcript:
    """Read a transcript file (``-`` reads standard input) in any supported encoding.

    Raises:
        ParseError: the file cannot be read or decoded, or holds no transcript.
    """
    return transcript_from_decoded(read_source(path), source_name(path))


def transcript_from_decoded(decoded: Decoded, source: str) -> Transcript:
    """Parse decoded bytes, noting when they were not Unicode and Windows-1252 was used."""
    transcript = parse_transcript(decoded.text, source, encoding=decoded.encoding)
    if decoded.fallback:
        note = Note(NoteCode.ENCODING_FALLBACK, 1,
                    "the bytes are not UTF-8 or UTF-16: read as Windows-1252; check accented letters")
        transcript = replace(transcript, notes=(note, *transcript.notes), pieces=transcript.pieces)
    return transcript
