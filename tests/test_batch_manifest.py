"""The manifest's typed entries: a manifest written before sizes and the ``redone`` note were
recorded still loads, and is written back with only those keys added; an entry survives its JSON
unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from captions.batch import BatchSummary, DictionaryRef, Kind, ManifestEntry, OutputRecord, Status, TimelinePoint
from captions.batch.manifest import MANIFEST_NAME, Manifest
from captions.errors import ConfigError
from captions.model import Format

# Written by the manifest of dict entries (the version before typed entries), byte for byte.
OLD = (
    '{"version":1,"files":{\n'
    '"bad.txt":{"status":"failed","kind":"transcript","sha256":null,"options_sha256":"o1","dictionaries":[],'
    '"preset":"fr-tv","outputs":[],"cues":0,"findings":{},"errors":0,"warnings":0,"infos":0,"notes":{},'
    '"corrections":0,"media_ms":0,"elapsed_ms":0,"reason":"bad.txt:1: the file is empty; expected text with '
    'timestamps","timeline":[]},\n'
    '"clip.vtt":{"status":"ok","kind":"captions","sha256":"c1","options_sha256":"o2","dictionaries":[],'
    '"preset":"netflix","outputs":[],"cues":1,"findings":{"end-not-after-start":1},"errors":1,"warnings":0,'
    '"infos":0,"notes":{},"corrections":0,"media_ms":5000,"elapsed_ms":1,"reason":null,'
    '"timeline":[[5000,2000,0.0,null]]},\n'
    '"saison 1/épisode 1.txt":{"status":"ok","kind":"transcript","sha256":"a1","options_sha256":"o1",'
    '"dictionaries":[{"path":"/dicts/émission.toml","sha256":"d1"}],"preset":"fr-tv","outputs":'
    '[{"path":"saison 1/épisode 1.srt","format":"srt","sha256":"s1"},{"path":"saison 1/épisode 1.vtt",'
    '"format":"vtt","sha256":"v1"}],"cues":3,"findings":{"line-too-long":1,"too-fast":2},"errors":0,'
    '"warnings":3,"infos":0,"notes":{"footer":1,"metadata":2},"corrections":4,"media_ms":9000,"elapsed_ms":12,'
    '"reason":null,"timeline":[[0,2000,14.5,17.0],[2500,2500,999.0,null]]}\n'
    "}}\n"
)


def test_an_older_manifest_loads_typed_and_is_written_back_with_only_the_new_keys(tmp_path: Path) -> None:
    (tmp_path / MANIFEST_NAME).write_text(OLD, encoding="utf-8")
    manifest = Manifest.load(tmp_path)
    entry = manifest.full_entry("saison 1/épisode 1.txt")
    assert (entry.status, entry.kind, entry.preset) == (Status.OK, Kind.TRANSCRIPT, "fr-tv")
    assert entry.dictionaries == (DictionaryRef("/dicts/émission.toml", "d1"),)
    assert entry.outputs[1] == OutputRecord("saison 1/épisode 1.vtt", Format.VTT, "v1", None)
    assert entry.findings == (("line-too-long", 1), ("too-fast", 2)) and entry.notes == (("footer", 1), ("metadata", 2))
    assert entry.timeline == (TimelinePoint(0, 2000, 14.5, 17.0), TimelinePoint(2500, 2500, 999.0, None))
    assert manifest.files["saison 1/épisode 1.txt"] == entry.light()  # in memory: no timeline
    assert manifest.files["bad.txt"].status is Status.FAILED and manifest.files["bad.txt"].sha256 is None
    with Manifest.open(tmp_path) as taken:
        taken.record("bad.txt", manifest.full_entry("bad.txt"))   # the same entry again: the file is rewritten
    # the entry recorded again gains the new key; the others keep their bytes
    written = (tmp_path / MANIFEST_NAME).read_text(encoding="utf-8")
    assert written == OLD.replace('timestamps","timeline"', 'timestamps","redone":null,"left_out":[],"timeline"')


def test_an_entry_without_the_later_keys_takes_their_defaults() -> None:
    entry = ManifestEntry.from_dict({"status": "ok", "kind": "captions", "cues": 2})
    assert entry == ManifestEntry(Status.OK, Kind.CAPTIONS, cues=2)
    assert list(entry.to_dict()) == ["status", "kind", "sha256", "options_sha256", "dictionaries", "preset",
                                     "outputs", "cues", "findings", "errors", "warnings", "infos", "notes",
                                     "corrections", "media_ms", "elapsed_ms", "reason", "redone", "left_out",
                                     "timeline"]


@pytest.mark.parametrize("entry", [
    {"status": "done", "kind": "transcript"},
    {"status": "ok"},
    {"status": "ok", "kind": "captions", "cues": "3"},
    {"status": "ok", "kind": "captions", "outputs": [{"path": "a.ass", "format": "ass", "sha256": "x"}]},
    {"status": "ok", "kind": "captions", "findings": {"overlap": True}},
    {"status": "ok", "kind": "captions", "timeline": [[0, 1, 2.0]]},
    ["not", "an", "entry"],
])
def test_an_entry_this_version_cannot_read_refuses_the_manifest(tmp_path: Path, entry: object) -> None:
    (tmp_path / MANIFEST_NAME).write_text(json.dumps({"version": 1, "files": {"a.txt": entry}}), encoding="utf-8")
    with pytest.raises(ConfigError, match="not a version 1 captions manifest"):
        Manifest.load(tmp_path)


_text = st.text(max_size=12)
_count = st.integers(min_value=0, max_value=10**9)
_ms = st.integers(min_value=0, max_value=10**8)
_speed = st.floats(min_value=0, max_value=999, allow_nan=False).map(lambda v: round(v, 1))
_entries = st.builds(
    ManifestEntry,
    status=st.sampled_from(Status), kind=st.sampled_from(Kind),
    sha256=st.none() | _text, options_sha256=st.none() | _text,
    dictionaries=st.lists(st.builds(DictionaryRef, _text, _text), max_size=3).map(tuple),
    preset=st.none() | _text,
    outputs=st.lists(st.builds(OutputRecord, _text, st.sampled_from(Format), _text, st.none() | _count),
                     max_size=2).map(tuple),
    cues=_count,
    findings=st.dictionaries(_text, _count, max_size=4).map(lambda d: tuple(d.items())),
    errors=_count, warnings=_count, infos=_count,
    notes=st.dictionaries(_text, _count, max_size=3).map(lambda d: tuple(d.items())),
    corrections=_count, media_ms=_ms, elapsed_ms=_ms, reason=st.none() | _text,
    timeline=st.lists(st.builds(TimelinePoint, _ms, _ms, _speed, st.none() | _speed), max_size=5).map(tuple),
    redone=st.none() | _text,
)


@given(_entries)
def test_an_entry_survives_its_json(entry: ManifestEntry) -> None:
    text = json.dumps(entry.to_dict(), ensure_ascii=False, separators=(",", ":"))
    assert ManifestEntry.from_dict(json.loads(text)) == entry


def test_summary_counts_the_entries_of_the_run() -> None:
    entries = {
        "a.txt": ManifestEntry(Status.OK, Kind.TRANSCRIPT, findings=(("too-fast", 2),), warnings=2),
        "b.srt": ManifestEntry(Status.SKIPPED, Kind.CAPTIONS, findings=(("overlap", 1), ("too-fast", 1)), errors=1,
                               warnings=1),
        "c.txt": ManifestEntry(Status.FAILED, Kind.TRANSCRIPT, reason="c.txt:1: empty"),
    }
    summary = BatchSummary(Path("in"), Path("out"), entries, elapsed_s=1.25).to_dict()
    assert summary == {"type": "summary", "input_dir": "in", "output_dir": "out", "files": 3, "ok": 1, "skipped": 1,
                       "failed": 1, "errors": 1, "warnings": 3, "findings": {"overlap": 1, "too-fast": 3},
                       "elapsed_ms": 1250, "interrupted": False, "not_done": 0, "notes": []}


@settings(deadline=None, max_examples=40)   # each example writes and fsyncs files
@given(st.dictionaries(st.text(min_size=1, max_size=8), _entries, max_size=6),
       st.dictionaries(st.text(min_size=1, max_size=8), _entries, max_size=6))
def test_the_manifest_gives_back_what_was_recorded_in_two_runs(first: dict, second: dict) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        for run in (first, second):
            with Manifest.open(folder) as manifest:
                for rel, entry in run.items():
                    manifest.record(rel, entry)
        loaded = Manifest.load(folder)
        expected = {**first, **second}
        assert dict(loaded.files) == {rel: e.light() for rel, e in expected.items()}
        assert all(loaded.full_entry(rel) == e for rel, e in expected.items())
