"""The compiled-dictionary cache: a dictionary read back from it corrects exactly as one compiled
from its files, and an entry that is stale, foreign or damaged is never used."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from captions.corrections import Dictionary, Fix, load_dictionaries
from captions.corrections import cache
from captions.corrections.fixes import FixTable
from captions.errors import Location

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "techco-2026-03-05.txt"
SAMPLE_DICT = ROOT / "samples" / "techco.dict.toml"


def _large(path: Path, extra: int = cache.MIN_FIXES) -> Path:
    """The sample's dictionary with enough generated fixes to be cached (keys the text never has)."""
    generated = "".join(f'\n[[fix]]\nto = "Name{n}"\nfrom = ["Nmae{n} Qzx", "Nameq{n}"]\n' for n in range(extra))
    other_kinds = ('\n[[fix]]\nto = "Quokkaville"\nfrom = ["Quokavile"]\nfuzzy = 2\n'
                   '\n[[fix]]\nto = "Zorglub"\nfrom = ["zorg+lub+"]\nmatch = "regex"\n')
    path.write_text(SAMPLE_DICT.read_text(encoding="utf-8") + generated + other_kinds, encoding="utf-8")
    return path


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CAPTIONS_CACHE_DIR", str(folder))
    return folder / "dictionaries"


def _entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pickle"))


def test_a_cached_dictionary_corrects_as_the_compiled_one(cache_dir: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    path = _large(tmp_path / "big.dict.toml")
    text = SAMPLE.read_text(encoding="utf-8") + "\n0:59:59 Quokkavile, zorggglubb et Nameq12.\n"
    monkeypatch.setenv("CAPTIONS_CACHE_DIR", "off")
    compiled = load_dictionaries([path])
    monkeypatch.setenv("CAPTIONS_CACHE_DIR", str(cache_dir.parent))
    load_dictionaries([path])  # stores it
    assert len(_entries(cache_dir)) == 1
    cached = load_dictionaries([path])
    assert cached is not compiled and isinstance(cached.fixes, FixTable)
    assert cached.apply(text) == compiled.apply(text)
    kinds = {change.kind.value for change in cached.apply(text)[1]}
    assert kinds == {"word", "fuzzy", "regex"}, kinds
    assert len(cached) == len(compiled) and len(cached.fixes) == len(compiled.fixes)
    assert list(cached.fixes) == list(compiled.fixes)  # every field, location and key lines included


def test_the_fix_table_builds_each_fix_with_every_field() -> None:
    fixes = [Fix("OpenAI", ("Open AI", "OpenA"), location=Location("a.toml", 3), key_lines=(4, 4)),
             Fix("Jolla", ("yola",), fuzzy=1, keep_case=True, context="Sailfish", unless="(?i)yolo", window=40,
                 location=Location("a.toml", 9, 2), key_lines=(None,), review=True)]
    table = pickle.loads(pickle.dumps(FixTable(fixes)))
    assert table[1] == fixes[1] and table[-2] == fixes[0] and table[0:2] == tuple(fixes)
    assert list(table) == fixes and len(table) == 2
    assert pickle.loads(pickle.dumps(table))[1] == fixes[1]  # a read-back table pickles as it was read


def test_a_changed_file_is_compiled_again(cache_dir: Path, tmp_path: Path) -> None:
    path = _large(tmp_path / "big.dict.toml")
    load_dictionaries([path])
    path.write_text(path.read_text(encoding="utf-8").replace('to = "Name7"', 'to = "Nom7"'), encoding="utf-8")
    changed = load_dictionaries([path])
    assert changed.apply("Nameq7")[0] == "Nom7"
    assert len(_entries(cache_dir)) == 2


def test_an_entry_others_may_write_is_refused(cache_dir: Path, tmp_path: Path) -> None:
    path = _large(tmp_path / "big.dict.toml")
    load_dictionaries([path])
    (entry,) = _entries(cache_dir)
    entry.chmod(0o664)
    key = entry.stem
    assert cache.load_cached(key) is None
    entry.chmod(0o600)
    assert isinstance(cache.load_cached(key), Dictionary)


@pytest.mark.skipif(os.getuid() != 0, reason="giving a file to another user needs root")
def test_an_entry_another_user_owns_is_refused(cache_dir: Path, tmp_path: Path) -> None:
    path = _large(tmp_path / "big.dict.toml")
    load_dictionaries([path])
    (entry,) = _entries(cache_dir)
    os.chown(entry, 65534, 65534)
    assert cache.load_cached(entry.stem) is None


@pytest.mark.parametrize("content", [b"", b"not a pickle", pickle.dumps({"fixes": []}), pickle.dumps(42)[:-1]])
def test_a_damaged_or_foreign_entry_is_ignored_and_written_again(cache_dir: Path, tmp_path: Path,
                                                                 content: bytes) -> None:
    path = _large(tmp_path / "big.dict.toml")
    load_dictionaries([path])
    (entry,) = _entries(cache_dir)
    entry.write_bytes(content)
    assert load_dictionaries([path]).apply("Nameq7 et Nmae3 Qzx")[0] == "Name7 et Name3"
    assert isinstance(cache.load_cached(entry.stem), Dictionary)  # stored again


def test_small_dictionaries_and_an_off_cache_store_nothing(cache_dir: Path, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    load_dictionaries([SAMPLE_DICT])
    assert not cache_dir.exists() or not _entries(cache_dir)
    monkeypatch.setenv("CAPTIONS_CACHE_DIR", "off")
    assert cache.cache_dir() is None
    load_dictionaries([_large(tmp_path / "big.dict.toml")])
    assert not cache_dir.exists()


def test_files_too_small_to_hold_a_cached_dictionary_are_not_hashed(cache_dir: Path, tmp_path: Path) -> None:
    from captions.corrections.matcher import _cache_key

    assert SAMPLE_DICT.stat().st_size < cache.MIN_BYTES
    assert _cache_key([SAMPLE_DICT]) is None   # neither hashed nor looked up
    # the shortest table of MIN_FIXES fixes (distinct one-character-or-more keys, one-character
    # replacements) is never below the bound, so it is always looked up
    keys = [format(n, "x") for n in range(cache.MIN_FIXES)]
    table = tmp_path / "short.dict.tsv"
    table.write_text("".join(f"{key}\tx\n" for key in keys), encoding="utf-8")
    assert table.stat().st_size >= cache.MIN_BYTES
    assert _cache_key([table]) is not None
