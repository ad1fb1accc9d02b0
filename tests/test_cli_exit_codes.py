"""One table of exit statuses for every command (docs/exit-codes.md), decided in cli/__init__.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import captions.cli
from captions.cli import EXIT_BAD_INPUT, EXIT_FOUND, EXIT_INTERNAL, main, run
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


# ---- the script's quick exit (cli.run) --------------------------------------------------------

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "techco-2026-03-05.txt"


def _script(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "captions", *args], capture_output=True, timeout=120)


def test_the_script_flushes_everything_before_its_quick_exit(tmp_path) -> None:
    # 110 KB on standard output through a pipe and the summary on standard error: all of it arrives
    done = _script("convert", str(SAMPLE), "-o", "-", "--to", "vtt")
    here = CliRunner().invoke(main, ["convert", str(SAMPLE), "-o", "-", "--to", "vtt"])
    assert done.returncode == here.exit_code == 0
    assert len(done.stdout) > 100_000 and done.stdout == here.stdout_bytes
    assert done.stderr.decode("utf-8") == here.stderr


def test_the_script_keeps_every_exit_status(tmp_path) -> None:
    bad = tmp_path / "a.srt"
    bad.write_text("1\n00:00:05,000 --> 00:00:01,000\nOui\n", encoding="utf-8")
    assert _script("validate", str(bad)).returncode == EXIT_FOUND
    missing = _script("convert", str(tmp_path / "missing.txt"))
    assert missing.returncode == EXIT_BAD_INPUT and missing.stderr.startswith(b"captions: error: ")
    assert _script("convert", "--nope").returncode == 2
    assert _script("--version").returncode == 0


def test_the_quick_exit_runs_the_exit_handlers(monkeypatch) -> None:
    calls: list[object] = []

    class Exited(Exception):
        pass

    def fake_exit(status: int) -> None:
        calls.append(status)
        raise Exited

    monkeypatch.setattr(captions.cli, "main", lambda prog_name: sys.exit(EXIT_FOUND))
    monkeypatch.setattr("atexit._run_exitfuncs", lambda: calls.append("atexit"))
    monkeypatch.setattr("os._exit", fake_exit)
    monkeypatch.setattr("threading.active_count", lambda: 1)
    with pytest.raises(Exited):
        run()
    assert calls == ["atexit", EXIT_FOUND]


def test_a_running_thread_gets_the_interpreters_own_exit(monkeypatch) -> None:
    monkeypatch.setattr(captions.cli, "main", lambda prog_name: sys.exit(EXIT_FOUND))
    monkeypatch.setattr("os._exit", lambda status: pytest.fail("quick exit with a thread running"))
    monkeypatch.setattr("threading.active_count", lambda: 2)
    with pytest.raises(SystemExit) as exited:
        run()
    assert exited.value.code == EXIT_FOUND
