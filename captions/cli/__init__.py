"""The ``captions`` command line: a thin click shell over the library.

Library errors become ``captions: error: ...`` on stderr and exit status 1 here,
in one place; click itself answers a bad invocation with status 2.
"""

from __future__ import annotations

import importlib

import click

from .. import __version__
from ..errors import CaptionsError

__all__ = ["main"]


class _Group(click.Group):
    """A click group that loads its commands on demand and turns every :class:`CaptionsError`
    into one clean message."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(_COMMAND_MODULES))

    def get_command(self, ctx: click.Context, name: str):
        if name not in self.commands and name in _COMMAND_MODULES:
            importlib.import_module(f"{__name__}.{_COMMAND_MODULES[name]}")
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CaptionsError as exc:
            click.echo(f"captions: error: {exc}", err=True)
            ctx.exit(1)
        except BrokenPipeError:  # `captions ... | head` is not an error
            ctx.exit(0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="captions")
def main() -> None:
    """Turn replay-page transcripts into SRT and WebVTT captions, repair speech
    recognition errors, and validate caption timing.

    \b
    Example:
      captions inspect samples/techco-2026-03-05.txt
    """


# Each command lives in its own module and registers itself on ``main`` when imported; the
# group imports a module only when its command runs (or help lists it), so a command pays at
# start only for the library it uses.
_COMMAND_MODULES = {
    "inspect": "inspect", "convert": "convert", "correct": "correct", "dict": "correct",
    "validate": "validate", "batch": "batch",
}
