"""Validate a 100,000-cue SRT and WebVTT: our reader + checks vs peers merely parsing.

Run: python benchmarks/run.py validate
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from harness import median_seconds, print_table

from captions.formats import render_srt, render_vtt
from captions.model import Cue
from captions.presets import get_preset
from captions.validate import validate_file

N = 100_000
_SRT_RE = re.compile(r"(\d+)\n(\d\d):(\d\d):(\d\d),(\d{3}) --> (\d\d):(\d\d):(\d\d),(\d{3})\n(.*?)\n\n", re.S)


def _cues():
    return [Cue(i * 3000, i * 3000 + 2500, (f"Ligne numéro {i} du texte,", "et une seconde ligne.")) for i in range(N)]


def main() -> None:
    import pysrt
    import pysubs2
    import srt
    import webvtt

    preset = get_preset("fr-tv")
    with tempfile.TemporaryDirectory() as tmp:
        cues = _cues()
        srt_path, vtt_path = Path(tmp, "big.srt"), Path(tmp, "big.vtt")
        srt_path.write_text(render_srt(cues), "utf-8")
        vtt_path.write_text(render_vtt(cues), "utf-8")
        srt_text = srt_path.read_text("utf-8")
        rows = [
            ("captions validate (read + all checks)", median_seconds(lambda: validate_file(srt_path, preset, lang="fr"), repeat=3), ""),
            ("pysrt.open", median_seconds(lambda: pysrt.open(str(srt_path)), repeat=3), "parse only"),
            ("srt.parse", median_seconds(lambda: list(srt.parse(srt_text)), repeat=3), "parse only"),
            ("pysubs2.load", median_seconds(lambda: pysubs2.load(str(srt_path)), repeat=3), "parse only"),
            ("bare regex loop", median_seconds(lambda: sum(1 for _ in _SRT_RE.finditer(srt_text)), repeat=3), "no checks"),
        ]
        print_table(f"SRT, {N:,} cues", rows, unit_count=N, unit="cues")
        rows = [
            ("captions validate (read + all checks)", median_seconds(lambda: validate_file(vtt_path, preset, lang="fr"), repeat=3), ""),
            ("webvtt-py read", median_seconds(lambda: webvtt.read(str(vtt_path)), repeat=3), "parse only"),
            ("pysubs2.load", median_seconds(lambda: pysubs2.load(str(vtt_path)), repeat=3), "parse only"),
        ]
        print_table(f"WebVTT, {N:,} cues", rows, unit_count=N, unit="cues")


if __name__ == "__main__":
    main()
