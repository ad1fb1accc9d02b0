"""``captions batch``: a thin shell over :func:`captions.batch.run_batch`."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

import click
from click.core import ParameterSource

from ..batch import (
    BatchRequest,
    BatchSummary,
    Layer,
    ManifestEntry,
    Progress,
    Status,
    check_dirs,
    dask_executor,
    parse_formats,
    run_batch,
)
from ..batch.report_html import render_report_html, review_links
from ..review_html import review_pages_dir
from ..errors import ConfigError
from ..files import write_text_atomic
from ..model import Format
from ..presets import Preset
from . import main
from .options import PRESET_OVERRIDES, preset_options


class _Display:
    """How results reach the user: JSON lines, plain lines, or a progress bar on a terminal."""

    def __init__(self, as_json: bool, bar: bool) -> None:
        self.as_json, self.bar = as_json, bar
        self.last_draw = 0.0

    def result(self, rel: str, entry: ManifestEntry, progress: Progress) -> None:
        if self.as_json:
            line = {"type": "file", "path": rel, **{k: v for k, v in entry.to_dict().items() if k != "timeline"}}
            click.echo(json.dumps(line, ensure_ascii=False))
            sys.stdout.flush()
        elif self.bar:
            self._draw(rel, entry, progress)
        else:
            click.echo(_line(rel, entry))

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
            click.echo(json.dumps(data, ensure_ascii=False))
            return
        if self.bar:
            click.echo("\r\033[K", err=True, nl=False)
        findings = ", ".join(f"{code} {n}" for code, n in data["findings"].items()) or "none"
        click.echo(f"{data['files']} files: {data['ok']} converted, {data['skipped']} unchanged (skipped), "
                   f"{data['failed']} failed; {data['errors']} errors, {data['warnings']} warnings "
                   f"({findings}); {data['elapsed_ms'] / 1000:.1f} s")


def _line(rel: str, entry: ManifestEntry) -> str:
    if entry.status is Status.FAILED:
        return f"FAILED  {entry.reason or rel}"
    return (f"{entry.status.value:<7} {rel}: {entry.cues} cues, {entry.errors} errors, "
            f"{entry.warnings} warnings, {entry.corrections} corrections")


def _bar(p: Progress, width: int = 28) -> str:
    filled = int(width * p.done / p.total) if p.total else width
    worked = p.done - p.skipped
    rate = worked / p.elapsed_s if p.elapsed_s > 0 else 0.0
    left = (p.total - p.done) / rate if rate > 0 else None
    eta = "--:--" if left is None else f"{int(left) // 60:02d}:{int(left) % 60:02d}"
    return (f"[{'#' * filled}{'.' * (width - filled)}] {p.done}/{p.total} done, {p.failed} failed, "
            f"{rate:.1f} files/s, ETA {eta}")


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
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True,
              help="Worker processes.")
@click.option("--force", is_flag=True, help="Redo every input, even those the manifest says are done.")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per file as it finishes, then a summary line.")
@click.option("--report-html", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write a self-contained HTML report of the run to this file.")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
              help="Exit 1 when a finding of this severity (or worse) is found.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where the jobs run: local worker processes, or a Dask cluster (needs captions[dask]).")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="The Dask scheduler for --executor dask (tcp://host:8786).")
def batch(input_dir: Path, output_dir: Path, to: str | None, dictionaries: tuple[Path, ...], preset: Preset,
          lang: str | None, typography: bool | None, jobs: int, force: bool, as_json: bool,
          report_html: Path | None, fail_on: str, executor: str, scheduler: str | None) -> None:
    """Convert and check every transcript (.txt) and caption file (.srt, .vtt) below INPUT_DIR.

    Outputs mirror the folder tree under OUTPUT_DIR with the suffix replaced; a manifest
    there records each input so that a rerun only redoes what changed.  Options come from
    the command line, then the nearest captions.toml, then those of parent folders, then
    the defaults (see docs/batch.md).  Exit 0 when every file succeeded and nothing
    reached --fail-on, 1 otherwise, 2 for a bad invocation.

    \b
    Example:
      captions batch samples/ -o out/ --to srt,vtt --report-html out/report.html
      captions batch replays/ -o captions/ --dict show.toml --jobs 4 --json
      captions batch archive/ -o captions/ --executor dask --scheduler tcp://10.0.0.5:8786
    """
    ctx = click.get_current_context()
    src, dst, formats = _check_invocation(input_dir, output_dir, to, report_html, executor, scheduler)
    cli = _command_line_layer(ctx, preset, formats, dictionaries, lang, typography)
    display = _Display(as_json, bar=not as_json and sys.stderr.isatty())
    try:
        pages = review_pages_dir(report_html) if report_html is not None else None
        summary = _run(ctx, BatchRequest(src, dst, cli, jobs=jobs, force=force, review_dir=pages), scheduler, display)
    except KeyboardInterrupt:
        click.echo("\ncaptions: interrupted; finished files are recorded in the manifest, rerun to do the rest",
                   err=True)
        ctx.exit(130)
    display.summary(summary)
    if report_html is not None:
        Path(report_html).parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(report_html, render_report_html(summary, reviews=review_links(summary, report_html)))
    data = summary.to_dict()
    bad = data["failed"] > 0 or data["errors"] > 0 or (fail_on == "warning" and data["warnings"] > 0)
    ctx.exit(1 if bad else 0)


def _check_invocation(input_dir: Path, output_dir: Path, to: str | None, report_html: Path | None, executor: str,
                      scheduler: str | None) -> tuple[Path, Path, tuple[Format, ...] | None]:
    """The resolved folders and ``--to``; a bad combination is a usage error (exit 2)."""
    try:
        src, dst = check_dirs(input_dir, output_dir)
        if report_html is not None and Path(report_html).resolve().is_relative_to(src):
            raise ConfigError(f"--report-html {report_html} is inside INPUT_DIR; batch never writes there")
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


def _run(ctx: click.Context, request: BatchRequest, scheduler: str | None, display: _Display) -> BatchSummary:
    """Run on the local pool, or on the Dask cluster at ``scheduler`` (as many jobs as its
    threads, unless --jobs says otherwise)."""
    with contextlib.ExitStack() as stack:
        pool = None
        if scheduler is not None:
            pool, threads = stack.enter_context(dask_executor(scheduler))
            if ctx.get_parameter_source("jobs") is ParameterSource.DEFAULT:
                request = dataclasses.replace(request, jobs=threads)
        return run_batch(request, on_result=display.result, executor=pool)
