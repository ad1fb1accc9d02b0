"""``captions batch``: convert and check a whole folder, in parallel, resumably.

The work is split in two so that it can run anywhere:

* :func:`process_file` is the per-file job, a pure function of a :class:`FileJob` (the input's
  bytes, its relative path, the resolved :class:`FileSettings` and the dictionaries they name)
  returning a picklable :class:`FileResult` (the rendered outputs as text, counts, findings, a
  reading-speed timeline).  It never raises and never touches the file system except to read
  the dictionaries it is given; one bad file never stops the others.
* :func:`run_batch` is the driver: it finds the inputs (:func:`discover`), resolves the options
  of each one from the command line and the ``captions.toml`` files above it
  (:func:`resolve_settings`), plans the outputs and refuses collisions (:func:`plan_outputs`),
  skips inputs the manifest says are done, runs the jobs in a process pool, and is the only
  writer: outputs and the manifest are written atomically, one file at a time, as results
  arrive.  Killing it loses at most the files in flight.

Safety rules the driver keeps whatever the file names contain: it never writes inside
INPUT_DIR, never writes outside OUTPUT_DIR, and never follows a symbolic link out of INPUT_DIR.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import os
import re
import signal
import stat
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from . import __version__
from .corrections import apply_to_transcript, load_dictionaries
from .dictionary import discover_dictionaries
from .errors import CaptionsError, ConfigError, Location
from .files import decode, write_text_atomic
from .formats import Format, render_captions
from .manifest import MANIFEST_NAME, Manifest, sha256_bytes, sha256_json
from .model import Cue, Note, NoteCode
from .pipeline import convert_cues, convert_transcript
from .presets import DEFAULT_PRESET, Preset, chars_per_second, get_preset
from .transcript import parse_transcript
from .validate import check_cues, check_text

__all__ = [
    "CONFIG_NAME", "Kind", "Status", "Layer", "DictionaryRef", "FileSettings", "FileJob", "FileResult",
    "Found", "Planned", "BatchRequest", "BatchSummary", "Progress",
    "discover", "read_folder_config", "resolve_settings", "plan_outputs", "process_file", "run_batch",
    "parse_formats", "timeline_points", "dask_executor",
]

CONFIG_NAME = "captions.toml"
TIMELINE_POINTS = 240  # the reading-speed timeline keeps the fastest cue of each of this many slices


class Kind(str, enum.Enum):
    """What an input file is, from its suffix."""

    TRANSCRIPT = "transcript"   # .txt: converted, and the result validated
    CAPTIONS = "captions"       # .srt / .vtt: validated, and converted when ``to`` asks


class Status(str, enum.Enum):
    """How one input ended in a run."""

    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"   # unchanged since the manifest's entry: nothing redone


_SUFFIXES = {".txt": Kind.TRANSCRIPT, ".srt": Kind.CAPTIONS, ".vtt": Kind.CAPTIONS}


def parse_formats(text: str | Iterable[str], source: str = "--to") -> tuple[Format, ...]:
    """``"srt,vtt"`` (or a list of names) -> formats, in order, without repeats.

    Raises:
        ConfigError: for a name that is not a caption format.

    >>> parse_formats("vtt, srt,vtt")
    (<Format.VTT: 'vtt'>, <Format.SRT: 'srt'>)
    """
    names = text.split(",") if isinstance(text, str) else list(text)
    formats: list[Format] = []
    for name in names:
        name = str(name).strip().lower().lstrip(".")
        if not name:
            continue
        try:
            fmt = Format(name)
        except ValueError:
            raise ConfigError(f"unknown output format {name!r} in {source}; expected srt, vtt or both "
                              "(srt,vtt)") from None
        if fmt not in formats:
            formats.append(fmt)
    return tuple(formats)


# --------------------------------------------------------------------------------------------
# Options: the command line and the captions.toml files, as layers.


@dataclass(frozen=True, slots=True)
class Layer:
    """Options from one place (a ``captions.toml`` or the command line); None means "not set here".

    Attributes:
        source: where they come from (a path, or ``command line``), for messages.
        preset: a preset name.
        options: preset number overrides (``max_chars``, ``max_cps``...), as sorted pairs.
        formats: the output formats (``to``).
        dictionaries: dictionary files, absolute; they add up from layer to layer.
        lang: the language given to the caption builder.
        typography: French typography on or off.
    """

    source: str
    preset: str | None = None
    options: tuple[tuple[str, object], ...] = ()
    formats: tuple[Format, ...] | None = None
    dictionaries: tuple[Path, ...] = ()
    lang: str | None = None
    typography: bool | None = None


_CONFIG_KEYS = {"preset", "to", "dictionaries", "lang", "typography", "options"}
_OPTION_KEYS = {"max_chars": int, "max_lines": int, "max_cps": float, "min_duration_ms": int,
                "max_duration_ms": int, "min_gap_ms": int, "fps": float}


def read_folder_config(path: str | os.PathLike) -> Layer:
    """Read one ``captions.toml``.

    ``dictionaries`` are relative to the file's folder.  Example::

        preset = "netflix"          # any name of captions.presets.PRESETS
        to = ["srt", "vtt"]         # output formats
        dictionaries = ["show.toml"]
        lang = "fr"
        typography = true
        [options]                   # the numbers --max-chars, --max-cps... override
        max_chars = 37

    Raises:
        ConfigError: unreadable TOML, an unknown key or a value of the wrong type (file:line
            where TOML gives it).
    """
    path = Path(path)
    source = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the folder options: {exc.strerror or exc}", Location(source)) from None
    except UnicodeDecodeError:
        raise ConfigError("the folder options are not UTF-8 text", Location(source)) from None
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"not valid TOML: {exc}", Location(source, int(line.group(1)) if line else None)) from None
    unknown = set(data) - _CONFIG_KEYS
    if unknown:
        raise ConfigError(f"unknown key(s) {', '.join(sorted(unknown))}; expected some of "
                          f"{', '.join(sorted(_CONFIG_KEYS))}", Location(source))

    def expect(key: str, kinds: type | tuple[type, ...], what: str):
        value = data.get(key)
        if value is not None and not isinstance(value, kinds):
            raise ConfigError(f"{key} = {value!r}: expected {what}", Location(source))
        return value

    preset = expect("preset", str, "a preset name")
    if preset is not None:
        try:
            get_preset(preset)  # unknown names fail here, naming the file
        except ConfigError as exc:
            raise ConfigError(exc.message, Location(source)) from None
    to = expect("to", (str, list), 'a list such as ["srt", "vtt"]')
    dictionaries = expect("dictionaries", list, 'a list of file names such as ["show.toml"]') or []
    if not all(isinstance(d, str) for d in dictionaries):
        raise ConfigError("dictionaries: expected file names (strings)", Location(source))
    options = expect("options", dict, "a table of preset numbers") or {}
    for key, value in options.items():
        kind = _OPTION_KEYS.get(key)
        if kind is None:
            raise ConfigError(f"unknown option {key!r}; expected some of {', '.join(_OPTION_KEYS)}",
                              Location(source))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or kind is int and not isinstance(value, int):
            raise ConfigError(f"options.{key} = {value!r}: expected {'an integer' if kind is int else 'a number'}",
                              Location(source))
    lang = expect("lang", str, '"fr" or "en"')
    if lang not in (None, "fr", "en"):
        raise ConfigError(f'lang = {lang!r}: expected "fr" or "en"', Location(source))
    try:
        formats = None if to is None else parse_formats(to, source=source)
    except ConfigError as exc:
        raise ConfigError(exc.message, Location(source)) from None
    return Layer(
        source=source,
        preset=preset,
        options=tuple(sorted(options.items())),
        formats=formats,
        dictionaries=tuple((path.parent / d).resolve() for d in dictionaries),
        lang=lang,
        typography=expect("typography", bool, "true or false"),
    )


@dataclass(frozen=True, slots=True)
class DictionaryRef:
    """A correction dictionary a job uses: its path and the hash of its bytes."""

    path: str
    sha256: str

    def to_dict(self) -> dict:
        return {"path": self.path, "sha256": self.sha256}


@dataclass(frozen=True, slots=True)
class FileSettings:
    """Everything, besides its bytes, that one input's result depends on."""

    preset: Preset
    formats: tuple[Format, ...]
    dictionaries: tuple[DictionaryRef, ...] = ()
    lang: str | None = None
    typography: bool = True

    def options_dict(self) -> dict:
        """The options as JSON (what the manifest's ``options_sha256`` hashes); the toolkit's
        version is part of it, so that an upgrade redoes the work."""
        return {
            "version": __version__,
            "preset": self.preset.to_dict(),
            "formats": [f.value for f in self.formats],
            "lang": self.lang,
            "typography": self.typography,
        }


def _dictionary_hash(path: Path) -> str:
    try:
        return sha256_bytes(path.read_bytes())
    except OSError as exc:
        raise ConfigError(f"cannot read the dictionary: {exc.strerror or exc}", Location(str(path))) from None


def resolve_settings(layers: Sequence[Layer], kind: Kind, *, adjacent: Sequence[Path] = (),
                     dictionary_hash: Callable[[Path], str] = _dictionary_hash) -> FileSettings:
    """Merge option layers, farthest first (defaults, then the ``captions.toml`` of INPUT_DIR,
    then of each folder down to the file's, then the command line).

    A later layer replaces the preset name, ``to``, ``lang`` and ``typography`` it sets and each
    number in ``options``.  Dictionaries add up, most specific first (the order
    :func:`captions.corrections.load_dictionaries` gives priority in): the command line's
    ``--dict``, then ``adjacent`` (the ``NAME.dict.toml`` / ``captions.dict.*`` files next to the
    input, see :func:`captions.dictionary.discover_dictionaries`), then the nearest
    ``captions.toml``'s, then its parents'.  Without any ``to``, transcripts give SRT and
    WebVTT and caption files are only validated.

    >>> s = resolve_settings([Layer("a", preset="netflix", options=(("max_chars", 37),)),
    ...                       Layer("b", options=(("max_cps", 15.0),))], Kind.TRANSCRIPT)
    >>> s.preset.name, s.preset.max_chars, s.preset.max_cps, [f.value for f in s.formats]
    ('netflix', 37, 15.0, ['srt', 'vtt'])
    """
    preset_name, options, formats, lang, typography = DEFAULT_PRESET, {}, None, None, True
    for layer in layers:
        preset_name = layer.preset or preset_name
        options.update(layer.options)
        formats = layer.formats if layer.formats is not None else formats
        lang = layer.lang if layer.lang is not None else lang
        typography = layer.typography if layer.typography is not None else typography
    ordered = [*layers[-1:]] + [Layer("adjacent", dictionaries=tuple(adjacent))] + [*reversed(layers[:-1])]
    dictionaries: list[Path] = []
    for layer in ordered if kind is Kind.TRANSCRIPT else ():  # caption files are not corrected
        dictionaries.extend(d for d in layer.dictionaries if d not in dictionaries)
    if formats is None:
        formats = (Format.SRT, Format.VTT) if kind is Kind.TRANSCRIPT else ()
    preset = get_preset(preset_name).with_overrides(**options)
    refs = tuple(DictionaryRef(str(d), dictionary_hash(d)) for d in dictionaries)
    return FileSettings(preset, formats, refs, lang, typography)


# --------------------------------------------------------------------------------------------
# Discovery and planning.


@dataclass(frozen=True, slots=True)
class Found:
    """An input file found under INPUT_DIR.

    Attributes:
        rel: its path relative to INPUT_DIR, POSIX style (the manifest key).
        path: where to read it (a symbolic link inside INPUT_DIR is resolved).
        kind: transcript or caption file.
        problem: why it cannot be processed (a link out of INPUT_DIR, not a regular file...).
    """

    rel: str
    path: Path
    kind: Kind
    problem: str | None = None


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def discover(input_dir: str | os.PathLike) -> list[Found]:
    """Every ``.txt``, ``.srt`` and ``.vtt`` below ``input_dir`` (suffix case ignored), sorted.

    Symbolic links to directories are not descended (no loops, no escape); a link to a file
    is read when its target is inside ``input_dir`` and reported as a problem otherwise, as is
    a broken link or anything that is not a regular file (a FIFO, a socket...).
    """
    root = Path(input_dir).resolve()
    found: list[Found] = []
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        base = Path(folder)
        for name in sorted(filenames + [d for d in dirnames if (base / d).is_symlink()]):
            kind = _SUFFIXES.get(Path(name).suffix.lower())
            if kind is None:
                continue
            path = base / name
            rel = path.relative_to(root).as_posix()
            found.append(_found(rel, path, root, kind))
    return found


def _found(rel: str, path: Path, root: Path, kind: Kind) -> Found:
    target = path
    if path.is_symlink():
        target = Path(os.path.realpath(path))
        if not _inside(target, root):
            return Found(rel, path, kind, f"symbolic link to {target} outside INPUT_DIR: not followed")
        if not target.exists():
            return Found(rel, path, kind, f"broken symbolic link (its target {target} does not exist)")
    try:
        mode = target.stat().st_mode
    except OSError as exc:
        return Found(rel, path, kind, f"cannot read the file: {exc.strerror or exc}")
    if not stat.S_ISREG(mode):
        what = "a directory" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "not a regular file"
        return Found(rel, path, kind, f"cannot read the file: it is {what}, expected a regular text file")
    return Found(rel, target, kind)


@dataclass(frozen=True, slots=True)
class Planned:
    """An input with its settings and outputs (relative to OUTPUT_DIR), or why it cannot run."""

    found: Found
    settings: FileSettings | None
    outputs: tuple[str, ...] = ()
    problem: str | None = None


def output_rel(rel: str, fmt: Format) -> str:
    """The output of input ``rel`` in ``fmt``: same relative path, suffix replaced.

    >>> output_rel("2026/mars/show.txt", Format.VTT)
    '2026/mars/show.vtt'
    """
    return PurePosixPath(rel).with_suffix("." + Format(fmt).value).as_posix()


def plan_outputs(found: Sequence[Found], settings_for: Callable[[Found], FileSettings]) -> list[Planned]:
    """Settings and outputs of each input; two inputs that would write one output are both refused
    (nothing is written for either), so that nothing is ever silently overwritten."""
    planned: list[Planned] = []
    owners: dict[str, list[str]] = {}
    for item in found:
        if item.problem:
            planned.append(Planned(item, None, problem=item.problem))
            continue
        try:
            settings = settings_for(item)
        except CaptionsError as exc:
            planned.append(Planned(item, None, problem=str(exc)))
            continue
        outputs = tuple(output_rel(item.rel, fmt) for fmt in settings.formats)
        for out in outputs:
            owners.setdefault(out, []).append(item.rel)
        planned.append(Planned(item, settings, outputs))
    result = []
    for plan in planned:
        clashes = sorted({other for out in plan.outputs for other in owners[out] if other != plan.found.rel})
        if clashes:
            shared = [out for out in plan.outputs if len(owners[out]) > 1]
            plan = replace(plan, problem=f"output collision: {', '.join(shared)} would also be written for "
                                         f"{', '.join(clashes)}; rename one of them (nothing written for either)")
        result.append(plan)
    return result


# --------------------------------------------------------------------------------------------
# The per-file job.


@dataclass(frozen=True, slots=True)
class FileJob:
    """One input to process: everything :func:`process_file` needs, and picklable."""

    rel: str
    data: bytes
    kind: Kind
    settings: FileSettings


@dataclass(frozen=True, slots=True)
class FileResult:
    """What one input gave.

    Attributes:
        outputs: (format, rendered text) pairs; the driver writes them.
        findings: (code, severity, count) for each validation finding code.
        notes: (code, count) for each reader note code.
        timeline: (start_ms, end_ms, cps, limit_cps or None) of the fastest cue of each slice of
            the show (at most ``TIMELINE_POINTS`` points).
        media_ms: the end of the last cue.
        elapsed_ms: processing time.
        reason: why it failed (``file:line: message``), or None.
    """

    rel: str
    kind: Kind
    status: Status
    outputs: tuple[tuple[Format, str], ...] = ()
    cues: int = 0
    findings: tuple[tuple[str, str, int], ...] = ()
    notes: tuple[tuple[str, int], ...] = ()
    corrections: int = 0
    timeline: tuple[tuple[int, int, float, float | None], ...] = ()
    media_ms: int = 0
    elapsed_ms: int = 0
    reason: str | None = None

    def count(self, severity: str) -> int:
        return sum(n for _, sev, n in self.findings if sev == severity)


def timeline_points(cues: Sequence[Cue], preset: Preset,
                    points: int = TIMELINE_POINTS) -> tuple[tuple[int, int, float, float | None], ...]:
    """The reading speed of ``cues`` against the preset's limit, as at most ``points`` points:
    the cue shown is the fastest of its slice of the show, so a peak is never smoothed away.

    >>> timeline_points([Cue(0, 1000, ("Bonjour à tous",))], get_preset("netflix"))
    ((0, 1000, 14.0, 17.0),)
    """
    if not cues:
        return ()
    end = max(c.end_ms for c in cues) or 1
    slices: dict[int, tuple[int, int, float, float | None]] = {}
    for cue in cues:
        duration = cue.end_ms - cue.start_ms
        cps = round(min(chars_per_second(cue.text, duration), 999.0), 1)
        allowed = preset.max_chars_for(duration)
        limit = None if allowed is None or duration <= 0 else round(allowed * 1000 / duration, 1)
        key = min(points - 1, cue.start_ms * points // end)
        if key not in slices or cps > slices[key][2]:
            slices[key] = (cue.start_ms, cue.end_ms, cps, limit)
    return tuple(slices[k] for k in sorted(slices))


@functools.lru_cache(maxsize=8)
def _dictionary(refs: tuple[DictionaryRef, ...]):
    """The compiled dictionary of ``refs``, once per worker process (jobs share it).

    The files must still have the hashes the driver recorded, so that a result is a function of
    the recorded hashes even on a worker of another machine reading shared storage.
    """
    for ref in refs:
        if _dictionary_hash(Path(ref.path)) != ref.sha256:
            raise ConfigError("the dictionary changed while the batch was running (its hash differs from the "
                              "one recorded); rerun", Location(ref.path))
    return load_dictionaries([ref.path for ref in refs])


def process_file(job: FileJob) -> FileResult:
    """Process one input; never raises (a failure is a result with a ``reason``)."""
    start = time.perf_counter()
    try:
        if job.kind is Kind.TRANSCRIPT:
            result = _convert_transcript(job)
        else:
            result = _check_captions(job)
    except CaptionsError as exc:
        result = FileResult(job.rel, job.kind, Status.FAILED, reason=str(exc))
    except Exception as exc:  # a bug must cost one file, not the run; the reason says it is one
        result = FileResult(job.rel, job.kind, Status.FAILED,
                            reason=f"{job.rel}: internal error {type(exc).__name__}: {exc}")
    return replace(result, elapsed_ms=round((time.perf_counter() - start) * 1000))


def _convert_transcript(job: FileJob) -> FileResult:
    decoded = decode(job.data, job.rel)
    transcript = parse_transcript(decoded.text, job.rel, encoding=decoded.encoding)
    if decoded.fallback:  # as read_transcript does for a file
        note = Note(NoteCode.ENCODING_FALLBACK, 1,
                    "the bytes are not UTF-8 or UTF-16: read as Windows-1252; check accented letters")
        transcript = replace(transcript, notes=(note,) + transcript.notes, pieces=transcript.pieces)
    settings = job.settings
    corrector = None
    if settings.dictionaries:
        dictionary = _dictionary(settings.dictionaries)
        corrector = lambda t: apply_to_transcript(t, dictionary)  # noqa: E731 (never pickled)
    converted = convert_transcript(transcript, settings.preset, lang=settings.lang,
                                   typography=settings.typography, corrector=corrector)
    cues = tuple(converted.cues)
    notes = _count(n.code.value for n in converted.report.notes)
    findings = check_cues(cues, settings.preset, lang=converted.lang)
    return _finish(job, cues, _summarise(findings), notes, len(converted.report.changes),
                   converted.header_notes)


def _check_captions(job: FileJob) -> FileResult:
    settings = job.settings
    checked = check_text(job.data, job.rel, settings.preset, lang=settings.lang)
    cues = tuple(checked.cues)
    if settings.formats:  # times and words kept: the findings and the timeline stay the input's
        cues = tuple(convert_cues(cues, settings.preset, source=job.rel, lang=settings.lang,
                                  typography=settings.typography).cues)
    return _finish(job, cues, _summarise(checked.findings), (), 0, tuple(checked.notes))


def _summarise(findings: Iterable) -> tuple[tuple[str, str, int], ...]:
    counts = Counter((f.code.value, f.severity.value) for f in findings)
    return tuple((code, sev, n) for (code, sev), n in sorted(counts.items()))


def _count(codes: Iterable[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(Counter(codes).items()))


def _finish(job: FileJob, cues: tuple[Cue, ...], findings, notes, corrections: int,
            header: tuple[str, ...]) -> FileResult:
    outputs = tuple((fmt, render_captions(cues, fmt, header_notes=header)) for fmt in job.settings.formats)
    return FileResult(job.rel, job.kind, Status.OK, outputs, len(cues), findings, notes, corrections,
                      timeline_points(cues, job.settings.preset), max((c.end_ms for c in cues), default=0))


# --------------------------------------------------------------------------------------------
# The driver.


@dataclass(frozen=True, slots=True)
class BatchRequest:
    """One ``captions batch`` run.

    Attributes:
        cli: the options given on the command line (they win over every ``captions.toml``).
        jobs: worker processes (1 runs in this process).
        force: redo every input, even those the manifest says are done.
    """

    input_dir: Path
    output_dir: Path
    cli: Layer = Layer("command line")
    jobs: int = 1
    force: bool = False


@dataclass(frozen=True, slots=True)
class Progress:
    """Counts so far, passed with each result."""

    total: int
    done: int
    ok: int
    failed: int
    skipped: int
    elapsed_s: float


@dataclass
class BatchSummary:
    """The run, once finished: one manifest entry per input of this run, in input order."""

    input_dir: Path
    output_dir: Path
    entries: dict[str, dict] = field(default_factory=dict)
    elapsed_s: float = 0.0

    def count(self, status: Status) -> int:
        return sum(1 for e in self.entries.values() if e["status"] == status.value)

    def findings_total(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for entry in self.entries.values():
            for code, n in entry.get("findings", {}).items():
                totals[code] = totals.get(code, 0) + n
        return dict(sorted(totals.items()))

    def severity_total(self, severity: str) -> int:
        return sum(e.get(severity + "s", 0) for e in self.entries.values())

    def to_dict(self) -> dict:
        return {
            "type": "summary",
            "input_dir": str(self.input_dir),
            "output_dir": str(self.output_dir),
            "files": len(self.entries),
            "ok": self.count(Status.OK),
            "skipped": self.count(Status.SKIPPED),
            "failed": self.count(Status.FAILED),
            "errors": self.severity_total("error"),
            "warnings": self.severity_total("warning"),
            "findings": self.findings_total(),
            "elapsed_ms": round(self.elapsed_s * 1000),
        }


def check_dirs(input_dir: Path, output_dir: Path) -> tuple[Path, Path]:
    """Resolve both folders and refuse a layout where outputs could land inside INPUT_DIR.

    Raises:
        ConfigError: INPUT_DIR is not a folder, or OUTPUT_DIR is INPUT_DIR or inside it.
    """
    src = Path(input_dir).resolve()
    if not src.is_dir():
        raise ConfigError(f"INPUT_DIR {input_dir} is not a folder; expected a folder of transcripts and "
                          "caption files")
    dst = Path(output_dir).resolve()
    if _inside(dst, src):
        raise ConfigError(f"OUTPUT_DIR {output_dir} is inside INPUT_DIR {input_dir}; batch never writes inside "
                          "its input: choose a folder outside it")
    return src, dst


def safe_output_path(src: Path, dst: Path, rel: str) -> Path:
    """The absolute path of output ``rel``, its folders created, checked to be inside ``dst`` and
    outside ``src`` once every link on the way is resolved.

    Raises:
        ConfigError: when the path would leave OUTPUT_DIR or enter INPUT_DIR.
    """
    parts = PurePosixPath(rel).parts
    if not parts or PurePosixPath(rel).is_absolute() or any(p in ("", ".", "..") for p in parts):
        raise ConfigError(f"refusing output path {rel!r}: it would leave OUTPUT_DIR")
    target = dst.joinpath(*parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(os.path.realpath(target.parent))
    if not _inside(folder, dst) or _inside(folder, src):
        raise ConfigError(f"refusing to write {rel}: its folder resolves to {folder}, outside OUTPUT_DIR or "
                          "inside INPUT_DIR")
    if target.is_symlink() or target.exists() and not target.is_file():
        raise ConfigError(f"refusing to write {rel}: {target} exists and is not a regular file")
    return target


_TMP = re.compile(r"^\..+\.[A-Za-z0-9_]+\.tmp$")


def _remove_stale_temporaries(src: Path, dst: Path, outputs: Iterable[str]) -> None:
    """Remove what an interrupted atomic write left: ``.NAME.XXXX.tmp`` next to an output NAME
    (only in folders that really are inside OUTPUT_DIR and outside INPUT_DIR)."""
    folders: dict[Path, set[str]] = {}
    for rel in outputs:
        path = dst / rel
        folders.setdefault(path.parent, set()).add(path.name)
    folders.setdefault(dst, set()).add(MANIFEST_NAME)
    for folder, names in folders.items():
        real = Path(os.path.realpath(folder))
        if not _inside(real, dst) or _inside(real, src):
            continue
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if _TMP.match(entry.name) and any(entry.name.startswith(f".{n}.") for n in names) \
                    and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)


def _layers_for(rel: str, src: Path, cli: Layer, cache: dict[str, Layer | None]) -> list[Layer]:
    layers: list[Layer] = []
    folder = PurePosixPath(rel).parent
    chain = [folder, *folder.parents] if str(folder) != "." else [folder]
    for part in reversed(chain):
        key = part.as_posix()
        if key not in cache:
            path = src / key / CONFIG_NAME if key != "." else src / CONFIG_NAME
            if path.is_file() and not _inside(Path(os.path.realpath(path)), src):
                raise ConfigError("a symbolic link out of INPUT_DIR: not followed", Location(str(path)))
            cache[key] = read_folder_config(path) if path.is_file() else None
        if cache[key] is not None:
            layers.append(cache[key])
    layers.append(cli)
    return layers


def _read_input(found: Found, src: Path) -> bytes:
    """The bytes of an input, refusing anything that is not a regular file inside INPUT_DIR now."""
    try:
        fd = os.open(found.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ConfigError(f"cannot read the file: {exc.strerror or exc}", Location(found.rel)) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise ConfigError("cannot read the file: it is not a regular file", Location(found.rel))
        return handle.read()


def _entry(result: FileResult, *, sha256: str | None, settings: FileSettings | None,
           outputs: Sequence[dict]) -> dict:
    return {
        "status": result.status.value,
        "kind": result.kind.value,
        "sha256": sha256,
        "options_sha256": sha256_json(settings.options_dict()) if settings else None,
        "dictionaries": [d.to_dict() for d in settings.dictionaries] if settings else [],
        "preset": settings.preset.name if settings else None,
        "outputs": list(outputs),
        "cues": result.cues,
        "findings": {code: n for code, _, n in result.findings},
        "errors": result.count("error"),
        "warnings": result.count("warning"),
        "infos": result.count("info"),
        "notes": dict(result.notes),
        "corrections": result.corrections,
        "media_ms": result.media_ms,
        "elapsed_ms": result.elapsed_ms,
        "reason": result.reason,
        "timeline": [list(p) for p in result.timeline],
    }


def _captions_version() -> str:
    return __version__


@contextlib.contextmanager
def dask_executor(address: str, *, timeout_s: float = 30) -> Iterator[tuple[Executor, int]]:
    """A :class:`concurrent.futures.Executor` on the Dask cluster at ``address`` and its number
    of worker threads (the ``captions[dask]`` extra; see docs/scaling.md).

    Raises:
        ConfigError: Dask's ``distributed`` is not installed, the scheduler cannot be reached, or
            a worker runs another version of captions (its results would not match the manifest).
    """
    try:
        from distributed import Client
    except ImportError:
        raise ConfigError("--executor dask needs Dask's distributed package: pip install 'captions[dask]'") from None
    try:
        client = Client(address, timeout=timeout_s)
    except (OSError, TimeoutError) as exc:
        raise ConfigError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    with client:
        versions = client.run(_captions_version)
        other = {worker: v for worker, v in versions.items() if v != __version__}
        if other:
            raise ConfigError(f"Dask workers run another captions version than this one ({__version__}): "
                              + ", ".join(f"{w}: {v}" for w, v in sorted(other.items())))
        threads = sum(client.nthreads().values())
        if not threads:
            raise ConfigError(f"the Dask scheduler at {address} has no worker")
        yield client.get_executor(pure=False), threads


def _ignore_sigint() -> None:
    # Ctrl-C goes to the whole process group: the driver decides what stops, workers just finish.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_jobs(jobs: Iterable[FileJob], workers: int, executor: Executor | None = None) -> Iterator[FileResult]:
    """Results of ``jobs`` as they finish, with at most ``2 * workers`` jobs in flight (memory is
    bounded by the files in flight, not by the folder).

    ``executor``: any :class:`concurrent.futures.Executor` (a Dask ``client.get_executor()``, a
    thread pool...) used instead of a local process pool; it is not shut down here.
    """
    if workers <= 1 and executor is None:
        for job in jobs:
            yield process_file(job)
        return
    own = executor is None
    pool = executor or ProcessPoolExecutor(workers, initializer=_ignore_sigint)
    pending: dict[Future, FileJob] = {}
    try:
        iterator = iter(jobs)
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < 2 * workers:
                job = next(iterator, None)
                if job is None:
                    exhausted = True
                    break
                try:
                    pending[pool.submit(process_file, job)] = job
                except BrokenProcessPool:
                    if not own:
                        raise
                    pool = ProcessPoolExecutor(workers, initializer=_ignore_sigint)
                    pending[pool.submit(process_file, job)] = job
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                job = pending.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool as exc:  # a worker died (killed, out of memory): say so
                    yield FileResult(job.rel, job.kind, Status.FAILED,
                                     reason=f"{job.rel}: the worker process died ({exc}); rerun to retry")
    except BaseException:
        if own:
            pool.shutdown(wait=False, cancel_futures=True)
        else:
            for future in pending:
                future.cancel()
        raise
    if own:
        pool.shutdown(wait=True)


def run_batch(request: BatchRequest, *, on_result: Callable[[str, dict, Progress], None] | None = None,
              executor: Executor | None = None) -> BatchSummary:
    """Run a batch; ``on_result(rel, manifest_entry, progress)`` is called as each input ends.

    The jobs run in a local process pool of ``request.jobs`` workers, or on ``executor`` (any
    :class:`concurrent.futures.Executor`, such as a Dask client's ``get_executor()``; see
    docs/scaling.md), with ``2 * request.jobs`` files in flight.  This process stays the only
    writer of outputs and of the manifest.

    Raises:
        ConfigError: a bad folder layout, an unreadable manifest, or a bad dictionary given on
            the command line (before any input is touched).
    """
    started = time.perf_counter()
    src, dst = check_dirs(request.input_dir, request.output_dir)
    cli_dicts = [(d, _dictionary_hash(d)) for d in request.cli.dictionaries]
    if cli_dicts:
        _dictionary(tuple(DictionaryRef(str(d), h) for d, h in cli_dicts))  # refuse a bad one now
    dst.mkdir(parents=True, exist_ok=True)
    manifest = Manifest.load(dst)

    cache: dict[str, Layer | None] = {}
    hashes: dict[Path, str] = dict(cli_dicts)

    def dictionary_hash(path: Path) -> str:
        if path not in hashes:
            hashes[path] = _dictionary_hash(path)
        return hashes[path]

    def settings_for(found: Found) -> FileSettings:
        adjacent = discover_dictionaries(src / found.rel) if found.kind is Kind.TRANSCRIPT else ()
        settings = resolve_settings(_layers_for(found.rel, src, request.cli, cache), found.kind,
                                    adjacent=[p.resolve() for p in adjacent], dictionary_hash=dictionary_hash)
        if settings.dictionaries:
            _dictionary(settings.dictionaries)  # a bad folder dictionary fails its files, before any text
        return settings

    plans = plan_outputs(discover(src), settings_for)
    _remove_stale_temporaries(src, dst, (out for p in plans for out in p.outputs))
    summary = BatchSummary(src, dst)
    counts = {status: 0 for status in Status}
    hashes_of: dict[str, str | None] = {}

    def finish(rel: str, entry: dict, status: Status) -> None:
        summary.entries[rel] = entry
        counts[status] += 1
        if on_result is not None:
            on_result(rel, entry, Progress(len(plans), sum(counts.values()), counts[Status.OK],
                                           counts[Status.FAILED], counts[Status.SKIPPED],
                                           time.perf_counter() - started))

    def fail(plan: Planned, reason: str, sha: str | None = None) -> None:
        result = FileResult(plan.found.rel, plan.found.kind, Status.FAILED, reason=reason)
        entry = _entry(result, sha256=sha, settings=plan.settings, outputs=())
        manifest.record(plan.found.rel, entry)
        finish(plan.found.rel, entry, Status.FAILED)

    by_rel = {p.found.rel: p for p in plans}
    planned_outputs = {out for p in plans for out in p.outputs}

    def jobs() -> Iterator[FileJob]:
        for plan in plans:
            rel = plan.found.rel
            if plan.problem:
                fail(plan, plan.problem if plan.problem.startswith(rel) else f"{rel}: {plan.problem}")
                continue
            try:
                data = _read_input(plan.found, src)
            except CaptionsError as exc:
                fail(plan, str(exc))
                continue
            sha = sha256_bytes(data)
            hashes_of[rel] = sha
            settings = plan.settings
            if not request.force and manifest.is_current(
                    rel, sha256=sha, options_sha256=sha256_json(settings.options_dict()),
                    dictionaries=[d.to_dict() for d in settings.dictionaries], output_dir=dst):
                entry = dict(manifest.files[rel])
                finish(rel, {**entry, "status": Status.SKIPPED.value}, Status.SKIPPED)
                continue
            yield FileJob(rel, data, plan.found.kind, settings)

    for result in _run_jobs(jobs(), request.jobs, executor):
        plan = by_rel[result.rel]
        sha = hashes_of.get(result.rel)
        if result.status is Status.FAILED:
            fail(plan, result.reason or "failed", sha)
            continue
        try:
            outputs = _write_outputs(src, dst, plan, result, manifest.files.get(result.rel), planned_outputs)
        except (CaptionsError, OSError) as exc:
            fail(plan, f"{result.rel}: cannot write the output: {exc}", sha)
            continue
        entry = _entry(result, sha256=sha, settings=plan.settings, outputs=outputs)
        manifest.record(result.rel, entry)
        finish(result.rel, entry, Status.OK)
    summary.entries = {p.found.rel: summary.entries[p.found.rel] for p in plans if p.found.rel in summary.entries}
    summary.elapsed_s = time.perf_counter() - started
    return summary


def _write_outputs(src: Path, dst: Path, plan: Planned, result: FileResult, previous: dict | None,
                   planned: set[str]) -> list[dict]:
    """Write every output of ``result`` atomically; remove outputs an earlier run made for this
    input that this run no longer makes (they would not match the input any more), unless
    another input of this run now makes them (``planned``)."""
    written = []
    for (fmt, text), rel in zip(result.outputs, plan.outputs):
        target = safe_output_path(src, dst, rel)
        write_text_atomic(target, text)
        written.append({"path": rel, "format": fmt.value, "sha256": sha256_bytes(text.encode("utf-8"))})
    keep = {w["path"] for w in written}
    for old in (previous or {}).get("outputs", ()):
        rel = old.get("path", "")
        if rel not in keep and rel not in planned:
            try:
                stale = safe_output_path(src, dst, rel)
            except CaptionsError:
                continue
            if stale.is_file():
                stale.unlink()
    return written
