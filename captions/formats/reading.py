"""What our own SRT and WebVTT readers return: cues plus every problem met, as data.

The readers (:mod:`.srt_reader`, :mod:`.vtt_reader`) go line by line, never stop at the
first problem and never skip anything silently: each tolerance they use and each block
they cannot read becomes a :class:`Problem` with its line (and column where it helps).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ..errors import Location, ParseError
from ..files import decode
from ..model import Cue

__all__ = ["Severity", "ProblemCode", "Problem", "CaptionDocument", "decode_caption_bytes"]


class Severity(str, enum.Enum):
    """How bad a problem or finding is: errors break a file for some reader, warnings break a
    house rule or rely on a tolerance, infos record a harmless fact (an encoding, a BOM)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class ProblemCode(str, enum.Enum):
    """Stable codes of what the readers meet (documented in docs/validate.md)."""

    # the bytes
    EMPTY_FILE = "empty-file"
    ENCODING = "encoding"                  # not UTF-8 (UTF-16/32, Windows-1252 fallback, bad bytes)
    BOM = "bom"
    CRLF = "crlf"
    NUL_CHARACTER = "nul-character"
    # both formats
    UNPARSEABLE_BLOCK = "unparseable-block"
    MALFORMED_TIMESTAMP = "malformed-timestamp"
    MISSING_ARROW = "missing-arrow"
    TEXT_WITHOUT_TIMING = "text-without-timing"
    MISSING_BLANK_LINE = "missing-blank-line"
    # SRT
    MISSING_INDEX = "missing-index"
    BAD_INDEX = "bad-index"
    BLANK_LINE_IN_CUE = "blank-line-in-cue"
    # WebVTT
    BAD_SIGNATURE = "bad-signature"
    ARROW_IN_TEXT = "arrow-in-text"
    UNESCAPED_LT = "unescaped-lt"
    UNESCAPED_AMPERSAND = "unescaped-ampersand"
    UNKNOWN_TAG = "unknown-tag"
    BAD_CUE_SETTING = "bad-cue-setting"
    BLOCK_AFTER_CUE = "block-after-cue"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing a reader met, with where it is."""

    code: ProblemCode
    severity: Severity
    line: int
    message: str
    column: int | None = None

    def to_dict(self) -> dict:
        return {"code": self.code.value, "severity": self.severity.value, "line": self.line,
                "column": self.column, "message": self.message}


@dataclass(frozen=True, slots=True)
class CaptionDocument:
    """A caption file as read: its cues (with their source lines) and every problem met.

    Attributes:
        source: the file name used in messages.
        format: ``"srt"`` or ``"vtt"``.
        cues: the cues kept, in file order; ``Cue.line`` is the timing line, and the text
            lines follow it directly.
        problems: everything met on the way, in line order.
        encoding: the codec the bytes were decoded with.
        notes: WebVTT NOTE block texts (the header metadata of files we write).
    """

    source: str
    format: str
    cues: tuple[Cue, ...]
    problems: tuple[Problem, ...] = ()
    encoding: str = "utf-8"
    notes: tuple[str, ...] = ()

    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    def location(self, line: int | None, column: int | None = None) -> Location:
        return Location(self.source, line, column)


def decode_caption_bytes(data: bytes, source: str) -> tuple[str, str, list[Problem]]:
    """Decode caption bytes with :func:`captions.files.decode`, noting what a validator reports.

    Returns ``(text, encoding, problems)``.  NUL bytes inside otherwise-text files become
    U+FFFD (as WebVTT parsers do) and are noted; an empty file is text ``""`` with an
    ``empty-file`` error.

    Raises:
        ParseError: when the bytes are not text at all (mostly NUL, or undecodable).
    """
    problems: list[Problem] = []
    if not data:
        return "", "utf-8", [Problem(ProblemCode.EMPTY_FILE, Severity.ERROR, 1, "the file is empty")]
    nul_lines: list[int] = []
    utf16_or_32 = data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:4] == b"\x00\x00\xfe\xff"
    if b"\x00" in data and not utf16_or_32:
        if data.count(b"\x00") * 10 > len(data):
            raise ParseError("mostly NUL bytes: this looks like a binary file or UTF-16 without a "
                             "byte-order mark; expected UTF-8 text", Location(source, 1))
        nul_lines = [n for n, chunk in enumerate(data.split(b"\n"), start=1) if b"\x00" in chunk]
        data = data.replace(b"\x00", "\ufffd".encode("utf-8"))
    decoded = decode(data, source)
    for line in nul_lines:
        problems.append(Problem(ProblemCode.NUL_CHARACTER, Severity.WARNING, line,
                                "NUL character read as U+FFFD"))
    if decoded.bom:
        problems.append(Problem(ProblemCode.BOM, Severity.INFO, 1,
                                f"byte-order mark ({decoded.encoding}) removed"))
    if decoded.encoding not in ("utf-8", "utf-8-sig"):
        how = "not UTF-8: read as Windows-1252" if decoded.fallback else f"encoded as {decoded.encoding}"
        problems.append(Problem(ProblemCode.ENCODING, Severity.WARNING, 1,
                                f"{how}; players expect UTF-8"))
    if decoded.newline != "\n":
        problems.append(Problem(ProblemCode.CRLF, Severity.INFO, 1,
                                f"line ends are {decoded.newline!r}, read as LF"))
    return decoded.text, decoded.encoding, problems


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
