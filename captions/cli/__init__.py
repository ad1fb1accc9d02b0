"""The ``captions`` command line: a thin click shell over the library.

Library errors become ``captions: error: ...`` on stderr and exit status 1 here,
in one place; click itself answers a bad invocation with status 2.
"""

from __future__ import annotations

import gc
import importlib
from typing import Any

import click

from .. import __version__
from ..errors import CaptionsError

__all__ = ["main"]

# Each command lives in its own module and registers itself on ``main`` when imported; the
# group imports a module only when its command runs or shows its own help, so a command pays
# at start only for the library it uses.  ``captions --help`` lists the commands from the
# summaries below (the first paragraph of each command's help; a test keeps them equal), so
# that listing them imports none.
_COMMANDS: dict[str, tuple[str, str]] = {  # name -> (module, summary)
    "batch": ("batch", "Convert and check every transcript (.txt) and caption file (.srt, .vtt) below "
                       "INPUT_DIR."),
    "convert": ("convert", "Build broadcast-quality captions from a replay-page transcript."),
    "correct": ("correct", "Repair speech-recognition errors in a transcript, SRT or WebVTT file with correction "
                           "dictionaries.  Only the corrected words change: stamps, line breaks, spacing, encoding "
                           "and line ends are written back as they were."),
    "dict": ("correct", "Work with correction dictionaries (see docs/dictionaries.md)."),
    "inspect": ("inspect", "Show what the reader understood of a transcript: layout, fragments, page metadata and "
                           "every decision it made (notes), with their lines."),
    "validate": ("validate", "Check the timing and layout of SRT or WebVTT files against a preset."),
}


class _Group(click.Group):
    """A click group that loads its commands on demand, runs them with the garbage collector
    paused, and turns every :class:`CaptionsError` into one clean message."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(_COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in _COMMANDS:
            importlib.import_module(f"{__name__}.{_COMMANDS[name][0]}")
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``captions --help``, from the summaries (no command imported)."""
        limit = formatter.width - 6 - max(len(name) for name in _COMMANDS)
        # click shortens a summary as it shortens the command's own help (same width, same cut)
        rows = [(name, click.Command(name, help=summary).get_short_help_str(limit))
                for name, (_, summary) in sorted(_COMMANDS.items())]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        # A command is a short-lived process that builds many small acyclic values (fragments,
        # cues, findings) and frees them by reference counting: the collector's passes over them
        # find nothing, and on a long transcript they are a large share of the run.  Paused
        # rather than frozen: freezing spares only what exists before the command starts, not
        # what it builds.  Restored after the command for callers that run the command line in
        # their own process (tests); batch workers pause it per job (captions.batch.driver).
        enabled = gc.isenabled()
        gc.disable()
        try:
            return super().invoke(ctx)
        except CaptionsError as exc:
            click.echo(f"captions: error: {exc}", err=True)
            ctx.exit(1)
        except BrokenPipeError:  # `captions ... | head` is not an error
            ctx.exit(0)
        finally:
            if enabled:
                gc.enable()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="captions")
def main() -> None:
    """Turn replay-page transcripts into SRT and WebVTT captions, repair speech
    recognition errors, and validate caption timing.

    \b
    Example:
      captions inspect samples/techco-2026-03-05.txt
    """
