"""The ``captions`` command line: a thin click shell over the library.

Library errors become ``captions: error: ...`` on stderr and exit status 1 here,
in one place; click itself answers a bad invocation with status 2.
"""

from __future__ import annotations

import click

from .. import __version__
from ..errors import CaptionsError

__all__ = ["main"]


class _Group(click.Group):
    """A click group that turns every :class:`CaptionsError` into one clean message."""

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


# Each command registers itself on ``main`` when imported.
from . import inspect  # noqa: E402,F401
from . import batch  # noqa: E402,F401
from . import correct  # noqa: E402,F401
from . import convert  # noqa: E402,F401
from . import validate  # noqa: E402,F401
