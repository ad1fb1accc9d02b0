"""``validate --fix``: a caption file repaired without losing a word, and written back as it was
written but for the repairs.

Three passes, each repair listed with the input line it concerns:

1. the blocks (:func:`plan_blocks`): every problem the reader met on a line that a rule of the
   format repairs is repaired on that line (a timing line in the format's own form, ``-->``,
   ``<`` or ``&`` in WebVTT text escaped, a blank line before a block that had none); a block
   that no rule reads (a timing line that cannot be read, a numbered SRT block without a
   timing line) is *unreadable*: nothing is written unless ``drop_unreadable`` says to drop
   it, and then it is listed.  The file is read again (up to three times, as a repair can make
   more text readable);
2. the cue blocks of SRT (:func:`fix_srt_blocks`): an index for a cue without one, a blank line
   inside a cue taken out;
3. the cues (:func:`captions.validate.repair.fix_cues`): French spacing, re-breaking, order,
   overlaps and gaps, lengthening, chaining; then SRT indexes in sequence again.

The file is then written back (:func:`captions.formats.render_document`): only the lines a
repair changed differ; everything else (headers, NOTE, STYLE, REGION blocks, identifiers,
settings, markup, line ends, the byte-order mark, the encoding) is as it was.  What is left is
the validation of the bytes written.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..findings import Finding, FindingCode
from ..formats import CaptionDocument, encode_document, format_module, render_document
from ..model import Cue, Format
from ..presets import Preset
from .checks import detect_cue_language
from .repair import Repair, RepairCode, fix_cues
from .report import ValidationResult, check_text

__all__ = ["Unreadable", "BlockPlan", "FixResult", "plan_blocks", "fix_srt_blocks", "fix_document", "format_repair"]

# The problems a line repair may be asked about; a timing problem no rule repairs makes its
# block unreadable (the reader left it out).
_TIMING = frozenset({FindingCode.MALFORMED_TIMESTAMP, FindingCode.MISSING_ARROW, FindingCode.UNPARSEABLE_BLOCK})
_LINE = _TIMING | {FindingCode.ARROW_IN_TEXT, FindingCode.UNESCAPED_LT, FindingCode.UNESCAPED_AMPERSAND}
_CODES = {FindingCode.ARROW_IN_TEXT: RepairCode.ESCAPE_TEXT, FindingCode.UNESCAPED_LT: RepairCode.ESCAPE_TEXT,
          FindingCode.UNESCAPED_AMPERSAND: RepairCode.ESCAPE_TEXT}
_PASSES = 3


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A block no rule reads: its input lines (1-based, inclusive), why, and its text."""

    first_line: int
    last_line: int
    reason: str
    text: tuple[str, ...]

    def __str__(self) -> str:
        return f"lines {self.first_line}-{self.last_line}: {self.reason}"


@dataclass(frozen=True, slots=True)
class BlockPlan:
    """What :func:`plan_blocks` decided for the lines of a document.

    Attributes:
        lines: the new lines of the file.
        origin: for each new line, the index of the input line it comes from (None: a new line).
        repairs: the line repairs, each with its input line.
        unreadable: the blocks no rule reads (dropped from ``lines`` only when asked).
    """

    lines: tuple[str, ...]
    origin: tuple[int | None, ...]
    repairs: tuple[Repair, ...]
    unreadable: tuple[Unreadable, ...]


def plan_blocks(doc: CaptionDocument, *, drop_unreadable: bool = False) -> BlockPlan:
    """The line repairs of one reading of ``doc`` (see the module docstring), applied."""
    module = format_module(doc.format)
    src = doc.lines
    edits: dict[int, str] = {}
    blank_before: set[int] = set()
    repairs: list[Repair] = []
    unreadable: dict[int, Unreadable] = {}
    read = {c.line for c in doc.cues}
    for problem in sorted(doc.problems, key=_place):
        k = (problem.line or 1) - 1
        if problem.code is FindingCode.MISSING_BLANK_LINE and k not in blank_before:
            blank_before.add(k)
            repairs.append(Repair(RepairCode.ADD_BLANK_LINE, None, "", "", "a blank line put before the block "
                                  "(it started right after the one before)", k + 1))
        elif problem.code in _LINE:
            got = module.repair_line(edits.get(k, src[k]), problem)
            if got is not None:
                before, (edits[k], message) = edits.get(k, src[k]), got
                repairs.append(Repair(_CODES.get(problem.code, RepairCode.TIMING_LINE), None, before, edits[k],
                                      message, k + 1))
            elif problem.code in _TIMING and problem.line not in read:
                _add_unreadable(unreadable, module.unreadable_span(src, k), problem, src)
        elif problem.code is FindingCode.MISSING_TIMING:
            _add_unreadable(unreadable, module.unreadable_span(src, k + 1), problem, src)
    dropped = _dropped(unreadable.values(), src) if drop_unreadable else set()
    if dropped:   # a blank line is not put before a block that goes
        repairs = [r for r in repairs if r.code is not RepairCode.ADD_BLANK_LINE or (r.line or 0) - 1 not in dropped]
    lines, origin = _edited(src, edits, blank_before, dropped)
    if drop_unreadable:
        repairs.extend(Repair(RepairCode.DROP_UNREADABLE, None, "\n".join(u.text), "", f"dropped: {u.reason}",
                              u.first_line) for u in unreadable.values())
    repairs.sort(key=lambda r: r.line or 0)
    return BlockPlan(tuple(lines), tuple(origin), tuple(repairs), tuple(unreadable.values()))


def _edited(src: Sequence[str], edits: dict[int, str], blank_before: set[int],
            dropped: set[int]) -> tuple[list[str], list[int | None]]:
    """The lines with the edits made, blank lines put in and dropped lines left out, and for
    each the index of the source line it comes from (None: a line put in)."""
    lines: list[str] = []
    origin: list[int | None] = []
    for k, line in enumerate(src):
        if k in dropped:
            continue
        if k in blank_before:
            lines.append("")
            origin.append(None)
        lines.append(edits.get(k, line))
        origin.append(k)
    return lines, origin


def _place(problem: Finding) -> tuple[int, int]:
    """Line order, and right to left on a line (a repair then never moves a column still to come)."""
    return problem.line or 0, -(problem.column or 0)


def _add_unreadable(found: dict[int, Unreadable], span: tuple[int, int], problem: Finding,
                    src: Sequence[str]) -> None:
    start, end = span
    if start not in found:
        found[start] = Unreadable(start + 1, end, f"{problem.code.value}: {problem.message}", tuple(src[start:end]))


def _dropped(blocks: Iterable[Unreadable], src: Sequence[str]) -> set[int]:
    """The line indexes of the unreadable blocks and of the blank lines after each."""
    out: set[int] = set()
    for block in blocks:
        end = block.last_line
        while end < len(src) and not src[end].strip():
            end += 1
        out.update(range(block.first_line - 1, end))
    return out


def _reread(doc: CaptionDocument, plan: BlockPlan) -> CaptionDocument:
    """``doc`` read again from the planned lines, with the file's line ends, mark and encoding."""
    text = "\n".join(plan.lines) + ("\n" if doc.final_newline and plan.lines else "")
    again = format_module(doc.format).parse(text, doc.source, encoding=doc.encoding)
    ends = None
    if doc.line_ends is not None:
        old = doc.line_ends
        ends = tuple(old[k] if k is not None and k < len(old) else doc.newline for k in plan.origin)
    return dataclasses.replace(again, newline=doc.newline, line_ends=ends, bom=doc.bom,
                               final_newline=doc.final_newline)


# ---- SRT cue blocks ---------------------------------------------------------------------------

def fix_srt_blocks(cues: Sequence[Cue]) -> tuple[list[Cue], list[Repair]]:
    """SRT cues with an index each (the one before plus one, or their place) and no blank line
    inside their text (players end the cue there and drop the rest).

    >>> cues, repairs = fix_srt_blocks([Cue(0, 1, ("a",), "4", line=2, payload=("a",)),
    ...                                 Cue(2, 3, ("b", "c"), line=5, payload=("b", "", "c"))])
    >>> [(c.identifier, c.payload) for c in cues], [r.code.value for r in repairs]
    ([('4', ('a',)), ('5', ('b', 'c'))], ['add-index', 'join-blank-line'])
    """
    out: list[Cue] = []
    repairs: list[Repair] = []
    previous = 0
    for number, cue in enumerate(cues, start=1):
        identifier = cue.identifier
        if not identifier:
            identifier = str(previous + 1 if previous else number)
            repairs.append(Repair(RepairCode.ADD_INDEX, number, "", identifier, f"index {identifier} added",
                                  cue.line))
        payload = cue.payload
        if any(not line.strip() for line in payload):
            payload = tuple(line for line in payload if line.strip())
            repairs.append(Repair(RepairCode.JOIN_BLANK_LINE, number, "\n".join(cue.payload), "\n".join(payload),
                                  "blank line inside the cue taken out (players ended the cue there)", cue.line))
        out.append(cue if (identifier, payload) == (cue.identifier, cue.payload)
                   else dataclasses.replace(cue, identifier=identifier, payload=payload))
        previous = int(identifier) if _is_index(identifier) else 0
    return out, repairs


def _is_index(identifier: str) -> bool:
    return identifier.isascii() and identifier.isdecimal() and len(identifier) <= 18


def renumber(cues: Sequence[Cue]) -> tuple[list[Cue], Repair | None]:
    """SRT cues numbered in sequence again (from the first cue's index, or 1) when their indexes
    are not: after a sort, or in a file numbered out of order.  A cue whose index is not a number
    keeps it (it may be text: it is not ours to drop).

    >>> cues, repair = renumber([Cue(0, 1, ("a",), "1"), Cue(2, 3, ("b",), "3"), Cue(4, 5, ("c",), "2")])
    >>> [c.identifier for c in cues], repair.message
    (['1', '2', '3'], 'indexes written again in sequence from 1 (2 changed)')
    """
    numbered = [c for c in cues if _is_index(c.identifier)]
    values = [int(c.identifier) for c in numbered]
    if all(b == a + 1 for a, b in zip(values, values[1:])):
        return list(cues), None
    first = values[0] if values and values[0] <= 1 else 1
    out: list[Cue] = []
    changed = 0
    for k, cue in enumerate(cues):
        if _is_index(cue.identifier) and cue.identifier != str(first + k):
            cue = dataclasses.replace(cue, identifier=str(first + k))
            changed += 1
        out.append(cue)
    return out, Repair(RepairCode.RENUMBER, 1, "", "", f"indexes written again in sequence from {first} "
                       f"({changed} changed)", None)


# ---- the whole file ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FixResult:
    """A repaired caption file, ready to write (or refused).

    Attributes:
        text: the repaired file as text (line ends as the file has them); "" when refused.
        data: the bytes to write: ``text`` in the output encoding, with the file's byte-order mark.
        encoding: the encoding ``data`` is in.
        repairs: every repair made, each with the input line it concerns.
        remaining: the validation of ``data`` itself, so that its lines point into what is
            written (None when refused).
        unreadable: the blocks no rule reads; when there are any and they were not dropped,
            nothing is to be written (:attr:`refused`).
    """

    text: str
    data: bytes
    encoding: str
    repairs: tuple[Repair, ...]
    remaining: ValidationResult | None
    unreadable: tuple[Unreadable, ...] = ()
    dropped: bool = False

    @property
    def refused(self) -> bool:
        """Whether nothing may be written: a block no rule reads, and no leave to drop it."""
        return bool(self.unreadable) and not self.dropped


def fix_document(document: CaptionDocument, preset: Preset, *, target: str, lang: str | None = None,
                 drop_unreadable: bool = False, encoding: str | None = None) -> FixResult:
    """Repair a caption file read (see the module docstring) and validate what would be written.

    Args:
        target: the path the repaired file will be written to (``-``: standard output); the
            findings left name it.
        lang: the language of the text (None: detected, :func:`.checks.detect_cue_language`).
        drop_unreadable: drop the blocks no rule reads (listed) instead of refusing the file.
        encoding: the output encoding (None: the input's).

    Raises:
        OutputError: the repaired text holds a character the output encoding cannot write.

    >>> from captions.formats import parse_captions_bytes
    >>> from captions.presets import get_preset
    >>> doc = parse_captions_bytes(b"1\\r\\n00:00:01.000 -> 00:00:01,5\\r\\n<i>Oui.</i>\\r\\n", Format.SRT, "a.srt")
    >>> fixed = fix_document(doc, get_preset("netflix"), target="b.srt", lang="fr")
    >>> [(r.code.value, r.line) for r in fixed.repairs], fixed.data
    ([('timing-line', 2), ('lengthen', 2)], b'1\\r\\n00:00:01,000 --> 00:00:01,833\\r\\n<i>Oui.</i>\\r\\n')
    """
    doc, plan = document, None
    repairs = _replaced(document)
    origin: list[int | None] = list(range(len(doc.lines)))
    for _ in range(_PASSES):
        plan = plan_blocks(doc, drop_unreadable=drop_unreadable)
        if plan.unreadable and not drop_unreadable:
            return FixResult("", b"", encoding or document.encoding, tuple(_mapped(plan.repairs, origin)), None,
                             tuple(_mapped_unreadable(plan.unreadable, origin)))
        if not plan.repairs:
            break
        repairs.extend(_mapped(plan.repairs, origin))
        origin = [None if k is None else origin[k] for k in plan.origin]
        doc = _reread(doc, plan)
    lang = detect_cue_language(doc.cues) if lang is None else lang
    cues: Sequence[Cue] = doc.cues
    if doc.format is Format.SRT:
        cues, found = fix_srt_blocks(cues)
        repairs.extend(_mapped(found, origin))
    cues, found_cues = fix_cues(cues, preset, lang=lang, fmt=doc.format)
    repairs.extend(_mapped(found_cues, origin))
    if doc.format is Format.SRT:
        cues, renumbered = renumber(cues)
        repairs.extend([renumbered] if renumbered is not None else [])
    text = render_document(doc, cues)
    codec = encoding or doc.encoding
    data = encode_document(doc, text, encoding, target=target)
    name = "<stdout>" if target == "-" else target
    remaining = check_text(data, name, preset, fmt=doc.format, lang=lang, encoding=codec)
    unread = tuple(_mapped_unreadable(plan.unreadable, origin)) if plan is not None else ()
    return FixResult(text, data, codec, tuple(repairs), remaining, unread, dropped=drop_unreadable)


def _replaced(doc: CaptionDocument) -> list[Repair]:
    """The bytes the reader could not read (a byte the encoding has not, a NUL), which are written
    as the U+FFFD they were read as: said, as a repair would be."""
    out = []
    for problem in doc.problems:
        if problem.code is FindingCode.INVALID_BYTE:
            out.append(Repair(RepairCode.REPLACEMENT_CHARACTER, None, "", "\ufffd", f"column {problem.column}: a byte "
                              f"{doc.encoding} does not read is written as U+FFFD", problem.line))
        elif problem.code is FindingCode.NUL_CHARACTER:
            out.append(Repair(RepairCode.REPLACEMENT_CHARACTER, None, "", "\ufffd", "a NUL character is written as "
                              "U+FFFD", problem.line))
    return out


def _mapped(repairs: Sequence[Repair], origin: Sequence[int | None]) -> list[Repair]:
    """The repairs with their lines (of the file as read last) as lines of the input."""
    return [dataclasses.replace(r, line=_input_line(r.line, origin)) for r in repairs]


def _mapped_unreadable(blocks: Sequence[Unreadable], origin: Sequence[int | None]) -> list[Unreadable]:
    return [dataclasses.replace(b, first_line=_input_line(b.first_line, origin) or b.first_line,
                                last_line=_input_line(b.last_line, origin) or b.last_line) for b in blocks]


def _input_line(line: int | None, origin: Sequence[int | None]) -> int | None:
    """The 1-based input line of a 1-based line of a re-read file (a new line: the next one from the input)."""
    if line is None:
        return None
    for k in range(line - 1, len(origin)):
        if origin[k] is not None:
            return (origin[k] or 0) + 1
    return line


def format_repair(source: str, repair: Repair) -> str:
    """One repair for a person: ``file:line: cue N: code: message (before -> after)``, on one line.

    >>> format_repair("a.srt", Repair(RepairCode.LENGTHEN, 2, "0-500", "0-833", "lengthened", 6))
    'a.srt:6: cue 2: lengthen: lengthened (0-500 -> 0-833)'
    """
    where = f"{source}:{repair.line}" if repair.line is not None else source
    cue = f" cue {repair.cue}:" if repair.cue is not None else ""
    change = f" ({repair.before} -> {repair.after})".replace("\n", " / ") if repair.before or repair.after else ""
    return f"{where}:{cue} {repair.code.value}: {repair.message}{change}"
