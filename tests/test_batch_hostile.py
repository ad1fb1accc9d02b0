"""``captions batch`` against hostile folders and careless operators, each case built here:
links out of INPUT_DIR, FIFOs, devices, evil regexes, huge files, two runs at once, Ctrl-C
twice, a killed driver, outputs changed behind the manifest's back, names that would drive a
terminal, outputs that cannot be written.

Every case asserts no traceback, no hang (each run is bounded by a timeout), and the result
docs/batch.md ("Guarantees") promises.  Runs that need a file to stay in flight use
``SLOW_RUN``: the real command line, with the job of any input whose name holds ``slow``
sleeping first (replaced before the workers are forked, so they run it).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from captions.batch.manifest import JOURNAL_NAME, LOCK_NAME, MANIFEST_NAME, Manifest
from captions.cli import main

from test_batch import sample_slice

SECRET = "SECRET_TOKEN_7f3a9"
TIMEOUT = 120

SLOW_RUN = """
import os, sys, time
from captions.batch import job, workers
real = job.process_file
def process_file(j):
    if "slow" in j.rel:
        time.sleep(float(os.environ.get("SLOW_SECONDS", "30")))
    return real(j)
workers.process_file = process_file
from captions.cli import main
main(sys.argv[1:], prog_name="captions")
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["batch", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def run_json(*args: str) -> tuple[int, dict[str, dict], dict]:
    code, out, err = run(*args, "--json")
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert "Traceback" not in out + err
    return code, {line["path"]: line for line in lines if line["type"] == "file"}, lines[-1] if lines else {}


def start(*args: str, slow_seconds: float = 30, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", SLOW_RUN, "batch", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "SLOW_SECONDS": str(slow_seconds), **env})


def children(pid: int) -> set[int]:
    """The live processes whose parent is ``pid`` (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(condition, timeout: float = 30) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return False


def everything_written(dst: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in dst.rglob("*") if p.is_file())


@pytest.fixture()
def folder(tmp_path: Path) -> tuple[Path, Path]:
    src = tmp_path / "in"
    for name in ("a", "b"):
        (src / name).mkdir(parents=True)
        (src / name / "show.txt").write_text(sample_slice(6, 40), encoding="utf-8")
    return src, tmp_path / "out"


# --------------------------------------------------------------------------------------------
# Inputs stay inputs.


def test_a_dictionary_linked_out_of_input_dir_is_not_read(folder, tmp_path):
    src, dst = folder
    (tmp_path / "outside.tsv").write_text(f"Bonsoir\t{SECRET}\n", encoding="utf-8")
    (src / "b" / "captions.dict.tsv").symlink_to("../../outside.tsv")
    code, files, summary = run_json(str(src), "-o", str(dst), "--report-html", str(tmp_path / "r.html"))
    assert code == 1 and files["a/show.txt"]["status"] == "ok"
    assert files["b/show.txt"]["status"] == "failed" and "symbolic link out of INPUT_DIR" in files["b/show.txt"]["reason"]
    assert SECRET not in everything_written(dst) + (tmp_path / "r.html").read_text(encoding="utf-8")
    # allowed on request: the dictionary then applies
    code, files, _ = run_json(str(src), "-o", str(dst), "--allow-outside-dicts")
    assert files["b/show.txt"]["status"] == "ok" and files["b/show.txt"]["corrections"] > 0
    assert SECRET in (dst / "b" / "show.srt").read_text(encoding="utf-8")


@pytest.mark.parametrize("entry", ["/dev/zero", "../../outside.csv", "{tmp}/outside.csv", "../../../etc/passwd"])
def test_a_captions_toml_naming_a_dictionary_outside_is_refused(folder, tmp_path, entry):
    src, dst = folder
    (tmp_path / "outside.csv").write_text(f"{SECRET}\n", encoding="utf-8")
    (src / "b" / "captions.toml").write_text(f'dictionaries = ["{entry.format(tmp=tmp_path)}"]\n', encoding="utf-8")
    code, files, _ = run_json(str(src), "-o", str(dst))
    assert files["a/show.txt"]["status"] == "ok"
    reason = files["b/show.txt"]["reason"]
    assert "outside INPUT_DIR" in reason and "captions.toml" in reason and SECRET not in everything_written(dst)


def test_an_allowed_outside_dictionary_is_still_read_only_if_it_is_a_regular_file(folder, tmp_path):
    src, dst = folder
    (src / "b" / "captions.toml").write_text('dictionaries = ["/dev/zero"]\n', encoding="utf-8")
    start_time = time.monotonic()
    code, files, _ = run_json(str(src), "-o", str(dst), "--allow-outside-dicts")
    assert time.monotonic() - start_time < TIMEOUT
    assert files["b/show.txt"]["status"] == "failed" and "a device" in files["b/show.txt"]["reason"]
    assert files["a/show.txt"]["status"] == "ok"


def test_a_failure_reason_never_quotes_a_files_contents(folder, tmp_path):
    src, dst = folder
    (src / "b" / "captions.dict.csv").write_text(f"{SECRET}\n", encoding="utf-8")   # not a two-column row
    (src / "a" / "captions.toml").write_text(f'preset = "{SECRET}"\n', encoding="utf-8")
    code, out, err = run(str(src), "-o", str(dst), "--report-html", str(tmp_path / "r.html"))
    assert code == 1 and "FAILED  a/show.txt" in out and "FAILED  b/show.txt" in out
    assert "captions.dict.csv:1" in out and "captions.toml" in out  # where to look is still said
    shown = out + err + everything_written(dst) + (tmp_path / "r.html").read_text(encoding="utf-8")
    assert SECRET not in shown


def test_fifos_devices_and_folders_are_failures_not_hangs(folder, tmp_path):
    src, dst = folder
    os.mkfifo(src / "pipe.txt")
    os.mkfifo(src / "a" / "captions.toml")           # folder options that are a FIFO
    (src / "b" / "captions.toml").mkdir()            # folder options that are a folder
    (src / "zero.txt").symlink_to("/dev/zero")        # a device, through a link out
    (src / "c").mkdir()
    (src / "c" / "show.txt").write_text(sample_slice(6, 40), encoding="utf-8")
    (src / "c" / "captions.toml").write_text('dictionaries = ["null.toml"]\n', encoding="utf-8")
    (src / "c" / "null.toml").symlink_to("/dev/null")  # a dictionary that is a device: a link out too
    start_time = time.monotonic()
    code, files, _ = run_json(str(src), "-o", str(dst), "--allow-outside-dicts")
    assert time.monotonic() - start_time < TIMEOUT
    assert "FIFO" in files["pipe.txt"]["reason"]
    assert "FIFO" in files["a/show.txt"]["reason"] and "captions.toml" in files["a/show.txt"]["reason"]
    assert "a folder" in files["b/show.txt"]["reason"] and "captions.toml" in files["b/show.txt"]["reason"]
    assert "outside INPUT_DIR" in files["zero.txt"]["reason"]
    assert "a device" in files["c/show.txt"]["reason"]


def test_a_file_over_the_size_limit_is_refused_unread(folder):
    src, dst = folder
    (src / "big.txt").write_text(sample_slice(6, 400), encoding="utf-8")
    limit = (src / "a" / "show.txt").stat().st_size + 10
    code, files, _ = run_json(str(src), "-o", str(dst), "--max-file-size", str(limit))
    assert files["a/show.txt"]["status"] == "ok"
    assert files["big.txt"]["status"] == "failed" and "longer than the limit of" in files["big.txt"]["reason"]


def test_names_that_are_not_utf8_are_processed_and_resumed(tmp_path):
    src = os.fsencode(tmp_path / "in")
    os.makedirs(src + b"/saison\xe9")
    with open(src + b"/saison\xe9/show\xff.txt", "wb") as handle:
        handle.write(sample_slice(6, 20).encode("utf-8"))
    code, files, _ = run_json(os.fsdecode(src), "-o", str(tmp_path / "out"))
    assert code in (0, 1) and [f["status"] for f in files.values()] == ["ok"]
    assert (tmp_path / "out" / os.fsdecode(b"saison\xe9") / os.fsdecode(b"show\xff.srt")).is_file()
    code, files, _ = run_json(os.fsdecode(src), "-o", str(tmp_path / "out"), "--report-html", str(tmp_path / "r.html"))
    assert [f["status"] for f in files.values()] == ["skipped"]
    assert "saison\\udce9/show\\udcff.txt" in (tmp_path / "r.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", [["dict", "check", "{fifo}"], ["correct", "{text}", "--dict", "{fifo}"],
                                     ["batch", "{src}", "-o", "{out}", "--dict", "{fifo}"],
                                     ["convert", "{fifo}", "-o", "{out}/x.srt"]])
def test_a_fifo_given_on_the_command_line_is_refused_at_once(tmp_path, command):
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    (tmp_path / "src").mkdir()
    (tmp_path / "text.txt").write_text("00:01 Bonjour\n", encoding="utf-8")
    args = [a.format(fifo=fifo, text=tmp_path / "text.txt", src=tmp_path / "src", out=tmp_path / "out")
            for a in command]
    proc = subprocess.run([sys.executable, "-m", "captions", *args], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "FIFO" in proc.stderr and "Traceback" not in proc.stderr


def test_an_input_replaced_by_a_folder_during_the_run_fails_alone(tmp_path):
    from captions.batch import BatchRequest, run_batch

    src = tmp_path / "in"
    src.mkdir()
    for i in range(12):
        (src / f"show{i:02d}.txt").write_text(sample_slice(6 + 10 * i, 20), encoding="utf-8")

    def swap(rel, entry, progress):
        if progress.done == 1:
            target = src / "show11.txt"
            target.unlink()
            target.mkdir()

    summary = run_batch(BatchRequest(src, tmp_path / "out", jobs=1), on_result=swap)
    status = {rel: e.status.value for rel, e in summary.entries.items()}
    assert status.pop("show11.txt") == "failed" and set(status.values()) == {"ok"} and len(status) == 11
    assert "a folder" in summary.entries["show11.txt"].reason


# --------------------------------------------------------------------------------------------
# Bounded work per file.


def test_an_evil_regex_in_a_folder_dictionary_costs_its_files_only(folder):
    src, dst = folder
    (src / "b" / "captions.dict.toml").write_text('[[fix]]\nto = "X"\nfrom = ["(a|aa)+$"]\nmatch = "regex"\n',
                                                  encoding="utf-8")
    (src / "b" / "show.txt").write_text(f"00:01 Bonjour {'a' * 40} b\n00:05 Fin.\n", encoding="utf-8")
    start_time = time.monotonic()
    code, files, summary = run_json(str(src), "-o", str(dst), "--time-limit", "3", "--jobs", "2")
    assert time.monotonic() - start_time < TIMEOUT
    assert files["a/show.txt"]["status"] == "ok" and files["b/show.txt"]["status"] == "failed"
    # the matcher's own limit or the dictionary check may refuse it first; else the worker's limit stops it
    assert any(why in files["b/show.txt"]["reason"] for why in ("time limit", "regex", "catastrophic", "timeout"))


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="the memory limit is Linux's RLIMIT_AS")
def test_a_regex_that_would_take_gigabytes_costs_its_file_only(folder):
    src, dst = folder
    (src / "b" / "captions.dict.toml").write_text('[[fix]]\nto = "X"\nfrom = ["y{1000000000}"]\nmatch = "regex"\n',
                                                  encoding="utf-8")
    code, files, _ = run_json(str(src), "-o", str(dst), "--memory-limit", "512M", "--time-limit", "60")
    assert files["a/show.txt"]["status"] == "ok" and files["b/show.txt"]["status"] == "failed"


def test_a_500_character_key_costs_its_files_only(folder):
    src, dst = folder
    key = " ".join(f"mot{i}" for i in range(100))
    (src / "b" / "captions.dict.toml").write_text(f'[[fix]]\nto = "X"\nfrom = ["{key}"]\n', encoding="utf-8")
    code, files, summary = run_json(str(src), "-o", str(dst))
    assert files["a/show.txt"]["status"] == "ok" and summary["files"] == 2   # b: converted, or failed with a reason
    assert files["b/show.txt"]["status"] == "ok" or files["b/show.txt"]["reason"]


# --------------------------------------------------------------------------------------------
# One run per output folder; outputs checked on rerun.


def test_a_second_run_on_the_same_output_dir_is_refused(folder):
    src, dst = folder
    (src / "slow.txt").write_text(sample_slice(6, 20), encoding="utf-8")
    first = start(str(src), "-o", str(dst), "--jobs", "1", "--json", slow_seconds=3)
    assert wait_for(lambda: (dst / LOCK_NAME).is_file() and children(first.pid))
    second = subprocess.run([sys.executable, "-m", "captions", "batch", str(src), "-o", str(dst), "--max-chars", "30"],
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert second.returncode == 2 and "Traceback" not in second.stderr
    assert "in use by another captions batch" in second.stderr and f"pid {first.pid}" in second.stderr
    out, err = first.communicate(timeout=TIMEOUT)
    assert first.returncode == 0, err
    # what is on disk is what the manifest says: a rerun finds every output as recorded
    code, files, _ = run_json(str(src), "-o", str(dst))
    assert {f["status"] for f in files.values()} == {"skipped"} and code == 0


def test_outputs_changed_behind_the_manifest_are_redone_and_the_rerun_says_so(folder):
    src, dst = folder
    run(str(src), "-o", str(dst))
    (dst / "a" / "show.srt").write_bytes(b"")                              # truncated
    vtt = (dst / "b" / "show.vtt").read_bytes()
    (dst / "b" / "show.vtt").write_bytes(vtt.replace(b"WEBVTT", b"WEBVTX"))  # same size, changed
    code, files, _ = run_json(str(src), "-o", str(dst))
    assert files["a/show.txt"]["status"] == "ok" and "a/show.srt was truncated" in files["a/show.txt"]["redone"]
    assert files["b/show.txt"]["status"] == "ok" and "b/show.vtt was changed" in files["b/show.txt"]["redone"]
    assert (dst / "b" / "show.vtt").read_bytes() == vtt and (dst / "a" / "show.srt").stat().st_size > 0
    code, out, _ = run(str(src), "-o", str(dst), "--force")
    assert "(redone: --force)" in out


# --------------------------------------------------------------------------------------------
# Signals.


def _stopping(src: Path, dst: Path, extra: tuple[str, ...] = (), slow_seconds: float = 30) -> subprocess.Popen:
    """A run whose first file is in flight for ``slow_seconds``, once its worker runs it."""
    (src / "0-slow.txt").write_text(sample_slice(6, 20), encoding="utf-8")
    proc = start(str(src), "-o", str(dst), "--jobs", "1", *extra, slow_seconds=slow_seconds)
    assert wait_for(lambda: children(proc.pid)), "no worker started"
    time.sleep(0.5)
    return proc


def test_ctrl_c_lets_the_file_in_flight_finish_within_the_grace_period(folder):
    src, dst = folder
    proc = _stopping(src, dst, slow_seconds=1.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 130 and "Traceback" not in err
    assert "captions: stopping" in err and "captions: interrupted" in err
    recorded = Manifest.load(dst).files
    assert recorded["0-slow.txt"].status.value == "ok" and "a/show.txt" not in recorded  # finished; none started
    assert not (dst / JOURNAL_NAME).exists() and not (dst / LOCK_NAME).exists()


def test_ctrl_c_twice_cancels_at_once_without_deadlock(folder):
    src, dst = folder
    proc = _stopping(src, dst)
    worker = children(proc.pid)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    started = time.monotonic()
    out, err = proc.communicate(timeout=TIMEOUT)
    assert time.monotonic() - started < 15
    assert proc.returncode == 130 and "Traceback" not in err and "captions: stopping now" in err
    assert "0-slow.txt" not in Manifest.load(dst).files   # cancelled: left for the next run
    assert wait_for(lambda: not any(alive(pid) for pid in worker))
    assert not (dst / LOCK_NAME).exists()


def test_sigterm_is_a_first_ctrl_c(folder):
    src, dst = folder
    proc = _stopping(src, dst, ("--json",), slow_seconds=1.5)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == 130 and "Traceback" not in err
    summary = json.loads(out.splitlines()[-1])
    assert summary["interrupted"] is True and summary["ok"] == 1 and summary["not_done"] == 2


def test_workers_die_with_their_driver(folder):
    src, dst = folder
    (src / "1-slow.txt").write_text(sample_slice(6, 20), encoding="utf-8")
    proc = _stopping(src, dst, ("--jobs", "2"))
    assert wait_for(lambda: len(children(proc.pid)) == 2)
    workers = children(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)   # the driver only, not its process group
    proc.wait(timeout=TIMEOUT)
    assert wait_for(lambda: not any(alive(pid) for pid in workers), timeout=15)
    # and the next run takes the dead run's lock over, and says so
    code, files, summary = run_json(str(src), "-o", str(dst), "--time-limit", "0")
    assert any("took over OUTPUT_DIR" in note for note in summary["notes"])


# --------------------------------------------------------------------------------------------
# Every write failure is a message.


def test_an_output_dir_that_cannot_be_written_is_a_message(folder):
    src, _ = folder
    for dst in ("/proc/captions-out", "/proc", "/dev/null/out"):
        proc = subprocess.run([sys.executable, "-m", "captions", "batch", str(src), "-o", dst], capture_output=True,
                              text=True, timeout=TIMEOUT)
        assert proc.returncode == 2 and proc.stderr.startswith("captions: error: "), proc.stderr
        assert "Traceback" not in proc.stderr


def test_an_output_path_too_long_fails_its_file_only(tmp_path):
    src = tmp_path / "i"
    deep = src.joinpath(*["d" * 200] * 19)   # about 3,800 characters: fine here, too long below a longer OUTPUT_DIR
    deep.mkdir(parents=True)
    (deep / "show.txt").write_text(sample_slice(6, 10), encoding="utf-8")
    (src / "short.txt").write_text(sample_slice(6, 10), encoding="utf-8")
    dst = tmp_path / ("o" * 250) / ("o" * 250)
    code, files, _ = run_json(str(src), "-o", str(dst))
    assert files["short.txt"]["status"] == "ok"
    failed = [f for rel, f in files.items() if rel != "short.txt"]
    assert len(failed) == 1 and failed[0]["status"] == "failed" and "too long" in failed[0]["reason"]


def test_a_long_file_name_is_written(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    name = "é" * 122 + ".txt"   # 248 bytes: the longest names a file system takes
    (src / name).write_text(sample_slice(6, 10), encoding="utf-8")
    code, files, _ = run_json(str(src), "-o", str(tmp_path / "out"), "--to", "srt")
    assert files[name]["status"] == "ok" and (tmp_path / "out" / ("é" * 122 + ".srt")).is_file()


def test_a_journal_that_cannot_be_written_stops_the_run_with_a_message(folder, monkeypatch):
    import errno

    from captions.batch import manifest as manifest_module

    src, dst = folder

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(manifest_module, "_write_fully", full)
    code, out, err = run(str(src), "-o", str(dst))
    assert code == 2 and err.startswith("captions: error: ") and "No space left on device" in err
    assert JOURNAL_NAME in err and not (dst / LOCK_NAME).exists()


def test_the_report_never_replaces_the_manifest(folder):
    src, dst = folder
    run(str(src), "-o", str(dst))
    before = (dst / MANIFEST_NAME).read_bytes()
    code, out, err = run(str(src), "-o", str(dst), "--report-html", str(dst / MANIFEST_NAME))
    assert code == 2 and "manifest" in err and (dst / MANIFEST_NAME).read_bytes() == before
    code, out, err = run(str(src), "-o", str(dst), "--report-html", str(dst / "a" / "show.srt"))
    assert code == 2 and "output of the run" in err


# --------------------------------------------------------------------------------------------
# Names printed are escaped.


def test_names_cannot_drive_the_terminal_nor_forge_lines(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    evil = "x\x1b]0;owned\x07\x1b[2J\nok      forged.txt: 1 cues\u202e.txt"
    (src / evil).write_text(sample_slice(6, 10), encoding="utf-8")
    (src / "bad\nFAILED  forged.txt").with_suffix(".txt").write_bytes(b"")
    code, out, err = run(str(src), "-o", str(tmp_path / "out"))
    assert "\x1b" not in out + err and "\u202e" not in out + err and "\x07" not in out + err
    lines = out.splitlines()
    assert len(lines) == 3 and not any(line.startswith(("ok      forged", "FAILED  forged")) for line in lines)
    assert "\\x1b]0;owned\\x07" in out
    code, out, err = run(str(src), "-o", str(tmp_path / "out2"), "--json")
    assert "\x1b" not in out and "\u202e" not in out and len(out.splitlines()) == 3
    assert {json.loads(line).get("path") for line in out.splitlines()} >= {evil}   # the JSON keeps the real name


# --------------------------------------------------------------------------------------------
# A long file shows progress on a terminal.


def test_a_long_file_shows_progress_on_a_terminal(tmp_path):
    import pty
    import select

    src = tmp_path / "in"
    src.mkdir()
    (src / "slow.txt").write_text(sample_slice(6, 20), encoding="utf-8")
    primary, secondary = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", SLOW_RUN, "batch", str(src), "-o", str(tmp_path / "out")],
                            stdout=subprocess.PIPE, stderr=secondary, env={**os.environ, "SLOW_SECONDS": "2.5"})
    os.close(secondary)
    shown = b""
    end = time.monotonic() + TIMEOUT
    while time.monotonic() < end:
        ready, _, _ = select.select([primary], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(primary, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
        elif proc.poll() is not None:
            break
    proc.wait(timeout=TIMEOUT)
    os.close(primary)
    text = shown.decode("utf-8", "replace")
    assert proc.returncode == 0 and "Traceback" not in text
    assert "0/1 done" in text and "1 in flight" in text and "elapsed" in text   # ticking while the file runs


def test_the_bar_says_what_is_in_flight_and_for_how_long():
    from captions.batch import Progress
    from captions.cli.batch import _bar

    bar = _bar(Progress(total=1, done=0, ok=0, failed=0, skipped=0, elapsed_s=161.0, in_flight=1), width=10)
    assert bar == "[..........] 0/1 done, 0 failed, 0.0 files/s, ETA --:--, 1 in flight, 02:41 elapsed"
    stopping = _bar(Progress(2, 1, 1, 0, 0, 3725.0, 1, True), width=10)
    assert stopping.endswith("1 in flight, 1:02:05 elapsed, stopping")
