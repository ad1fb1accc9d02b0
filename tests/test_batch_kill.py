"""An interrupted batch (kill -9 of the whole process group mid-run, or Ctrl-C) leaves no
partial output, and the rerun finishes only what was not recorded."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from captions.batch.manifest import JOURNAL_NAME, LOCK_NAME, MANIFEST_NAME, Manifest

from test_batch import sample_slice

FILES = 24


def start(src: Path, dst: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "captions", "batch", str(src), "-o", str(dst), "--json", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


OWN = {MANIFEST_NAME, JOURNAL_NAME, LOCK_NAME}


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name not in OWN}


def recorded_entries(folder: Path) -> dict[str, dict]:
    """What the manifest records, its journal included (a kill leaves the last entries there)."""
    return {rel: entry.to_dict() for rel, entry in Manifest.load(folder).files.items()}


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """A folder of transcripts and the outputs of an uninterrupted run over it."""
    root = tmp_path_factory.mktemp("kill")
    src = root / "in"
    for i in range(FILES):
        folder = src / f"week{i % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"show {i:02d}.txt").write_text(sample_slice(6 + 90 * i, 400), encoding="utf-8")
    reference = root / "reference"
    subprocess.run([sys.executable, "-m", "captions", "batch", str(src), "-o", str(reference), "--jobs", "2"],
                   capture_output=True, check=False, timeout=300)
    expected = outputs(reference)
    assert len(expected) == 2 * FILES
    return src, expected


def interrupt_after(src: Path, dst: Path, files: int, sig: signal.Signals) -> subprocess.Popen:
    """Start a run, wait until ``files`` files are recorded, then send ``sig`` to its whole group."""
    proc = start(src, dst, "--jobs", "2")
    seen = 0
    for line in proc.stdout:
        if json.loads(line)["type"] == "file":
            seen += 1
            if seen == files:
                os.killpg(proc.pid, sig)
                break
    proc.wait(timeout=60)
    return proc


def rerun_finishes_the_rest(src: Path, dst: Path, recorded: dict, expected: dict[str, bytes]) -> None:
    rerun = subprocess.run([sys.executable, "-m", "captions", "batch", str(src), "-o", str(dst), "--json",
                            "--jobs", "2"], capture_output=True, text=True, timeout=300)
    lines = [json.loads(line) for line in rerun.stdout.splitlines()]
    status = {line["path"]: line["status"] for line in lines if line["type"] == "file"}
    assert {rel for rel, s in status.items() if s == "skipped"} == set(recorded)
    assert {rel for rel, s in status.items() if s == "ok"} == {
        p.relative_to(src).as_posix() for p in src.rglob("*.txt")} - set(recorded)
    assert outputs(dst) == expected  # complete, identical, no temporary left
    assert not (dst / JOURNAL_NAME).exists() and not (dst / LOCK_NAME).exists()  # folded in, released


def test_kill_mid_run_then_resume(archive, tmp_path):
    src, expected = archive
    dst = tmp_path / "out"
    proc = interrupt_after(src, dst, 4, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL

    recorded = recorded_entries(dst)
    assert 4 <= len(recorded) < FILES
    partial = outputs(dst)
    finished = {k: v for k, v in partial.items() if not Path(k).name.startswith(".")}
    # every output present is complete (the same bytes as the uninterrupted run)...
    assert all(expected[k] == v for k, v in finished.items())
    # ...and only temporaries (hidden, never under an output's name) may be left by the kill
    assert all(Path(k).name.endswith(".tmp") for k in set(partial) - set(finished))
    for entry in recorded.values():
        assert entry["status"] == "ok" and all(o["path"] in finished for o in entry["outputs"])
    rerun_finishes_the_rest(src, dst, recorded, expected)


def test_ctrl_c_stops_cleanly_then_resume(archive, tmp_path):
    src, expected = archive
    dst = tmp_path / "out"
    proc = interrupt_after(src, dst, 3, signal.SIGINT)
    assert proc.returncode == 130
    err = proc.stderr.read()
    assert "captions: interrupted" in err and "Traceback" not in err
    recorded = recorded_entries(dst)
    assert 3 <= len(recorded) < FILES
    assert all(expected[k] == v for k, v in outputs(dst).items())  # no temporary left by a clean stop
    rerun_finishes_the_rest(src, dst, recorded, expected)


def test_killed_again_and_again_at_any_moment_then_resumed_gives_the_same_outputs(archive, tmp_path):
    """kill -9 of the whole group at moments spread over a run (while it plans, writes, records,
    folds the journal in), each time resuming the last one: the end is the uninterrupted run."""
    src, expected = archive
    dst = tmp_path / "out"
    for delay in (0.3, 0.9, 1.6, 2.4, 3.5):
        proc = start(src, dst, "--jobs", "2")
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        for rel, entry in recorded_entries(dst).items() if (dst / MANIFEST_NAME).exists() else ():
            assert entry["status"] == "ok" and all(
                (dst / o["path"]).read_bytes() == expected[o["path"]] for o in entry["outputs"]), rel
    final = subprocess.run([sys.executable, "-m", "captions", "batch", str(src), "-o", str(dst), "--jobs", "2"],
                           capture_output=True, text=True, timeout=300)
    assert final.returncode == 0 and "Traceback" not in final.stderr
    assert outputs(dst) == expected
    assert not (dst / JOURNAL_NAME).exists() and not (dst / LOCK_NAME).exists()
