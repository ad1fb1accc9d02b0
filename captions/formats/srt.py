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

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..findings import Finding, FindingCode, Severity
from ..model import Cue, Format, fast_constructor
from ..timecode import SRT_LENIENT, SRT_STRICT, from_fields, srt_time
from ._text import display_lines, without_arrow
from .document import CaptionDocument, block_lines, decode_caption_bytes

if TYPE_CHECKING:
    import pysrt

__all__ = ["parse", "to_pysrt", "render"]

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
    ms, issues = srt_time(*groups)
    if issues:
        text = f"{groups[0]}:{groups[1]}:{groups[2]}" + (f"{groups[3]}{groups[4]}" if groups[3] else "")
        problems.append(Finding(FindingCode.MALFORMED_TIMESTAMP, Severity.ERROR,
                                f"timestamp {text!r}: {', '.join(issues)}; expected HH:MM:SS,mmm", line, column))
    return ms


def _parse_timing(text: str, line: int, problems: list[Finding]) -> tuple[int, int, str] | None:
    match = _TIMING.match(text)
    if match is None:
        return None
    start = _timestamp(match.groups()[0:5], line, match.start(1) + 1, problems)
    end = _timestamp(match.groups()[5:10], line, match.start(6) + 1, problems)
    return start, end, match.group(11).strip()


def parse(text: str, source: str = "<input>", *, problems: list[Finding] | None = None,
              encoding: str = "utf-8") -> CaptionDocument:
    """Read SRT text (already decoded, LF line ends) into cues and problems.

    Never raises for bad content.

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
    n = len(lines)
    cues: list[Cue] = []
    i = 0

    def is_timing(k: int) -> bool:
        return 0 <= k < n and "-->" in lines[k] and _TIMING.match(lines[k]) is not None

    def block_starts(k: int) -> bool:
        """A block starts at k: an index line then a timing line, or a timing line."""
        return is_timing(k) or (k + 1 < n and _INDEX.match(lines[k]) is not None and is_timing(k + 1))

    def careful_block(i: int) -> int:
        """Read the block at line index i (blank lines before it skipped) line by line,
        reporting every problem; returns the index of the line after it."""
        while i < n and not lines[i].strip():
            i += 1
        if i >= n:
            return i
        lineno = i + 1
        identifier = ""
        if is_timing(i):
            problems.append(Finding(FindingCode.MISSING_INDEX, Severity.WARNING, "cue without an index line; expected a number before the timing line", lineno))
        elif i + 1 < n and is_timing(i + 1):
            identifier = lines[i].strip()
            if not _INDEX.match(lines[i]):
                problems.append(Finding(FindingCode.BAD_INDEX, Severity.ERROR, f"index {identifier!r} is not a number", lineno))
            i += 1
        else:
            # Not a block start: either text after a blank line inside the previous cue, or a
            # block whose timing line cannot be read.
            j = i
            while j < n and lines[j].strip() and not (j > i and block_starts(j)):
                j += 1
            block = lines[i:j]
            timing_at = next((k for k, t in enumerate(block[:2]) if _TIMING_LIKE.search(t) or "-->" in t), None)
            if timing_at is not None:
                bad = block[timing_at]
                code = FindingCode.MISSING_ARROW if "-->" not in bad else FindingCode.UNPARSEABLE_BLOCK
                expected = "'-->' between the times" if code is FindingCode.MISSING_ARROW else \
                    "HH:MM:SS,mmm --> HH:MM:SS,mmm"
                problems.append(Finding(code, Severity.ERROR, f"timing line {bad.strip()!r} cannot be read; expected {expected}; "
                                        f"block of lines {i + 1}-{j} left out", i + timing_at + 1))
            elif cues and i > 0 and not lines[i - 1].strip() and cues[-1].line is not None:
                prev = cues[-1]
                problems.append(Finding(FindingCode.BLANK_LINE_IN_CUE, Severity.ERROR, f"blank line inside cue {len(cues)}: the text of lines {i + 1}-{j} is "
                                        f"kept in it (pysrt and others drop it)", i))
                cues[-1] = Cue(prev.start_ms, prev.end_ms, prev.lines + tuple(block), prev.identifier,
                               prev.settings, prev.line)
            else:
                problems.append(Finding(FindingCode.TEXT_WITHOUT_TIMING, Severity.ERROR, f"text without a timing line (lines {i + 1}-{j}) left out: "
                                        f"{block[0].strip()[:40]!r}", lineno))
            return j
        timing_line = i + 1
        parsed = _parse_timing(lines[i], timing_line, problems)
        assert parsed is not None  # is_timing() said so
        start, end, settings = parsed
        i += 1
        text: list[str] = []
        while i < n and lines[i].strip():
            if block_starts(i):
                problems.append(Finding(FindingCode.MISSING_BLANK_LINE, Severity.ERROR, "a new cue starts without a blank line before it", i + 1))
                break
            text.append(lines[i])
            i += 1
        cues.append(_make_cue(start, end, tuple(text), identifier, settings, timing_line))
        return i

    # The usual block (blank lines, index, strict timing, text lines, then a blank line or the
    # end) is read by one pattern; any block it does not match, or whose text holds "-->" (a
    # timing line: the next cue starts without a blank line), goes through careful_block.
    # ``pos`` is the offset of line ``i`` in ``text``.
    fast = _FAST_BLOCK.match
    count = text.count
    pos = 0
    while i < n:
        m = fast(text, pos)
        if m is not None and "-->" not in m.group(11):
            h1, m1, s1, f1, h2, m2, s2, f2 = m.group(2, 3, 4, 5, 6, 7, 8, 9)
            body = m.group(11)
            index_at = i + count("\n", pos, m.start(1))
            cues.append(_make_cue(from_fields(int(h1), int(m1), int(s1), int(f1)),
                                  from_fields(int(h2), int(m2), int(s2), int(f2)),
                                  tuple(body[:-1].split("\n")) if body else (), m.group(1),
                                  m.group(10).strip(), index_at + 2))
            i = index_at + 2 + count("\n", m.start(11), m.end(11))
            pos = m.end()
            continue
        j = careful_block(i)
        pos += sum(len(lines[k]) + 1 for k in range(i, j))
        i = j
    problems.sort(key=lambda p: p.line)
    return CaptionDocument(source, Format.SRT, tuple(cues), tuple(problems), encoding)


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
