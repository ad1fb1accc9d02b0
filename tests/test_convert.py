"""`captions convert` end to end: golden cases for the hard cases, the bundled sample against the
default preset, the CLI (outputs, stdout, never over the input, report), real clients."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from captions.cli import main
from captions.formats import Format, parse_captions, render_captions
from captions.linebreak import fits
from captions.convert import convert_file, convert_transcript, plan_convert_outputs, webvtt_voices
from captions.presets import DEFAULT_PRESET, get_preset, reading_chars
from captions.findings import FindingCode
from captions.errors import ConfigError
from captions.transcript import read_transcript
from captions.typography import ends_sentence
from builder_measures import (cues_with_three_speakers, cuts_inside_expressions, line_count, shown_words,
                              spoken_words, turns_marked, unmarked_blanks, unmarked_inner_turns, weak_line_ends,
                              with_dash_turns)
from captions.typography import typeset
from conftest import REPO, check_golden

DATA = Path(__file__).resolve().parent / "data" / "convert"
CASES = sorted(p.name for p in DATA.iterdir() if p.is_dir())
SAMPLE = REPO / "samples" / "techco-2026-03-05.txt"


@pytest.mark.parametrize("case", CASES)
def test_golden(case, update_goldens, tmp_path):
    folder = DATA / case
    options = json.loads((folder / "options.json").read_text()) if (folder / "options.json").exists() else {}
    name = options.get("preset", DEFAULT_PRESET)   # null: the preset of the text's language
    preset = get_preset(name) if name else None
    source = next(folder.glob("input.*"))
    done = convert_file(source, [str(tmp_path / "out.srt"), str(tmp_path / "out.vtt")], preset,
                        report_path=tmp_path / "report.json", expressions=options.get("expressions", ()),
                        speaker_labels=options.get("speaker_labels"))
    check_golden(folder / "expected.srt", (tmp_path / "out.srt").read_text("utf-8"), update_goldens)
    check_golden(folder / "expected.vtt", (tmp_path / "out.vtt").read_text("utf-8"), update_goldens)
    report = json.loads((tmp_path / "report.json").read_text("utf-8"))
    report["source"] = source.name                      # the temporary path is not behaviour
    check_golden(folder / "report.json", report, update_goldens)
    assert done.written == (tmp_path / "out.srt", tmp_path / "out.vtt")


@pytest.fixture(scope="module")
def sample_result():
    return read_transcript(SAMPLE), convert_transcript(read_transcript(SAMPLE), get_preset())


def test_sample_meets_the_default_preset_layout_and_timing(sample_result):
    transcript, result = sample_result
    preset = get_preset()
    assert preset.name == DEFAULT_PRESET and len(result.cues) > 500
    for cue in result.cues:
        assert fits(cue.lines, preset.max_chars, preset.max_lines), cue
        assert preset.min_duration_ms <= cue.duration_ms <= preset.max_duration_ms, cue
    for a, b in zip(result.cues, result.cues[1:]):
        assert b.start_ms - a.end_ms >= preset.min_gap_ms, (a, b)
    typeset_texts = typeset([f.text for f in transcript.fragments], result.lang).texts
    assert shown_words(result) == spoken_words([replace(f, text=t) for f, t in zip(transcript.fragments, typeset_texts)])


def test_sample_words_are_the_transcripts_without_typography():
    transcript = read_transcript(SAMPLE)
    result = convert_transcript(transcript, get_preset(), typography=False)
    assert shown_words(result) == spoken_words(transcript.fragments)
    assert result.report.typography == ()


# ---- what a subtitler checks (the "Done when" of the captions-quality issue) -----------------

def _check_publishable(result, transcript, *, turns: bool = True) -> None:
    """No cue holds three speakers, no turn inside a cue unmarked, no cut inside a fixed
    expression, at most 2 % of lines ending on a weak word, no blank of 1 s or more inside a
    sentence unmarked, every word the transcript's (typography's recorded changes aside)."""
    assert cuts_inside_expressions(result) == []
    weak = weak_line_ends(result)
    assert len(weak) <= 0.02 * line_count(result), weak[:20]
    assert unmarked_blanks(result) == []
    if turns:
        assert cues_with_three_speakers(result, transcript) == []
        assert unmarked_inner_turns(result, transcript) == []
        marked, total = turns_marked(result, transcript)
        assert marked == total
    texts = typeset([f.text for f in transcript.fragments], result.lang).texts
    assert shown_words(result) == spoken_words([replace(f, text=t) for f, t in zip(transcript.fragments, texts)])
    # the report's quality measures (captions.quality, another reading of the same lists) agree
    quality = result.report.quality
    assert quality.expression_splits == 0 and quality.blanks_unmarked == 0
    assert quality.weak_line_ends <= 0.02 * quality.lines
    if turns:
        assert quality.cues_over_two_speakers == 0 and quality.turns_marked == quality.turns


def test_sample_is_what_a_subtitler_would_publish():
    transcript = with_dash_turns(read_transcript(SAMPLE), SAMPLE)
    assert sum(f.turn for f in transcript.fragments) == 31       # the dashes after the stamps
    result = convert_transcript(transcript, get_preset())
    assert result.lang == "fr"
    _check_publishable(result, transcript)
    assert sum(result.built.dialogue) >= 1


def test_film_is_what_a_subtitler_would_publish(shared_dir):
    path = shared_dir / "timing" / "film-fr.txt"
    transcript = with_dash_turns(read_transcript(path), path)
    result = convert_transcript(transcript, get_preset())
    _check_publishable(result, transcript)


@pytest.mark.parametrize("name", ["000_tptm_introducing_the_show", "099-the-morepath-python-web-framework",
                                  "299-datasette", "498-high-performance-terminal-apps"])
def test_english_podcasts_are_what_a_subtitler_would_publish(shared_dir, name):
    path = shared_dir / "realworld" / "transcripts" / f"talkpython_{name}.txt"
    transcript = read_transcript(path)
    result = convert_transcript(transcript, get_preset())
    assert result.lang == "en"
    _check_publishable(result, transcript, turns=False)
    # no French rule: no narrow no-break space, English dialogue conventions
    assert not any("\u202f" in line for cue in result.cues for line in cue.lines)


def test_sample_report_lists_exactly_the_fast_cues(sample_result):
    _, result = sample_result
    preset = get_preset()
    over = [i + 1 for i, c in enumerate(result.cues)
            if reading_chars(c.text) > preset.max_chars_for(c.duration_ms) + 1e-9]
    fast = [m.cue for m in result.report.misses if m.code is FindingCode.TOO_FAST]
    assert fast == over and result.report.reading.too_fast == len(over)
    # the show speaks about 20 cps: most of what is missed is the speech itself, not the timing
    assert result.report.reading.speech_median_cps > 18
    assert result.report.reading.too_fast_speech >= 0.8 * len(fast)
    assert {m.code for m in result.report.misses} <= {FindingCode.TOO_FAST}
    data = result.report.to_dict()
    assert data["notes"] and data["notes"][0]["code"] == "metadata"


def _mixing(cues) -> tuple[int, int]:
    """(cues that start with the tail of a sentence and hold the next one, cues that end with
    the first words of a sentence after another one)."""
    tails = heads = 0
    previous_ends = True
    for cue in cues:
        words = cue.text.split(" ")
        inside = any(ends_sentence(w) for w in words[:-1])
        tails += inside and not previous_ends
        heads += inside and not ends_sentence(words[-1])
        previous_ends = ends_sentence(words[-1])
    return tails, heads


def test_sample_cues_do_not_mix_sentences(sample_result):
    # before the builder weighed it: 87 and 83 of 1,023 cues
    _, result = sample_result
    tails, heads = _mixing(result.cues)
    assert tails <= len(result.cues) // 100 and heads <= len(result.cues) // 100, (tails, heads)


def test_sample_vtt_header_carries_the_page_metadata(sample_result):
    _, result = sample_result
    text = render_captions(result.cues, Format.VTT, header_notes=result.header_notes)
    assert text.startswith("WEBVTT\n\nNOTE\n- il y a 2 jours\n")


def test_corrector_runs_before_cues_and_its_changes_go_to_the_report():
    from captions.model import Fragment, Transcript

    t = Transcript("t", (Fragment(0, "Open AI et Anthropik.", 1),))

    def corrector(transcript):
        frag = transcript.fragments[0]
        return replace(transcript, fragments=(replace(frag, text="OpenAI et Anthropic."),)), \
            [{"before": "Anthropik", "after": "Anthropic"}]

    result = convert_transcript(t, get_preset(), corrector=corrector)
    assert result.cues[0].text == "OpenAI et Anthropic."
    assert result.report.to_dict()["changes"] == [{"before": "Anthropik", "after": "Anthropic"}]


# ---- CLI ---------------------------------------------------------------------------------

def test_cli_writes_each_output_in_the_format_of_its_suffix(tmp_path):
    out = CliRunner().invoke(main, ["convert", str(SAMPLE), "-o", str(tmp_path / "a.srt"),
                                    "-o", str(tmp_path / "a.vtt"), "--report", str(tmp_path / "r.json")])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "a.srt").read_text("utf-8").startswith("1\n00:00:07,500 --> ")
    assert (tmp_path / "a.vtt").read_text("utf-8").startswith("WEBVTT")
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert report["preset"] == DEFAULT_PRESET and report["cues"] > 500
    assert "wrote" in out.stderr and "cues" in out.stderr


def test_cli_stdout_needs_to(tmp_path):
    runner = CliRunner()
    out = runner.invoke(main, ["convert", "-", "-o", "-", "--to", "vtt"], input="00:01Bonsoir à tous.\n")
    assert out.exit_code == 0 and out.stdout.startswith("WEBVTT") and "Bonsoir à tous." in out.stdout
    out = runner.invoke(main, ["convert", "-", "-o", "-"], input="00:01Bonsoir.\n")
    assert out.exit_code == 2 and "--to" in out.stderr


def test_cli_default_output_is_beside_the_input(tmp_path):
    src = tmp_path / "show.txt"
    src.write_text("00:01Bonsoir à tous.\n00:04Voilà.\n", "utf-8")
    out = CliRunner().invoke(main, ["convert", str(src), "--to", "vtt", "--no-typography", "--lang", "fr"])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "show.vtt").read_text("utf-8").startswith("WEBVTT")


def test_cli_never_writes_over_the_input(tmp_path):
    src = tmp_path / "show.srt"
    src.write_text("1\n00:00:01,000 --> 00:00:02,000\nBonsoir\n", "utf-8")
    before = src.read_bytes()
    out = CliRunner().invoke(main, ["convert", str(src), "-o", str(src)])
    assert out.exit_code == 2 and "refusing to write over the input" in out.stderr
    out = CliRunner().invoke(main, ["convert", str(src)])     # the default would be show.srt itself
    assert out.exit_code == 2 and src.read_bytes() == before


def test_cli_bad_input_is_a_clean_error(tmp_path):
    src = tmp_path / "empty.txt"
    src.write_bytes(b"")
    out = CliRunner().invoke(main, ["convert", str(src), "-o", str(tmp_path / "x.srt")])
    assert out.exit_code == 2 and out.stderr.startswith("captions: error: ") and "Traceback" not in out.output
    assert not (tmp_path / "x.srt").exists()


def test_cli_overrides_reach_the_preset(tmp_path):
    out = CliRunner().invoke(main, ["convert", str(SAMPLE), "-o", str(tmp_path / "a.srt"),
                                    "--preset", "netflix", "--max-chars", "32", "--report", str(tmp_path / "r.json")])
    assert out.exit_code == 0, out.output
    lines = [l for l in (tmp_path / "a.srt").read_text("utf-8").splitlines() if l and "-->" not in l and not l.isdigit()]
    assert max(len(l) for l in lines) <= 32


def test_plan_convert_outputs_rules(tmp_path):
    assert [p.format for p in plan_convert_outputs("x.txt", ["a.vtt", "b.srt"])] == [Format.VTT, Format.SRT]
    with pytest.raises(ConfigError):
        plan_convert_outputs("x.txt", ["a.doc"])
    assert plan_convert_outputs("-", [])[0].path is None


def test_help_has_an_example():
    out = CliRunner().invoke(main, ["convert", "--help"])
    assert out.exit_code == 0 and "Example:" in out.output and "--max-cps" in out.output


def test_convert_as_a_process(tmp_path):
    done = subprocess.run([sys.executable, "-m", "captions", "convert", str(SAMPLE), "-o", str(tmp_path / "s.srt")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "s.srt").stat().st_size > 10_000


# ---- real clients --------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", ["srt", "vtt"])
def test_sample_is_read_back_by_real_clients(suffix, tmp_path, sample_result):
    from realclients import read_with_all

    _, result = sample_result
    path = tmp_path / f"sample.{suffix}"
    path.write_text(render_captions(result.cues, Format(suffix), header_notes=result.header_notes), "utf-8")
    expected = [(c.start_ms, c.end_ms, "\n".join(c.lines)) for c in result.cues]
    clients = read_with_all(path)
    assert set(clients) == ({"webvtt-parser", "ffmpeg", "chromium"} if suffix == "vtt" else {"ffmpeg"})
    for name, got in clients.items():
        assert got.errors == (), f"{name}: {got.errors[:3]}"
        assert len(got.cues) == len(expected), name
        assert [(c.start_ms, c.end_ms, c.text) for c in got.cues] == expected, name


@pytest.mark.parametrize("from_stdin", [False, True])
def test_reader_notes_reach_the_report(tmp_path, from_stdin):
    data = "00:01Caf\u00e9 cr\u00e8me.\n00:03Voil\u00e0.\n".encode("cp1252")
    src = tmp_path / "cp1252.txt"
    src.write_bytes(data)
    args = ["convert", "-" if from_stdin else str(src), "-o", str(tmp_path / "o.srt"),
            "--report", str(tmp_path / "r.json")]
    out = CliRunner().invoke(main, args, input=data if from_stdin else None)
    assert out.exit_code == 0, out.output
    notes = json.loads((tmp_path / "r.json").read_text("utf-8"))["notes"]
    assert [n["code"] for n in notes] == ["encoding-fallback"]
    assert "Café crème." in (tmp_path / "o.srt").read_text("utf-8")


# ---- speakers and explanations ---------------------------------------------------------------

_SPEAKERS = "[00:00:01] Anna: Tu viens ce soir ?\n[00:00:01] Marc: Oui, bien sûr.\n" \
            "[00:00:03] Anna: Alors à tout à l'heure, on se retrouve devant le cinéma.\n"


def test_cli_explain_lists_every_typography_change(tmp_path):
    src = tmp_path / "show.txt"
    src.write_text("00:01Les Etats-Unis, 90% etc\n00:05Et bien, R&amp;D ?\n", "utf-8")
    out = CliRunner().invoke(main, ["convert", str(src), "-o", str(tmp_path / "o.srt"), "--lang", "fr", "--explain"])
    assert out.exit_code == 0, out.output
    for line in ("line 1 [00:01]: 'Etats-Unis,' -> 'États-Unis,' (typography: accented-capital)",
                 "line 1 [00:01]: '90%' -> '90\\u202f%' (typography: nnbsp-before-percent)",
                 "line 1 [00:01]: 'etc' -> 'etc.' (typography: etc-full-stop)",
                 "line 2 [00:05]: 'Et bien,' -> 'Eh bien,' (typography: eh-bien)",
                 "line 2 [00:05]: 'R&D ?' -> 'R&D\\u202f?' (typography: nnbsp-before-punctuation)"):
        assert line in out.stderr, out.stderr
    srt = (tmp_path / "o.srt").read_text("utf-8")
    assert "R&D\u202f?" in srt and "États-Unis" in srt   # the page's reference read as the character it stands for
    out = CliRunner().invoke(main, ["convert", str(src), "-o", str(tmp_path / "p.srt"), "--no-typography"])
    assert "Etats-Unis, 90% etc" in (tmp_path / "p.srt").read_text("utf-8") and "typography" not in out.stderr


def test_cli_speaker_labels_on_by_default_for_sdh_presets(tmp_path):
    src = tmp_path / "show.txt"
    src.write_text(_SPEAKERS, "utf-8")
    runner = CliRunner()
    for args, labelled in (([], False), (["--preset", "netflix-sdh"], True), (["--speaker-labels"], True),
                           (["--preset", "netflix-sdh", "--no-speaker-labels"], False)):
        out = runner.invoke(main, ["convert", str(src), "-o", str(tmp_path / "o.srt"), *args])
        assert out.exit_code == 0, out.output
        text = (tmp_path / "o.srt").read_text("utf-8")
        assert ("ANNA" in text and "MARC" in text) is labelled, (args, text)


def test_no_speaker_labels_when_the_sdh_preset_only_follows_the_language(tmp_path):
    src = tmp_path / "show.txt"
    src.write_text("[00:00:01] Ana: ¿Vienes esta noche al cine con nosotros?\n"
                   "[00:00:04] Marc: Sí, claro, nos vemos delante del cine a las ocho.\n", "utf-8")
    out = CliRunner().invoke(main, ["convert", str(src), "-o", str(tmp_path / "o.srt"), "--lang", "es"])
    assert out.exit_code == 0 and "netflix-sdh chosen for the language" in out.stderr, out.output
    assert "ANA" not in (tmp_path / "o.srt").read_text("utf-8")   # the user asked for no SDH


def test_webvtt_voices_name_each_line_of_a_dialogue():
    result = convert_transcript(read_transcript_text(_SPEAKERS), get_preset("fr-tv"), speaker_labels=False)
    voices = webvtt_voices(result)
    assert voices[0] == ("<v Anna>- Tu viens ce soir\u202f?</v>", "<v Marc>- Oui, bien sûr.</v>")
    assert voices[1][0].startswith("<v Anna>Alors")


def test_webvtt_output_names_its_speakers(tmp_path):
    src = tmp_path / "show.txt"
    src.write_text(_SPEAKERS, "utf-8")
    done = convert_file(src, [str(tmp_path / "o.vtt"), str(tmp_path / "o.srt")], get_preset("fr-tv"),
                        speaker_labels=False)
    vtt = (tmp_path / "o.vtt").read_text("utf-8")
    assert "<v Anna>" in vtt
    assert "<v" not in (tmp_path / "o.srt").read_text("utf-8")   # SRT has no voices: the text only
    # what a WebVTT reader shows is the cues' text, the voices aside
    assert [c.lines for c in parse_captions(vtt, Format.VTT).cues] == [c.lines for c in done.result.cues]


def read_transcript_text(text: str):
    from captions.transcript import parse_transcript

    return parse_transcript(text, "<test>")


def test_control_characters_never_reach_the_captions_and_are_noted(tmp_path):
    src = tmp_path / "show.txt"
    src.write_bytes(b"00:01Bon\x07soir \x1b[31m\xc3\xa0 tous, \x0bmerci.\n00:05Voil\xc3\xa0\x0c\xc2\xa0!\n")
    done = convert_file(src, [str(tmp_path / "o.srt")], get_preset("fr-tv"), lang="fr")
    text = (tmp_path / "o.srt").read_text("utf-8")
    assert not any(ord(c) < 32 and c != "\n" or 0x7f <= ord(c) <= 0x9f for c in text)
    assert "Bonsoir à tous, merci." in text and "Voilà\u00a0!" in text   # the source's no-break space kept
    notes = [n for n in done.result.report.notes if n.code.value == "control-characters"]
    assert [n.line for n in notes] == [1, 2] and "U+0007" in notes[0].message and "ESC [31m" in notes[0].message
