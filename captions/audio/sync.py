"""How a caption file is shifted or stretched against the speech: a global offset and a linear
drift, with a confidence.

As ffsubsync and alass do, the cues and the speech are compared as two signals on a 10 ms grid:
for each drift among the frame-rate ratios a wrong conversion produces (25 / 23.976, 24 / 25,
30 / 29.97..., and none), the offset that puts the most cue time over speech and the least over
silence is found at once by a cross-correlation (FFT).  The best pair is then refined on the cue
starts that land on a speech onset: a least-squares line through (cue start, onset) pairs,
outliers dropped, gives the offset and the drift to the millisecond.

The confidence compares the cue time over speech after the fit with what any offset gives by
chance: 1 when every cue sits on speech and chance is low, near 0 when the best offset is no
better than a random one (the media is not the show's).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..model import Cue
from .speech import FRAME_MS, Sound

__all__ = ["Fit", "estimate_fit", "RATES", "MAX_ONSET_MS"]

#: Frame-rate pairs whose mix-up stretches a whole file (the captions' rate, the media's).
RATES = ((25.0, 23.976), (23.976, 25.0), (25.0, 24.0), (24.0, 25.0), (24.0, 23.976), (23.976, 24.0),
         (30.0, 29.97), (29.97, 30.0), (25.0, 29.97), (29.97, 25.0))
MAX_ONSET_MS = 400       # a cue start this near a speech onset, after the coarse fit, refines it
_OUTLIER_MS = 120        # pairs this far off the line are dropped, then the line is fitted again


@dataclass(frozen=True, slots=True)
class Fit:
    """``true = drift x time + offset``: what moves the captions onto the speech.

    Attributes:
        offset_ms: the shift, in ms (positive: the captions are early and move later).
        drift: the stretch (1.0: none; 25 / 23.976 = 1.0427: captions timed at 25 fps for media
            at 23.976 fps... as the ratio of the times).
        confidence: 0 (no evidence) to 1 (every cue on speech, far better than chance).
        on_speech: the share of cue time over speech after the fit; ``chance``: what a random
            offset gives.
        matched: cue starts that land on a speech onset after the fit, of ``cues``.
        rates: the frame rates the drift matches, as (captions, media), or None.
    """

    offset_ms: int
    drift: float
    confidence: float
    on_speech: float
    chance: float
    matched: int
    cues: int
    rates: tuple[float, float] | None = None

    def apply(self, ms: int) -> int:
        """A time of the captions moved onto the speech (never negative)."""
        return max(round(self.drift * ms + self.offset_ms), 0)

    def shift_at(self, ms: int) -> int:
        """How far a cue at ``ms`` moves."""
        return self.apply(ms) - ms

    def describe(self) -> str:
        """For a person: ``offset +2500 ms, drift x1.0427 (25 -> 23.976 fps), confidence 0.93``."""
        drift = "no drift" if self.drift == 1.0 else f"drift x{self.drift:.5f}"
        if self.rates is not None:
            drift += f" ({self.rates[0]:g} -> {self.rates[1]:g} fps)"
        return f"offset {self.offset_ms:+d} ms, {drift}, confidence {self.confidence:.2f}"


def _indicator(intervals: Sequence[tuple[int, int]], frames: int, scale: float = 1.0) -> np.ndarray:
    out = np.zeros(frames, np.float32)
    for start, end in intervals:
        a = int(round(start * scale / FRAME_MS))
        b = int(round(end * scale / FRAME_MS))
        a, b = max(a, 0), min(b, frames)
        if b > a:
            out[a:b] = 1.0
    return out


def _correlate(cues: np.ndarray, speech: np.ndarray) -> np.ndarray:
    """``score[s]``: the sum of ``cues[i] * speech[i + s]`` for every shift ``s`` (index ``s``
    for ``s >= 0``, ``len + s`` for negative ones), by FFT."""
    size = 1 << int(np.ceil(np.log2(len(cues) + len(speech))))
    spectrum = np.conj(np.fft.rfft(cues, size)) * np.fft.rfft(speech, size)
    return np.fft.irfft(spectrum, size)


def _coarse(cues: Sequence[Cue], sound: Sound) -> tuple[float, int, float, float]:
    """The best (drift, offset in frames, score, chance) over the known drifts."""
    frames = len(sound.level)
    speech = _indicator(sound.spans, frames) * 2.0 - 1.0   # +1 on speech, -1 on silence
    intervals = [(c.start_ms, c.end_ms) for c in cues]
    last = max(end for _, end in intervals)
    best: tuple[float, int, float, float] | None = None
    for drift in (1.0, *(a / b for a, b in RATES)):
        length = int(last * drift / FRAME_MS) + 1
        shown = _indicator(intervals, length, drift)
        score = _correlate(shown, speech)
        size = len(score)
        # shifts that keep the cues inside the media, give or take a minute
        valid = np.r_[0:max(frames - length + 6000, 1), size - min(6000 + length, size - 1):size]
        valid = valid[(valid >= 0) & (valid < size)]
        k = int(valid[np.argmax(score[valid])])
        shift = k if k < size // 2 else k - size
        total = float(shown.sum()) or 1.0
        candidate = (drift, shift, float(score[k]) / total, float(np.median(score[valid])) / total)
        if best is None or candidate[2] > best[2]:
            best = candidate
    assert best is not None
    return best


def _onsets(sound: Sound) -> np.ndarray:
    return np.array([a for a, _ in sound.spans], np.float64)


def _refine(cues: Sequence[Cue], sound: Sound, drift: float, offset_ms: float) -> tuple[float, float, int]:
    """A least-squares line through the (cue start, nearest speech onset) pairs near the coarse fit."""
    onsets = _onsets(sound)
    starts = np.array([c.start_ms for c in cues], np.float64)
    if onsets.size == 0:
        return drift, offset_ms, 0
    a, b = drift, offset_ms
    keep = np.zeros(len(starts), bool)
    for limit in (MAX_ONSET_MS, _OUTLIER_MS, _OUTLIER_MS / 2):
        moved = a * starts + b
        index = np.clip(np.searchsorted(onsets, moved), 1, len(onsets) - 1) if len(onsets) > 1 else np.zeros(
            len(moved), int)
        left, right = onsets[np.maximum(index - 1, 0)], onsets[index]
        nearest = np.where(np.abs(left - moved) <= np.abs(right - moved), left, right)
        keep = np.abs(nearest - moved) <= limit
        if keep.sum() < 3:
            return drift, offset_ms, int(keep.sum())
        x, y = starts[keep], nearest[keep]
        if np.ptp(x) > 0 and keep.sum() >= 8:
            a_new, b_new = np.polyfit(x, y, 1)
            # the drift stays near the coarse one: the refinement corrects, it does not search
            if abs(a_new - drift) <= 0.002:
                a, b = float(a_new), float(b_new)
                continue
        b = float(np.median(y - a * x))
    return a, b, int(keep.sum())


def _on_speech(cues: Sequence[Cue], sound: Sound, drift: float, offset_ms: float) -> float:
    speech = _indicator(sound.spans, len(sound.level))
    moved = [(drift * c.start_ms + offset_ms, drift * c.end_ms + offset_ms) for c in cues]
    shown = _indicator([(round(a), round(b)) for a, b in moved], len(sound.level))
    total = float(shown.sum())
    return float((shown * speech).sum()) / total if total else 0.0


def _rates(drift: float) -> tuple[float, float] | None:
    for captions, media in RATES:
        if abs(drift - captions / media) < 0.0005:
            return captions, media
    return None


def estimate_fit(cues: Sequence[Cue], sound: Sound) -> Fit:
    """The offset and drift that put ``cues`` on the speech of ``sound`` (module docstring).

    A file with no cue, or a sound without speech, gets a fit of confidence 0.
    """
    timed = [c for c in cues if c.end_ms > c.start_ms]
    if not timed or not sound.spans:
        return Fit(0, 1.0, 0.0, 0.0, 0.0, 0, len(cues))
    drift, shift, score, chance_score = _coarse(timed, sound)
    a, b, matched = _refine(timed, sound, drift, shift * FRAME_MS)
    on_speech = _on_speech(timed, sound, a, b)
    # the share of cue time over speech that a random offset gives: score = 2 x share - 1
    chance = min(max((chance_score + 1) / 2, 0.0), 0.99)
    confidence = min(max((on_speech - chance) / (1 - chance), 0.0), 1.0) * min(matched / max(len(timed) * 0.2, 1), 1)
    rates = _rates(a)
    if rates is not None:   # a known mix-up: its exact ratio, the offset measured with it
        a = rates[0] / rates[1]
    elif abs(a - 1.0) < 0.0005:
        a = 1.0
    return Fit(round(b), a, round(confidence, 3), round(on_speech, 3), round(chance, 3), matched, len(cues), rates)
