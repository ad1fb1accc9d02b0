"""Errors, not tracebacks; all or nothing.  Every failure of every command is one line
``captions: error: ...`` (a bad path, a folder, a refused read or write, a full disk, a bad
number or language) with the exit status of docs/exit-codes.md, and a run with several outputs
writes all of them or none."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from captions.cli import main
from captions.formats import read_captions
from captions.presets import get_preset
from captions.validate import check_document

TRANSCRIPT = "00:01Bonsoir à tous.\n00:04Merci d'être là.\n"
SRT = "1\n00:00:01,000 --> 00:00:02,000\nBonsoir à tous.\n\n2\n00:00:03,000 --> 00:00:04,000\nMerci.\n"
DICT = '[fixes.x]\nto = "X"\n'


def _files(tmp_path: Path) -> dict[str, Path]:
    paths = {"txt": tmp_path / "show.txt", "srt": tmp_path / "show.srt", "dict": tmp_path / "d.toml"}
    paths["txt"].write_text(TRANSCRIPT, "utf-8")
    paths["srt"].write_text(SRT, "utf-8")
    paths["dict"].write_text(DICT, "utf-8")
    return paths


def _one_line_error(result, status: int = 2) -> str:
    assert result.exit_code == status, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("captions: error: "), result.stderr
    return lines[0]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob(".captions-*"))


# ---- bad numbers, languages and encodings: usage errors -----------------------------------------

@pytest.mark.parametrize("option, value, says", [
    ("--fps", "0", "above 0"), ("--fps", "nan", "above 0"), ("--fps", "-25", "above 0"), ("--fps", "inf", "above 0"),
    ("--fps", "abc", "not a number"), ("--max-cps", "0", "above 0"), ("--max-cps", "nan", "above 0"),
    ("--min-gap-ms", "-5", "x>=0"), ("--min-duration-ms", "-1", "x>=0"), ("--max-duration-ms", "0", "x>=1"),
    ("--max-chars", "0", "x>=1"), ("--max-lines", "0", "x>=1"), ("--lang", "xx", "unknown language"),
])
@pytest.mark.parametrize("command", ["convert", "validate", "batch"])
def test_a_bad_number_or_language_is_one_usage_line(tmp_path, command, option, value, says) -> None:
    files = _files(tmp_path)
    args = {"convert": ["convert", str(files["txt"]), "-o", str(tmp_path / "o.srt")],
            "validate": ["validate", str(files["srt"])],
            "batch": ["batch", str(tmp_path), "-o", str(tmp_path.parent / (tmp_path.name + "-out"))]}[command]
    if command == "batch" and option == "--lang":
        return   # batch's own --lang is a choice of fr/en (docs/batch.md)
    line = _one_line_error(CliRunner().invoke(main, [*args, option, value]))
    assert option in line and says in line
    assert not (tmp_path / "o.srt").exists()


def test_min_above_max_is_a_usage_error(tmp_path) -> None:
    files = _files(tmp_path)
    line = _one_line_error(CliRunner().invoke(main, ["validate", str(files["srt"]), "--min-duration-ms", "9000",
                                                     "--max-duration-ms", "1000"]))
    assert "9000 ms" in line and "1000 ms" in line


def test_lang_takes_any_case_and_a_region() -> None:
    srt = str(Path(__file__).parent / "data" / "malformed" / "clean.srt")
    for value in ("FR", "fr", "Fr-CA", "en_GB", "DA"):
        assert CliRunner().invoke(main, ["validate", srt, "--lang", value]).exit_code == 0, value


def test_an_unknown_encoding_is_an_error(tmp_path) -> None:
    files = _files(tmp_path)
    line = _one_line_error(CliRunner().invoke(main, ["validate", str(files["srt"]), "--encoding", "klingon"]))
    assert "unknown encoding 'klingon'" in line


# ---- paths ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["convert", "{dir}"], ["convert", "{dir}/"], ["validate", "{dir}"], ["inspect", "{dir}"],
    ["correct", "{dir}", "--dict", "{dict}"], ["convert", "{missing}"], ["validate", "{missing}.srt"],
    ["inspect", "{missing}"], ["correct", "{missing}", "--dict", "{dict}"], ["convert", "{txt}", "-o", "{dir}"],
    ["convert", "{txt}", "-o", "{missing}/x.srt"], ["correct", "{txt}", "--dict", "{dict}", "-o", "{missing}/c.txt"],
    ["validate", "--fix", "{srt}", "-o", "{missing}/f.srt"], ["convert", "{txt}", "--report", "{missing}/r.json"],
    ["correct", "{txt}", "--dict", "{missing}.toml"],
])
def test_a_bad_path_is_one_line_and_status_two(tmp_path, args) -> None:
    files = _files(tmp_path)
    values = {"dir": str(tmp_path), "missing": str(tmp_path / "missing"), **{k: str(v) for k, v in files.items()}}
    before = sorted(p.name for p in tmp_path.iterdir())
    _one_line_error(CliRunner().invoke(main, [a.format(**values) for a in args]))
    assert sorted(p.name for p in tmp_path.iterdir()) == before and _leftovers(tmp_path) == []


def test_a_refused_read_is_one_line(tmp_path, monkeypatch) -> None:
    files = _files(tmp_path)
    real_open = os.open

    def refuse(path, flags, *args, **kwargs) -> int:   # as root, a mode cannot refuse a read
        if os.fspath(path).endswith("show.srt"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    line = _one_line_error(CliRunner().invoke(main, ["validate", str(files["srt"])]))
    assert "show.srt" in line and "Permission denied" in line


@pytest.mark.parametrize("reason", [errno.ENOSPC, errno.EACCES, errno.EROFS])
def test_a_refused_or_full_disk_writes_nothing(tmp_path, monkeypatch, reason) -> None:
    files = _files(tmp_path)
    calls = {"n": 0}
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 3:   # the third output of the run
            raise OSError(reason, os.strerror(reason))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    outputs = [tmp_path / "a.srt", tmp_path / "b.vtt", tmp_path / "r.json"]
    result = CliRunner().invoke(main, ["convert", str(files["txt"]), "-o", str(outputs[0]), "-o", str(outputs[1]),
                                       "--report", str(outputs[2])])
    line = _one_line_error(result)
    assert os.strerror(reason) in line and "r.json" in line
    assert not any(p.exists() for p in outputs) and _leftovers(tmp_path) == []


def test_validate_fix_in_place_writes_every_file_or_none(tmp_path, monkeypatch) -> None:
    first, second = tmp_path / "a.srt", tmp_path / "b.srt"
    bad = "1\n00:00:01.000 --> 00:00:01,400\nUn.\n"
    first.write_text(bad, "utf-8")
    second.write_text(bad, "utf-8")
    calls = {"n": 0}
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    _one_line_error(CliRunner().invoke(main, ["validate", "--fix", "--in-place", str(first), str(second)]))
    assert first.read_text("utf-8") == bad and second.read_text("utf-8") == bad and _leftovers(tmp_path) == []
    monkeypatch.setattr(os, "fsync", real_fsync)
    done = CliRunner().invoke(main, ["validate", "--fix", "--in-place", str(first), str(second)])
    assert done.exit_code == 0, done.output
    assert first.read_text("utf-8") == second.read_text("utf-8") != bad


def test_interrupted_is_one_line_and_130(monkeypatch, tmp_path) -> None:
    from captions.cli import validate as validate_command

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(validate_command, "read_captions", interrupt)
    result = CliRunner().invoke(main, ["validate", str(_files(tmp_path)["srt"])])
    assert result.exit_code == 130 and result.stderr.strip() == "captions: interrupted"


# ---- --fix: nothing lost, nothing written when something cannot be repaired ------------------------

MISSING_TIMING = "1\n00:00:01,000 --> 00:00:02,000\nUn.\n\n2\nDeux, sans temps.\n\n3\n00:00:05,000 --> 00:00:06,000\nTrois.\n"


def test_fix_refuses_a_block_it_cannot_read_and_writes_nothing(tmp_path) -> None:
    source, out = tmp_path / "in.srt", tmp_path / "out.srt"
    source.write_text(MISSING_TIMING, "utf-8")
    result = CliRunner().invoke(main, ["validate", "--fix", str(source), "-o", str(out)])
    assert result.exit_code == 1 and not out.exists() and "Traceback" not in result.output
    assert f"{source}:5: cannot repair lines 5-6: missing-timing" in result.stderr
    assert "nothing written" in result.stderr and "--drop-unreadable" in result.stderr


def test_drop_unreadable_drops_and_lists(tmp_path) -> None:
    source, out = tmp_path / "in.srt", tmp_path / "out.srt"
    source.write_text(MISSING_TIMING, "utf-8")
    result = CliRunner().invoke(main, ["validate", "--fix", "--drop-unreadable", str(source), "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    assert f"{source}:5: drop-unreadable: dropped: missing-timing" in result.stderr
    assert "Deux, sans temps." in result.stderr   # what went is shown
    assert [c.lines for c in read_captions(out).cues] == [("Un.",), ("Trois.",)]


def test_fix_only_options_need_fix(tmp_path) -> None:
    srt = str(_files(tmp_path)["srt"])
    for extra in (["--drop-unreadable"], ["--output-encoding", "cp1252"]):
        _one_line_error(CliRunner().invoke(main, ["validate", srt, *extra]))


def test_fix_writes_the_input_encoding_unless_told(tmp_path) -> None:
    source = tmp_path / "in.srt"
    source.write_bytes("1\n00:00:01,000 --> 00:00:02,000\nDéjà là, ça va ?\n".encode("cp1252"))
    kept, utf8 = tmp_path / "kept.srt", tmp_path / "utf8.srt"
    assert CliRunner().invoke(main, ["validate", "--fix", str(source), "-o", str(kept), "--lang", "fr"]).exit_code in (0, 1)
    assert CliRunner().invoke(main, ["validate", "--fix", str(source), "-o", str(utf8), "--lang", "fr",
                                     "--output-encoding", "utf-8"]).exit_code in (0, 1)
    # French spacing: U+202F has no Windows-1252 byte, so the no-break space U+00A0 stands for it
    assert kept.read_bytes().decode("cp1252").endswith("Déjà là, ça va\u00a0?\n")
    assert utf8.read_bytes().decode("utf-8").endswith("Déjà là, ça va\u202f?\n")


def test_long_digit_runs_are_read_not_crashed_on(tmp_path) -> None:
    index = tmp_path / "index.srt"
    index.write_text("1" * 4300 + "0\n00:00:01,000 --> 00:00:02,000\nUn.\n\n2\n00:00:03,000 --> 00:00:04,000\nDeux.\n")
    hours = tmp_path / "hours.vtt"
    hours.write_text("WEBVTT\n\n12345678901:00:01.000 --> 12345678901:00:02.000\nUn.\n")
    runner = CliRunner()
    for args in (["validate", str(index)], ["validate", "--fix", str(index), "-o", str(tmp_path / "i.srt")],
                 ["validate", "--fix", str(hours), "-o", str(tmp_path / "h.vtt")],
                 ["convert", str(hours), "-o", str(tmp_path / "x.vtt"), "-o", str(tmp_path / "x.srt")]):
        result = runner.invoke(main, args)
        assert result.exit_code in (0, 1) and "Traceback" not in result.output, (args, result.output)
    assert "12345678901:00:01.000" in (tmp_path / "x.vtt").read_text()


# ---- validate --json streams --------------------------------------------------------------------------

def test_json_is_the_findings_written_as_they_come(tmp_path) -> None:
    path = Path(__file__).parent / "data" / "malformed" / "overlap.vtt"
    other = Path(__file__).parent / "data" / "malformed" / "index-sequence.srt"
    result = CliRunner().invoke(main, ["validate", "--json", str(path), str(other)])
    data = json.loads(result.stdout)
    expected = [check_document(read_captions(p), get_preset("fr-tv")).to_dict() for p in (path, other)]
    assert data == {"version": 1, "files": expected}
    assert result.stdout.count("\n") >= sum(len(e["findings"]) for e in expected) + 4   # a line per finding
