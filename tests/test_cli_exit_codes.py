"""One table of exit statuses for every command (docs/exit-codes.md), decided in cli/__init__.py."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from captions.cli import EXIT_BAD_INPUT, EXIT_FOUND, EXIT_INTERNAL, main
from captions.cli import inspect as inspect_command
from captions.errors import Location, ParseError


def _reader_raising(exc: BaseException):
    def reader(path: str) -> None:
        raise exc
    return reader


def test_a_library_error_is_bad_input_with_its_location(monkeypatch) -> None:
    monkeypatch.setattr(inspect_command, "read_transcript", _reader_raising(ParseError("no stamp", Location("x.txt", 3))))
    result = CliRunner().invoke(main, ["inspect", "x.txt"])
    assert result.exit_code == EXIT_BAD_INPUT == 2
    assert result.stderr == "captions: error: x.txt:3: no stamp\n"


def test_a_refused_read_or_write_is_bad_input_not_a_traceback(monkeypatch) -> None:
    monkeypatch.setattr(inspect_command, "read_transcript",
                        _reader_raising(PermissionError(13, "Permission denied", "x.txt")))
    result = CliRunner().invoke(main, ["inspect", "x.txt"])
    assert result.exit_code == 2
    assert result.stderr == "captions: error: x.txt: Permission denied\n"


@pytest.mark.parametrize("debug", [False, True])
def test_a_bug_is_an_internal_error_never_a_finding(monkeypatch, debug: bool) -> None:
    if debug:
        monkeypatch.setenv("CAPTIONS_DEBUG", "1")
    else:
        monkeypatch.delenv("CAPTIONS_DEBUG", raising=False)
    monkeypatch.setattr(inspect_command, "read_transcript", _reader_raising(KeyError("oops")))
    result = CliRunner().invoke(main, ["inspect", "x.txt"])
    assert result.exit_code == EXIT_INTERNAL == 3 != EXIT_FOUND
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("captions: internal error: KeyError: 'oops' (this is a bug")
    assert ("Traceback" in result.stderr) is debug


def test_a_bad_invocation_is_two() -> None:
    assert CliRunner().invoke(main, ["convert"]).exit_code == 2
    assert CliRunner().invoke(main, ["convert", "x.txt", "--preset", "nope"]).exit_code == 2


def test_a_missing_input_is_two_for_every_command(tmp_path) -> None:
    missing = str(tmp_path / "missing.txt")
    for args in (["inspect", missing], ["convert", missing], ["validate", missing[:-4] + ".srt"],
                 ["correct", missing, "--dict", str(tmp_path / "d.toml")]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.startswith("captions: error: ") and "Traceback" not in result.output


def test_ctrl_c_is_130_with_one_line(monkeypatch) -> None:
    monkeypatch.setattr(inspect_command, "read_transcript", _reader_raising(KeyboardInterrupt()))
    result = CliRunner().invoke(main, ["inspect", "x.txt"])
    assert result.exit_code == 130 and result.stderr == "captions: interrupted\n"


def test_a_file_whose_only_cue_ends_before_it_starts_is_a_finding(tmp_path) -> None:
    bad = tmp_path / "a.srt"
    bad.write_text("1\n00:00:05,000 --> 00:00:01,000\nOui\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1 and "end-not-after-start" in result.stdout
