"""Stamps and lines -> fragments, the pieces that say where their text sits, metadata, footer.

Lines without a stamp continue the fragment before them.  Lines before the first stamp are page
metadata; page chrome after the last fragment (``Commentaires``) is a footer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from ..model import Fragment, Layout, Note, NoteCode, Piece, Transcript, fast_constructor
from .layouts import Candidate, LineStamps, Stamp, candidate_index, candidate_raw

__all__ = ["Assembly", "assemble", "footer_start", "finish"]

_FOOTER = re.compile(
    r"(?i)^(?:\d+\s+)?(?:commentaires?|comments?|kommentare|comentarios|partager|share|signaler|report|"
    r"voir plus|afficher moins|show (?:more|less)|lire la suite|read more|s'abonner|subscribe)"
    r"(?:\s*\(?\d+\)?)?\s*:?$"
)
_BLANKS = re.compile(r"[ \t]+")

_make_fragment = fast_constructor(Fragment)
_make_piece = fast_constructor(Piece)


def footer_start(lines: Sequence[str], last_stamp_line: int) -> int:
    """Where the page chrome after the last stamped line begins (``len(lines)`` when there is none).

    >>> footer_start(["00:01Bonsoir", "", "Commentaires (3)", "Partager"], 0)
    2
    """
    footer_from = len(lines)
    for i in range(len(lines) - 1, last_stamp_line, -1):
        stripped = lines[i].strip()
        if not stripped:
            continue
        if not _FOOTER.match(stripped):
            break
        footer_from = i
    return footer_from


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


class Assembly:
    """The fragments, pieces, metadata and notes read so far, and the fragment being built.

    Args:
        lines: the transcript's lines.
        notes: the notes so far; the assembly's own are appended in line order.
    """

    def __init__(self, lines: Sequence[str], notes: list[Note]) -> None:
        self.lines = lines
        self.notes = notes
        self.fragments: list[Fragment] = []
        self.pieces: list[Piece] = []
        self.metadata: list[str] = []
        self.kinds: Counter[Layout] = Counter()
        self.cur: Candidate | None = None    # the stamp the fragment being built starts at
        self.cur_line = 0                    # the 1-based line its text starts on
        self.texts: list[str] = []

    @property
    def layout(self) -> Layout:
        """The one layout of the stamps read, or :attr:`Layout.MIXED`."""
        return next(iter(self.kinds)) if len(self.kinds) == 1 else Layout.MIXED

    def line(self, i: int, lead: Candidate | None, trail: Stamp | None) -> None:
        """Read line ``i``, which opens with ``lead`` and ends with ``trail`` (either may be None)."""
        if isinstance(lead, tuple):
            self.open(lead)
            self.kinds[Layout.GLUED] += 1
            self.add(i, lead[1], len(self.lines[i]))
        elif lead is not None:
            self.open(lead)
            self.kinds[Layout.SPEAKER if lead.speaker else lead.kind] += 1
            self.add(i, lead.text_start, len(self.lines[i]) if trail is None else trail.text_end)
        elif self.cur is not None:
            if trail is None:
                self.add(i, 0, len(self.lines[i]))
            elif trail.speaker is None:
                self.add(i, 0, trail.text_end)
        elif trail is None or trail.speaker is None:
            self.before_first_stamp(i, trail)
        if trail is not None:
            self.open_at_trail(i, trail)

    def before_first_stamp(self, i: int, trail: Stamp | None) -> None:
        """Keep line ``i`` as page metadata (the part before its trailing stamp, if any)."""
        line = self.lines[i]
        if trail is not None:  # text before the first stamp that a stamp ends
            self.metadata.append(line[:trail.text_end].strip())
        elif line.strip():
            self.metadata.append(line.strip())

    def open_at_trail(self, i: int, trail: Stamp) -> None:
        """Start a fragment at the stamp that ends line ``i``: its text is on the next lines."""
        self.open(trail)
        self.kinds[trail.kind] += 1
        if trail.speaker is None:
            self.notes.append(Note(NoteCode.TRAILING_STAMP, i + 1,
                                   f"stamp {trail.raw!r} at the end of the line starts the text of the next line",
                                   trail.raw))

    def open(self, stamp: Candidate) -> None:
        """Close the fragment being built and start one at ``stamp``."""
        if self.cur is not None:
            self.close()
        self.cur, self.texts = stamp, []

    def add(self, i: int, start: int, end: int) -> None:
        """Add ``lines[i][start:end]`` to the fragment being built (nothing when it is blank)."""
        found = text_piece(self.lines[i], start, end)
        if found is None:
            return
        if not self.texts:
            self.cur_line = i + 1
        # once per line of every layout but the usual one: the reader's inner loop too
        self.pieces.append(_make_piece(len(self.fragments), i + 1, found[1], found[2]))
        self.texts.append(found[0])

    def close(self) -> None:
        """Finish the fragment being built; a stamp without text gets a note instead."""
        cur = self.cur
        if cur is None:
            return
        self.cur = None
        if self.texts:
            text = " ".join(self.texts)
            # once per fragment of every layout but the usual one: the reader's inner loop too
            if isinstance(cur, tuple):
                self.fragments.append(_make_fragment(cur[0], text, self.cur_line, None, 1000, False, None, ()))
            else:
                self.fragments.append(_make_fragment(cur.ms, text, self.cur_line, cur.speaker, cur.precision, False, None, ()))
        else:
            raw = candidate_raw(cur, self.lines)
            self.notes.append(Note(NoteCode.EMPTY_FRAGMENT, candidate_index(cur) + 1,
                                   f"stamp {raw!r} has no text before the next stamp: nothing to caption", raw))


def assemble(lines: Sequence[str], stamps: LineStamps, footer_from: int, notes: list[Note]) -> Assembly:
    """Build the fragments of ``lines[:footer_from]`` from their stamps.

    Args:
        lines: the transcript's lines.
        stamps: the stamps (the candidates that are speech already set aside).
        footer_from: where the page footer begins.
        notes: the notes so far; the assembly's own are appended in line order.
    """
    asm = Assembly(lines, notes)
    fragments, pieces = asm.fragments, asm.pieces
    leads, trails = stamps.leads, stamps.trails
    glued = 0
    # The hot loop: most lines of a long transcript are the usual line, a glued stamp and the
    # whole fragment's text, followed by another stamped line.  Those are built here inline,
    # without a method call, and with the fast constructors (the frozen dataclasses' own
    # __init__ costs about three times more, for two values per line); every other line goes
    # through Assembly.line.
    for i in range(footer_from):
        lead = leads[i]
        if isinstance(lead, tuple) and i + 1 < footer_from and leads[i + 1] is not None:
            line = lines[i]
            start = lead[1]
            text = line[start:]
            if text[-1] not in " \t" and "  " not in text and "\t" not in text:
                if asm.cur is not None:
                    asm.close()
                pieces.append(_make_piece(len(fragments), i + 1, start, len(line)))
                fragments.append(_make_fragment(lead[0], text, i + 1, None, 1000, False, None, ()))
                glued += 1
                continue
        asm.line(i, lead, trails.get(i) if trails else None)
    asm.close()
    if glued:
        asm.kinds[Layout.GLUED] += glued
    return asm


def finish(source: str, encoding: str, lines: Sequence[str], asm: Assembly, footer_from: int) -> Transcript:
    """The transcript, with the notes on what was set aside as page metadata and footer."""
    notes = asm.notes
    footer = tuple(s for s in (ln.strip() for ln in lines[footer_from:]) if s)
    if asm.metadata:
        notes.insert(0, Note(NoteCode.METADATA, 1,
                             f"{len(asm.metadata)} line(s) before the first stamp kept as page metadata, not captions",
                             " | ".join(asm.metadata)))
    if footer:
        notes.append(Note(NoteCode.FOOTER, footer_from + 1,
                          f"{len(footer)} line(s) after the last fragment kept as page footer, not captions",
                          " | ".join(footer)))
    notes.sort(key=lambda note: note.line)
    return Transcript(source, tuple(asm.fragments), tuple(asm.metadata), footer, tuple(notes), asm.layout,
                      encoding, tuple(asm.pieces))
