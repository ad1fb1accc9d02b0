"""``captions validate``: check SRT/WebVTT files, locate every finding, optionally repair."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from ..files import same_file, write_text_atomic
from ..findings import Severity
from ..formats import Format
from ..presets import Preset
from ..validate import ValidationResult, fix_document, format_repair, format_result, validate_file
from . import main
from .options import preset_options


@main.command()
@click.argument("files", metavar="FILE...|-", nargs=-1, required=True,
                type=click.Path(dir_okay=False, allow_dash=True))
@preset_options
@click.option("--format", "fmt", type=click.Choice([f.value for f in Format]), default=None,
              help="Format of standard input or of a file whose suffix is not .srt/.vtt.")
@click.option("--lang", default=None, help="Language of the text (fr enables the non-breaking space check); "
              "detected when omitted.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON (for machines).")
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
def validate(files: tuple[str, ...], preset: Preset, fmt: str | None, lang: str | None, as_json: bool,
             fail_on: str, fix: bool, output: str | None, in_place: bool, media: str | None,
             tolerance_ms: int | None) -> None:
    """Check the timing and layout of SRT or WebVTT files against a preset.

    Prints one `file:line: code: message` line per finding, then a summary per file.
    Exit status: 0 when nothing reaches --fail-on, 1 when something does, 2 for a bad
    invocation or a file that cannot be read at all.

    \b
    Example:
      captions validate show.srt show.vtt --preset netflix
      captions validate --json --fail-on warning show.vtt
      captions validate --fix show.srt -o show.fixed.srt
      captions validate show.srt --media show.mp4
    """
    _check_fix_options(files, fix, output, in_place)
    sound = _media_sound(files, media, tolerance_ms)
    read_as = Format(fmt) if fmt else None
    text_to_stdout = fix and output == "-"   # then the text report is left out, and JSON goes to stderr
    results = []
    for path in files:
        result = validate_file(path, preset, lang=lang, fmt=read_as)
        if sound is not None:
            from ..validate.media import MediaRules, with_media

            rules = MediaRules() if tolerance_ms is None else MediaRules(tolerance_ms=tolerance_ms)
            result = with_media(result, sound, rules)
        if fix:
            result = _write_fix(result, output or path, preset, lang)
        results.append(result)
        if not as_json and not text_to_stdout:
            click.echo(format_result(result), nl=False)
    if as_json:
        stream = sys.stderr if text_to_stdout else sys.stdout
        stream.write(json.dumps({"version": 1, "files": [r.to_dict() for r in results]},
                                ensure_ascii=False, indent=1) + "\n")
    limit = Severity(fail_on).rank
    sys.exit(1 if any(f.severity.rank >= limit for r in results for f in r.findings) else 0)


def _media_sound(files: tuple[str, ...], media: str | None, tolerance_ms: int | None) -> Any:
    """The speech of ``--media`` (None without it); one caption file only."""
    if media is None:
        if tolerance_ms is not None:
            raise click.UsageError("--tolerance-ms goes with --media")
        return None
    if len(files) != 1:
        raise click.UsageError("--media is the replay of one caption file: give one FILE")
    from ..audio import load_sound   # says how to install the audio extra when it is missing

    return load_sound(media)


def _check_fix_options(files: tuple[str, ...], fix: bool, output: str | None, in_place: bool) -> None:
    """Refuse the combinations of --fix, -o and --in-place that could lose a file or make no sense."""
    if (output or in_place) and not fix:
        raise click.UsageError("-o/--in-place only go with --fix")
    if fix and not (output or in_place):
        raise click.UsageError("--fix needs -o OUTPUT or --in-place (the input is never overwritten otherwise)")
    if output and (in_place or len(files) > 1):
        raise click.UsageError("-o takes one input; use --in-place for several")
    if in_place and "-" in files:
        raise click.UsageError("--in-place cannot write to standard input")
    if output and same_file(output, files[0]):
        raise click.UsageError("-o names the input; use --in-place to write over it")


def _write_fix(result: ValidationResult, target: str, preset: Preset, lang: str | None) -> ValidationResult:
    """Repair ``result``, write it to ``target`` (``-``: standard output), print the repairs;
    what is left is the validation of the written text."""
    fixed = fix_document(result, preset, target=target, lang=lang)
    if target == "-":
        sys.stdout.write(fixed.text)
    else:
        write_text_atomic(target, fixed.text)
    for repair in fixed.repairs:
        click.echo(format_repair(result.source, repair), err=True)
    left = fixed.remaining
    click.echo(f"{left.source}: {len(fixed.repairs)} repairs written; {len(left.findings)} findings left", err=True)
    return left
