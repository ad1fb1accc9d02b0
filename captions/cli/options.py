"""Options shared by several commands: the preset and its overrides, checked as numbers before
anything runs, and the language of the text."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..language import Language, parse_language
from ..presets import DEFAULT_PRESET, PRESETS, Preset, get_preset

__all__ = ["preset_options", "PRESET_OVERRIDES", "Preset", "lang_option", "PositiveNumber", "LANGUAGES"]


# click's ParamType is generic for type checkers (click 8.3+), not at run time on older clicks
if TYPE_CHECKING:
    _FloatType = click.ParamType[float]
    _AnyType = click.ParamType[Any]
else:
    _FloatType = _AnyType = click.ParamType


class PositiveNumber(_FloatType):
    """A number above zero that is a number (``nan`` and ``inf`` are refused): a frame rate, a
    reading speed."""

    name = "number"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not math.isfinite(number) or number <= 0:
            self.fail(f"{value!r} must be a number above 0", param, ctx)
        return number


PRESET_OVERRIDES: tuple[tuple[str, str, _AnyType, str], ...] = (
    ("--max-chars", "max_chars", click.IntRange(min=1), "characters per line (at least 1)"),
    ("--max-lines", "max_lines", click.IntRange(min=1), "lines per cue (at least 1)"),
    ("--max-cps", "max_cps", PositiveNumber(), "reading speed, characters per second (above 0)"),
    ("--min-duration-ms", "min_duration_ms", click.IntRange(min=0), "shortest display time (0 or more)"),
    ("--max-duration-ms", "max_duration_ms", click.IntRange(min=1), "longest display time (above 0)"),
    ("--min-gap-ms", "min_gap_ms", click.IntRange(min=0), "minimum gap between cues (0 or more)"),
    ("--fps", "fps", PositiveNumber(), "frame rate the gap is counted in (above 0)"),
)

_R = TypeVar("_R")


def preset_options(command: Callable[..., _R]) -> Callable[..., _R]:
    """Add ``--preset`` and one option per preset number; the command receives ``preset``.

    Each number is checked by its type (a usage error, exit status 2, names the option), and
    the preset they make must hold together: its shortest display time not above its longest.
    """

    # click passes each option as a keyword of its own type: Any is what it hands over
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> _R:
        name = kwargs.pop("preset_name")
        overrides = {key: kwargs.pop(key) for _, key, _, _ in PRESET_OVERRIDES}
        preset = get_preset(name).with_overrides(**overrides)
        if preset.max_duration_ms is not None and preset.min_duration_ms > preset.max_duration_ms:
            raise click.UsageError(f"the shortest display time ({preset.min_duration_ms} ms) is above the longest "
                                   f"({preset.max_duration_ms} ms); check --min-duration-ms and --max-duration-ms")
        kwargs["preset"] = preset
        return command(*args, **kwargs)

    decorated: Callable[..., _R] = wrapper
    for flag, key, kind, text in reversed(PRESET_OVERRIDES):
        decorated = click.option(flag, key, type=kind, default=None, help=f"Override the preset's {text}.")(decorated)
    return click.option(
        "--preset", "preset_name", type=click.Choice(list(PRESETS)), default=DEFAULT_PRESET,
        show_default=True, help="Guideline preset (see docs/presets.md).",
    )(decorated)


#: The codes ``--lang`` takes (any case; a region suffix such as ``en-GB`` is allowed).
LANGUAGES = ", ".join(language.value for language in Language)


def _language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return parse_language(value).value
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def lang_option(help_text: str) -> Callable[[Callable[..., _R]], Callable[..., _R]]:
    """``--lang CODE``: one of :class:`captions.language.Language`'s codes, any case; the command
    receives the code in lower case (or None: detected)."""
    return click.option("--lang", default=None, metavar="CODE", callback=_language,
                        help=f"{help_text} One of: {LANGUAGES} (any case).")
