"""What our own SRT and WebVTT readers return: cues plus every problem met, as data.

The readers (:mod:`.srt`, :mod:`.vtt`) go line by line, never stop at the
first problem and never skip anything silently: each tolerance they use and each block
they cannot read becomes a :class:`~captions.findings.Finding` with its line (and column where it helps).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import Location, ParseError
from ..files import Decoded, decode
from ..findings import Finding, FindingCode, Severity
from ..model import Cue, Format

__all__ = ["CaptionDocument", "decode_caption_bytes", "block_lines", "span_length", "in_line_order"]


@dataclass(frozen=True, slots=True)
class CaptionDocument:
    """A caption file as read: its cues (with their source lines) and every problem met.

    Attributes:
        source: the file name used in messages.
        format: the format it was read as.
        cues: the cues kept, in file order; ``Cue.line`` is the timing line, and the text
            lines follow it directly.
        problems: everything met on the way, in line order.
        encoding: the codec the bytes were decoded with.
        notes: WebVTT NOTE block texts (the header metadata of files we write).
    """

    source: str
    format: Format
    cues: tuple[Cue, ...]
    problems: tuple[Finding, ...] = ()
    encoding: str = "utf-8"
    notes: tuple[str, ...] = ()

    def errors(self) -> tuple[Finding, ...]:
        """The problems that are errors (a player would show something else, or nothing)."""
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    def location(self, line: int | None, column: int | None = None) -> Location:
        """A place in this document, for an error message."""
        return Location(self.source, line, column)


def decode_caption_bytes(data: bytes, source: str) -> tuple[str, str, list[Finding]]:
    """Decode caption bytes with :func:`captions.files.decode`, noting what a validator reports.

    Returns ``(text, encoding, problems)``.  NUL bytes inside otherwise-text files become
    U+FFFD (as WebVTT parsers do) and are noted; an empty file is text ``""`` with an
    ``empty-file`` error.

    Raises:
        ParseError: when the bytes are not text at all (mostly NUL, or undecodable).

    >>> text, encoding, problems = decode_caption_bytes(b"WEBVTT\\r\\n", "a.vtt")
    >>> text, encoding, [p.code.value for p in problems]
    ('WEBVTT\\n', 'utf-8', ['crlf'])
    """
    if not data:
        return "", "utf-8", [Finding(FindingCode.EMPTY_FILE, Severity.ERROR, "the file is empty", 1)]
    data, nul_lines = _nul_as_replacement(data, source)
    decoded = decode(data, source)
    problems = [Finding(FindingCode.NUL_CHARACTER, Severity.WARNING, "NUL character read as U+FFFD", line)
                for line in nul_lines]
    problems.extend(_decoding_problems(decoded))
    return decoded.text, decoded.encoding, problems


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
                         "byte-order mark; expected UTF-8 text", Location(source, 1))
    nul_lines = [n for n, chunk in enumerate(data.split(b"\n"), start=1) if b"\x00" in chunk]
    return data.replace(b"\x00", "\ufffd".encode("utf-8")), nul_lines


def _decoding_problems(decoded: Decoded) -> list[Finding]:
    """What a validator reports about how the bytes were decoded (all on line 1)."""
    problems: list[Finding] = []
    if decoded.bom:
        problems.append(Finding(FindingCode.BOM, Severity.INFO, f"byte-order mark ({decoded.encoding}) removed", 1))
    if decoded.encoding not in ("utf-8", "utf-8-sig"):
        how = "not UTF-8: read as Windows-1252" if decoded.fallback else f"encoded as {decoded.encoding}"
        problems.append(Finding(FindingCode.ENCODING, Severity.WARNING, f"{how}; players expect UTF-8", 1))
    if decoded.newline != "\n":
        problems.append(Finding(FindingCode.CRLF, Severity.INFO, f"line ends are {decoded.newline!r}, read as LF", 1))
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
