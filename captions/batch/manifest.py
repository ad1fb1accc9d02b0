"""The batch manifest: what ``captions batch`` did to each input, kept in OUTPUT_DIR.

One JSON file, ``captions-manifest.json``, rewritten atomically (temporary file then
``os.replace``) each time a file finishes, so that an interrupted run loses at most the
files in flight and the next run knows exactly what is done.  An entry
(:class:`ManifestEntry`) records the input's content hash, the hash of the options and of each
dictionary it was processed with, its outputs (with their hashes), and what the job found; a
rerun skips an input whose entry matches (see :meth:`Manifest.is_current`).

This module holds the records of a run (entries, their kinds and statuses, the run's
:class:`BatchSummary`) and nothing that computes them: the driver fills them, the command line
and the HTML report read them.
"""

from __future__ import annotations

import enum
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple, TypedDict, TypeVar

from ..errors import ConfigError, Location
from ..files import write_text_atomic
from ..model import Format

__all__ = [
    "MANIFEST_NAME", "MANIFEST_VERSION", "Kind", "Status", "DictionaryRef", "OutputRecord", "TimelinePoint",
    "ManifestEntry", "Manifest", "BatchSummary", "sha256_bytes", "sha256_json",
]

MANIFEST_NAME = "captions-manifest.json"
MANIFEST_VERSION = 1


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``.

    >>> sha256_bytes(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()


def sha256_json(value: object) -> str:
    """Hex SHA-256 of ``value`` as canonical JSON (sorted keys, no spaces): a stable options hash.

    >>> sha256_json({"b": 1, "a": [2]}) == sha256_json({"a": [2], "b": 1})
    True
    """
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return sha256_bytes(text.encode("utf-8"))


class Kind(str, enum.Enum):
    """What an input file is, from its suffix."""

    TRANSCRIPT = "transcript"   # .txt: converted, and the result validated
    CAPTIONS = "captions"       # .srt / .vtt: validated, and converted when ``to`` asks


class Status(str, enum.Enum):
    """How one input ended in a run."""

    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"   # unchanged since the manifest's entry: nothing redone


# --------------------------------------------------------------------------------------------
# The JSON shapes, as the manifest file and ``captions batch --json`` write them.


class DictionaryDict(TypedDict):
    path: str
    sha256: str


class OutputDict(TypedDict):
    path: str
    format: str
    sha256: str


class EntryDict(TypedDict):
    """One entry of the manifest, keys in the order they are written (docs/batch.md)."""

    status: str
    kind: str
    sha256: str | None
    options_sha256: str | None
    dictionaries: list[DictionaryDict]
    preset: str | None
    outputs: list[OutputDict]
    cues: int
    findings: dict[str, int]
    errors: int
    warnings: int
    infos: int
    notes: dict[str, int]
    corrections: int
    media_ms: int
    elapsed_ms: int
    reason: str | None
    timeline: list[list[int | float | None]]


class SummaryDict(TypedDict):
    """The summary line of ``captions batch --json``."""

    type: str
    input_dir: str
    output_dir: str
    files: int
    ok: int
    skipped: int
    failed: int
    errors: int
    warnings: int
    findings: dict[str, int]
    elapsed_ms: int


# --------------------------------------------------------------------------------------------
# Reading JSON values back, refusing what a manifest cannot hold.

_T = TypeVar("_T")


class _NotAnEntry(ValueError):
    """A value of the manifest file that no version 1 manifest holds."""


def _field(data: Mapping[str, object], key: str, kind: type[_T], default: _T) -> _T:
    """``data[key]`` when it is a ``kind`` (``default`` when missing: older entries may lack a key)."""
    value = data.get(key, default)
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise _NotAnEntry(f"{key} = {value!r}")
    return value


def _optional_str(data: Mapping[str, object], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise _NotAnEntry(f"{key} = {value!r}")
    return value


def _counts(data: Mapping[str, object], key: str) -> tuple[tuple[str, int], ...]:
    counts = _field(data, key, dict, {})
    if not all(isinstance(k, str) and isinstance(n, int) and not isinstance(n, bool) for k, n in counts.items()):
        raise _NotAnEntry(f"{key} = {counts!r}")
    return tuple(counts.items())


def _records(data: Mapping[str, object], key: str) -> list[Mapping[str, object]]:
    items = _field(data, key, list, [])
    if not all(isinstance(item, dict) for item in items):
        raise _NotAnEntry(f"{key} = {items!r}")
    return items


# --------------------------------------------------------------------------------------------
# The records.


@dataclass(frozen=True, slots=True)
class DictionaryRef:
    """A correction dictionary a job uses: its path and the hash of its bytes."""

    path: str
    sha256: str

    def to_dict(self) -> DictionaryDict:
        return {"path": self.path, "sha256": self.sha256}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> DictionaryRef:
        return cls(_field(data, "path", str, ""), _field(data, "sha256", str, ""))


@dataclass(frozen=True, slots=True)
class OutputRecord:
    """A file a job wrote: its path relative to OUTPUT_DIR, its format and the hash of its bytes."""

    path: str
    format: Format
    sha256: str

    def to_dict(self) -> OutputDict:
        return {"path": self.path, "format": self.format.value, "sha256": self.sha256}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> OutputRecord:
        name = _field(data, "format", str, "")
        try:
            fmt = Format(name)
        except ValueError:
            raise _NotAnEntry(f"format = {name!r}") from None
        return cls(_field(data, "path", str, ""), fmt, _field(data, "sha256", str, ""))


class TimelinePoint(NamedTuple):
    """The fastest cue of one slice of the show: its times, its reading speed and the preset's
    limit for its duration (None when the preset sets none)."""

    start_ms: int
    end_ms: int
    cps: float
    limit_cps: float | None


def _timeline(data: Mapping[str, object]) -> tuple[TimelinePoint, ...]:
    points = _field(data, "timeline", list, [])
    if not all(isinstance(p, list) and len(p) == 4 for p in points):
        raise _NotAnEntry(f"timeline = {points!r}")
    return tuple(TimelinePoint(*p) for p in points)


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """What one run did to one input (one line of the manifest, one ``--json`` file line).

    Attributes:
        status: how the input ended.
        kind: transcript or caption file.
        sha256: the hash of the input's bytes (None when they could not be read).
        options_sha256: the hash of the resolved options (:meth:`FileSettings.options_dict`).
        dictionaries: the dictionaries applied, most specific first.
        preset: the preset's name.
        outputs: the files written, in the order of ``to``.
        cues: how many cues the outputs (or the checked file) hold.
        findings: (code, count) of the validation findings, by code.
        errors, warnings, infos: the findings, counted by severity.
        notes: (code, count) of the transcript reader's notes, by code.
        corrections: how many dictionary corrections were applied.
        media_ms: the end of the last cue.
        elapsed_ms: the job's processing time.
        reason: why it failed (``file:line: message``), or None.
        timeline: the reading-speed timeline (see :func:`captions.batch.timeline_points`).
    """

    status: Status
    kind: Kind
    sha256: str | None = None
    options_sha256: str | None = None
    dictionaries: tuple[DictionaryRef, ...] = ()
    preset: str | None = None
    outputs: tuple[OutputRecord, ...] = ()
    cues: int = 0
    findings: tuple[tuple[str, int], ...] = ()
    errors: int = 0
    warnings: int = 0
    infos: int = 0
    notes: tuple[tuple[str, int], ...] = ()
    corrections: int = 0
    media_ms: int = 0
    elapsed_ms: int = 0
    reason: str | None = None
    timeline: tuple[TimelinePoint, ...] = ()

    @property
    def flagged(self) -> int:
        """Errors and warnings: the findings that need a person."""
        return self.errors + self.warnings

    def with_status(self, status: Status) -> ManifestEntry:
        return replace(self, status=status)

    def to_dict(self) -> EntryDict:
        """The entry as JSON, keys in a fixed order (the manifest file's bytes depend on it).

        >>> ManifestEntry(Status.FAILED, Kind.CAPTIONS, reason="a.srt: empty").to_dict()["reason"]
        'a.srt: empty'
        """
        return {
            "status": self.status.value,
            "kind": self.kind.value,
            "sha256": self.sha256,
            "options_sha256": self.options_sha256,
            "dictionaries": [d.to_dict() for d in self.dictionaries],
            "preset": self.preset,
            "outputs": [o.to_dict() for o in self.outputs],
            "cues": self.cues,
            "findings": dict(self.findings),
            "errors": self.errors,
            "warnings": self.warnings,
            "infos": self.infos,
            "notes": dict(self.notes),
            "corrections": self.corrections,
            "media_ms": self.media_ms,
            "elapsed_ms": self.elapsed_ms,
            "reason": self.reason,
            "timeline": [list(p) for p in self.timeline],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> ManifestEntry:
        """An entry from its JSON; a key an older manifest lacks takes its default.

        Raises:
            ValueError: a status or kind this version does not know, or a value of the wrong type.

        >>> ManifestEntry.from_dict({"status": "ok", "kind": "captions", "cues": 2}).cues
        2
        """
        try:
            status, kind = Status(data.get("status")), Kind(data.get("kind"))
        except ValueError as exc:
            raise _NotAnEntry(str(exc)) from None
        return cls(
            status, kind, _optional_str(data, "sha256"), _optional_str(data, "options_sha256"),
            tuple(DictionaryRef.from_dict(d) for d in _records(data, "dictionaries")),
            _optional_str(data, "preset"),
            tuple(OutputRecord.from_dict(o) for o in _records(data, "outputs")),
            _field(data, "cues", int, 0), _counts(data, "findings"),
            _field(data, "errors", int, 0), _field(data, "warnings", int, 0), _field(data, "infos", int, 0),
            _counts(data, "notes"), _field(data, "corrections", int, 0),
            _field(data, "media_ms", int, 0), _field(data, "elapsed_ms", int, 0),
            _optional_str(data, "reason"), _timeline(data),
        )


# --------------------------------------------------------------------------------------------
# The manifest file.


@dataclass
class Manifest:
    """The manifest of one OUTPUT_DIR (the one mutable object of a batch run, owned by its driver).

    Attributes:
        path: where it is stored.
        files: input relative path (POSIX) -> its entry.
    """

    path: Path
    files: dict[str, ManifestEntry] = field(default_factory=dict)
    _encoded: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, output_dir: str | os.PathLike[str]) -> Manifest:
        """The manifest stored in ``output_dir`` (an empty one when there is none yet).

        Raises:
            ConfigError: when the file exists but is not a manifest this version can read.
        """
        path = Path(output_dir) / MANIFEST_NAME
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        except OSError as exc:
            raise ConfigError(f"cannot read the manifest: {exc.strerror or exc}", Location(str(path))) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"the manifest is not valid JSON ({exc.msg}); delete it or run with --force "
                              "to rebuild it", Location(str(path), exc.lineno, exc.colno)) from None
        refused = ConfigError(f"not a version {MANIFEST_VERSION} captions manifest; delete it to rebuild it",
                              Location(str(path)))
        if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION \
                or not isinstance(data.get("files"), dict):
            raise refused
        try:
            files = {rel: ManifestEntry.from_dict(_entry_object(entry)) for rel, entry in data["files"].items()}
        except _NotAnEntry:
            raise refused from None
        return cls(path, files)

    def is_current(self, rel: str, *, sha256: str, options_sha256: str, dictionaries: Sequence[DictionaryRef],
                   output_dir: Path) -> bool:
        """Whether ``rel`` was processed successfully from the same bytes, options and dictionaries,
        and every output it wrote is still there."""
        entry = self.files.get(rel)
        if entry is None or entry.status is not Status.OK:
            return False
        if (entry.sha256, entry.options_sha256, entry.dictionaries) != (sha256, options_sha256, tuple(dictionaries)):
            return False
        return all((output_dir / out.path).is_file() for out in entry.outputs)

    def record(self, rel: str, entry: ManifestEntry) -> None:
        """Set the entry of ``rel`` and store the whole manifest atomically."""
        self.files[rel] = entry
        self._encoded.pop(rel, None)
        self.save()

    def save(self) -> None:
        """Write the manifest atomically (readers see the old one or the new one, never half).

        One entry per line, sorted by path.  Each entry is encoded once and kept: the manifest is
        rewritten after every file, and encoding every entry each time made a 200-file run
        spend most of its time in ``json.dumps``.
        """
        lines = []
        for rel in sorted(self.files):
            if rel not in self._encoded:
                self._encoded[rel] = json.dumps(self.files[rel].to_dict(), ensure_ascii=False, separators=(",", ":"))
            lines.append(f"{json.dumps(rel, ensure_ascii=False)}:{self._encoded[rel]}")
        text = f'{{"version":{MANIFEST_VERSION},"files":{{\n' + ",\n".join(lines) + "\n}}\n"
        write_text_atomic(self.path, text)


def _entry_object(value: object) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise _NotAnEntry(repr(value))
    return value


# --------------------------------------------------------------------------------------------
# A run's summary.


@dataclass
class BatchSummary:
    """The run, once finished: one manifest entry per input of this run, in input order."""

    input_dir: Path
    output_dir: Path
    entries: dict[str, ManifestEntry] = field(default_factory=dict)
    elapsed_s: float = 0.0

    def count(self, status: Status) -> int:
        return sum(1 for e in self.entries.values() if e.status is status)

    def findings_total(self) -> dict[str, int]:
        """Findings of the whole run, by code (in code order)."""
        totals: dict[str, int] = {}
        for entry in self.entries.values():
            for code, n in entry.findings:
                totals[code] = totals.get(code, 0) + n
        return dict(sorted(totals.items()))

    @property
    def errors(self) -> int:
        return sum(e.errors for e in self.entries.values())

    @property
    def warnings(self) -> int:
        return sum(e.warnings for e in self.entries.values())

    def to_dict(self) -> SummaryDict:
        return {
            "type": "summary",
            "input_dir": str(self.input_dir),
            "output_dir": str(self.output_dir),
            "files": len(self.entries),
            "ok": self.count(Status.OK),
            "skipped": self.count(Status.SKIPPED),
            "failed": self.count(Status.FAILED),
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": self.findings_total(),
            "elapsed_ms": round(self.elapsed_s * 1000),
        }
