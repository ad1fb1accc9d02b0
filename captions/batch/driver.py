"""The driver: runs the jobs in a pool and is the only writer (outputs, then the manifest, atomically)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import __version__
from ..corrections import discover_dictionaries
from ..errors import CaptionsError, ConfigError, Location
from ..files import write_text_atomic
from .manifest import MANIFEST_NAME, Manifest, sha256_bytes, sha256_json
from .job import FileJob, FileResult, _dictionary, process_file
from .plan import Found, Planned, _inside, discover, plan_outputs
from .settings import (
    CONFIG_NAME,
    DictionaryRef,
    FileSettings,
    Kind,
    Layer,
    Status,
    _dictionary_hash,
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
