"""The options of a batch run: the command line and the ``captions.toml`` files as layers, resolved per file."""

from __future__ import annotations

import functools
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .. import __version__
from ..corrections import Dictionary, load_dictionaries
from ..errors import ConfigError, Location, ParseError
from ..files import MAX_INPUT_BYTES, read_bytes
from ..model import Format
from ..presets import DEFAULT_PRESET, Preset, get_preset
from .manifest import DictionaryRef, Kind, sha256_bytes, sha256_json

CONFIG_NAME = "captions.toml"


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
    options: tuple[tuple[str, int | float], ...] = ()
    formats: tuple[Format, ...] | None = None
    dictionaries: tuple[Path, ...] = ()
    lang: str | None = None
    typography: bool | None = None


_CONFIG_KEYS = {"preset", "to", "dictionaries", "lang", "typography", "options"}
_OPTION_KEYS: dict[str, type[int] | type[float]] = {
    "max_chars": int, "max_lines": int, "max_cps": float, "min_duration_ms": int, "max_duration_ms": int,
    "min_gap_ms": int, "fps": float,
}

_T = TypeVar("_T")


def read_folder_config(path: str | os.PathLike[str], *, within: Path | None = None,
                       outside_dictionaries: bool = False, max_bytes: int | None = MAX_INPUT_BYTES) -> Layer:
    """Read one ``captions.toml``.

    ``dictionaries`` are relative to the file's folder.  With ``within`` (INPUT_DIR), the file
    must be a regular file inside it once links are resolved, and so must every dictionary it
    names (an absolute path, or one that leads out through ``..`` or a link, is refused) unless
    ``outside_dictionaries``.  Example::

        preset = "netflix"          # any name of captions.presets.PRESETS
        to = ["srt", "vtt"]         # output formats
        dictionaries = ["show.toml"]
        lang = "fr"
        typography = true
        [options]                   # the numbers --max-chars, --max-cps... override
        max_chars = 37

    Raises:
        ConfigError: an unreadable file, unreadable TOML, an unknown key, a value of the wrong type
            (file:line where TOML gives it), or a dictionary outside ``within``.
    """
    path = Path(path)
    config = _FolderConfig(str(path), _load_toml(path, within, max_bytes))
    # Checked in this order, so that a file with several mistakes always reports the same one.
    preset = config.preset()
    to = config.to()
    dictionaries = config.dictionary_paths(path.parent, None if outside_dictionaries else within)
    options = config.options()
    lang = config.lang()
    return Layer(
        source=config.source,
        preset=preset,
        options=options,
        formats=config.formats(to),
        dictionaries=dictionaries,
        lang=lang,
        typography=config.expect("typography", bool, "true or false"),
    )


def _load_toml(path: Path, within: Path | None, max_bytes: int | None) -> dict[str, object]:
    """The table of one ``captions.toml``, refused when it holds a key the file may not set."""
    source = str(path)
    try:
        data = tomllib.loads(read_bytes(path, within=within, max_bytes=max_bytes).decode("utf-8"))
    except ParseError as exc:
        raise ConfigError(exc.message.replace("the file", "the folder options", 1), Location(source)) from None
    except UnicodeDecodeError:
        raise ConfigError("the folder options are not UTF-8 text", Location(source)) from None
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"not valid TOML: {exc}", Location(source, int(line.group(1)) if line else None)) from None
    unknown = set(data) - _CONFIG_KEYS
    if unknown:
        raise ConfigError(f"unknown key(s) {', '.join(sorted(unknown))}; expected some of "
                          f"{', '.join(sorted(_CONFIG_KEYS))}", Location(source))
    return data


@dataclass(frozen=True, slots=True)
class _FolderConfig:
    """The keys of one ``captions.toml``, each checked on its own; errors name the file."""

    source: str
    data: dict[str, object]

    def error(self, message: str) -> ConfigError:
        return ConfigError(message, Location(self.source))

    def expect(self, key: str, kind: type[_T], what: str) -> _T | None:
        value = self.data.get(key)
        if value is not None and not isinstance(value, kind):
            raise self.error(f"{key} = {value!r}: expected {what}")
        return value

    def preset(self) -> str | None:
        preset = self.expect("preset", str, "a preset name")
        if preset is not None:
            try:
                get_preset(preset)  # unknown names fail here, naming the file
            except ConfigError as exc:
                raise self.error(exc.message) from None
        return preset

    def to(self) -> str | list[str] | None:
        to = self.data.get("to")
        if to is not None and not isinstance(to, (str, list)):
            raise self.error(f'to = {to!r}: expected a list such as ["srt", "vtt"]')
        return to

    def formats(self, to: str | list[str] | None) -> tuple[Format, ...] | None:
        try:
            return None if to is None else parse_formats(to, source=self.source)
        except ConfigError as exc:
            raise self.error(exc.message) from None

    def dictionaries(self) -> list[str]:
        dictionaries = self.expect("dictionaries", list, 'a list of file names such as ["show.toml"]') or []
        if not all(isinstance(d, str) for d in dictionaries):
            raise self.error("dictionaries: expected file names (strings)")
        return dictionaries

    def dictionary_paths(self, folder: Path, within: Path | None) -> tuple[Path, ...]:
        """The dictionaries named, resolved from ``folder``; each inside ``within`` when given."""
        paths = []
        for number, name in enumerate(self.dictionaries(), start=1):
            path = (folder / name).resolve()
            if within is not None and (os.path.isabs(name) or not path.is_relative_to(within.resolve())):
                raise self.error(f"dictionaries: entry {number} is outside INPUT_DIR (an absolute path, or one "
                                 "that leads out through .. or a link); a captions.toml may only name "
                                 "dictionaries inside INPUT_DIR unless the run allows more (--allow-outside-dicts)")
            paths.append(path)
        return tuple(paths)

    def options(self) -> tuple[tuple[str, int | float], ...]:
        options = self.expect("options", dict, "a table of preset numbers") or {}
        for key, value in options.items():
            kind = _OPTION_KEYS.get(key)
            if kind is None:
                raise self.error(f"unknown option {key!r}; expected some of {', '.join(_OPTION_KEYS)}")
            if isinstance(value, bool) or not isinstance(value, kind if kind is int else (int, float)):
                raise self.error(f"options.{key} = {value!r}: expected {'an integer' if kind is int else 'a number'}")
        return tuple(sorted(options.items()))

    def lang(self) -> str | None:
        lang = self.expect("lang", str, '"fr" or "en"')
        if lang not in (None, "fr", "en"):
            raise self.error(f'lang = {lang!r}: expected "fr" or "en"')
        return lang


@dataclass(frozen=True, slots=True)
class MediaRef:
    """The replay a transcript is timed on, as the manifest records it (a changed size or time
    redoes the file)."""

    path: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> MediaRef:
        stat = path.stat()
        return cls(str(path), stat.st_size, stat.st_mtime_ns)


@dataclass(frozen=True, slots=True)
class FileSettings:
    """Everything, besides its bytes, that one input's result depends on."""

    preset: Preset
    formats: tuple[Format, ...]
    dictionaries: tuple[DictionaryRef, ...] = ()
    lang: str | None = None
    typography: bool = True
    media: MediaRef | None = None

    def options_sha256(self) -> str:
        """The hash of :meth:`options_dict`, as the manifest records it (computed once per value:
        every input a folder's settings apply to shares it)."""
        return _options_sha256(self)

    def options_dict(self) -> dict[str, object]:
        """The options as JSON (what the manifest's ``options_sha256`` hashes); the toolkit's
        version is part of it, so that an upgrade redoes the work."""
        data: dict[str, object] = {
            "version": __version__,
            "preset": self.preset.to_dict(),
            "formats": [f.value for f in self.formats],
            "lang": self.lang,
            "typography": self.typography,
        }
        if self.media is not None:   # only then: a run without media keeps the hashes it had
            data["media"] = {"path": self.media.path, "size": self.media.size, "mtime_ns": self.media.mtime_ns}
        return data


@functools.lru_cache(maxsize=256)
def _options_sha256(settings: FileSettings) -> str:
    return sha256_json(settings.options_dict())


def dictionary_hash(path: Path, *, within: Path | None = None, max_bytes: int | None = MAX_INPUT_BYTES) -> str:
    """The hash of a dictionary file's bytes, the one recorded in the manifest.

    Raises:
        ConfigError: the file cannot be read, is not a regular file, is too long, or lies outside
            ``within`` (see :func:`captions.files.read_bytes`).
    """
    try:
        return sha256_bytes(read_bytes(path, within=within, max_bytes=max_bytes))
    except ParseError as exc:
        raise ConfigError(exc.message.replace("the file", "the dictionary", 1), Location(str(path))) from None


@functools.lru_cache(maxsize=8)
def compiled_dictionary(refs: tuple[DictionaryRef, ...]) -> Dictionary:
    """The compiled dictionary of ``refs``, once per process (the jobs of a worker share it).

    The files must still have the hashes the driver recorded, so that a result is a function of
    the recorded hashes even on a worker of another machine reading shared storage.

    Raises:
        ConfigError: a file changed since its hash was recorded, or the dictionary is refused.
    """
    for ref in refs:
        if dictionary_hash(Path(ref.path)) != ref.sha256:
            raise ConfigError("the dictionary changed while the batch was running (its hash differs from the "
                              "one recorded); rerun", Location(ref.path))
    return load_dictionaries([ref.path for ref in refs])


def resolve_settings(layers: Sequence[Layer], kind: Kind, *, adjacent: Sequence[Path] = (),
                     dictionary_hash: Callable[[Path], str] = dictionary_hash) -> FileSettings:
    """Merge option layers, farthest first (defaults, then the ``captions.toml`` of INPUT_DIR,
    then of each folder down to the file's, then the command line).

    A later layer replaces the preset name, ``to``, ``lang`` and ``typography`` it sets and each
    number in ``options``.  Dictionaries add up, most specific first (the order
    :func:`captions.corrections.load_dictionaries` gives priority in): the command line's
    ``--dict``, then ``adjacent`` (the ``NAME.dict.toml`` / ``captions.dict.*`` files next to the
    input, see :func:`captions.corrections.discover_dictionaries`), then the nearest
    ``captions.toml``'s, then its parents'.  Without any ``to``, transcripts give SRT and
    WebVTT and caption files are only validated.

    >>> s = resolve_settings([Layer("a", preset="netflix", options=(("max_chars", 37),)),
    ...                       Layer("b", options=(("max_cps", 15.0),))], Kind.TRANSCRIPT)
    >>> s.preset.name, s.preset.max_chars, s.preset.max_cps, [f.value for f in s.formats]
    ('netflix', 37, 15.0, ['srt', 'vtt'])
    """
    preset_name, formats, lang, typography = DEFAULT_PRESET, None, None, True
    options: dict[str, int | float] = {}
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
