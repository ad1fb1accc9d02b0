"""Golden cases for correction dictionaries: tests/data/corrections/<behaviour>/.

Each case holds ``input.txt|srt|vtt``, ``dict.toml``, the reviewed ``expected.*`` output and
``changes.txt`` (the ``--explain`` lines).  Set ``CAPTIONS_UPDATE_GOLDENS=1`` to rewrite the
expected files after a deliberate change, then review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from captions.model import Format
from captions.corrections import (
    correct_caption_source, correct_transcript_source, load_dictionaries,
)
from captions.files import read_source
from captions.transcript import parse_transcript

DATA = Path(__file__).parent / "data" / "corrections"
ROOT = Path(__file__).resolve().parents[1]
UPDATE = os.environ.get("CAPTIONS_UPDATE_GOLDENS") == "1"
CASES = sorted(p for p in DATA.iterdir() if p.is_dir() and (p / "dict.toml").exists())


def _correct(path: Path, dictionary_paths):
    dictionary = load_dictionaries(dictionary_paths)
    decoded = read_source(path)
    if path.suffix == ".txt":
        transcript = parse_transcript(decoded.text, source=path.name)
        return correct_transcript_source(decoded.text, transcript, dictionary)
    return correct_caption_source(decoded.text, Format(path.suffix[1:]), dictionary)


def _check(actual: str, expected_path: Path) -> None:
    if UPDATE:
        expected_path.write_text(actual, encoding="utf-8", newline="")
    assert actual == expected_path.read_bytes().decode("utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case(case: Path) -> None:
    source = next(case.glob("input.*"))
    text, changes = _correct(source, [case / "dict.toml"])
    _check(text, case / f"expected{source.suffix}")
    explained = "".join(c.explain().replace(str(case / "dict.toml"), "dict.toml") + "\n" for c in changes)
    _check(explained, case / "changes.txt")


def test_sample_corrected_with_the_sample_dictionary_matches_the_reviewed_golden() -> None:
    sample = ROOT / "samples" / "techco-2026-03-05.txt"
    text, changes = _correct(sample, [ROOT / "samples" / "techco.dict.toml"])
    golden = DATA / "techco-sample"
    _check(text, golden / "expected.txt")
    explained = "".join(c.explain().replace(str(ROOT / "samples") + "/", "") + "\n" for c in changes)
    _check(explained, golden / "changes.txt")
    # Every name the dictionary lists is fixed wherever the reader sees a fragment.
    transcript = parse_transcript(text, source="corrected")
    words = " ".join(f.text for f in transcript.fragments)
    for wrong in ("Anthropik", "Entropique", "Entropic", "en tropique", "Open AI", "OpenEye", "Oppenay",
                  "Jensan Yuang", "Jens Nguyen", "Jason Wang", "Théodocloud", "Tchad GPT", "NVIDIA", "Yola"):
        assert wrong not in words, wrong
    # Nothing else moved: outside the changed lines the sample is byte for byte the same.
    changed = {c.line for c in changes}
    original = sample.read_text(encoding="utf-8").split("\n")
    corrected = text.split("\n")
    assert len(original) == len(corrected)
    assert [i for i, (a, b) in enumerate(zip(original, corrected), 1) if a != b] == sorted(changed)
