"""SubRip (SRT): our line-by-line reader, and writing through pysrt.

Reading reports every problem with its line.  Tolerances (each use is reported as a problem,
never silent):

* a missing index (the timing line opens the block) - ``missing-index``;
* a non-numeric index just above a timing line - ``bad-index``;
* timestamps with ``.`` instead of ``,``, one-digit fields, one or two millisecond digits
  (read as a decimal fraction: ``,5`` is 500 ms, as players do) or hours above 99 -
  ``malformed-timestamp``; the cue is kept;
* a blank line inside a cue, recognised when the next line is neither an index nor a timing
  line: the text is kept in the cue (pysrt drops it) - ``blank-line-in-cue``;
* a new block that starts without a blank line before it - ``missing-blank-line``.

A block whose timing cannot be read at all is reported (``unparseable-block`` or
``missing-arrow``) and its text lines are named in the message, never dropped silently.

pysrt is imported here and nowhere else in the toolkit, and only when something is written
or a ``pysrt.SubRipFile`` is asked for: reading never needs it.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..findings import Finding, FindingCode, Severity
from ..model import Cue, Format, fast_constructor
from ..timecode import SRT_LENIENT, SRT_STRICT, from_fields, srt_time
from ._text import display_lines, without_arrow
from .document import CaptionDocument, block_lines, in_line_order, span_length

if TYPE_CHECKING:
    import pysrt

__all__ = ["parse", "read_block", "to_pysrt", "render"]

_TIMING = re.compile(r"^\s*" + SRT_LENIENT + r"\s*-->\s*" + SRT_LENIENT + r"(.*)$")
_TIMING_LIKE = re.compile(r"\d+:\d+[:.,]\d+.*(?:-->|->|—>|–>|\s)\s*\d+:\d+")
_INDEX = re.compile(r"^\s*\d+\s*$")
# Blank lines, an index, a strict timing line, non-blank text lines ("blank" as str.strip()
# sees it: re's \s is the same set).  Only what needs no report; the rest is read line by line.
_FAST_BLOCK = re.compile(
    r"(?:[^\S\n]*\n)*([0-9]+)\n"
    rf"{SRT_STRICT} --> {SRT_STRICT}([^\n]*)\n"
    r"((?:[^\S\n]*\S[^\n]*\n)*)"
)
_make_cue = fast_constructor(Cue)


def _timestamp(groups: tuple[str, ...], line: int, column: int, problems: list[Finding]) -> int:
    """The time of one timestamp (the groups of :data:`~captions.timecode.SRT_LENIENT`); how it
    departs from ``HH:MM:SS,mmm`` is reported at its column."""
    ms, issues = srt_time(*groups)
    if issues:
        text = f"{groups[0]}:{groups[1]}:{groups[2]}" + (f"{groups[3]}{groups[4]}" if groups[3] else "")
        problems.append(Finding(FindingCode.MALFORMED_TIMESTAMP, Severity.ERROR,
                                f"timestamp {text!r}: {', '.join(issues)}; expected HH:MM:SS,mmm", line, column))
    return ms


def _timing_at(lines: Sequence[str], k: int) -> re.Match[str] | None:
    """The timing line at line index ``k`` read leniently, or None (not a timing line, or no line)."""
    if 0 <= k < len(lines) and "-->" in lines[k]:
        return _TIMING.match(lines[k])
    return None


def _block_starts(lines: Sequence[str], k: int) -> bool:
    """Whether a block starts at line index ``k``: an index line then a timing line, or a timing line."""
    return _timing_at(lines, k) is not None or (
        k + 1 < len(lines) and _INDEX.match(lines[k]) is not None and _timing_at(lines, k + 1) is not None)


def read_block(lines: Sequence[str], i: int, cues: list[Cue], problems: list[Finding]) -> int:
    """The careful path: read the block at line index ``i`` (blank lines before it skipped) line
    by line, reporting every problem; returns the index of the line after it.

    A block is a cue (added to ``cues``), text that follows a blank line inside the last cue
    (added to that cue), or lines that cannot be a cue (reported, left out).  :func:`parse`
    hands here every block its one pattern does not read; for the blocks it does read, both
    give the same cue.

    >>> cues, problems = [], []
    >>> read_block(["", "1", "00:00:01,000 --> 00:00:02,000", "Oui", "", "2"], 0, cues, problems)
    4
    >>> cues, problems
    ([Cue(start_ms=1000, end_ms=2000, lines=('Oui',), identifier='1', settings='', line=3)], [])
    """
    n = len(lines)
    while i < n and not lines[i].strip():
        i += 1
    if i >= n:
        return i
    timing = _timing_at(lines, i)
    if timing is not None:
        problems.append(Finding(FindingCode.MISSING_INDEX, Severity.WARNING,
                                "cue without an index line; expected a number before the timing line", i + 1))
        return _read_cue(lines, i, timing, "", cues, problems)
    timing = _timing_at(lines, i + 1)
    if timing is not None:
        identifier = lines[i].strip()
        if not _INDEX.match(lines[i]):
            problems.append(Finding(FindingCode.BAD_INDEX, Severity.ERROR, f"index {identifier!r} is not a number", i + 1))
        return _read_cue(lines, i + 1, timing, identifier, cues, problems)
    return _read_stray_lines(lines, i, cues, problems)


def _read_cue(lines: Sequence[str], i: int, timing: re.Match[str], identifier: str, cues: list[Cue],
              problems: list[Finding]) -> int:
    """Read the cue whose timing line is at index ``i`` (``timing`` is its match): its text runs
    to a blank line, or to a line where a new block starts (reported: no blank line before it)."""
    timing_line = i + 1
    start = _timestamp(timing.groups()[0:5], timing_line, timing.start(1) + 1, problems)
    end = _timestamp(timing.groups()[5:10], timing_line, timing.start(6) + 1, problems)
    i += 1
    text: list[str] = []
    while i < len(lines) and lines[i].strip():
        if _block_starts(lines, i):
            problems.append(Finding(FindingCode.MISSING_BLANK_LINE, Severity.ERROR,
                                    "a new cue starts without a blank line before it", i + 1))
            break
        text.append(lines[i])
        i += 1
    cues.append(Cue(start, end, tuple(text), identifier, timing.group(11).strip(), timing_line))
    return i


def _read_stray_lines(lines: Sequence[str], i: int, cues: list[Cue], problems: list[Finding]) -> int:
    """Read the non-blank lines from index ``i`` that do not start a block, up to a blank line or
    a block start: a block whose timing line cannot be read, text after a blank line inside the
    last cue (kept in it), or text without a timing line.  Returns the index after them."""
    j = i + 1
    while j < len(lines) and lines[j].strip() and not _block_starts(lines, j):
        j += 1
    block = lines[i:j]
    unreadable = _unreadable_timing(block, i)
    if unreadable is not None:
        problems.append(unreadable)
    elif cues and i > 0 and not lines[i - 1].strip() and cues[-1].line is not None:
        problems.append(Finding(FindingCode.BLANK_LINE_IN_CUE, Severity.ERROR, f"blank line inside cue {len(cues)}: "
                                f"the text of lines {i + 1}-{j} is kept in it (pysrt and others drop it)", i))
        cues[-1] = dataclasses.replace(cues[-1], lines=cues[-1].lines + tuple(block))
    else:
        problems.append(Finding(FindingCode.TEXT_WITHOUT_TIMING, Severity.ERROR, f"text without a timing line "
                                f"(lines {i + 1}-{j}) left out: {block[0].strip()[:40]!r}", i + 1))
    return j


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


def _read_usual_blocks(text: str, i: int, pos: int, cues: list[Cue]) -> tuple[int, int]:
    """The fast path: read usual blocks from line index ``i`` (at offset ``pos`` in ``text``) with
    one pattern, as long as they come; returns the line index and offset of the first block it
    leaves to :func:`read_block`.

    The usual block: blank lines, an index, a strict timing line, text lines, then a blank line
    or the end, with no ``-->`` in its text (that would be a timing line: a cue starting without
    a blank line before it).  It needs no report, so nothing here appends a problem.
    """
    fast = _FAST_BLOCK.match
    count = text.count
    append = cues.append
    while True:
        m = fast(text, pos)
        if m is None or "-->" in m.group(11):
            return i, pos
        h1, m1, s1, f1, h2, m2, s2, f2 = m.group(2, 3, 4, 5, 6, 7, 8, 9)
        body = m.group(11)
        index_at = i + count("\n", pos, m.start(1))
        append(_make_cue(from_fields(int(h1), int(m1), int(s1), int(f1)),
                         from_fields(int(h2), int(m2), int(s2), int(f2)),
                         tuple(body[:-1].split("\n")) if body else (), m.group(1),
                         m.group(10).strip(), index_at + 2))
        i = index_at + 2 + count("\n", m.start(11), m.end(11))
        pos = m.end()


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
    if text and not text.endswith("\n"):
        text += "\n"   # the same lines; lets the block pattern end every line with "\n"
    lines = block_lines(text)
    cues: list[Cue] = []
    i = pos = 0   # ``pos`` is the offset of line ``i`` in ``text``
    while i < len(lines):
        i, pos = _read_usual_blocks(text, i, pos, cues)
        if i < len(lines):
            j = read_block(lines, i, cues, problems)
            pos += span_length(lines, i, j)
            i = j
    return CaptionDocument(source, Format.SRT, tuple(cues), in_line_order(problems), encoding)


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


def render(cues: Sequence[Cue], *, header_notes: Sequence[str] = ()) -> str:
    """SRT text: indexes from 1, ``HH:MM:SS,mmm`` with three millisecond digits (SRT has no
    comments: ``header_notes`` are not written).

    >>> print(render([Cue(1500, 3000, ("Bonsoir", "à tous"))]), end="")
    1
    00:00:01,500 --> 00:00:03,000
    Bonsoir
    à tous
    <BLANKLINE>
    """
    buffer = io.StringIO()
    to_pysrt(cues).write_into(buffer, eol="\n")
    return buffer.getvalue()
