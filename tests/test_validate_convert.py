"""What `captions convert` writes validates clean against the preset it was built with (issue 5).

The sample show speaks fast (about 20 characters per second), so too-fast warnings are expected:
the builder keeps the text verbatim and lists each such cue in its report.  What is asserted:
no error-severity finding, and every warning the validator gives is one the builder's report
lists too, for the same cues with the same measure.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from captions import read_transcript
from captions.formats import Format, render_srt, render_vtt
from captions.convert import convert_transcript
from captions.presets import DEFAULT_PRESET, PRESETS, get_preset
from captions.validate import check_text

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "techco-2026-03-05.txt"


@lru_cache(maxsize=None)
def _converted(preset_name: str):
    """The cues and report convert builds from the sample, and the validation of both files."""
    preset = get_preset(preset_name)
    result = convert_transcript(read_transcript(SAMPLE), preset)
    files = {Format.SRT: render_srt(result.cues),
             Format.VTT: render_vtt(result.cues, header_notes=result.header_notes)}
    checked = {fmt: check_text(text.encode("utf-8"), f"sample.{fmt.value}", preset)
               for fmt, text in files.items()}
    return result, checked


@pytest.mark.parametrize("fmt", list(Format))
def test_default_preset_output_has_no_error(fmt):
    result, checked = _converted(DEFAULT_PRESET)
    validation = checked[fmt]
    assert len(validation.cues) == len(result.cues) == result.report.cues
    errors = [(f.cue, f.code.value, f.message) for f in validation.findings if f.severity.value == "error"]
    assert errors == []
    # the rendered file is read back as the cues convert built (times, text as a viewer sees it)
    assert [(c.start_ms, c.end_ms, c.lines) for c in validation.cues] == \
        [(c.start_ms, c.end_ms, c.lines) for c in result.cues]


@pytest.mark.parametrize("fmt", list(Format))
def test_default_preset_warnings_are_the_reports_misses(fmt):
    result, checked = _converted(DEFAULT_PRESET)
    findings = [f for f in checked[fmt].findings if f.severity.value != "info"]
    misses = result.report.misses
    assert {f.code.value for f in findings} <= {m.code.value for m in misses}
    # the fast show: too-fast is expected, and both sides count it the same way, cue by cue
    fast = {f.cue: f for f in findings if f.code.value == "too-fast"}
    fast_report = {m.cue: m for m in misses if m.code.value == "too-fast"}
    assert fast, "the sample speaks at about 20 cps: some cue must be too fast"
    assert sorted(fast) == sorted(fast_report)
    assert result.report.reading.too_fast == len(fast)
    for cue, miss in fast_report.items():
        assert fast[cue].value == miss.value, cue
        assert fast[cue].limit == miss.limit, cue
    assert Counter(f.code.value for f in findings) == Counter(m.code.value for m in misses)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_output_has_no_error(name):
    result, checked = _converted(name)
    for fmt, validation in checked.items():
        errors = [(f.cue, f.code.value) for f in validation.findings if f.severity.value == "error"]
        assert errors == [], fmt
        assert len(validation.cues) == len(result.cues)


# Every warning the validator finds on the builder's output is one the builder's report lists
# (gaps of 500 ms or less after a pause used to be left unchained: chain-gap).
@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_warnings_are_in_the_report(name):
    result, checked = _converted(name)
    reported = {(m.code.value, m.cue) for m in result.report.misses}
    for validation in checked.values():
        found = {(f.code.value, f.cue) for f in validation.findings if f.severity.value == "warning"}
        assert found <= reported
