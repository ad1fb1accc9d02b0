"""Validate a 100,000-cue SRT and WebVTT: our reader + checks vs peers merely parsing.

Two measures, both medians of several runs (ratios against our validator):

* in process: ``validate_file`` (read, decode, every check, summary) against pysrt, srt,
  pysubs2 and webvtt-py parsing the same file, and a bare regex loop over it; and the checks
  alone (``check_document`` on the file already read: the table of checks and the summary);
* as a process (issue 5's goal), interpreter start and imports included:
  ``python -m captions validate FILE`` (which also prints its findings) against
  ``python -c 'import pysrt; pysrt.open(FILE)'`` and the webvtt-py equivalent, with a bare
  ``python -c pass`` for the interpreter start alone.

The cues are 2.5 s long with 500 ms gaps, so every cue but the first gets a ``chain-gap``
warning: the validator builds and prints 99,999 findings, the peers nothing.

And the findings written as they are found (issue 10): ``python -m captions validate FILE`` and
``validate --json FILE`` on 100,000 cues with 200,000 findings (a ``chain-gap`` and a
``double-space`` on each cue), wall and CPU time and the process's peak memory, against the
same file with no finding at all: the memory must not grow with the number of findings, with or
without ``--json``.

Run: python benchmarks/run.py validate
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import ProcessRun, Timing, median_timing, print_table, run_process

from captions.formats import read_captions, render_srt, render_vtt
from captions.model import Cue
from captions.presets import get_preset
from captions.validate import check_document, validate_file

N = 100_000
ROOT = Path(__file__).resolve().parents[1]
_SRT_RE = re.compile(r"(\d+)\n(\d\d):(\d\d):(\d\d),(\d{3}) --> (\d\d):(\d\d):(\d\d),(\d{3})\n(.*?)\n\n", re.S)


def _cues() -> list[Cue]:
    return [Cue(i * 3000, i * 3000 + 2500, (f"Ligne numéro {i} du texte,", "et une seconde ligne.")) for i in range(N)]


def _findings_cues() -> list[Cue]:
    """Two findings per cue: a gap to chain, and two spaces in a row."""
    return [Cue(i * 3000, i * 3000 + 2500, (f"Ligne numéro {i}  du texte,", "et une seconde ligne.")) for i in range(N)]


def _clean_cues() -> list[Cue]:
    """No finding at all: 80 ms gaps (the fr-tv minimum), short slow lines."""
    return [Cue(i * 3000, i * 3000 + 2920, (f"Ligne {i} du texte,", "et la suite.")) for i in range(N)]


def _runs(*args: str) -> list[ProcessRun]:
    """Five runs (after one uncounted) of ``python -m captions ARGS``, output discarded: wall and
    CPU time from the operating system's accounting of each child, and its own peak memory."""
    argv = [sys.executable, "-m", "captions", *args]
    runs = [run_process(argv, cwd=str(ROOT), own_peak=True, check=False) for _ in range(6)][1:]
    assert all(run.status in (0, 1) for run in runs), argv   # 1: a finding reached --fail-on
    return runs


def _median(runs: list[ProcessRun], field: str) -> float:
    return statistics.median(getattr(run, field) for run in runs)


def _memory_table(tmp: str) -> None:
    many, clean = Path(tmp, "findings.srt"), Path(tmp, "clean.srt")
    many.write_text(render_srt(_findings_cues()), "utf-8")
    clean.write_text(render_srt(_clean_cues()), "utf-8")
    runs = [("validate FILE (200,000 findings)", _runs("validate", "--lang", "fr", str(many))),
            ("validate --json FILE (200,000 findings)", _runs("validate", "--json", "--lang", "fr", str(many))),
            ("validate FILE (no finding)", _runs("validate", "--lang", "fr", str(clean))),
            ("validate --json FILE (no finding)", _runs("validate", "--json", "--lang", "fr", str(clean)))]
    rows = [(name, _median(r, "peak_mib"), Timing(_median(r, "wall"), _median(r, "cpu"))) for name, r in runs]
    print_table(f"SRT, {N:,} cues, findings written as found, as a process", [(name, timing, f"peak {mb:.0f} MiB")
                for name, mb, timing in rows], unit_count=N, unit="cues")
    print(f"\n### Peak memory, {N:,} cues\n")
    print("| run | peak MiB | x no finding |")
    print("|---|---:|---:|")
    base = {"text": rows[2][1], "json": rows[3][1]}
    for name, mb, _ in rows:
        ref = base["json" if "--json" in name else "text"]
        print(f"| {name} | {mb:.0f} | {mb / ref:.2f} |")
    print(f"\n### validate --json against the same run as text, {N:,} cues (goal: at most 1.3x in time and memory)\n")
    print("| findings | CPU x text | wall x text | peak memory x text | goal |")
    print("|---|---:|---:|---:|---|")
    for label, (text_name, text_runs), (_, json_runs) in (("200,000", runs[0], runs[1]), ("none", runs[2], runs[3])):
        cpu = _median(json_runs, "cpu") / _median(text_runs, "cpu")
        wall = _median(json_runs, "wall") / _median(text_runs, "wall")
        peak = _median(json_runs, "peak_mib") / _median(text_runs, "peak_mib")
        verdict = "met" if max(cpu, peak) <= 1.3 else "NOT met"
        print(f"| {label} | {cpu:.2f} | {wall:.2f} | {peak:.2f} | at most 1.3 ({verdict}) |")


def _process(*args: str) -> Timing:
    """Median wall and CPU time of running ``python ARGS`` (output discarded), from the repository root."""
    def run() -> None:
        subprocess.run([sys.executable, *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
    return median_timing(run, repeat=5, process=True)


def main() -> None:
    import pysrt
    import pysubs2
    import srt  # type: ignore[import-untyped]
    import webvtt

    preset = get_preset("fr-tv")
    with tempfile.TemporaryDirectory() as tmp:
        cues = _cues()
        srt_path, vtt_path = Path(tmp, "big.srt"), Path(tmp, "big.vtt")
        srt_path.write_text(render_srt(cues), "utf-8")
        vtt_path.write_text(render_vtt(cues), "utf-8")
        srt_text = srt_path.read_text("utf-8")
        document = read_captions(srt_path)
        rows = [
            ("captions validate (read + all checks)", median_timing(lambda: validate_file(srt_path, preset, lang="fr"), repeat=3), ""),
            ("captions checks alone (file already read)", median_timing(lambda: check_document(document, preset, lang="fr"), repeat=3),
             "checks + summary"),
            ("pysrt.open", median_timing(lambda: pysrt.open(str(srt_path)), repeat=3), "parse only"),
            ("srt.parse", median_timing(lambda: list(srt.parse(srt_text)), repeat=3), "parse only"),
            ("pysubs2.load", median_timing(lambda: pysubs2.load(str(srt_path)), repeat=3), "parse only"),
            ("bare regex loop", median_timing(lambda: sum(1 for _ in _SRT_RE.finditer(srt_text)), repeat=3), "no checks"),
        ]
        print_table(f"SRT, {N:,} cues, in process", rows, unit_count=N, unit="cues")
        rows = [
            ("captions validate (read + all checks)", median_timing(lambda: validate_file(vtt_path, preset, lang="fr"), repeat=3), ""),
            ("webvtt-py read", median_timing(lambda: webvtt.read(str(vtt_path)), repeat=3), "parse only"),
            ("pysubs2.load", median_timing(lambda: pysubs2.load(str(vtt_path)), repeat=3), "parse only"),
        ]
        print_table(f"WebVTT, {N:,} cues, in process", rows, unit_count=N, unit="cues")

        start = _process("-c", "pass")
        for label, path, peer, call in (("SRT", srt_path, "pysrt", "pysrt.open"),
                                        ("WebVTT", vtt_path, "webvtt", "webvtt.read")):
            rows = [
                ("python -m captions validate FILE", _process("-m", "captions", "validate", str(path)),
                 "start + imports + read + checks + 99,999 lines printed"),
                (f"python -c 'import {peer}; {call}(FILE)'",
                 _process("-c", f"import {peer}; {call}({str(path)!r})"), "start + import + parse only"),
                ("python -c pass", start, "interpreter start alone"),
            ]
            print_table(f"{label}, {N:,} cues, as a process", rows, unit_count=N, unit="cues")
        _memory_table(tmp)


if __name__ == "__main__":
    main()
