"""``captions convert --dict``: corrections applied before cues are built, recorded in the report."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from captions.cli import main
from conftest import REPO

SAMPLE = REPO / "samples" / "techco-2026-03-05.txt"
DICT = REPO / "samples" / "techco.dict.toml"


def _convert(tmp_path, *args):
    out = tmp_path / "out.srt"
    report = tmp_path / "report.json"
    result = CliRunner().invoke(main, ["convert", *args, "-o", str(out), "--report", str(report)])
    assert result.exit_code == 0, result.output + result.stderr
    return out.read_text(encoding="utf-8"), json.loads(report.read_text(encoding="utf-8")), result


def test_dict_corrects_the_captions_and_the_report_lists_every_change(tmp_path) -> None:
    src = tmp_path / "show.txt"
    shutil.copy(SAMPLE, src)
    raw, _, _ = _convert(tmp_path, str(src))
    fixed, report, result = _convert(tmp_path, str(src), "--dict", str(DICT))
    assert "Anthropik" in raw and "Anthropik" not in fixed
    assert "Open AI" in " ".join(raw.split()) and "Open AI" not in " ".join(fixed.split())
    assert fixed.count("Anthropic") > raw.count("Anthropic")
    assert len(report["changes"]) == 66
    assert {c["after"] for c in report["changes"]} >= {"Anthropic", "OpenAI", "Jensen Huang"}
    assert "66 correction(s)" in result.stderr


def test_a_dictionary_next_to_the_input_is_found_unless_told_not_to(tmp_path) -> None:
    src = tmp_path / "techco-2026-03-05.txt"
    shutil.copy(SAMPLE, src)
    shutil.copy(DICT, tmp_path / "techco.dict.toml")
    found, report, _ = _convert(tmp_path, str(src))
    assert "Anthropik" not in found and len(report["changes"]) == 66
    plain, report, _ = _convert(tmp_path, str(src), "--no-discover")
    assert "Anthropik" in plain and report["changes"] == []


def test_a_bad_dictionary_is_refused_before_anything_is_written(tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[fix]]\nto = "X"\nfrom = ["(a+)+b"]\nmatch = "regex"\n', encoding="utf-8")
    out = tmp_path / "out.srt"
    result = CliRunner().invoke(main, ["convert", str(SAMPLE), "--dict", str(bad), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"captions: error: {bad}:")
    assert not out.exists()
