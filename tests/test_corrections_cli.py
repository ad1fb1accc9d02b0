"""`captions correct` and `captions dict check` through click's CliRunner (and once as a process)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from captions.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "techco-2026-03-05.txt"
SAMPLE_DICT = ROOT / "samples" / "techco.dict.toml"
GOLDEN = ROOT / "tests" / "data" / "corrections" / "techco-sample" / "expected.txt"
MALFORMED = ROOT / "tests" / "data" / "corrections" / "malformed"
DICT_TEXT = '[[fix]]\nto = "Anthropic"\nfrom = ["Anthropik"]\n\n[[fix]]\nto = "OpenAI"\nfrom = ["Open AI"]\n'


def run(*args: str, input: bytes | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def test_sample_to_a_file_matches_the_golden_and_explains(tmp_path: Path) -> None:
    out = tmp_path / "corrected.txt"
    result = run("correct", SAMPLE, "--dict", SAMPLE_DICT, "-o", out, "--explain")
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes() == GOLDEN.read_bytes()
    assert result.stdout == ""
    assert "line 67 [03:20]: 'en tropique' -> 'Anthropic'" in result.stderr
    assert result.stderr.strip().endswith("66 change(s) by 10 rule(s) from 1 dictionary")


def test_sample_to_stdout_with_the_discovered_dictionary() -> None:
    result = CliRunner().invoke(main, ["correct", str(SAMPLE)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == GOLDEN.read_bytes()


def test_json_lists_every_change_for_machines(tmp_path: Path) -> None:
    result = run("correct", SAMPLE, "--dict", SAMPLE_DICT, "--no-discover", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["version"] == 1 and data["format"] == "transcript"
    assert data["dictionaries"] == [str(SAMPLE_DICT)]
    assert len(data["changes"]) == 66
    first = data["changes"][0]
    assert (first["line"], first["start_ms"], first["before"], first["after"], first["rule"]) == (
        14, 41000, "Open AI", "OpenAI", f"{SAMPLE_DICT}:8")


def test_encoding_and_line_ends_are_written_back(tmp_path: Path) -> None:
    source = tmp_path / "show.txt"
    source.write_bytes("00:01Café Anthropik\r\n00:02Open\r\nAI là\r\n".encode("cp1252"))
    (tmp_path / "show.dict.toml").write_text(DICT_TEXT, encoding="utf-8")
    out = tmp_path / "out.txt"
    result = run("correct", source, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes() == "00:01Café Anthropic\r\n00:02OpenAI\r\nlà\r\n".encode("cp1252")


def test_utf16_srt_keeps_bom_index_and_timing(tmp_path: Path) -> None:
    source = tmp_path / "show.srt"
    text = "1\r\n00:00:01,000 --> 00:00:02,000\r\nOpen AI et Anthropik\r\n"
    source.write_bytes(text.encode("utf-16"))
    dictionary = tmp_path / "d.tsv"
    dictionary.write_text("Open AI\tOpenAI\nAnthropik\tAnthropic\n", encoding="utf-8")
    out = tmp_path / "out.srt"
    assert run("correct", source, "--dict", dictionary, "-o", out).exit_code == 0
    assert out.read_bytes() == text.replace("Open AI et Anthropik", "OpenAI et Anthropic").encode("utf-16")


def test_webvtt_from_stdin_is_recognised(tmp_path: Path) -> None:
    dictionary = tmp_path / "d.toml"
    dictionary.write_text(DICT_TEXT, encoding="utf-8")
    vtt = b"WEBVTT\n\n00:01.000 --> 00:02.000\nAnthropik\n"
    result = run("correct", "-", "--dict", dictionary, input=vtt)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == b"WEBVTT\n\n00:01.000 --> 00:02.000\nAnthropic\n"


def test_bad_dictionary_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    result = run("correct", SAMPLE, "--no-discover", "--dict", MALFORMED / "fuzzy-not-a-number.toml", "-o", out)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"captions: error: {MALFORMED / 'fuzzy-not-a-number.toml'}:8: unreadable-entry")
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_never_writes_over_the_input(tmp_path: Path) -> None:
    source = tmp_path / "show.txt"
    source.write_text("00:01Anthropik\n", encoding="utf-8")
    (tmp_path / "show.dict.toml").write_text(DICT_TEXT, encoding="utf-8")
    result = run("correct", source, "-o", source)
    assert result.exit_code == 2
    assert "is the input file" in result.stderr
    assert source.read_text(encoding="utf-8") == "00:01Anthropik\n"


def test_no_dictionary_is_a_bad_invocation(tmp_path: Path) -> None:
    source = tmp_path / "show.txt"
    source.write_text("00:01Anthropik\n", encoding="utf-8")
    result = run("correct", source)
    assert result.exit_code == 2
    assert "no dictionary" in result.stderr


def test_unreadable_transcript_is_a_located_error(tmp_path: Path) -> None:
    source = tmp_path / "show.txt"
    source.write_bytes(b"\x00\x01binary")
    (tmp_path / "d.toml").write_text(DICT_TEXT, encoding="utf-8")
    result = run("correct", source, "--dict", tmp_path / "d.toml")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"captions: error: {source}:1:")


def test_dict_check_clean_and_failing() -> None:
    clean = run("dict", "check", SAMPLE_DICT, "--against", SAMPLE)
    assert clean.exit_code == 0
    assert clean.stdout == ""
    assert "0 error(s), 0 warning(s)" in clean.stderr
    bad = run("dict", "check", MALFORMED / "bad-regex.toml", MALFORMED / "duplicate-key.toml")
    assert bad.exit_code == 1
    lines = bad.stdout.splitlines()
    assert lines[0].startswith(f"{MALFORMED / 'bad-regex.toml'}:3: error: bad-regex: key 'GPT[ -4' does not compile")
    assert f"{MALFORMED / 'duplicate-key.toml'}:7: warning: duplicate-key:" in bad.stdout


def test_dict_check_fail_on_error_ignores_warnings_and_json() -> None:
    result = run("dict", "check", MALFORMED / "duplicate-key.toml", "--fail-on", "error", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [(f["code"], f["severity"], f["line"]) for f in data["findings"]] == [("duplicate-key", "warning", 7)]
    assert run("dict", "check", MALFORMED / "duplicate-key.toml").exit_code == 1


def test_help_has_examples() -> None:
    for args in (["correct", "--help"], ["dict", "--help"], ["dict", "check", "--help"]):
        assert "Example:" in run(*args).stdout


def test_as_a_process_piped_to_stdout() -> None:
    done = subprocess.run([sys.executable, "-m", "captions", "correct", str(SAMPLE), "--dict", str(SAMPLE_DICT)],
                          capture_output=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout == GOLDEN.read_bytes()
