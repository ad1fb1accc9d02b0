"""``captions validate``: check SRT/WebVTT files, locate every finding, optionally repair."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import IO

import click

from ..files import same_file, write_all
from ..findings import Finding, Severity
from ..formats import CaptionDocument, Format, read_captions
from ..presets import Preset
from ..validate import FixResult, Summary, ValidationResult, check_document, fix_document, format_finding, format_repair, format_summary, stream_document
from ..validate.repair import RepairDict
from . import main
from .options import lang_option, preset_options

_BATCH = 2000   # lines written at once: one write per line costs more than the checks


@main.command()
@click.argument("files", metavar="FILE...|-", nargs=-1, required=True,
                type=click.Path(dir_okay=False, allow_dash=True))
@preset_options
@click.option("--format", "fmt", type=click.Choice([f.value for f in Format]), default=None,
              help="Format of standard input or of a file whose suffix is not .srt/.vtt.")
@lang_option("Language of the text (fr enables the French non-breaking space check and repair); "
             "detected when omitted, and French rules apply only to text detected as French.")
@click.option("--encoding", default=None, metavar="NAME",
              help="Encoding of the input (cp1252, cp1251, iso-8859-2...); detected when omitted.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON (for machines), as they are found.")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
              help="Exit 1 when a finding of this severity (or worse) is found.")
@click.option("--fix", is_flag=True, help="Repair what can be repaired without touching the words.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="With --fix: where to write the repaired file (one input only).")
@click.option("--in-place", is_flag=True, help="With --fix: write the repairs over each input.")
@click.option("--media", "media", type=click.Path(dir_okay=False), default=None,
              help="Check the cues against the speech of this replay (one FILE only): cues over silence, "
                   "speech without a cue, starts off their speech, a global offset (needs "
                   "pip install 'captions[audio]' and ffmpeg).")
@click.option("--tolerance-ms", type=click.IntRange(0), default=None,
              help="With --media: how far a cue may start from its speech (default 300).")
@click.option("--drop-unreadable", is_flag=True,
              help="With --fix: drop the blocks no rule can read (listed) instead of writing nothing.")
@click.option("--output-encoding", default=None, metavar="NAME",
              help="With --fix: the encoding to write (default: the input's).")
def validate(files: tuple[str, ...], preset: Preset, fmt: str | None, lang: str | None, encoding: str | None,
             as_json: bool, fail_on: str, fix: bool, output: str | None, in_place: bool, drop_unreadable: bool,
             output_encoding: str | None, media: str | None, tolerance_ms: int | None) -> None:
    """Check the timing and layout of SRT or WebVTT files against a preset.

    Prints one `file:line: code: message` line per finding, then a summary per file.
    Exit status: 0 when nothing reaches --fail-on, 1 when something does (or when --fix meets
    a block it cannot read), 2 for a bad invocation or a file that cannot be read at all.

    \b
    Example:
      captions validate show.srt show.vtt --preset netflix
      captions validate --json --fail-on warning show.vtt
      captions validate --fix show.srt -o show.fixed.srt
      captions validate show.srt --media show.mp4
    """
    _check_fix_options(files, fix, output, in_place, drop_unreadable, output_encoding)
    sound = _media_check(files, media, tolerance_ms)
    read_as = Format(fmt) if fmt else None
    limit = Severity(fail_on).rank
    if fix:
        documents = [read_captions(path, read_as, encoding=encoding) for path in files]
        failed = _fix_all(documents, files, output, preset, lang, as_json, drop_unreadable, output_encoding, limit,
                          sound)
    else:
        failed = _check_all(files, read_as, encoding, preset, lang, as_json, limit, sound)
    sys.exit(1 if failed else 0)


MediaCheck = Callable[[ValidationResult], ValidationResult]


def _media_check(files: tuple[str, ...], media: str | None, tolerance_ms: int | None) -> MediaCheck | None:
    """What ``--media`` adds to a file's validation: its findings against the replay's speech
    (None without it); one caption file only."""
    if media is None:
        if tolerance_ms is not None:
            raise click.UsageError("--tolerance-ms goes with --media")
        return None
    if len(files) != 1:
        raise click.UsageError("--media is the replay of one caption file: give one FILE")
    from ..audio import load_sound   # says how to install the audio extra when it is missing

    sound = load_sound(media)
    from ..validate.media import MediaRules, with_media   # needs the extra: imported once it is known there

    rules = MediaRules() if tolerance_ms is None else MediaRules(tolerance_ms=tolerance_ms)
    return lambda result: with_media(result, sound, rules)


def _check_fix_options(files: tuple[str, ...], fix: bool, output: str | None, in_place: bool,
                       drop_unreadable: bool, output_encoding: str | None) -> None:
    """Refuse the combinations of --fix, -o and --in-place that could lose a file or make no sense."""
    if (output or in_place or drop_unreadable or output_encoding) and not fix:
        raise click.UsageError("-o, --in-place, --drop-unreadable and --output-encoding only go with --fix")
    if fix and not (output or in_place):
        raise click.UsageError("--fix needs -o OUTPUT or --in-place (the input is never overwritten otherwise)")
    if output and (in_place or len(files) > 1):
        raise click.UsageError("-o takes one input; use --in-place for several")
    if in_place and "-" in files:
        raise click.UsageError("--in-place cannot write to standard input")
    if output and same_file(output, files[0]):
        raise click.UsageError("-o names the input; use --in-place to write over it")


# ---- checking: findings written as they are found ---------------------------------------------

class _Out:
    """Lines to a stream, written in batches."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.pending: list[str] = []

    def line(self, text: str) -> None:
        self.pending.append(text)
        if len(self.pending) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.stream.write("\n".join(self.pending) + "\n")
            self.pending.clear()


def _check_all(files: Sequence[str], read_as: Format | None, encoding: str | None, preset: Preset,
               lang: str | None, as_json: bool, limit: int, media: MediaCheck | None = None) -> bool:
    """Check each file, writing each finding as it is found (all at once with ``media``: its
    findings need every cue); whether one reaches ``limit``."""
    out = _Out(sys.stdout)
    failed = False
    if as_json:
        out.line('{"version": 1, "files": [')
    for k, path in enumerate(files):
        # one file at a time: the document read before is let go before the next is read
        worst = _check_one(out, read_captions(path, read_as, encoding=encoding), preset, lang, as_json,
                           media, last=k == len(files) - 1)
        failed = failed or worst >= limit
    if as_json:
        out.line("]}")
    out.flush()
    return failed


def _check_one(out: _Out, document: CaptionDocument, preset: Preset, lang: str | None, as_json: bool,
               media: MediaCheck | None, *, last: bool) -> int:
    """Write one file's findings as they are found, then its summary; the worst severity rank met."""
    findings, summary, worst = _checked(document, preset, lang, media)
    if as_json:
        _json_file(out, _head(document.source, document, preset), findings, summary, last=last)
    else:
        for finding in findings:
            out.line(format_finding(document.source, finding))
        out.line(format_summary(document.source, summary(), preset.name))
    return worst()


def _checked(document: CaptionDocument, preset: Preset, lang: str | None, media: MediaCheck | None
             ) -> tuple[Iterable[Finding], Callable[[], Summary], Callable[[], int]]:
    """A file's findings (as they are found), its summary and the worst severity rank met (both
    asked for once the findings are written).  With ``media`` every finding is found first: the
    checks against the speech need every cue."""
    if media is None:
        streamed = stream_document(document, preset, lang=lang)
        return streamed, streamed.summary, lambda: streamed.worst
    result = media(check_document(document, preset, lang=lang))
    return result.findings, _summary_of(result), lambda: max((f.severity.rank for f in result.findings), default=-1)


def _head(path: str, document: CaptionDocument, preset: Preset) -> dict[str, object]:
    return {"path": path, "format": document.format.value, "preset": preset.name, "cues": len(document.cues)}


def _json_file(out: _Out, head: dict[str, object], findings: Iterable[Finding], summary: Callable[[], Summary], *,
               last: bool, repairs: Sequence[RepairDict] | None = None) -> None:
    """One entry of ``files``: its findings written one per line as they come, then its summary
    (asked for once they are all written)."""
    out.line(json.dumps(head, ensure_ascii=False)[:-1] + ', "findings": [')
    previous: str | None = None
    for finding in findings:
        if previous is not None:
            out.line(previous + ",")
        previous = finding.to_json()
    if previous is not None:
        out.line(previous)
    tail: dict[str, object] = {"summary": summary().to_dict()}
    if repairs is not None:
        tail["repairs"] = list(repairs)
    out.line("], " + json.dumps(tail, ensure_ascii=False)[1:] + ("" if last else ","))


# ---- repairing: everything computed, then written all or none ---------------------------------

def _fix_all(documents: Sequence[CaptionDocument], files: Sequence[str], output: str | None, preset: Preset,
             lang: str | None, as_json: bool, drop_unreadable: bool, output_encoding: str | None,
             limit: int, media: MediaCheck | None = None) -> bool:
    """Repair every file, then write them all (or none); whether anything left reaches ``limit``
    (or a file was refused: then nothing is written)."""
    fixes = [fix_document(doc, preset, target=output or path, lang=lang, drop_unreadable=drop_unreadable,
                          encoding=output_encoding) for doc, path in zip(documents, files)]
    if media is not None:   # what is left is checked against the replay too
        fixes = [dataclasses.replace(fixed, remaining=media(fixed.remaining)) if fixed.remaining is not None
                 else fixed for fixed in fixes]
    if any(fixed.refused for fixed in fixes):
        _refuse(documents, fixes)
        return True
    to_stdout = output == "-"
    if to_stdout:
        sys.stdout.buffer.write(fixes[0].data)
        sys.stdout.buffer.flush()
    else:
        write_all([(output or path, fixed.data) for path, fixed in zip(files, fixes)])
    # the report goes where the repaired text does not: standard error when it is on standard output
    out = _Out(sys.stderr if to_stdout else sys.stdout)
    if as_json:
        out.line('{"version": 1, "files": [')
    for k, (doc, fixed) in enumerate(zip(documents, fixes)):
        _report_fix(out, doc, fixed, preset.name, as_json=as_json, text=not to_stdout, last=k == len(fixes) - 1)
    if as_json:
        out.line("]}")
    out.flush()
    return any(f.severity.rank >= limit for fixed in fixes if fixed.remaining for f in fixed.remaining.findings)


def _refuse(documents: Sequence[CaptionDocument], fixes: Sequence[FixResult]) -> None:
    """Name every block no rule reads, and say that nothing was written."""
    files = 0
    for doc, fixed in zip(documents, fixes):
        if fixed.refused:
            files += 1
            for block in fixed.unreadable:
                click.echo(f"captions: {doc.source}:{block.first_line}: cannot repair {block}", err=True)
    click.echo(f"captions: nothing written: {files} file(s) hold blocks no rule can read; repair them by hand, "
               "or give --drop-unreadable to drop them (each is listed)", err=True)


def _report_fix(out: _Out, doc: CaptionDocument, fixed: FixResult, preset: str, *, as_json: bool, text: bool,
                last: bool) -> None:
    """The repairs of one file (standard error), then what is left (JSON, or the text report)."""
    left = fixed.remaining
    assert left is not None, "a file that is written has been validated"
    for repair in fixed.repairs:
        click.echo(format_repair(doc.source, repair), err=True)
    click.echo(f"{left.source}: {len(fixed.repairs)} repairs written; {len(left.findings)} findings left", err=True)
    if as_json:
        head: dict[str, object] = {"path": left.source, "format": left.format.value, "preset": preset,
                                   "cues": len(left.cues)}
        _json_file(out, head, left.findings, _summary_of(left), last=last,
                   repairs=[r.to_dict() for r in fixed.repairs])
    elif text:
        for finding in left.findings:
            out.line(format_finding(left.source, finding))
        out.line(format_summary(left.source, left.summary, preset))


def _summary_of(result: ValidationResult) -> Callable[[], Summary]:
    return lambda: result.summary
