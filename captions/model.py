"""Frozen value types shared by every part of the toolkit.

Times are ``int`` milliseconds; lines are 1-based source lines.  Nothing here
mutates: derive a changed value with :func:`dataclasses.replace`.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import TYPE_CHECKING, Callable, NotRequired, TypedDict, TypeVar, cast, overload

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

D = TypeVar("D", bound="DataclassInstance")

__all__ = ["Word", "Fragment", "FragmentColumns", "TupleView", "Cue", "Transcript", "Note", "NoteCode", "Layout", "Format", "Piece",
           "fast_constructor",
           "NoteDict", "FragmentDict", "WordDict", "TranscriptDict", "TranscriptPageDict", "DetectionDict"]


class NoteCode(str, enum.Enum):
    """What the transcript reader decided, as a stable code (explanations as data)."""

    METADATA = "metadata"                  # page chrome before the first stamp
    FOOTER = "footer"                      # page chrome after the last fragment
    STAMP_AS_TEXT = "stamp-as-text"        # a time-like token kept as speech
    TRAILING_STAMP = "trailing-stamp"      # a stamp at a line's end moved to the next text
    ENCODING_FALLBACK = "encoding-fallback"  # bytes were not UTF-8/UTF-16; read as Windows-1252
    EMPTY_FRAGMENT = "empty-fragment"      # a stamp with no text after it
    CONTROL_CHARACTERS = "control-characters"  # invisible control characters dropped
    CHROME = "chrome"                      # a line between or after the stamps set aside as page chrome
    DROPPED_LINE = "dropped-line"          # a line set aside because the user asked (--drop-line)
    CHAPTERS = "chapters"                  # a list of chapter stamps before the transcript, kept as metadata
    SHARED_STAMP = "shared-stamp"          # a turn without a stamp of its own starts at the stamp before it
    JOINED = "joined"                      # a recogniser's segment that continues a word joined to it
    CHARACTER_REFERENCES = "character-references"  # HTML character references (&#39;, &amp;) decoded
    ROLLING = "rolling"                    # the repeated lines of rolling captions removed, each word kept once
    CAPTION_PROBLEM = "caption-problem"    # what the caption reader met in a caption file read as a transcript


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
    MARKDOWN = "markdown"        # **Name** [0:00] / **Name** 0:00 / * **[00:12](#t=00:12)** title
    WHISPER = "whisper"          # [00:00:00.000 --> 00:00:05.000]   text (whisper.cpp, whisper)
    SBV = "sbv"                  # 0:00:01.000,0:00:04.000 then the text (YouTube SBV)
    WHISPER_JSON = "whisper-json"  # {"segments": [{"start", "end", "text", "words"}]}
    WEBVTT = "webvtt"            # a WebVTT file read as a transcript (karaoke, Zoom, Teams...)
    SRT = "srt"                  # an SRT file read as a transcript
    ROLLING = "rolling"          # YouTube auto-captions: rolling two-line cues with word times
    MIXED = "mixed"


class NoteDict(TypedDict):
    """A :class:`Note` as JSON (``captions inspect --json``)."""

    code: str
    line: int
    message: str
    text: str


class WordDict(TypedDict):
    """A :class:`Word` as JSON."""

    text: str
    start_ms: int
    end_ms: int


class FragmentDict(TypedDict):
    """A :class:`Fragment` as JSON (``words`` only when the input gives word times)."""

    start_ms: int
    text: str
    line: int
    speaker: str | None
    turn: bool
    end_ms: int | None
    words: NotRequired[list[WordDict]]


class TranscriptPageDict(TypedDict):
    """The page lines around a transcript's fragments, as JSON."""

    lines: list[str]
    footer: list[str]


class DetectionDict(TypedDict):
    """How the reader chose the layout: every layout's score on the first lines, as JSON."""

    layout: str
    lines: int
    scores: dict[str, float]


class TranscriptDict(TypedDict):
    """A :class:`Transcript` as JSON (version 2 of ``captions inspect --json``)."""

    version: int
    source: str
    layout: str
    encoding: str
    detection: DetectionDict
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

    def to_dict(self) -> WordDict:
        return {"text": self.text, "start_ms": self.start_ms, "end_ms": self.end_ms}


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
        data: FragmentDict = {"start_ms": self.start_ms, "text": self.text, "line": self.line,
                              "speaker": self.speaker, "turn": self.turn, "end_ms": self.end_ms}
        if self.words:
            data["words"] = [w.to_dict() for w in self.words]
        return data


T = TypeVar("T")


class TupleView(Sequence[T]):
    """What makes a sequence built on demand the tuple of its items to a caller: equal to that
    tuple (and to any equal sequence of its kind), the same hash and repr, pickled as that tuple
    (:class:`FragmentColumns`; a caption reader's lines and cues)."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (type(self), tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))

    def __reduce__(self) -> tuple[type[tuple[T, ...]], tuple[tuple[T, ...]]]:
        return tuple, (tuple(self),)


class FragmentColumns(TupleView[Fragment]):
    """The fragments of the usual transcript, kept as the reader's columns (starts, texts, lines,
    turns) until they are first read, then built once (and the columns let go).

    It is the tuple of those fragments in every way a caller can tell: the same items, equal to
    that tuple (and to any equal sequence of fragments), the same hash, and it pickles as that
    tuple.  One fragment read by index, or a slice of them, is built alone.  Reading a transcript is then the reader's
    cost alone; building the values is paid by the first caller who reads them (the reader's
    benchmark shows both).

    >>> cols = FragmentColumns([7000, 14000], ["Bonsoir", "Oui."], [6, 7], None)
    >>> len(cols), cols[1].text, cols == (Fragment(7000, "Bonsoir", 6), Fragment(14000, "Oui.", 7))
    (2, 'Oui.', True)
    """

    __slots__ = ("_starts", "_texts", "_lines", "_turns", "_built")

    def __init__(self, starts: Sequence[int], texts: Sequence[str], lines: Sequence[int],
                 turns: Sequence[bool] | None) -> None:
        self._starts, self._texts, self._lines, self._turns = starts, texts, lines, turns
        self._built: tuple[Fragment, ...] | None = None

    def built(self) -> tuple[Fragment, ...]:
        """Every fragment, built once (the reader's deferred inner loop, with its fast constructor)."""
        if self._built is None:
            n = len(self._starts)
            self._built = tuple(map(_make_usual(), self._starts, self._texts, self._lines,
                                    self._turns if self._turns is not None else repeat(False, n)))
            self._starts, self._texts, self._lines, self._turns = (), (), (), None
        return self._built

    def __len__(self) -> int:
        return len(self._built) if self._built is not None else len(self._starts)

    @overload
    def __getitem__(self, index: int) -> Fragment: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Fragment, ...]: ...

    def __getitem__(self, index: int | slice) -> Fragment | tuple[Fragment, ...]:
        if self._built is None:
            if isinstance(index, int):
                turns = self._turns
                return Fragment(self._starts[index], self._texts[index], self._lines[index],
                                turn=turns[index] if turns is not None else False)
            first, end, step = index.indices(len(self._starts))
            if step != 1:
                return tuple(self[k] for k in range(first, end, step))
            # a section of a long transcript: built from the columns, without building the others
            flags = self._turns[first:end] if self._turns is not None else repeat(False, max(0, end - first))
            return tuple(map(_make_usual(), self._starts[first:end], self._texts[first:end], self._lines[first:end],
                             flags))
        return self.built()[index]

    def __iter__(self) -> Iterator[Fragment]:
        return iter(self.built())


def _make_usual() -> Callable[..., Fragment]:
    """The usual line's fragment: no speaker, a stamp to the second, no end, no word times."""
    return fast_constructor(Fragment, speaker=None, precision_ms=1000, end_ms=None, words=())


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
        fragments: the stamped speech, in order: a tuple, or (from the reader's bulk path) a
            :class:`FragmentColumns` that builds the same fragments when they are first read.
        metadata: page lines found before the first stamp (title, description, chrome).
        footer: page lines found after the last fragment (``Commentaires``...).
        notes: every decision the reader made that a person may want to check.
        layout: the stamp layout detected.
        encoding: the encoding the bytes were decoded with.
        pieces: where each fragment's text sits in the source lines, in source order
            (a fragment's text is its pieces' texts, whitespace-collapsed, joined by one space;
            a piece a ``joined`` note names continues the word before it without a space).
            Only when asked for (``parse_transcript(..., pieces=True)``): rewriting the source
            in place needs them, building cues does not.
        scores: how the reader chose the layout: each layout's score (the share of the first
            lines it reads) on the first lines, best first.
        scored_lines: how many non-blank lines were scored.
    """

    source: str
    fragments: Sequence[Fragment]
    metadata: tuple[str, ...] = ()
    footer: tuple[str, ...] = ()
    notes: tuple[Note, ...] = field(default=())
    layout: Layout = Layout.GLUED
    encoding: str = "utf-8"
    pieces: tuple[Piece, ...] = field(default=(), repr=False, compare=False)
    scores: tuple[tuple[str, float], ...] = field(default=(), repr=False, compare=False)
    scored_lines: int = field(default=0, repr=False, compare=False)

    @property
    def duration_ms(self) -> int:
        if not self.fragments:
            return 0
        return self.fragments[-1].start_ms - self.fragments[0].start_ms

    @property
    def turns(self) -> int:
        """How many fragments start a turn (a change of speaker the input marks)."""
        return sum(1 for f in self.fragments if f.turn)

    def to_dict(self) -> TranscriptDict:
        return {
            "version": 2,
            "source": self.source,
            "layout": self.layout.value,
            "encoding": self.encoding,
            "detection": {"layout": self.layout.value, "lines": self.scored_lines,
                          "scores": {name: round(score, 3) for name, score in self.scores}},
            "metadata": {"lines": list(self.metadata), "footer": list(self.footer)},
            "fragments": [f.to_dict() for f in self.fragments],
            "notes": [n.to_dict() for n in self.notes],
        }


def fast_constructor(cls: type[D], **fixed: object) -> Callable[..., D]:
    """A positional constructor for a frozen slotted dataclass, for readers' hot loops.

    It builds the same value as ``cls(*args)`` (every field, positionally, no defaults) but
    sets the slots through their descriptors instead of the frozen ``__setattr__`` detour,
    which is about three times faster: it matters when a reader makes 300,000 fragments.
    Fields given in ``fixed`` take that value and are not arguments (a reader's usual line
    has no speaker, no end, no words).  Made once per class and fixed values (cached), so a
    module may ask for it where it is used.

    Raises:
        TypeError: for a class with a ``__post_init__``, which this constructor would skip.

    >>> fast_constructor(Cue)(0, 1500, ("Oui",), "", "", None, ()) == Cue(0, 1500, ("Oui",))
    True
    >>> fast_constructor(Cue, identifier="", settings="", line=None, payload=())(0, 1500, ("Oui",)) == Cue(0, 1500, ("Oui",))
    True
    """
    # the cache holds untyped functions; the one made for ``cls`` returns a ``cls``
    return cast("Callable[..., D]", _constructor(cls, tuple(sorted(fixed.items()))))


@functools.cache
def _constructor(cls: type[DataclassInstance], fixed: tuple[tuple[str, object], ...]) -> Callable[..., object]:
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has a __post_init__, which a fast constructor would skip")
    names = [f.name for f in dataclasses.fields(cls)]
    constants = dict(fixed)
    unknown = set(constants) - set(names)
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
    scope: dict[str, object] = {"new": object.__new__, "cls": cls}
    scope.update({f"set_{name}": getattr(cls, name).__set__ for name in names})
    scope.update({f"fixed_{name}": value for name, value in constants.items()})
    body = "".join(f"    set_{name}(obj, {'fixed_' + name if name in constants else name})\n" for name in names)
    params = ", ".join(name for name in names if name not in constants)
    # Generated like dataclasses' own __init__, so each field costs one call, no loop.
    exec(f"def make_{cls.__name__.lower()}({params}):\n    obj = new(cls)\n{body}    return obj\n", scope)
    return cast("Callable[..., object]", scope[f"make_{cls.__name__.lower()}"])
