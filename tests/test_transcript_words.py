"""Inputs that carry each word's time: YouTube's rolling auto-captions, whisper's JSON, karaoke
timestamps.  Their words reach the cues once each, and the cues start at the words' times."""

from __future__ import annotations

import json
import random
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from captions.cli import main
from captions.convert import convert_file, convert_transcript, read_input
from captions.findings import FindingCode
from captions.formats import Format, parse_captions, parse_captions_bytes
from captions.model import Transcript
from captions.presets import get_preset
from captions.timecode import format_vtt
from captions.validate import check_text, fix_document

_WORDS = ("so today we are going to look at how captions are made and why the timing of each word matters "
          "when a viewer reads them on a small screen while the speaker keeps going at a fast pace").split()


def _spoken(count: int, seed: int = 7) -> list[tuple[str, int]]:
    """``count`` words with the times a recogniser would give them (150 to 450 ms apart, and a
    pause now and then)."""
    rng = random.Random(seed)
    t, out = 40, []
    for k in range(count):
        out.append((_WORDS[k % len(_WORDS)], t))
        t += rng.randint(150, 450) + (1500 if rng.random() < 0.04 else 0)
    return out


def youtube_auto_vtt(words: list[tuple[str, int]], per_line: int = 6) -> str:
    """A WebVTT file in the layout yt-dlp saves YouTube's auto-captions in: each cue repeats the
    line before and adds one whose words carry ``<00:00:01.520><c> word</c>`` times, then a
    10 ms cue holds the finished line alone."""
    lines = [words[k:k + per_line] for k in range(0, len(words), per_line)]
    out = ["WEBVTT", "Kind: captions", "Language: en", ""]
    previous = " "
    for k, line in enumerate(lines):
        start = line[0][1]
        end = lines[k + 1][0][1] - 10 if k + 1 < len(lines) else line[-1][1] + 800
        timed = line[0][0] + "".join(f"<{format_vtt(t)}><c> {w}</c>" for w, t in line[1:])
        shown = " ".join(w for w, _ in line)
        out += [f"{format_vtt(start)} --> {format_vtt(end)} align:start position:0%", previous, timed, ""]
        out += [f"{format_vtt(end)} --> {format_vtt(end + 10)} align:start position:0%", shown, " ", ""]
        previous = shown
    return "\n".join(out)


def _first_word_index(cues) -> list[int]:
    out, k = [], 0
    for cue in cues:
        out.append(k)
        k += len(" ".join(cue.lines).split())
    return out


def test_youtube_auto_captions_convert_to_cues_without_repeated_words(tmp_path: Path) -> None:
    words = _spoken(240)
    source = tmp_path / "talk.en.vtt"
    source.write_text(youtube_auto_vtt(words), encoding="utf-8")
    transcript = read_input(source)
    assert isinstance(transcript, Transcript)
    assert [n.code.value for n in transcript.notes] == ["rolling"]
    converted = convert_file(source, [str(tmp_path / "talk.srt")], get_preset("netflix"))
    cues = converted.result.cues
    said = [w for w, _ in words]
    assert " ".join(" ".join(c.lines) for c in cues).split() == said   # each word once, in order
    for cue, k in zip(cues, _first_word_index(cues)):
        assert abs(cue.start_ms - words[k][1]) <= 50, (cue, words[k])
    written = parse_captions((tmp_path / "talk.srt").read_text(encoding="utf-8"), Format.SRT).cues
    assert all(a.end_ms <= b.start_ms for a, b in zip(written, written[1:]))


def test_validate_names_the_rolling_pattern_and_fix_merges_it(tmp_path: Path) -> None:
    words = _spoken(60)
    data = youtube_auto_vtt(words).encode("utf-8")
    preset = get_preset("netflix")
    checked = check_text(data, "auto.vtt", preset, lang="en")
    codes = [f.code for f in checked.findings]
    assert FindingCode.ROLLING_CUE in codes and FindingCode.REPEATED_CUE in codes
    fixed = fix_document(parse_captions_bytes(data, Format.VTT, "auto.vtt"), preset, target="fixed.vtt", lang="en")
    shown = " ".join(" ".join(c.lines) for c in fixed.remaining.cues).split()
    assert shown == [w for w, _ in words]   # each word shown once
    left = {f.code for f in fixed.remaining.findings}
    assert FindingCode.ROLLING_CUE not in left and FindingCode.REPEATED_CUE not in left
    assert {r.code.value for r in fixed.repairs} >= {"unroll", "merge-repeated"}


def whisper_json(segments: list[list[tuple[str, int, int]]], speakers: list[str | None] | None = None) -> str:
    out = []
    for k, seg in enumerate(segments):
        item: dict[str, object] = {
            "id": k, "start": seg[0][1] / 1000, "end": seg[-1][2] / 1000, "text": "".join(f" {w}" for w, _, _ in seg),
            "words": [{"word": f" {w}", "start": s / 1000, "end": e / 1000, "probability": 0.9} for w, s, e in seg]}
        if speakers and speakers[k]:
            item["speaker"] = speakers[k]
        out.append(item)
    return json.dumps({"text": "", "segments": out, "language": "en"}, indent=2)


def _segments(words: list[tuple[str, int]], size: int = 7) -> list[list[tuple[str, int, int]]]:
    timed = [(w, t, (words[k + 1][1] if k + 1 < len(words) else t + 400) - 30) for k, (w, t) in enumerate(words)]
    return [timed[k:k + size] for k in range(0, len(timed), size)]


def test_whisper_json_converts_with_every_cue_starting_at_its_first_words_time(tmp_path: Path) -> None:
    words = _spoken(300, seed=3)
    source = tmp_path / "talk.json"
    source.write_text(whisper_json(_segments(words)), encoding="utf-8")
    result = convert_file(source, [str(tmp_path / "talk.vtt")], get_preset("netflix")).result
    assert " ".join(" ".join(c.lines) for c in result.cues).split() == [w for w, _ in words]
    for cue, k in zip(result.cues, _first_word_index(result.cues)):
        assert cue.start_ms == words[k][1]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.integers(60, 900), st.booleans()), min_size=1, max_size=80),
       st.sampled_from(["netflix", "fr-tv", "bbc"]))
def test_cues_built_from_word_times_keep_the_words_and_start_at_them(spec, preset_name: str) -> None:
    t, words = 0, []
    for word, gap, pause in spec:
        words.append((word, t))
        t += gap + (2000 if pause else 0)
    data = whisper_json(_segments(words, size=5))
    from captions.transcript import parse_transcript

    result = convert_transcript(parse_transcript(data, "t.json"), get_preset(preset_name), lang="en")
    shown = " ".join(" ".join(c.lines) for c in result.cues).replace("- ", "").split()
    # a sentence cut by a pause carries the continuation mark (…) at the cut: a mark, not a word
    assert [w for w in (x.strip("…") for x in shown) if w] == [w for w, _ in words]
    for cue, k in zip(result.cues, _first_word_index(result.cues)):
        assert cue.start_ms == words[k][1]


def test_karaoke_timestamps_in_a_caption_file_give_the_words_their_times(tmp_path: Path) -> None:
    source = tmp_path / "song.vtt"
    source.write_text("WEBVTT\n\n00:00:01.500 --> 00:00:04.200\nIt<00:00:01.900> is<00:00:02.050> a<00:00:02.150> "
                      "quiet<00:00:02.600> morning.\n", encoding="utf-8")
    transcript = read_input(source)
    assert isinstance(transcript, Transcript)
    assert [(w.text, w.start_ms) for w in transcript.fragments[0].words] == [
        ("It", 1500), ("is", 1900), ("a", 2050), ("quiet", 2150), ("morning.", 2600)]


def test_plain_caption_files_keep_their_cues(tmp_path: Path) -> None:
    source = tmp_path / "film.srt"
    source.write_text("1\n00:00:01,000 --> 00:00:02,000\nBonjour.\n\n2\n00:00:03,000 --> 00:00:04,000\nSalut.\n")
    assert not isinstance(read_input(source), Transcript)


def test_convert_on_the_command_line_reads_auto_captions_as_words(tmp_path: Path) -> None:
    source = tmp_path / "auto.en.vtt"
    source.write_text(youtube_auto_vtt(_spoken(30)), encoding="utf-8")
    result = CliRunner().invoke(main, ["convert", str(source), "-o", "-", "--to", "srt", "--preset", "netflix"])
    assert result.exit_code == 0, result.output
    text = " ".join(line for line in result.stdout.splitlines() if line and not line[0].isdigit())
    assert text.split() == [w for w, _ in _spoken(30)]


def test_subtitles_that_name_their_voices_keep_their_cues_and_styles(tmp_path: Path) -> None:
    source = tmp_path / "film.vtt"
    source.write_text("WEBVTT\n\nSTYLE\n::cue(v[voice=\"Anna\"]) { color: yellow }\n\n"
                      "00:00:01.000 --> 00:00:02.500\n<v Anna>Tu viens ?</v>\n\n"
                      "00:00:03.000 --> 00:00:04.000\n<v Marc>Oui.</v>\n", encoding="utf-8")
    assert not isinstance(read_input(source), Transcript)   # subtitles: their times are someone's work
    out = tmp_path / "out.vtt"
    convert_file(source, [str(out)], get_preset("netflix"), lang="en")
    written = out.read_text(encoding="utf-8")
    assert "STYLE" in written and "00:00:01.000 --> 00:00:02.500" in written and "<v Marc>Oui.</v>" in written


def test_a_meeting_tools_voices_are_a_transcript(tmp_path: Path) -> None:
    source = tmp_path / "meeting.vtt"
    source.write_text("WEBVTT\n\n8b2f6a2c-1/12-0\n00:00:00.000 --> 00:00:02.760\n<v Nadia Petit>We review the launch.</v>\n\n"
                      "3c77d0e1-9/4-0\n00:00:02.760 --> 00:00:04.000\n<v Tom Baker>Sounds good.</v>\n", encoding="utf-8")
    transcript = read_input(source)
    assert isinstance(transcript, Transcript)
    assert [f.speaker for f in transcript.fragments] == ["Nadia Petit", "Tom Baker"]


def test_styled_or_placed_subtitles_keep_their_cues_whatever_repeats(tmp_path: Path) -> None:
    """A file that repeats lines (as rolling captions do) or labels its speakers (as Zoom does) is
    still subtitles when it is styled or placed: ASS overrides, SRT coordinates."""
    repeats = tmp_path / "tags.srt"
    repeats.write_text("1\n00:00:00,000 --> 00:00:01,234\nThis is {\\an1} the first subtitle.\n\n"
                       "2\n00:00:02,345 --> 00:00:03,456\nThis is {\\an1} the first subtitle.\nAnd a second line.\n\n"
                       "3\n00:00:04,000 --> 00:00:05,000\nAnd a second line.\nAnd a third one.\n", encoding="utf-8")
    placed = tmp_path / "placed.srt"
    placed.write_text("1\n00:00:04,000 --> 00:00:08,000 X1:100 X2:600 Y1:1 Y2:4\nA: Coordinated action.\n\n"
                      "2\n00:00:16,000 --> 00:00:32,000 X1:1 X2:333 Y1:50 Y2:29\nB: Yeah sure.\n", encoding="utf-8")
    for source in (repeats, placed):
        assert not isinstance(read_input(source), Transcript), source.name
        out = tmp_path / f"out.{source.name}"
        convert_file(source, [str(out)], get_preset("netflix"), lang="en")
        written = out.read_text(encoding="utf-8")
        assert ("{\\an1}" in written) if source is repeats else ("X1:100" in written and "A: Coordinated" in written)
