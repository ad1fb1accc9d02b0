"""``captions inspect``: what the transcript reader understood."""

from __future__ import annotations

import json

import click

from ..timecode import format_clock
from ..transcript import read_transcript
from . import main


@main.command()
@click.argument("input", metavar="INPUT|-", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Print everything read as JSON (for machines).")
@click.option("--fragments", "show_fragments", is_flag=True, help="Also list every fragment.")
def inspect(input: str, as_json: bool, show_fragments: bool) -> None:
    """Show what the reader understood of a transcript: layout, fragments, page metadata and
    every decision it made (notes), with their lines.

    \b
    Example:
      captions inspect samples/techco-2026-03-05.txt
      captions inspect --json show.txt | jq '.fragments[0]'
    """
    transcript = read_transcript(input)
    if as_json:
        click.echo(json.dumps(transcript.to_dict(), ensure_ascii=False, indent=1))
        return
    frags = transcript.fragments
    speakers = sorted({f.speaker for f in frags if f.speaker})
    click.echo(f"source:    {transcript.source}")
    click.echo(f"encoding:  {transcript.encoding}")
    click.echo(f"layout:    {transcript.layout.value}")
    click.echo(f"fragments: {len(frags)} (lines {frags[0].line}-{frags[-1].line})")
    click.echo(f"span:      {format_clock(frags[0].start_ms)} to {format_clock(frags[-1].start_ms)}")
    if speakers:
        click.echo(f"speakers:  {', '.join(speakers)}")
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
            click.echo(f"{f.line:>6}  {format_clock(f.start_ms, millis=f.precision_ms < 1000)}  {who}{f.text}")
