"""What our own SRT and WebVTT readers return: the file as written, its cues, and every problem met.

The readers (:mod:`.srt`, :mod:`.vtt`) go line by line, never stop at the first problem and never
skip anything silently: each tolerance they use and each block they cannot read becomes a
:class:`~captions.findings.Finding` with its line (and column where it helps).

A :class:`CaptionDocument` keeps every line of the file as written, so that it can be written
back byte for byte (:func:`render_document`): the blocks that are not cues (the WebVTT header,
``NOTE``, ``STYLE``, ``REGION`` blocks, text players ignore) are copied as they are, and so is
every cue a repair did not change; a changed cue gets a new timing line (its settings or
coordinates kept as written) or new text, nothing else.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import Location, OutputError, ParseError
from ..files import Decoded, decode
from ..findings import Finding, FindingCode, Severity
from ..model import Cue, Format

__all__ = ["CaptionDocument", "Decoded", "decode_caption_bytes", "block_lines", "span_length", "in_line_order",
           "render_document", "BlockWriter", "cue_span", "encode_document"]


@dataclass(frozen=True, slots=True)
class CaptionDocument:
    """A caption file as read: its cues (with their source lines), every problem met, and the
    file's lines as written.

    Attributes:
        source: the file name used in messages.
        format: the format it was read as.
        cues: the cues kept, in file order; ``Cue.line`` is the timing line, and the text
            lines follow it directly.
        problems: everything met on the way, in line order.
        encoding: the codec the bytes were decoded with.
        notes: WebVTT NOTE block texts (the header metadata of files we write).
        lines: every line of the file as decoded, without its line end ("" for a document
            made from cues alone).
        newline: the file's line end (what a new line gets).
        line_ends: each line's own end when the file mixes several (None: all ``newline``).
        bom: whether the file started with a byte-order mark.
        final_newline: whether the file's last line ends with a line end.
    """

    source: str
    format: Format
    cues: tuple[Cue, ...]
    problems: tuple[Finding, ...] = ()
    encoding: str = "utf-8"
    notes: tuple[str, ...] = ()
    lines: tuple[str, ...] = field(default=(), repr=False)
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


def span_length(lines: Sequence[str], start: int, end: int) -> int:
    """How many characters ``lines[start:end]`` take in the text they were split from, each
    with its newline: what a reader adds to its offset when it has read those lines.

    >>> span_length(["WEBVTT", "", "00:01.000 --> 00:02.000"], 0, 2)
    8
    """
    return sum(len(lines[k]) + 1 for k in range(start, end))


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
