"""Caption guidelines as data: one frozen :class:`Preset` per published rule set.

Every number comes from a public guideline (see ``docs/presets.md`` and the
``source`` field, which reports cite).  Options override single numbers with
:meth:`Preset.with_overrides`; nothing here is code that differs per preset.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from collections.abc import Sequence
from typing import Any

from .errors import ConfigError
from .model import Cue

__all__ = ["Preset", "PRESETS", "DEFAULT_PRESET", "get_preset", "reading_chars", "chars_per_second", "SpeedSpread",
           "reading_speeds", "median"]


@dataclass(frozen=True, slots=True)
class Preset:
    """A rule set for captions.

    Attributes:
        name: the key users type (``--preset NAME``).
        title: a human title.
        source: the guideline the numbers come from (cited in reports).
        max_chars: characters per line.
        max_lines: lines per cue.
        max_cps: characters per second (Netflix counting), or None when the preset uses
            ``cps_steps`` or words per minute instead.
        min_duration_ms / max_duration_ms: display time bounds (max None: no bound).
        gap_frames / fps: the minimum gap between cues, in frames at a frame rate.
        chain_gap_ms: gaps up to this are closed to the minimum gap ("chaining").
        lag_ms: how long a cue may stay after its speech ends.
        max_wpm: words per minute (BBC, DCMP), when the guideline counts words.
        cps_steps: a stepped table ``((duration_ms, chars), ...)`` (the French CSA charter).
        tolerance: the fraction by which a stepped table may be exceeded (CSA: 20 %).
        language: the language the preset was written for ("" for any).
        bridge_gap_ms: a cue whose sentence goes on in the next cue stays up to it across a gap
            shorter than this; a longer pause is marked (an ellipsis) instead (Netflix: a pause
            of 2 seconds or more).
        sdh: subtitles for the deaf and hard of hearing: speakers are labelled by default.
    """

    name: str
    title: str
    source: str
    max_chars: int = 42
    max_lines: int = 2
    max_cps: float | None = 17.0
    min_duration_ms: int = 833
    max_duration_ms: int | None = 7000
    gap_frames: int = 2
    fps: float = 24.0
    chain_gap_ms: int = 500
    lag_ms: int = 500
    max_wpm: int | None = None
    cps_steps: tuple[tuple[int, int], ...] = ()
    tolerance: float = 0.0
    language: str = ""
    min_gap_override_ms: int | None = None
    bridge_gap_ms: int = 2000
    sdh: bool = False

    @property
    def min_gap_ms(self) -> int:
        """The minimum gap between two cues: ``gap_frames`` at ``fps``, unless overridden."""
        if self.min_gap_override_ms is not None:
            return self.min_gap_override_ms
        return round(self.gap_frames * 1000 / self.fps)

    def with_overrides(self, **changes: float | None) -> Preset:
        """A copy with some numbers replaced; ``None`` values are ignored.

        ``min_gap_ms`` sets the gap directly; ``fps`` alone re-derives it from the frames.

        >>> get_preset("netflix").with_overrides(max_chars=37, max_cps=None).max_chars
        37
        """
        # the field names are only known at run time: checked below, typed Any for replace()
        given: dict[str, Any] = {k: v for k, v in changes.items() if v is not None}
        if "min_gap_ms" in given:
            given["min_gap_override_ms"] = given.pop("min_gap_ms")
        unknown = set(given) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ConfigError(f"unknown preset setting(s): {', '.join(sorted(unknown))}")
        for key in ("max_chars", "max_lines"):
            if key in given and int(given[key]) < 1:
                raise ConfigError(f"{key} must be at least 1, got {given[key]}")
        return dataclasses.replace(self, **given)

    def max_chars_for(self, duration_ms: int) -> float | None:
        """How many characters a cue shown for ``duration_ms`` may hold (None: no limit).

        Uses ``cps_steps`` when the preset has them (linear between steps, the last rate
        beyond, plus the tolerance), else ``max_cps``, else ``max_wpm`` at 6 characters a word.

        >>> get_preset("csa").max_chars_for(2000)
        24.0
        """
        seconds = max(duration_ms, 0) / 1000
        if self.cps_steps:
            steps = self.cps_steps
            chars = _interpolate(steps, duration_ms)
            return chars * (1 + self.tolerance)
        if self.max_cps is not None:
            return self.max_cps * seconds
        if self.max_wpm is not None:
            return self.max_wpm / 60 * 6 * seconds
        return None

    def to_dict(self) -> dict[str, object]:
        """The preset as JSON data (``min_gap_ms`` in place of the override field)."""
        data: dict[str, object] = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        data.pop("min_gap_override_ms")
        data["min_gap_ms"] = self.min_gap_ms
        data["cps_steps"] = [list(step) for step in self.cps_steps]
        return data


def _interpolate(steps: tuple[tuple[int, int], ...], duration_ms: int) -> float:
    prev_ms, prev_chars = 0, 0
    for step_ms, chars in steps:
        if duration_ms <= step_ms:
            return prev_chars + (chars - prev_chars) * (duration_ms - prev_ms) / (step_ms - prev_ms)
        prev_ms, prev_chars = step_ms, chars
    return prev_chars * duration_ms / prev_ms


_NETFLIX = "Netflix Timed Text Style Guide: General Requirements and the English/French templates"

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("fr-tv", "French TV (default)",
               "Netflix SDH numbers (42 chars, 2 lines, 20 cps, 833 ms-7 s) at the 25 fps of French "
               "television (2-frame gap = 80 ms); CSA charter for 2 recorded lines",
               max_cps=20.0, fps=25.0, language="fr"),
        Preset("netflix", "Netflix, adult", _NETFLIX, max_cps=17.0),
        Preset("netflix-children", "Netflix, children", _NETFLIX, max_cps=13.0),
        Preset("netflix-sdh", "Netflix SDH", _NETFLIX, max_cps=20.0, sdh=True),
        Preset("bbc", "BBC", "BBC Subtitle Guidelines (37 Teletext characters, 160-180 wpm)",
               max_chars=37, max_cps=None, max_wpm=180, min_duration_ms=0, max_duration_ms=None,
               gap_frames=0, fps=25.0, language="en"),
        Preset("dcmp", "DCMP (US education)", "DCMP Captioning Key (32 characters, 2 s minimum)",
               max_chars=32, max_cps=None, max_wpm=235, min_duration_ms=2000,
               max_duration_ms=None, gap_frames=2, fps=29.97, language="en"),
        Preset("csa", "CSA / Arcom charter (French TV)",
               "Charte relative a la qualite du sous-titrage (CSA, 2011): 12 chars for 1 s, 20 for "
               "2 s, 36 for 3 s, 60 for 4 s, 20 % tolerance",
               max_cps=None, cps_steps=((1000, 12), (2000, 20), (3000, 36), (4000, 60)),
               tolerance=0.2, fps=25.0, language="fr"),
        Preset("amazon", "Amazon Prime (EN/ES/FR)", "Subtitle Edit rule profiles (Amazon Prime)",
               max_cps=17.0, min_duration_ms=1000, max_duration_ms=7007,
               min_gap_override_ms=83),
        Preset("vertical", "Short vertical video (9:16)", "Subtitle Edit rule profiles (short vertical video)",
               max_chars=24, max_cps=25.0, min_duration_ms=700, max_duration_ms=5000,
               gap_frames=0, fps=30.0),
        Preset("cea608", "CEA-608 broadcast captions", "CEA-608 (32 columns, up to 4 rows)",
               max_chars=32, max_lines=4, max_cps=None, min_duration_ms=0, max_duration_ms=None,
               gap_frames=0, fps=29.97),
    )
}

DEFAULT_PRESET = "fr-tv"


def get_preset(name: str = DEFAULT_PRESET) -> Preset:
    """The preset called ``name``.

    Raises:
        ConfigError: for an unknown name (the message lists the known ones).
    """
    try:
        return PRESETS[name]
    except KeyError:
        raise ConfigError(f"unknown preset {name!r}; expected one of: {', '.join(PRESETS)}") from None


def reading_chars(text: str) -> int:
    """Characters that count for reading speed, as Netflix counts them.

    Letters, digits, spaces and punctuation count (a non-breaking space is one
    character); line breaks, markup tags and control or format characters do not.
    Every line of every cue is counted, so the usual line (no tag, every character
    printable) is answered by ``len`` without looking at each character.

    >>> reading_chars("Bonjour\\n<i>à tous</i>\\u202f!")
    15
    """
    if "<" not in text and text.isprintable():
        return len(text)   # the usual line: nothing to leave out
    if "<" in text:
        text = _TAG.sub("", text)
    plain = text.replace("\n", "").replace("\r", "")
    if plain.replace("\u202f", " ").replace("\u00a0", " ").isprintable():
        return len(plain)   # a cue's lines, or French spacing: still nothing to leave out
    return sum(1 for ch in plain if unicodedata.category(ch)[0] != "C")


_TAG = re.compile(r"</?[A-Za-z0-9.:][^<>\n]*>")


def chars_per_second(text: str, duration_ms: int) -> float:
    """Reading speed of ``text`` shown for ``duration_ms`` (inf for a zero duration)."""
    if duration_ms <= 0:
        return float("inf")
    return reading_chars(text) * 1000 / duration_ms


@dataclass(frozen=True, slots=True)
class SpeedSpread:
    """How fast a file reads: the median, 90th percentile and maximum reading speed of its cues
    (characters per second, unrounded; 0.0 for a file with no cue shown for a positive time)."""

    median_cps: float
    p90_cps: float
    max_cps: float


def reading_speeds(cues: Sequence[Cue], chars: Sequence[int] | None = None) -> SpeedSpread:
    """The reading-speed spread of ``cues``, over the cues shown for a positive time: the one
    place the convert report and the validation summary measure it.

    Args:
        chars: each cue's :func:`reading_chars`, when the caller has already counted them.

    >>> s = reading_speeds([Cue(0, 1000, ("Bonjour",)), Cue(1000, 3000, ("Bonjour à tous",)), Cue(5, 5, ("x",))])
    >>> s.median_cps, s.p90_cps, s.max_cps
    (7.0, 7.0, 7.0)
    """
    counts = chars if chars is not None else [reading_chars(c.text) for c in cues]
    speeds = sorted([n * 1000 / (c.end_ms - c.start_ms) for c, n in zip(cues, counts) if c.end_ms > c.start_ms])
    if not speeds:
        return SpeedSpread(0.0, 0.0, 0.0)
    return SpeedSpread(median(speeds), speeds[min(len(speeds) - 1, int(len(speeds) * 0.9))], speeds[-1])


def median(ordered: Sequence[float]) -> float:
    """The median of an already sorted, non-empty sequence (``statistics`` costs a few ms to import).

    >>> median([1.0, 2.0, 10.0]), median([1.0, 2.0])
    (2.0, 1.5)
    """
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
