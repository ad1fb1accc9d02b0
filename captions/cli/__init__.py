"""The ``captions`` command line: a thin click shell over the library.

Every command exits with the same table of statuses (docs/exit-codes.md), decided here in one
place:

* 0: done;
* 1: the job found what it checks for (findings at ``--fail-on``, files that failed in a batch);
  the commands say so themselves;
* 2: a bad invocation (click's usage errors: an unknown option, a bad number, a missing
  argument) or input, configuration or output the library refuses (every
  :class:`~captions.errors.CaptionsError`, and a file the system will not let us read or write):
  one line ``captions: error: FILE:LINE: message`` on standard error;
* 3: an internal error, a bug: one line saying so (``CAPTIONS_DEBUG=1`` shows the traceback);
* 130: interrupted (Ctrl-C).

Every failure is one line on standard error, never a traceback: the group formats click's own
usage errors that way too (:meth:`_Group.main`).
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from .. import __version__

__all__ = ["main", "run", "EXIT_OK", "EXIT_FOUND", "EXIT_BAD_INPUT", "EXIT_INTERNAL", "EXIT_INTERRUPTED"]

EXIT_OK, EXIT_FOUND, EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

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
    "sync": ("sync", "Move a caption file onto the speech of its media: finds a global offset and a linear drift (a "
                     "frame-rate mix-up such as 25 vs 23.976 fps), applies them, and reports them with a confidence.  "
                     "Only the times change; a fit that is not sure enough is refused and nothing is written."),
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

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        """Run the command line; a usage error is one line ``captions: error: ...`` (exit 2), an
        interrupt is ``captions: interrupted`` (exit 130).  With ``standalone_mode=False``,
        click's own behaviour (exceptions raised to the caller)."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            status = super().main(args, prog_name, complete_var, False, **extra)
        except click.ClickException as exc:
            hint = ""
            if isinstance(exc, click.UsageError) and exc.ctx is not None:
                hint = f" (see '{exc.ctx.command_path} --help')"
            click.echo(f"captions: error: {' '.join(exc.format_message().split())}{hint}", err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Abort, KeyboardInterrupt, EOFError):
            click.echo("captions: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        sys.exit(status if isinstance(status, int) else EXIT_OK)

    def invoke(self, ctx: click.Context) -> Any:
        # A command is a short-lived process that builds many small acyclic values (fragments,
        # cues, findings) and frees them by reference counting: the collector's passes over them
        # find nothing, and on a long transcript they are a large share of the run.  Paused
        # rather than frozen: freezing spares only what exists before the command starts, not
        # what it builds.  Restored after the command for callers that run the command line in
        # their own process (tests); batch workers pause it per job (captions.batch.driver).
        from ..errors import CaptionsError   # the library loads with a command, not for --help or --version

        enabled = gc.isenabled()
        gc.disable()
        try:
            return super().invoke(ctx)
        except CaptionsError as exc:
            _fail(ctx, EXIT_BAD_INPUT, f"captions: error: {exc}")
        except BrokenPipeError:  # `captions ... | head` is not an error
            ctx.exit(EXIT_OK)
        except OSError as exc:  # the system refused a read or a write the library did not foresee
            where = f"{exc.filename}: " if exc.filename else ""
            _fail(ctx, EXIT_BAD_INPUT, f"captions: error: {where}{exc.strerror or exc}")
        except KeyboardInterrupt:
            _fail(ctx, EXIT_INTERRUPTED, "captions: interrupted")
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as exc:  # a bug: say so in one line, never as a finding (status 1)
            if os.environ.get("CAPTIONS_DEBUG"):
                import traceback

                traceback.print_exc()
            _fail(ctx, EXIT_INTERNAL, f"captions: internal error: {type(exc).__name__}: {exc} (this is a bug; "
                                      "rerun with CAPTIONS_DEBUG=1 to see where, and report it)")
        finally:
            if enabled:
                gc.enable()


def _fail(ctx: click.Context, status: int, message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.stderr.flush()
    ctx.exit(status)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="captions")
def main() -> None:
    """Turn replay-page transcripts into SRT and WebVTT captions, repair speech
    recognition errors, and validate caption timing.

    \b
    Example:
      captions inspect samples/techco-2026-03-05.txt
    """


def run() -> NoReturn:
    """The ``captions`` script and ``python -m captions``: :func:`main`, then an exit that skips the
    interpreter's teardown.

    Tearing down frees every object and module one by one, which on a short command is a
    noticeable share of its time (about 5 % of converting the sample) and changes nothing a user
    can see: the outputs are written, closed and renamed into place before the command returns.
    What an exit must still do is done: the standard streams are flushed and the ``atexit``
    handlers run.  With a thread still running (or a flush that fails, such as a closed pipe), the
    interpreter's own exit runs instead, so that nothing differs from a plain ``sys.exit``.
    Callers that run :func:`main` in their own process (tests, ``click.testing``) are not affected.
    """
    try:
        main(prog_name="captions")
        status: Any = EXIT_OK
    except SystemExit as exc:
        status = exc.code
    threading = sys.modules.get("threading")
    if not isinstance(status, int) or (threading is not None and threading.active_count() > 1):
        sys.exit(status)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):   # a closed pipe or stream: the interpreter's exit reports it as usual
        sys.exit(status)
    import atexit

    atexit._run_exitfuncs()
    os._exit(status)
