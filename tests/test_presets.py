"""Presets checked against their sources: docs/presets.md and the data say the same, words-per-
minute presets count words everywhere the limit is used (builder, validate, report), and the
default preset follows the text's language."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

from captions.cli import main
from captions.convert import convert_cues, convert_transcript
from captions.errors import ConfigError
from captions.findings import FindingCode
from captions.model import Cue, Fragment, Transcript
from captions.presets import (
    LAYOUT_CHARS, PRESETS, Preset, PresetChoice, SpeedUnit, count_words, get_preset, preset_for_language,
    reading_chars, resolve_preset,
)
from captions.validate import check_cues

DOCS = Path(__file__).resolve().parents[1] / "docs" / "presets.md"
SAD = "I am so sad as he is to me now"                  # 10 short words, 30 characters
LONG = "Incomprehensibilities notwithstanding"          # 2 long words, 37 characters


# ---- docs/presets.md and the data agree ------------------------------------------------------

def _table() -> dict[str, list[str]]:
    text = DOCS.read_text(encoding="utf-8")
    rows = {}
    for line in text.splitlines():
        found = re.match(r"^\| `([a-z0-9-]+)` \|(.*)\|$", line)
        if found and found.group(1) in PRESETS:
            rows[found.group(1)] = [cell.strip() for cell in found.group(2).split("|")]
    return rows


def _duration(ms: int | None) -> str:
    if not ms:
        return "-"
    return f"{ms / 1000:g} s" if ms >= 1000 else f"{ms} ms"


def _speed(p: Preset) -> str:
    if p.cps_steps:
        steps = ", ".join(f"{chars}{' chars' if i == 0 else ''} for {ms // 1000} s"
                          for i, (ms, chars) in enumerate(p.cps_steps))
        return f"stepped: {steps}, +{p.tolerance:.0%}".replace("%", " %")
    if p.max_cps is not None:
        return f"{p.max_cps:g} cps"
    if p.max_wpm is not None:
        return f"{p.max_wpm} wpm"
    return "-"


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_has_its_row_in_the_docs_and_the_row_says_what_the_data_does(name):
    row = _table().get(name)
    assert row is not None, f"docs/presets.md has no row for {name}"
    chars, lines, speed, shortest, longest, gap, source = row
    p = PRESETS[name]
    assert chars == ("-" if p.max_chars is None else str(p.max_chars))
    assert lines == str(p.max_lines)
    assert speed == _speed(p)
    assert shortest == _duration(p.min_duration_ms)
    assert longest == _duration(p.max_duration_ms)
    assert (gap == "-") == (p.min_gap_ms == 0)
    if p.min_gap_ms:
        assert f"{p.min_gap_ms} ms" in gap
        if p.min_gap_override_ms is None:
            assert f"{p.gap_frames} frames at {p.fps:g} fps" in gap
    assert source and source != "-"


def test_every_preset_names_its_source_and_the_docs_have_a_section_for_it():
    text = DOCS.read_text(encoding="utf-8")
    for p in PRESETS.values():
        assert p.source and p.title
    for section in ("### Netflix", "### BBC", "### DCMP", "### CSA / Arcom charter", "### Subtitle Edit and CEA-608",
                    "### `fr-tv`: French television"):
        assert section in text


def test_the_numbers_the_issue_found_wrong_are_the_sources_numbers():
    assert get_preset("netflix-en").max_cps == 20.0 and get_preset("netflix-en-children").max_cps == 17.0
    assert get_preset("netflix").max_cps == 17.0   # French and the English template
    assert get_preset("dcmp").max_wpm == 130       # lower- to middle-level educational media
    assert get_preset("dcmp-adult").max_wpm == 160 and get_preset("dcmp-theatrical").max_wpm == 235
    csa = get_preset("csa")   # the charter is silent on line length, display time and gaps
    assert (csa.max_chars, csa.min_duration_ms, csa.max_duration_ms, csa.min_gap_ms) == (None, 0, None, 0)
    assert csa.max_lines == 2 and csa.line_chars == LAYOUT_CHARS


# ---- words per minute counts words --------------------------------------------------------

def test_count_words_counts_what_a_person_reads():
    assert count_words(SAD) == 10 and count_words(LONG) == 2
    assert count_words("- C'est 19h30 ?\n- <i>Oui</i>, est-ce que… tu viens ?") == 7
    assert count_words("") == 0 and count_words("- … ?") == 0


def test_a_words_per_minute_preset_counts_words_not_characters():
    bbc = get_preset("bbc")
    assert bbc.speed_unit is SpeedUnit.WPM
    assert bbc.reading_speed(SAD, 2000) == 300.0 and bbc.reading_speed(LONG, 2000) == 60.0
    assert bbc.max_units_for(2000) == 6.0 and bbc.max_chars_for(2000) is None
    assert get_preset("netflix").reading_units(LONG) == len(LONG) == reading_chars(LONG)


def test_validate_flags_the_short_words_and_passes_the_long_ones_in_wpm():
    cues = [Cue(0, 2000, (SAD,)), Cue(3000, 5000, (LONG,))]
    found = [f for f in check_cues(cues, get_preset("bbc"), lang="en") if f.code is FindingCode.TOO_FAST]
    assert [(f.cue, f.value, f.limit) for f in found] == [(1, 300.0, 180.0)]
    assert "words per minute" in found[0].message
    # the same cues under a characters-per-second preset: the long words are the fast ones
    fast_cps = [f.cue for f in check_cues(cues, get_preset("netflix"), lang="en") if f.code is FindingCode.TOO_FAST]
    assert fast_cps == [2]


def test_the_report_measures_a_wpm_preset_in_words():
    result = convert_cues([Cue(0, 2000, (SAD,)), Cue(3000, 5000, (LONG,))], get_preset("bbc"), lang="en")
    report = result.report.to_dict()
    assert [(m["code"], m["cue"], m["value"], m["limit"]) for m in report["misses"]] == [("too-fast", 1, 300.0, 180.0)]
    assert report["reading_speed"]["unit"] == "wpm" and report["reading_speed"]["limit_wpm"] == 180.0
    assert report["reading_speed"]["limit_cps"] is None
    assert report["quality"]["reading_speed"]["unit"] == "wpm"


def _slow_long_words(n: int) -> Transcript:
    """Two long words every 2 s: 60 wpm, but about 18 characters per second."""
    return Transcript("t", tuple(Fragment(2000 * k, f"Incomprehensibilities notwithstanding{k}.", k + 1)
                                 for k in range(n)))


def test_the_builder_holds_a_wpm_preset_in_words():
    words = convert_transcript(_slow_long_words(12), get_preset("bbc"), lang="en")
    assert words.report.count(FindingCode.TOO_FAST) == 0   # 60 wpm: nothing is too fast in words
    for cue in words.cues:
        assert get_preset("bbc").reading_speed(cue.text, cue.duration_ms) <= 180.0 + 1e-6
    # short words said fast, then a pause: the cue stays up until its 10 words are read at 180
    # wpm (3.33 s), longer than its 31 characters would need at the same nominal rate
    pause = Transcript("t", (Fragment(0, SAD + ".", 1), Fragment(8000, "Yes.", 2)))
    first = convert_transcript(pause, get_preset("bbc"), lang="en").cues[0]
    assert first.duration_ms >= 10 * 60_000 / 180 - 1
    # a fast talker in short words: the builder gives each cue the time its words need
    fast = Transcript("t", tuple(Fragment(1000 * k, f"{SAD} {k}.", k + 1) for k in range(8)))
    built = convert_transcript(fast, get_preset("bbc"), lang="en")
    reported = {m.cue for m in built.report.misses if m.code is FindingCode.TOO_FAST}
    for number, cue in enumerate(built.cues, start=1):
        over = get_preset("bbc").reading_speed(cue.text, cue.duration_ms) > 180.0 + 1e-6
        assert over == (number in reported)


def test_max_cps_on_a_wpm_or_stepped_preset_makes_it_count_characters():
    assert get_preset("bbc").with_overrides(max_cps=15).speed_unit is SpeedUnit.CPS
    csa = get_preset("csa").with_overrides(max_cps=15)
    assert csa.cps_steps == () and csa.max_units_for(1000) == 15.0


def test_cps_limit_draws_a_wpm_limit_as_this_cues_cps():
    bbc = get_preset("bbc")
    for text in (SAD, LONG):
        limit = bbc.cps_limit(text, 2000)
        cps = reading_chars(text) / 2
        assert (cps > limit) == (bbc.reading_speed(text, 2000) > 180)


@given(st.lists(st.sampled_from(["a", "bb", "ccc", "Incomprehensibilities", "-", "…", "19h30", "c'est"]),
                max_size=30), st.integers(min_value=1, max_value=20_000))
def test_a_wpm_limit_is_words_times_rate(words, duration):
    bbc = get_preset("bbc")
    text = " ".join(words)
    units = count_words(text)
    assert units == sum(1 for w in words if w not in ("-", "…"))
    allowed = bbc.max_units_for(duration)
    assert (bbc.reading_speed(text, duration) > 180 + 1e-9) == (units > allowed + 1e-9)


# ---- the CSA charter's silences -------------------------------------------------------------

def test_csa_reports_no_line_length_no_display_time_and_no_gap():
    cues = [Cue(0, 9000, ("x" * 60 + " y " + "z" * 10, "ok")), Cue(9000, 9200, ("a",))]
    codes = {f.code for f in check_cues(cues, get_preset("csa"), lang="fr")}
    assert not codes & {FindingCode.LINE_TOO_LONG, FindingCode.TOO_LONG, FindingCode.TOO_SHORT,
                        FindingCode.NO_GAP, FindingCode.GAP_TOO_SMALL}
    # the charter's limits still hold: three lines are too many, and the stepped reading time
    three = check_cues([Cue(0, 1000, ("a", "b", "c" * 30))], get_preset("csa"), lang="fr")
    assert {f.code for f in three} >= {FindingCode.TOO_MANY_LINES, FindingCode.TOO_FAST}


def test_csa_lays_lines_out_to_the_layout_width():
    t = Transcript("t", (Fragment(0, "Bonsoir à tous, et bienvenue dans cette émission consacrée à la "
                                     "technologie et à ses acteurs du monde entier.", 1),))
    result = convert_transcript(t, get_preset("csa"), lang="fr")
    assert all(len(line) <= LAYOUT_CHARS for cue in result.cues for line in cue.lines)
    assert result.report.count(FindingCode.LINE_TOO_LONG) == 0


# ---- the default follows the language ---------------------------------------------------------

def test_preset_for_language():
    assert [preset_for_language(c).name for c in ("fr", "en", "de", "", None)] == [
        "fr-tv", "netflix-en", "netflix-sdh", "netflix-sdh", "netflix-sdh"]


def test_a_choice_resolves_by_language_unless_named_and_keeps_its_overrides():
    choice = PresetChoice(None, (("max_chars", 37),))
    assert (choice.resolve("en").name, choice.resolve("en").max_chars) == ("netflix-en", 37)
    assert PresetChoice("bbc").resolve("fr").name == "bbc"
    assert resolve_preset(get_preset("csa"), "en") == (get_preset("csa"), False)
    assert resolve_preset(None, "fr") == (get_preset("fr-tv"), True)
    with pytest.raises(ConfigError):
        PresetChoice("nope").resolve("fr")


def test_convert_chooses_by_the_texts_language():
    en = Transcript("t", (Fragment(0, "Welcome to the show, and thank you for being here with us.", 1),))
    fr = Transcript("t", (Fragment(0, "Bonsoir à tous, et merci d'être là avec nous ce soir.", 1),))
    report = convert_transcript(en).report
    assert (report.preset, report.preset_by_language) == ("netflix-en", True)
    assert convert_transcript(fr).report.preset == "fr-tv"
    assert convert_transcript(en, get_preset("bbc")).report.preset_by_language is False


def test_the_cli_summary_says_which_preset_and_why(tmp_path):
    src = tmp_path / "talk.txt"
    src.write_text("00:00 Welcome to the show, and thank you for being here with us.\n"
                   "00:05 Today we talk about the open source tools of the newsroom.\n", encoding="utf-8")
    runner = CliRunner()
    chosen = runner.invoke(main, ["convert", str(src), "-o", str(tmp_path / "a.srt"),
                                  "--report", str(tmp_path / "a.json")])
    assert chosen.exit_code == 0, chosen.output
    assert "preset netflix-en chosen for the language" in chosen.stderr
    report = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert report["preset"] == "netflix-en" and report["preset_by_language"] is True
    asked = runner.invoke(main, ["convert", str(src), "-o", str(tmp_path / "b.srt"), "--preset", "bbc",
                                 "--max-chars", "30", "--report", str(tmp_path / "b.json")])
    assert asked.exit_code == 0, asked.output
    assert "preset bbc asked for" in asked.stderr
    assert json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))["preset_settings"]["max_chars"] == 30
    overridden = runner.invoke(main, ["convert", str(src), "-o", str(tmp_path / "c.srt"), "--max-chars", "30",
                                      "--report", str(tmp_path / "c.json")])
    settings = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["preset_settings"]
    assert (settings["name"], settings["max_chars"]) == ("netflix-en", 30), overridden.output
    bad = runner.invoke(main, ["convert", str(src), "-o", str(tmp_path / "d.srt"), "--max-chars", "0"])
    assert bad.exit_code == 2 and "--max-chars" in bad.stderr and "x>=1" in bad.stderr
