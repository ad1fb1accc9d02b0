"""``convert --media`` writes the same whatever is incidental to the run: whether the media's
analysis was just made or read back from the cache, and whether the transcript is long enough
to be converted section by section (it is aligned and built whole: the aligner needs the whole
recording's speech in view).

The replay is made by ``tests/audiosynth.py`` (espeak-ng over noise and a hum).  Before these
tests, the first run on a replay (the analysis at full precision) and the next ones (read back
from the cache, rounded) placed a cue 10 ms apart; and timed section by section, cues at the
cuts came out up to 50 ms apart and lost their continuation marks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from audiosynth import own_cache  # noqa: F401 (autouse: the tests never touch the user's cache)
from audiosynth import GAPS, make_replay, need_audio, sample_texts
from captions import convert
from captions.cli import main


def _convert(source: Path, media: Path, out: Path) -> dict[str, bytes]:
    out.mkdir()
    result = CliRunner().invoke(main, ["convert", str(source), "--media", str(media), "-o", str(out / "a.srt"),
                                       "-o", str(out / "a.vtt"), "--report", str(out / "a.json")])
    assert result.exit_code == 0, result.output
    return {p.name: p.read_bytes() for p in out.iterdir()}


@pytest.fixture(scope="module")
def replay_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    need_audio()
    folder = tmp_path_factory.mktemp("replay")
    texts = sample_texts(300, 84)
    replay = make_replay(folder / "show.m4a", texts, (GAPS * 5)[:len(texts)], seed=5)
    source = folder / "show.txt"
    source.write_text(replay.transcript_text(), encoding="utf-8")
    return source, replay.media


def test_the_first_run_on_a_replay_writes_what_the_next_ones_write(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, replay_files: tuple[Path, Path]) -> None:
    source, media = replay_files
    monkeypatch.setenv("CAPTIONS_CACHE_DIR", str(tmp_path / "cache"))
    first = _convert(source, media, tmp_path / "first")    # heard, then kept
    assert list((tmp_path / "cache").iterdir())
    second = _convert(source, media, tmp_path / "second")  # read back
    assert first == second


def test_a_long_transcript_timed_on_the_speech_is_converted_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, replay_files: tuple[Path, Path]) -> None:
    source, media = replay_files
    whole = _convert(source, media, tmp_path / "whole")
    monkeypatch.setattr(convert, "SECTION_FRAGMENTS", 24)
    monkeypatch.setattr(convert, "_SECTION_SLACK", 12)
    real_bounds = convert.section_bounds
    sections: list[int] = []
    monkeypatch.setattr(convert, "section_bounds",
                        lambda *a, **k: sections.append(len(real_bounds(*a, **k))) or real_bounds(*a, **k))
    parts = _convert(source, media, tmp_path / "parts")
    assert not sections   # never cut into sections
    for name in ("a.srt", "a.vtt", "a.json"):
        assert parts[name] == whole[name], name
    # without its media, the same transcript is long enough to be cut, at least twice
    assert CliRunner().invoke(main, ["convert", str(source), "-o", str(tmp_path / "text.srt")]).exit_code == 0
    assert sections and sections[0] >= 3
