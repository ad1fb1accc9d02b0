"""``captions batch``: a thin shell over :func:`captions.batch.run_batch`.

This is the entry point, so the process-wide switches live here: Ctrl-C and SIGTERM are turned
into a :class:`~captions.batch.Stop` request while the run lasts (the first lets the files in
flight finish, the second cancels them), and every name printed goes through
:func:`captions.files.printable`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import click
from click.core import ParameterSource

from ..batch import (
    MAX_FILE_BYTES,
    BatchRequest,
    BatchSummary,
    Layer,
    Limits,
    Manifest,
    ManifestEntry,
    Progress,
    Status,
    Stop,
    available_cpus,
    check_dirs,
    dask_executor,
    parse_formats,
    run_batch,
)
from ..audio import AUDIO_INSTALL, audio_installed
from ..batch.manifest import JOURNAL_NAME, LOCK_NAME, MANIFEST_NAME
from ..batch.plan import count_media_pairs
from ..batch.report_html import render_report_html, review_links
from ..errors import ConfigError, Location, OutputError
from ..files import format_size, printable, write_text_atomic
from ..review_html import review_pages_dir
from ..model import Format
from ..presets import Preset
from . import EXIT_INTERRUPTED, main
from .options import PRESET_OVERRIDES, preset_options

_DEFAULTS = Limits()
# JSON keeps these characters raw; a terminal would act on them (C1 controls, line separators,
# bidirectional overrides), and the bytes of a name that is not UTF-8 (lone surrogates) cannot
# be written as UTF-8: written as \u escapes, the line is the same JSON.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _json_line(data: object) -> str:
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(data, ensure_ascii=False))


class _Display:
    """How results reach the user: JSON lines, plain lines, or a progress bar on a terminal."""

    def __init__(self, as_json: bool, bar: bool, stop: Stop, grace_s: float) -> None:
        self.as_json, self.bar, self.stop, self.grace_s = as_json, bar, stop, grace_s
        self.last_draw = 0.0
        self.told_level = 0

    def result(self, rel: str, entry: ManifestEntry, progress: Progress) -> None:
        self._tell_stop(progress)
        if self.as_json:
            line = {"type": "file", "path": rel, **{k: v for k, v in entry.to_dict().items() if k != "timeline"}}
            click.echo(_json_line(line))
            sys.stdout.flush()
        elif self.bar:
            self._draw(rel, entry, progress)
        else:
            click.echo(_line(rel, entry))

    def tick(self, progress: Progress) -> None:
        self._tell_stop(progress)
        if self.bar and time.monotonic() - self.last_draw > 0.4:
            self.last_draw = time.monotonic()
            click.echo("\r\033[K" + _bar(progress), err=True, nl=False)

    def _tell_stop(self, progress: Progress) -> None:
        """Say once per Ctrl-C what happens now (never from the signal handler itself: printing
        there could break a line being printed)."""
        level = self.stop.level
        if level <= self.told_level:
            return
        self.told_level = level
        prefix = "\r\033[K" if self.bar else ""
        if level == 1:
            click.echo(f"{prefix}captions: stopping: {progress.in_flight} files in flight may finish within "
                       f"{self.grace_s:g} s; press Ctrl-C again to stop them now", err=True)
        else:
            click.echo(f"{prefix}captions: stopping now", err=True)

    def _draw(self, rel: str, entry: ManifestEntry, progress: Progress) -> None:
        failed = entry.status is Status.FAILED
        if failed:
            click.echo("\r\033[K" + _line(rel, entry), err=True)
        now = time.monotonic()
        if now - self.last_draw > 0.1 or progress.done == progress.total or failed:
            self.last_draw = now
            click.echo("\r\033[K" + _bar(progress), err=True, nl=False)

    def summary(self, summary: BatchSummary) -> None:
        data = summary.to_dict()
        if self.as_json:
            click.echo(_json_line(data))
            return
        if self.bar:
            click.echo("\r\033[K", err=True, nl=False)
        for note in summary.notes:
            click.echo(f"captions: note: {printable(note)}", err=True)
        findings = ", ".join(f"{code} {n}" for code, n in data["findings"].items()) or "none"
        click.echo(f"{data['files']} files: {data['ok']} converted, {data['skipped']} unchanged (skipped), "
                   f"{data['failed']} failed; {data['errors']} errors, {data['warnings']} warnings "
                   f"({findings}); {data['elapsed_ms'] / 1000:.1f} s")


def _line(rel: str, entry: ManifestEntry) -> str:
    """One file's line; every name and reason escaped (a file name cannot forge a line or drive
    the terminal)."""
    if entry.status is Status.FAILED:
        return printable(f"FAILED  {entry.reason or rel}")
    redone = f" (redone: {entry.redone})" if entry.redone else ""
    left_out = "".join(f"; {what}" for what in entry.left_out)
    return printable(f"{entry.status.value:<7} {rel}: {entry.cues} cues, {entry.errors} errors, "
                     f"{entry.warnings} warnings, {entry.corrections} corrections{redone}{left_out}")


def _clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}" if whole >= 3600 \
        else f"{whole // 60:02d}:{whole % 60:02d}"


def _bar(p: Progress, width: int = 28) -> str:
    filled = int(width * p.done / p.total) if p.total else width
    worked = p.done - p.skipped
    rate = worked / p.elapsed_s if p.elapsed_s > 0 else 0.0
    left = (p.total - p.done) / rate if rate > 0 else None
    eta = "--:--" if left is None else _clock(left)
    line = (f"[{'#' * filled}{'.' * (width - filled)}] {p.done}/{p.total} done, {p.failed} failed, "
            f"{rate:.1f} files/s, ETA {eta}")
    if p.in_flight:
        line += f", {p.in_flight} in flight, {_clock(p.elapsed_s)} elapsed"
    return line + (", stopping" if p.stopping else "")


_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def _size(ctx: click.Context, param: click.Parameter, value: str) -> int | None:
    """A size in bytes: ``256M``, ``4G``, ``1.5G``, ``65536``; ``0`` or ``none`` for no limit."""
    text = value.strip().lower().removesuffix("ib").removesuffix("b")
    if text in ("none", "0", ""):
        return None
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([kmgt]?)", text)
    if match is None:
        raise click.BadParameter(f"{value!r} is not a size such as 256M, 4G or 65536 (0 or none: no limit)")
    return int(float(match.group(1)) * _UNITS[match.group(2)])


def _seconds(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    return value or None


@contextlib.contextmanager
def _stop_on_signals(stop: Stop) -> Iterator[None]:
    """Ctrl-C and SIGTERM request a stop while the run lasts (the previous handlers come back
    after).  Only the main thread may set handlers; elsewhere the caller's stay."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.request()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@main.command()
@click.argument("input_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", "output_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder the outputs and the manifest go to (created; never inside INPUT_DIR).")
@click.option("--to", "to", default=None, metavar="srt,vtt",
              help="Output formats. Default: srt,vtt for transcripts; caption files are only validated.")
@click.option("--dict", "dictionaries", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Correction dictionary (repeatable); it takes precedence over those found next to "
                   "transcripts and in captions.toml files.")
@preset_options
@click.option("--lang", type=click.Choice(["fr", "en"]), default=None,
              help="Language of the texts (default: detected).")
@click.option("--typography/--no-typography", default=None, help="French typography (default: on).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=available_cpus(), show_default=True,
              help="Worker processes at most (never more than the files to do).")
@click.option("--force", is_flag=True, help="Redo every input, even those the manifest says are done.")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per file as it finishes, then a summary line.")
@click.option("--report-html", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write a self-contained HTML report of the run to this file.")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
              help="Exit 1 when a finding of this severity (or worse) is found.")
@click.option("--max-file-size", default=str(MAX_FILE_BYTES), callback=_size, metavar="SIZE",
              show_default=format_size(MAX_FILE_BYTES),
              help="Largest file read because of INPUT_DIR (inputs, captions.toml, dictionaries); 0: no limit.")
@click.option("--time-limit", type=click.FloatRange(min=0), default=_DEFAULTS.time_s, callback=_seconds,
              metavar="SECONDS", show_default=True, help="Time one file may take on a worker; 0: no limit.")
@click.option("--memory-limit", default=str(_DEFAULTS.memory_bytes), callback=_size, metavar="SIZE",
              show_default=format_size(_DEFAULTS.memory_bytes or 0),
              help="Memory one file may take on a worker (Linux); 0: no limit.")
@click.option("--allow-outside-dicts", is_flag=True,
              help="Let captions.toml files and dictionaries next to transcripts name or link to dictionaries "
                   "outside INPUT_DIR (refused by default).")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where the jobs run: local worker processes, or a Dask cluster (needs captions[dask]).")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="The Dask scheduler for --executor dask (tcp://host:8786).")
@click.option("--media/--no-media", "media", default=True, show_default=True,
              help="Time each transcript on the replay beside it (same stem: show.txt and show.mp4, .mkv, "
                   ".webm, .mov, .mp3, .m4a, .aac, .wav, .ogg, .opus, .flac); needs the audio extra.")
def batch(input_dir: Path, output_dir: Path, to: str | None, dictionaries: tuple[Path, ...], preset: Preset,
          lang: str | None, typography: bool | None, jobs: int, force: bool, as_json: bool,
          report_html: Path | None, fail_on: str, max_file_size: int | None, time_limit: float | None,
          memory_limit: int | None, allow_outside_dicts: bool, executor: str, scheduler: str | None,
          media: bool) -> None:
    """Convert and check every transcript (.txt) and caption file (.srt, .vtt) below INPUT_DIR.

    Outputs mirror the folder tree under OUTPUT_DIR with the suffix replaced; a manifest
    there records each input so that a rerun only redoes what changed.  Options come from
    the command line, then the nearest captions.toml, then those of parent folders, then
    the defaults (see docs/batch.md).  Ctrl-C stops taking files and lets those in flight
    finish for a few seconds (twice: stops them now).  Exit 0 when every file succeeded and
    nothing reached --fail-on, 1 otherwise, 2 for a bad invocation, 130 when interrupted.

    \b
    Example:
      captions batch samples/ -o out/ --to srt,vtt --report-html out/report.html
      captions batch replays/ -o captions/ --dict show.toml --jobs 4 --json
      captions batch archive/ -o captions/ --executor dask --scheduler tcp://10.0.0.5:8786
      captions batch replays/ -o captions/ --no-media
    """
    ctx = click.get_current_context()
    src, dst, formats = _check_invocation(input_dir, output_dir, to, report_html, executor, scheduler)
    cli = _command_line_layer(ctx, preset, formats, dictionaries, lang, typography)
    limits = dataclasses.replace(_DEFAULTS, time_s=time_limit, memory_bytes=memory_limit)
    stop = Stop()
    display = _Display(as_json, bar=not as_json and sys.stderr.isatty(), stop=stop, grace_s=limits.grace_s)
    unused = count_media_pairs(src) if media and not audio_installed() else 0
    if unused:
        click.echo(f"captions: {unused} transcript(s) have a replay beside them, not used: the audio extra is not "
                   f"installed ({AUDIO_INSTALL}); --no-media silences this", err=True)
    pages = review_pages_dir(report_html) if report_html is not None else None
    request = BatchRequest(src, dst, cli, jobs=jobs, force=force, limits=limits, max_file_bytes=max_file_size,
                           allow_outside_dicts=allow_outside_dicts, review_dir=pages, media=media)
    with _stop_on_signals(stop):
        summary = _run(ctx, request, scheduler, display, stop)
    display.summary(summary)
    if report_html is not None:
        _write_report(report_html, summary)
    if summary.interrupted:
        click.echo(f"captions: interrupted; {summary.to_dict()['files']} files done and recorded, "
                   f"{summary.not_done} not done: run the same command again to do them", err=True)
        ctx.exit(EXIT_INTERRUPTED)
    data = summary.to_dict()
    bad = data["failed"] > 0 or data["errors"] > 0 or (fail_on == "warning" and data["warnings"] > 0)
    ctx.exit(1 if bad else 0)


def _check_invocation(input_dir: Path, output_dir: Path, to: str | None, report_html: Path | None, executor: str,
                      scheduler: str | None) -> tuple[Path, Path, tuple[Format, ...] | None]:
    """The resolved folders and ``--to``; a bad combination is a usage error (exit 2)."""
    try:
        src, dst = check_dirs(input_dir, output_dir)
        if report_html is not None:
            report = Path(report_html).resolve()
            if report.is_relative_to(src):
                raise ConfigError(f"--report-html {report_html} is inside INPUT_DIR; batch never writes there")
            if report in {dst / MANIFEST_NAME, dst / JOURNAL_NAME, dst / LOCK_NAME}:
                raise ConfigError(f"--report-html {report_html} would replace the manifest's own file; choose "
                                  "another name")
        formats = None if to is None else parse_formats(to)
        if (executor == "dask") != (scheduler is not None):
            raise ConfigError("--executor dask and --scheduler ADDRESS go together")
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None
    return src, dst, formats


def _command_line_layer(ctx: click.Context, preset: Preset, formats: tuple[Format, ...] | None,
                        dictionaries: tuple[Path, ...], lang: str | None, typography: bool | None) -> Layer:
    """The options given on the command line: only those given win over the captions.toml files."""
    explicit = ctx.get_parameter_source("preset_name") not in (ParameterSource.DEFAULT, None)
    overrides = tuple(sorted((key, ctx.params[key]) for _, key, _, _ in PRESET_OVERRIDES
                             if ctx.params.get(key) is not None))
    return Layer("command line", preset=preset.name if explicit else None, options=overrides, formats=formats,
                 dictionaries=tuple(d.resolve() for d in dictionaries), lang=lang, typography=typography)


def _run(ctx: click.Context, request: BatchRequest, scheduler: str | None, display: _Display,
         stop: Stop) -> BatchSummary:
    """Run on the local workers, or on the Dask cluster at ``scheduler`` (as many jobs as its
    threads, unless --jobs says otherwise)."""
    with contextlib.ExitStack() as stack:
        pool = None
        if scheduler is not None:
            pool, threads = stack.enter_context(dask_executor(scheduler))
            if ctx.get_parameter_source("jobs") is ParameterSource.DEFAULT:
                request = dataclasses.replace(request, jobs=threads)
        return run_batch(request, on_result=display.result, on_tick=display.tick, executor=pool, stop=stop)


def _write_report(path: Path, summary: BatchSummary) -> None:
    """The HTML report, its timelines read back from the manifest; never over an output of the run."""
    target = Path(path).resolve()
    outputs = {summary.output_dir / out.path for entry in summary.entries.values() for out in entry.outputs}
    if target in outputs:
        raise OutputError("refusing to write the report over an output of the run; choose another name",
                          Location(str(path)))
    manifest = Manifest.load(summary.output_dir)
    timelines = {rel: manifest.timeline(rel) for rel, entry in summary.entries.items()
                 if entry.status is not Status.FAILED and rel in manifest.files}
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the report's folder: {exc.strerror or exc}", Location(str(path))) from None
    write_text_atomic(path, render_report_html(summary, timelines, reviews=review_links(summary, path)))
