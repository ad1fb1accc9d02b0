"""The driver: plans the inputs, gives the jobs to the workers, and is the only writer (outputs,
then the manifest's journal), holding OUTPUT_DIR's lock for the whole run."""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Protocol

from .. import __version__
from ..corrections import DICTIONARY_SUFFIXES, discover_dictionaries
from ..audio import audio_installed
from ..errors import CaptionsError, ConfigError, Location, OutputError, ParseError
from ..files import read_bytes, write_all, write_text_atomic
from ..review_html import review_page_name
from ..findings import Severity
from .job import FileJob, FileResult
from .manifest import (
    JOURNAL_NAME,
    LOCK_NAME,
    MANIFEST_NAME,
    BatchSummary,
    DictionaryRef,
    Kind,
    Manifest,
    ManifestEntry,
    OutputRecord,
    Status,
    sha256_bytes,
)
from .plan import Found, MediaFinder, Planned, discover, plan_inputs
from .settings import (
    CONFIG_NAME,
    FileSettings,
    Layer,
    MediaRef,
    compiled_dictionary,
    dictionary_hash,
    read_folder_config,
    resolve_settings,
)
from .workers import Limits, Stop, run_jobs

#: The largest input (transcript, caption file, captions.toml, dictionary) a run reads unless
#: told otherwise (``--max-file-size``).
MAX_FILE_BYTES = 256 << 20
#: The journal's lines are flushed to disk at most this long after they are written (a power
#: loss then costs at most the files of this time; they are done again).
JOURNAL_FLUSH_S = 0.2

# --------------------------------------------------------------------------------------------
# The driver.


@dataclass(frozen=True, slots=True)
class BatchRequest:
    """One ``captions batch`` run.

    Attributes:
        cli: the options given on the command line (they win over every ``captions.toml``).
        jobs: worker processes at most (never more than the files to do).
        force: redo every input, even those the manifest says are done.
        limits: the time and memory one file may take on a worker, and the grace period of a stop.
        max_file_bytes: the largest file read because of INPUT_DIR (None: no limit).
        allow_outside_dicts: let captions.toml files, and dictionaries next to transcripts, name or
            link to dictionaries outside INPUT_DIR.
        media: time each transcript on the replay beside it (same stem, a media suffix), when
            the audio extra is installed.
    """

    input_dir: Path
    output_dir: Path
    cli: Layer = Layer("command line")
    jobs: int = 1
    force: bool = False
    limits: Limits = field(default_factory=Limits)
    max_file_bytes: int | None = MAX_FILE_BYTES
    allow_outside_dicts: bool = False
    review_dir: Path | None = None   # where each transcript's review page goes (captions.review_html)
    media: bool = True


@dataclass(frozen=True, slots=True)
class Progress:
    """Counts so far, passed with each result and with each tick.

    Attributes:
        in_flight: files being processed now.
        stopping: a stop was requested: no new file is started.
    """

    total: int
    done: int
    ok: int
    failed: int
    skipped: int
    elapsed_s: float
    in_flight: int = 0
    stopping: bool = False


#: Called as each input ends, with its path, its manifest entry and the counts so far.
ResultHook = Callable[[str, ManifestEntry, Progress], None]
#: Called about twice a second while files are in flight (a long file still shows progress).
TickHook = Callable[[Progress], None]


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
    if dst.is_relative_to(src):
        raise ConfigError(f"OUTPUT_DIR {output_dir} is inside INPUT_DIR {input_dir}; batch never writes inside "
                          "its input: choose a folder outside it")
    return src, dst


def safe_output_path(src: Path, dst: Path, rel: str) -> Path:
    """The absolute path of output ``rel``, its folders created, checked to be inside ``dst`` and
    outside ``src`` once every link on the way is resolved.

    Raises:
        ConfigError: when the path would leave OUTPUT_DIR or enter INPUT_DIR.
        OutputError: its folder cannot be created.
    """
    parts = PurePosixPath(rel).parts
    if not parts or PurePosixPath(rel).is_absolute() or any(p in ("", ".", "..") for p in parts):
        raise ConfigError(f"refusing output path {rel}: it would leave OUTPUT_DIR")
    target = dst.joinpath(*parts)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output's folder: {exc.strerror or exc}", Location(rel)) from None
    folder = Path(os.path.realpath(target.parent))
    if not folder.is_relative_to(dst) or folder.is_relative_to(src):
        raise ConfigError(f"refusing to write {rel}: its folder resolves to {folder}, outside OUTPUT_DIR or "
                          "inside INPUT_DIR")
    if target.is_symlink() or target.exists() and not target.is_file():
        raise ConfigError(f"refusing to write {rel}: {target} exists and is not a regular file")
    return target


# A temporary file of files.write_all (and of the atomic writes of earlier versions, which named
# it after its target: .NAME.XXXX.tmp).
_TMP = re.compile(r"^\.captions-[a-z0-9_]{8}\.tmp$")
_OLD_TMP = re.compile(r"^\..+\.[A-Za-z0-9_]+\.tmp$")


def _remove_stale_temporaries(src: Path, dst: Path, outputs: Iterable[str], before: float) -> None:
    """Remove what an interrupted atomic write left in the folders of the outputs (only in folders
    that really are inside OUTPUT_DIR and outside INPUT_DIR): files named like our temporaries,
    older than ``before`` (this run's start; the lock keeps other runs out, and a temporary of a
    `captions convert` writing there right now is younger)."""
    folders: dict[Path, set[str]] = {}
    for rel in outputs:
        path = dst / rel
        folders.setdefault(path.parent, set()).add(path.name)
    folders.setdefault(dst, set()).add(MANIFEST_NAME)
    for folder, names in folders.items():
        real = Path(os.path.realpath(folder))
        if not real.is_relative_to(dst) or real.is_relative_to(src):
            continue
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            ours = _TMP.match(entry.name) or (
                _OLD_TMP.match(entry.name) and any(entry.name.startswith(f".{n}.") for n in names))
            with contextlib.suppress(OSError):
                if ours and entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < before:
                    os.unlink(entry.path)


def _layers_for(rel: str, src: Path, cli: Layer, cache: dict[str, Layer | None], *,
                max_bytes: int | None = MAX_FILE_BYTES, allow_outside: bool = False) -> list[Layer]:
    """The option layers of input ``rel``: the ``captions.toml`` of each folder from INPUT_DIR
    down to its own, then the command line.  A ``captions.toml`` that cannot be read (a link
    out of INPUT_DIR, a FIFO, a folder, too long...) fails the files below it."""
    layers: list[Layer] = []
    folder = PurePosixPath(rel).parent
    chain = [folder, *folder.parents] if str(folder) != "." else [folder]
    for part in reversed(chain):
        key = part.as_posix()
        if key not in cache:
            path = src / key / CONFIG_NAME if key != "." else src / CONFIG_NAME
            cache[key] = _folder_layer(path, src, max_bytes, allow_outside)
        layer = cache[key]
        if layer is not None:
            layers.append(layer)
    layers.append(cli)
    return layers


def _folder_layer(path: Path, src: Path, max_bytes: int | None, allow_outside: bool) -> Layer | None:
    try:
        os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"cannot read the folder options: {exc.strerror or exc}", Location(str(path))) from None
    return read_folder_config(path, within=src, max_bytes=max_bytes, outside_dictionaries=allow_outside)


def _read_input(found: Found, src: Path, max_bytes: int | None) -> bytes:
    """The bytes of an input, refusing anything that is not a regular file inside INPUT_DIR now."""
    try:
        return read_bytes(found.path, within=src, max_bytes=max_bytes)
    except ParseError as exc:
        raise ConfigError(exc.message, Location(found.rel)) from None


# Quoted text in a message (a value of the file, as Python quotes it): 'x', "x", b'x'.  An
# apostrophe inside a word (l'heure, file's) neither opens nor closes one.
_QUOTED = re.compile(r"""(?<!\w)b?(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")(?!\w)""")


def redact(reason: str) -> str:
    """A failure reason without the file contents it quotes: every quoted value holding a letter
    or a digit becomes ``'…'`` (the file and line stay, to find it).  Reasons go to the
    manifest, the ``--json`` lines and the HTML report, which may be shared; the single-file
    commands (``captions convert FILE``, ``captions dict check FILE``) show the values.

    >>> redact("s.csv:1: unreadable-entry: found 'SECRET_1'; expected two columns; l'heure 'x' '='")
    "s.csv:1: unreadable-entry: found '…'; expected two columns; l'heure '…' '='"
    """
    return _QUOTED.sub(lambda m: "'…'" if re.search(r"\w", m.group()[1:-1]) else m.group(), reason)


def _entry(result: FileResult, *, sha256: str | None, settings: FileSettings | None,
           outputs: Sequence[OutputRecord], redone: str | None) -> ManifestEntry:
    return ManifestEntry(
        status=result.status,
        kind=result.kind,
        sha256=sha256,
        options_sha256=settings.options_sha256() if settings else None,
        dictionaries=settings.dictionaries if settings else (),
        preset=settings.preset.name if settings else None,
        outputs=tuple(outputs),
        cues=result.cues,
        # one count per code (a code has one severity)
        findings=tuple({f.code.value: f.total for f in result.findings}.items()),
        errors=result.count(Severity.ERROR),
        warnings=result.count(Severity.WARNING),
        infos=result.count(Severity.INFO),
        notes=tuple((code.value, n) for code, n in result.notes),
        corrections=result.corrections,
        media_ms=result.media_ms,
        elapsed_ms=result.elapsed_ms,
        reason=redact(result.reason) if result.reason else None,
        timeline=result.timeline,
        redone=redone,
        left_out=result.left_out,
    )


def _captions_version() -> str:
    return __version__


class _DaskClient(Protocol):
    """What the driver uses of a ``distributed.Client`` (the package is optional, and its types
    are partial: this is the boundary)."""

    def __enter__(self) -> _DaskClient: ...

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> object: ...

    def run(self, function: Callable[[], str]) -> dict[str, str]: ...

    def nthreads(self) -> dict[str, int]: ...

    def get_executor(self, *, pure: bool) -> Executor: ...


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
    connect: Callable[..., _DaskClient] = Client
    try:
        client = connect(address, timeout=timeout_s)
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


# --------------------------------------------------------------------------------------------
# A run.


def run_batch(request: BatchRequest, *, on_result: ResultHook | None = None, on_tick: TickHook | None = None,
              executor: Executor | None = None, stop: Stop | None = None) -> BatchSummary:
    """Run a batch; ``on_result(rel, manifest_entry, progress)`` is called as each input ends and
    ``on_tick(progress)`` about twice a second while files are in flight.

    The jobs run on worker processes of our own (at most ``request.jobs``, never more than the
    files to do, each file under ``request.limits``), or on ``executor`` (any
    :class:`concurrent.futures.Executor`, such as a Dask client's ``get_executor()``; see
    docs/scaling.md), with ``2 * request.jobs`` files in flight.  This process holds OUTPUT_DIR's
    lock for the whole run and is the only writer of outputs and of the manifest.

    ``stop``: request it (from a signal handler, say) to end the run early: the files in flight
    finish within the grace period, the rest is left for the next run; the summary says
    ``interrupted``.

    Raises:
        ConfigError: a bad folder layout, an unreadable manifest, or a bad dictionary given on
            the command line (before any input is touched).
        OutputError: OUTPUT_DIR cannot be written, another run holds it, or the journal cannot
            be written (the run stops: what is recorded stays recorded).
    """
    started = time.perf_counter()
    stop = stop or Stop()
    src, dst = check_dirs(request.input_dir, request.output_dir)
    hashes = _command_line_dictionaries(request.cli, request.max_file_bytes)
    try:
        dst.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create OUTPUT_DIR: {exc.strerror or exc}", Location(str(dst))) from None
    with Manifest.open(dst) as manifest:
        run = _Run(request, src, dst, manifest, hashes, _Hooks(on_result, on_tick, stop), started)
        tick = run.tick if on_tick is not None else None
        flushed = time.monotonic()
        for results in run_jobs(run.jobs(), request.jobs, limits=request.limits, stop=stop, executor=executor,
                                tick=tick):
            # Outputs first, then their journal lines (a kill cannot lose a line written), and a
            # flush to disk at most every JOURNAL_FLUSH_S for the lines written meanwhile: a
            # flush per file was most of the driver's time, with the workers waiting on it.
            entries = [(result.rel, run.take(result)) for result in results]
            if time.monotonic() - flushed >= JOURNAL_FLUSH_S:
                manifest.sync()
                flushed = time.monotonic()
            for rel, entry in entries:
                run.finish(rel, entry)
        return run.summary()


def _command_line_dictionaries(cli: Layer, max_bytes: int | None) -> dict[Path, str]:
    """The hashes of the ``--dict`` files, once each is known to load (a bad one stops the run
    before any input is touched)."""
    hashes = [(d, dictionary_hash(d, max_bytes=max_bytes)) for d in cli.dictionaries]
    if hashes:
        compiled_dictionary(tuple(DictionaryRef(str(d), h) for d, h in hashes))
    return dict(hashes)


@dataclass(frozen=True, slots=True)
class _Hooks:
    on_result: ResultHook | None
    on_tick: TickHook | None
    stop: Stop


class _Run:
    """One run: its plans, its manifest and summary, and the caches its inputs share."""

    def __init__(self, request: BatchRequest, src: Path, dst: Path, manifest: Manifest,
                 hashes: dict[Path, str], hooks: _Hooks, started: float) -> None:
        self.request, self.src, self.dst, self.manifest = request, src, dst, manifest
        self.hooks, self.started = hooks, started
        self.hashes = hashes                           # dictionary path -> hash
        self.layers: dict[str, Layer | None] = {}      # folder -> its captions.toml
        self.dictionary_folders: dict[str, bool] = {}  # folder -> holds files named like dictionaries
        # Planning stops at a stop request too (a large tree takes a while to plan).
        self.media = MediaFinder() if request.media and audio_installed() else None
        self.plans = plan_inputs(itertools.takewhile(lambda _: not hooks.stop.level, discover(src)),
                                 self.settings_for)
        reserved = {MANIFEST_NAME, JOURNAL_NAME, LOCK_NAME}
        self.plans = [_refuse_reserved(p, reserved) for p in self.plans]
        _remove_stale_temporaries(src, dst, (out for p in self.plans for out in p.outputs), time.time())
        self.by_rel = {p.found.rel: p for p in self.plans}
        self.planned_outputs = {out for p in self.plans for out in p.outputs}
        self.input_hashes: dict[str, str] = {}
        self.redone: dict[str, str] = {}
        self.counts = {status: 0 for status in Status}
        self.entries: dict[str, ManifestEntry] = {}

    def dictionary_hash(self, path: Path) -> str:
        if path not in self.hashes:
            within = None if self.request.allow_outside_dicts else self.src
            self.hashes[path] = dictionary_hash(path, within=within, max_bytes=self.request.max_file_bytes)
        return self.hashes[path]

    def settings_for(self, found: Found) -> FileSettings:
        """The settings of one input (its folder options, its dictionaries; none is compiled
        here: a dictionary is compiled on the workers, under their limits)."""
        request = self.request
        try:
            adjacent: Sequence[Path] = ()
            if found.kind is Kind.TRANSCRIPT and self._holds_dictionaries(PurePosixPath(found.rel).parent):
                adjacent = [self._adjacent(p) for p in discover_dictionaries(self.src / found.rel)]
            layers = _layers_for(found.rel, self.src, request.cli, self.layers, max_bytes=request.max_file_bytes,
                                 allow_outside=request.allow_outside_dicts)
            settings = resolve_settings(layers, found.kind, adjacent=adjacent, dictionary_hash=self.dictionary_hash)
            if self.media is not None and found.kind is Kind.TRANSCRIPT:
                media = self.media.media_of(self.src / found.rel)
                if media is not None:
                    settings = dataclasses.replace(settings, media=MediaRef.of(media))
            return settings
        except CaptionsError:
            raise
        except OSError as exc:   # a folder that changed under us, say: this input fails, the run goes on
            raise ConfigError(f"cannot read its settings: {exc.strerror or exc}", Location(found.rel)) from None

    def _holds_dictionaries(self, folder: PurePosixPath) -> bool:
        """Whether ``folder`` holds a file named like a dictionary (``*.dict.toml``...), listed once
        per folder: looking for the dictionaries of each input lists its folder, which for a
        folder of thousands of inputs cost each input as much as the folder."""
        key = folder.as_posix()
        if key not in self.dictionary_folders:
            try:
                names = os.listdir(self.src / key)
            except OSError:
                names = []
            self.dictionary_folders[key] = any(
                name.lower().endswith(tuple(f".dict{suffix}" for suffix in DICTIONARY_SUFFIXES)) for name in names)
        return self.dictionary_folders[key]

    def _adjacent(self, path: Path) -> Path:
        real = path.resolve()
        if not self.request.allow_outside_dicts and not real.is_relative_to(self.src):
            raise ConfigError(f"the dictionary {path.name} next to it is a symbolic link out of INPUT_DIR: not "
                              "followed (--allow-outside-dicts allows it)", Location(str(path)))
        return real

    def jobs(self) -> Iterator[FileJob]:
        """The jobs to run, in input order; the inputs that fail before their job, or that the
        manifest says are done, end here.  Nothing more once a stop is requested."""
        for plan in self.plans:
            if self.hooks.stop.level:
                return
            job = self._prepare(plan)
            if job is not None:
                yield job

    def _prepare(self, plan: Planned) -> FileJob | None:
        """The job of ``plan``, or None when it ends here (failed before its job, or skipped)."""
        rel = plan.found.rel
        if plan.problem:
            self.finish(rel, self.fail(plan, plan.problem))
            return None
        settings = plan.settings
        assert settings is not None  # a plan without a problem has its settings
        try:
            data = _read_input(plan.found, self.src, self.request.max_file_bytes)
            sha = self.input_hashes[rel] = sha256_bytes(data)
            why = "--force" if self.request.force else self.manifest.staleness(
                rel, sha256=sha, options_sha256=settings.options_sha256(),
                dictionaries=settings.dictionaries, outputs=plan.outputs)
        except CaptionsError as exc:
            self.finish(rel, self.fail(plan, str(exc)))
            return None
        except Exception as exc:  # a bug must cost one file, not the run
            self.finish(rel, self.fail(plan, f"internal error {type(exc).__name__}: {exc}"))
            return None
        if why is None:
            previous = self.manifest.files[rel]
            self.finish(rel, previous.with_status(Status.SKIPPED))
            return None
        if rel in self.manifest.files:
            self.redone[rel] = why
        return FileJob(rel, data, plan.found.kind, settings, review=self.request.review_dir is not None)

    def take(self, result: FileResult) -> ManifestEntry:
        """Write what a job gave and record it (the caller flushes the journal and reports it).

        Raises:
            OutputError: the journal cannot be written (the run must stop).
        """
        plan = self.by_rel[result.rel]
        sha = self.input_hashes.pop(result.rel, None)
        if result.status is Status.FAILED:
            return self.fail(plan, result.reason or "failed", sha)
        try:
            outputs = _write_outputs(self.src, self.dst, plan, result, self.manifest.files.get(result.rel),
                                     self.planned_outputs)
            if result.review_html is not None and self.request.review_dir is not None:
                pages = Path(os.path.realpath(self.request.review_dir))
                write_text_atomic(safe_output_path(self.src, pages, review_page_name(result.rel)), result.review_html)
        except CaptionsError as exc:
            return self.fail(plan, f"cannot write the output: {exc}", sha)
        except OSError as exc:
            return self.fail(plan, f"cannot write the output: {exc.strerror or exc}", sha)
        entry = _entry(result, sha256=sha, settings=plan.settings, outputs=outputs,
                       redone=self.redone.pop(result.rel, None))
        return self.manifest.record(result.rel, entry, sync=False)

    def fail(self, plan: Planned, reason: str, sha: str | None = None) -> ManifestEntry:
        """Record ``plan``'s input as failed (the journal flushed with the next group); the reason
        starts with the input's path."""
        rel = plan.found.rel
        if not reason.startswith(f"{rel}:"):
            reason = f"{rel}: {reason}"
        result = FileResult(rel, plan.found.kind, Status.FAILED, reason=reason)
        entry = _entry(result, sha256=sha, settings=plan.settings, outputs=(), redone=self.redone.pop(rel, None))
        return self.manifest.record(rel, entry, sync=False)

    def progress(self, in_flight: int = 0) -> Progress:
        return Progress(len(self.plans), sum(self.counts.values()), self.counts[Status.OK],
                        self.counts[Status.FAILED], self.counts[Status.SKIPPED],
                        time.perf_counter() - self.started, in_flight, self.hooks.stop.level > 0)

    def finish(self, rel: str, entry: ManifestEntry) -> None:
        entry = entry.light()   # the manifest's own copy when it recorded it
        self.entries[rel] = entry
        self.counts[entry.status] += 1
        if self.hooks.on_result is not None:
            self.hooks.on_result(rel, entry, self.progress())

    def tick(self, in_flight: int) -> None:
        if self.hooks.on_tick is not None:
            self.hooks.on_tick(self.progress(in_flight))

    def summary(self) -> BatchSummary:
        """The entries of this run, in input order."""
        entries = {p.found.rel: self.entries[p.found.rel] for p in self.plans if p.found.rel in self.entries}
        notes = []
        if self.manifest.previous_holder:
            notes.append(f"took over OUTPUT_DIR from a run that ended without releasing it "
                         f"({self.manifest.previous_holder})")
        if self.manifest.recovered:
            notes.append(f"{self.manifest.recovered} files recorded in the journal of an unfinished run were kept")
        return BatchSummary(self.src, self.dst, entries, time.perf_counter() - self.started,
                            interrupted=self.hooks.stop.level > 0, not_done=len(self.plans) - len(entries),
                            notes=tuple(notes))


def _refuse_reserved(plan: Planned, reserved: set[str]) -> Planned:
    """An input whose output would be one of the manifest's own files fails (nothing written)."""
    clash = [out for out in plan.outputs if out in reserved]
    if not clash:
        return plan
    return Planned(plan.found, plan.settings, (), f"its output {clash[0]} would replace the manifest's own file; "
                                                 "rename the input")


def _write_outputs(src: Path, dst: Path, plan: Planned, result: FileResult, previous: ManifestEntry | None,
                   planned: set[str]) -> list[OutputRecord]:
    """Write every output of ``result``, all or none (:func:`captions.files.write_all`); remove
    outputs an earlier run made for this input that this run no longer makes (they would not
    match the input any more), unless another input of this run now makes them (``planned``)."""
    data = [(fmt, text.encode("utf-8")) for fmt, text in result.outputs]
    targets = [safe_output_path(src, dst, rel) for rel in plan.outputs]
    # Not flushed to disk one by one: the journal line that follows is (on ext4's default
    # ordered mode that carries these writes with it), and the next run checks each output's
    # size and hash anyway, redoing any a power loss cut; three flushes per file were most of
    # the driver's time.
    write_all([(target, content) for target, (_, content) in zip(targets, data)], sync=False)
    written = [OutputRecord(rel, fmt, sha256_bytes(content), len(content))
               for rel, (fmt, content) in zip(plan.outputs, data)]
    keep = {w.path for w in written}
    for old in previous.outputs if previous else ():
        if old.path not in keep and old.path not in planned:
            try:
                stale = safe_output_path(src, dst, old.path)
            except CaptionsError:
                continue
            if stale.is_file():
                stale.unlink()
    return written
