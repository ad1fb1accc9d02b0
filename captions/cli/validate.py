"""``captions validate``: check SRT/WebVTT files, locate every finding, optionally repair."""

from __future__ import annotations

import json
import sys

import click

from ..errors import CaptionsError
from ..files import same_file, write_text_atomic
from ..formats import Format, render_captions
from ..validate import check_text, fix_cues, format_result, validate_file
from . import main
from .options import preset_options

_RANK = {"error": 2, "warning": 1, "info": 0}


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
def validate(files, preset, fmt, lang, as_json, fail_on, fix, output, in_place) -> None:
    """Check the timing and layout of SRT or WebVTT files against a preset.

    Prints one `file:line: code: message` line per finding, then a summary per file.
    Exit status: 0 when nothing reaches --fail-on, 1 when something does, 2 for a bad
    invocation or a file that cannot be read at all.

    \b
    Example:
      captions validate show.srt show.vtt --preset netflix
      captions validate --json --fail-on warning show.vtt
      captions validate --fix show.srt -o show.fixed.srt
    """
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
    fmt = Format(fmt) if fmt else None
    results, worst = [], -1
    for path in files:
        try:
            result = validate_file(path, preset, lang=lang, fmt=fmt)
        except CaptionsError as exc:
            click.echo(f"captions: error: {exc}", err=True)
            sys.exit(2)
        findings = result.findings
        if fix:
            fixed, repairs = fix_cues(result.cues, preset, lang=lang)
            target = output or path
            out_fmt = Format(result.format)
            text = render_captions(fixed, out_fmt, header_notes=result.notes)
            if target == "-":
                sys.stdout.write(text)
            else:
                write_text_atomic(target, text)
            for r in repairs:
                change = f" ({r.before} -> {r.after})".replace("\n", " / ") if r.before or r.after else ""
                click.echo(f"{result.source}: cue {r.cue}: {r.code.value}: {r.message}{change}", err=True)
            # What is left is reported on the written file, so that its lines point into it.
            result = check_text(text.encode("utf-8"), "<stdout>" if target == "-" else target, preset,
                                fmt=out_fmt, lang=lang)
            findings = result.findings
            click.echo(f"{result.source}: {len(repairs)} repairs written; {len(findings)} findings left",
                       err=True)
        worst = max([worst, *(_RANK[f.severity.value] for f in findings)])
        results.append(result)
        if not as_json and not (fix and output == "-"):
            click.echo(format_result(result), nl=False)
    if as_json:
        stream = sys.stderr if fix and output == "-" else sys.stdout
        stream.write(json.dumps({"version": 1, "files": [r.to_dict() for r in results]},
                                ensure_ascii=False, indent=1) + "\n")
    sys.exit(1 if worst >= _RANK[fail_on] else 0)
