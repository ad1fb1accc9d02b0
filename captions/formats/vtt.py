"""WebVTT: a reader that follows the W3C parsing rules, and our writer.

The reader keeps exactly the cues a conforming parser (browsers, the W3C ``webvtt-parser``)
keeps: signature, header, blocks collected as the specification says (a ``-->`` line ends the
block before it), NOTE/STYLE/REGION blocks, identifiers, timings, settings.  A cue's ``lines``
are its text as a viewer sees it (tags dropped, character references decoded), its ``payload``
the text as written.  What the specification drops silently (a block without timing, a style
after a cue, an unknown setting, a ``<`` that swallows text) is reported.

The writer escapes text (``&``, ``<``, ``>``) and gives back a cue's payload, tags and all,
when it reads as the cue's lines.  webvtt-py is imported here and nowhere else in the
toolkit, and only when a ``webvtt.WebVTT`` is asked for (:func:`to_webvtt`).
"""

from __future__ import annotations

import enum
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..findings import Finding, FindingCode, Severity
from ..model import Cue, Format, fast_constructor
from ..timecode import VTT_USUAL, format_vtt, from_fields, loose_timing, vtt_timestamp
from ._text import display_lines, note_lines
from .document import BlockWriter, CaptionDocument, CueColumns, LineCursor, TextLines, in_line_order
from .markup import CHAR_REF, VTT_SPANS, is_timestamp_tag

if TYPE_CHECKING:
    import webvtt

__all__ = ["parse", "parse_cue_text", "read_block", "Block", "BlockKind", "has_signature", "to_webvtt", "render",
           "escape_vtt_text", "cue_text", "WRITER", "repair_line", "unreadable_span"]

_SETTINGS = frozenset({"vertical", "line", "position", "size", "align", "region"})
_TAG_NAME_END = re.compile(r"[\s.]")
_NOTE = re.compile(r"NOTE($|[ \t])")
_WS = " \t\f"
# Blank lines, an optional identifier line, a timing line of usual timestamps and one space
# around the arrow (no digit after the milliseconds), non-empty text lines: what needs no
# report (see _read_usual_cues).
_FAST_CUE = re.compile(
    r"\n*((?:[^\n]+\n)?)"
    rf"{VTT_USUAL} --> {VTT_USUAL}"
    r"(?![0-9])([^\n]*)\n((?:[^\n]+\n)*)"
)
_make_cue = fast_constructor(Cue)


def _skip_ws(line: str, pos: int) -> int:
    """The position of the first character at or after ``pos`` that is not WebVTT whitespace."""
    while pos < len(line) and line[pos] in _WS:
        pos += 1
    return pos


def _timings(line: str) -> tuple[int, int, str] | str:
    """Parse a timing line: ``(start_ms, end_ms, settings as written)``, or the reason it cannot
    be read (players then drop the cue)."""
    pos = _skip_ws(line, 0)
    got = vtt_timestamp(line, pos)
    if got is None:
        return "start time is not HH:MM:SS.mmm or MM:SS.mmm"
    start, pos = got
    pos = _skip_ws(line, pos)
    if not line.startswith("-->", pos):
        return "expected ' --> ' after the start time"
    got = vtt_timestamp(line, _skip_ws(line, pos + 3))
    if got is None:
        return "end time is not HH:MM:SS.mmm or MM:SS.mmm"
    end, pos = got
    return start, end, line[pos:]


def _check_settings(settings: str, line: int, problems: list[Finding]) -> None:
    for token in settings.split():
        name, colon, value = token.partition(":")
        if not colon or name not in _SETTINGS or not value:
            problems.append(Finding(FindingCode.BAD_CUE_SETTING, Severity.WARNING, f"cue setting {token!r} is ignored by players; expected "
                                    f"name:value with name one of {', '.join(sorted(_SETTINGS))}", line))


# ---- cue text ----------------------------------------------------------------------------

def parse_cue_text(payload: str, first_line: int = 1, problems: list[Finding] | None = None) -> str:
    """The text a viewer sees for a cue payload: tags dropped, character references decoded,
    following the W3C cue-text tokenizer (a ``<`` always opens a tag, up to the next ``>``).

    Tags that players drop and ``&`` that are not references are reported in ``problems`` (when
    given), at their line (the payload starts on ``first_line``) and column.

    >>> parse_cue_text("<v Bob>R&amp;D &lt;3</v> <i>ok</i>")
    'R&D <3 ok'
    """
    out: list[str] = []
    pos, n = 0, len(payload)
    while pos < n:
        ch = payload[pos]
        if ch == "<":
            close = payload.find(">", pos + 1)
            if problems is not None:
                _check_tag(payload, pos, close if close >= 0 else n, first_line, problems)
            pos = close + 1 if close >= 0 else n
        elif ch == "&":
            text, pos = _character_reference(payload, pos, first_line, problems)
            out.append(text)
        else:
            nxt = min((k for k in (payload.find("<", pos), payload.find("&", pos)) if k >= 0), default=n)
            out.append(payload[pos:nxt])
            pos = nxt
    return "".join(out)


def _place(payload: str, pos: int, first_line: int) -> tuple[int, int]:
    """The 1-based ``(line, column)`` of offset ``pos`` in a payload starting on ``first_line``.

    >>> _place("ab\\ncd", 4, 10)
    (11, 2)
    """
    return first_line + payload.count("\n", 0, pos), pos - (payload.rfind("\n", 0, pos) + 1) + 1


def _check_tag(payload: str, start: int, end: int, first_line: int, problems: list[Finding]) -> None:
    """Report the tag between ``<`` at ``start`` and its ``>`` (or the payload's end) at ``end``
    when players drop it unread: a ``<`` that opens no tag (it hides the text up to the next
    ``>``), or a tag name WebVTT does not define."""
    tag = payload[start + 1:end]
    if is_timestamp_tag(tag):
        return
    name = _TAG_NAME_END.split(tag.lstrip("/"), maxsplit=1)[0] if tag else ""
    line, column = _place(payload, start, first_line)
    if not name or tag[:1] in _WS + "\n" or tag[:1].isdigit():
        problems.append(Finding(FindingCode.UNESCAPED_LT, Severity.ERROR, f"'<' not followed by a tag: {payload[start:start + 20]!r} is hidden "
                                f"by players; write '&lt;'", line, column))
    elif name not in VTT_SPANS:
        problems.append(Finding(FindingCode.UNKNOWN_TAG, Severity.WARNING, f"unknown tag <{name}> is dropped by players; write '&lt;' "
                                f"for text", line, column))


def _character_reference(payload: str, pos: int, first_line: int,
                         problems: list[Finding] | None) -> tuple[str, int]:
    """The text of the ``&`` at ``pos`` and the position after it: a character reference decoded,
    or a lone ``&`` (reported in ``problems`` when given)."""
    match = CHAR_REF.match(payload, pos)
    if match is not None:
        # html.unescape follows the HTML rules WebVTT refers to (legacy names without ';' too)
        decoded = html.unescape(match.group(0))
        if decoded != match.group(0):
            return decoded, match.end()
    if problems is not None:
        line, column = _place(payload, pos, first_line)
        problems.append(Finding(FindingCode.UNESCAPED_AMPERSAND, Severity.ERROR,
                                "'&' that is not a character reference; write '&amp;'", line, column))
    return "&", pos + 1


# ---- blocks ------------------------------------------------------------------------------

class BlockKind(enum.Enum):
    """What a block is, as the W3C parser decides from its first lines."""

    CUE = "cue"                      # a timing line that reads: a cue
    BAD_TIMING = "bad-timing"        # a timing line that does not read: players drop the block
    STYLE = "style"                  # a STYLE block before the first cue
    REGION = "region"                # a REGION block before the first cue
    LATE_DEFINITION = "after-cue"    # a STYLE or REGION block after a cue: players ignore it
    NOTE = "note"                    # a comment
    TEXT = "text"                    # text without a timing line: players ignore it


@dataclass(frozen=True, slots=True)
class Block:
    """One block as the W3C "collect a block" step reads it (:func:`read_block`).

    Attributes:
        kind: what it is.
        start / end: the index of its first line, and of the line after it.
        lines: a cue's payload lines; a block's lines for the other kinds (after its first
            line for STYLE and REGION).
        identifier: a cue's identifier ("" when none).
        timing: a cue's ``(start_ms, end_ms, settings as written)``.
        timing_line: the 1-based line of the timing line (0 when there is none).
        timing_error: why a BAD_TIMING block's timing line does not read.
        broke_on_arrow: the block ended at a ``-->`` line instead of a blank line: the next
            block starts there, without a blank line before it.
    """

    kind: BlockKind
    start: int
    end: int
    lines: tuple[str, ...] = ()
    identifier: str = ""
    timing: tuple[int, int, str] | None = None
    timing_line: int = 0
    timing_error: str = ""
    broke_on_arrow: bool = False

    def to_cue(self, problems: list[Finding]) -> Cue:
        """The cue of a CUE block, its payload read as viewers see it (:func:`parse_cue_text`);
        bad settings and cue text are reported in ``problems``.

        >>> block = read_block(["id", "00:01.000 --> 00:02.000 align:start", "R&amp;D"], 0)
        >>> block.to_cue([])
        Cue(start_ms=1000, end_ms=2000, lines=('R&D',), identifier='id', settings='align:start', line=2, payload=('R&amp;D',))
        """
        assert self.timing is not None, "only a CUE block has a cue"
        start, end, settings = self.timing
        _check_settings(settings, self.timing_line, problems)
        shown = parse_cue_text("\n".join(self.lines), self.timing_line + 1, problems)
        lines = tuple(shown.split("\n")) if self.lines else ()
        return Cue(start, end, self.lines if lines == self.lines else lines, self.identifier, settings.strip(),
                   self.timing_line, self.lines)


def _definition_kind(first: str, seen_cue: bool) -> BlockKind | None:
    """STYLE, REGION or LATE_DEFINITION when a block's first line is that word alone (spaces and
    tabs aside) and a second line follows; None for any other first line.

    >>> _definition_kind("STYLE", False), _definition_kind("REGION ", True), _definition_kind("STYLES", False)
    (<BlockKind.STYLE: 'style'>, <BlockKind.LATE_DEFINITION: 'after-cue'>, None)
    """
    for word, kind in (("STYLE", BlockKind.STYLE), ("REGION", BlockKind.REGION)):
        if first.startswith(word) and first[len(word):].strip(" \t") == "":
            return BlockKind.LATE_DEFINITION if seen_cue else kind
    return None


def read_block(lines: Sequence[str], start: int, *, seen_cue: bool = False) -> Block:
    """The careful path: the W3C "collect a block" step from line index ``start`` (not blank),
    outside the header.  ``seen_cue`` tells whether a cue came before (a STYLE or REGION block
    is then too late).

    The block ends at a blank line, or before a ``-->`` line that is not its first or second
    line (that line starts the next block).  :func:`parse` hands here every block its one
    pattern does not read; for the blocks it does read, both give the same cue.

    >>> block = read_block(["NOTE a", "b", "", "00:01.000 --> 00:02.000"], 0)
    >>> block.kind, block.lines, block.end
    (<BlockKind.NOTE: 'note'>, ('NOTE a', 'b'), 3)
    """
    return _Collector(start, seen_cue).read(lines)


class _Collector:
    """What the "collect a block" step knows while it reads one block's lines."""

    def __init__(self, start: int, seen_cue: bool) -> None:
        self.start = start
        self.seen_cue = seen_cue
        self.line_count = 0
        self.previous = start          # the index after the last line that belongs to the block
        self.buffer: list[str] = []
        self.kind: BlockKind | None = None
        self.identifier = ""
        self.timing: tuple[int, int, str] | None = None
        self.timing_line = 0
        self.timing_error = ""

    def read(self, lines: Sequence[str]) -> Block:
        i = self.start
        while i < len(lines):
            line = lines[i]
            self.line_count += 1
            i += 1
            if "-->" in line:
                if not self._is_timing_line():
                    return self._block(self.previous, broke_on_arrow=True)
                self._read_timing(line, i)
            elif line == "":
                break
            else:
                self._read_text(line)
                self.previous = i
        return self._block(i, broke_on_arrow=False)

    def _is_timing_line(self) -> bool:
        """Whether a ``-->`` line here is the block's timing line: its first line, or its second
        after an identifier.  Anywhere else it starts the next block."""
        return self.line_count == 1 or (self.line_count == 2 and not self.timing_line)

    def _read_timing(self, line: str, lineno: int) -> None:
        self.previous = self.timing_line = lineno
        parsed = _timings(line)
        if isinstance(parsed, str):
            self.kind, self.timing_error = BlockKind.BAD_TIMING, parsed
        else:
            self.kind, self.timing = BlockKind.CUE, parsed
            self.identifier, self.buffer = "\n".join(self.buffer), []

    def _read_text(self, line: str) -> None:
        if self.line_count == 2 and self.buffer:
            definition = _definition_kind(self.buffer[0], self.seen_cue)
            if definition is not None:
                self.kind, self.buffer = definition, []
        self.buffer.append(line)

    def _block(self, end: int, *, broke_on_arrow: bool) -> Block:
        kind = self.kind
        if kind is None:
            kind = BlockKind.NOTE if self.buffer and _NOTE.match(self.buffer[0]) else BlockKind.TEXT
        return Block(kind, self.start, end, tuple(self.buffer), self.identifier, self.timing, self.timing_line,
                     self.timing_error, broke_on_arrow)


def _header_end(lines: Sequence[str]) -> tuple[int, bool]:
    """Where the header (the lines after the signature, up to a blank line) ends: the index of
    the line after its blank line, and False; or the index of a ``-->`` line that ends it
    without a blank line, and True.

    >>> _header_end(["WEBVTT", "Kind: captions", "", "x"]), _header_end(["WEBVTT", "00:01.000 --> 00:02.000"])
    ((3, False), (1, True))
    """
    i = 1
    while i < len(lines):
        line = lines[i]
        if "-->" in line:
            return i, True
        i += 1
        if line == "":
            break
    return i, False


def has_signature(first_line: str) -> bool:
    """Whether a file's first line is the WebVTT signature: ``WEBVTT`` alone or followed by a
    space or tab (then anything).

    >>> has_signature("WEBVTT - Titre"), has_signature("WEBVTT"), has_signature("WEBVTTX")
    (True, True, False)
    """
    return first_line.startswith("WEBVTT") and (len(first_line) == 6 or first_line[6] in " \t")


# ---- the reader --------------------------------------------------------------------------

def _marked_cue(written: str, start: int, end: int, head: str, settings: str, line: int,
                problems: list[Finding]) -> Cue | None:
    """The cue of a usual block (its timing line at ``line``) whose payload holds markup: its
    tags and references reported, and the cue built when a viewer reads other text than
    ``written`` (None: the payload is what a viewer reads, and the reader's columns say it all)."""
    shown = parse_cue_text(written, line + 1, problems)
    if shown == written:
        return None
    return _make_cue(start, end, tuple(shown.split("\n")), head[:-1], settings.strip(), line,
                     tuple(written.split("\n")))


class _Reader:
    """One reading of a WebVTT text with a signature: the cues, notes and problems met."""

    def __init__(self, text: str, lines: LineCursor, problems: list[Finding]) -> None:
        self.text = text
        self.lines = lines
        self.problems = problems
        self.cues = CueColumns(text, ".")
        self.notes: list[str] = []
        self.seen_cue = False

    def read(self) -> None:
        """Read the header, then every block: usual cues by one pattern, the rest carefully."""
        lines = self.lines
        i, broke = _header_end(lines)
        if broke:
            self.problems.append(Finding(FindingCode.MISSING_BLANK_LINE, Severity.WARNING,
                                         "a cue starts right after the header, without a blank line", i + 1))
        pos = lines.offset(i)   # the offset of line ``i`` in ``text``
        after_arrow = False
        while True:
            # a block that starts at a "-->" line ending the one before goes the careful way
            if not after_arrow:
                i, pos = self._read_usual_cues(i, pos)
                lines.at(i, pos)
            while i < len(lines) and lines[i] == "":
                i += 1
            if i >= len(lines):
                return
            block = read_block(lines, i, seen_cue=self.seen_cue)
            pos = lines.offset(block.end)
            self._take(block, after_arrow)
            i, after_arrow = block.end, block.broke_on_arrow

    def _read_usual_cues(self, i: int, pos: int) -> tuple[int, int]:
        """The fast path: read usual cue blocks from line index ``i`` (at offset ``pos``) with one
        pattern, as long as they come; returns the line index and offset of the first block it
        leaves to :func:`read_block`.

        The usual block: blank lines, an optional identifier, a timing line of usual timestamps, text lines,
        then a blank line or the end, with no ``-->`` in its identifier or text (that would be
        the next block's timing line).  Its cue is its columns (:class:`CueColumns`), unless a
        viewer reads its markup as other text than written: that cue is built here and kept.
        """
        text, problems = self.text, self.problems
        fast = _FAST_CUE.match
        count = text.count
        add, keep = self.cues.add, self.cues.append
        start_i = i
        while True:
            m = fast(text, pos)
            if m is None:
                break
            head, raw_settings, payload = m.group(1, 10, 11)
            if "-->" in head or "-->" in payload:
                break
            h1, m1, s1, f1, h2, m2, s2, f2 = m.group(2, 3, 4, 5, 6, 7, 8, 9)
            timing = m.end(1)   # where the timing line starts
            timing_line = i + count("\n", pos, timing) + 1
            if raw_settings and not raw_settings.isspace():
                _check_settings(raw_settings, timing_line, problems)
            start = from_fields(int(h1) if h1 else 0, int(m1), int(s1), int(f1))
            end = from_fields(int(h2) if h2 else 0, int(m2), int(s2), int(f2))
            cue = None
            if "<" in payload or "&" in payload:
                cue = _marked_cue(payload[:-1], start, end, head, raw_settings, timing_line, problems)
            if cue is None:
                add(start, end, timing_line, -timing if head else timing, m.end())
            else:
                keep(cue)
            i = timing_line + count("\n", m.start(11), m.end(11))
            pos = m.end()
        if i != start_i:
            self.seen_cue = True
        return i, pos

    def _take(self, block: Block, after_arrow: bool) -> None:
        """What a block read carefully means: a cue, a note, or a problem (STYLE and REGION
        blocks style the player's rendering: nothing to keep).  ``after_arrow``: the block
        starts at the ``-->`` line that ended the block before."""
        at = block.start + 1
        match block.kind:
            case BlockKind.CUE:
                if after_arrow:
                    self._problem(FindingCode.MISSING_BLANK_LINE, Severity.ERROR,
                                  "a cue starts without a blank line before it", at)
                self.cues.append(block.to_cue(self.problems))
                self.seen_cue = True
            case BlockKind.BAD_TIMING if after_arrow:
                self._problem(FindingCode.ARROW_IN_TEXT, Severity.ERROR,
                              "'-->' in cue text ends the cue there; write '--&gt;'", at)
            case BlockKind.BAD_TIMING:
                bad = self.lines[block.timing_line - 1].strip()[:60]
                self._problem(FindingCode.MALFORMED_TIMESTAMP, Severity.ERROR, f"timing line {bad!r}: "
                              f"{block.timing_error}; the cue is dropped by players", block.timing_line)
            case BlockKind.LATE_DEFINITION:
                self._problem(FindingCode.BLOCK_AFTER_CUE, Severity.WARNING,
                              "STYLE and REGION blocks must come before the first cue; players ignore it", at)
            case BlockKind.NOTE:
                self.notes.append("\n".join([block.lines[0][5:], *block.lines[1:]]).strip())
            case BlockKind.TEXT if block.lines:
                self._problem(FindingCode.TEXT_WITHOUT_TIMING, Severity.ERROR,
                              f"block without a timing line ignored by players: {block.lines[0][:40]!r}", at)

    def _problem(self, code: FindingCode, severity: Severity, message: str, line: int) -> None:
        self.problems.append(Finding(code, severity, message, line))


def parse(text: str, source: str = "<input>", *, problems: list[Finding] | None = None,
          encoding: str = "utf-8") -> CaptionDocument:
    """Read WebVTT text (decoded, LF line ends) as the W3C parser does, reporting problems.

    Never raises for bad content.  A file without the signature has no cue.

    >>> doc = parse("WEBVTT\\n\\nNOTE t\\n\\nid\\n00:01.000 --> 00:02.000 align:start\\nR&amp;D\\n")
    >>> [(c.identifier, c.start_ms, c.end_ms, c.lines, c.settings, c.line) for c in doc.cues], doc.notes
    ([('id', 1000, 2000, ('R&D',), 'align:start', 6)], ('t',))
    """
    problems = list(problems or [])
    text = text.replace("\x00", "\ufffd")
    final_newline = text.endswith("\n")
    if text and not final_newline:
        text += "\n"   # the same lines; lets the cue pattern end every line with "\n"
    lines = LineCursor(text)
    first = lines[0] if lines else ""
    if not has_signature(first):
        problems.append(Finding(FindingCode.BAD_SIGNATURE, Severity.ERROR, f"first line {first[:30]!r} is not the WebVTT signature; expected 'WEBVTT' "
                                f"alone or followed by a space or tab; players read no cue from this file", 1))
        return CaptionDocument(source, Format.VTT, (), tuple(problems), encoding, lines=TextLines(text),
                               final_newline=final_newline)
    reader = _Reader(text, lines, problems)
    reader.read()
    return CaptionDocument(source, Format.VTT, reader.cues.done(), in_line_order(problems), encoding,
                           tuple(reader.notes), TextLines(text), final_newline=final_newline)


# ---- what validate --fix asks of the format -----------------------------------------------

def repair_line(line: str, problem: Finding) -> tuple[str, str] | None:
    """The line a problem reported on it is repaired to, and why (None: no rule repairs it).

    A timing line :func:`captions.timecode.loose_timing` reads is written in the format's own
    form (settings kept as written); a ``-->`` in cue text is written ``--&gt;``; a ``<`` that
    opens no tag, ``&lt;``; a ``&`` that is no character reference, ``&amp;``.

    >>> repair_line("00:01:39 --> 00:01:41.04 region:bill", Finding(FindingCode.MALFORMED_TIMESTAMP, Severity.ERROR, "", 3))
    ('00:01:39.000 --> 00:01:41.040 region:bill', 'timing line written as HH:MM:SS.mmm: 00:01:39: no milliseconds; 00:01:41.04: 2 millisecond digits, read as 40 ms')
    >>> repair_line("1 < 2 & R&amp;D", Finding(FindingCode.UNESCAPED_LT, Severity.ERROR, "", 3, 3))[0]
    '1 &lt; 2 & R&amp;D'
    """
    column = (problem.column or 1) - 1
    if problem.code is FindingCode.MALFORMED_TIMESTAMP:
        loose = loose_timing(line, ".")
        if loose is None:
            return None
        fixed = f"{format_vtt(loose.start_ms)} --> {format_vtt(loose.end_ms)}{loose.rest}"
        return (fixed, f"timing line written as HH:MM:SS.mmm: {'; '.join(loose.issues)}") if fixed != line else None
    if problem.code is FindingCode.ARROW_IN_TEXT and "-->" in line:
        return line.replace("-->", "--&gt;"), "'-->' in the text written '--&gt;' (it ended the cue)"
    if problem.code is FindingCode.UNESCAPED_LT and line[column:column + 1] == "<":
        return line[:column] + "&lt;" + line[column + 1:], "'<' that opens no tag written '&lt;' (it hid the text)"
    if problem.code is FindingCode.UNESCAPED_AMPERSAND and line[column:column + 1] == "&":
        return line[:column] + "&amp;" + line[column + 1:], "'&' written '&amp;'"
    return None


def unreadable_span(lines: Sequence[str], k: int) -> tuple[int, int]:
    """The ``[start, end)`` line indexes of the block players drop that holds its timing line at
    index ``k`` (its identifier line, when it has one, to the blank line after it)."""
    header, _ = _header_end(lines)   # no line of the header is a cue's identifier
    named = k - 1 >= max(header, 1) and lines[k - 1] != "" and "-->" not in lines[k - 1] and lines[k - 2] == ""
    start = k - 1 if named else k
    return start, read_block(lines, start).end


_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_BLOCK_WORDS = ("NOTE", "STYLE", "REGION", "WEBVTT")


def escape_vtt_text(text: str) -> str:
    """Cue text with ``&``, ``<`` and ``>`` written as character references.

    Escaping ``>`` too means a ``-->`` in the text becomes ``--&gt;``, which no parser
    takes for a timing line, and which every WebVTT reader shows as ``-->``.

    >>> escape_vtt_text("R&D <3 a --> b")
    'R&amp;D &lt;3 a --&gt; b'
    """
    return text.translate(_ESCAPES)


def _safe_identifier(identifier: str) -> str:
    # An identifier that is multi-line, holds "-->" or starts like another block would
    # change how the block is read; such an identifier is left out, never mangled.
    if (not identifier or "\n" in identifier or "\r" in identifier or "-->" in identifier
            or identifier.startswith(_BLOCK_WORDS)):
        return ""
    return identifier


def _safe_settings(settings: str) -> str:
    if "\n" in settings or "\r" in settings or "-->" in settings:
        return ""
    return settings.strip()


def to_webvtt(cues: Sequence[Cue], *, header_notes: Sequence[str] = ()) -> webvtt.WebVTT:
    """The cues as a :class:`webvtt.WebVTT`, text escaped, ``header_notes`` in one NOTE block."""
    import webvtt

    captions = [
        webvtt.Caption(
            format_vtt(cue.start_ms),
            format_vtt(cue.end_ms),
            [escape_vtt_text(line) for line in display_lines(cue)],
            identifier=_safe_identifier(cue.identifier) or None,
            settings=_safe_settings(cue.settings) or None,
        )
        for cue in cues
    ]
    notes = note_lines(header_notes)
    return webvtt.WebVTT(captions=captions, header_comments=["\n".join(notes)] if notes else [])


def cue_text(cue: Cue, lost: list[int] | None = None, number: int = 0) -> tuple[str, ...]:
    """The text lines WebVTT gets for a cue: its payload as written when it reads as the cue's
    lines with nothing a player would misread (tags, references and all), else its lines
    escaped; never an empty line.  A cue whose markup could not be kept is added to ``lost``.

    >>> cue_text(Cue(0, 1, ("R&D",), payload=("<i>R&amp;D</i>",))), cue_text(Cue(0, 1, ("R&D",), payload=("R&D",)))
    (('<i>R&amp;D</i>',), ('R&amp;D',))
    """
    lines = display_lines(cue)
    if cue.payload:
        raw = tuple(line for line in cue.payload if line.strip())
        marked = any("<" in line or "&" in line for line in raw)
        if marked and not any("-->" in line for line in raw):
            problems: list[Finding] = []
            shown = tuple(line for line in parse_cue_text("\n".join(raw), 1, problems).split("\n") if line.strip())
            if shown == lines and not problems:
                return raw
        if marked and lost is not None:
            lost.append(number)
    return tuple(escape_vtt_text(line) for line in lines)


def _header(header_notes: Sequence[str]) -> list[str]:
    notes = note_lines(header_notes)
    if not notes:
        return ["WEBVTT"]
    return ["WEBVTT", f"NOTE {notes[0]}" if len(notes) == 1 else "NOTE\n" + "\n".join(notes)]


def render(cues: Sequence[Cue], *, header_notes: Sequence[str] = (), lost: list[int] | None = None,
           number: int = 1) -> str:
    """WebVTT text: the ``WEBVTT`` signature, an optional NOTE block, then the cues (``lost``:
    see :func:`cue_text`).  From ``number`` on 2, the cues go on from others (a long conversion
    written part by part): their blocks alone, each after a blank line.

    >>> print(render([Cue(0, 1500, ("Tech & Co",))], header_notes=["Titre"]), end="")
    WEBVTT
    <BLANKLINE>
    NOTE Titre
    <BLANKLINE>
    00:00:00.000 --> 00:00:01.500
    Tech &amp; Co
    """
    parts = _header(header_notes) if number == 1 else []
    for index, cue in enumerate(cues, start=number):
        parts.append("\n".join([*WRITER.identifier(cue, index), WRITER.timing(cue, None),
                                 *cue_text(cue, lost, index)]))
    if not parts:
        return ""
    return ("" if number == 1 else "\n") + "\n\n".join(parts) + "\n"


class _Writer(BlockWriter):
    """The WebVTT way of writing one cue block again (see :func:`captions.formats.render_document`)."""

    def identifier(self, cue: Cue, number: int) -> tuple[str, ...]:
        safe = _safe_identifier(cue.identifier)
        return (safe,) if safe else ()

    def timing(self, cue: Cue, written: str | None) -> str:
        times = f"{format_vtt(cue.start_ms)} --> {format_vtt(cue.end_ms)}"
        if written is not None:
            parsed = _timings(written)
            return times + (parsed[2] if not isinstance(parsed, str) else "")
        settings = _safe_settings(cue.settings)
        return f"{times} {settings}" if settings else times

    def text(self, cue: Cue) -> tuple[str, ...]:
        return cue_text(cue)


#: How :func:`captions.formats.render_document` writes a WebVTT cue block again.
WRITER = _Writer()
