"""``captions convert``: a transcript (or SRT/WebVTT) in, SRT and/or WebVTT out."""

from __future__ import annotations

import functools

import click

from ..corrections import apply_to_transcript, load_dictionaries
from ..corrections import dictionaries_for
from ..convert import Corrector, convert_file
from ..presets import Preset
from . import main
from .options import lang_option, preset_options


@main.command()
@click.argument("input_path", metavar="INPUT|-", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", "outputs", multiple=True, metavar="OUTPUT",
              help="Output file; its suffix (.srt, .vtt) picks the format. Repeat for several; "
                   "'-' is standard output (needs --to). Default: INPUT with the --to suffix "
                   "(.srt) beside it, or standard output for standard input.")
@click.option("--to", "to", type=click.Choice(["srt", "vtt"]), default=None,
              help="Format for '-o -', for outputs without a known suffix, and for the default output.")
@preset_options
@lang_option("Language for line breaking and typography (default: detected; French typography only for text "
             "detected as French). A transcript is built with French or English rules.")
@click.option("--no-typography", "no_typography", is_flag=True,
              help="Keep the text as is (no French non-breaking spaces).")
@click.option("--dict", "dict_paths", multiple=True, type=click.Path(dir_okay=False),
              help="A correction dictionary applied before cues are built; repeat for several "
                   "(order as in 'captions correct'). Dictionaries next to INPUT are found too.")
@click.option("--no-discover", is_flag=True,
              help="Use only the --dict files, not the NAME.dict.* / captions.dict.* next to INPUT.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), default=None,
              help="Write a JSON report: every cue that misses a limit, and the reader's notes.")
def convert(input_path: str, outputs: tuple[str, ...], to: str | None, preset: Preset, lang: str | None,
            no_typography: bool, dict_paths: tuple[str, ...], no_discover: bool, report_path: str | None) -> None:
    """Build broadcast-quality captions from a replay-page transcript.

    Times are estimated inside each floored second, the text is cut at sentence ends, clause
    punctuation and before conjunctions, lines are balanced, and every cue that cannot meet
    the preset (reading speed, duration, lines) is kept verbatim and listed in the report.
    An SRT or WebVTT input keeps its times and gets its lines re-broken.

    \b
    Example:
      captions convert samples/techco-2026-03-05.txt --dict samples/techco.dict.toml \\
          -o show.srt -o show.vtt --report report.json
      captions convert show.txt --preset netflix --max-cps 17 -o - --to vtt
    """
    corrector: Corrector | None = None
    paths = dictionaries_for(input_path, dict_paths, discover=not no_discover)
    if paths:
        corrector = functools.partial(apply_to_transcript, dictionary=load_dictionaries(paths))
    done = convert_file(input_path, outputs, preset, to=to, lang=lang, typography=not no_typography,
                        corrector=corrector, report_path=report_path)
    if done.stdout is not None:
        click.echo(done.stdout, nl=False)
    report = done.result.report
    summary = f"captions: {report.cues} cues ({report.lang or 'language not detected'}, preset {report.preset})"
    if report.reading is not None:
        summary += (f"; reading speed median {report.reading.median_cps:.1f} cps, "
                    f"{report.reading.too_fast} over the limit")
    if report.misses:
        summary += f"; {len(report.misses)} limit(s) missed" + ("" if report_path else " (see --report)")
    if paths:
        changes = len(report.changes)
        summary += f"; {changes} correction(s) from {', '.join(str(p) for p in paths)}"
    for warning in done.warnings:
        click.echo(f"captions: {warning}", err=True)
    for path in done.written:
        click.echo(f"captions: wrote {path}", err=True)
    click.echo(summary, err=True)
