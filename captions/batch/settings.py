"""The options of a batch run: the command line and the ``captions.toml`` files as layers, resolved per file."""

from __future__ import annotations

import enum
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..errors import ConfigError, Location
from ..formats import Format
from .manifest import sha256_bytes
from ..presets import DEFAULT_PRESET, Preset, get_preset

CONFIG_NAME = "captions.toml"
TIMELINE_POINTS = 240  # the reading-speed timeline keeps the fastest cue of each of this many slices



class Kind(str, enum.Enum):
    """What an input file is, from its suffix."""

    TRANSCRIPT = "transcript"   # .txt: converted, and the result validated
    CAPTIONS = "captions"       # .srt / .vtt: validated, and converted when ``to`` asks


class Status(str, enum.Enum):
    """How one input ended in a run."""

    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"   # unchanged since the manifest's entry: nothing redone


_SUFFIXES = {".txt": Kind.TRANSCRIPT, ".srt": Kind.CAPTIONS, ".vtt": Kind.CAPTIONS}


def parse_formats(text: str | Iterable[str], source: str = "--to") -> tuple[Format, ...]:
    """``"srt,vtt"`` (or a list of names) -> formats, in order, without repeats.

    Raises:
        ConfigError: for a name that is not a caption format.

    >>> parse_formats("vtt, srt,vtt")
    (<Format.VTT: 'vtt'>, <Format.SRT: 'srt'>)
    """
    names = text.split(",") if isinstance(text, str) else list(text)
    formats: list[Format] = []
    for name in names:
        name = str(name).strip().lower().lstrip(".")
        if not name:
            continue
        try:
            fmt = Format(name)
        except ValueError:
            raise ConfigError(f"unknown output format {name!r} in {source}; expected srt, vtt or both "
                              "(srt,vtt)") from None
        if fmt not in formats:
            formats.append(fmt)
    return tuple(formats)


# --------------------------------------------------------------------------------------------
# Options: the command line and the captions.toml files, as layers.


@dataclass(frozen=True, slots=True)
class Layer:
    """Options from one place (a ``captions.toml`` or the command line); None means "not set here".

    Attributes:
        source: where they come from (a path, or ``command line``), for messages.
        preset: a preset name.
        options: preset number overrides (``max_chars``, ``max_cps``...), as sorted pairs.
        formats: the output formats (``to``).
        dictionaries: dictionary files, absolute; they add up from layer to layer.
        lang: the language given to the caption builder.
        typography: French typography on or off.
    """

    source: str
    preset: str | None = None
    options: tuple[tuple[str, object], ...] = ()
    formats: tuple[Format, ...] | None = None
    dictionaries: tuple[Path, ...] = ()
    lang: str | None = None
    typography: bool | None = None


_CONFIG_KEYS = {"preset", "to", "dictionaries", "lang", "typography", "options"}
_OPTION_KEYS = {"max_chars": int, "max_lines": int, "max_cps": float, "min_duration_ms": int,
                "max_duration_ms": int, "min_gap_ms": int, "fps": float}


def read_folder_config(path: str | os.PathLike) -> Layer:
    """Read one ``captions.toml``.

    ``dictionaries`` are relative to the file's folder.  Example::

        preset = "netflix"          # any name of captions.presets.PRESETS
        to = ["srt", "vtt"]         # output formats
        dictionaries = ["show.toml"]
        lang = "fr"
        typography = true
        [options]                   # the numbers --max-chars, --max-cps... override
        max_chars = 37

    Raises:
        ConfigError: unreadable TOML, an unknown key or a value of the wrong type (file:line
            where TOML gives it).
    """
    path = Path(path)
    source = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the folder options: {exc.strerror or exc}", Location(source)) from None
    except UnicodeDecodeError:
        raise ConfigError("the folder options are not UTF-8 text", Location(source)) from None
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"not valid TOML: {exc}", Location(source, int(line.group(1)) if line else None)) from None
    unknown = set(data) - _CONFIG_KEYS
    if unknown:
        raise ConfigError(f"unknown key(s) {', '.join(sorted(unknown))}; expected some of "
                          f"{', '.join(sorted(_CONFIG_KEYS))}", Location(source))

    def expect(key: str, kinds: type | tuple[type, ...], what: str):
        value = data.get(key)
        if value is not None and not isinstance(value, kinds):
            raise ConfigError(f"{key} = {value!r}: expected {what}", Location(source))
        return value

    preset = expect("preset", str, "a preset name")
    if preset is not None:
        try:
            get_preset(preset)  # unknown names fail here, naming the file
        except ConfigError as exc:
            raise ConfigError(exc.message, Location(source)) from None
    to = expect("to", (str, list), 'a list such as ["srt", "vtt"]')
    dictionaries = expect("dictionaries", list, 'a list of file names such as ["show.toml"]') or []
    if not all(isinstance(d, str) for d in dictionaries):
        raise ConfigError("dictionaries: expected file names (strings)", Location(source))
    options = expect("options", dict, "a table of preset numbers") or {}
    for key, value in options.items():
        kind = _OPTION_KEYS.get(key)
        if kind is None:
            raise ConfigError(f"unknown option {key!r}; expected some of {', '.join(_OPTION_KEYS)}",
                              Location(source))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or kind is int and not isinstance(value, int):
            raise ConfigError(f"options.{key} = {value!r}: expected {'an integer' if kind is int else 'a number'}",
                              Location(source))
    lang = expect("lang", str, '"fr" or "en"')
    if lang not in (None, "fr", "en"):
        raise ConfigError(f'lang = {lang!r}: expected "fr" or "en"', Location(source))
    try:
        formats = None if to is None else parse_formats(to, source=source)
    except ConfigError as exc:
        raise ConfigError(exc.message, Location(source)) from None
    return Layer(
        source=source,
        preset=preset,
        options=tuple(sorted(options.items())),
        formats=formats,
        dictionaries=tuple((path.parent / d).resolve() for d in dictionaries),
        lang=lang,
        typography=expect("typography", bool, "true or false"),
    )


@dataclass(frozen=True, slots=True)
class DictionaryRef:
    """A correction dictionary a job uses: its path and the hash of its bytes."""

    path: str
    sha256: str

    def to_dict(self) -> dict:
        return {"path": self.path, "sha256": self.sha256}


@dataclass(frozen=True, slots=True)
class FileSettings:
    """Everything, besides its bytes, that one input's result depends on."""

    preset: Preset
    formats: tuple[Format, ...]
    dictionaries: tuple[DictionaryRef, ...] = ()
    lang: str | None = None
    typography: bool = True

    def options_dict(self) -> dict:
        """The options as JSON (what the manifest's ``options_sha256`` hashes); the toolkit's
        version is part of it, so that an upgrade redoes the work."""
        return {
            "version": __version__,
            "preset": self.preset.to_dict(),
            "formats": [f.value for f in self.formats],
            "lang": self.lang,
            "typography": self.typography,
        }


def _dictionary_hash(path: Path) -> str:
    try:
        return sha256_bytes(path.read_bytes())
    except OSError as exc:
        raise ConfigError(f"cannot read the dictionary: {exc.strerror or exc}", Location(str(path))) from None


def resolve_settings(layers: Sequence[Layer], kind: Kind, *, adjacent: Sequence[Path] = (),
                     dictionary_hash: Callable[[Path], str] = _dictionary_hash) -> FileSettings:
    """Merge option layers, farthest first (defaults, then the ``captions.toml`` of INPUT_DIR,
    then of each folder down to the file's, then the command line).

    A later layer replaces the preset name, ``to``, ``lang`` and ``typography`` it sets and each
    number in ``options``.  Dictionaries add up, most specific first (the order
    :func:`captions.corrections.load_dictionaries` gives priority in): the command line's
    ``--dict``, then ``adjacent`` (the ``NAME.dict.toml`` / ``captions.dict.*`` files next to the
    input, see :func:`captions.dictionary.discover_dictionaries`), then the nearest
    ``captions.toml``'s, then its parents'.  Without any ``to``, transcripts give SRT and
    WebVTT and caption files are only validated.

    >>> s = resolve_settings([Layer("a", preset="netflix", options=(("max_chars", 37),)),
    ...                       Layer("b", options=(("max_cps", 15.0),))], Kind.TRANSCRIPT)
    >>> s.preset.name, s.preset.max_chars, s.preset.max_cps, [f.value for f in s.formats]
    ('netflix', 37, 15.0, ['srt', 'vtt'])
    """
    preset_name, options, formats, lang, typography = DEFAULT_PRESET, {}, None, None, True
    for layer in layers:
        preset_name = layer.preset or preset_name
        options.update(layer.options)
        formats = layer.formats if layer.formats is not None else formats
        lang = layer.lang if layer.lang is not None else lang
        typography = layer.typography if layer.typography is not None else typography
    ordered = [*layers[-1:]] + [Layer("adjacent", dictionaries=tuple(adjacent))] + [*reversed(layers[:-1])]
    dictionaries: list[Path] = []
    for layer in ordered if kind is Kind.TRANSCRIPT else ():  # caption files are not corrected
        dictionaries.extend(d for d in layer.dictionaries if d not in dictionaries)
    if formats is None:
        formats = (Format.SRT, Format.VTT) if kind is Kind.TRANSCRIPT else ()
    preset = get_preset(preset_name).with_overrides(**options)
    refs = tuple(DictionaryRef(str(d), dictionary_hash(d)) for d in dictionaries)
    return FileSettings(preset, formats, refs, lang, typography)
