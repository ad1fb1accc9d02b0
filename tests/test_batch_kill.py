"""An interrupted batch (kill -9 of the whole process group mid-run) leaves no partial output,
and the rerun finishes only what was not recorded."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from captions.manifest import MANIFEST_NAME

from test_batch import sample_slice

FILES = 24


def start(src: Path, dst: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "captions", "batch", str(src), "-o", str(dst), "--json", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name != MANIFEST_NAME}


def test_kill_mid_run_then_resume(tmp_path):
    src = tmp_path / "in"
    for i in range(FILES):
        folder = src / f"week{i % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"show {i:02d}.txt").write_text(sample_slice(6 + 90 * i, 400), encoding="utf-8")
    reference = tmp_path / "reference"
    subprocess.run([sys.executable, "-m", "captions", "batch", str(src), "-o", str(reference), "--jobs", "2"],
                   capture_output=True, check=False, timeout=300)
    expected = outputs(reference)
    assert len(expected) == 2 * FILES

    dst = tmp_path / "out"
    proc = start(src, dst, "--jobs", "2")
    seen = 0
    for line in proc.stdout:  # wait until a few files are recorded, then kill -9 everything
        if json.loads(line)["type"] == "file":
            seen += 1
            if seen == 4:
                os.killpg(proc.pid, signal.SIGKILL)
                break
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    recorded = json.loads((dst / MANIFEST_NAME).read_text(encoding="utf-8"))["files"]
    assert 4 <= len(recorded) < FILES
    partial = outputs(dst)
    finished = {k: v for k, v in partial.items() if not Path(k).name.startswith(".")}
    # every output present is complete (the same bytes as the uninterrupted run)...
    assert all(expected[k] == v for k, v in finished.items())
    # ...and only temporaries (hidden, never under an output's name) may be left by the kill
    assert all(Path(k).name.endswith(".tmp") for k in set(partial) - set(finished))
    for rel, entry in recorded.items():
        assert entry["status"] == "ok" and all(o["path"] in finished for o in entry["outputs"])

    rerun = subprocess.run([sys.executable, "-m", "captions", "batch", str(src), "-o", str(dst), "--json",
                            "--jobs", "2"], capture_output=True, text=True, timeout=300)
    lines = [json.loads(line) for line in rerun.stdout.splitlines()]
    status = {line["path"]: line["status"] for line in lines if line["type"] == "file"}
    assert {rel for rel, s in status.items() if s == "skipped"} == set(recorded)
    assert {rel for rel, s in status.items() if s == "ok"} == {
        p.relative_to(src).as_posix() for p in src.rglob("*.txt")} - set(recorded)
    assert outputs(dst) == expected  # complete, identical, no temporary left
