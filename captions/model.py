"""Frozen value types shared by every part of the toolkit.

Times are ``int`` milliseconds; lines are 1-based source lines.  Nothing here
mutates: derive a changed value with :func:`dataclasses.replace`.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from dataclasses import dataclass, field
from typing import Callable, TypeVar

T = TypeVar("T")

__all__ = ["Fragment", "Cue", "Transcript", "Note", "NoteCode", "Layout", "Format", "Piece", "fast_constructor"]


class NoteCode(str, enum.Enum):
    """What the transcript reader decided, as a stable code (explanations as data)."""

    METADATA = "metadata"                  # page chrome before the first stamp
    FOOTER = "footer"                      # page chrome after the last fragment
    STAMP_AS_TEXT = "stamp-as-text"        # a time-like token kept as speech
    TRAILING_STAMP = "trailing-stamp"      # a stamp at a line's end moved to the next text
    ENCODING_FALLBACK = "encoding-fallback"  # bytes were not UTF-8/UTF-16; read as Windows-1252
    EMPTY_FRAGMENT = "empty-fragment"      # a stamp with no text after it
    CONTROL_CHARACTERS = "control-characters"  # invisible control characters dropped


class Format(str, enum.Enum):
    """A caption file format, named by its usual suffix."""

    SRT = "srt"
    VTT = "vtt"


class Layout(str, enum.Enum):
    """How the stamps of a transcript are laid out (``mixed`` when several are)."""

    GLUED = "glued"              # 00:14Bonsoir
    SPACED = "spaced"            # 00:14 Bonsoir / 00:14 - Bonsoir / 00:14<TAB>Bonsoir
    BRACKETED = "bracketed"      # [00:14] Bonsoir / (00:00:14) Bonsoir
    STAMP_LINE = "stamp-line"    # 00:14 alone, text on the next lines
    SPEAKER = "speaker"          # Name  0:07 / [00:07] Name: / Name (00:07):
    MIXED = "mixed"


@dataclass(frozen=True, slots=True)
class Note:
    """One decision of the reader, with the line it concerns."""

    code: NoteCode
    line: int
    message: str
    text: str = ""

    def to_dict(self) -> dict:
        return {"code": self.code.value, "line": self.line, "message": self.message, "text": self.text}


@dataclass(frozen=True, slots=True)
class Fragment:
    """A piece of speech with the start stamp the page gave it.

    Attributes:
        start_ms: the stamp, in milliseconds.
        text: the words, whitespace-normalised, lines joined with one space.
        line: the 1-based source line of the stamp (or of the text for a stamp alone on its line).
        speaker: the speaker's name when the layout gives one.
        precision_ms: how coarse the stamp is: 1000 for whole seconds (floored), 1 for stamps
            written with milliseconds.
    """

    start_ms: int
    text: str
    line: int
    speaker: str | None = None
    precision_ms: int = 1000

    def to_dict(self) -> dict:
        return {"start_ms": self.start_ms, "text": self.text, "line": self.line, "speaker": self.speaker}


@dataclass(frozen=True, slots=True)
class Piece:
    """Where part of a fragment's text sits in the source, so a tool can rewrite the text
    and keep the layout (stamps and line breaks) exactly as it was.

    Attributes:
        fragment: index of the fragment in ``Transcript.fragments``.
        line: 1-based source line.
        start / end: the text's character span in that line (end exclusive).
    """

    fragment: int
    line: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Cue:
    """A caption on screen over ``[start_ms, end_ms)``.

    Attributes:
        lines: the displayed lines, without line-break characters.
        identifier: a WebVTT cue identifier or the SRT index as written ("" when none).
        settings: WebVTT cue settings as written ("" when none).
        line: the 1-based source line of the timing line, when read from a file.
    """

    start_ms: int
    end_ms: int
    lines: tuple[str, ...]
    identifier: str = ""
    settings: str = ""
    line: int | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


@dataclass(frozen=True, slots=True)
class Transcript:
    """What a replay-page transcript holds.

    Attributes:
        source: the file name (or ``<stdin>``) used in messages.
        fragments: the stamped speech, in order.
        metadata: page lines found before the first stamp (title, description, chrome).
        footer: page lines found after the last fragment (``Commentaires``...).
        notes: every decision the reader made that a person may want to check.
        layout: the stamp layout detected.
        encoding: the encoding the bytes were decoded with.
        pieces: where each fragment's text sits in the source lines, in source order
            (a fragment's text is its pieces' texts, whitespace-collapsed, joined by one space).
    """

    source: str
    fragments: tuple[Fragment, ...]
    metadata: tuple[str, ...] = ()
    footer: tuple[str, ...] = ()
    notes: tuple[Note, ...] = field(default=())
    layout: Layout = Layout.GLUED
    encoding: str = "utf-8"
    pieces: tuple[Piece, ...] = field(default=(), repr=False, compare=False)

    @property
    def duration_ms(self) -> int:
        if not self.fragments:
            return 0
        return self.fragments[-1].start_ms - self.fragments[0].start_ms

    def to_dict(self) -> dict:
        return {
            "version": 1,
            "source": self.source,
            "layout": self.layout.value,
            "encoding": self.encoding,
            "metadata": {"lines": list(self.metadata), "footer": list(self.footer)},
            "fragments": [f.to_dict() for f in self.fragments],
            "notes": [n.to_dict() for n in self.notes],
        }


@functools.cache
def fast_constructor(cls: type[T]) -> Callable[..., T]:
    """A positional constructor for a frozen slotted dataclass, for readers' hot loops.

    It builds the same value as ``cls(*args)`` (every field, positionally, no defaults) but
    sets the slots through their descriptors instead of the frozen ``__setattr__`` detour,
    which is about three times faster: it matters when a reader makes 300,000 fragments.
    Made once per class (cached), so a module may ask for it where it is used.
    """
    names = [f.name for f in dataclasses.fields(cls)]
    scope = {"new": object.__new__, "cls": cls}
    scope.update({f"set_{name}": getattr(cls, name).__set__ for name in names})
    body = "".join(f"    set_{name}(obj, {name})\n" for name in names)
    # Generated like dataclasses' own __init__, so each field costs one call, no loop.
    exec(f"def make_{cls.__name__.lower()}({', '.join(names)}):\n    obj = new(cls)\n{body}    return obj\n", scope)
    return scope[f"make_{cls.__name__.lower()}"]
