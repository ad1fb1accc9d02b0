"""``captions convert``: a transcript (or SRT/WebVTT) in, SRT and/or WebVTT out."""

from __future__ import annotations

import functools
import sys

import click

from ..corrections import apply_to_transcript, load_dictionaries
from ..corrections import dictionaries_for
from ..convert import Corrector, Progress, convert_file
from ..files import printable
from ..convert import Report
from ..presets import PresetChoice
from ..transcript import ReadOptions
from . import main
from .options import lang_option, language_preset_options, reader_options


@main.command()
@click.argument("input_path", metavar="INPUT|-", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", "outputs", multiple=True, metavar="OUTPUT",
              help="Output file; its suffix (.srt, .vtt) picks the format. Repeat for several; "
                   "'-' is standard output (needs --to). Default: INPUT with the --to suffix "
                   "(.srt) beside it, or standard output for standard input.")
@click.option("--to", "to", type=click.Choice(["srt", "vtt"]), default=None,
              help="Format for '-o -', for outputs without a known suffix, and for the default output.")
@language_preset_options
@lang_option("Language for line breaking and typography (default: detected; a language's rules apply only "
             "when the detection is confident).")
@click.option("--no-typography", "no_typography", is_flag=True,
              help="Keep the text as is: no typography pass (French spaces, ellipses, accented capitals...).")
@click.option("--dict", "dict_paths", multiple=True, type=click.Path(dir_okay=False),
              help="A correction dictionary applied before cues are built; repeat for several "
                   "(order as in 'captions correct'). Dictionaries next to INPUT are found too.")
@click.option("--no-discover", is_flag=True,
              help="Use only the --dict files, not the NAME.dict.* / captions.dict.* next to INPUT.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), default=None,
              help="Write a JSON report: every cue that misses a limit, the quality measures, and the "
                   "reader's notes.")
@click.option("--review-html", "review_path", type=click.Path(dir_okay=False), default=None,
              help="Write the review page: every cue with its times, reading speed and turns, the findings "
                   "and corrections marked where they are (one self-contained HTML file).")
@click.option("--speaker-labels/--no-speaker-labels", default=None,
              help="Open each named speaker's turn with NAME: (default: on when an SDH preset is asked for).")
@click.option("--explain", is_flag=True,
              help="List every correction and typography change on standard error (rule, before, after, line).")
@click.option("--media", "media", type=click.Path(dir_okay=False), default=None,
              help="The replay (video or audio): each cue is timed on the speech heard in it (needs "
                   "pip install 'captions[audio]' and ffmpeg; see docs/audio.md).")
@reader_options
def convert(input_path: str, outputs: tuple[str, ...], to: str | None, preset: PresetChoice, lang: str | None,
            no_typography: bool, dict_paths: tuple[str, ...], no_discover: bool, report_path: str | None,
            review_path: str | None, speaker_labels: bool | None, explain: bool, media: str | None,
            read_options: ReadOptions) -> None:
    """Build broadcast-quality captions from a replay-page transcript.

    Times are estimated inside each floored second, the text is cut at sentence ends, clause
    punctuation and before conjunctions, lines are balanced, and every cue that cannot meet
    the preset (reading speed, duration, lines) is kept verbatim and listed in the report.
    An SRT or WebVTT input keeps its times and gets its lines re-broken, unless its cues are
    a transcript (word times, rolling auto-captions, named speakers): then its words are cut
    into cues again, each starting at its first word's time.

    \b
    Example:
      captions convert samples/techco-2026-03-05.txt --dict samples/techco.dict.toml \\
          -o show.srt -o show.vtt --report report.json --review-html show.html
      captions convert show.txt --preset netflix --max-cps 17 -o - --to vtt
      captions convert show.txt --media show.mp4 -o show.srt
    """
    corrector: Corrector | None = None
    paths = dictionaries_for(input_path, dict_paths, discover=not no_discover)
    if paths:
        corrector = functools.partial(apply_to_transcript, dictionary=load_dictionaries(paths))
    speech = None
    if media is not None:
        from ..audio import speech_from_media   # says how to install the audio extra when it is missing

        speech = speech_from_media(media)
    done = convert_file(input_path, outputs, preset, to=to, lang=lang, typography=not no_typography,
                        corrector=corrector, report_path=report_path, review_path=review_path,
                        read_options=read_options, speech=speech, speaker_labels=speaker_labels,
                        progress=_progress(input_path))
    if done.stdout is not None:
        click.echo(done.stdout, nl=False)
    report = done.result.report
    summary = _summary(report, report_path)
    if media is not None:
        summary += f"; timed on the speech of {media}"
    if paths:
        changes = len(report.changes)
        summary += f"; {changes} correction(s) from {', '.join(str(p) for p in paths)}"
    if report.typography:
        summary += f"; {len(report.typography)} typography change(s)" + ("" if explain else " (see --explain)")
    for warning in done.warnings:
        click.echo(f"captions: {warning}", err=True)
    for path in done.written:
        click.echo(f"captions: wrote {path}", err=True)
    if explain:
        for change in (*report.changes, *report.typography):
            click.echo(change.explain() if hasattr(change, "explain") else str(change), err=True)
    click.echo(summary, err=True)


def _progress(input_path: str) -> Progress | None:
    """On a terminal, a line that says how far a long conversion is (redrawn as its sections
    are written, cleared at the end); nothing when standard error is not a terminal."""
    if not sys.stderr.isatty():
        return None
    name = printable(input_path)

    def show(done: int, total: int) -> None:
        line = f"captions: {name}: {done * 100 // max(total, 1)} % of {total:,} fragments written"
        click.echo("\r\033[K" + (line if done < total else ""), err=True, nl=False)

    return show


def _summary(report: Report, report_path: str | None) -> str:
    """The line that sums a conversion up: the preset and why, speed, limits, quality."""
    chosen = "chosen for the language" if report.preset_by_language else "asked for"
    summary = f"captions: {report.cues} cues ({report.lang}, preset {report.preset} {chosen})"
    quality = report.quality
    if report.reading is not None:   # in the preset's unit (words per minute for bbc, dcmp)
        median, unit = ((quality.speed.median, quality.speed.unit.value) if quality is not None
                        else (report.reading.median_cps, "cps"))
        summary += f"; reading speed median {median:.1f} {unit}, {report.reading.too_fast} over the limit"
    if report.misses:
        summary += f"; {len(report.misses)} limit(s) missed" + ("" if report_path else " (see --report)")
    if quality is not None:
        if quality.turns:
            summary += f"; turns marked {quality.turns_marked}/{quality.turns}"
        share = 100 * quality.weak_line_ends / quality.lines if quality.lines else 0.0
        summary += (f"; {quality.expression_splits} cut(s) inside expressions, {share:.1f} % of lines on a weak word, "
                    f"{quality.blanks_unmarked} unmarked blank(s) inside sentences")
    return summary
