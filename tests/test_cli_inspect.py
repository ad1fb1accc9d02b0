"""``captions inspect`` and the CLI's error contract, in-process and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from captions.cli import main
from conftest import REPO

SAMPLE = REPO / "samples" / "techco-2026-03-05.txt"


def test_inspect_for_a_person() -> None:
    result = CliRunner().invoke(main, ["inspect", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "fragments: 2802 (lines 6-2807)" in result.output
    assert "layout:    glued" in result.output
    assert "footer:    Commentaires" in result.output
    assert f"{SAMPLE}:2808: footer:" in result.output


def test_inspect_json_follows_the_schema() -> None:
    result = CliRunner().invoke(main, ["inspect", "--json", str(SAMPLE)])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["version"] == 2 and data["layout"] == "glued"
    assert len(data["fragments"]) == 2802
    assert data["fragments"][0] == {"start_ms": 7000, "line": 6, "speaker": None, "turn": False, "end_ms": None,
                                    "text": "BFM Business et Tech & Co présente Tech & Co, la quotidienne, François Sorel."}
    assert sum(f["turn"] for f in data["fragments"]) == 31
    assert data["detection"]["layout"] == "glued" and data["detection"]["scores"]["glued"] > 0.9
    assert {n["code"] for n in data["notes"]} == {"metadata", "footer"}


def test_inspect_reads_stdin() -> None:
    result = CliRunner().invoke(main, ["inspect", "--fragments", "-"], input="Titre\n00:14Bonsoir\n")
    assert result.exit_code == 0
    assert "00:14    Bonsoir" in result.output and "metadata:  Titre" in result.output


def test_bad_input_is_one_clean_error_with_file_and_line(tmp_path) -> None:
    bad = tmp_path / "show.txt"
    bad.write_text("00:10Un\n00:05Deux\n")
    result = CliRunner().invoke(main, ["inspect", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"captions: error: {bad}:1: stamps go backwards")
    assert "Traceback" not in result.output + result.stderr


def test_missing_file_is_an_error_not_a_traceback(tmp_path) -> None:
    result = CliRunner().invoke(main, ["inspect", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert "cannot read the file" in result.stderr


def test_bad_invocation_exits_2() -> None:
    assert CliRunner().invoke(main, ["inspect"]).exit_code == 2


def test_every_command_help_has_an_example() -> None:
    import click

    names = main.list_commands(click.Context(main))
    assert {"inspect", "convert", "correct", "dict", "validate", "batch"} <= set(names)
    for name in names:
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output, f"captions {name} --help has no example"
    assert "Example" in CliRunner().invoke(main, ["--help"]).output


def test_python_dash_m_runs_as_a_process() -> None:
    proc = subprocess.run([sys.executable, "-m", "captions", "inspect", "--json", str(SAMPLE)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["layout"] == "glued"
    bad = subprocess.run([sys.executable, "-m", "captions", "inspect", "-"], input="rien\n",
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and bad.stderr.startswith("captions: error: <stdin>:1:")


def test_the_command_list_imports_no_command() -> None:
    """``captions --help`` lists the commands from their summaries: no command module loads."""
    probe = ("import sys\nfrom captions.cli import main\n"
             "try:\n    main(['--help'], prog_name='captions')\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in sys.modules if m.startswith('captions.')))")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = proc.stdout.splitlines()[-1]
    for heavy in ("captions.cli.batch", "captions.batch", "captions.cli.convert", "captions.convert",
                  "captions.cli.validate", "captions.validate", "captions.corrections"):
        assert f"'{heavy}'" not in loaded
    assert "Commands:" in proc.stdout and "batch     Convert and check every transcript" in proc.stdout


def test_the_command_summaries_are_the_commands_own_help() -> None:
    """The list shows what click would show from each command's help, at every width."""
    import click

    from captions.cli import _COMMANDS

    ctx = click.Context(main)
    for name in _COMMANDS:
        main.get_command(ctx, name)  # imports its module
    assert set(_COMMANDS) == set(main.commands)
    for name, (_, summary) in _COMMANDS.items():
        for limit in (20, 45, 74, 200):
            assert click.Command(name, help=summary).get_short_help_str(limit) == \
                main.commands[name].get_short_help_str(limit), (name, limit)


def test_a_command_runs_with_the_collector_paused_and_restores_it(monkeypatch) -> None:
    import gc

    from captions.cli import inspect as inspect_command
    from captions.errors import ParseError

    seen = []

    def reader(path: str) -> None:
        seen.append(gc.isenabled())
        raise ParseError("nothing here", None)

    monkeypatch.setattr(inspect_command, "read_transcript", reader)
    assert gc.isenabled()
    assert CliRunner().invoke(main, ["inspect", "x.txt"]).exit_code == 2
    assert seen == [False] and gc.isenabled()


def test_inspect_shows_turns_and_marks_them(tmp_path) -> None:
    show = tmp_path / "show.txt"
    show.write_text("00:01Bonsoir.\n00:03– Bonsoir François.\n00:05Merci.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["inspect", "--fragments", str(show)])
    assert result.exit_code == 0, result.output
    assert "turns:     1" in result.output
    assert "     2  00:03  > Bonsoir François." in result.output


def test_explain_says_how_each_line_was_read() -> None:
    result = CliRunner().invoke(main, ["inspect", "--explain", "--lines", "7", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("layout:    glued (scores on 300 lines: glued 0.9")
    assert "page metadata (before the first stamp) [metadata]" in lines[1]
    assert lines[6].startswith("6  00:07BFM Business") and lines[6].endswith("stamp '00:07' (glued)")
    assert len(lines) == 8


def test_explain_on_a_refused_file_shows_what_each_layout_found_then_the_error(tmp_path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\nWe met at 10:30.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["inspect", "--explain", str(notes)])
    assert result.exit_code == 2
    assert "3  We met at 10:30." in result.output and "no stamp in any layout" in result.output
    assert result.stderr.startswith(f"captions: error: {notes}:3: no timestamp found: '10:30'")


def test_explain_json_adds_the_readings_to_the_transcript() -> None:
    result = CliRunner().invoke(main, ["inspect", "--explain", "--lines", "3", "--json", str(SAMPLE)])
    data = json.loads(result.output)
    assert [r["line"] for r in data["explain"]] == [1, 2, 3] and data["layout"] == "glued"


def test_keep_chrome_and_drop_line_override_the_reader(tmp_path) -> None:
    page = tmp_path / "page.txt"
    page.write_text("00:01Bonsoir.\nVoir plus\n00:05Merci.\n00:09Au revoir.\n", encoding="utf-8")
    plain = json.loads(CliRunner().invoke(main, ["inspect", "--json", str(page)]).output)
    assert [f["text"] for f in plain["fragments"]] == ["Bonsoir.", "Merci.", "Au revoir."]
    assert [n["code"] for n in plain["notes"]] == ["chrome"]
    kept = json.loads(CliRunner().invoke(main, ["inspect", "--json", "--keep-chrome", "--drop-line", "3",
                                                str(page)]).output)
    assert [f["text"] for f in kept["fragments"]] == ["Bonsoir. Voir plus", "Au revoir."]
    assert [(n["code"], n["line"]) for n in kept["notes"]] == [("dropped-line", 3)]
