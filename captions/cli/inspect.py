"""``captions inspect``: what the transcript reader understood."""

from __future__ import annotations

import json

import click

from ..files import read_source, source_name
from ..model import Transcript
from ..timecode import format_clock
from ..transcript import ReadOptions, transcript_from_decoded
from ..transcript.explain import Explanation, explain_text
from . import main
from .options import reader_options


_DEFAULT = ReadOptions()


def read_transcript(path: str, options: ReadOptions = _DEFAULT) -> Transcript:
    """The transcript of ``path``, without the pieces inspect does not show (a function of its
    own so that tests can stand in for it)."""
    return transcript_from_decoded(read_source(path), source_name(path), pieces=False, options=options)


@main.command()
@click.argument("input", metavar="INPUT|-", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Print everything read as JSON (for machines).")
@click.option("--fragments", "show_fragments", is_flag=True, help="Also list every fragment.")
@click.option("--explain", is_flag=True, help="Show how each of the first lines was read, and the layout scores; "
                                             "for a refused file, what each layout found on them.")
@click.option("--lines", "count", type=click.IntRange(min=1), default=40, show_default=True, metavar="N",
              help="How many lines --explain shows.")
@reader_options
def inspect(input: str, as_json: bool, show_fragments: bool, explain: bool, count: int,
            read_options: ReadOptions) -> None:
    """Show what the reader understood of a transcript: layout, fragments, page metadata and
    every decision it made (notes), with their lines.

    Turns (a change of speaker the transcript marks) are counted, and marked with '>' in the
    list of fragments.

    \b
    Example:
      captions inspect samples/techco-2026-03-05.txt
      captions inspect --explain --lines 20 show.md
      captions inspect --json show.txt | jq '.fragments[0]'
    """
    options = read_options
    if explain:
        _explain(input, count, options, as_json)
        return
    transcript = read_transcript(input) if options == _DEFAULT else read_transcript(input, options)
    if as_json:
        click.echo(json.dumps(transcript.to_dict(), ensure_ascii=False))
        return
    _show(transcript, show_fragments)


def _explain(input: str, count: int, options: ReadOptions, as_json: bool) -> None:
    """Print how the first lines were read; a refused file's error is raised after it."""
    decoded = read_source(input)
    explanation = explain_text(decoded.text, source_name(input), count=count, encoding=decoded.encoding,
                               options=options)
    if as_json:
        data: dict[str, object] = {"explain": [r.to_dict() for r in explanation.lines]}
        if explanation.transcript is not None:
            data = {**explanation.transcript.to_dict(), **data}
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        _show_explanation(explanation)
    if explanation.error is not None:
        raise explanation.error


def _show_explanation(explanation: Explanation) -> None:
    transcript = explanation.transcript
    if transcript is not None:
        best = ", ".join(f"{name} {score:.2f}" for name, score in transcript.scores[:4] if score)
        click.echo(f"layout:    {transcript.layout.value} (scores on {transcript.scored_lines} lines: {best or 'none'})")
    width = max((len(str(r.line)) for r in explanation.lines), default=1)
    for r in explanation.lines:
        text = r.text if len(r.text) <= 50 else r.text[:49] + "…"
        click.echo(f"{r.line:>{width}}  {text:<50}  {r.reading}")


def _show(transcript: Transcript, show_fragments: bool) -> None:
    frags = transcript.fragments
    speakers = sorted({f.speaker for f in frags if f.speaker})
    click.echo(f"source:    {transcript.source}")
    click.echo(f"encoding:  {transcript.encoding}")
    click.echo(f"layout:    {transcript.layout.value}")
    click.echo(f"fragments: {len(frags)} (lines {frags[0].line}-{frags[-1].line})")
    click.echo(f"span:      {format_clock(frags[0].start_ms)} to {format_clock(frags[-1].start_ms)}")
    if speakers:
        click.echo(f"speakers:  {', '.join(speakers)}")
    click.echo(f"turns:     {transcript.turns}")
    timed = sum(1 for f in frags if f.words)
    if timed:
        click.echo(f"words:     {sum(len(f.words) for f in frags)} with their own times, in {timed} fragments")
    for label, lines in (("metadata:", transcript.metadata), ("footer:", transcript.footer)):
        for text in lines:
            click.echo(f"{label:<10} {text}")
            label = ""
    click.echo(f"notes:     {len(transcript.notes)}")
    for note in transcript.notes:
        click.echo(f"  {transcript.source}:{note.line}: {note.code.value}: {note.message}")
    if show_fragments:
        for f in frags:
            who = f"{f.speaker}: " if f.speaker else ""
            mark = ">" if f.turn else " "
            click.echo(f"{f.line:>6}  {format_clock(f.start_ms, millis=f.precision_ms < 1000)}  {mark} {who}{f.text}")
