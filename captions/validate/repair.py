"""Repairs: what can be repaired in cues without touching the words, each repair listed."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..model import Cue
from ..presets import Preset

__all__ = ["RepairCode", "Repair", "fix_cues"]


class RepairCode(str, enum.Enum):
    SORT = "sort"
    RESOLVE_OVERLAP = "resolve-overlap"
    LENGTHEN = "lengthen"
    CHAIN_GAP = "chain-gap"
    REBREAK = "rebreak"
    FRENCH_SPACING = "french-spacing"


@dataclass(frozen=True, slots=True)
class Repair:
    """One change :func:`fix_cues` made (``cue`` is the 1-based number after sorting)."""

    code: RepairCode
    cue: int
    before: str
    after: str
    message: str

    def to_dict(self) -> dict:
        return {"code": self.code.value, "cue": self.cue, "before": self.before, "after": self.after,
                "message": self.message}


def _span(cue: Cue) -> str:
    return f"{cue.start_ms}-{cue.end_ms}"


def fix_cues(cues: Sequence[Cue], preset: Preset, *, lang: str | None = None) -> tuple[tuple[Cue, ...], tuple[Repair, ...]]:
    """Repair what can be repaired without touching the words, and list every repair.

    In order: French non-breaking spaces (when French), re-break lines over the limits,
    sort by start, shorten a cue that overlaps the next one or sits closer than the minimum
    gap, lengthen a too-short cue into the free time after it, chain small gaps.

    >>> from captions.presets import get_preset
    >>> fixed, repairs = fix_cues([Cue(2000, 2400, ("b",)), Cue(0, 1000, ("a",))], get_preset("netflix"), lang="en")
    >>> [(c.start_ms, c.end_ms) for c in fixed], [r.code.value for r in repairs]
    ([(0, 1000), (2000, 2833)], ['sort', 'lengthen'])
    """
    from ..linebreak import break_lines, fits
    from ..typography import detect_language, french_spacing

    if lang is None:
        lang = detect_language(" ".join(" ".join(c.lines) for c in cues[:500])) if cues else ""
    repairs: list[Repair] = []
    work = list(cues)
    for i, cue in enumerate(work):
        lines = cue.lines
        if lang == "fr":
            spaced = tuple(french_spacing(line) for line in lines)
            if spaced != lines:
                repairs.append(Repair(RepairCode.FRENCH_SPACING, i + 1, "\n".join(lines), "\n".join(spaced),
                                      "added French non-breaking spaces"))
                lines = spaced
        if not fits(lines, preset.max_chars, preset.max_lines):
            broken = break_lines(" ".join(" ".join(line.split(" ")) for line in lines),
                                 preset.max_chars, preset.max_lines, lang or "fr")
            if broken != lines and " ".join(broken).split() == " ".join(lines).split():
                repairs.append(Repair(RepairCode.REBREAK, i + 1, "\n".join(lines), "\n".join(broken),
                                      f"lines re-broken to {preset.max_lines} x {preset.max_chars} characters"))
                lines = broken
        work[i] = replace(cue, lines=lines)
    order = sorted(range(len(work)), key=lambda k: (work[k].start_ms, work[k].end_ms))
    if order != list(range(len(work))):
        moved = sum(1 for a, b in enumerate(order) if a != b)
        repairs.append(Repair(RepairCode.SORT, 1, "", "", f"{moved} cues moved into time order"))
        repairs.sort(key=lambda r: r.cue)
        work = [work[k] for k in order]
    gap = preset.min_gap_ms
    for i, cue in enumerate(work):
        nxt = work[i + 1] if i + 1 < len(work) else None
        end = cue.end_ms
        if nxt is not None and end > nxt.start_ms - gap and nxt.start_ms - gap > cue.start_ms:
            end = nxt.start_ms - gap
            repairs.append(Repair(RepairCode.RESOLVE_OVERLAP, i + 1, _span(cue), f"{cue.start_ms}-{end}",
                                  f"end moved to {gap} ms before cue {i + 2}"))
        free_until = nxt.start_ms - gap if nxt is not None else None
        if end - cue.start_ms < preset.min_duration_ms:
            target = cue.start_ms + preset.min_duration_ms
            new_end = target if free_until is None else max(end, min(target, free_until))
            if new_end > end:
                repairs.append(Repair(RepairCode.LENGTHEN, i + 1, f"{cue.start_ms}-{end}", f"{cue.start_ms}-{new_end}",
                                      f"lengthened into free time (minimum {preset.min_duration_ms} ms)"))
                end = new_end
        if free_until is not None and gap < nxt.start_ms - end <= preset.chain_gap_ms and free_until > end:
            repairs.append(Repair(RepairCode.CHAIN_GAP, i + 1, f"{cue.start_ms}-{end}", f"{cue.start_ms}-{free_until}",
                                  f"gap of {nxt.start_ms - end} ms chained to {gap} ms"))
            end = free_until
        if end != cue.end_ms:
            work[i] = replace(cue, end_ms=end)
    return tuple(work), tuple(repairs)
