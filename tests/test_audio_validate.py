"""``captions validate --media`` and ``captions batch`` with replays (issue 12).

A correct caption file (each cue exactly where its line's voice is) gets no media finding; each
error injected into it is found at the right cue: a cue moved 700 ms late, a cue moved over a
silence, a dropped cue, and the whole file shifted.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from audiosynth import own_cache  # noqa: F401 (autouse: the tests never touch the user's cache)
from audiosynth import GAPS, Replay, make_replay, need_audio, sample_texts
from captions.cli import main
from captions.findings import FindingCode

MEDIA_CODES = {FindingCode.CUE_OVER_SILENCE.value, FindingCode.SPEECH_WITHOUT_CUE.value, FindingCode.CUE_EARLY.value,
               FindingCode.CUE_LATE.value, FindingCode.CAPTIONS_OFFSET.value}


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> Replay:
    need_audio()
    return make_replay(tmp_path_factory.mktemp("replay") / "show.m4a", sample_texts(100, 20), GAPS, seed=8)


def _media_findings(path: Path, media: Path, *extra: str) -> list[dict]:
    done = CliRunner().invoke(main, ["validate", str(path), "--media", str(media), "--json", *extra])
    assert done.exit_code in (0, 1), done.output
    findings = json.loads(done.stdout)["files"][0]["findings"]
    return [f for f in findings if f["code"] in MEDIA_CODES]


def _times(replay: Replay) -> list[tuple[int, int]]:
    # each cue shown over its line's voice, held a little for reading (never over a second of silence)
    return [(a, b + 200 if k + 1 == len(replay.placed) or GAPS[k] >= 1000 else b)
            for k, (a, b, _) in enumerate(replay.placed)]


def test_a_correct_file_has_no_media_finding(replay: Replay, tmp_path: Path) -> None:
    path = tmp_path / "show.srt"
    path.write_text(replay.srt(_times(replay)), encoding="utf-8")
    assert _media_findings(path, replay.media) == []


def test_a_cue_moved_700_ms_late_is_found_at_that_cue(replay: Replay, tmp_path: Path) -> None:
    times = _times(replay)
    k = 6   # a line after a silence (GAPS[5])
    times[k] = (times[k][0] + 700, times[k][1] + 700)
    path = tmp_path / "late.srt"
    path.write_text(replay.srt(times), encoding="utf-8")
    found = _media_findings(path, replay.media)
    late = [f for f in found if f["code"] == "cue-late"]
    assert [f["cue"] for f in late] == [k + 1], found
    assert abs(late[0]["value"] - 700) <= 60
    assert late[0]["line"] == 4 * k + 2


def test_a_cue_over_a_silence_is_found_at_that_cue(replay: Replay, tmp_path: Path) -> None:
    times = _times(replay)
    k = 8   # moved into the 2.5 s of silence after line 9
    gap_start = replay.placed[8][1]
    times[k] = (gap_start + 300, gap_start + 2200)
    path = tmp_path / "silence.srt"
    path.write_text(replay.srt(times), encoding="utf-8")
    found = _media_findings(path, replay.media)
    assert [f["cue"] for f in found if f["code"] == "cue-over-silence"] == [k + 1], found


def test_a_dropped_cue_is_found_where_it_is_missing(replay: Replay, tmp_path: Path) -> None:
    kept = [k for k in range(len(replay.placed)) if k != 3]
    times = _times(replay)
    dropped = Replay(replay.media, [replay.placed[k] for k in kept])
    path = tmp_path / "dropped.srt"
    path.write_text(dropped.srt([times[k] for k in kept]), encoding="utf-8")
    found = _media_findings(path, replay.media)
    missing = [f for f in found if f["code"] == "speech-without-cue"]
    assert [f["cue"] for f in missing] == [4], found   # before cue 4 of the file (line 5 of the replay)
    assert "before cue 4" in missing[0]["message"]


def test_a_shifted_file_is_one_offset_finding_that_sends_to_sync(replay: Replay, tmp_path: Path) -> None:
    path = tmp_path / "shifted.srt"
    path.write_text(replay.srt([(a + 1800, b + 1800) for a, b in _times(replay)]), encoding="utf-8")
    done = CliRunner().invoke(main, ["validate", str(path), "--media", str(replay.media)])
    assert done.exit_code == 1
    lines = [line for line in done.output.splitlines()
             if any(f": {code}: " in line for code in MEDIA_CODES)]
    assert len(lines) == 1 and "captions-offset" in lines[0], done.output
    assert "captions are 1.8 s late" in lines[0] and "captions sync" in lines[0]


def test_the_tolerance_decides_what_is_late(replay: Replay, tmp_path: Path) -> None:
    times = _times(replay)
    times[6] = (times[6][0] + 400, times[6][1] + 400)
    path = tmp_path / "late400.srt"
    path.write_text(replay.srt(times), encoding="utf-8")
    assert [f["cue"] for f in _media_findings(path, replay.media) if f["code"] == "cue-late"] == [7]
    assert _media_findings(path, replay.media, "--tolerance-ms", "500") == []


def test_media_goes_with_one_file(replay: Replay, tmp_path: Path) -> None:
    path = tmp_path / "a.srt"
    path.write_text(replay.srt(), encoding="utf-8")
    done = CliRunner().invoke(main, ["validate", str(path), str(path), "--media", str(replay.media)])
    assert done.exit_code == 2 and "one FILE" in done.output
    done = CliRunner().invoke(main, ["validate", str(path), "--tolerance-ms", "100"])
    assert done.exit_code == 2


# ---- batch ---------------------------------------------------------------------------------

def test_batch_times_each_transcript_on_the_replay_of_the_same_stem(replay: Replay, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "show.txt").write_text(replay.transcript_text(), encoding="utf-8")
    (src / "show.M4A").write_bytes(replay.media.read_bytes())
    (src / "other.txt").write_text(replay.transcript_text(), encoding="utf-8")   # no replay beside it
    runner = CliRunner()
    assert runner.invoke(main, ["batch", str(src), "-o", str(tmp_path / "with"), "--to", "srt", "-j", "1"]).exit_code \
        in (0, 1)
    assert runner.invoke(main, ["batch", str(src), "-o", str(tmp_path / "without"), "--to", "srt", "-j", "1",
                                "--no-media"]).exit_code in (0, 1)
    with_media = (tmp_path / "with" / "show.srt").read_text(encoding="utf-8")
    without = (tmp_path / "without" / "show.srt").read_text(encoding="utf-8")
    assert with_media != without
    assert (tmp_path / "with" / "other.srt").read_text(encoding="utf-8") == without   # unpaired: text timing
    from captions.audio import speech_from_media
    from captions.convert import convert_transcript
    from captions.formats import render_srt
    from captions.presets import get_preset

    heard = convert_transcript(replay.transcript(), get_preset(), speech=speech_from_media(replay.media))
    assert with_media == render_srt(heard.cues)
    manifest = json.loads((tmp_path / "with" / "captions-manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"]["show.txt"]["options_sha256"] != manifest["files"]["other.txt"]["options_sha256"]
