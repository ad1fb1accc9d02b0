"""The batch driver's parts that do not depend on the caption pipeline: discovery, folder
options and their precedence, output planning and collisions, path safety, the manifest."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from captions.batch import (
    CONFIG_NAME, Found, Kind, Layer, ManifestEntry, OutputRecord, Status, check_dirs, discover, output_rel,
    parse_formats, plan_inputs,
    read_folder_config, resolve_settings, safe_output_path, timeline_points,
)
from captions.batch.driver import _layers_for, _remove_stale_temporaries
from captions.errors import ConfigError
from captions.formats import Format
from captions.batch import DictionaryRef
from captions.batch.manifest import JOURNAL_NAME, LOCK_NAME, MANIFEST_NAME, Manifest, sha256_bytes
from captions.model import Cue
from captions.presets import DEFAULT_PRESET, get_preset


def _settings(src: Path, rel: str, cli: Layer = Layer("command line"), kind: Kind = Kind.TRANSCRIPT):
    return resolve_settings(_layers_for(rel, src, cli, {}), kind, dictionary_hash=lambda p: "h")


def test_parse_formats_keeps_order_and_refuses_unknown():
    assert parse_formats("srt") == (Format.SRT,)
    assert parse_formats(["VTT", ".srt"]) == (Format.VTT, Format.SRT)
    with pytest.raises(ConfigError, match="unknown output format 'ass'"):
        parse_formats("srt,ass")


def test_folder_config_reads_every_key(tmp_path):
    (tmp_path / CONFIG_NAME).write_text(
        'preset = "netflix"\nto = ["vtt"]\ndictionaries = ["d/show.toml"]\nlang = "fr"\ntypography = false\n'
        "[options]\nmax_chars = 37\nmax_cps = 15.5\n", encoding="utf-8")
    layer = read_folder_config(tmp_path / CONFIG_NAME)
    assert (layer.preset, layer.formats, layer.lang, layer.typography) == ("netflix", (Format.VTT,), "fr", False)
    assert layer.options == (("max_chars", 37), ("max_cps", 15.5))
    assert layer.dictionaries == ((tmp_path / "d" / "show.toml").resolve(),)


@pytest.mark.parametrize("text, message", [
    ('colour = "red"\n', "unknown key"),
    ('preset = "nope"\n', "unknown preset 'nope'"),
    ("preset = 3\n", "expected a preset name"),
    ("typography = 1\n", "expected true or false"),
    ('lang = "de"\n', 'expected "fr" or "en"'),
    ('dictionaries = "a.toml"\n', "expected a list of file names"),
    ("[options]\nmax_chars = 3.5\n", "expected an integer"),
    ("[options]\nmax_chars = true\n", "expected an integer"),
    ("[options]\nwidth = 3\n", "unknown option 'width'"),
    ('to = ["srt", "ass"]\n', "unknown output format"),
    ('preset = "netflix"\nlang = \n', "not valid TOML"),
])
def test_folder_config_errors_name_the_file(tmp_path, text, message):
    path = tmp_path / CONFIG_NAME
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        read_folder_config(path)
    assert info.value.location.source == str(path)


def test_bad_toml_error_gives_the_line(tmp_path):
    path = tmp_path / CONFIG_NAME
    path.write_text('preset = "netflix"\n\nlang = \n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        read_folder_config(path)
    assert info.value.location.line == 3


def test_precedence_cli_then_nearest_then_parents_then_defaults(tmp_path):
    (tmp_path / "season" / "week").mkdir(parents=True)
    (tmp_path / CONFIG_NAME).write_text('preset = "netflix"\nlang = "en"\n[options]\nmax_chars = 30\nfps = 30.0\n')
    (tmp_path / "season" / CONFIG_NAME).write_text("[options]\nmax_chars = 35\n")
    (tmp_path / "season" / "week" / CONFIG_NAME).write_text('preset = "bbc"\n')

    root = _settings(tmp_path, "a.txt")
    assert (root.preset.name, root.preset.max_chars, root.lang) == ("netflix", 30, "en")
    season = _settings(tmp_path, "season/b.txt")
    assert (season.preset.name, season.preset.max_chars, season.preset.fps) == ("netflix", 35, 30.0)
    # the nearest folder's preset wins, the parents' numbers still apply on top of it
    week = _settings(tmp_path, "season/week/c.txt")
    assert (week.preset.name, week.preset.max_chars, week.preset.fps) == ("bbc", 35, 30.0)
    cli = Layer("command line", preset="dcmp", options=(("max_chars", 20),), formats=(Format.SRT,))
    forced = _settings(tmp_path, "season/week/c.txt", cli)
    assert (forced.preset.name, forced.preset.max_chars, forced.formats) == ("dcmp", 20, (Format.SRT,))


def test_defaults_without_any_config(tmp_path):
    transcript = _settings(tmp_path, "a.txt")
    assert transcript.preset == get_preset(DEFAULT_PRESET)
    assert transcript.formats == (Format.SRT, Format.VTT) and transcript.typography is True
    assert _settings(tmp_path, "a.srt", kind=Kind.CAPTIONS).formats == ()  # caption files: validate only


def test_dictionaries_most_specific_first(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / CONFIG_NAME).write_text('dictionaries = ["channel.tsv"]\n')
    (tmp_path / "sub" / CONFIG_NAME).write_text('dictionaries = ["show.toml"]\n')
    cli = Layer("command line", dictionaries=(Path("/x/cli.toml"),))
    layers = _layers_for("sub/a.txt", tmp_path, cli, {})
    settings = resolve_settings(layers, Kind.TRANSCRIPT, adjacent=[tmp_path / "sub" / "a.dict.toml"],
                                dictionary_hash=lambda p: p.name)
    assert [Path(d.path).name for d in settings.dictionaries] == ["cli.toml", "a.dict.toml", "show.toml",
                                                                  "channel.tsv"]
    assert [d.sha256 for d in settings.dictionaries][0] == "cli.toml"


def test_discovery_reports_links_out_broken_links_and_fifos(tmp_path):
    src = tmp_path / "in"
    (src / "2026" / "mars").mkdir(parents=True)
    (src / "2026" / "mars" / "show.txt").write_text("00:01Bonjour\n")
    (src / "UPPER.SRT").write_text("1\n")
    (src / "notes.md").write_text("ignored\n")
    (src / "inside.txt").symlink_to(src / "2026" / "mars" / "show.txt")
    (tmp_path / "secret.txt").write_text("00:01 outside\n")
    (src / "escape.txt").symlink_to(tmp_path / "secret.txt")
    (src / "broken.txt").symlink_to(src / "nowhere.txt")
    os.mkfifo(src / "pipe.txt")
    (src / "linked-dir").symlink_to(tmp_path)  # a link to a folder is never descended
    (src / "folder.txt").mkdir()                # a folder named like a transcript is a folder
    (src / "folder.txt" / "inner.vtt").write_text("WEBVTT\n")

    found = {f.rel: f for f in discover(src)}
    assert set(found) == {"2026/mars/show.txt", "UPPER.SRT", "inside.txt", "escape.txt", "broken.txt",
                          "pipe.txt", "folder.txt/inner.vtt"}
    assert found["UPPER.SRT"].kind is Kind.CAPTIONS and found["2026/mars/show.txt"].kind is Kind.TRANSCRIPT
    assert found["inside.txt"].problem is None
    assert found["inside.txt"].path == (src / "2026" / "mars" / "show.txt").resolve()
    assert "outside INPUT_DIR" in found["escape.txt"].problem
    assert "broken symbolic link" in found["broken.txt"].problem
    assert "FIFO" in found["pipe.txt"].problem
    assert found["2026/mars/show.txt"].problem is None


def test_outputs_mirror_the_tree_and_collisions_are_refused_for_both(tmp_path):
    assert output_rel("2026/mars/show.txt", Format.SRT) == "2026/mars/show.srt"
    assert output_rel("a b/émission 1.vtt", Format.SRT) == "a b/émission 1.srt"
    found = [Found("show.txt", tmp_path, Kind.TRANSCRIPT), Found("show.srt", tmp_path, Kind.CAPTIONS),
             Found("other.txt", tmp_path, Kind.TRANSCRIPT)]
    cli = Layer("command line", formats=(Format.SRT, Format.VTT))
    plans = {p.found.rel: p for p in plan_inputs(found, lambda f: resolve_settings([cli], f.kind))}
    assert "show.srt" in plans["show.txt"].problem and "show.txt" in plans["show.srt"].problem
    assert "collision" in plans["show.txt"].problem
    assert plans["other.txt"].problem is None and plans["other.txt"].outputs == ("other.srt", "other.vtt")
    # without --to, the caption file is only validated: no output, so no collision
    plans = {p.found.rel: p for p in plan_inputs(found, lambda f: resolve_settings([], f.kind))}
    assert plans["show.txt"].problem is None and plans["show.srt"].outputs == ()


def test_output_dir_inside_input_dir_is_refused(tmp_path):
    (tmp_path / "in").mkdir()
    with pytest.raises(ConfigError, match="inside INPUT_DIR"):
        check_dirs(tmp_path / "in", tmp_path / "in" / "out")
    with pytest.raises(ConfigError, match="inside INPUT_DIR"):
        check_dirs(tmp_path / "in", tmp_path / "in")
    with pytest.raises(ConfigError, match="not a folder"):
        check_dirs(tmp_path / "missing", tmp_path / "out")
    assert check_dirs(tmp_path / "in", tmp_path / "out") == ((tmp_path / "in").resolve(),
                                                              (tmp_path / "out").resolve())


def test_output_paths_never_leave_output_dir_nor_enter_input_dir(tmp_path):
    src, dst = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    dst.mkdir()
    assert safe_output_path(src, dst, "a b/é/x.srt") == dst / "a b" / "é" / "x.srt"
    for rel in ("../x.srt", "/etc/x.srt", "a/../../x.srt"):
        with pytest.raises(ConfigError, match="leave OUTPUT_DIR"):
            safe_output_path(src, dst, rel)
    (dst / "trap").symlink_to(src)  # a folder in OUTPUT_DIR that leads into INPUT_DIR
    with pytest.raises(ConfigError, match="inside INPUT_DIR"):
        safe_output_path(src, dst, "trap/x.srt")
    (dst / "away").symlink_to(tmp_path)
    with pytest.raises(ConfigError, match="outside OUTPUT_DIR"):
        safe_output_path(src, dst, "away/x.srt")
    assert not (src / "x.srt").exists() and not (tmp_path / "x.srt").exists()


def test_stale_temporaries_of_outputs_are_removed_and_nothing_else(tmp_path):
    (tmp_path / "a").mkdir()
    stale = tmp_path / "a" / ".captions-k2j3_x9a.tmp"          # what files.write_all leaves when killed
    older = tmp_path / "a" / ".show.srt.k2j3_x.tmp"              # what earlier versions left
    keep = [tmp_path / "a" / ".unrelated.k2j3_x.tmp", tmp_path / "a" / ".captions-short.tmp",
            tmp_path / "a" / "show.srt"]
    manifest_tmp = tmp_path / f".{MANIFEST_NAME}.abc123.tmp"
    for p in (stale, older, manifest_tmp, *keep):
        p.write_text("half")
    (tmp_path / "in").mkdir()
    trapped = tmp_path / "in" / ".captions-k2j3_x9a.tmp"  # reached through a link planted in OUTPUT_DIR
    trapped.write_text("input")
    (tmp_path / "b").symlink_to(tmp_path / "in")
    young = tmp_path / "a" / ".captions-youngone.tmp"   # being written by another command right now
    young.write_text("half")
    os.utime(young, (time.time() + 60, time.time() + 60))
    _remove_stale_temporaries(tmp_path / "in", tmp_path, ["a/show.srt", "b/show.srt"], time.time())
    assert not stale.exists() and not older.exists() and not manifest_tmp.exists()
    assert all(p.exists() for p in keep) and trapped.exists() and young.exists()


def test_manifest_round_trip_and_staleness(tmp_path):
    assert Manifest.load(tmp_path).files == {}
    (tmp_path / "x.srt").write_bytes(b"1\n")
    entry = ManifestEntry(Status.OK, Kind.TRANSCRIPT, sha256="s", options_sha256="o",
                          outputs=(OutputRecord("x.srt", Format.SRT, sha256_bytes(b"1\n"), 2),),
                          timeline=((0, 1000, 12.0, 17.0),))
    with Manifest.open(tmp_path) as manifest:
        manifest.record("x.txt", entry)
        assert (tmp_path / JOURNAL_NAME).is_file() and (tmp_path / LOCK_NAME).is_file()
    assert not (tmp_path / JOURNAL_NAME).exists() and not (tmp_path / LOCK_NAME).exists()  # folded in, released
    again = Manifest.load(tmp_path)
    assert again.files == {"x.txt": entry.light()} and again.full_entry("x.txt") == entry
    kw = dict(sha256="s", options_sha256="o", dictionaries=[], outputs=["x.srt"])
    assert again.staleness("x.txt", **kw) is None
    assert again.staleness("x.txt", **{**kw, "sha256": "changed"}) == "the input changed"
    assert again.staleness("x.txt", **{**kw, "options_sha256": "changed"}) == "the options changed"
    assert again.staleness("x.txt", **{**kw, "dictionaries": [DictionaryRef("d", "h")]}) == "a dictionary changed"
    assert again.staleness("y.txt", **kw) == "not done before"
    (tmp_path / "x.srt").write_bytes(b"2\n")   # same size, other bytes
    assert again.staleness("x.txt", **kw) == "output x.srt was changed since it was written"
    (tmp_path / "x.srt").write_bytes(b"")
    assert again.staleness("x.txt", **kw) == "output x.srt was truncated (0 bytes; 2 were written)"
    (tmp_path / "x.srt").unlink()  # an output deleted by hand is redone
    assert again.staleness("x.txt", **kw) == "output x.srt is missing"
    assert json.loads((tmp_path / MANIFEST_NAME).read_text())["version"] == 1


def test_a_journal_left_by_a_kill_is_read_and_folded_in_its_cut_line_ignored(tmp_path):
    first = ManifestEntry(Status.OK, Kind.CAPTIONS, sha256="a", cues=1)
    second = ManifestEntry(Status.FAILED, Kind.TRANSCRIPT, reason="b.txt: bad")
    manifest = Manifest.open(tmp_path)
    manifest.record("a.srt", first)
    manifest.record("b.txt", second)
    manifest.close(compact=False)   # as a kill would leave it (the lock goes with the process)
    with open(tmp_path / JOURNAL_NAME, "ab") as journal:
        journal.write(b'"c.txt":{"status":"ok","kind":"transcr')   # a line cut short
    loaded = Manifest.load(tmp_path)
    assert dict(loaded.files) == {"a.srt": first, "b.txt": second} and loaded.recovered == 2
    with Manifest.open(tmp_path) as taken:
        assert dict(taken.files) == {"a.srt": first, "b.txt": second}
        assert not (tmp_path / JOURNAL_NAME).exists()   # folded into the manifest at once
    assert dict(Manifest.load(tmp_path).files) == {"a.srt": first, "b.txt": second}


def test_one_run_per_output_dir_and_a_dead_runs_lock_is_taken_over(tmp_path):
    import subprocess
    import sys

    with Manifest.open(tmp_path):
        probe = ("import sys\nfrom captions.batch.manifest import Manifest\nfrom captions.errors import OutputError\n"
                 "try:\n    Manifest.open(sys.argv[1])\nexcept OutputError as exc:\n    print(exc)\n")
        out = subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True, text=True,
                             timeout=60).stdout
        assert "in use by another captions batch" in out and f"pid {os.getpid()}" in out
    # a run killed while holding it: the lock file stays, naming it, but the lock died with it
    holder = subprocess.run([sys.executable, "-c", "import sys, os\nfrom captions.batch.manifest import Manifest\n"
                             "Manifest.open(sys.argv[1])\nos._exit(0)", str(tmp_path)], timeout=60)
    assert holder.returncode == 0 and (tmp_path / LOCK_NAME).is_file()
    with Manifest.open(tmp_path) as manifest:
        assert manifest.previous_holder is not None and manifest.previous_holder.startswith("pid ")


def test_corrupt_manifest_is_a_clear_error(tmp_path):
    (tmp_path / MANIFEST_NAME).write_text("{not json")
    with pytest.raises(ConfigError, match="not valid JSON") as info:
        Manifest.load(tmp_path)
    assert info.value.location.line == 1
    (tmp_path / MANIFEST_NAME).write_text('{"version": 99, "files": {}}')
    with pytest.raises(ConfigError, match="not a version 1"):
        Manifest.load(tmp_path)


def test_timeline_keeps_the_fastest_cue_of_each_slice():
    preset = get_preset("netflix")
    cues = [Cue(i * 1000, i * 1000 + 900, ("x" * (5 + i % 7),)) for i in range(1000)]
    points = timeline_points(cues, preset, points=50)
    assert len(points) <= 50
    fastest = max(points, key=lambda p: p[2])
    assert fastest[2] == pytest.approx(11 / 0.9, abs=0.05)  # the 11-character cues are the peaks
    assert all(p[3] == 17.0 for p in points)
    csa = timeline_points(cues[:3], get_preset("csa"))
    assert csa[0][3] is not None and csa[0][3] != 17.0  # a stepped table gives a limit per duration


def test_folder_options_behind_a_link_out_of_input_dir_are_refused(tmp_path):
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "elsewhere.toml").write_text('preset = "bbc"\n')
    (tmp_path / "in" / "sub" / CONFIG_NAME).symlink_to(tmp_path / "elsewhere.toml")
    with pytest.raises(ConfigError, match="symbolic link leads out of"):
        _settings(tmp_path / "in", "sub/a.txt")
    assert _settings(tmp_path / "in", "a.txt").preset.name == DEFAULT_PRESET
