"""Each fragment's speech, from the sound: where it starts inside its stamp's second, where it ends.

The stamps say a fragment's speech starts somewhere in ``[stamp, stamp + precision)``; the sound
says where speech can start and how much of it there is.  :func:`align_fragments` chooses every
start at once, by dynamic programming over candidate frames in each fragment's window:

* **a start costs less where speech begins**: a frame where the voice band rises out of a
  quiet stretch (the longer the quiet, the cheaper: up to :data:`QUIET_FULL_MS`, and a little
  more up to :data:`PAUSE_MS`, longer than a comma's pause inside a line), less so at
  the bottom of an energy dip inside speech, less again where the voice's pitch jumps between
  the last voiced frames before it and the first after it (another person speaks, or a new
  phrase resets the pitch), less where the shape of the voice's spectrum (its timbre) differs
  between the speech of the :data:`CHANGE_MS` before and after it (another person speaks: the
  distance of the two averages, as speaker-change detectors measure it, against the distances
  the same file gives inside its speech), less again where the speech around the whole window
  reads as two voices split there (the speech surely the fragment before's, from the end of
  its window, and surely this one's, up to the next window: how much of the timbre's scatter
  two averages split at the frame explain beyond one, past what one voice's own phonemes
  explain: :data:`_SPLIT_NULL`; more speech on each side than the short comparison, so it finds
  the turn when nothing else marks it, between two voices with no pause), and more inside
  silence or inside running sound; a loud frame is speech's only near a frame the voice
  detector does not call silence (a music bed's note is no start);
* **a second pass hears each line's own voice**: with every start chosen once, each fragment's
  pitch is the median of its speech's voiced frames and its level the median of its loud
  frames' (its core, away from the windows), and every start is chosen again, each candidate
  saving :data:`_FIT_PITCH` for every voiced frame of its window whose pitch is nearer the line
  it falls to than the line on the other side of it, and :data:`_FIT_LEVEL` for every loud
  frame whose level is (and paying as much for every one the other way): speakers differ in
  loudness as in pitch;
* **a fragment costs its syllables**: the syllable nuclei heard between its start and the next
  one (peaks of the voice band standing :data:`PROMINENCE_DB` above the dip before them, where
  the detector hears a voice)
  against the syllables of its text (vowel groups), scaled by how many nuclei the sound gives
  per written syllable over the whole file.  Counting syllables
  rather than measuring time keeps the rule true when the speaking rate changes from one
  fragment to the next (continuous talk has few silences at fragment boundaries: the counts
  place most of those starts).

A start the voice detector alone makes (the sound just before it is as loud, but the detector
hears no voice there yet: it misses some lines' first syllable) moves back to where that sound
begins, by at most :data:`HEAD_MS`.
A start after a pause takes in half the faint sound just before the first loud frame (at most
:data:`LEAD_MS`: a voiceless first consonant, ``s`` or ``f``, is faint; a codec's pre-echo looks
the same, so half).  A fragment's speech ends after the last run of loud frames (near the
voice's own level: a bed's note after it does not keep it going) its speech reaches before the
next start (through pauses of up to :data:`INNER_PAUSE_MS`; runs too short to be speech, a note
or a click of the bed, do not count), with its faint tail; a pause follows when the silence
after it is long enough that a cue held over it would sit over silence longer than the preset
allows (``max_silence_ms``, the preset's chaining gap).
The result is the same :class:`~captions.timing.SpeechSpan` sequence
:func:`captions.timing.estimate_speech` gives from the text alone, so the cue builder is the
same with or without the sound.  Where the sound has nothing in a fragment's window (the media
is shorter, or silent there), that fragment keeps the text's estimate.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..model import Fragment
from ..timing import MAX_CPS, SLOW_CPS, SpeechSpan, estimate_speech
from .detect import OFF, TAIL_DB, Bands, run_start
from .speech import FRAME_MS, Sound

__all__ = ["align_fragments", "syllables", "Listening", "QUIET_LEAST_MS", "QUIET_FULL_MS", "INNER_PAUSE_MS", "TAIL_MS",
           "MIN_RUN_MS", "SPEECH_REACH_MS", "PROMINENCE_DB", "TURN_SEMITONES", "TURN_MOST", "CHANGE_MS",
           "PAUSE_MS", "LEAD_MS", "HEAD_MS"]

QUIET_LEAST_MS = 30      # a rise after less quiet is a syllable, not a start (a stop consonant's closure)
QUIET_FULL_MS = 250      # a rise after this much quiet is a sure start
PAUSE_MS = 800           # and after this much (longer than a comma's pause inside a line), surer still:
_PAUSE_MORE = 0.5        # its rise counts this much more (a line's first word, not its second after a comma)
_STEP = 3                # candidate starts: every 30 ms, plus every rise and every dip
_MIN_FRAGMENT = 5        # frames: a fragment lasts at least 50 ms
INNER_PAUSE_MS = 1200    # a fragment's speech goes on through pauses this long (a full stop in slow speech)
HEAD_MS = 250            # a start where only the detector's speech begins moves back over this much sound at most
LEAD_MS = 150            # a start after a pause takes in the faint sound just before it, at most this long
_LEAD_SHARE = 0.5        # half of it: a voiceless first consonant and a codec's pre-echo look alike
TAIL_MS = 30             # and ends with the faint tail of its last loud frame, at most this long
SPEECH_REACH_MS = 60     # a loud frame is speech's within this much of a frame the detector does not call
                         # silence (:data:`~.detect.OFF`; its 32 ms window lags a sharp onset): a note of a
                         # music bed, a door, is no start and does not draw an end on
MIN_RUN_MS = 30          # loud runs shorter than this after a pause are the bed, not speech going on
# the weights of the costs (per start, per fragment)
_START_RISE = 4.0        # saved at a rise after enough quiet
_START_DIP = 1.5         # saved at the bottom of a dip
_START_SILENT = 3.0      # paid by a start in silence (nothing loud in the next 50 ms)
_START_INSIDE = 3.0      # paid by a start inside running sound (no quiet just before it, no dip)
_START_TURN = 2.5        # saved where the voice's pitch jumps (another person speaks)
TURN_SEMITONES = 6.0     # the jump between the pitch of the 0.25 s before and after that is a sure turn
TURN_MOST = 18.0         # a jump beyond this (one and a half octaves: more than two adults' voices differ)
_TURN_BEYOND = 0.25      # is mostly the pitch read an octave off, and counts this much
_TURN_FRAMES = 10        # the voiced frames read either side
_TURN_BACK_MS = 1000     # as far back as this
_TURN_AHEAD_MS = 500     # and ahead
_TURN_VOICED = 4         # and how many there must be
_START_CHANGE = 1.0     # saved where the timbre changes (another person speaks)
CHANGE_MS = 300         # the speech compared either side of a boundary
_CHANGE_LEAST = 15       # frames of speech each side, at least (fewer after a pause: the onset of one
                         # line against its vowels is no change; a start after a pause is a rise)
_CHANGE_TYPICAL = 50     # the file's median distance inside speech is no change
_CHANGE_SURE = 90       # and its 90th percentile a sure one
_CHANGE_CHUNK = 65536
PROMINENCE_DB = 4.0     # a syllable nucleus stands this far above the dip before it
_NUCLEUS_HALF = 3        # frames: and is the loudest within this many either side
_COUNT = 2.0             # per squared nucleus of difference, over twice the count's variance
_SPREAD = 0.15           # the count's variance grows with the count (each syllable may be missed or split)
_FLOOR = 1.0             # plus this much (a nucleus more or less in any fragment)
_SPLIT = 0.1             # saved per unit of timbre scatter a change of voice at a start explains
_SPLIT_REACH = 300       # frames: the speech compared around a window (at most 3 s either side)
_SPLIT_NULL = 20.0       # what one voice's own phonemes explain as well (the 90th percentile of
                         # boundaries inside one voice, in continuous talk): no change of voice
_FIT_PITCH = 0.08        # saved per voiced frame of a window whose pitch is nearer the line it is given to
_FIT_SEMITONES = 6.0     # than to the line on the other side of the start (a difference beyond this counts
                         # no more: the pitch read an octave off, or a word said much higher)
_FIT_CORE = 30           # frames of speech a line's core needs to stand for its voice (else its whole speech)
_FIT_VOICED = 5          # and voiced frames, for its pitch to be known
_FIT_LEVEL = 0.08        # saved per loud frame of a window whose voice-band level is nearer the line it is
_FIT_DB = 10.0           # given to than the other's (a difference beyond this counts no more: a stressed
                         # vowel, a faint consonant)
_PRIOR = 0.3             # per second away from the text's own estimate (a tie-breaker)

_VOWELS = re.compile(r"[aeiouyàâäéèêëîïôöùûüœæ]+", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")


def syllables(text: str) -> int:
    """About how many syllables ``text`` has when spoken (vowel groups; a French word's silent
    final ``e``, ``es`` and ``ent`` not counted; a number as one syllable per digit that is not
    zero, one more from a thousand on: ``100`` is *cent*, ``19`` *dix-neuf*).

    >>> syllables("Bonsoir à tous"), syllables("19h30"), syllables("100 milliards")
    (4, 3, 3)
    """
    count = 0
    for word in text.split():
        for number in _DIGITS.findall(word):
            count += max(sum(1 for d in number if d != "0"), 1) + (len(number) >= 4)
        groups = _VOWELS.findall(word.lower())
        n = len(groups)
        if n > 1 and re.search(r"[^aeiouy](e|es|ent)$", word.lower()):
            n -= 1
        count += n
    return max(count, 1)


@dataclass(frozen=True, eq=False)
class Listening:
    """The per-frame facts the aligner reads, measured once per sound.

    Attributes:
        loud: the voice band stands out of the background.
        faint: it stands a little out (a syllable's onset or fading tail, next to loud frames).
        onset: it stands out and comes near the voice's own level (see
            :meth:`~captions.audio.detect.Bands.audible`): what a start rises to and an end falls from.
        pitch: the voice's pitch (see :class:`~captions.audio.speech.Sound`).
        quiet_before: how many quiet frames come just before each frame (capped).
        rise / dip: how good a start each frame is, 0 to 1.
        nuclei: the running count of syllable nuclei before each frame.
        change: how surely the timbre changes at each frame, 0 to 1 (see :func:`_changes`).
        voices / spoken: the running sums of the loud frames' timbre and the running count of
            the loud frames (see :func:`_voice_sums`).
        level: the voice band's level (dB), smoothed over three frames.
        sounding: as ``onset``, in or out of the detector's speech spans.
    """

    loud: np.ndarray
    faint: np.ndarray
    onset: np.ndarray
    pitch: np.ndarray
    quiet_before: np.ndarray
    rise: np.ndarray
    dip: np.ndarray
    nuclei: np.ndarray
    change: np.ndarray
    voices: np.ndarray
    spoken: np.ndarray
    level: np.ndarray
    sounding: np.ndarray

    @classmethod
    def of(cls, sound: Sound) -> Listening:
        level = sound.level.astype(np.float32)
        in_span = np.zeros(len(level), bool)
        for a, b in sound.spans:
            in_span[max(a // FRAME_MS - 5, 0):b // FRAME_MS + 5] = True
        bands = Bands.of(level, sound.hiss)
        loud = bands.audible() & in_span
        faint = bands.audible(TAIL_DB) & in_span
        sounding = bands.audible(onset=True)
        onset = sounding & in_span   # a bed's note under the voice is no start
        onset &= _near(sound.voice >= OFF, SPEECH_REACH_MS // FRAME_MS)   # nor one where no voice is heard
        quiet = _quiet_runs(onset, PAUSE_MS // FRAME_MS)
        rise = np.zeros(len(level), np.float32)
        starts = np.flatnonzero(onset[1:] & ~onset[:-1]) + 1
        least, full = QUIET_LEAST_MS // FRAME_MS, QUIET_FULL_MS // FRAME_MS
        pause = PAUSE_MS // FRAME_MS
        rise[starts] = (np.clip((quiet[starts] - least) / (full - least), 0.0, 1.0)
                        + _PAUSE_MORE * np.clip((quiet[starts] - full) / (pause - full), 0.0, 1.0))
        if len(loud) and loud[0]:
            rise[0] = 1.0
        smooth = np.convolve(level, np.ones(3, np.float32) / 3, mode="same")
        dip = _dips(smooth, loud)
        heard_voice = loud & _near(sound.voice >= OFF, SPEECH_REACH_MS // FRAME_MS)   # a bed's peak is no syllable
        peaks = _prominent(smooth, _peaks(smooth, heard_voice, _NUCLEUS_HALF))
        nuclei = np.concatenate([[0], np.cumsum(peaks)]).astype(np.int32)
        voices, spoken = _voice_sums(sound.timbre, loud)
        change = _changes(voices, spoken, loud, CHANGE_MS // FRAME_MS)
        return cls(loud, faint, onset, sound.pitch.astype(np.float32), quiet, rise, dip, nuclei, change, voices,
                   spoken, smooth, sounding)


def _voice_sums(timbre: np.ndarray, speech: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The running sums of the timbre of the ``speech`` frames (each coefficient about its mean
    and in units of its spread over the file's speech) and the running count of those frames,
    so that the average timbre of any stretch's speech is one subtraction."""
    n = min(len(timbre), len(speech))
    width = timbre.shape[1] if timbre.ndim == 2 else 0
    use = np.zeros(len(speech), bool)
    use[:n] = speech[:n]
    counts: np.ndarray = np.concatenate([[0], np.cumsum(use)]).astype(np.int32)
    sums = np.zeros((len(speech) + 1, width), np.float32)
    if n and use.any() and width:
        spoken = timbre[:n][use[:n]]
        centre = spoken.mean(axis=0, dtype=np.float64).astype(np.float32)
        spread = np.maximum(spoken.std(axis=0, dtype=np.float64), 1e-6).astype(np.float32)
        z = np.where(use[:n, None], (timbre[:n].astype(np.float32) - centre) / spread, np.float32(0.0))
        np.cumsum(z, axis=0, dtype=np.float32, out=sums[1:n + 1])
        sums[n + 1:] = sums[n]
    return sums, counts


def _changes(sums: np.ndarray, counts: np.ndarray, speech: np.ndarray, reach: int) -> np.ndarray:
    """How surely the voice changes at each frame, 0 to 1: the distance between the average
    timbre (see :func:`_voice_sums`) of the ``speech`` frames among the ``reach`` frames before
    it and of those among the ``reach`` frames from it, scaled between the file's own median
    distance inside speech (0: phonemes change, the voice does not) and its 90th percentile (1).
    No voice is assumed: the scale is the file's."""
    n = len(speech)
    change = np.zeros(n, np.float32)
    if n == 0 or int(counts[-1]) < 2 * _CHANGE_LEAST or sums.shape[1] == 0:
        return change
    distance = np.zeros(n, np.float32)
    valid = np.zeros(n, bool)
    for first in range(0, n, _CHANGE_CHUNK):   # a chunk at a time: the means are twelve values a frame
        here = np.arange(first, min(first + _CHANGE_CHUNK, n))
        lo, hi = np.maximum(here - reach, 0), np.minimum(here + reach, n)
        before, after = counts[here] - counts[lo], counts[hi] - counts[here]
        valid[here] = (before >= _CHANGE_LEAST) & (after >= _CHANGE_LEAST)
        mean_before = (sums[here] - sums[lo]) / np.maximum(before, 1).astype(np.float32)[:, None]
        mean_after = (sums[hi] - sums[here]) / np.maximum(after, 1).astype(np.float32)[:, None]
        distance[here] = np.sqrt(np.mean((mean_before - mean_after) ** 2, axis=1))
    inside = valid & speech
    if not inside.any():
        return change
    typical, sure = np.percentile(distance[inside], [_CHANGE_TYPICAL, _CHANGE_SURE])
    change[:] = np.where(valid, np.clip((distance - typical) / max(sure - typical, 1e-6), 0.0, 1.0), 0.0)
    return change


def _near(mask: np.ndarray, reach: int) -> np.ndarray:
    """The frames within ``reach`` frames of a frame of ``mask``.

    >>> _near(np.array([False, False, True, False, False, False]), 1).tolist()
    [False, True, True, True, False, False]
    """
    if reach <= 0 or not len(mask):
        return mask.copy()
    padded = np.concatenate([np.zeros(reach, bool), mask, np.zeros(reach, bool)])
    near: np.ndarray = np.asarray(np.lib.stride_tricks.sliding_window_view(padded, 2 * reach + 1).any(axis=1))
    return near


def _quiet_runs(loud: np.ndarray, cap: int) -> np.ndarray:
    """For each frame, how many frames just before it are quiet (at most ``cap``; the start of
    the file counts as quiet).

    >>> _quiet_runs(np.array([False, True, False, False, True]), 5).tolist()
    [5, 5, 0, 1, 2]
    """
    index = np.arange(len(loud))
    last = np.maximum.accumulate(np.where(loud, index, -1 - cap))   # the last loud frame at or before each
    before = np.concatenate([[-1 - cap], last[:-1]])
    runs: np.ndarray = np.minimum(index - before - 1, cap).astype(np.int32)
    return runs


def _peaks(smooth: np.ndarray, loud: np.ndarray, half: int = 5) -> np.ndarray:
    """Syllable nuclei: loud frames that are the highest within ``half`` frames either side."""
    n = len(smooth)
    if n == 0:
        return np.zeros(0, bool)
    padded = np.concatenate([np.full(half, -np.inf), smooth, np.full(half, -np.inf)])
    window = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    top = window.max(axis=1)
    peaks = (smooth >= top) & loud
    # a plateau gives one nucleus
    peaks[1:] &= ~peaks[:-1]
    found: np.ndarray = peaks
    return found


def _prominent(smooth: np.ndarray, peaks: np.ndarray) -> np.ndarray:
    """The peaks that stand :data:`PROMINENCE_DB` above the lowest point between them and the
    nucleus before: of two peaks with no such dip between them (one long or slow vowel whose
    level wavers), the louder is the nucleus."""
    kept: list[int] = []
    for p in np.flatnonzero(peaks).tolist():
        if kept:
            q = kept[-1]
            if min(smooth[q], smooth[p]) - smooth[q:p + 1].min() < PROMINENCE_DB:
                if smooth[p] > smooth[q]:
                    kept[-1] = p
                continue
        kept.append(p)
    out = np.zeros(len(smooth), bool)
    out[kept] = True
    return out


def _dips(smooth: np.ndarray, loud: np.ndarray, half: int = 4) -> np.ndarray:
    """How deep each frame's dip is (0 to 1 at 12 dB), where it is the lowest within ``half``
    frames either side and loud speech surrounds it."""
    n = len(smooth)
    if n < 2 * half + 1:
        return np.zeros(n, np.float32)
    padded = np.concatenate([np.full(half, np.inf), smooth, np.full(half, np.inf)])
    window = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    low = window.min(axis=1)
    around = np.concatenate([np.full(half, -np.inf), smooth, np.full(half, -np.inf)])
    high = np.lib.stride_tricks.sliding_window_view(around, 2 * half + 1).max(axis=1)
    depth = np.clip((high - smooth) / 12.0, 0.0, 1.0)
    return np.where(smooth <= low, depth, 0.0).astype(np.float32)


def align_fragments(fragments: Sequence[Fragment], sound: Sound, *, max_silence_ms: int = 500,
                    listening: Listening | None = None) -> tuple[SpeechSpan, ...]:
    """Each fragment's speech as heard in ``sound`` (see the module docstring).

    Args:
        max_silence_ms: a silence longer than this after a fragment's speech is a pause (cues
            are cut there and none is held over it).
        listening: the sound's per-frame facts, when already measured.
    """
    if not fragments:
        return ()
    heard = listening if listening is not None else Listening.of(sound)
    prior = estimate_speech(fragments)
    frames = len(heard.loud)
    windows = _windows(fragments, frames)
    candidates = [_candidates(lo, hi, heard, prior[k].start_ms // FRAME_MS) for k, (lo, hi) in enumerate(windows)]
    expected = np.array([syllables(f.text) for f in fragments], np.float64)
    ratio = _nuclei_per_syllable(heard, windows, expected)
    starting = np.split(_start_cost(np.concatenate(candidates), heard), np.cumsum([len(c) for c in candidates])[:-1])
    unary = [_unary(c, s, heard, prior[k], _anchors(windows, k)) for k, (c, s) in enumerate(zip(candidates, starting))]
    starts = _best_path(candidates, heard, expected * ratio, unary)
    if _FIT_PITCH or _FIT_LEVEL:   # a second pass: each line's own voice, as the first one heard it, claims its frames
        fits = _voice_fits(candidates, windows, starts, heard)
        starts = _best_path(candidates, heard, expected * ratio, [u - f for u, f in zip(unary, fits)])
    starts = [_head(k, starts, windows, heard) for k in range(len(starts))]
    return _spans(fragments, starts, heard, prior, max_silence_ms, windows)


def _windows(fragments: Sequence[Fragment], frames: int) -> list[tuple[int, int]]:
    """Each fragment's possible start frames ``[lo, hi]``: its stamp's precision window; a
    fragment that shares its stamp with the ones before it may start until the next stamp's
    window ends."""
    n = len(fragments)
    out = []
    for k, fragment in enumerate(fragments):
        lo = fragment.start_ms // FRAME_MS
        width = max(fragment.precision_ms, FRAME_MS) // FRAME_MS
        hi = lo + width - 1
        if k and fragments[k - 1].start_ms == fragment.start_ms:
            j = k + 1
            while j < n and fragments[j].start_ms == fragment.start_ms:
                j += 1
            if j < n:
                hi = max(hi, fragments[j].start_ms // FRAME_MS + max(fragments[j].precision_ms, FRAME_MS)
                         // FRAME_MS - 1)
        out.append((min(lo, max(frames - 1, 0)), min(hi, max(frames - 1, 0))))
    return out


def _candidates(lo: int, hi: int, heard: Listening, guess: int) -> np.ndarray:
    """The frames of ``[lo, hi]`` worth trying as a start: a grid, every rise and every dip."""
    grid = np.arange(lo, hi + 1, _STEP)
    marked = lo + np.flatnonzero((heard.rise[lo:hi + 1] > 0) | (heard.dip[lo:hi + 1] > 0))
    return np.unique(np.concatenate([grid, marked, [min(max(guess, lo), hi), hi]])).astype(np.int64)


def _nuclei_per_syllable(heard: Listening, windows: Sequence[tuple[int, int]], expected: np.ndarray) -> float:
    """How many nuclei the sound gives per written syllable, over the span the fragments cover."""
    first, last = windows[0][0], min(windows[-1][1] + int(expected[-1] * 30), len(heard.nuclei) - 1)
    heard_count = float(heard.nuclei[last] - heard.nuclei[first])
    ratio = heard_count / max(float(expected.sum()), 1.0)
    return min(max(ratio, 0.2), 2.0)


def _start_cost(frames: np.ndarray, heard: Listening) -> np.ndarray:
    counted = heard.spoken   # loud frames before each frame
    silent = counted[np.minimum(frames + 5, len(heard.loud))] == counted[frames]   # nothing loud in the next 50 ms
    inside = (heard.quiet_before[frames] == 0) & heard.onset[frames] & ~silent
    cost: np.ndarray = (-_START_RISE * heard.rise[frames] - _START_DIP * heard.dip[frames] + _START_SILENT * silent
                        + _START_INSIDE * inside * (1.0 - heard.dip[frames])
                        - _START_TURN * _turns(frames, heard.pitch) - _START_CHANGE * heard.change[frames])
    return cost


def _turns(frames: np.ndarray, pitch: np.ndarray) -> np.ndarray:
    """How surely another voice begins at each frame, 0 to 1: the jump between the median pitch
    of the last :data:`_TURN_FRAMES` voiced frames before it (within :data:`_TURN_BACK_MS`) and
    the first ones after it (within :data:`_TURN_AHEAD_MS`), over :data:`TURN_SEMITONES`.  The
    voiced frames, not a fixed span: a line often ends on a consonant or a breath, and the voice
    that ended it is still the one to compare."""
    voiced = np.flatnonzero(~np.isnan(pitch))
    if len(frames) == 0 or len(voiced) == 0:
        return np.zeros(len(frames), np.float32)
    values = pitch[voiced]
    at = np.searchsorted(voiced, frames)

    def side(offsets: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """The pitch of the voiced frames at ``offsets`` from each frame's place, where they
        fall in ``[lo, hi)`` (NaN elsewhere)."""
        index = at[:, None] + offsets[None, :]
        ok = (index >= 0) & (index < len(voiced))
        index = np.clip(index, 0, len(voiced) - 1)
        ok &= (voiced[index] >= lo[:, None]) & (voiced[index] < hi[:, None])
        picked: np.ndarray = np.where(ok, values[index], np.nan)
        return picked

    before = side(np.arange(-_TURN_FRAMES, 0), frames - _TURN_BACK_MS // FRAME_MS, frames)
    after = side(np.arange(_TURN_FRAMES), frames, frames + _TURN_AHEAD_MS // FRAME_MS)
    enough = ((~np.isnan(before)).sum(axis=1) >= _TURN_VOICED) & ((~np.isnan(after)).sum(axis=1) >= _TURN_VOICED)
    jump = np.zeros(len(frames), np.float64)
    if enough.any():
        jump[enough] = np.abs(_row_medians(before[enough]) - _row_medians(after[enough]))
    turns: np.ndarray = np.where(jump > TURN_MOST, _TURN_BEYOND, np.clip(jump / TURN_SEMITONES, 0.0, 1.0))
    return turns


def _row_medians(values: np.ndarray) -> np.ndarray:
    """The median of each row's values that are not NaN (each row has one at least): what
    ``np.nanmedian(values, axis=1)`` gives, sorted at once instead of row by row.

    >>> _row_medians(np.array([[1.0, np.nan, 3.0, 2.0], [np.nan, 4.0, 6.0, np.nan]])).tolist()
    [2.0, 5.0]
    """
    ordered = np.sort(values, axis=1)   # NaN last
    count = (~np.isnan(values)).sum(axis=1)
    rows = np.arange(len(values))
    medians: np.ndarray = (ordered[rows, (count - 1) // 2] + ordered[rows, count // 2]) / 2
    return medians


def _best_path(candidates: Sequence[np.ndarray], heard: Listening, expected: np.ndarray,
               unary: Sequence[np.ndarray]) -> list[int]:
    """The cheapest starts, one per fragment, increasing (dynamic programming over the candidates)."""
    n = len(candidates)
    nuclei = heard.nuclei
    cost = unary[0]
    back: list[np.ndarray] = []
    for k in range(1, n):
        here, before = candidates[k], candidates[k - 1]
        # the fragment k - 1 runs from a start in ``before`` to a start in ``here``
        counts = nuclei[np.minimum(here, len(nuclei) - 1)][None, :] - nuclei[before][:, None]
        e = expected[k - 1]
        fit = _COUNT * (counts - e) ** 2 / (2 * (_FLOOR + _SPREAD * e))
        fit = np.where(here[None, :] - before[:, None] >= _MIN_FRAGMENT, fit, np.inf)
        total = cost[:, None] + fit
        choice = np.argmin(total, axis=0)
        best = total[choice, np.arange(len(here))]
        if not np.isfinite(best).any():   # no order fits (a window inside the one before): keep going
            best = np.where(np.isfinite(best), best, cost.min())
        back.append(choice)
        cost = best + unary[k]
    path = [int(np.argmin(cost))]
    for choice in reversed(back):
        path.append(int(choice[path[-1]]))
    path.reverse()
    return [int(candidates[k][i]) for k, i in enumerate(path)]


def _anchors(windows: Sequence[tuple[int, int]], k: int) -> tuple[int, int]:
    """The stretch around fragment ``k``'s window whose speech before the window is surely the
    fragment before's, and after it surely fragment ``k``'s own (up to :data:`_SPLIT_REACH`
    frames either side)."""
    lo, hi = windows[k]
    left = windows[k - 1][1] if k else lo - _SPLIT_REACH
    right = windows[k + 1][0] if k + 1 < len(windows) else hi + _SPLIT_REACH
    return max(min(left, lo), lo - _SPLIT_REACH, 0), min(max(right, hi + 1), hi + _SPLIT_REACH)


def _split_gain(frames: np.ndarray, anchors: tuple[int, int], heard: Listening) -> np.ndarray:
    """How much of the timbre's scatter over the stretch ``anchors`` is explained by a change
    of voice at each of ``frames`` (two averages, before and after, instead of one), each side
    weighed by how much speech it has."""
    sums, counts = heard.voices, heard.spoken
    top = len(counts) - 1
    left, right = min(anchors[0], top), min(anchors[1], top)
    at = np.clip(frames, left, right)
    n1 = (counts[at] - counts[left]).astype(np.float64)
    n2 = (counts[right] - counts[at]).astype(np.float64)
    m1 = (sums[at] - sums[left]) / np.maximum(n1, 1)[:, None]
    m2 = (sums[right] - sums[at]) / np.maximum(n2, 1)[:, None]
    weight = np.where((n1 >= _CHANGE_LEAST) & (n2 >= _CHANGE_LEAST), n1 * n2 / np.maximum(n1 + n2, 1), 0.0)
    gain: np.ndarray = weight * ((m1 - m2) ** 2).mean(axis=1)
    return gain


def _unary(frames: np.ndarray, starting: np.ndarray, heard: Listening, prior: SpeechSpan,
           anchors: tuple[int, int]) -> np.ndarray:
    """What each of a fragment's candidate starts ``frames`` costs on its own: the sound there
    (``starting``, from :func:`_start_cost`), the distance from the text's estimate ``prior``,
    and the change of voice it explains over the stretch ``anchors`` (see :func:`_split_gain`)."""
    cost: np.ndarray = (starting + _prior_cost(frames, prior)
                        - _SPLIT * np.maximum(_split_gain(frames, anchors, heard) - _SPLIT_NULL, 0.0))
    return cost


def _prior_cost(frames: np.ndarray, span: SpeechSpan) -> np.ndarray:
    cost: np.ndarray = _PRIOR * np.abs(frames * FRAME_MS - span.start_ms) / 1000
    return cost


def _spans(fragments: Sequence[Fragment], starts: Sequence[int], heard: Listening,
           prior: Sequence[SpeechSpan], max_silence_ms: int,
           windows: Sequence[tuple[int, int]]) -> tuple[SpeechSpan, ...]:
    """Speech spans from the chosen start frames: each ends where the sound stops before the next."""
    loud = heard.loud
    n = len(fragments)
    out = []
    end = 0
    for k in range(n):
        start = starts[k]
        if not loud[start:start + 100].any():   # nothing heard where it should start: the text's estimate
            out.append(prior[k])
            continue
        start = _lead_in(start, max(windows[k][0], end), heard)
        stop = starts[k + 1] if k + 1 < n else min(start + _last_length(fragments[k], prior[k]), len(loud))
        end = _end(start, stop, heard)
        start_ms, end_ms = start * FRAME_MS, end * FRAME_MS
        chars = len(fragments[k].text) + 1
        rate = min(max(chars * 1000 / max(end_ms - start_ms, 1), SLOW_CPS), MAX_CPS)
        pause = k + 1 == n or (stop - end) * FRAME_MS > max_silence_ms
        out.append(SpeechSpan(start_ms=start_ms, end_ms=end_ms, rate_cps=rate, pause_after=pause))
    return tuple(out)


def _head(k: int, starts: Sequence[int], windows: Sequence[tuple[int, int]], heard: Listening) -> int:
    """Fragment ``k``'s start, moved back to where its sound begins when it is a rise only the
    voice detector made (the sound just before it as loud, near the voice's own level, but out
    of the detector's speech: it missed the line's first syllable, a slowed or quiet one), by at
    most :data:`HEAD_MS`, within its window and not to within :data:`_MIN_FRAGMENT` frames of the
    fragment before's start; a run of sound longer than that (or going on past those bounds) is
    the bed, or not known to begin here, and the start stays."""
    start = starts[k]
    sounding = heard.sounding
    if start <= 0 or not heard.onset[start] or heard.onset[start - 1] or not sounding[start - 1]:
        return start
    least = max(windows[k][0], starts[k - 1] + _MIN_FRAGMENT if k else 0, start - HEAD_MS // FRAME_MS)
    at = run_start(sounding, start, least)
    return start if at > 0 and sounding[at - 1] else at


def _lead_in(start: int, floor: int, heard: Listening) -> int:
    """A start after a pause, moved back over the faint sound that leads into it (a voiceless
    consonant before the first vowel: ``s``, ``f``, ``ch``), at most :data:`LEAD_MS` and never
    before ``floor``; a faint run longer than that is the bed, and the start stays."""
    if heard.quiet_before[start] < QUIET_LEAST_MS // FRAME_MS:
        return start
    faint = heard.faint
    least = max(floor, start - LEAD_MS // FRAME_MS, 0)
    at = run_start(faint, start, least)
    if at == least and at > floor and at > 0 and faint[at - 1]:
        return start
    return start - int(round((start - at) * _LEAD_SHARE))


def _end(start: int, stop: int, heard: Listening) -> int:
    """Where the speech from ``start`` ends before ``stop``: after the last run of loud frames
    (at least :data:`MIN_RUN_MS` long: a click or a note of the bed is shorter) reached through
    pauses of at most :data:`INNER_PAUSE_MS`, plus its faint tail (at most :data:`TAIL_MS`)."""
    loud, faint = heard.onset, heard.faint
    pause, tail, least = INNER_PAUSE_MS // FRAME_MS, TAIL_MS // FRAME_MS, MIN_RUN_MS // FRAME_MS
    ahead = np.concatenate([[False], loud[start:stop], [False]])
    edges = np.flatnonzero(ahead[1:] != ahead[:-1])
    runs = [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2]) if b - a >= least or a == 0]
    if not runs:
        return start + 1
    last = runs[0][1]
    for a, b in runs[1:]:
        if a - last > pause:
            break
        last = b
    end = start + last
    limit = min(end + tail, stop)
    while end < limit and faint[end]:
        end += 1
    return max(end, start + 1)


def _last_length(fragment: Fragment, prior: SpeechSpan) -> int:
    """How far the last fragment's speech may run (twice the text's estimate, in frames)."""
    return max(2 * (prior.end_ms - prior.start_ms) // FRAME_MS, 100)


def _voice_fits(candidates: Sequence[np.ndarray], windows: Sequence[tuple[int, int]], starts: Sequence[int],
                heard: Listening) -> list[np.ndarray]:
    """What each candidate start saves by how its window's speech sides with each line's own
    voice as a first pass (``starts``) placed it: by pitch (its voiced frames) and by level
    (its loud frames; see :func:`_line_values` and :func:`_side_fits`)."""
    fits = [np.zeros(len(c)) for c in candidates]
    cores = _cores(starts, windows, heard)
    for weight, values, clip in ((_FIT_PITCH, heard.pitch, _FIT_SEMITONES), (_FIT_LEVEL, heard.level, _FIT_DB)):
        if weight:
            lines = _line_values(cores, heard.loud, values)
            sides = _side_fits(candidates, windows, lines, values, heard.loud, clip)
            fits = [f + weight * g for f, g in zip(fits, sides)]
    return fits


def _cores(starts: Sequence[int], windows: Sequence[tuple[int, int]], heard: Listening) -> list[tuple[int, int]]:
    """The stretch each fragment's own voice is read from, as a first pass (``starts``) placed
    it: its core (between its own window and the next) when that has :data:`_FIT_CORE` frames
    of speech (the windows are where the first pass may be wrong), else its whole speech."""
    n = len(starts)
    top = len(heard.spoken) - 1
    out = []
    for k in range(n):
        a = starts[k]
        b = starts[k + 1] if k + 1 < n else a + _SPLIT_REACH
        core_a, core_b = max(a, windows[k][1] + 1), (min(b, windows[k + 1][0]) if k + 1 < n else b)
        if core_b > core_a and int(heard.spoken[min(core_b, top)] - heard.spoken[min(core_a, top)]) >= _FIT_CORE:
            a, b = core_a, core_b
        a = min(a, top)
        out.append((a, min(max(b, a), top)))
    return out


def _line_values(cores: Sequence[tuple[int, int]], loud: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Each fragment's own pitch or level: the median of ``values`` over the ``loud`` frames of
    its core (see :func:`_cores`) where they are known (not NaN: a pitch is known in voiced
    frames only); NaN when fewer than :data:`_FIT_VOICED` frames give it."""
    out = np.full(len(cores), np.nan)
    for k, (a, b) in enumerate(cores):
        known = values[a:b][loud[a:b]]
        known = known[~np.isnan(known)]
        if len(known) >= _FIT_VOICED:
            out[k] = float(np.median(known))
    return out


def _side_fits(candidates: Sequence[np.ndarray], windows: Sequence[tuple[int, int]], lines: np.ndarray,
               values: np.ndarray, counted: np.ndarray, clip: float) -> list[np.ndarray]:
    """What each candidate start gains by its window's frames (``counted`` ones where ``values`` is
    known): every frame before it whose value is nearer the fragment before's (``lines``) than
    this one's, and every one from it nearer this one's, counts for the start (up to 1 a frame,
    a difference beyond ``clip`` counting no more; a frame between the two counts in part), the
    others against it; the caller weighs the sum.  Two lines in the same voice have the same
    value and the term is nothing; where the voice changes with no pause, the frames say on
    which side of each candidate the other voice is."""
    out = [np.zeros(len(candidates[0]))]
    for k in range(1, len(candidates)):
        lo, hi = windows[k]
        before, here = lines[k - 1], lines[k]
        if np.isnan(before) or np.isnan(here) or hi <= lo:
            out.append(np.zeros(len(candidates[k])))
            continue
        value = values[lo:hi + 1]
        known = ~np.isnan(value) & counted[lo:hi + 1]
        value = np.where(known, value, 0.0)
        nearer_before = (np.minimum(np.abs(value - here), clip) - np.minimum(np.abs(value - before), clip)) / clip
        running = np.concatenate([[0.0], np.cumsum(np.where(known, nearer_before, 0.0))])
        at = np.clip(candidates[k], lo, hi + 1) - lo
        out.append(2 * running[at] - running[-1])
    return out
