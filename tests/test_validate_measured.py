"""The checks against measures taken by hand from a caption file's text.

The helpers here read a rendered SRT or WebVTT file with plain string work (its timing lines
and text lines) and list every limit each cue breaks with plain arithmetic, so that a check
that misses a cue, reports a cue within the limits, or points at the wrong line fails.
test_validate_convert.py uses them on what `captions convert` writes.
"""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from captions.formats import Format, render_srt, render_vtt
from captions.model import Cue
from captions.presets import PRESETS, Preset, SpeedUnit, get_preset
from captions.validate import check_text

#: The codes :func:`over_the_limits` measures.
MEASURED = {"too-fast", "line-too-long", "too-many-lines", "too-short", "too-long", "out-of-order", "overlap",
            "no-gap", "gap-too-small", "chain-gap"}

_TIMING = re.compile(r"(\d+):(\d\d):(\d\d)[,.](\d{3}) --> (\d+):(\d\d):(\d\d)[,.](\d{3})")

FileCue = tuple[int, int, int, list[str]]


def file_cues(text: str, fmt: Format) -> list[FileCue]:
    """(timing line number, start ms, end ms, lines as a viewer reads them) of each cue of a
    rendered file: a timing line, then the text lines up to the next blank line."""
    cues = []
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        m = _TIMING.match(line)
        if m:
            h1, m1, s1, ms1, h2, m2, s2, ms2 = (int(g) for g in m.groups())
            shown = []
            for t in lines[number:]:
                if not t:
                    break
                shown.append(html.unescape(t) if fmt is Format.VTT else t)
            cues.append((number, (h1 * 60 + m1) * 60_000 + s1 * 1000 + ms1,
                         (h2 * 60 + m2) * 60_000 + s2 * 1000 + ms2, shown))
    return cues


def over_the_limits(cues: list[FileCue], preset: Preset) -> set[tuple[str, int, int]]:
    """(code, cue number, file line) of every limit each cue breaks, measured by hand (the text
    has no tag and no control character, so every character of a line counts)."""
    over = set()
    for number, (at, start, end, lines) in enumerate(cues, start=1):
        over.update((code, number, at) for code in _cue_over(start, end, lines, preset))
        over.update(("line-too-long", number, at + 1 + k) for k, line in enumerate(lines)
                    if preset.max_chars is not None and len(line) > preset.max_chars)
        if number > 1:
            over.update((code, number, at) for code in _gap_over(cues[number - 2], start, preset))
    return over


def _cue_over(start: int, end: int, lines: list[str], preset: Preset) -> list[str]:
    duration, chars = end - start, sum(len(line) for line in lines)
    if preset.speed_unit is SpeedUnit.WPM:   # a words-per-minute preset counts words: letters or digits between spaces
        chars = sum(1 for line in lines for word in line.split() if any(ch.isalnum() for ch in word))
    over = []
    allowed = preset.max_units_for(duration)
    if duration > 0 and allowed is not None and chars > allowed + 1e-9:   # right at the limit is within it
        over.append("too-fast")
    if len(lines) > preset.max_lines:
        over.append("too-many-lines")
    if 0 < duration < preset.min_duration_ms:
        over.append("too-short")
    if preset.max_duration_ms is not None and duration > preset.max_duration_ms:
        over.append("too-long")
    return over


def _gap_over(previous: FileCue, start: int, preset: Preset) -> list[str]:
    _, previous_start, previous_end, _ = previous
    gap, min_gap = start - previous_end, preset.min_gap_ms
    if start < previous_start:
        return ["out-of-order"]
    if gap < 0:
        return ["overlap"]
    if gap == 0 and min_gap > 0:
        return ["no-gap"]
    # a gap within half a frame of the minimum is the minimum (frame counts written in ms round)
    slack = 500 / preset.fps
    if 0 < gap < min_gap - slack:
        return ["gap-too-small"]
    if min_gap + slack < gap <= preset.chain_gap_ms:
        return ["chain-gap"]
    return []


# --- any file -----------------------------------------------------------------------------------

_word = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzé"), min_size=1, max_size=14)
_line = st.lists(_word, min_size=1, max_size=6).map(" ".join)


@st.composite
def _cues(draw: st.DrawFn, preset: Preset) -> list[Cue]:
    """Cues of 1-4 lines, shown for -100 ms to 9 s, after gaps from an overlap to a long pause;
    half the gaps and durations sit on one of the preset's limits or a millisecond either side
    (where a check written with < instead of <= differs)."""
    slack = round(500 / preset.fps)
    edges = sorted({n + d for n in (preset.min_duration_ms, preset.max_duration_ms or 0, preset.min_gap_ms,
                                    preset.min_gap_ms - slack, preset.min_gap_ms + slack, preset.chain_gap_ms, 0)
                    for d in (-1, 0, 1)})
    cues, t = [], draw(st.integers(0, 10_000))
    for _ in range(draw(st.integers(1, 8))):
        t = max(0, t + draw(st.integers(-1500, 1200) | st.sampled_from(edges)))
        duration = draw(st.integers(-100, 9000) | st.sampled_from(edges))
        cues.append(Cue(t, max(0, t + duration), tuple(draw(st.lists(_line, min_size=1, max_size=4)))))
        t += max(duration, 0)
    return cues


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(PRESETS)).flatmap(lambda name: st.tuples(st.just(name), _cues(get_preset(name)))),
       st.sampled_from(list(Format)))
def test_every_cue_over_a_limit_is_reported_and_no_other(named_cues, fmt):
    name, cues = named_cues
    preset = get_preset(name)
    text = render_srt(cues) if fmt is Format.SRT else render_vtt(cues)
    result = check_text(text.encode("utf-8"), f"x.{fmt.value}", preset, lang="en")
    found = {(f.code.value, f.cue, f.line) for f in result.findings if f.code.value in MEASURED}
    assert found == over_the_limits(file_cues(text, fmt), preset)
