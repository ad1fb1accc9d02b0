"""``captions batch`` end to end: a folder with good and bad files, the manifest, reruns,
collisions, folder options, exit codes.

"Unreadable file": the tests run as root, so ``chmod 000`` would not stop a read.  The
folder has instead a broken symbolic link (``gone.txt``), a FIFO (``pipe.txt``, which a naive
reader would block on forever), a link to a file outside INPUT_DIR (``escape.txt``) and a folder
named like a transcript (``folder.txt/``, which is a folder and is descended).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import srt
from click.testing import CliRunner

from captions.cli import main
from captions.batch.manifest import MANIFEST_NAME, sha256_bytes

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "techco-2026-03-05.txt"


def sample_slice(start: int, count: int) -> str:
    """``count`` stamped lines of the real sample from line ``start`` (1-based, after its chrome)."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    return "\n".join(lines[start - 1: start - 1 + count]) + "\n"


SRT_OK = "1\n00:00:01,000 --> 00:00:03,000\nBonjour à tous.\n\n2\n00:00:03,500 --> 00:00:06,000\nBienvenue.\n"
VTT_BAD = "WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nLa fin avant le début.\n"


def build_folder(root: Path) -> Path:
    src = root / "in"
    (src / "2026" / "mars").mkdir(parents=True)
    (src / "clips").mkdir()
    (src / "folder.txt").mkdir()
    (src / "2026" / "mars" / "show.txt").write_text(sample_slice(6, 60), encoding="utf-8")
    (src / "2026" / "mars" / "Émission du soir n°2.txt").write_text(sample_slice(200, 40), encoding="utf-8")
    (src / "folder.txt" / "inner.txt").write_text(sample_slice(400, 20), encoding="utf-8")
    (src / "windows.txt").write_bytes(sample_slice(600, 20).encode("utf-16"))
    (src / "clips" / "clip.srt").write_text(SRT_OK, encoding="utf-8")
    (src / "clips" / "bad.vtt").write_text(VTT_BAD, encoding="utf-8")
    (src / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (src / "empty.txt").write_bytes(b"")
    (src / "nostamps.txt").write_text("Bonjour à tous\nil n'y a pas d'heure ici\n", encoding="utf-8")
    (src / "gone.txt").symlink_to(src / "deleted.txt")
    os.mkfifo(src / "pipe.txt")
    (root / "outside.txt").write_text(sample_slice(6, 5), encoding="utf-8")
    (src / "escape.txt").symlink_to(root / "outside.txt")
    (src / "notes.md").write_text("not an input\n")
    return src


GOOD = {"2026/mars/show.txt", "2026/mars/Émission du soir n°2.txt", "folder.txt/inner.txt", "windows.txt",
        "clips/clip.srt", "clips/bad.vtt"}
BAD = {"binary.txt": "NUL byte", "empty.txt": "empty", "nostamps.txt": "no timestamp",
       "gone.txt": "broken symbolic link", "pipe.txt": "FIFO", "escape.txt": "outside INPUT_DIR"}


def snapshot(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Every entry below ``folder`` (links not followed): kind, size, modification time."""
    out = {}
    for path in sorted(folder.rglob("*")):
        st = path.lstat()
        out[path.relative_to(folder).as_posix()] = (oct(st.st_mode), st.st_size, st.st_mtime_ns)
    return out


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["batch", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def by_path(stdout: str) -> dict[str, dict]:
    """The ``--json`` file lines of a run, by input path."""
    return {line["path"]: line for line in json_lines(stdout) if line["type"] == "file"}


def run_json(*args: str) -> tuple[int, dict[str, dict]]:
    code, out, _ = run(*args, "--json")
    return code, by_path(out)


@pytest.fixture()
def folder(tmp_path):
    return build_folder(tmp_path), tmp_path / "out"


def test_good_and_bad_files(folder):
    src, dst = folder
    before = snapshot(src)
    code, out, err = run(str(src), "-o", str(dst), "--jobs", "2", "--json")
    assert code == 1, err
    lines = json_lines(out)
    files = by_path(out)
    assert set(files) == GOOD | set(BAD)
    summary = lines[-1]
    assert summary["type"] == "summary" and summary["failed"] == len(BAD) and summary["ok"] == len(GOOD)
    for rel, why in BAD.items():
        assert files[rel]["status"] == "failed" and why in files[rel]["reason"], files[rel]
        assert rel in files[rel]["reason"]  # every failure names its file
    # transcripts give SRT and WebVTT in the mirrored tree; caption files are only validated
    for rel in ("2026/mars/show", "2026/mars/Émission du soir n°2", "folder.txt/inner", "windows"):
        cues = list(srt.parse((dst / f"{rel}.srt").read_text(encoding="utf-8")))
        assert cues and len(cues) == files[rel + ".txt"]["cues"]
        assert (dst / f"{rel}.vtt").read_text(encoding="utf-8").startswith("WEBVTT")
        assert [o["path"] for o in files[rel + ".txt"]["outputs"]] == [rel + ".srt", rel + ".vtt"]
    assert not (dst / "clips").exists()
    assert files["clips/clip.srt"]["cues"] == 2 and files["clips/clip.srt"]["errors"] == 0
    assert files["clips/bad.vtt"]["errors"] >= 1 and files["clips/bad.vtt"]["outputs"] == []
    # nothing was written for a bad file, nothing inside INPUT_DIR, nothing next to OUTPUT_DIR
    produced = {p.relative_to(dst).as_posix() for p in dst.rglob("*") if p.is_file()}
    assert produced == {MANIFEST_NAME} | {f"{r}.{s}" for r in ("2026/mars/show", "2026/mars/Émission du soir n°2",
                                                               "folder.txt/inner", "windows") for s in ("srt", "vtt")}
    assert snapshot(src) == before
    assert sorted(p.name for p in dst.parent.iterdir()) == ["in", "out", "outside.txt"]
    manifest = json.loads((dst / MANIFEST_NAME).read_text(encoding="utf-8"))["files"]
    assert set(manifest) == GOOD | set(BAD)
    show = manifest["2026/mars/show.txt"]
    assert len(show["sha256"]) == 64 and len(show["options_sha256"]) == 64 and show["preset"] == "fr-tv"
    assert show["status"] == "ok" and show["cues"] > 0 and show["elapsed_ms"] >= 0
    assert sum(show["findings"].values()) == show["errors"] + show["warnings"]
    assert show["timeline"] and all(len(p) == 4 for p in show["timeline"])
    assert manifest["binary.txt"]["status"] == "failed" and "NUL byte" in manifest["binary.txt"]["reason"]


def test_rerun_skips_what_is_done_and_redoes_what_changed(folder):
    src, dst = folder
    run(str(src), "-o", str(dst), "--jobs", "1")
    outputs = snapshot(dst)
    code, files = run_json(str(src), "-o", str(dst), "--jobs", "2")
    assert code == 1
    assert {rel for rel, f in files.items() if f["status"] == "skipped"} == GOOD
    assert {rel for rel, f in files.items() if f["status"] == "failed"} == set(BAD)  # failures are retried
    after = snapshot(dst)
    assert {k: v for k, v in after.items() if k != MANIFEST_NAME} == \
           {k: v for k, v in outputs.items() if k != MANIFEST_NAME}  # skipped outputs untouched

    (src / "windows.txt").write_text(sample_slice(700, 15), encoding="utf-8")
    files = run_json(str(src), "-o", str(dst))[1]
    assert [rel for rel, f in files.items() if f["status"] == "ok"] == ["windows.txt"]

    files = run_json(str(src), "-o", str(dst), "--force")[1]
    assert {rel for rel, f in files.items() if f["status"] == "ok"} == GOOD

    files = run_json(str(src), "-o", str(dst), "--max-chars", "30")[1]
    assert {rel for rel, f in files.items() if f["status"] == "ok"} == GOOD  # new options: all redone


def test_deleted_output_is_redone(folder):
    src, dst = folder
    run(str(src), "-o", str(dst))
    (dst / "windows.srt").unlink()
    files = run_json(str(src), "-o", str(dst))[1]
    assert files["windows.txt"]["status"] == "ok" and (dst / "windows.srt").is_file()
    assert files["2026/mars/show.txt"]["status"] == "skipped"


def test_one_worker_and_two_give_the_same_outputs(folder, tmp_path):
    src, dst = folder
    run(str(src), "-o", str(dst), "--jobs", "1")
    run(str(src), "-o", str(tmp_path / "out2"), "--jobs", "2")
    for path in dst.rglob("*.[sv][rt][tt]"):
        assert path.read_bytes() == (tmp_path / "out2" / path.relative_to(dst)).read_bytes()


def test_collisions_are_reported_and_nothing_overwritten(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "show.txt").write_text(sample_slice(6, 20), encoding="utf-8")
    (src / "show.srt").write_text(SRT_OK, encoding="utf-8")
    (src / "other.txt").write_text(sample_slice(100, 20), encoding="utf-8")
    code, files = run_json(str(src), "-o", str(tmp_path / "out"), "--to", "srt")
    assert code == 1
    for rel in ("show.txt", "show.srt"):
        assert files[rel]["status"] == "failed" and "collision" in files[rel]["reason"]
    assert files["other.txt"]["status"] == "ok"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [MANIFEST_NAME, "other.srt"]


def test_folder_options_apply_below_their_folder(tmp_path):
    src = tmp_path / "in"
    (src / "vertical").mkdir(parents=True)
    (src / "vertical" / "captions.toml").write_text('preset = "netflix"\nto = ["srt"]\n[options]\nmax_chars = 24\n')
    (src / "vertical" / "short.txt").write_text(sample_slice(6, 30), encoding="utf-8")
    (src / "tv.txt").write_text(sample_slice(6, 30), encoding="utf-8")
    code, files = run_json(str(src), "-o", str(tmp_path / "out"))
    assert files["vertical/short.txt"]["preset"] == "netflix" and files["tv.txt"]["preset"] == "fr-tv"
    assert [o["path"] for o in files["vertical/short.txt"]["outputs"]] == ["vertical/short.srt"]
    short = list(srt.parse((tmp_path / "out" / "vertical" / "short.srt").read_text(encoding="utf-8")))
    longest = max(len(line) for cue in short for line in cue.content.split("\n") if " " in line)
    assert longest <= 24
    tv = list(srt.parse((tmp_path / "out" / "tv.srt").read_text(encoding="utf-8")))
    assert max(len(line) for cue in tv for line in cue.content.split("\n")) > 24
    # the command line beats the folder
    files = run_json(str(src), "-o", str(tmp_path / "out3"), "--preset", "bbc")[1]
    assert files["vertical/short.txt"]["preset"] == "bbc"


def test_bad_folder_options_fail_the_files_below_only(tmp_path):
    src = tmp_path / "in"
    (src / "broken").mkdir(parents=True)
    (src / "broken" / "captions.toml").write_text("preset = 12\n")
    (src / "broken" / "a.txt").write_text(sample_slice(6, 10), encoding="utf-8")
    (src / "b.txt").write_text(sample_slice(6, 10), encoding="utf-8")
    code, files = run_json(str(src), "-o", str(tmp_path / "out"))
    assert code == 1
    assert files["broken/a.txt"]["status"] == "failed" and "captions.toml" in files["broken/a.txt"]["reason"]
    assert files["b.txt"]["status"] == "ok"


def test_fail_on_warning(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "clip.srt").write_text(SRT_OK, encoding="utf-8")
    code, out, _ = run(str(src), "-o", str(tmp_path / "out"), "--json")
    summary = json_lines(out)[-1]
    assert summary["errors"] == 0 and code == 0
    code_w, out_w, _ = run(str(src), "-o", str(tmp_path / "out"), "--json", "--fail-on", "warning")
    assert code_w == (1 if json_lines(out_w)[-1]["warnings"] else 0)


@pytest.mark.parametrize("args, message", [
    (["{src}", "-o", "{src}/out"], "inside INPUT_DIR"),
    (["{src}", "-o", "{tmp}/out", "--to", "ass"], "unknown output format"),
    (["{src}", "-o", "{tmp}/out", "--report-html", "{src}/r.html"], "inside INPUT_DIR"),
    (["{tmp}/missing", "-o", "{tmp}/out"], "does not exist"),
    (["{src}", "-o", "{tmp}/out", "--jobs", "0"], "--jobs"),
])
def test_bad_invocations_exit_2(tmp_path, args, message):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(sample_slice(6, 5), encoding="utf-8")
    code, _, err = run(*[a.format(src=src, tmp=tmp_path) for a in args])
    assert code == 2 and message in err
    assert sorted(p.name for p in src.iterdir()) == ["a.txt"]


def test_plain_lines_when_not_a_terminal(folder):
    src, dst = folder
    code, out, err = run(str(src), "-o", str(dst))
    lines = out.splitlines()
    assert any(line.startswith("ok      2026/mars/show.txt: ") for line in lines)
    assert any(line.startswith("FAILED  binary.txt") for line in lines)
    assert lines[-1].startswith(f"{len(GOOD) + len(BAD)} files: {len(GOOD)} converted")
    assert "\r" not in out + err  # no progress bar when not a terminal


def test_subprocess_entry_point(tmp_path):
    import subprocess
    import sys

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(sample_slice(6, 10), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "captions", "batch", str(src), "-o", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr
    assert (tmp_path / "out" / "a.srt").is_file() and (tmp_path / "out" / "a.vtt").is_file()


DICTIONARY = Path(__file__).resolve().parents[1] / "samples" / "techco.dict.toml"


def test_dictionaries_next_to_a_transcript_in_folder_options_and_on_the_command_line(tmp_path):
    src = tmp_path / "in"
    (src / "bfm").mkdir(parents=True)
    (src / "other").mkdir()
    text = sample_slice(6, 80)
    assert "Anthropik" in text and "Open AI" in text
    (src / "bfm" / "techco-03-05.txt").write_text(text, encoding="utf-8")
    (src / "bfm" / "techco.dict.toml").write_text(DICTIONARY.read_text(encoding="utf-8"), encoding="utf-8")
    (src / "shared").mkdir()
    (src / "shared" / "names.toml").write_text(DICTIONARY.read_text(encoding="utf-8"), encoding="utf-8")
    (src / "other" / "captions.toml").write_text('dictionaries = ["../shared/names.toml"]\n', encoding="utf-8")
    (src / "other" / "show.txt").write_text(text, encoding="utf-8")
    (src / "plain.txt").write_text(text, encoding="utf-8")
    files = run_json(str(src), "-o", str(tmp_path / "out"), "--jobs", "2")[1]
    for rel in ("bfm/techco-03-05", "other/show"):
        assert files[rel + ".txt"]["corrections"] > 0
        assert files[rel + ".txt"]["dictionaries"][0]["sha256"] == files["other/show.txt"]["dictionaries"][0]["sha256"]
        vtt = (tmp_path / "out" / f"{rel}.vtt").read_text(encoding="utf-8")
        assert "Anthropic" in vtt and "Anthropik" not in vtt
    assert files["plain.txt"]["corrections"] == 0 and files["plain.txt"]["dictionaries"] == []
    assert "Anthropik" in (tmp_path / "out" / "plain.vtt").read_text(encoding="utf-8")

    # the command line's dictionary applies everywhere; a changed dictionary redoes its files
    extra = tmp_path / "extra.tsv"
    extra.write_text("Bonsoir à tous\tBonsoir à toutes et à tous\n", encoding="utf-8")
    files = run_json(str(src), "-o", str(tmp_path / "out"), "--dict", str(extra))[1]
    assert all(f["status"] == "ok" for f in files.values())
    assert files["plain.txt"]["corrections"] > 0
    assert "Bonsoir à toutes et à tous" in (tmp_path / "out" / "plain.srt").read_text(encoding="utf-8")
    (src / "bfm" / "techco.dict.toml").write_text(DICTIONARY.read_text(encoding="utf-8") + "\n# edited\n")
    status = {rel: f["status"] for rel, f in run_json(str(src), "-o", str(tmp_path / "out"), "--dict",
                                                        str(extra))[1].items()}
    assert status == {"bfm/techco-03-05.txt": "ok", "other/show.txt": "skipped", "plain.txt": "skipped"}


def test_bad_command_line_dictionary_stops_before_any_file(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(sample_slice(6, 10), encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text('[[fix]]\nto = "X"\nfrom = ["(a+)+$"]\nmatch = "regex"\n', encoding="utf-8")
    code, out, err = run(str(src), "-o", str(tmp_path / "out"), "--dict", str(bad))
    assert code == 2 and err.startswith("captions: error: ") and "bad.toml" in err
    assert not (tmp_path / "out" / "a.srt").exists()


def test_any_concurrent_futures_executor_runs_the_jobs(folder, tmp_path):
    """The hook Dask's ``client.get_executor()`` plugs into (docs/scaling.md), here a thread pool."""
    from concurrent.futures import ThreadPoolExecutor

    from captions.batch import BatchRequest, run_batch

    src, dst = folder
    run(str(src), "-o", str(dst), "--jobs", "1")
    with ThreadPoolExecutor(3) as pool:
        summary = run_batch(BatchRequest(src, tmp_path / "threads", jobs=3), executor=pool)
    assert summary.to_dict()["ok"] == len(GOOD) and summary.to_dict()["failed"] == len(BAD)
    for path in dst.rglob("*.[sv][rt][tt]"):
        assert path.read_bytes() == (tmp_path / "threads" / path.relative_to(dst)).read_bytes()


def test_progress_bar_shows_done_failures_rate_and_time_left():
    from captions.batch import Progress
    from captions.cli.batch import _bar

    bar = _bar(Progress(total=200, done=50, ok=45, failed=5, skipped=0, elapsed_s=10.0), width=20)
    assert bar == "[#####...............] 50/200 done, 5 failed, 5.0 files/s, ETA 00:30"
    # skipped files cost nothing: they do not count in the rate
    start = _bar(Progress(total=10, done=4, ok=0, failed=0, skipped=4, elapsed_s=1.0), width=10)
    assert start.endswith("0.0 files/s, ETA --:--")


def test_help_has_an_example_and_the_docs_name_every_option():
    from captions.cli.batch import batch

    result = CliRunner().invoke(main, ["batch", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output
    assert "\n    captions batch samples/ -o out/ --to srt,vtt --report-html out/report.html\n" in result.output
    docs = (Path(__file__).resolve().parents[1] / "docs" / "batch.md").read_text(encoding="utf-8")
    missing = [opt for param in batch.params for opt in param.opts if opt.startswith("--") and opt not in docs]
    assert missing == []


def test_an_output_no_longer_asked_for_is_removed(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(sample_slice(6, 10), encoding="utf-8")
    run(str(src), "-o", str(tmp_path / "out"))
    assert (tmp_path / "out" / "a.vtt").is_file()
    code, out, _ = run(str(src), "-o", str(tmp_path / "out"), "--to", "srt", "--json")
    srt_bytes = (tmp_path / "out" / "a.srt").read_bytes()
    assert json_lines(out)[0]["outputs"] == [{"path": "a.srt", "format": "srt", "sha256": sha256_bytes(srt_bytes),
                                              "size": len(srt_bytes)}]
    assert (tmp_path / "out" / "a.srt").is_file() and not (tmp_path / "out" / "a.vtt").exists()


def test_the_guarantees_name_tests_that_exist():
    import ast

    text = (Path(__file__).resolve().parents[1] / "docs" / "batch.md").read_text(encoding="utf-8")
    section = text[text.index("## Guarantees"):]
    named = set(re.findall(r"`(tests/test_\w+\.py)::(test_\w+)`", section))
    assert len(named) >= 20
    missing = []
    for path, name in sorted(named):
        tree = ast.parse((Path(__file__).resolve().parents[1] / path).read_text(encoding="utf-8"))
        if name not in {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}:
            missing.append(f"{path}::{name}")
    assert missing == []


_STYLED = ("WEBVTT\nKind: captions\n\nSTYLE\n::cue(v[voice=\"Anna\"]) { color: yellow }\n\n"
           "00:00:01.000 --> 00:00:04.000 align:start\n<v Anna>Bonsoir à tous, <i>merci</i> d'être là ce soir "
           "pour cette émission spéciale consacrée aux sous-titres.</v>\n")


def test_a_caption_input_keeps_its_blocks_and_markup_and_says_what_the_other_format_leaves_out(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "show.vtt").write_text(_STYLED, encoding="utf-8")
    code, lines = run_json(str(src), "-o", str(out), "--to", "vtt,srt")
    assert code == 0, lines
    vtt = (out / "show.vtt").read_text(encoding="utf-8")
    assert "STYLE\n::cue(v[voice=\"Anna\"])" in vtt and "Kind: captions" in vtt and "align:start" in vtt
    assert "<v Anna>" in vtt and "<i>merci</i>" in vtt   # re-broken to the preset, every tag kept
    assert "merci" in (out / "show.srt").read_text(encoding="utf-8")
    left_out = lines["show.vtt"]["left_out"]
    assert any("SRT has no STYLE blocks" in what for what in left_out), left_out
    code, plain, _ = run(str(src), "-o", str(tmp_path / "out2"), "--to", "srt")
    assert "SRT has no STYLE blocks" in plain


def test_auto_captions_with_word_times_are_cut_into_cues_again(tmp_path):
    from test_transcript_words import _spoken, youtube_auto_vtt

    words = _spoken(120)
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    (src / "talk.en.vtt").write_text(youtube_auto_vtt(words), encoding="utf-8")
    code, _, _ = run(str(src), "-o", str(out), "--to", "srt", "--preset", "netflix")
    assert code in (0, 1)   # the input's findings (rolling cues) may reach --fail-on
    from captions.formats import Format, parse_captions

    cues = parse_captions((out / "talk.en.srt").read_text(encoding="utf-8"), Format.SRT).cues
    assert " ".join(" ".join(c.lines) for c in cues).split() == [w for w, _ in words]   # each word once
