"""The driver: runs the jobs in a pool and is the only writer (outputs, then the manifest, atomically)."""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import re
import signal
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from .. import __version__
from ..corrections import discover_dictionaries
from ..errors import CaptionsError, ConfigError, Location
from ..files import write_text_atomic
from ..review_html import review_page_name
from ..findings import Severity
from .job import FileJob, FileResult, process_file
from .manifest import (
    MANIFEST_NAME,
    BatchSummary,
    DictionaryRef,
    Kind,
    Manifest,
    ManifestEntry,
    OutputRecord,
    Status,
    sha256_bytes,
    sha256_json,
)
from .plan import Found, Planned, discover, plan_inputs
from .settings import (
    CONFIG_NAME,
    FileSettings,
    Layer,
    compiled_dictionary,
    dictionary_hash,
    read_folder_config,
    resolve_settings,
)

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
    review_dir: Path | None = None   # where each transcript's review page goes (captions.review_html)


@dataclass(frozen=True, slots=True)
class Progress:
    """Counts so far, passed with each result."""

    total: int
    done: int
    ok: int
    failed: int
    skipped: int
    elapsed_s: float


#: Called as each input ends, with its path, its manifest entry and the counts so far.
ResultHook = Callable[[str, ManifestEntry, Progress], None]


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
    """
    parts = PurePosixPath(rel).parts
    if not parts or PurePosixPath(rel).is_absolute() or any(p in ("", ".", "..") for p in parts):
        raise ConfigError(f"refusing output path {rel!r}: it would leave OUTPUT_DIR")
    target = dst.joinpath(*parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(os.path.realpath(target.parent))
    if not folder.is_relative_to(dst) or folder.is_relative_to(src):
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
        if not real.is_relative_to(dst) or real.is_relative_to(src):
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
            if path.is_file() and not Path(os.path.realpath(path)).is_relative_to(src):
                raise ConfigError("a symbolic link out of INPUT_DIR: not followed", Location(str(path)))
            cache[key] = read_folder_config(path) if path.is_file() else None
        layer = cache[key]
        if layer is not None:
            layers.append(layer)
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
           outputs: Sequence[OutputRecord]) -> ManifestEntry:
    return ManifestEntry(
        status=result.status,
        kind=result.kind,
        sha256=sha256,
        options_sha256=sha256_json(settings.options_dict()) if settings else None,
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
        reason=result.reason,
        timeline=result.timeline,
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
# The workers: a process pool of our own, this process for --jobs 1, or a caller's executor.


def _start_worker() -> None:
    """The initializer of each process of our own pool."""
    # Ctrl-C goes to the whole process group: the driver decides what stops, workers just finish.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # What the worker inherited (the imported modules) lives as long as it: leave it out of
    # every collection.
    gc.freeze()


def _work(job: FileJob) -> FileResult:
    """One job on a worker of our own (a pool process, or this process for ``--jobs 1``), with
    the garbage collector paused while it runs.

    A job builds hundreds of thousands of small acyclic values, which make the collector run over
    and over for nothing; they are freed by reference counting when the job ends, so the
    collector, back on between jobs, finds no work piling up.  Not for a caller's executor:
    its threads would share the pause.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return process_file(job)
    finally:
        if enabled:
            gc.enable()


class _Pool:
    """The jobs in flight on a process pool of our own, or on a caller's executor (used, not
    shut down)."""

    def __init__(self, workers: int, executor: Executor | None) -> None:
        self.workers = workers
        self.own = executor is None
        self.executor = executor or self._new_pool()
        self.pending: dict[Future[FileResult], FileJob] = {}

    def _new_pool(self) -> Executor:
        return ProcessPoolExecutor(self.workers, initializer=_start_worker)

    def submit(self, job: FileJob) -> None:
        try:
            future = self._submit(job)
        except BrokenProcessPool:
            if not self.own:
                raise
            self.executor = self._new_pool()  # a worker died: the jobs still to come get a new pool
            future = self._submit(job)
        self.pending[future] = job

    def _submit(self, job: FileJob) -> Future[FileResult]:
        return self.executor.submit(_work, job) if self.own else self.executor.submit(process_file, job)

    def finished(self) -> Iterator[FileResult]:
        """The results of the jobs that end next (waits for at least one)."""
        done, _ = wait(self.pending, return_when=FIRST_COMPLETED)
        for future in done:
            job = self.pending.pop(future)
            try:
                yield future.result()
            except BrokenProcessPool as exc:  # a worker died (killed, out of memory): say so
                yield FileResult(job.rel, job.kind, Status.FAILED,
                                 reason=f"{job.rel}: the worker process died ({exc}); rerun to retry")

    def abandon(self) -> None:
        """Stop at once: what has not started never will."""
        if self.own:
            self.executor.shutdown(wait=False, cancel_futures=True)
        else:
            for future in self.pending:
                future.cancel()

    def close(self) -> None:
        if self.own:
            self.executor.shutdown(wait=True)


def _run_jobs(jobs: Iterable[FileJob], workers: int, executor: Executor | None = None) -> Iterator[FileResult]:
    """Results of ``jobs`` as they finish, with at most ``2 * workers`` jobs in flight (memory is
    bounded by the files in flight, not by the folder).

    ``executor``: any :class:`concurrent.futures.Executor` (a Dask ``client.get_executor()``, a
    thread pool...) used instead of a local process pool; it is not shut down here.
    """
    if workers <= 1 and executor is None:
        for job in jobs:
            yield _work(job)
        return
    pool = _Pool(workers, executor)
    queue = iter(jobs)
    try:
        while True:
            for job in itertools.islice(queue, 2 * workers - len(pool.pending)):
                pool.submit(job)
            if not pool.pending:
                break
            yield from pool.finished()
    except BaseException:
        pool.abandon()
        raise
    pool.close()


# --------------------------------------------------------------------------------------------
# A run.


def run_batch(request: BatchRequest, *, on_result: ResultHook | None = None,
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
    hashes = _command_line_dictionaries(request.cli)
    dst.mkdir(parents=True, exist_ok=True)
    run = _Run(request, src, dst, Manifest.load(dst), hashes, on_result, started)
    for result in _run_jobs(run.jobs(), request.jobs, executor):
        run.take(result)
    return run.summary()


def _command_line_dictionaries(cli: Layer) -> dict[Path, str]:
    """The hashes of the ``--dict`` files, once each is known to load (a bad one stops the run
    before any input is touched)."""
    hashes = [(d, dictionary_hash(d)) for d in cli.dictionaries]
    if hashes:
        compiled_dictionary(tuple(DictionaryRef(str(d), h) for d, h in hashes))
    return dict(hashes)


class _Run:
    """One run: its plans, its manifest and summary, and the caches its inputs share."""

    def __init__(self, request: BatchRequest, src: Path, dst: Path, manifest: Manifest,
                 hashes: dict[Path, str], on_result: ResultHook | None, started: float) -> None:
        self.request, self.src, self.dst, self.manifest = request, src, dst, manifest
        self.on_result, self.started = on_result, started
        self.hashes = hashes                           # dictionary path -> hash
        self.layers: dict[str, Layer | None] = {}      # folder -> its captions.toml
        self.plans = plan_inputs(discover(src), self.settings_for)
        _remove_stale_temporaries(src, dst, (out for p in self.plans for out in p.outputs))
        self.by_rel = {p.found.rel: p for p in self.plans}
        self.planned_outputs = {out for p in self.plans for out in p.outputs}
        self.input_hashes: dict[str, str] = {}
        self.counts = {status: 0 for status in Status}
        self.entries: dict[str, ManifestEntry] = {}

    def dictionary_hash(self, path: Path) -> str:
        if path not in self.hashes:
            self.hashes[path] = dictionary_hash(path)
        return self.hashes[path]

    def settings_for(self, found: Found) -> FileSettings:
        adjacent = discover_dictionaries(self.src / found.rel) if found.kind is Kind.TRANSCRIPT else ()
        settings = resolve_settings(_layers_for(found.rel, self.src, self.request.cli, self.layers), found.kind,
                                    adjacent=[p.resolve() for p in adjacent], dictionary_hash=self.dictionary_hash)
        if settings.dictionaries:
            compiled_dictionary(settings.dictionaries)  # a bad folder dictionary fails its files, before any text
        return settings

    def jobs(self) -> Iterator[FileJob]:
        """The jobs to run, in input order; the inputs that fail before their job, or that the
        manifest says are done, end here."""
        for plan in self.plans:
            rel = plan.found.rel
            if plan.problem:
                self.fail(plan, plan.problem if plan.problem.startswith(rel) else f"{rel}: {plan.problem}")
                continue
            try:
                data = _read_input(plan.found, self.src)
            except CaptionsError as exc:
                self.fail(plan, str(exc))
                continue
            sha = self.input_hashes[rel] = sha256_bytes(data)
            settings = plan.settings
            assert settings is not None  # a plan without a problem has its settings
            if not self.request.force and self.manifest.is_current(
                    rel, sha256=sha, options_sha256=sha256_json(settings.options_dict()),
                    dictionaries=settings.dictionaries, output_dir=self.dst):
                self.finish(rel, self.manifest.files[rel].with_status(Status.SKIPPED))
                continue
            yield FileJob(rel, data, plan.found.kind, settings, review=self.request.review_dir is not None)

    def take(self, result: FileResult) -> None:
        """Write what a job gave and record it."""
        plan = self.by_rel[result.rel]
        sha = self.input_hashes.get(result.rel)
        if result.status is Status.FAILED:
            self.fail(plan, result.reason or "failed", sha)
            return
        try:
            outputs = _write_outputs(self.src, self.dst, plan, result, self.manifest.files.get(result.rel),
                                     self.planned_outputs)
            if result.review_html is not None and self.request.review_dir is not None:
                pages = Path(os.path.realpath(self.request.review_dir))
                write_text_atomic(safe_output_path(self.src, pages, review_page_name(result.rel)), result.review_html)
        except (CaptionsError, OSError) as exc:
            self.fail(plan, f"{result.rel}: cannot write the output: {exc}", sha)
            return
        entry = _entry(result, sha256=sha, settings=plan.settings, outputs=outputs)
        self.manifest.record(result.rel, entry)
        self.finish(result.rel, entry)

    def fail(self, plan: Planned, reason: str, sha: str | None = None) -> None:
        result = FileResult(plan.found.rel, plan.found.kind, Status.FAILED, reason=reason)
        entry = _entry(result, sha256=sha, settings=plan.settings, outputs=())
        self.manifest.record(plan.found.rel, entry)
        self.finish(plan.found.rel, entry)

    def finish(self, rel: str, entry: ManifestEntry) -> None:
        self.entries[rel] = entry
        self.counts[entry.status] += 1
        if self.on_result is not None:
            self.on_result(rel, entry, Progress(len(self.plans), sum(self.counts.values()), self.counts[Status.OK],
                                                self.counts[Status.FAILED], self.counts[Status.SKIPPED],
                                                time.perf_counter() - self.started))

    def summary(self) -> BatchSummary:
        """The entries of this run, in input order."""
        entries = {p.found.rel: self.entries[p.found.rel] for p in self.plans if p.found.rel in self.entries}
        return BatchSummary(self.src, self.dst, entries, time.perf_counter() - self.started)


def _write_outputs(src: Path, dst: Path, plan: Planned, result: FileResult, previous: ManifestEntry | None,
                   planned: set[str]) -> list[OutputRecord]:
    """Write every output of ``result`` atomically; remove outputs an earlier run made for this
    input that this run no longer makes (they would not match the input any more), unless
    another input of this run now makes them (``planned``)."""
    written = []
    for (fmt, text), rel in zip(result.outputs, plan.outputs):
        target = safe_output_path(src, dst, rel)
        write_text_atomic(target, text)
        written.append(OutputRecord(rel, fmt, sha256_bytes(text.encode("utf-8"))))
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
