"""How the reader read each of the first lines of a file (``captions inspect --explain``).

For the line layouts, the careful path records what each line was read as (a stamp and the
reader that read it, a turn, more text, page metadata, chrome, the footer) and the notes of the
line are added; for a file the reader refuses, what every reader found on each line, so that
the line that made it give up shows.  For whisper's JSON and caption files, the fragments each
line starts.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ParseError
from ..model import Transcript
from .assembly import ReadOptions
from .detect import family_of
from .layouts import page_lines, scan_line
from .reader import parse_transcript, read_lines

__all__ = ["LineReading", "Explanation", "explain_text"]


@dataclass(frozen=True, slots=True)
class LineReading:
    """What one source line was read as.

    Attributes:
        line: the 1-based line.
        text: the line as written.
        reading: what the reader made of it, for a person.
    """

    line: int
    text: str
    reading: str

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "text": self.text, "reading": self.reading}


@dataclass(frozen=True, slots=True)
class Explanation:
    """The readings of the first lines, and the transcript (None when the file was refused,
    ``error`` then says why)."""

    lines: tuple[LineReading, ...]
    transcript: Transcript | None
    error: ParseError | None = None


def explain_text(text: str, source: str = "<input>", *, count: int = 40, encoding: str = "utf-8",
                 options: ReadOptions = ReadOptions()) -> Explanation:
    """How the first ``count`` lines of ``text`` were read.

    >>> e = explain_text("Titre\\n00:14Bonsoir\\nà tous\\n00:20– Oui.", count=4)
    >>> [r.reading for r in e.lines]
    ['page metadata (before the first stamp) [metadata]', "stamp '00:14' (glued)", 'more text of the fragment', "stamp '00:20' (bare, turn)"]
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")[:count]
    if family_of(text, source) != "lines":
        return _by_fragments(text, source, lines, encoding, options)
    trace: dict[int, str] = {}
    try:
        transcript = read_lines(text, source, options=options, trace=trace)
    except ParseError as err:
        return Explanation(tuple(_scanned(lines)), None, err)
    notes: dict[int, list[str]] = {}
    for note in transcript.notes:
        notes.setdefault(note.line, []).append(note.code.value)
    out = []
    for i, line in enumerate(lines):
        reading = trace.get(i) or ("blank" if not line.strip() else "not read (set aside)")
        codes = notes.get(i + 1)
        if codes:
            reading += f" [{', '.join(codes)}]"
        out.append(LineReading(i + 1, line, reading))
    return Explanation(tuple(out), transcript)


def _scanned(lines: list[str]) -> list[LineReading]:
    """What the line readers find on each line (for a file the reader refuses)."""
    page = page_lines(lines)
    out = []
    for i, line in enumerate(lines):
        if not line.strip():
            reading = "blank"
        elif i in page:
            reading = "page field (never a stamp)"
        else:
            lead, trail = scan_line(i, line)
            found = [f"{s.reader or s.kind.value} stamp {s.raw!r}" for s in (lead, trail) if s is not None]
            reading = ", ".join(found) if found else "no stamp in any layout"
        out.append(LineReading(i + 1, line, reading))
    return out


def _by_fragments(text: str, source: str, lines: list[str], encoding: str, options: ReadOptions) -> Explanation:
    """Readings of a JSON or caption file: the fragments that start on each line."""
    try:
        transcript = parse_transcript(text, source, encoding=encoding, pieces=False, options=options)
    except ParseError as err:
        return Explanation(tuple(LineReading(i + 1, line, "") for i, line in enumerate(lines)), None, err)
    starts: dict[int, list[str]] = {}
    for f in transcript.fragments:
        starts.setdefault(f.line, []).append(f"fragment {f.text[:40]!r}" + (" (turn)" if f.turn else ""))
    out = [LineReading(i + 1, line, "; ".join(starts.get(i + 1, [])) or ("blank" if not line.strip() else "-"))
           for i, line in enumerate(lines)]
    return Explanation(tuple(out), transcript)
