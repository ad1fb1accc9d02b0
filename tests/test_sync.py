"""``captions sync`` (issue 12): a global offset and a frame-rate drift found and undone, every
other byte kept, and a media file that is not the show's refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiosynth import own_cache  # noqa: F401 (autouse: the tests never touch the user's cache)
from audiosynth import GAPS, Replay, make_replay, need_audio, sample_texts
from captions.cli import main


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> Replay:
    need_audio()
    texts = sample_texts(300, 40)
    return make_replay(tmp_path_factory.mktemp("sync") / "show.m4a", texts, GAPS + GAPS[::-1] + GAPS[:1], seed=12,
                       first_ms=4000)


@pytest.fixture(scope="module")
def other(tmp_path_factory: pytest.TempPathFactory) -> Path:
    need_audio()
    gaps = [300, 2500, 150, 900, 3100, 60, 1700, 400, 2200]
    return make_replay(tmp_path_factory.mktemp("other") / "other.m4a", sample_texts(900, 10), gaps, seed=21).media


RATIO = 25 / 23.976


def _moved(replay: Replay, offset_ms: int, ratio: float) -> list[tuple[int, int]]:
    """The true times as a file shifted by ``offset_ms`` and timed at the wrong frame rate has them."""
    return [(round((a - offset_ms) / ratio), round((b - offset_ms) / ratio)) for a, b, _ in replay.placed]


def _times(text: str) -> list[tuple[int, int]]:
    from captions.formats import Format, parse_captions

    return [(c.start_ms, c.end_ms) for c in parse_captions(text, Format.SRT).cues]


def test_sync_recovers_an_offset_and_a_drift_on_every_cue(replay: Replay, tmp_path: Path) -> None:
    bad = tmp_path / "show.srt"
    bad.write_text(replay.srt(_moved(replay, 2500, RATIO)), encoding="utf-8")
    out = tmp_path / "synced.srt"
    done = CliRunner().invoke(main, ["sync", str(bad), "--media", str(replay.media), "-o", str(out), "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["accepted"] and report["rates"] == [25.0, 23.976]
    assert abs(report["offset_ms"] - 2500) <= 40
    synced = _times(out.read_text(encoding="utf-8"))
    errors = [abs(s - a) for (s, _), (a, _, _) in zip(synced, replay.placed)]
    assert max(errors) <= 40, errors


def test_sync_recovers_a_plain_offset(replay: Replay, tmp_path: Path) -> None:
    bad = tmp_path / "late.srt"
    bad.write_text(replay.srt(_moved(replay, -1800, 1.0)), encoding="utf-8")
    out = tmp_path / "synced.srt"
    done = CliRunner().invoke(main, ["sync", str(bad), "--media", str(replay.media), "-o", str(out), "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["drift"] == 1.0 and abs(report["offset_ms"] + 1800) <= 40


def test_sync_refuses_a_media_file_that_is_not_the_shows(replay: Replay, other: Path, tmp_path: Path) -> None:
    bad = tmp_path / "show.srt"
    bad.write_text(replay.srt(_moved(replay, 2500, RATIO)), encoding="utf-8")
    out = tmp_path / "synced.srt"
    done = CliRunner().invoke(main, ["sync", str(bad), "--media", str(other), "-o", str(out)])
    assert done.exit_code == 1
    assert "sync refused" in done.output and "Nothing written" in done.output
    assert not out.exists()


def test_sync_changes_only_the_times(replay: Replay, tmp_path: Path) -> None:
    times = _moved(replay, 2500, 1.0)
    blocks = [f"cue-{k}\n{_vtt(a)} --> {_vtt(b)} align:start line:90%\n<i>{text}</i> &amp; co\n"
              for k, ((a, b), (_, _, text)) in enumerate(zip(times, replay.placed))]
    head = "\ufeffWEBVTT - a show\nKind: captions\n\nSTYLE\n::cue { color: yellow }\n\nNOTE kept as written\n\n"
    source = head + "\n".join(blocks)
    bad = tmp_path / "show.vtt"
    bad.write_bytes(source.replace("\n", "\r\n").encode("utf-8"))
    out = tmp_path / "synced.vtt"
    done = CliRunner().invoke(main, ["sync", str(bad), "--media", str(replay.media), "-o", str(out)])
    assert done.exit_code == 0, done.output
    before = bad.read_bytes().split(b"\r\n")
    after = out.read_bytes().split(b"\r\n")
    assert len(before) == len(after) and after[0].startswith(b"\xef\xbb\xbfWEBVTT")
    changed = [k for k, (x, y) in enumerate(zip(before, after)) if x != y]
    assert changed and all(b" --> " in before[k] for k in changed)
    for k in changed:   # the settings after the times are kept
        assert after[k].endswith(b" align:start line:90%")


def test_sync_never_writes_over_its_input(replay: Replay, tmp_path: Path) -> None:
    path = tmp_path / "show.srt"
    path.write_text(replay.srt(), encoding="utf-8")
    done = CliRunner().invoke(main, ["sync", str(path), "--media", str(replay.media), "-o", str(path)])
    assert done.exit_code == 2


def _vtt(ms: int) -> str:
    from captions.timecode import format_vtt

    return format_vtt(ms)
