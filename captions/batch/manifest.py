"""The batch manifest: what ``captions batch`` did to each input, kept in OUTPUT_DIR.

``captions-manifest.json`` holds one entry per input (:class:`ManifestEntry`): the input's
content hash, the hash of the options and of each dictionary it was processed with, its outputs
(with their sizes and hashes), and what the job found; a rerun skips an input whose entry still
holds (see :meth:`Manifest.staleness`).

A run owns OUTPUT_DIR while it works (:meth:`Manifest.open`): an advisory lock
(``captions-manifest.lock``, holding the run's pid, host and start time) refuses a second run,
and each file that finishes is appended to ``captions-manifest.journal`` as one line (flushed to
disk with the lines of the same fraction of a second), so that the cost per file does not grow
with the folder.  The journal is folded into the
manifest (rewritten atomically) when the run ends, and by the next run if this one was killed;
a line cut short by a kill is ignored, so the input it was for is simply done again.

In memory the manifest keeps each entry without its reading-speed timeline (the bulk of an
entry) and where its line is on disk; :meth:`Manifest.timeline` reads a timeline back.

This module holds the records of a run (entries, their kinds and statuses, the run's
:class:`BatchSummary`) and their storage, and nothing that computes them: the driver fills them,
the command line and the HTML report read them.
"""

from __future__ import annotations

import datetime
import enum
import errno
import hashlib
import json
import os
import socket
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from types import MappingProxyType, TracebackType
from typing import NamedTuple, TypedDict, TypeVar

from ..errors import CaptionsError, ConfigError, Location, OutputError
from ..files import write_all
from ..model import Format

__all__ = [
    "MANIFEST_NAME", "JOURNAL_NAME", "LOCK_NAME", "MANIFEST_VERSION", "Kind", "Status", "DictionaryRef",
    "OutputRecord", "TimelinePoint", "ManifestEntry", "Manifest", "BatchSummary", "sha256_bytes", "sha256_json",
]

MANIFEST_NAME = "captions-manifest.json"
JOURNAL_NAME = "captions-manifest.journal"
LOCK_NAME = "captions-manifest.lock"
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
    size: int | None


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
    redone: str | None
    left_out: list[str]
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
    interrupted: bool
    not_done: int
    notes: list[str]


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


def _optional_int(data: Mapping[str, object], key: str) -> int | None:
    value = data.get(key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise _NotAnEntry(f"{key} = {value!r}")
    return value


def _counts(data: Mapping[str, object], key: str) -> tuple[tuple[str, int], ...]:
    counts = _field(data, key, dict, {})
    if not all(isinstance(k, str) and isinstance(n, int) and not isinstance(n, bool) for k, n in counts.items()):
        raise _NotAnEntry(f"{key} = {counts!r}")
    return tuple(counts.items())


def _strings(data: Mapping[str, object], key: str) -> list[str]:
    items = _field(data, key, list, [])
    if not all(isinstance(item, str) for item in items):
        raise _NotAnEntry(f"{key} = {items!r}")
    return items


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
    """A file a job wrote: its path relative to OUTPUT_DIR, its format, the hash of its bytes and
    their number (None in entries written before sizes were recorded)."""

    path: str
    format: Format
    sha256: str
    size: int | None = None

    def to_dict(self) -> OutputDict:
        return {"path": self.path, "format": self.format.value, "sha256": self.sha256, "size": self.size}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> OutputRecord:
        name = _field(data, "format", str, "")
        try:
            fmt = Format(name)
        except ValueError:
            raise _NotAnEntry(f"format = {name!r}") from None
        return cls(_field(data, "path", str, ""), fmt, _field(data, "sha256", str, ""), _optional_int(data, "size"))

    def problem(self, folder: Path) -> str | None:
        """Why the file in ``folder`` is no longer what was written (missing, truncated, changed),
        or None when it still is (same size, same hash)."""
        path = folder.joinpath(*PurePosixPath(self.path).parts)
        try:
            st = os.lstat(path)
        except OSError:
            return f"output {self.path} is missing"
        if not stat.S_ISREG(st.st_mode):
            return f"output {self.path} is no longer a regular file"
        if self.size is not None and st.st_size != self.size:
            what = "truncated" if st.st_size < self.size else "changed"
            return f"output {self.path} was {what} ({st.st_size:,} bytes; {self.size:,} were written)"
        try:
            with open(path, "rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
        except OSError:
            return f"output {self.path} cannot be read"
        return None if digest == self.sha256 else f"output {self.path} was changed since it was written"


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
        redone: why an input recorded before was processed again (its input, options or a
            dictionary changed, an output is missing or was changed, it failed last time...), or None.
        left_out: what an output could not carry from a caption input (markup or blocks the
            other format has no form for), one sentence each.
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
    redone: str | None = None
    left_out: tuple[str, ...] = ()

    @property
    def flagged(self) -> int:
        """Errors and warnings: the findings that need a person."""
        return self.errors + self.warnings

    def with_status(self, status: Status) -> ManifestEntry:
        return replace(self, status=status)

    def light(self) -> ManifestEntry:
        """The entry without its timeline (the bulk of an entry), as the driver keeps it in memory."""
        return replace(self, timeline=()) if self.timeline else self

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
            "redone": self.redone,
            "left_out": list(self.left_out),
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
            _optional_str(data, "reason"), _timeline(data), _optional_str(data, "redone"),
            tuple(_strings(data, "left_out")),
        )


# --------------------------------------------------------------------------------------------
# The manifest file, its journal and the lock.

_HEADER = f'{{"version":{MANIFEST_VERSION},"files":{{'.encode()
_FOOTER = b"}}"


@dataclass(frozen=True, slots=True)
class _Line:
    """Where the JSON text of an entry is: the manifest file or the journal, at ``offset``."""

    journal: bool
    offset: int
    length: int


def _encode(rel: str, entry: ManifestEntry) -> bytes:
    """One entry as it is stored: ``"rel":{...}`` on one line."""
    text = f"{json.dumps(rel, ensure_ascii=False)}:" \
           f"{json.dumps(entry.to_dict(), ensure_ascii=False, separators=(',', ':'))}"
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a file name that is not UTF-8 (kept by the system as surrogates)
        return (f"{json.dumps(rel)}:{json.dumps(entry.to_dict(), separators=(',', ':'))}").encode("ascii")


def _decode(line: bytes) -> tuple[str, ManifestEntry]:
    """The input and entry of one stored line.

    Raises:
        ValueError: the line is not JSON (:class:`json.JSONDecodeError`) or not an entry (_NotAnEntry).
    """
    data = json.loads(b"{" + line + b"}")
    if not isinstance(data, dict) or len(data) != 1:
        raise _NotAnEntry(line[:40].decode("utf-8", "replace"))
    ((rel, value),) = data.items()
    return rel, ManifestEntry.from_dict(_entry_object(value))


def _entry_object(value: object) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise _NotAnEntry(repr(value))
    return value


def _write_error(path: Path, exc: OSError) -> OutputError:
    return OutputError(f"cannot write the file: {exc.strerror or exc}", Location(str(path)))


def _refuse_special(path: Path) -> None:
    """The manifest's own files must be regular files: a link would lead our writes elsewhere."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _write_error(path, exc) from None
    if not stat.S_ISREG(mode):
        raise OutputError("refusing to use it: it is not a regular file (a link, a folder...); move it away",
                          Location(str(path)))


class _Lock:
    """The advisory lock that keeps one run per OUTPUT_DIR.

    A POSIX record lock (``fcntl.lockf``) on ``captions-manifest.lock``: the system drops it when
    its process ends, however it ends, so the lock of a killed run is free and the next run
    takes it over (the file still names the run that died); worker processes never hold it.
    The file is removed when the run ends; a run that locked a file since removed tries again.
    """

    def __init__(self, fd: int, path: Path, previous: str | None) -> None:
        self.fd, self.path, self.previous = fd, path, previous

    @classmethod
    def acquire(cls, folder: Path) -> _Lock:
        """Take the lock of ``folder``.

        Raises:
            OutputError: another run holds it (the message names it), or the file cannot be written.
        """
        import fcntl  # POSIX only; imported here so that reading a manifest needs no lock support

        path = folder / LOCK_NAME
        _refuse_special(path)
        while True:
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                raise _write_error(path, exc) from None
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                holder = _holder(fd)
                os.close(fd)
                if exc.errno in (errno.EACCES, errno.EAGAIN):
                    raise OutputError(f"OUTPUT_DIR is in use by another captions batch ({holder}); wait for it "
                                      "to finish, or stop it, then run again", Location(str(folder))) from None
                raise OutputError(f"cannot lock OUTPUT_DIR: {exc.strerror or exc}", Location(str(path))) from None
            if _same_file(fd, path):
                break
            os.close(fd)   # the run that held it removed it meanwhile: lock the file that is there now
        previous = _holder(fd) if os.fstat(fd).st_size else None
        started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        record = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": started})
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, record.encode() + b"\n", 0)
            os.fsync(fd)
        except OSError as exc:
            os.close(fd)
            raise _write_error(path, exc) from None
        return cls(fd, path, previous)

    def release(self) -> None:
        """Remove the file, then drop the lock (in that order: see :meth:`acquire`)."""
        try:
            os.unlink(self.path)
        except OSError:
            pass
        os.close(self.fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


def _holder(fd: int) -> str:
    """Who a lock file names, for messages ("pid 12 on host, started ...")."""
    try:
        data = json.loads(os.pread(fd, 4096, 0))
        return f"pid {int(data['pid'])} on {data['host']}, started {data['started']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "a run that did not say who it is"


class Manifest:
    """The manifest of one OUTPUT_DIR.

    :meth:`load` reads it (the manifest and any journal a killed run left); :meth:`open` also
    takes OUTPUT_DIR's lock, folds the journal in, and is the only way to :meth:`record`.
    Use it as a context manager, or call :meth:`close`.

    Attributes:
        path: the manifest file.
        previous_holder: who held the lock before, when that run died without releasing it.
        recovered: entries recovered from the journal of a run that did not finish.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / MANIFEST_NAME
        self.journal_path = self.folder / JOURNAL_NAME
        self.previous_holder: str | None = None
        self.recovered = 0
        self._entries: dict[str, ManifestEntry] = {}      # light entries (no timeline)
        self._where: dict[str, _Line | bytes] = {}       # where each entry's text is (or the text)
        self._lock: _Lock | None = None
        self._journal_fd: int | None = None
        self._journal_size = 0
        self._rewrite = False                            # the file is not in the line layout

    # -- reading

    @classmethod
    def load(cls, output_dir: str | os.PathLike[str]) -> Manifest:
        """The manifest stored in ``output_dir`` (an empty one when there is none yet), with the
        entries of a journal a killed run left.

        Raises:
            ConfigError: when the file exists but is not a manifest this version can read.
        """
        manifest = cls(Path(output_dir))
        manifest._read_main()
        manifest.recovered = manifest._read_journal()
        return manifest

    @property
    def files(self) -> Mapping[str, ManifestEntry]:
        """Input relative path (POSIX) -> its entry, without the timeline (:meth:`timeline` reads it)."""
        return MappingProxyType(self._entries)

    def timeline(self, rel: str) -> tuple[TimelinePoint, ...]:
        """The reading-speed timeline recorded for ``rel`` (read from disk)."""
        return self.full_entry(rel).timeline

    def full_entry(self, rel: str) -> ManifestEntry:
        """The entry of ``rel`` with its timeline (read from disk)."""
        return _decode(self._text(rel))[1]

    def _text(self, rel: str) -> bytes:
        where = self._where[rel]
        if isinstance(where, bytes):
            return where
        path = self.journal_path if where.journal else self.path
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            return os.pread(fd, where.length, where.offset)
        finally:
            os.close(fd)

    def _read_main(self) -> None:
        _refuse_special(self.path)
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise ConfigError(f"cannot read the manifest: {exc.strerror or exc}", Location(str(self.path))) from None
        lines = data.split(b"\n")
        body = lines[1:-2]
        if lines[0] != _HEADER or lines[-2:] != [_FOOTER, b""] or not body:
            self._read_whole(data)
            return
        offset = len(lines[0]) + 1
        for number, line in enumerate(body if body != [b""] else [], start=2):
            text = line[:-1] if line.endswith(b",") else line
            try:
                rel, entry = _decode(text)
            except json.JSONDecodeError:
                raise ConfigError("the manifest is not valid JSON; delete it or run with --force to rebuild it",
                                  Location(str(self.path), number)) from None
            except _NotAnEntry:
                raise self._refused() from None
            self._entries[rel] = entry.light()
            self._where[rel] = _Line(False, offset, len(text))
            offset += len(line) + 1

    def _read_whole(self, data: bytes) -> None:
        """A manifest not in the layout this module writes (edited by hand, say): read as JSON,
        rewritten in the layout by the next run."""
        try:
            parsed = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            line, column = (exc.lineno, exc.colno) if isinstance(exc, json.JSONDecodeError) else (None, None)
            message = exc.msg if isinstance(exc, json.JSONDecodeError) else "not UTF-8"
            raise ConfigError(f"the manifest is not valid JSON ({message}); delete it or run with --force to "
                              "rebuild it", Location(str(self.path), line, column)) from None
        if not isinstance(parsed, dict) or parsed.get("version") != MANIFEST_VERSION \
                or not isinstance(parsed.get("files"), dict):
            raise self._refused()
        try:
            for rel, value in parsed["files"].items():
                entry = ManifestEntry.from_dict(_entry_object(value))
                self._entries[rel] = entry.light()
                self._where[rel] = _encode(rel, entry)
        except _NotAnEntry:
            raise self._refused() from None
        self._rewrite = True

    def _refused(self) -> ConfigError:
        return ConfigError(f"not a version {MANIFEST_VERSION} captions manifest; delete it to rebuild it",
                           Location(str(self.path)))

    def _read_journal(self) -> int:
        """Take the entries of a journal left by a run that did not finish; a line cut short by a
        kill (or unreadable) is ignored: its input is simply done again."""
        _refuse_special(self.journal_path)
        try:
            data = self.journal_path.read_bytes()
        except FileNotFoundError:
            return 0
        except OSError as exc:
            raise ConfigError(f"cannot read the journal: {exc.strerror or exc}",
                              Location(str(self.journal_path))) from None
        offset = taken = 0
        for line in data.split(b"\n")[:-1]:   # the last piece has no line end: cut short, or empty
            try:
                rel, entry = _decode(line)
            except ValueError:
                pass
            else:
                self._entries[rel] = entry.light()
                self._where[rel] = _Line(True, offset, len(line))
                taken += 1
            offset += len(line) + 1
        self._journal_size = len(data)
        return taken

    # -- a run

    @classmethod
    def open(cls, output_dir: str | os.PathLike[str]) -> Manifest:
        """Take OUTPUT_DIR for a run: its lock, then its manifest with the journal folded in.

        Raises:
            OutputError: another run holds OUTPUT_DIR, or its files cannot be written.
            ConfigError: the manifest cannot be read.
        """
        folder = Path(output_dir)
        lock = _Lock.acquire(folder)
        try:
            manifest = cls.load(folder)
            manifest._lock = lock
            manifest.previous_holder = lock.previous
            manifest.compact()
        except BaseException:
            lock.release()
            raise
        return manifest

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if exc is None:
            self.close()
            return
        try:   # the run failed: fold in what is recorded if we can; the next run will otherwise
            self.close(compact=not isinstance(exc, OutputError))
        except CaptionsError:
            self.close(compact=False)

    def close(self, *, compact: bool = True) -> None:
        """Fold the journal into the manifest (unless ``compact`` is False: the next run will) and
        release OUTPUT_DIR."""
        try:
            if compact and self._lock is not None:
                self.compact()
            elif self._journal_fd is not None:
                self.sync()
        finally:
            if self._journal_fd is not None:
                os.close(self._journal_fd)
                self._journal_fd = None
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def staleness(self, rel: str, *, sha256: str, options_sha256: str, dictionaries: Sequence[DictionaryRef],
                  outputs: Sequence[str]) -> str | None:
        """Why the recorded result of ``rel`` does not hold any more, or None when it does (the
        input can be skipped).  Every output is checked on disk: present, same size, same hash.

        >>> Manifest(Path("out")).staleness("a.txt", sha256="s", options_sha256="o", dictionaries=(), outputs=())
        'not done before'
        """
        entry = self._entries.get(rel)
        if entry is None:
            return "not done before"
        if entry.status is Status.FAILED:
            return "it failed last time"
        checks = ((entry.sha256 != sha256, "the input changed"),
                  (entry.options_sha256 != options_sha256, "the options changed"),
                  (entry.dictionaries != tuple(dictionaries), "a dictionary changed"),
                  (tuple(o.path for o in entry.outputs) != tuple(outputs), "the outputs asked for changed"))
        for changed, why in checks:
            if changed:
                return why
        for output in entry.outputs:
            problem = output.problem(self.folder)
            if problem:
                return problem
        return None

    def record(self, rel: str, entry: ManifestEntry, *, sync: bool = True) -> ManifestEntry:
        """Record the entry of ``rel``: one line appended to the journal, flushed to disk unless
        ``sync`` is False (the caller then calls :meth:`sync` from time to time: one flush for
        the lines written meanwhile; :meth:`close` flushes what is left).  Returns the entry as
        kept in memory (without its timeline), for the caller to keep rather than a copy.

        A kill at any moment loses nothing written (the line is in the system's cache at once);
        the flush is for a power loss.

        Raises:
            OutputError: the journal cannot be written (a full disk...): the run must stop.
        """
        if self._lock is None:
            raise RuntimeError("Manifest.record needs a manifest taken with Manifest.open")
        line = _encode(rel, entry)
        offset = self._journal_size
        try:
            fd = self._journal()
            os.lseek(fd, offset, os.SEEK_SET)
            _write_fully(fd, line + b"\n")
        except OSError as exc:
            self._cut_journal(offset)
            raise self._journal_error(exc) from None
        self._journal_size = offset + len(line) + 1
        kept = self._entries[rel] = entry.light()
        self._where[rel] = _Line(True, offset, len(line))
        if sync:
            self.sync()
        return kept

    def sync(self) -> None:
        """Flush the journal to disk.

        Raises:
            OutputError: the system refuses (a failing disk): the run must stop.
        """
        if self._journal_fd is None:
            return
        try:
            os.fsync(self._journal_fd)
        except OSError as exc:
            raise self._journal_error(exc) from None

    def _journal_error(self, exc: OSError) -> OutputError:
        return OutputError(f"cannot record in the journal: {exc.strerror or exc}", Location(str(self.journal_path)))

    def _journal(self) -> int:
        if self._journal_fd is None:
            self._journal_fd = os.open(self.journal_path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
                                       0o644)
        return self._journal_fd

    def _cut_journal(self, size: int) -> None:
        """Remove what a failed append left (a line cut short would hide the next one)."""
        if self._journal_fd is not None:
            try:
                os.ftruncate(self._journal_fd, size)
            except OSError:
                pass

    def compact(self) -> None:
        """Rewrite the manifest with every entry, journal included, atomically; then remove the
        journal.  Nothing is written when there is nothing to fold in."""
        if self._lock is None:
            raise RuntimeError("Manifest.compact needs a manifest taken with Manifest.open")
        if not self._rewrite and not self._journal_size and self.path.exists():
            return
        rels = sorted(self._where)
        moved: dict[str, _Line] = {}
        write_all([(self.path, self._chunks(rels, moved))])
        _sync_folder(self.folder)
        self._where.update(moved)
        self._rewrite = False
        if self._journal_fd is not None:
            os.close(self._journal_fd)
            self._journal_fd = None
        try:
            os.unlink(self.journal_path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise _write_error(self.journal_path, exc) from None
        self._journal_size = 0

    def _chunks(self, rels: Sequence[str], moved: dict[str, _Line]) -> Iterator[bytes]:
        """The manifest's bytes, entry by entry (never the whole file in memory); ``moved`` gets
        where each entry lands in it."""
        files = {False: _open_or_none(self.path), True: _open_or_none(self.journal_path)}
        try:
            yield _HEADER + b"\n"
            offset = len(_HEADER) + 1
            for index, rel in enumerate(rels):
                where = self._where[rel]
                if isinstance(where, bytes):
                    text = where
                else:
                    fd = files[where.journal]
                    assert fd is not None  # an entry on disk has its file
                    text = os.pread(fd, where.length, where.offset)
                moved[rel] = _Line(False, offset, len(text))
                end = b",\n" if index < len(rels) - 1 else b"\n"
                yield text + end
                offset += len(text) + len(end)
            yield (b"" if rels else b"\n") + _FOOTER + b"\n"
        finally:
            for fd in files.values():
                if fd is not None:
                    os.close(fd)


def _open_or_none(path: Path) -> int | None:
    try:
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    except FileNotFoundError:
        return None


def _write_fully(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _sync_folder(folder: Path) -> None:
    """Make the renames in ``folder`` durable before the journal they replace is removed."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --------------------------------------------------------------------------------------------
# A run's summary.


@dataclass
class BatchSummary:
    """The run, once finished: one manifest entry per input of this run, in input order (without
    timelines: :meth:`Manifest.timeline` reads them).

    Attributes:
        interrupted: the run was stopped (Ctrl-C, SIGTERM) before every input was done.
        not_done: inputs this run did not finish (interrupted, or cancelled in flight); the next
            run does them.
        notes: what the user should know about the run itself (a lock taken over from a run that
            died, entries recovered from its journal).
    """

    input_dir: Path
    output_dir: Path
    entries: dict[str, ManifestEntry] = field(default_factory=dict)
    elapsed_s: float = 0.0
    interrupted: bool = False
    not_done: int = 0
    notes: tuple[str, ...] = ()

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
            "interrupted": self.interrupted,
            "not_done": self.not_done,
            "notes": list(self.notes),
        }
