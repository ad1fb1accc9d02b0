"""What `captions convert` writes validates clean against the preset it was built with (issue 5).

The sample show speaks fast (about 20 characters per second), so too-fast warnings are expected:
the builder keeps the text verbatim and lists each such cue in its report.  What is asserted:
no error-severity finding, and the warnings are exactly the limits each cue breaks, measured
by hand from the file text.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from captions import read_transcript
from captions.formats import Format, render_srt, render_vtt
from captions.convert import convert_transcript
from captions.presets import DEFAULT_PRESET, PRESETS, get_preset
from captions.validate import check_text
from test_validate_measured import MEASURED, file_cues, over_the_limits

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "techco-2026-03-05.txt"


@lru_cache(maxsize=None)
def _converted(preset_name: str):
    """The cues and report convert builds from the sample, and the validation of both files."""
    preset = get_preset(preset_name)
    result = convert_transcript(read_transcript(SAMPLE), preset)
    checked = {fmt: check_text(_written(result, fmt).encode("utf-8"), f"sample.{fmt.value}", preset)
               for fmt in Format}
    return result, checked


def _written(result, fmt: Format) -> str:
    """The file convert writes in ``fmt``."""
    return render_srt(result.cues) if fmt is Format.SRT else render_vtt(result.cues, header_notes=result.header_notes)


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


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_output_has_no_error(name):
    result, checked = _converted(name)
    for fmt, validation in checked.items():
        errors = [(f.cue, f.code.value) for f in validation.findings if f.severity.value == "error"]
        assert errors == [], fmt
        assert len(validation.cues) == len(result.cues)


# --- every cue over a limit is reported, and no cue within the limits is ----------------------
# Measured by hand from the file text (test_validate_measured), not from the validator's cues.

@pytest.mark.parametrize("fmt", list(Format))
@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_cue_over_a_limit_is_reported_and_no_other(name, fmt):
    preset = get_preset(name)
    result, checked = _converted(name)
    cues = file_cues(_written(result, fmt), fmt)
    assert len(cues) == len(checked[fmt].cues)
    assert not any("<" in line for *_, lines in cues for line in lines)
    found = {(f.code.value, f.cue, f.line) for f in checked[fmt].findings if f.code.value in MEASURED}
    assert found == over_the_limits(cues, preset)


@pytest.mark.parametrize("fmt", list(Format))
def test_too_fast_cues_carry_their_speed_and_limit(fmt):
    preset = get_preset(DEFAULT_PRESET)
    result, checked = _converted(DEFAULT_PRESET)
    cues = file_cues(_written(result, fmt), fmt)
    fast = {f.cue: f for f in checked[fmt].findings if f.code.value == "too-fast"}
    assert fast, "the sample speaks at about 20 cps: some cue must be too fast"
    for number, finding in fast.items():
        _, start, end, lines = cues[number - 1]
        assert finding.value == round(sum(len(line) for line in lines) * 1000 / (end - start), 2), number
        assert finding.limit == preset.max_cps, number   # a flat limit: the same for every duration
