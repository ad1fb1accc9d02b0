"""Every stamp the writers format reads back, through the readers' parsers, as the same time."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from captions.timecode import (
    CLOCK, CLOCK_MILLIS, SRT_LENIENT, SRT_STRICT, VTT_STRICT, clock_ms, format_clock, format_srt, format_vtt,
    from_fields, srt_time, vtt_timestamp,
)

HOUR = 3_600_000
_SRT = re.compile(SRT_LENIENT)
_CLOCK = re.compile(CLOCK + CLOCK_MILLIS + "?")


@given(st.integers(min_value=0, max_value=100 * HOUR - 1))
def test_format_srt_reads_back_through_srt_time(ms):
    text = format_srt(ms)
    match = _SRT.fullmatch(text)
    assert match is not None and re.fullmatch(SRT_STRICT, text)
    assert srt_time(*match.groups()) == (ms, ())


@given(st.integers(min_value=0, max_value=10_000 * HOUR))
def test_format_vtt_reads_back_through_vtt_timestamp(ms):
    text = format_vtt(ms)
    assert vtt_timestamp(text) == (ms, len(text))
    assert vtt_timestamp(f"--> {text} align:start", 4) == (ms, 4 + len(text))
    if ms < 100 * HOUR:
        assert re.fullmatch(VTT_STRICT, text)


@given(st.integers(min_value=0, max_value=100 * HOUR - 1), st.booleans())
def test_format_clock_reads_back_through_clock_ms(ms, hours):
    text = format_clock(ms, millis=True, hours=hours)
    match = _CLOCK.fullmatch(text)
    assert match is not None and clock_ms(match) == ms
    whole = format_clock(ms, hours=hours)
    match = _CLOCK.fullmatch(whole)
    assert match is not None and clock_ms(match) == ms - ms % 1000


@given(st.integers(min_value=0, max_value=99), st.integers(min_value=0, max_value=59),
       st.integers(min_value=0, max_value=59), st.integers(min_value=0, max_value=999))
def test_two_stamps_in_one_pattern_read_with_their_prefix(h, m, s, f):
    ms = from_fields(h, m, s, f)
    both = re.fullmatch(CLOCK.replace("?P<", "?P<a") + " " + CLOCK.replace("?P<", "?P<b"),
                        format_clock(ms, hours=True) + " " + format_clock(ms))
    assert both is not None
    assert clock_ms(both, "a") == clock_ms(both, "b") == ms - f


@pytest.mark.parametrize("ms", [-1, -1000])
def test_negative_times_are_refused(ms):
    for fmt in (format_srt, format_vtt, format_clock):
        with pytest.raises(ValueError):
            fmt(ms)
