"""SubRip (SRT): our line-by-line reader and our writer.

Reading reports every problem with its line.  Tolerances (each use is reported as a problem,
never silent):

* a missing index (the timing line opens the block) - ``missing-index``;
* a non-numeric index just above a timing line - ``bad-index``;
* timestamps with ``.`` instead of ``,``, one-digit fields, one or two millisecond digits
  (read as a decimal fraction: ``,5`` is 500 ms, as players do), no milliseconds, no hours,
  leading zeros (``00:00:013,567``), hours above 99, a negative time (read as 0) -
  ``malformed-timestamp``; the cue is kept;
* a blank line inside a cue, recognised when the next line is neither an index nor a timing
  line: the text is kept in the cue (pysrt drops it) - ``blank-line-in-cue``;
* a new block that starts without a blank line before it - ``missing-blank-line``.

A block whose timing cannot be read at all (no ``-->``, a missing time) and a numbered block
without a timing line are reported (``unparseable-block``, ``missing-arrow``,
``missing-timing``) and their lines are named in the message, never dropped silently.

A cue's ``lines`` are what a viewer reads (the tags players read, ``<i>``, ``<b>``, ``<u>``,
``<s>``, ``<font ...>``, and ``{\\an8}`` overrides, left out); its ``payload`` is the text as
written.  The writer gives back the payload when the text did not change.

pysrt is imported here and nowhere else in the toolkit, and only when a ``pysrt.SubRipFile``
is asked for (:func:`to_pysrt`): reading and writing never need it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ..findings import Finding, FindingCode, Severity
from ..model import Cue, Format, fast_constructor
from ..timecode import SRT_LENIENT, SRT_STRICT, format_srt, from_fields, loose_timing, srt_time
from ._text import display_lines, without_arrow
from .document import BlockWriter, CaptionDocument, CueColumns, LineCursor, TextLines, in_line_order

if TYPE_CHECKING:
    import pysrt

__all__ = ["parse", "read_block", "to_pysrt", "render", "WRITER", "cue_text", "repair_line", "unreadable_span"]

_TIMING = re.compile(r"^\s*" + SRT_LENIENT + r"\s*-->\s*" + SRT_LENIENT + r"(.*)$")
_TIMING_LIKE = re.compile(r"\d+:\d+[:.,]\d+.*(?:-->|->|—>|–>|→|\s)\s*-?\d+:\d+")
_INDEX = re.compile(r"^\s*\d+\s*$")
# Blank lines, an index, a strict timing line, non-blank text lines ("blank" as str.strip()
# sees it: re's \s is the same set).  Only what needs no report; the rest is read line by line.
_FAST_BLOCK = re.compile(
    r"(?:[^\S\n]*\n)*([0-9]+)\n"
    rf"{SRT_STRICT} --> {SRT_STRICT}([^\n]*)\n"
    r"((?:[^\S\n]*\S[^\n]*\n)*)"
)
_make_cue = fast_constructor(Cue)


class CueList(Protocol):
    """The cues read so far, as the careful path reads and changes them: a list, or the reader's
    :class:`~captions.formats.document.CueColumns`."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: int) -> Cue: ...

    def __setitem__(self, index: int, cue: Cue) -> None: ...

    def append(self, cue: Cue) -> None: ...


def _text_lines(payload: tuple[str, ...]) -> tuple[str, ...]:
    """What a viewer reads of a payload: the payload itself unless it holds markup, and never a
    blank line (one inside a cue is where pysrt and others end it)."""
    from .markup import has_markup, shown   # caption files read: a transcript's cues have no payload

    if any(has_markup(line, Format.SRT) for line in payload):
        return tuple(line for line, raw in zip(shown(payload, Format.SRT), payload) if raw.strip())
    if all(line.strip() for line in payload):
        return payload
    return tuple(line for line in payload if line.strip())


@dataclass(frozen=True, slots=True)
class _Timing:
    """A timing line read: the times, what follows them, and what was wrong with it."""

    start_ms: int
    end_ms: int
    rest: str
    problems: tuple[Finding, ...]


def _timestamp(groups: tuple[str, ...], line: int, column: int, problems: list[Finding]) -> int:
    """The time of one timestamp (the groups of :data:`~captions.timecode.SRT_LENIENT`); how it
    departs from ``HH:MM:SS,mmm`` is reported at its column."""
    ms, issues = srt_time(*groups)
    if issues:
        text = f"{groups[0]}:{groups[1]}:{groups[2]}" + (f"{groups[3]}{groups[4]}" if groups[3] else "")
        problems.append(Finding(FindingCode.MALFORMED_TIMESTAMP, Severity.ERROR,
                                f"timestamp {text!r}: {', '.join(issues)}; expected HH:MM:SS,mmm", line, column))
    return ms


def _timing_at(lines: Sequence[str], k: int) -> _Timing | None:
    """The timing line at line index ``k`` read leniently, or None (not a timing line, or no line)."""
    return _timing_of(lines[k], k) if 0 <= k < len(lines) else None


def _timing_of(line: str, k: int) -> _Timing | None:
    """``line`` (at line index ``k``) read leniently as a timing line, or None.

    A ``-->`` line players read: the usual lenient pattern first, else
    :func:`captions.timecode.loose_timing` (no hours, leading zeros, negative times).
    """
    if "-->" not in line:
        return None
    m = _TIMING.match(line)
    if m is not None:
        problems: list[Finding] = []
        start = _timestamp(m.groups()[0:5], k + 1, m.start(1) + 1, problems)
        end = _timestamp(m.groups()[5:10], k + 1, m.start(6) + 1, problems)
        return _Timing(start, end, m.group(11), tuple(problems))
    loose = loose_timing(line, ",")
    if loose is None or loose.arrow != "-->":
        return None
    found = Finding(FindingCode.MALFORMED_TIMESTAMP, Severity.ERROR, f"timing line {line.strip()[:60]!r}: "
                    f"{'; '.join(loose.issues)}; expected HH:MM:SS,mmm --> HH:MM:SS,mmm", k + 1, loose.start_column)
    return _Timing(loose.start_ms, loose.end_ms, loose.rest, (found,))


def _block_starts(lines: Sequence[str], k: int, line: str) -> bool:
    """Whether a block starts at line index ``k`` (``line``): an index line then a timing line, or a
    timing line."""
    return _timing_of(line, k) is not None or (
        _INDEX.match(line) is not None and _timing_at(lines, k + 1) is not None)


def read_block(lines: Sequence[str], i: int, cues: CueList, problems: list[Finding]) -> int:
    """The careful path: read the block at line index ``i`` (blank lines before it skipped) line
    by line, reporting every problem; returns the index of the line after it.

    A block is a cue (added to ``cues``), text that follows a blank line inside the last cue
    (added to that cue), or lines that cannot be a cue (reported, left out).  :func:`parse`
    hands here every block its one pattern does not read; for the blocks it does read, both
    give the same cue.

    >>> cues, problems = [], []
    >>> read_block(["", "1", "00:00:01,000 --> 00:00:02,000", "Oui", "", "2"], 0, cues, problems)
    4
    >>> cues[0].start_ms, cues[0].lines, cues[0].identifier, cues[0].line, problems
    (1000, ('Oui',), '1', 3, [])
    """
    n = len(lines)
    while i < n and not (first := lines[i]).strip():
        i += 1
    if i >= n:
        return i
    timing = _timing_of(first, i)
    if timing is not None:
        problems.append(Finding(FindingCode.MISSING_INDEX, Severity.WARNING,
                                "cue without an index line; expected a number before the timing line", i + 1))
        return _read_cue(lines, i, timing, "", cues, problems)
    timing = _timing_at(lines, i + 1)
    if timing is not None:
        identifier = first.strip()
        if not _INDEX.match(first):
            problems.append(Finding(FindingCode.BAD_INDEX, Severity.ERROR, f"index {identifier!r} is not a number", i + 1))
        return _read_cue(lines, i + 1, timing, identifier, cues, problems)
    return _read_stray_lines(lines, i, cues, problems)


def _read_cue(lines: Sequence[str], i: int, timing: _Timing, identifier: str, cues: CueList,
              problems: list[Finding]) -> int:
    """Read the cue whose timing line is at index ``i``: its text runs to a blank line, or to a
    line where a new block starts (reported: no blank line before it)."""
    problems.extend(timing.problems)
    timing_line = i + 1
    i += 1
    text: list[str] = []
    n = len(lines)
    while i < n and (line := lines[i]).strip():
        if _block_starts(lines, i, line):
            problems.append(Finding(FindingCode.MISSING_BLANK_LINE, Severity.ERROR,
                                    "a new cue starts without a blank line before it", i + 1))
            break
        text.append(line)
        i += 1
    payload = tuple(text)
    cues.append(Cue(timing.start_ms, timing.end_ms, _text_lines(payload), identifier, timing.rest.strip(),
                    timing_line, payload))
    return i


def _read_stray_lines(lines: Sequence[str], i: int, cues: CueList, problems: list[Finding]) -> int:
    """Read the non-blank lines from index ``i`` that do not start a block, up to a blank line or
    a block start: a block whose timing line cannot be read, a numbered block without a timing
    line, text after a blank line inside the last cue (kept in it), or text without a timing
    line.  Returns the index after them."""
    j = i + 1
    while j < len(lines) and (line := lines[j]).strip() and not _block_starts(lines, j, line):
        j += 1
    if j < len(lines) and lines[j].strip():
        problems.append(Finding(FindingCode.MISSING_BLANK_LINE, Severity.ERROR,
                                "a new cue starts without a blank line before it", j + 1))
    block = lines[i:j]
    unreadable = _unreadable_timing(block, i)
    if unreadable is not None:
        problems.append(unreadable)
    elif len(block) > 1 and _INDEX.match(block[0]):
        problems.append(Finding(FindingCode.MISSING_TIMING, Severity.ERROR, f"cue {block[0].strip()!r} has no "
                                f"timing line (lines {i + 1}-{j}); players leave it out", i + 1))
    elif len(cues) and _follows_cue(lines, cues[-1], i):
        last = cues[-1]
        problems.append(Finding(FindingCode.BLANK_LINE_IN_CUE, Severity.ERROR, f"blank line inside cue {len(cues)}: "
                                f"the text of lines {i + 1}-{j} is kept in it (pysrt and others drop it)", i))
        payload = last.payload + tuple(lines[(last.line or 0) + len(last.payload):j])
        cues[-1] = Cue(last.start_ms, last.end_ms, _text_lines(payload), last.identifier, last.settings, last.line,
                       payload)
    else:
        problems.append(Finding(FindingCode.TEXT_WITHOUT_TIMING, Severity.ERROR, f"text without a timing line "
                                f"(lines {i + 1}-{j}) left out: {block[0].strip()[:40]!r}", i + 1))
    return j


def _follows_cue(lines: Sequence[str], cue: Cue, i: int) -> bool:
    """Whether line index ``i`` comes after ``cue``'s text with only blank lines between."""
    if cue.line is None:
        return False
    end = cue.line + len(cue.payload)   # the index after the cue's last line
    return end < i and all(not line.strip() for line in lines[end:i])


def _unreadable_timing(block: Sequence[str], i: int) -> Finding | None:
    """The error for a block (its lines, from index ``i``) whose first or second line looks like a
    timing line that cannot be read (no arrow, or times that are not times), else None."""
    at = next((k for k, line in enumerate(block[:2]) if _TIMING_LIKE.search(line) or "-->" in line), None)
    if at is None:
        return None
    bad = block[at]
    if "-->" not in bad:
        code, expected = FindingCode.MISSING_ARROW, "'-->' between the times"
    else:
        code, expected = FindingCode.UNPARSEABLE_BLOCK, "HH:MM:SS,mmm --> HH:MM:SS,mmm"
    return Finding(code, Severity.ERROR, f"timing line {bad.strip()!r} cannot be read; expected {expected}; "
                   f"block of lines {i + 1}-{i + len(block)} left out", i + at + 1)


def _read_usual_blocks(text: str, i: int, pos: int, cues: CueColumns) -> tuple[int, int]:
    """The fast path: read usual blocks from line index ``i`` (at offset ``pos`` in ``text``) with
    one pattern, as long as they come; returns the line index and offset of the first block it
    leaves to :func:`read_block`.

    The usual block: blank lines, an index, a strict timing line, text lines, then a blank line
    or the end, with no ``-->`` in its text (that would be a timing line: a cue starting without
    a blank line before it).  It needs no report, so nothing here appends a problem.  Its cue is
    its columns, unless a viewer reads its markup as other text than written: that cue is built
    here and kept.
    """
    fast = _FAST_BLOCK.match
    count = text.count
    add, keep = cues.add, cues.append
    while True:
        m = fast(text, pos)
        if m is None:
            return i, pos
        body = m.group(11)
        if "-->" in body:
            return i, pos
        h1, m1, s1, f1, h2, m2, s2, f2 = m.group(2, 3, 4, 5, 6, 7, 8, 9)
        line = i + count("\n", pos, m.start(1)) + 2   # the timing line, after the index
        start = from_fields(int(h1), int(m1), int(s1), int(f1))
        end = from_fields(int(h2), int(m2), int(s2), int(f2))
        cue = _marked_cue(body, start, end, m.group(1), m.group(10), line) if "<" in body or "{" in body else None
        if cue is None:
            add(start, end, line, -m.start(2), m.end())
        else:
            keep(cue)
        i = line + count("\n", m.start(11), m.end(11))
        pos = m.end()


def _marked_cue(body: str, start: int, end: int, index: str, rest: str, line: int) -> Cue | None:
    """The cue of a usual block whose text (``body``, its lines each with their newline) may hold
    markup, built when a viewer reads other lines than written (None: the text is what a viewer
    reads, and the reader's columns say it all)."""
    payload = tuple(body[:-1].split("\n"))
    shows = _text_lines(payload)
    if shows == payload:
        return None
    return _make_cue(start, end, shows, index, rest.strip(), line, payload)


def parse(text: str, source: str = "<input>", *, problems: list[Finding] | None = None,
          encoding: str = "utf-8") -> CaptionDocument:
    """Read SRT text (already decoded, LF line ends) into cues and problems.

    Never raises for bad content.  Usual blocks are read by one pattern
    (:func:`_read_usual_blocks`), every other block line by line (:func:`read_block`).

    >>> doc = parse("1\\n00:00:01,000 --> 00:00:02,500\\nBonsoir\\n\\n3\\n00:00:03,000 -> 00:00:04,000\\nx\\n")
    >>> [(c.start_ms, c.end_ms, c.lines, c.line) for c in doc.cues]
    [(1000, 2500, ('Bonsoir',), 2)]
    >>> [(p.code.value, p.line) for p in doc.problems]
    [('missing-arrow', 6)]
    """
    problems = list(problems or [])
    final_newline = text.endswith("\n")
    if text and not final_newline:
        text += "\n"   # the same lines; lets the block pattern end every line with "\n"
    lines = LineCursor(text)
    cues = CueColumns(text, ",")
    i = pos = 0   # ``pos`` is the offset of line ``i`` in ``text``
    while i < len(lines):
        i, pos = _read_usual_blocks(text, i, pos, cues)
        if i < len(lines):
            lines.at(i, pos)
            i = read_block(lines, i, cues, problems)
            pos = lines.offset(i)
    return CaptionDocument(source, Format.SRT, cues.done(), in_line_order(problems), encoding,
                           lines=TextLines(text), final_newline=final_newline)


# ---- what validate --fix asks of the format -----------------------------------------------

_TIMING_CODES = frozenset({FindingCode.MALFORMED_TIMESTAMP, FindingCode.MISSING_ARROW, FindingCode.UNPARSEABLE_BLOCK})


def repair_line(line: str, problem: Finding) -> tuple[str, str] | None:
    """The line a problem reported on it is repaired to, and why (None: no rule repairs it).

    A timing line that :func:`captions.timecode.loose_timing` reads is written in the format's
    own form, its coordinates kept as written.

    >>> repair_line("-0:00:04,567 -> 00:00:03.5 X1:2", Finding(FindingCode.MISSING_ARROW, Severity.ERROR, "", 2))
    ('00:00:00,000 --> 00:00:03,500 X1:2', "timing line written as HH:MM:SS,mmm: '->' instead of '-->'; -0:00:04,567: fields must have two digits; -0:00:04,567: negative time, clamped to 0; 00:00:03.5: '.' instead of ','; 00:00:03.5: 1 millisecond digit, read as 500 ms")
    """
    if problem.code not in _TIMING_CODES:
        return None
    loose = loose_timing(line, ",")
    if loose is None:
        return None
    fixed = f"{format_srt(loose.start_ms)} --> {format_srt(loose.end_ms)}{loose.rest}"
    if fixed == line:
        return None
    return fixed, f"timing line written as HH:MM:SS,mmm: {'; '.join(loose.issues)}"


def unreadable_span(lines: Sequence[str], k: int) -> tuple[int, int]:
    """The ``[start, end)`` line indexes of the block no rule reads that holds line index ``k``
    (its index line, when it has one, to the line before a blank line or a new block)."""
    start = k
    if k > 0 and lines[k - 1].strip() and _INDEX.match(lines[k - 1]) and _timing_at(lines, k - 1) is None:
        start = k - 1
    end = k + 1
    while end < len(lines) and (line := lines[end]).strip() and not _block_starts(lines, end, line):
        end += 1
    return start, end


def to_pysrt(cues: Sequence[Cue]) -> pysrt.SubRipFile:
    """The cues as a :class:`pysrt.SubRipFile`, indexed from 1.

    SRT has no escape, so a ``-->`` in the text (which players would take for a timing
    line) is written as an arrow character, and empty lines are left out of the text.
    """
    import pysrt

    items = [
        pysrt.SubRipItem(
            index,
            start=pysrt.SubRipTime.from_ordinal(cue.start_ms),
            end=pysrt.SubRipTime.from_ordinal(cue.end_ms),
            text="\n".join(without_arrow(line) for line in display_lines(cue)),
        )
        for index, cue in enumerate(cues, start=1)
    ]
    return pysrt.SubRipFile(items)


def cue_text(cue: Cue, lost: list[int] | None = None, number: int = 0) -> tuple[str, ...]:
    """The text lines SRT gets for a cue: its payload as written when it reads as the cue's
    lines (tags and overrides kept), else its lines; never a blank line, and an arrow character
    for ``-->`` (SRT has no escape).  A cue whose markup could not be kept is added to ``lost``.

    >>> cue_text(Cue(0, 1, ("Oui",), payload=("<i>Oui</i>",))), cue_text(Cue(0, 1, ("a --> b",)))
    (('<i>Oui</i>',), ('a → b',))
    """
    lines = display_lines(cue)
    if cue.payload:
        # text read from a file keeps its '-->' unless the line would read as a timing line
        raw = tuple(line for line in cue.payload if line.strip())
        if raw == lines or tuple(line for line in _text_lines(raw) if line.strip()) == lines:
            return tuple(without_arrow(line) if _timing_like(line) else line for line in raw)
        if lost is not None:
            lost.append(number)
    return tuple(without_arrow(line) for line in lines)


def _timing_like(line: str) -> bool:
    return "-->" in line and (_TIMING.match(line) is not None or loose_timing(line, ",") is not None)


def render(cues: Sequence[Cue], *, header_notes: Sequence[str] = (), lost: list[int] | None = None,
           number: int = 1) -> str:
    """SRT text: indexes from 1 (from ``number``: the cues go on from others, a long conversion
    written part by part), ``HH:MM:SS,mmm`` with three millisecond digits (SRT has no
    comments: ``header_notes`` are not written).  ``lost``: see :func:`cue_text`.

    >>> print(render([Cue(1500, 3000, ("Bonsoir", "à tous"))]), end="")
    1
    00:00:01,500 --> 00:00:03,000
    Bonsoir
    à tous
    <BLANKLINE>
    """
    out = []
    for index, cue in enumerate(cues, start=number):
        text = cue_text(cue, lost, index)
        body = "\n".join(text) + "\n" if text else ""
        out.append(f"{index}\n{format_srt(cue.start_ms)} --> {format_srt(cue.end_ms)}\n{body}\n")
    return "".join(out)


class _Writer(BlockWriter):
    """The SRT way of writing one cue block again (see :func:`captions.formats.render_document`)."""

    def identifier(self, cue: Cue, number: int) -> tuple[str, ...]:
        return (cue.identifier if cue.identifier.strip().isdecimal() else str(number),)

    def timing(self, cue: Cue, written: str | None) -> str:
        rest = ""
        if written is not None:
            m = _TIMING.match(written)
            loose = loose_timing(written, ",") if m is None else None
            rest = m.group(11) if m is not None else (loose.rest if loose is not None else "")
        elif cue.settings:
            rest = " " + cue.settings
        return f"{format_srt(cue.start_ms)} --> {format_srt(cue.end_ms)}{rest}"

    def text(self, cue: Cue) -> tuple[str, ...]:
        return cue_text(cue)


#: How :func:`captions.formats.render_document` writes an SRT cue block again.
WRITER = _Writer()
