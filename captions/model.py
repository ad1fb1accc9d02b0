"""Frozen value types shared by every part of the toolkit.

Times are ``int`` milliseconds; lines are 1-based source lines.  Nothing here
mutates: derive a changed value with :func:`dataclasses.replace`.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, TypedDict, TypeVar, cast

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

D = TypeVar("D", bound="DataclassInstance")

__all__ = ["Word", "Fragment", "Cue", "Transcript", "Note", "NoteCode", "Layout", "Format", "Piece", "fast_constructor",
           "NoteDict", "FragmentDict", "TranscriptDict", "TranscriptPageDict"]


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


class NoteDict(TypedDict):
    """A :class:`Note` as JSON (``captions inspect --json``)."""

    code: str
    line: int
    message: str
    text: str


class FragmentDict(TypedDict):
    """A :class:`Fragment` as JSON."""

    start_ms: int
    text: str
    line: int
    speaker: str | None


class TranscriptPageDict(TypedDict):
    """The page lines around a transcript's fragments, as JSON."""

    lines: list[str]
    footer: list[str]


class TranscriptDict(TypedDict):
    """A :class:`Transcript` as JSON (version 1 of ``captions inspect --json``)."""

    version: int
    source: str
    layout: str
    encoding: str
    metadata: TranscriptPageDict
    fragments: list[FragmentDict]
    notes: list[NoteDict]


@dataclass(frozen=True, slots=True)
class Note:
    """One decision of the reader, with the line it concerns."""

    code: NoteCode
    line: int
    message: str
    text: str = ""

    def to_dict(self) -> NoteDict:
        return {"code": self.code.value, "line": self.line, "message": self.message, "text": self.text}


@dataclass(frozen=True, slots=True)
class Word:
    """A word with the times a recogniser gave it, ``[start_ms, end_ms)``."""

    text: str
    start_ms: int
    end_ms: int


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
        turn: a change of speaker starts here (a dash after the stamp, a speaker label, a
            new name), whether or not the speaker is named.
        end_ms: where the speech ends, when the input says so (a recogniser's segment, a
            caption's end); None when only the start is known.
        words: each word with its own times, when the input gives them (a recogniser's word
            times, karaoke timestamps); their texts are ``text``'s words, in order.
    """

    start_ms: int
    text: str
    line: int
    speaker: str | None = None
    precision_ms: int = 1000
    turn: bool = False
    end_ms: int | None = None
    words: tuple[Word, ...] = ()

    def to_dict(self) -> FragmentDict:
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
        payload: the text lines as written in the file the cue was read from, markup included
            (WebVTT tags and character references, SRT tags and ``{\\an8}`` overrides), so that
            a writer can give them back; ``lines`` is what a viewer reads.  Empty for a cue that
            was not read from a file (its text is ``lines``).
    """

    start_ms: int
    end_ms: int
    lines: tuple[str, ...]
    identifier: str = ""
    settings: str = ""
    line: int | None = None
    payload: tuple[str, ...] = ()

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

    def to_dict(self) -> TranscriptDict:
        return {
            "version": 1,
            "source": self.source,
            "layout": self.layout.value,
            "encoding": self.encoding,
            "metadata": {"lines": list(self.metadata), "footer": list(self.footer)},
            "fragments": [f.to_dict() for f in self.fragments],
            "notes": [n.to_dict() for n in self.notes],
        }


def fast_constructor(cls: type[D]) -> Callable[..., D]:
    """A positional constructor for a frozen slotted dataclass, for readers' hot loops.

    It builds the same value as ``cls(*args)`` (every field, positionally, no defaults) but
    sets the slots through their descriptors instead of the frozen ``__setattr__`` detour,
    which is about three times faster: it matters when a reader makes 300,000 fragments.
    Made once per class (cached), so a module may ask for it where it is used.

    Raises:
        TypeError: for a class with a ``__post_init__``, which this constructor would skip.

    >>> fast_constructor(Cue)(0, 1500, ("Oui",), "", "", None, ()) == Cue(0, 1500, ("Oui",))
    True
    """
    # the cache holds untyped functions; the one made for ``cls`` returns a ``cls``
    return cast("Callable[..., D]", _constructor(cls))


@functools.cache
def _constructor(cls: type[DataclassInstance]) -> Callable[..., object]:
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has a __post_init__, which a fast constructor would skip")
    names = [f.name for f in dataclasses.fields(cls)]
    scope: dict[str, object] = {"new": object.__new__, "cls": cls}
    scope.update({f"set_{name}": getattr(cls, name).__set__ for name in names})
    body = "".join(f"    set_{name}(obj, {name})\n" for name in names)
    # Generated like dataclasses' own __init__, so each field costs one call, no loop.
    exec(f"def make_{cls.__name__.lower()}({', '.join(names)}):\n    obj = new(cls)\n{body}    return obj\n", scope)
    return cast("Callable[..., object]", scope[f"make_{cls.__name__.lower()}"])
