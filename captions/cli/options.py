"""Options shared by several commands: the preset and its overrides, checked as numbers before
anything runs, and the language of the text."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..language import Language, parse_language
from ..presets import DEFAULT_PRESET, PRESETS, Preset, PresetChoice, get_preset

__all__ = ["preset_options", "language_preset_options", "reader_options", "PRESET_OVERRIDES", "Preset",
           "PresetChoice", "lang_option", "PositiveNumber", "LANGUAGES"]


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
    return _preset_options(command, by_language=False)


def language_preset_options(command: Callable[..., _R]) -> Callable[..., _R]:
    """Like :func:`preset_options`, but without ``--preset`` the preset follows the text's
    language: the command receives ``preset`` as a :class:`PresetChoice` it resolves once the
    language is known."""
    return _preset_options(command, by_language=True)


def _preset_options(command: Callable[..., _R], *, by_language: bool) -> Callable[..., _R]:
    # click passes each option as a keyword of its own type: Any is what it hands over
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> _R:
        name = kwargs.pop("preset_name")
        overrides = {key: kwargs.pop(key) for _, key, _, _ in PRESET_OVERRIDES}
        # a bad setting fails now, not once the language is known (checked on the default preset then)
        preset = get_preset(name or DEFAULT_PRESET).with_overrides(**overrides)
        if preset.max_duration_ms is not None and preset.min_duration_ms > preset.max_duration_ms:
            raise click.UsageError(f"the shortest display time ({preset.min_duration_ms} ms) is above the longest "
                                   f"({preset.max_duration_ms} ms); check --min-duration-ms and --max-duration-ms")
        if by_language:
            kwargs["preset"] = PresetChoice(name, tuple((key, value) for key, value in overrides.items()
                                                        if value is not None))
        else:
            kwargs["preset"] = preset
        return command(*args, **kwargs)

    decorated: Callable[..., _R] = wrapper
    for flag, key, kind, text in reversed(PRESET_OVERRIDES):
        decorated = click.option(flag, key, type=kind, default=None, help=f"Override the preset's {text}.")(decorated)
    if by_language:
        return click.option(
            "--preset", "preset_name", type=click.Choice(list(PRESETS)), default=None,
            help="Guideline preset (see docs/presets.md); default: by the text's language "
                 "(fr-tv for French, netflix-en for English, netflix-sdh otherwise).",
        )(decorated)
    return click.option(
        "--preset", "preset_name", type=click.Choice(list(PRESETS)), default=DEFAULT_PRESET,
        show_default=True, help="Guideline preset (see docs/presets.md).",
    )(decorated)


def reader_options(command: Callable[..., _R]) -> Callable[..., _R]:
    """Add ``--keep-chrome`` and ``--drop-line N``; the command receives ``read_options``
    (a :class:`captions.transcript.ReadOptions`)."""
    from ..transcript import ReadOptions

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> _R:
        kwargs["read_options"] = ReadOptions(keep_chrome=kwargs.pop("keep_chrome"),
                                             drop_lines=frozenset(kwargs.pop("drop_lines")))
        return command(*args, **kwargs)

    decorated: Callable[..., _R] = click.option(
        "--drop-line", "drop_lines", type=click.IntRange(min=1), multiple=True, metavar="N",
        help="Set line N of a transcript aside whatever it holds (repeatable).")(wrapper)
    return click.option("--keep-chrome", is_flag=True,
                        help="Keep the lines of a transcript that read as page chrome between and after the stamps "
                             "as speech.")(decorated)


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
