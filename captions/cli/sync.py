"""``captions sync``: move a caption file onto the speech of its media (offset and drift)."""

from __future__ import annotations

import json
import sys

import click

from ..audio import MIN_CONFIDENCE, load_sound, require_audio
from ..files import same_file, write_bytes_atomic
from ..formats import Format
from . import EXIT_FOUND, main


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(dir_okay=False))
@click.option("--media", "media", required=True, type=click.Path(dir_okay=False),
              help="The replay (video or audio) the captions are for; its speech is detected with the "
                   "audio extra (pip install 'captions[audio]') and ffmpeg.")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="Where to write the synced file ('-' is standard output); never the input.")
@click.option("--format", "fmt", type=click.Choice([f.value for f in Format]), default=None,
              help="Format of INPUT when its suffix is not .srt/.vtt.")
@click.option("--min-confidence", type=click.FloatRange(0.0, 1.0), default=MIN_CONFIDENCE, show_default=True,
              help="Refuse (exit 1, nothing written) when the fit is less sure than this.")
@click.option("--json", "as_json", is_flag=True, help="Print the offset, drift and confidence as JSON.")
def sync(input_path: str, media: str, output: str, fmt: str | None, min_confidence: float, as_json: bool) -> None:
    """Move a caption file onto the speech of its media: finds a global offset and a linear
    drift (a frame-rate mix-up such as 25 vs 23.976 fps), applies them, and reports them with a
    confidence.  Only the times change; a fit that is not sure enough is refused and nothing is
    written.

    \b
    Example:
      captions sync show.srt --media show.mp4 -o show.synced.srt
      captions sync show.vtt --media show.mkv -o - --json
    """
    if output != "-" and same_file(output, input_path):
        raise click.UsageError("-o names the input; sync never writes over its input")
    require_audio()
    from ..sync import sync_file   # numpy: only once the extra is known to be there

    sound = load_sound(media)
    result = sync_file(input_path, sound, fmt=Format(fmt) if fmt else None, min_confidence=min_confidence)
    fit = result.fit
    if as_json:
        stream = sys.stderr if output == "-" else sys.stdout
        stream.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    if not result.accepted:
        click.echo(f"captions: sync refused for {result.source}: {fit.describe()} is under {min_confidence:.2f} "
                   f"({fit.on_speech:.0%} of cue time on speech after the best fit, {fit.chance:.0%} by chance); "
                   f"is {media} the media of these captions? Nothing written", err=True)
        sys.exit(EXIT_FOUND)
    if output == "-":
        sys.stdout.buffer.write(result.to_bytes())
        sys.stdout.flush()
    else:
        write_bytes_atomic(output, result.to_bytes())
        click.echo(f"captions: wrote {output}", err=True)
    click.echo(f"captions: {result.source}: {fit.describe()}; {fit.matched} of {fit.cues} cue starts on a speech "
               f"onset", err=True)
