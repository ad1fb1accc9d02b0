"""Options shared by several commands (the preset and its overrides)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..presets import DEFAULT_PRESET, PRESETS, Preset, PresetChoice, get_preset

__all__ = ["preset_options", "language_preset_options", "PRESET_OVERRIDES", "Preset", "PresetChoice"]

PRESET_OVERRIDES = (
    ("--max-chars", "max_chars", int, "characters per line"),
    ("--max-lines", "max_lines", int, "lines per cue"),
    ("--max-cps", "max_cps", float, "reading speed, characters per second"),
    ("--min-duration-ms", "min_duration_ms", int, "shortest display time"),
    ("--max-duration-ms", "max_duration_ms", int, "longest display time"),
    ("--min-gap-ms", "min_gap_ms", int, "minimum gap between cues"),
    ("--fps", "fps", float, "frame rate the gap is counted in"),
)

_R = TypeVar("_R")


def preset_options(command: Callable[..., _R]) -> Callable[..., _R]:
    """Add ``--preset`` and one option per preset number; the command receives ``preset``."""
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
        if by_language:
            given = tuple((key, value) for key, value in overrides.items() if value is not None)
            get_preset(name or DEFAULT_PRESET).with_overrides(**overrides)   # a bad setting fails now, not later
            kwargs["preset"] = PresetChoice(name, given)
        else:
            kwargs["preset"] = get_preset(name).with_overrides(**overrides)
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
