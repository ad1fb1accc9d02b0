"""Real files from other projects (../shared/realworld/subtitles, with the cue counts independent
parsers read in EXPECTED.tsv; skipped when absent): read as the W3C parser reads them, written
back byte for byte, repaired without losing a word or a non-cue block, French rules on French
only, legacy encodings read and written back in their own code page."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import pytest

from captions.formats import Format, encode_document, read_captions, render_document
from captions.presets import get_preset
from captions.validate import check_document, fix_document
from captions.validate.checks import detect_cue_language
from fixchecks import assert_kept

REAL = Path(__file__).resolve().parents[2] / "shared" / "realworld" / "subtitles"
FILES = sorted(p for p in REAL.glob("*") if p.suffix in (".srt", ".vtt")) if REAL.is_dir() else []
PRESET = get_preset("fr-tv")


@pytest.fixture
def real(shared_dir: Path) -> Path:
    return shared_dir / "realworld" / "subtitles"


@lru_cache(maxsize=1)
def _expected() -> dict[str, dict[str, str]]:
    with open(REAL / "EXPECTED.tsv", encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {row["file"]: dict(kv.split("=") for kv in row["cue counts of independent parsers"].split(";"))
                for row in rows}


def test_the_corpus_is_there(real: Path) -> None:
    assert len(FILES) >= 90 and sum(p.suffix == ".vtt" for p in FILES) >= 40


@pytest.mark.parametrize("path", [p for p in FILES if p.suffix == ".vtt"], ids=lambda p: p.name)
def test_webvtt_cue_count_is_the_w3c_parsers(real: Path, path: Path) -> None:
    assert len(read_captions(path).cues) == int(_expected()[path.name]["w3c-webvtt-parser"])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_read_then_written_back_is_the_same_bytes(real: Path, path: Path) -> None:
    doc = read_captions(path)
    assert encode_document(doc, render_document(doc)) == path.read_bytes()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("drop", [False, True], ids=["default", "drop-unreadable"])
def test_fix_keeps_every_cue_and_every_other_block(real: Path, path: Path, drop: bool) -> None:
    doc = read_captions(path)
    fixed = fix_document(doc, PRESET, target="out" + path.suffix, drop_unreadable=drop)
    if fixed.refused:
        assert not drop and fixed.data == b""
        for block in fixed.unreadable:   # each refusal names its lines, inside the file
            assert 1 <= block.first_line <= block.last_line <= len(doc.lines) and block.text
        return
    assert fixed.remaining is not None
    assert_kept(doc, fixed.data, fixed.encoding)
    assert not [f for f in fixed.remaining.findings if f.code.value == "malformed-timestamp"
                and "no milliseconds" in f.message]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_french_rules_only_for_french(real: Path, path: Path) -> None:
    doc = read_captions(path)
    french = detect_cue_language(doc.cues) == "fr"
    codes = {f.code.value for f in check_document(doc, PRESET).findings}
    repairs = {r.code.value for r in fix_document(doc, PRESET, target="out" + path.suffix,
                                                  drop_unreadable=True).repairs}
    if not french:
        assert "missing-nbsp" not in codes and "french-spacing" not in repairs


@pytest.mark.parametrize("name, language", [
    ("se_libse_auto_detect_Danish.srt", ""), ("emk_poem.es.srt", "es"), ("3b1b_moser_hebrew_community.srt", "he"),
    ("3b1b_moser_arabic_community.srt", "ar"), ("3b1b_inventing_japanese_auto.srt", "ja"),
    ("3b1b_ldm_i_to_i_english.srt", "en"), ("mantas_vtt_with_html.vtt", "fr"),
])
def test_the_language_of_real_files(real: Path, name: str, language: str) -> None:
    # Danish is told from Norwegian by too few function words to be sure: no language's rules
    assert detect_cue_language(read_captions(real / name).cues) == language


@pytest.mark.parametrize("name, codec, word", [
    ("se_libse_auto_detect_windows-1250.srt", "cp1250", "Đino"),
    ("se_libse_auto_detect_windows-1251.srt", "cp1251", "времена"),
    ("cpetersen_wotw-dubious.srt", "cp1252", "habría"),
])
def test_legacy_encodings_never_mojibake(real: Path, name: str, codec: str, word: str) -> None:
    doc = read_captions(real / name)
    assert doc.encoding == codec
    assert any(word in line for cue in doc.cues for line in cue.lines)
    fixed = fix_document(doc, PRESET, target="out.srt")
    assert fixed.encoding == codec
    again = fixed.data.decode(codec)
    assert word in again and "\ufffd" not in again
    assert read_captions(real / name).format is Format.SRT
