"""Timing: where speech starts and ends, from start-only stamps floored to the second.

The model (``docs/timing.md`` explains it with numbers):

1. **Local speech rate.**  Each stamp measures one rate (the characters said from it to the
   next stamp over the time between them); a fragment's rate is the median of the
   :data:`RATE_WINDOW` measures either side, so a pause is ignored instead of being taken
   for slow speech.
2. **Starts.**  An exact stamp (``precision_ms == 1``) is kept.  A floored stamp says the
   speech began somewhere in ``[stamp, stamp + 1 s)``.  The text before it cannot have been
   spoken faster than :data:`FAST_FACTOR` times the local rate, which moves the earliest
   possible start later; the text from it to the next stamp cannot either, which moves the
   latest possible start earlier.
   The estimate is the middle of what remains.  Fragments that share a stamp are one group:
   the group starts as above and its fragments follow one another in proportion to their
   length.
3. **Speech ends.**  A fragment's speech lasts its length at the local rate, and never runs
   into the next fragment's start: speech that would reach it is continuous, speech that
   ends well before it is followed by a pause.
4. **Cue times** (:func:`cue_times`): a cue ends when its speech ends plus a lag (at most
   0.5 s), longer when the reading speed needs it and the time is free, never later than the
   next cue's start minus the minimum gap; gaps up to ``chain_gap_ms`` are closed to the
   minimum gap (chaining; where the maximum duration stops a chain, the next cue starts up to
   two frames early instead); a cue never stretches over a pause, except that a cue whose
   sentence goes on in the next one (:attr:`CueTiming.bridge`) stays up to it, however long
   the gap the builder let it bridge (the preset's ``bridge_gap_ms``), within the maximum
   duration.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from .model import Fragment
from .presets import Preset

__all__ = ["SpeechSpan", "estimate_speech", "speech_from_times", "local_rates", "cue_times", "CueTiming",
           "DEFAULT_CPS"]

DEFAULT_CPS = 15.0     # used only when a transcript is too short to measure its own rate
SLOW_CPS = 6.0         # slower than this is not speech but speech and silence
MAX_CPS = 40.0         # faster than this is a stamp error, not speech
FAST_FACTOR = 2.0      # text is never spoken faster than this many times the local rate
RATE_WINDOW = 8        # fragments either side used to measure the local rate
PAUSE_MS = 1500        # silence after a fragment's speech that makes a pause (cues never cross one)
MAX_HANG_MS = 1500     # how long after its speech a cue may stay to meet the reading speed


@dataclass(frozen=True, slots=True)
class SpeechSpan:
    """When a fragment's speech is estimated to run.

    Attributes:
        start_ms / end_ms: the estimated speech, ``[start_ms, end_ms)``.
        rate_cps: the local speech rate used, characters per second.
        pause_after: silence or music follows (the next speech starts ``PAUSE_MS`` or more later).
    """

    start_ms: int
    end_ms: int
    rate_cps: float
    pause_after: bool


def _chars(fragment: Fragment) -> int:
    return len(fragment.text) + 1   # the space that joins it to the next one is spoken time too


def local_rates(fragments: Sequence[Fragment], *, window: int = RATE_WINDOW,
                default_cps: float = DEFAULT_CPS) -> tuple[float, ...]:
    """The speech rate around each fragment, in characters per second.

    Each stamp gives one measure: the characters of the fragments that share it divided by
    the time to the next stamp.  A fragment's rate is the median of the measures of the
    ``window`` stamps either side: a pause (silence, music) gives one very slow measure, which
    the median ignores, where a mean would take it for slow speech.  Fewer than three
    measures: ``default_cps``.  Linear in the fragments (the window is fixed).

    >>> frags = [Fragment(i * 2000, "x" * 29, i + 1) for i in range(20)]
    >>> local_rates(frags)[10]
    15.0
    """
    n = len(fragments)
    measures: list[float | None] = []   # one per group of fragments sharing a stamp
    group_of = [0] * n
    i = 0
    while i < n:
        j, chars = i, 0
        while j < n and fragments[j].start_ms == fragments[i].start_ms:
            chars += _chars(fragments[j])
            group_of[j] = len(measures)
            j += 1
        gap = fragments[j].start_ms - fragments[i].start_ms if j < n else 0
        measures.append(min(max(chars * 1000 / gap, SLOW_CPS), MAX_CPS) if gap > 0 else None)
        i = j
    # the measures of groups g - window .. g + window, kept sorted as the window slides
    rates_per_group = []
    near = sorted(m for m in measures[:window] if m is not None)
    count = len(measures)
    for g in range(count):
        entering = measures[g + window] if g + window < count else None
        if entering is not None:
            insort(near, entering)
        leaving = measures[g - window - 1] if g - window - 1 >= 0 else None
        if leaving is not None:
            del near[bisect_left(near, leaving)]
        rates_per_group.append(near[len(near) // 2] if len(near) >= 3 else default_cps)
    return tuple(rates_per_group[group_of[k]] for k in range(n))


def estimate_speech(fragments: Sequence[Fragment], *,
                    default_cps: float = DEFAULT_CPS) -> tuple[SpeechSpan, ...]:
    """Estimated speech start and end of each fragment (see the module docstring).

    Starts never go backwards and stay inside each stamp's precision window.

    >>> spans = estimate_speech([Fragment(1000, "Bonsoir à tous.", 1), Fragment(1000, "Merci.", 1),
    ...                          Fragment(9000, "Voilà.", 2)])
    >>> [(s.start_ms, s.end_ms, s.pause_after) for s in spans]
    [(1500, 2566, False), (2566, 3033, True), (9500, 9967, True)]
    """
    if not fragments:
        return ()
    if any(f.words or f.end_ms is not None for f in fragments):
        return speech_from_times(fragments, default_cps=default_cps)
    rates = local_rates(fragments, default_cps=default_cps)
    size = [_chars(f) for f in fragments]
    starts = _group_starts(fragments, _stamp_groups(fragments), rates, size)
    _keep_in_order(starts, fragments)
    return _spans(starts, size, rates)


def speech_from_times(fragments: Sequence[Fragment], *, default_cps: float = DEFAULT_CPS) -> tuple[SpeechSpan, ...]:
    """The speech of fragments whose input gives its times (a recogniser's segments and words,
    timed captions): from the first word's start to the last word's end, or the fragment's own
    ``[start_ms, end_ms)``; nothing is estimated.  Fragments without times (in a file that mixes
    them) are estimated as :func:`estimate_speech` does.  Speech never runs into the next
    fragment's start; a pause follows when the next speech starts ``PAUSE_MS`` or more later.

    >>> from captions.model import Word
    >>> spans = speech_from_times([Fragment(500, "Hi there.", 1, precision_ms=1, end_ms=1400,
    ...                                     words=(Word("Hi", 500, 700), Word("there.", 800, 1200))),
    ...                            Fragment(4000, "Yes.", 2, precision_ms=1, end_ms=4600)])
    >>> [(s.start_ms, s.end_ms, s.pause_after) for s in spans]
    [(500, 1200, True), (4000, 4600, True)]
    """
    known = [_known_span(f) for f in fragments]
    if any(k is None for k in known):
        untimed = [f for f, k in zip(fragments, known) if k is None]
        guessed = iter(_estimate(untimed, default_cps))
        known = [k if k is not None else next(guessed) for k in known]
    spans: list[tuple[int, int]] = [k for k in known if k is not None]
    out = []
    for k, (start, end) in enumerate(spans):
        following = spans[k + 1][0] if k + 1 < len(spans) else None
        if following is not None and following > start:
            end = min(end, following)
        end = max(end, start + 1)
        rate = min(max(_chars(fragments[k]) * 1000 / (end - start), SLOW_CPS), MAX_CPS)
        out.append(SpeechSpan(start, end, rate, following is None or following - end >= PAUSE_MS))
    return tuple(out)


def _known_span(fragment: Fragment) -> tuple[int, int] | None:
    """The speech the input gives for a fragment: its words', or its own start and end."""
    if fragment.words:
        return fragment.words[0].start_ms, fragment.words[-1].end_ms
    if fragment.end_ms is not None:
        return fragment.start_ms, fragment.end_ms
    return None


def _estimate(fragments: Sequence[Fragment], default_cps: float) -> list[tuple[int, int]]:
    """The estimated speech of fragments that carry no times (see :func:`estimate_speech`)."""
    if not fragments:
        return []
    rates = local_rates(fragments, default_cps=default_cps)
    size = [_chars(f) for f in fragments]
    starts = _group_starts(fragments, _stamp_groups(fragments), rates, size)
    _keep_in_order(starts, fragments)
    return [(s.start_ms, s.end_ms) for s in _spans(starts, size, rates)]


def _stamp_groups(fragments: Sequence[Fragment]) -> list[tuple[int, int]]:
    """``(first, end)`` of each run of fragments sharing one stamp."""
    n = len(fragments)
    groups: list[tuple[int, int]] = []
    i = 0
    while i < n:
        j = i + 1
        while j < n and fragments[j].start_ms == fragments[i].start_ms:
            j += 1
        groups.append((i, j))
        i = j
    return groups


def _window_end(fragment: Fragment) -> int:
    """The last millisecond its stamp's precision allows for the start of its speech."""
    return fragment.start_ms + max(fragment.precision_ms, 1) - 1


def _group_starts(fragments: Sequence[Fragment], groups: Sequence[tuple[int, int]], rates: Sequence[float],
                  size: Sequence[int]) -> list[float]:
    """The estimated start of each fragment: each group starts in the middle of what its
    stamp and its neighbours leave possible, and its fragments follow one another in
    proportion to their length."""
    starts = [0.0] * len(fragments)
    earliest_next = float("-inf")   # when the previous group's text, spoken fast, is over
    for g, (a, b) in enumerate(groups):
        first = fragments[a]
        stamp, width = first.start_ms, max(first.precision_ms, 1)
        chars = sum(size[a:b])
        fast_ms = chars * 1000 / (rates[a] * FAST_FACTOR)   # the least time it can take
        group_ms = chars * 1000 / rates[a]
        following = fragments[groups[g + 1][0]] if g + 1 < len(groups) else None
        if width == 1:
            start = float(stamp)
        else:
            lo = max(float(stamp), earliest_next)
            hi = float(stamp + width - 1)
            if following is not None:
                hi = min(hi, _window_end(following) - fast_ms)
            lo, hi = min(lo, stamp + width - 1), max(hi, stamp)
            start = (lo + hi) / 2   # the middle of what the neighbours leave possible
        # spread the group's fragments in proportion to their length, inside the time it has
        room = group_ms
        if following is not None and b - a > 1:   # the last one starts before the next stamp's window ends
            room = min(room, max(_window_end(following) - start, 0.0))
        offset = 0.0
        for k in range(a, b):
            starts[k] = start + room * offset / chars
            offset += size[k]
        earliest_next = start + fast_ms
    return starts


def _keep_in_order(starts: list[float], fragments: Sequence[Fragment]) -> None:
    """Starts are estimates of an increasing sequence: keep them so, and never later than the
    window of a later stamp's first fragment (an exact stamp after a group spread by length
    stays exact; the fragments of a group may run past their shared stamp's window)."""
    latest = float("inf")
    for k in range(len(starts) - 1, -1, -1):
        frag = fragments[k]
        if k == 0 or fragments[k - 1].start_ms != frag.start_ms:
            latest = min(latest, _window_end(frag))
        if starts[k] > latest:
            starts[k] = latest
    starts[:] = accumulate(starts, max)


def _spans(starts: Sequence[float], size: Sequence[int], rates: Sequence[float]) -> tuple[SpeechSpan, ...]:
    """Each fragment's speech from its start: its length at the local rate, never into the
    next fragment's start; a pause follows when the next start is far enough."""
    rounded = [round(start) for start in starts]
    out = []
    for start, next_start, chars, rate in zip(rounded, rounded[1:] + [None], size, rates):
        spoken = start + chars * 1000 / rate
        if next_start is None:
            end, pause = round(spoken), True
        else:
            end = min(round(spoken), next_start)
            pause = next_start - end >= PAUSE_MS
        out.append(SpeechSpan(start, max(end, start + 1), rate, pause))   # (start_ms, end_ms, rate_cps, pause_after)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class CueTiming:
    """The speech a cue carries: when it starts and ends, and whether a pause follows.

    Attributes:
        chars: its reading units (characters, or the words of a words-per-minute preset).
        bridge: its sentence goes on in the next cue: it stays on screen up to the next one
            (the minimum gap before it), within the maximum duration.
    """

    speech_start_ms: int
    speech_end_ms: int
    chars: int
    pause_after: bool
    bridge: bool = False
    exact_start: bool = False   # the speech start is a recogniser's or a caption's time: never moved later


def cue_times(cues: Sequence[CueTiming], preset: Preset) -> list[tuple[int, int]]:
    """Display ``(start_ms, end_ms)`` of each cue from its speech (see the module docstring).

    The end is the speech end plus the preset's lag, lengthened into free time (up to
    :data:`MAX_HANG_MS` after the speech, or across a chained gap) when the reading speed or the
    minimum duration needs it, and capped by the maximum duration and the next start minus the
    minimum gap.  Starts never move, except that a cue never starts before the previous one
    plus the minimum gap.

    >>> from captions.presets import get_preset
    >>> cue_times([CueTiming(0, 1800, 30, False), CueTiming(2000, 3000, 10, True)], get_preset("fr-tv"))
    [(0, 1920), (2000, 3500)]
    >>> cue_times([CueTiming(0, 1000, 20, False, bridge=True), CueTiming(2800, 3600, 10, True)], get_preset("fr-tv"))
    [(0, 2720), (2800, 4100)]
    """
    gap = preset.min_gap_ms
    lag = min(preset.lag_ms, 500)
    out: list[tuple[int, int]] = []
    n = len(cues)
    prev_end = -gap
    starts: list[int] = []
    reading: dict[int, int] = {}   # chars -> the display time they need (a few distinct values)
    for cue in cues:
        start = max(cue.speech_start_ms, prev_end + gap, 0) if not cue.exact_start else _exact_start(cue, starts, gap)
        starts.append(start)
        prev_end = max(start + 1, cue.speech_end_ms)
    for k, cue in enumerate(cues):
        start = starts[k]
        speech_end = max(cue.speech_end_ms, start + 1)
        limit = starts[k + 1] - gap if k + 1 < n else None
        longest = max(speech_end + max(lag, MAX_HANG_MS), start + preset.min_duration_ms)
        if limit is not None:
            longest = min(longest, limit)
        if preset.max_duration_ms is not None:
            longest = min(longest, start + preset.max_duration_ms)
        need = reading.get(cue.chars)
        if need is None:
            need = reading[cue.chars] = _reading_ms(cue.chars, preset)
        want = max(speech_end + lag, start + preset.min_duration_ms, start + need)
        end = min(want, longest) if want > speech_end + lag else min(speech_end + lag, longest)
        # chaining: a small gap to the next cue is closed to the minimum gap, after a pause
        # too (the cue already stays into the silence; half a second more does not make it
        # sit through it)
        if limit is not None and cue.bridge and limit - end > preset.chain_gap_ms:
            end = min(limit, start + preset.max_duration_ms) if preset.max_duration_ms is not None else limit
        if limit is not None and 0 < limit - end <= preset.chain_gap_ms:
            end = limit
            if preset.max_duration_ms is not None and end > start + preset.max_duration_ms:
                end = start + preset.max_duration_ms
                # the maximum duration stops the chain: the next cue may start up to two
                # frames before its speech (Netflix allows it) to close the gap instead,
                # unless its start is a known time (a recogniser's word): that one stays
                if limit - end <= round(2000 / preset.fps) and not cues[k + 1].exact_start:
                    starts[k + 1] = end + gap
        end = max(end, start + 1)
        out.append((start, end))
    return out


def _exact_start(cue: CueTiming, starts: Sequence[int], gap: int) -> int:
    """A cue whose speech start is known exactly starts there: the cue before it ends the
    minimum gap earlier instead (unless the two would start closer than that gap)."""
    return max(cue.speech_start_ms, starts[-1] + gap + 1 if starts else 0, 0)


def _reading_ms(chars: int, preset: Preset) -> int:
    """The shortest display time at which ``chars`` (the preset's reading units: characters, or
    words for a words-per-minute preset) meet the preset's reading speed."""
    if preset.max_units_for(1000) is None:
        return 0
    lo, hi = 0, 60_000
    while lo < hi:   # max_units_for is increasing in the duration
        mid = (lo + hi) // 2
        allowed = preset.max_units_for(mid)
        if allowed is not None and allowed >= chars:
            hi = mid
        else:
            lo = mid + 1
    return lo
