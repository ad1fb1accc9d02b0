"""What ``validate --fix`` must keep, checked from the outside: the words of every cue the reader
reads, and every block that is not a cue, byte for byte.  Used by the fix goldens, the property
tests and the real-world corpus test."""

from __future__ import annotations

import re
from collections import Counter

from captions.findings import FindingCode
from captions.formats import CaptionDocument, Format, parse_captions_bytes, srt, vtt
from captions.formats.markup import shown

_DEFINITIONS = {vtt.BlockKind.NOTE, vtt.BlockKind.STYLE, vtt.BlockKind.REGION, vtt.BlockKind.LATE_DEFINITION,
                vtt.BlockKind.TEXT}


def cue_words(doc: CaptionDocument) -> list[tuple[str, ...]]:
    """Each cue's text as a viewer reads it (tags aside), spaces aside: the characters of its words,
    in order (a repair may change spaces: French spacing, a re-break)."""
    return [tuple("".join(" ".join(shown(c.payload, doc.format) if c.payload else c.lines).split()))
            for c in doc.cues]


def _subsequence(small: tuple[str, ...], big: tuple[str, ...]) -> bool:
    it = iter(big)
    return all(word in it for word in small)


def lost_cues(before: list[tuple[str, ...]], after: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The cues of ``before`` whose words are not, in order, in a cue of ``after`` of their own (a
    repair may show more words: text a stray ``<`` hid, a line a ``-->`` cut off)."""
    free = Counter(after)
    lost = []
    for words in sorted(before, key=len, reverse=True):
        if free[words]:
            free[words] -= 1
            continue
        match = next((cue for cue, n in free.items() if n and _subsequence(words, cue)), None)
        if match is None:
            lost.append(words)
        else:
            free[match] -= 1
    return lost


def non_cue_blocks(doc: CaptionDocument) -> list[tuple[str, ...]]:
    """The blocks of a file that are not cues, as written: the WebVTT header, NOTE, STYLE, REGION
    and text blocks; SRT text that belongs to no cue."""
    lines = doc.lines
    if doc.format is Format.VTT:
        if not lines or not vtt.has_signature(lines[0]):
            return []
        head = 1
        while head < len(lines) and lines[head] != "" and "-->" not in lines[head]:
            head += 1
        blocks = [tuple(lines[:head])]
        i, seen_cue = head, False
        while i < len(lines):
            if lines[i] == "":
                i += 1
                continue
            block = vtt.read_block(lines, i, seen_cue=seen_cue)
            if block.kind in _DEFINITIONS:
                blocks.append(_trimmed(tuple(lines[block.start:block.end])))
            seen_cue = seen_cue or block.kind is vtt.BlockKind.CUE
            i = max(block.end, i + 1)
        return blocks
    blocks = []
    for problem in doc.problems:
        if problem.code is FindingCode.TEXT_WITHOUT_TIMING and problem.line is not None:
            start, end = srt.unreadable_span(lines, problem.line - 1)
            if not _after_timing(lines, start):
                blocks.append(tuple(lines[start:end]))
    return blocks


def _after_timing(lines: tuple[str, ...], start: int) -> bool:
    """Whether a block with a timing line comes before line index ``start`` with only blank lines and
    text blocks between: text after a blank line that follows a cue is that cue's text in SRT (once
    its timing line is repaired, if it has to be)."""
    k = start - 1
    while k >= 0:
        if lines[k].strip() and _TIMING_LIKE.search(lines[k]):
            return True
        k -= 1
    return False


_TIMING_LIKE = re.compile(r"\d:\d")


def _trimmed(block: tuple[str, ...]) -> tuple[str, ...]:
    """A block without the blank lines that end it."""
    end = len(block)
    while end and not block[end - 1]:
        end -= 1
    return tuple(block[:end])


def contains_in_order(haystack: tuple[str, ...], blocks: list[tuple[str, ...]]) -> bool:
    """Whether every block is a run of consecutive lines of ``haystack``, the blocks in order."""
    at = 0
    for block in blocks:
        while at + len(block) <= len(haystack) and haystack[at:at + len(block)] != block:
            at += 1
        if at + len(block) > len(haystack):
            return False
        at += len(block)
    return True


def assert_kept(before: CaptionDocument, written: bytes, encoding: str | None = None) -> CaptionDocument:
    """Assert that ``written`` (what --fix wrote for ``before``) keeps every cue's words and every
    non-cue block; return it read."""
    after = parse_captions_bytes(written, before.format, "written", encoding=encoding or before.encoding)
    missing = lost_cues(cue_words(before), cue_words(after))
    assert not missing, f"words of cues lost: {missing[:3]}"
    blocks = non_cue_blocks(before)
    assert contains_in_order(after.lines, blocks), "a block that is not a cue was not kept byte for byte"
    return after
