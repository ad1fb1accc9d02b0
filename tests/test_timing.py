"""The timing model: starts inside the floored second, shared stamps spread by length, speech
ends, pauses, and cue display times (lag, chaining, minimum gap, never across a pause)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from captions.model import Fragment
from captions.presets import get_preset
from captions.timing import CueTiming, cue_times, estimate_speech, local_rates

PRESET = get_preset("fr-tv")


def _steady(count: int, every_ms: int = 2000, chars: int = 29) -> list[Fragment]:
    return [Fragment(i * every_ms, "x" * chars, i + 1) for i in range(count)]


def test_local_rate_is_measured_from_the_transcript():
    assert local_rates(_steady(20, 2000, 29))[10] == 15.0     # 30 chars every 2 s
    assert local_rates(_steady(20, 1000, 19))[10] == 20.0     # 20 chars every second


def test_a_pause_is_not_taken_for_slow_speech():
    frags = _steady(10, 1000, 19)
    frags.insert(5, Fragment(5000, "x" * 19, 99))
    frags = frags[:6] + [Fragment(f.start_ms + 30_000, f.text, f.line) for f in frags[6:]]
    assert local_rates(frags)[5] == 20.0


def test_exact_stamps_are_kept():
    frags = [Fragment(1234, "Bonsoir.", 1, precision_ms=1), Fragment(2345, "Merci.", 2, precision_ms=1)]
    assert [s.start_ms for s in estimate_speech(frags)] == [1234, 2345]


def test_starts_stay_inside_their_second_and_never_go_back():
    stamps = [0, 1, 1, 2, 9]
    frags = [Fragment(s * 1000, "mot " * n, i) for i, (s, n) in enumerate(zip(stamps, [3, 9, 2, 5, 4]))]
    spans = estimate_speech(frags)
    for k, (frag, span) in enumerate(zip(frags, spans)):
        if k == 0 or frags[k - 1].start_ms != frag.start_ms:     # the first of its stamp
            assert frag.start_ms <= span.start_ms < frag.start_ms + 1000
        else:   # the next ones follow it, at the latest within the next stamp's second
            assert spans[k - 1].start_ms < span.start_ms < frags[k + 1].start_ms + 1000
    assert [s.start_ms for s in spans] == sorted(s.start_ms for s in spans)


def test_fragments_sharing_a_stamp_are_spread_by_length():
    frags = _steady(6, 2000, 29)[:3] + [Fragment(6000, "a" * 9, 4), Fragment(6000, "b" * 29, 5),
                                         Fragment(6000, "c" * 9, 6)] + \
        [Fragment(9000 + i * 2000, "x" * 29, 7 + i) for i in range(4)]
    spans = estimate_speech(frags)
    first, second, third = spans[3:6]
    assert first.start_ms < second.start_ms < third.start_ms
    # the long fragment in the middle takes about three times the short one's time
    assert 2.5 < (third.start_ms - second.start_ms) / (second.start_ms - first.start_ms) < 3.5


def test_text_that_must_be_said_before_the_next_stamp_starts_early():
    # 45 characters at 15 cps take 3 s; the next stamp is 3 s later: the speech began early
    frags = _steady(8, 3000, 44)
    frags[4] = Fragment(12_000, "y" * 44, 5)
    crowded = estimate_speech(frags)[4].start_ms - 12_000
    frags2 = [*frags[:5], *(Fragment(f.start_ms + 5000, f.text, f.line) for f in frags[5:])]
    relaxed = estimate_speech(frags2)[4].start_ms - 12_000
    assert crowded <= relaxed


def test_a_long_jump_between_stamps_is_a_pause():
    spans = estimate_speech([Fragment(0, "Bonsoir à tous.", 1), Fragment(12_000, "Voilà.", 2)])
    assert spans[0].pause_after and spans[0].end_ms < 3000


def test_cue_end_is_speech_end_plus_lag_at_most_half_a_second():
    (start, end), _ = cue_times([CueTiming(0, 1500, 10, True), CueTiming(9000, 10_000, 10, True)], PRESET)
    assert end == 2000


def test_cue_never_ends_after_next_start_minus_min_gap():
    times = cue_times([CueTiming(0, 2000, 60, False), CueTiming(3000, 4000, 10, True)], PRESET)
    assert times[0][1] == 3000 - PRESET.min_gap_ms       # wanted 3000 for reading speed
    # speech that runs into the gap moves the next start by less than the gap, never overlaps
    times = cue_times([CueTiming(0, 2950, 40, False), CueTiming(3000, 4000, 10, True)], PRESET)
    assert times[0][1] + PRESET.min_gap_ms == times[1][0] < 3000 + PRESET.min_gap_ms


def test_small_gaps_are_chained_to_the_min_gap():
    times = cue_times([CueTiming(0, 1000, 5, False), CueTiming(1900, 3000, 5, True)], PRESET)
    assert times[1][0] - times[0][1] == PRESET.min_gap_ms


def test_a_small_gap_after_a_pause_is_chained_too():
    # 60 characters need 3 s: the cue stays into the silence until 3,000 ms, 420 ms before the
    # next cue can start (3,500 - 80): the gap is closed instead of flashing the screen empty
    (_, end), (start, _) = cue_times([CueTiming(0, 2000, 60, True), CueTiming(3500, 4000, 5, True)], PRESET)
    assert start - end == PRESET.min_gap_ms
    # a long silence after it is still not crossed
    (_, end), _ = cue_times([CueTiming(0, 2000, 60, True), CueTiming(5000, 5500, 5, True)], PRESET)
    assert end == 3000


def test_reading_speed_uses_free_time_but_not_across_a_pause():
    # 60 characters need 3 s at 20 cps; the speech lasts 1.5 s and 10 s of silence follow
    (start, end), _ = cue_times([CueTiming(0, 1500, 60, True), CueTiming(11_500, 12_000, 5, True)], PRESET)
    assert end == 3000                      # lengthened to the reading time, no more
    (start, end), _ = cue_times([CueTiming(0, 1500, 200, True), CueTiming(11_500, 12_000, 5, True)], PRESET)
    assert end == 1500 + 1500               # at most MAX_HANG_MS after the speech


_FRAGS = st.lists(st.tuples(st.integers(0, 4), st.text(alphabet="ab ", min_size=1, max_size=60),
                            st.sampled_from([1, 1000])), min_size=1, max_size=40)


@given(_FRAGS)
@settings(max_examples=100, deadline=None)
def test_speech_and_cue_times_are_ordered(steps):
    t, frags = 0, []
    for i, (step, text, precision) in enumerate(steps):
        t += step * 1000 + (137 if precision == 1 else 0) * (i % 3)
        frags.append(Fragment(t, " ".join(text.split()) or "a", i + 1, precision_ms=precision))
    spans = estimate_speech(frags)
    for a, b in zip(spans, spans[1:]):
        assert a.start_ms <= b.start_ms and a.end_ms <= b.start_ms + 1
    for k, (frag, span) in enumerate(zip(frags, spans)):
        if k == 0 or frags[k - 1].start_ms != frag.start_ms:   # first of its stamp: inside its window
            assert frag.start_ms <= span.start_ms < frag.start_ms + frag.precision_ms
    timings = [CueTiming(s.start_ms, s.end_ms, 10, s.pause_after) for s in spans]
    times = cue_times(timings, PRESET)
    for (s1, e1), (s2, e2) in zip(times, times[1:]):
        assert s1 < e1 and e1 + PRESET.min_gap_ms <= s2


def test_an_exact_stamp_after_a_group_spread_by_length_stays_exact():
    # found by the property above: three fragments at 0 s spread at 6 cps ran to 1,167 ms and
    # pushed the exact stamp at 1,137 ms later
    stamps = [(0, "a", 1), (0, "aaaa", 1000), (0, "a", 1000), (1000, "a", 1000), (1137, "a", 1),
              (2411, "a", 1), (3411, "a", 1), (4548, "a", 1)]
    frags = [Fragment(t, text, k + 1, precision_ms=p) for k, (t, text, p) in enumerate(stamps)]
    spans = estimate_speech(frags)
    assert spans[4].start_ms == 1137
    assert 1000 <= spans[3].start_ms <= 1137


def test_a_chain_stopped_by_the_maximum_duration_starts_the_next_cue_two_frames_early():
    # the first cue needs its full 7 s; the next speech starts 7,100 ms in: 100 ms gap > 80 ms
    times = cue_times([CueTiming(0, 6900, 140, False), CueTiming(7100, 9000, 20, True)], PRESET)
    assert times[0] == (0, 7000)
    assert times[1][0] == 7000 + PRESET.min_gap_ms and 7100 - times[1][0] <= 2000 / PRESET.fps
