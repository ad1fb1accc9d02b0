"""What our own SRT and WebVTT readers return: the file as written, its cues, and every problem met.

The readers (:mod:`.srt`, :mod:`.vtt`) go line by line, never stop at the first problem and never
skip anything silently: each tolerance they use and each block they cannot read becomes a
:class:`~captions.findings.Finding` with its line (and column where it helps).

A :class:`CaptionDocument` keeps every line of the file as written, so that it can be written
back byte for byte (:func:`render_document`): the blocks that are not cues (the WebVTT header,
``NOTE``, ``STYLE``, ``REGION`` blocks, text players ignore) are copied as they are, and so is
every cue a repair did not change; a changed cue gets a new timing line (its settings or
coordinates kept as written) or new text, nothing else.

What a reader returns grows like the file, not like its lines: the lines are the decoded text
itself (:class:`TextLines`, split only when someone reads them by index), and the cues are the
reader's columns over that text (:class:`CueColumns`: times, lines and offsets, each cue built
when it is read), so that checking a million cues never holds a million cues nor five million
lines.  The readers read the lines of a block their fast path leaves through a
:class:`LineCursor`, which walks the text instead of splitting it.
"""

from __future__ import annotations

import codecs
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import overload

from ..errors import Location, OutputError, ParseError
from ..files import Decoded, decode
from ..findings import Finding, FindingCode, Severity
from ..model import Cue, Format, TupleView, fast_constructor

__all__ = ["CaptionDocument", "Decoded", "decode_caption_bytes", "block_lines", "in_line_order", "TextLines",
           "LineCursor", "CueColumns", "render_document", "BlockWriter", "cue_span", "encode_document"]


@dataclass(frozen=True, slots=True)
class CaptionDocument:
    """A caption file as read: its cues (with their source lines), every problem met, and the
    file's lines as written.

    Attributes:
        source: the file name used in messages.
        format: the format it was read as.
        cues: the cues kept, in file order; ``Cue.line`` is the timing line, and the text
            lines follow it directly.  A tuple, or (from the readers) a :class:`CueColumns`
            that builds the same cues as they are read.
        problems: everything met on the way, in line order.
        encoding: the codec the bytes were decoded with.
        notes: WebVTT NOTE block texts (the header metadata of files we write).
        lines: every line of the file as decoded, without its line end (``()`` for a document
            made from cues alone): a tuple, or (from the readers) a :class:`TextLines` over the
            decoded text that splits it when a line is first read by index.
        newline: the file's line end (what a new line gets).
        line_ends: each line's own end when the file mixes several (None: all ``newline``).
        bom: whether the file started with a byte-order mark.
        final_newline: whether the file's last line ends with a line end.
    """

    source: str
    format: Format
    cues: Sequence[Cue]
    problems: tuple[Finding, ...] = ()
    encoding: str = "utf-8"
    notes: tuple[str, ...] = ()
    lines: Sequence[str] = field(default=(), repr=False)
    newline: str = "\n"
    line_ends: tuple[str, ...] | None = field(default=None, repr=False)
    bom: bool = False
    final_newline: bool = True

    def errors(self) -> tuple[Finding, ...]:
        """The problems that are errors (a player would show something else, or nothing)."""
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    def location(self, line: int | None, column: int | None = None) -> Location:
        """A place in this document, for an error message."""
        return Location(self.source, line, column)


def decode_caption_bytes(data: bytes, source: str, *, encoding: str | None = None) -> tuple[Decoded, list[Finding]]:
    """Decode caption bytes leniently (:func:`captions.files.decode`), noting what a validator reports.

    Returns the decoded text and the problems met.  NUL bytes inside otherwise-text files become
    U+FFFD (as WebVTT parsers do) and are noted, as is every byte the encoding does not read
    (``invalid-byte``, with its line and column); an empty file is text ``""`` with an
    ``empty-file`` error.

    Raises:
        ParseError: when the bytes are not text at all (mostly NUL), or ``encoding`` is unknown.

    >>> decoded, problems = decode_caption_bytes(b"WEBVTT\\r\\n", "a.vtt")
    >>> decoded.text, decoded.encoding, [p.code.value for p in problems]
    ('WEBVTT\\n', 'utf-8', ['crlf'])
    """
    if not data:
        empty = Decoded("", encoding or "utf-8", final_newline=False)
        return empty, [Finding(FindingCode.EMPTY_FILE, Severity.ERROR, "the file is empty", 1)]
    nul_lines: list[int] = []
    wide = (encoding or "").lower().replace("_", "-").startswith(("utf-16", "utf-32"))
    if not wide:
        data, nul_lines = _nul_as_replacement(data, source)
    decoded = decode(data, source, encoding=encoding, lenient=True)
    problems = [Finding(FindingCode.NUL_CHARACTER, Severity.WARNING, "NUL character read as U+FFFD", line)
                for line in nul_lines]
    problems.extend(_decoding_problems(decoded))
    return decoded, problems


def _nul_as_replacement(data: bytes, source: str) -> tuple[bytes, list[int]]:
    """``data`` with each NUL byte as the UTF-8 of U+FFFD, and the 1-based lines that had one.

    UTF-16 and UTF-32 text (told by its byte-order mark) has NUL bytes in every character and
    is left alone; 8-bit bytes that are more than a tenth NUL are refused.
    """
    utf16_or_32 = data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:4] == b"\x00\x00\xfe\xff"
    if b"\x00" not in data or utf16_or_32:
        return data, []
    if data.count(b"\x00") * 10 > len(data):
        raise ParseError("mostly NUL bytes: this looks like a binary file or UTF-16 without a "
                         "byte-order mark; expected UTF-8 text (or give its encoding)", Location(source, 1))
    nul_lines = [n for n, chunk in enumerate(data.split(b"\n"), start=1) if b"\x00" in chunk]
    return data.replace(b"\x00", "\ufffd".encode("utf-8")), nul_lines


def _decoding_problems(decoded: Decoded) -> list[Finding]:
    """What a validator reports about how the bytes were decoded (line 1, and each bad byte)."""
    problems: list[Finding] = []
    if decoded.bom:
        problems.append(Finding(FindingCode.BOM, Severity.INFO, f"byte-order mark ({decoded.encoding}) removed", 1))
    if decoded.encoding not in ("utf-8", "utf-8-sig"):
        how = f"not UTF-8: read as {decoded.encoding}" if decoded.fallback else f"encoded as {decoded.encoding}"
        if decoded.alternatives:
            how += (f" ({', '.join(decoded.alternatives)} would read its accented letters differently: if they look "
                    f"wrong, give --encoding)")
        problems.append(Finding(FindingCode.ENCODING, Severity.WARNING, f"{how}; players expect UTF-8", 1))
    if decoded.newline != "\n" or decoded.line_ends is not None:
        ends = "mixed" if decoded.line_ends is not None else repr(decoded.newline)
        problems.append(Finding(FindingCode.CRLF, Severity.INFO, f"line ends are {ends}, read as LF", 1))
    for line, column, byte in decoded.replaced:
        problems.append(Finding(FindingCode.INVALID_BYTE, Severity.ERROR,
                                f"byte {byte} is not {decoded.encoding}: read as U+FFFD (the rest of the line is "
                                f"kept); save the file as UTF-8 or give its encoding", line, column))
    return problems


def block_lines(text: str) -> list[str]:
    """The lines of decoded caption text, for a reader whose block pattern ends every line with
    ``\\n``: a last line without its newline gets one, and the empty string after the final
    newline is not a line.

    >>> block_lines("1\\n00:00:01,000 --> 00:00:02,000\\nOui"), block_lines("")
    (['1', '00:00:01,000 --> 00:00:02,000', 'Oui'], [])
    """
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


_CHUNK = 1 << 16   # characters split at once when the lines of a text are iterated
class TextLines(TupleView[str]):
    """The lines of decoded caption text (:func:`block_lines`'s), kept as the text itself.

    Counting them does not split the text, nor does iterating (a chunk at a time); reading a
    line by index splits it once (a caller that reads one line by index reads many: writing a
    document back, repairing it) and keeps the lines.  It is the tuple of those lines in every
    way a caller can tell: the same items, equal to that tuple, the same hash, and it pickles as
    that tuple.

    >>> lines = TextLines("WEBVTT\\n\\n00:01.000 --> 00:02.000\\nOui")
    >>> len(lines), lines.is_split, lines[3], lines.is_split, lines == ("WEBVTT", "", "00:01.000 --> 00:02.000", "Oui")
    (4, False, 'Oui', True, True)
    """

    __slots__ = ("_text", "_count", "_split")

    def __init__(self, text: str) -> None:
        if text and not text.endswith("\n"):
            text += "\n"
        self._text = text
        self._count = text.count("\n")
        self._split: list[str] | None = None

    @property
    def text(self) -> str:
        """The lines, each with its ``\\n`` (the last one too): the text they were read from."""
        return self._text

    @property
    def is_split(self) -> bool:
        """Whether the lines have been split out of the text (someone read one by index)."""
        return self._split is not None

    def split(self) -> list[str]:
        """Every line, split out of the text once (and kept)."""
        if self._split is None:
            lines = self._text.split("\n")
            lines.pop()   # the empty string after the last newline is not a line
            self._split = lines
        return self._split

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...

    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        if isinstance(index, slice):
            return tuple(self.split()[index])
        return self.split()[index]

    def __iter__(self) -> Iterator[str]:
        if self._split is not None:
            return iter(self._split)
        return self._chunks()

    def _chunks(self) -> Iterator[str]:
        text, pos, size = self._text, 0, len(self._text)
        while pos < size:
            cut = text.index("\n", min(pos + _CHUNK, size - 1))   # the end of the line the chunk ends in
            yield from text[pos:cut].split("\n")
            pos = cut + 1


class LineCursor(Sequence[str]):
    """The lines of decoded caption text that ends with a newline, each read from the text when
    it is asked for: what a reader's careful path indexes.

    A line asked for is split out of the text with the few lines after it (a window of about
    :data:`_WINDOW` characters: the careful path reads a block's lines, then the next block's);
    a line outside the window is found by walking from it, or from where the reader says a line
    starts (:meth:`at`: where its fast path stopped).  Reading a block costs its lines alone,
    and the text is never split whole.

    >>> cursor = LineCursor("1\\n00:00:01,000 --> 00:00:02,000\\nOui\\n")
    >>> len(cursor), cursor[2], cursor[0], cursor.offset(3), cursor[1:], cursor[-1]
    (3, 'Oui', '1', 36, ('00:00:01,000 --> 00:00:02,000', 'Oui'), 'Oui')
    """

    __slots__ = ("_text", "_count", "_base", "_at", "_window", "_lengths", "_after")

    def __init__(self, text: str) -> None:
        self._text = text
        self._count = text.count("\n")
        self._base = self._at = 0     # a line whose start is known, and where it starts
        self._window: list[str] = []  # the lines from there, when split
        self._lengths: list[int] = [0]  # the length of the window's first lines, 0 to all of them
        self._after = 0               # where the line after the window starts

    def at(self, line: int, offset: int) -> None:
        """Say that line index ``line`` starts at ``offset`` in the text."""
        if not 0 < line - self._base < len(self._window):   # else the window holds it already
            self._base, self._at, self._window, self._lengths, self._after = line, offset, [], [0], offset

    def offset(self, line: int) -> int:
        """Where line index ``line`` starts in the text (its length for ``line == len(self)``)."""
        k, at, text = self._base, self._at, self._text
        inside = line - k
        if 0 <= inside <= len(self._window):
            return at + self._lengths[inside] + inside
        if inside > 0:
            k, at = k + len(self._window), self._after
        while k < line:
            at = text.index("\n", at) + 1
            k += 1
        while k > line:
            at = text.rfind("\n", 0, at - 1) + 1
            k -= 1
        self.at(line, at)
        return at

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...

    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        if isinstance(index, slice):
            return tuple(self[k] for k in range(*index.indices(self._count)))
        inside = index - self._base
        if 0 <= inside < len(self._window):
            return self._window[inside]
        return self._split_from(index)

    def _split_from(self, index: int) -> str:
        """Line ``index``, with the window of lines from it split out of the text."""
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError("line index out of range")
        text = self._text
        at = self.offset(index)
        end = text.index("\n", min(at + _WINDOW, len(text) - 1))
        self._base, self._at = index, at
        self._window, self._after = text[at:end].split("\n"), end + 1
        self._lengths = list(accumulate(map(len, self._window), initial=0))
        return self._window[0]


_WINDOW = 4096   # characters split at once by a LineCursor


_make_cue = fast_constructor(Cue)
_make_timed = fast_constructor(Cue, lines=(), identifier="", settings="", line=None, payload=())
_TIMES = range(-(1 << 63), 1 << 63)   # what a column of times holds


class CueColumns(TupleView[Cue]):
    """The cues of a caption file as its reader's columns over the decoded text: each cue's
    times, timing line and two offsets, and the cue built from them each time it is read (one
    at a time, never kept).

    A cue the fast path reads is its columns alone (:meth:`add`): its identifier is the line
    before its timing line, its settings what follows the times on that line, its payload the
    lines after it, and what a viewer reads is the payload.  Every other cue (the careful path's,
    one whose markup a viewer reads otherwise) is kept as it is (:meth:`append`).  It is the
    tuple of those cues in every way a caller can tell: the same items, equal to that tuple (and
    to any equal :class:`CueColumns`), the same hash, and it pickles as that tuple.  A reader
    fills it, then hands it over in a :class:`CaptionDocument` (:meth:`done`), unchanged from then.

    Args:
        text: the decoded text (the reader's, ending with a newline), which it keeps.
        separator: what comes before the milliseconds of the times of a timing line the fast
            path reads (``.`` in WebVTT, ``,`` in SRT): the settings follow the three digits
            after the one in the end time.

    >>> text = "WEBVTT\\n\\nid\\n00:00:01.000 --> 00:00:02.000 align:start\\nOui\\n"
    >>> cues = CueColumns(text, ".")
    >>> cues.add(1000, 2000, 4, -text.index("00:"), len(text))
    >>> cues[0]
    Cue(start_ms=1000, end_ms=2000, lines=('Oui',), identifier='id', settings='align:start', line=4, payload=('Oui',))
    >>> cues.append(Cue(3000, 4000, ("R&D",), line=9, payload=("R&amp;D",)))
    >>> len(cues), cues[1].payload, cues.times()[1].tolist(), cues == tuple(cues)
    (2, ('R&amp;D',), [2000, 4000], True)
    """

    __slots__ = ("_text", "_separator", "_starts", "_ends", "_lines", "_timings", "_stops", "_kept", "_exact")

    def __init__(self, text: str, separator: str) -> None:
        offsets = "i" if len(text) < 1 << 31 else "q"
        self._text, self._separator = text, separator
        self._starts, self._ends = array("q"), array("q")
        self._lines, self._timings, self._stops = array(offsets), array(offsets), array(offsets)
        self._kept: list[Cue] = []
        self._exact = True   # every time fits its column

    def add(self, start_ms: int, end_ms: int, line: int, timing: int, stop: int) -> None:
        """A cue the fast path read: its times, its timing line (1-based), the offset where that
        line starts (negated when the line before it is the cue's identifier), and the offset
        after its last payload line (the timing line's end when it has none)."""
        self._starts.append(start_ms)
        self._ends.append(end_ms)
        self._lines.append(line)
        self._timings.append(timing)
        self._stops.append(stop)

    def append(self, cue: Cue) -> None:
        """A cue kept as it is."""
        start, end = self._times_of(cue)
        self._starts.append(start)
        self._ends.append(end)
        self._lines.append(cue.line or 0)
        self._timings.append(0)
        self._stops.append(-len(self._kept) - 1)
        self._kept.append(cue)

    def _times_of(self, cue: Cue) -> tuple[int, int]:
        """The times of a cue kept, as its columns hold them (0 when they cannot: :meth:`done`)."""
        start, end = cue.start_ms, cue.end_ms
        if start in _TIMES and end in _TIMES:
            return start, end
        self._exact = False
        return 0, 0

    def __setitem__(self, index: int, cue: Cue) -> None:
        """Cue ``index`` is ``cue`` from now on (a reader that adds lines to the cue it read last)."""
        k = index + len(self) if index < 0 else index
        start, end = self._times_of(cue)
        self._starts[k], self._ends[k], self._lines[k] = start, end, cue.line or 0
        stop = self._stops[k]
        if stop < 0:
            self._kept[-stop - 1] = cue
        else:
            self._stops[k] = -len(self._kept) - 1
            self._kept.append(cue)

    def done(self) -> Sequence[Cue]:
        """What a reader hands over: these columns, or the tuple of the cues when a time does not
        fit a column (hours by the billion)."""
        return self if self._exact else tuple(self)

    def times(self) -> tuple[memoryview, memoryview]:
        """Each cue's start and end (ms), read-only, without building a cue."""
        return memoryview(self._starts).toreadonly(), memoryview(self._ends).toreadonly()

    def timing_lines(self) -> memoryview:
        """Each cue's timing line (1-based; 0 for a cue read from nowhere), read-only."""
        return memoryview(self._lines).toreadonly()

    def timed(self) -> Sequence[Cue]:
        """The cues without their text (their times alone): what a figure of the times reads
        (reading speeds over the cues' lengths), at a fraction of building the cues."""
        return _TimedCues(self._starts, self._ends)

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> Cue: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Cue, ...]: ...

    def __getitem__(self, index: int | slice) -> Cue | tuple[Cue, ...]:
        if isinstance(index, slice):
            return tuple(self._cue(k) for k in range(*index.indices(len(self))))
        k = index + len(self) if index < 0 else index
        if not 0 <= k < len(self):
            raise IndexError("cue index out of range")
        return self._cue(k)

    def _cue(self, k: int) -> Cue:
        stop = self._stops[k]
        if stop < 0:
            return self._kept[-stop - 1]
        return self._built(self._starts[k], self._ends[k], self._lines[k], self._timings[k], stop)

    def _built(self, start: int, end: int, line: int, timing: int, stop: int) -> Cue:
        text = self._text
        identifier = ""
        if timing < 0:
            timing = -timing
            identifier = text[text.rfind("\n", 0, timing - 1) + 1:timing - 1]
        eol = text.index("\n", timing)
        settings = text[text.index(self._separator, text.index("-->", timing) + 3) + 4:eol].strip()
        payload = tuple(text[eol + 1:stop - 1].split("\n")) if stop > eol + 1 else ()
        return _make_cue(start, end, payload, identifier, settings, line, payload)

    def __iter__(self) -> Iterator[Cue]:
        kept, built = self._kept, self._built
        for start, end, line, timing, stop in zip(self._starts, self._ends, self._lines, self._timings, self._stops):
            yield kept[-stop - 1] if stop < 0 else built(start, end, line, timing, stop)


class _TimedCues(Sequence[Cue]):
    """Cues made of two columns of times alone (:meth:`CueColumns.timed`)."""

    __slots__ = ("_starts", "_ends")

    def __init__(self, starts: Sequence[int], ends: Sequence[int]) -> None:
        self._starts, self._ends = starts, ends

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> Cue: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Cue, ...]: ...

    def __getitem__(self, index: int | slice) -> Cue | tuple[Cue, ...]:
        if isinstance(index, slice):
            return tuple(map(_make_timed, self._starts[index], self._ends[index]))
        return _make_timed(self._starts[index], self._ends[index])

    def __iter__(self) -> Iterator[Cue]:
        return map(_make_timed, self._starts, self._ends)


def in_line_order(problems: list[Finding]) -> tuple[Finding, ...]:
    """The problems sorted by line, problems of one line in the order they were met (a reader's
    problems all have a line).

    >>> late = Finding(FindingCode.CRLF, Severity.INFO, "b", 9)
    >>> [p.line for p in in_line_order([late, Finding(FindingCode.BOM, Severity.INFO, "a", 1)])]
    [1, 9]
    """
    return tuple(sorted(problems, key=_line))


def _line(problem: Finding) -> int:
    return problem.line or 0


# ---- writing a document back --------------------------------------------------------------

def cue_span(cue: Cue) -> tuple[int, int]:
    """The 0-based ``[start, end)`` line range of a cue read from a file: its identifier line
    (when it has one), its timing line, its payload lines.

    >>> cue_span(Cue(0, 1, ("a",), "1", line=2, payload=("a",)))
    (0, 3)
    """
    timing = (cue.line or 1) - 1
    return (timing - 1 if cue.identifier else timing), timing + 1 + len(cue.payload)


class BlockWriter:
    """What a format writes for one cue block (each format module provides one)."""

    def identifier(self, cue: Cue, number: int) -> tuple[str, ...]:
        """The identifier line(s) of a cue that has no line of its own (``number``: its slot)."""
        raise NotImplementedError

    def timing(self, cue: Cue, written: str | None) -> str:
        """The timing line of ``cue``; ``written`` is the line it was read from (None for a new
        cue), whose settings or coordinates are kept as written."""
        raise NotImplementedError

    def text(self, cue: Cue) -> tuple[str, ...]:
        """The payload lines of a cue whose text changed."""
        raise NotImplementedError


def render_document(doc: CaptionDocument, cues: Sequence[Cue] | None, writer: BlockWriter) -> str:
    """The text of ``doc`` with ``cues`` in its cue blocks (None: the cues it has), line ends as
    the file had them.

    The k-th cue block of the file is written with ``cues[k]``: as written when it is the cue
    read there; otherwise the block of the cue's own source line (found by ``Cue.line``) with
    only what changed written again (the times: the timing line; the text: the payload lines);
    a cue read from nowhere is written whole.  Extra cues go after the last block; blocks left
    without a cue are left out.  Everything that is not a cue block is copied as written.
    """
    cues = doc.cues if cues is None else cues
    src = doc.lines
    by_line = {c.line: c for c in doc.cues}
    out: list[str] = []
    ends: list[str | None] = []   # each output line's end: a source line's own, None for a new line

    def copy(start: int, end: int) -> None:
        out.extend(src[start:end])
        ends.extend(_source_end(doc, k) for k in range(start, end))

    pos = 0
    for number, slot in enumerate(doc.cues, start=1):
        start, end = cue_span(slot)
        copy(pos, start)
        pos = end
        if number > len(cues):
            pos = _after_blanks(src, end)   # a block left without a cue goes with its blank lines
            continue
        cue = cues[number - 1]
        if cue == slot:
            copy(start, end)
            continue
        block = _block(doc, cue, by_line.get(cue.line), number, writer)
        out.extend(block)
        ends.extend(_source_end(doc, k) if k is not None else None for k in _source_lines(block, src, start, end))
    copy(pos, len(src))
    for number in range(len(doc.cues) + 1, len(cues) + 1):
        block = ("", *_block(doc, cues[number - 1], None, number, writer))
        out.extend(block)
        ends.extend([None] * len(block))
    return _join(out, ends, doc)


def _after_blanks(src: Sequence[str], end: int) -> int:
    while end < len(src) and not src[end].strip():
        end += 1
    return end


def _source_end(doc: CaptionDocument, k: int) -> str:
    if doc.line_ends is not None and k < len(doc.line_ends):
        return doc.line_ends[k]
    return doc.newline


def _source_lines(block: Sequence[str], src: Sequence[str], start: int, end: int) -> list[int | None]:
    """For each line of a rewritten block, the source line it repeats (for its line end), if any."""
    return [start + k if start + k < end and src[start + k] == line else None for k, line in enumerate(block)]


def _block(doc: CaptionDocument, cue: Cue, origin: Cue | None, number: int, writer: BlockWriter) -> tuple[str, ...]:
    """The lines of one cue block: what changed written again, the rest as it was written."""
    if origin is None:
        return (*writer.identifier(cue, number), writer.timing(cue, None), *writer.text(cue))
    start, end = cue_span(origin)
    timing = origin.line - 1 if origin.line is not None else start
    head: tuple[str, ...] = tuple(doc.lines[start:timing])
    if cue.identifier != origin.identifier:
        head = writer.identifier(cue, number)
    written = doc.lines[timing]
    line = written if (cue.start_ms, cue.end_ms) == (origin.start_ms, origin.end_ms) else writer.timing(cue, written)
    same_text = cue.lines == origin.lines and cue.payload == origin.payload
    text = tuple(doc.lines[timing + 1:end]) if same_text else writer.text(cue)
    return (*head, line, *text)


def _join(lines: Sequence[str], ends: Sequence[str | None], doc: CaptionDocument) -> str:
    if not lines:
        return ""
    parts = [line + (doc.newline if end is None else end) for line, end in zip(lines, ends)]
    if not doc.final_newline:
        parts[-1] = lines[-1]
    return "".join(parts)


def encode_document(doc: CaptionDocument, text: str, encoding: str | None = None, *,
                    target: str | None = None) -> bytes:
    """``text`` (as :func:`render_document` gives it) as the file's bytes: in the document's
    encoding (or ``encoding``), with its byte-order mark when it had one.

    A narrow no-break space (U+202F, what French spacing adds) that the encoding has no byte
    for is written as a no-break space (U+00A0) when it has one for that.

    Raises:
        OutputError: ``encoding`` is unknown, or the text holds a character the encoding cannot
            write (a U+FFFD that stands for a byte the file's own encoding did not read, a
            character a repair added); the message names its line (in ``target``, default the
            document's source) and says to write UTF-8 instead.
    """
    codec = encoding or doc.encoding
    where = target or doc.source
    try:
        plain = codecs.lookup(codec).name
    except LookupError:
        raise OutputError(f"unknown encoding {codec!r}; expected a name such as utf-8, cp1252, cp1251",
                          Location(where)) from None
    if "\u202f" in text and not _encodes(plain, "\u202f") and _encodes(plain, "\u00a0"):
        text = text.replace("\u202f", "\u00a0")
    if doc.bom and encoding is None and not codec.endswith("-sig"):
        text = "\ufeff" + text
    try:
        return text.encode(codec)
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1 - (1 if text.startswith("\ufeff\n") else 0)
        raise OutputError(f"{exc.object[exc.start]!r} cannot be written in {codec}; write the file in UTF-8 "
                          f"(--output-encoding utf-8)", Location(where, line)) from None


def _encodes(codec: str, char: str) -> bool:
    try:
        char.encode(codec)
    except UnicodeEncodeError:
        return False
    return True
