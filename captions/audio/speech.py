"""The sound of a replay as values: what :mod:`.detect` heard, what the cache keeps, what the
aligner, the checks and ``captions sync`` read."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FRAME_MS", "Sound", "Spans"]

FRAME_MS = 10   # one level and one speech probability per 10 ms

#: Speech spans ``(start_ms, end_ms)``, in order, apart from one another.
Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True, eq=False)
class Sound:
    """What was heard in a media file.

    Attributes:
        source: the media file's name, for messages.
        level: the voice band's level (dB, 300-2500 Hz: vowels) of each 10 ms frame, centred on
            the frame's start.
        hiss: the hiss band's level (dB, 2500-8000 Hz: fricatives) of each frame.
        voice: the detector's speech probability at each frame (0 to 1).
        spans: the speech spans, ``[start_ms, end_ms)``.
        pitch: the voice's pitch at each frame (semitones above 1 Hz, ``12 log2 f``; NaN where
            the sound is not voiced): where it jumps, another person speaks.
        timbre: the shape of each frame's spectrum (one row of mel-cepstral coefficients per
            frame, the level left out: see :mod:`.detect`; float16, twelve values a frame):
            where the voice's average shape changes, another person speaks.
    """

    source: str
    level: np.ndarray
    hiss: np.ndarray
    voice: np.ndarray
    spans: Spans
    pitch: np.ndarray
    timbre: np.ndarray

    @property
    def duration_ms(self) -> int:
        return int(len(self.level)) * FRAME_MS

    def speech_ms(self) -> int:
        """How much of it is speech."""
        return sum(b - a for a, b in self.spans)
