"""Stamps and lines -> fragments, the pieces that say where their text sits, metadata, footer.

Lines without a stamp continue the fragment before them, unless they open a turn (a dash, a
known speaker's name: a new fragment at the same stamp) or read as page chrome (set aside, with
a note).  Lines before the first stamp are page metadata; from the first chrome line after the
last stamp on, the page's footer.  Every turn mark becomes data on its fragment
(``Fragment.turn``, ``Fragment.speaker``), never text and never dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Fragment, Layout, Note, NoteCode, Piece, Transcript, Word, fast_constructor
from .chrome import chrome_reason
from .layouts import Candidate, LineStamps, Stamp, candidate_index, candidate_raw

__all__ = ["Assembly", "Head", "assemble", "footer_start", "finish", "text_piece", "decode_references",
           "REFERENCE", "ReadOptions", "metadata_note", "footer_note"]

_BLANKS = re.compile(r"[ \t]+")
#: An HTML character reference as Markdown and HTML pages leave them in text: numeric (``&#39;``,
#: ``&#x27;``) or one of the names escaping leaves (``&amp; &lt; &gt; &quot; &apos; &nbsp;``).
REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|amp|lt|gt|quot|apos|nbsp);")

_make_fragment = fast_constructor(Fragment)
_make_piece = fast_constructor(Piece)


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """What a person asks of the reader beyond its own decisions.

    Attributes:
        keep_chrome: keep the lines that read as page chrome between and after the stamps as
            speech (``--keep-chrome``); lines before the first stamp stay page metadata.
        drop_lines: 1-based lines to set aside whatever they hold (``--drop-line N``).
    """

    keep_chrome: bool = False
    drop_lines: frozenset[int] = frozenset()


def footer_start(lines: Sequence[str], last_stamp_line: int, *, keep_chrome: bool = False) -> int:
    """Where the page chrome after the last stamped line begins (``len(lines)`` when there is
    none): the first line after it that reads as chrome (:func:`~.chrome.chrome_reason`).

    >>> footer_start(["00:01Bonsoir", "à tous.", "Commentaires (3)", "Super émission !"], 0)
    2
    """
    if keep_chrome:
        return len(lines)
    for i in range(last_stamp_line + 1, len(lines)):
        if lines[i].strip() and chrome_reason(lines[i]) is not None:
            return i
    return len(lines)


def text_piece(line: str, start: int, end: int) -> tuple[str, int, int] | None:
    """The text of ``line[start:end]`` as a fragment holds it, and its span in the line.

    Spaces and tabs at the ends are dropped and runs of them inside become one space; other
    spaces (a French non-breaking space) are text.  None when nothing is left.

    >>> text_piece("00:01 Ça  va\\u00a0? ", 5, 19)
    ('Ça va\\xa0?', 6, 14)
    """
    raw = line[start:end]
    text = raw.strip(" \t")
    if not text:
        return None
    left = start + len(raw) - len(raw.lstrip(" \t"))
    if "  " in text or "\t" in text:
        return _BLANKS.sub(" ", text), left, left + len(text)
    return text, left, left + len(text)


def decode_references(text: str) -> tuple[str, int]:
    """``text`` with its HTML character references decoded, and how many there were.

    >>> decode_references("Lindsey&#39;s R&amp;D & co")
    ("Lindsey's R&D & co", 2)
    """
    import html   # its table of entities loads only for a text that holds a reference

    count = 0

    def one(m: re.Match[str]) -> str:
        nonlocal count
        decoded = html.unescape(m.group(0))
        count += decoded != m.group(0)
        return decoded

    return REFERENCE.sub(one, text), count


@dataclass(frozen=True, slots=True)
class Head:
    """What a fragment takes from the stamp (or the turn) that opens it."""

    ms: int
    speaker: str | None
    precision: int
    end_ms: int | None
    turn: bool
    kind: Layout


def _head(stamp: Candidate, turn_pending: bool) -> Head:
    if isinstance(stamp, tuple):
        return Head(stamp[0], None, 1000, None, turn_pending, Layout.GLUED)
    return Head(stamp.ms, stamp.speaker, stamp.precision, stamp.end_ms, stamp.turn or turn_pending, stamp.kind)


class Assembly:
    """The fragments, pieces, metadata and notes read so far, and the fragment being built.

    Args:
        lines: the transcript's lines.
        stamps: the stamps and marks read (:mod:`.layouts`, decided by :mod:`.order`).
        notes: the notes so far; the assembly's own are appended.
        pieces: build the pieces (where each text sits in the source).
        options: what the person asked (chrome kept, lines dropped).
        references: decode HTML character references in the texts.
        trace: when given, what was read on each 0-based line (``inspect --explain``).
    """

    def __init__(self, lines: Sequence[str], stamps: LineStamps, notes: list[Note], *, pieces: bool = True,
                 options: ReadOptions = ReadOptions(), references: bool = False,
                 trace: dict[int, str] | None = None) -> None:
        self.lines = lines
        self.stamps = stamps
        self.notes = notes
        self.options = options
        self.references = references
        self.decoded = 0
        self.decoded_line = 0                # the first line a decoded reference came from
        self.trace = trace
        self.fragments: list[Fragment] = []
        self.pieces: list[Piece] | None = [] if pieces else None
        self.metadata: list[str] = []
        self.kinds: Counter[Layout] = Counter()
        self.cur: Candidate | None = None    # the stamp the fragment being built starts at
        self.head: Head | None = None        # what the fragment being built takes from it
        self.cur_line = 0                    # the 1-based line its text starts on
        self.texts: list[str] = []
        self.glue = False                    # the next text continues the last word
        self.turn_pending = False            # the next fragment starts a turn (``[SPEAKER_TURN]``)
        self.last_speaker: str | None = None

    @property
    def layout(self) -> Layout:
        """The one layout of the stamps read, or :attr:`Layout.MIXED`."""
        return next(iter(self.kinds)) if len(self.kinds) == 1 else Layout.MIXED

    def say(self, i: int, what: str) -> None:
        """Record, for ``inspect --explain``, what line ``i`` was read as."""
        if self.trace is not None:
            self.trace[i] = what

    def line(self, i: int, lead: Candidate | None, trail: Stamp | None) -> None:
        """Read line ``i``, which opens with ``lead`` and ends with ``trail`` (either may be None)."""
        if isinstance(lead, tuple):
            self.open(lead)
            self.kinds[Layout.GLUED] += 1
            if self.trace is not None:
                self.trace[i] = f"stamp {candidate_raw(lead, self.lines)!r} (glued)"
            self.add(i, lead[1], len(self.lines[i]))
        elif lead is not None:
            self.lead(i, lead, trail)
        elif self.cur is not None:
            self.unstamped(i, trail)
        elif trail is None or trail.speaker is None:
            self.before_first_stamp(i, trail)
        if trail is not None:
            self.open_at_trail(i, trail)

    def lead(self, i: int, lead: Stamp, trail: Stamp | None) -> None:
        """Line ``i`` opens with a stamp of any layout but the usual line's."""
        if lead.glue and self.cur is not None and self.texts:
            self.glue = True   # whisper.cpp's "," or "'s": the word before it goes on
            if self.head is not None and lead.end_ms is not None:
                self.head = Head(self.head.ms, self.head.speaker, self.head.precision, lead.end_ms, self.head.turn,
                                 self.head.kind)
            self.notes.append(Note(NoteCode.JOINED, i + 1, f"segment {lead.raw!r} continues the word before it "
                                   "(no space of its own): joined to it", lead.raw))
        else:
            self.open(lead)
        self.turn_pending = self.turn_pending or lead.turn_after
        self.kinds[Layout.SPEAKER if lead.speaker and lead.kind is not Layout.MARKDOWN else lead.kind] += 1
        if self.trace is not None:
            who = f", speaker {lead.speaker!r}" if lead.speaker else ""
            self.trace[i] = f"stamp {lead.raw!r} ({lead.reader}{who}{', turn' if lead.turn else ''})"
        self.add(i, lead.text_start, lead.text_end if trail is None else trail.text_end)

    def unstamped(self, i: int, trail: Stamp | None) -> None:
        """Line ``i`` has no leading stamp, after the first stamp: a turn, chrome or more text."""
        line = self.lines[i]
        turns = self.stamps.turns
        turn = turns.get(i) if turns else None
        end = len(line) if trail is None else trail.text_end
        if turn is not None:
            self.open_turn(i, turn[0])
            self.add(i, turn[1], end)
            return
        if trail is not None and trail.speaker is not None:
            return
        if trail is None and not self.options.keep_chrome and line.strip():
            reason = chrome_reason(line)
            if reason is not None:
                self.notes.append(Note(NoteCode.CHROME, i + 1, f"{line.strip()!r} reads as page chrome ({reason}): "
                                       "set aside, not captions (--keep-chrome keeps it)", line.strip()))
                self.say(i, f"chrome ({reason})")
                return
        if self.trace is not None and line.strip():
            self.trace[i] = "more text of the fragment"
        self.add(i, 0, end)

    def open_turn(self, i: int, speaker: str | None) -> None:
        """A turn on line ``i`` without a stamp: the fragment being built takes it when it has
        no text yet, else a new fragment starts at the same stamp."""
        head = self.head
        assert head is not None   # a turn is only looked for after the first stamp
        name = speaker if speaker is not None else head.speaker if not self.texts else None
        self.say(i, f"turn{f' of {speaker!r}' if speaker else ''} without a stamp")
        if not self.texts:
            self.head = Head(head.ms, name, head.precision, head.end_ms, True, head.kind)
            return
        cur = self.cur
        self.close()
        self.cur, self.texts = cur, []
        self.head = Head(head.ms, name, head.precision, None, True, head.kind)
        self.notes.append(Note(NoteCode.SHARED_STAMP, i + 1, "a turn without a stamp of its own: its fragment "
                               "starts at the stamp before it", self.lines[i].strip()[:60]))

    def before_first_stamp(self, i: int, trail: Stamp | None) -> None:
        """Keep line ``i`` as page metadata (the part before its trailing stamp, if any)."""
        line = self.lines[i]
        if trail is not None:  # text before the first stamp that a stamp ends
            self.metadata.append(line[:trail.text_end].strip())
        elif line.strip():
            self.metadata.append(line.strip())
            self.say(i, "page metadata (before the first stamp)")

    def open_at_trail(self, i: int, trail: Stamp) -> None:
        """Start a fragment at the stamp that ends line ``i``: its text is on the next lines."""
        self.open(trail)
        self.kinds[trail.kind] += 1
        if trail.speaker is None:
            self.notes.append(Note(NoteCode.TRAILING_STAMP, i + 1,
                                   f"stamp {trail.raw!r} at the end of the line starts the text of the next line",
                                   trail.raw))
            self.say(i, f"trailing stamp {trail.raw!r}: starts the text of the next line")
        else:
            self.say(i, f"speaker {trail.speaker!r} and stamp {trail.raw!r} ({trail.reader}): the text follows")

    def open(self, stamp: Candidate) -> None:
        """Close the fragment being built and start one at ``stamp``."""
        if self.cur is not None:
            self.close()
        self.cur, self.texts = stamp, []
        self.head = _head(stamp, self.turn_pending)
        self.turn_pending = False

    def add(self, i: int, start: int, end: int) -> None:
        """Add ``lines[i][start:end]`` to the fragment being built (nothing when it is blank)."""
        found = text_piece(self.lines[i], start, end)
        if found is None:
            return
        if not self.texts:
            self.cur_line = i + 1
        # once per line of every layout but the usual one: the reader's inner loop too
        if self.pieces is not None:
            self.pieces.append(_make_piece(len(self.fragments), i + 1, found[1], found[2]))
        if self.glue and self.texts:
            self.texts[-1] += found[0]
        else:
            self.texts.append(found[0])
        self.glue = False

    def close(self) -> None:
        """Finish the fragment being built; a stamp without text gets a note instead."""
        cur, head = self.cur, self.head
        if cur is None or head is None:
            return
        self.cur = None
        if not self.texts:
            raw = candidate_raw(cur, self.lines)
            self.notes.append(Note(NoteCode.EMPTY_FRAGMENT, candidate_index(cur) + 1,
                                   f"stamp {raw!r} has no text before the next stamp: nothing to caption", raw))
            return
        text = " ".join(self.texts)
        if self.references and "&" in text:
            text, count = decode_references(text)
            if count and not self.decoded:
                self.decoded_line = self.cur_line
            self.decoded += count
        speaker = head.speaker
        turn = head.turn or (speaker is not None and speaker != self.last_speaker)
        words: tuple[Word, ...] = ()
        if head.end_ms is not None and head.precision == 1 and " " not in text:
            words = (Word(text, head.ms, max(head.end_ms, head.ms + 1)),)   # a one-word segment: its own times
        # once per fragment of every layout but the usual one: the reader's inner loop too
        self.fragments.append(_make_fragment(head.ms, text, self.cur_line, speaker, head.precision, turn,
                                             head.end_ms, words))
        self.last_speaker = speaker


def assemble(lines: Sequence[str], stamps: LineStamps, footer_from: int, notes: list[Note], *,
             pieces: bool = True, options: ReadOptions = ReadOptions(), references: bool = False,
             trace: dict[int, str] | None = None) -> Assembly:
    """Build the fragments of ``lines[:footer_from]`` from their stamps.

    Args:
        lines: the transcript's lines.
        stamps: the stamps (the candidates that are speech already set aside, marks decided).
        footer_from: where the page footer begins.
        notes: the notes so far; the assembly's own are appended in line order.
        pieces, options, references, trace: see :class:`Assembly`.
    """
    asm = Assembly(lines, stamps, notes, pieces=pieces, options=options, references=references, trace=trace)
    fragments, piece_list = asm.fragments, asm.pieces
    leads, trails = stamps.leads, stamps.trails
    dropped = options.drop_lines
    glued = 0
    # The hot loop: most lines of a long transcript are the usual line, a glued stamp and the
    # whole fragment's text, followed by another stamped line.  Those are built here inline,
    # without a method call, and with the fast constructors (the frozen dataclasses' own
    # __init__ costs about three times more, for two values per line); every other line goes
    # through Assembly.line.
    inline = trace is None and not references
    for i in range(footer_from):
        lead = leads[i]
        if inline and isinstance(lead, tuple) and i + 1 < footer_from and leads[i + 1] is not None:
            line = lines[i]
            start = lead[1]
            text = line[start:]
            if text[-1] not in " \t" and "  " not in text and "\t" not in text:
                if asm.cur is not None:
                    asm.close()
                if piece_list is not None:
                    piece_list.append(_make_piece(len(fragments), i + 1, start, len(line)))
                fragments.append(_make_fragment(lead[0], text, i + 1, None, 1000, asm.turn_pending, None, ()))
                asm.turn_pending = False
                asm.last_speaker = None
                glued += 1
                continue
        if dropped and i + 1 in dropped:
            notes.append(Note(NoteCode.DROPPED_LINE, i + 1, "set aside as asked (--drop-line)", lines[i].strip()))
            asm.say(i, "dropped (--drop-line)")
            continue
        asm.line(i, lead, trails.get(i) if trails else None)
    asm.close()
    if glued:
        asm.kinds[Layout.GLUED] += glued
    return asm


def metadata_note(metadata: Sequence[str]) -> Note:
    """The note on the lines kept as page metadata."""
    return Note(NoteCode.METADATA, 1, f"{len(metadata)} line(s) before the first stamp kept as page metadata, "
                "not captions", " | ".join(metadata))


def footer_note(footer: Sequence[str], footer_from: int, first_line: str) -> Note:
    """The note on the lines kept as the page's footer (``first_line``: the line it starts with)."""
    reason = chrome_reason(first_line) or "chrome"
    return Note(NoteCode.FOOTER, footer_from + 1, f"{len(footer)} line(s) after the last fragment kept as page "
                f"footer, not captions (from {footer[0]!r}: {reason})", " | ".join(footer))


def finish(source: str, encoding: str, lines: Sequence[str], asm: Assembly, footer_from: int) -> Transcript:
    """The transcript, with the notes on what was set aside as page metadata and footer."""
    notes = asm.notes
    footer = tuple(s for s in (ln.strip() for ln in lines[footer_from:]) if s)
    if asm.metadata:
        notes.insert(0, metadata_note(asm.metadata))
    if footer:
        notes.append(footer_note(footer, footer_from, lines[footer_from]))
    if asm.decoded:
        notes.append(Note(NoteCode.CHARACTER_REFERENCES, asm.decoded_line,
                          f"{asm.decoded} HTML character reference(s) decoded (&#39; is ', &amp; is &)"))
    if asm.trace is not None:
        for i in range(footer_from, len(lines)):
            if lines[i].strip():
                asm.trace[i] = "page footer (after the last stamp)"
    notes.sort(key=lambda note: note.line)
    return Transcript(source, tuple(asm.fragments), tuple(asm.metadata), footer, tuple(notes), asm.layout,
                      encoding, tuple(asm.pieces) if asm.pieces is not None else ())
