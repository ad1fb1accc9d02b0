"""Caption guidelines as data: one frozen :class:`Preset` per published rule set.

Every number comes from a public guideline (``docs/presets.md`` gives the source of each,
and the ``source`` field, which reports cite, names it); where a guideline says nothing
about a limit, the preset does not limit it (``None``, or 0 for a minimum).  Options
override single numbers with :meth:`Preset.with_overrides`; nothing here is code that
differs per preset.

Reading speed is counted in the unit the guideline counts in (:class:`SpeedUnit`):
characters per second as Netflix counts them, or words per minute (BBC, DCMP).  Every
caller asks the preset (:meth:`Preset.reading_units`, :meth:`Preset.max_units_for`,
:meth:`Preset.speed_of`), so a words-per-minute limit is checked in words everywhere.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import ConfigError
from .model import Cue

__all__ = ["Preset", "PRESETS", "DEFAULT_PRESET", "get_preset", "reading_chars", "chars_per_second", "SpeedSpread",
           "reading_speeds", "speed_spread", "median", "SpeedUnit", "count_words", "LAYOUT_CHARS", "LANGUAGE_PRESETS",
           "NEUTRAL_PRESET", "preset_for_language", "PresetChoice", "resolve_preset"]


class SpeedUnit(str, enum.Enum):
    """What a reading speed counts: characters per second (Netflix counting) or words per minute."""

    CPS = "cps"
    WPM = "wpm"

    @property
    def per_ms(self) -> int:
        """The milliseconds of the unit's time: 1000 for a second, 60,000 for a minute."""
        return 1000 if self is SpeedUnit.CPS else 60_000

    @property
    def label(self) -> str:
        """The unit in words, for messages."""
        return "characters per second" if self is SpeedUnit.CPS else "words per minute"


#: The width lines are laid out to when a guideline sets no line length (the CSA charter): the
#: 42 characters of Netflix's general requirements and its French guide, the common length on
#: HD players.  It is no limit: no line is reported for passing it.
LAYOUT_CHARS = 42


@dataclass(frozen=True, slots=True)
class Preset:
    """A rule set for captions.

    Attributes:
        name: the key users type (``--preset NAME``).
        title: a human title.
        source: the guideline the numbers come from (cited in reports).
        max_chars: characters per line; None when the guideline sets no line length (lines
            are then laid out to :data:`LAYOUT_CHARS`, see :attr:`line_chars`, and never reported).
        max_lines: lines per cue.
        max_cps: characters per second (Netflix counting), or None when the preset uses
            ``cps_steps`` or words per minute instead.
        min_duration_ms / max_duration_ms: display time bounds (0 / None: the guideline sets none).
        gap_frames / fps: the minimum gap between cues, in frames at a frame rate (0 frames:
            the guideline sets none).
        chain_gap_ms: gaps up to this are closed to the minimum gap ("chaining").
        lag_ms: how long a cue may stay after its speech ends.
        max_wpm: words per minute (BBC, DCMP), when the guideline counts words; the reading
            speed is then counted in words (:attr:`speed_unit`).
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
    max_chars: int | None = 42
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

    @property
    def line_chars(self) -> int:
        """The width lines are laid out to: ``max_chars``, or :data:`LAYOUT_CHARS` when the
        guideline sets no line length.

        >>> get_preset("bbc").line_chars, get_preset("csa").line_chars, get_preset("csa").max_chars
        (37, 42, None)
        """
        return self.max_chars if self.max_chars is not None else LAYOUT_CHARS

    def with_overrides(self, **changes: float | None) -> Preset:
        """A copy with some numbers replaced; ``None`` values are ignored.

        ``min_gap_ms`` sets the gap directly; ``fps`` alone re-derives it from the frames.
        ``max_cps`` on a words-per-minute preset makes it count characters.

        >>> get_preset("netflix").with_overrides(max_chars=37, max_cps=None).max_chars
        37
        >>> get_preset("bbc").with_overrides(max_cps=15).speed_unit.value
        'cps'
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
        if "max_cps" in given:   # a characters-per-second limit replaces the preset's own count
            given.setdefault("cps_steps", ())
            given.setdefault("max_wpm", None)
        return dataclasses.replace(self, **given)

    # ---- reading speed: every caller asks these, so each preset is counted in its own unit

    @property
    def speed_unit(self) -> SpeedUnit:
        """What the reading speed counts: words for a words-per-minute preset, else characters.

        >>> get_preset("bbc").speed_unit.value, get_preset("netflix").speed_unit.value
        ('wpm', 'cps')
        """
        if self.max_wpm is not None and self.max_cps is None and not self.cps_steps:
            return SpeedUnit.WPM
        return SpeedUnit.CPS

    def reading_units(self, text: str) -> int:
        """What the reading speed counts in ``text``: its words (:func:`count_words`) for a
        words-per-minute preset, else its reading characters (:func:`reading_chars`).

        >>> get_preset("bbc").reading_units("Incomprehensibilities notwithstanding")
        2
        >>> get_preset("netflix").reading_units("Incomprehensibilities notwithstanding")
        37
        """
        if self.speed_unit is SpeedUnit.WPM:
            return count_words(text)
        return reading_chars(text)

    def max_units_for(self, duration_ms: int) -> float | None:
        """How many reading units (:meth:`reading_units`) a cue shown for ``duration_ms`` may hold
        (None: no limit).

        Uses ``cps_steps`` when the preset has them (linear between steps, the last rate
        beyond, plus the tolerance), else ``max_cps``, else ``max_wpm`` (words).

        >>> get_preset("csa").max_units_for(2000), get_preset("bbc").max_units_for(2000)
        (24.0, 6.0)
        """
        if self.speed_unit is SpeedUnit.WPM:
            assert self.max_wpm is not None   # the unit says so
            return self.max_wpm * max(duration_ms, 0) / 60_000
        return self._max_chars(duration_ms)

    def max_chars_for(self, duration_ms: int) -> float | None:
        """How many characters a cue shown for ``duration_ms`` may hold; None when the preset
        sets no limit or counts words (its limit is then :meth:`max_units_for`, in words).

        >>> get_preset("csa").max_chars_for(2000), get_preset("bbc").max_chars_for(2000)
        (24.0, None)
        """
        return self._max_chars(duration_ms) if self.speed_unit is SpeedUnit.CPS else None

    def _max_chars(self, duration_ms: int) -> float | None:
        if self.cps_steps:
            return _interpolate(self.cps_steps, duration_ms) * (1 + self.tolerance)
        if self.max_cps is not None:
            return self.max_cps * max(duration_ms, 0) / 1000
        return None

    def speed_of(self, units: float, duration_ms: int) -> float:
        """``units`` shown for ``duration_ms`` as a speed in :attr:`speed_unit` (inf for no time).

        >>> get_preset("bbc").speed_of(3, 1000), get_preset("netflix").speed_of(17, 1000)
        (180.0, 17.0)
        """
        if duration_ms <= 0:
            return float("inf")
        return units * self.speed_unit.per_ms / duration_ms

    def speed_limit(self, duration_ms: int) -> float | None:
        """The reading-speed limit for a cue shown ``duration_ms``, in :attr:`speed_unit`
        (None: no limit; a stepped table gives a limit per duration).

        >>> get_preset("bbc").speed_limit(2000), round(get_preset("csa").speed_limit(1000), 2)
        (180.0, 14.4)
        """
        allowed = self.max_units_for(duration_ms)
        if allowed is None or duration_ms <= 0:
            return None
        return allowed * self.speed_unit.per_ms / duration_ms

    def reading_speed(self, text: str, duration_ms: int) -> float:
        """The reading speed of ``text`` shown for ``duration_ms``, in :attr:`speed_unit`.

        >>> get_preset("bbc").reading_speed("I am so sad as he is to me now", 2000)
        300.0
        """
        return self.speed_of(self.reading_units(text), duration_ms)

    def cps_limit(self, text: str, duration_ms: int) -> float | None:
        """The characters per second at which ``text`` shown ``duration_ms`` would be at the
        limit: the limit itself for a characters-per-second preset; for a words-per-minute one,
        the speed of this text's characters when its words are at the limit (so that a chart
        drawn in characters per second shows a cue above the line exactly when it is too fast).

        >>> get_preset("netflix").cps_limit("Oui", 1000), get_preset("bbc").cps_limit("a bc", 1000)
        (17.0, 6.0)
        """
        if duration_ms <= 0:
            return None
        if self.speed_unit is SpeedUnit.CPS:
            return self.speed_limit(duration_ms)
        allowed, words = self.max_units_for(duration_ms), count_words(text)
        if allowed is None or not words:
            return None
        return reading_chars(text) * allowed / words * 1000 / duration_ms

    def to_dict(self) -> dict[str, object]:
        """The preset as JSON data (``min_gap_ms`` in place of the override field)."""
        data: dict[str, object] = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        data.pop("min_gap_override_ms")
        data["min_gap_ms"] = self.min_gap_ms
        data["cps_steps"] = [list(step) for step in self.cps_steps]
        data["speed_unit"] = self.speed_unit.value
        return data


def _interpolate(steps: tuple[tuple[int, int], ...], duration_ms: int) -> float:
    prev_ms, prev_chars = 0, 0
    duration_ms = max(duration_ms, 0)
    for step_ms, chars in steps:
        if duration_ms <= step_ms:
            return prev_chars + (chars - prev_chars) * (duration_ms - prev_ms) / (step_ms - prev_ms)
        prev_ms, prev_chars = step_ms, chars
    return prev_chars * duration_ms / prev_ms


# The sources, as the reports cite them (docs/presets.md gives every number with its source).
_NETFLIX_GENERAL = "Netflix Timed Text Style Guide: General Requirements (833 ms-7 s, 2-frame gap, 2 lines)"
_NETFLIX_FR = (f"{_NETFLIX_GENERAL}; French Timed Text Style Guide and the English Template (42 characters; "
               "adult 17 cps, children 13 cps)")
_NETFLIX_EN = (f"{_NETFLIX_GENERAL}; English (USA) Timed Text Style Guide (42 characters; adult 20 cps, "
               "children 17 cps)")
_DCMP = "DCMP Captioning Key: Presentation Rate (words counted; 2 s minimum) and Caption Guidelines (32 characters)"

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("fr-tv", "French TV (the default for French)",
               "Netflix SDH numbers (42 chars, 2 lines, 20 cps, 833 ms-7 s) at the 25 fps of French "
               "television (2-frame gap = 80 ms); CSA charter for 2 recorded lines",
               max_cps=20.0, fps=25.0, language="fr"),
        Preset("netflix", "Netflix, adult (French, English template)", _NETFLIX_FR, max_cps=17.0),
        Preset("netflix-children", "Netflix, children (French, English template)", _NETFLIX_FR, max_cps=13.0),
        Preset("netflix-en", "Netflix English (USA), adult (the default for English)", _NETFLIX_EN, max_cps=20.0,
               language="en"),
        Preset("netflix-en-children", "Netflix English (USA), children", _NETFLIX_EN, max_cps=17.0, language="en"),
        Preset("netflix-sdh", "Netflix SDH (the default for other languages)",
               f"{_NETFLIX_GENERAL}; SDH reading speed 20 cps (most languages, as Subtitle Edit's Netflix "
               "checker lists them)", max_cps=20.0, sdh=True),
        Preset("bbc", "BBC", "BBC Subtitle Guidelines (37 Teletext characters, 2 lines, 160-180 wpm)",
               max_chars=37, max_cps=None, max_wpm=180, min_duration_ms=0, max_duration_ms=None,
               gap_frames=0, fps=25.0, language="en"),
        Preset("dcmp", "DCMP, lower- to middle-level educational media", f"{_DCMP}: 120-130 wpm",
               max_chars=32, max_cps=None, max_wpm=130, min_duration_ms=2000, max_duration_ms=None,
               gap_frames=0, fps=29.97, language="en"),
        Preset("dcmp-adult", "DCMP, special-interest media for adults", f"{_DCMP}: 150-160 wpm",
               max_chars=32, max_cps=None, max_wpm=160, min_duration_ms=2000, max_duration_ms=None,
               gap_frames=0, fps=29.97, language="en"),
        Preset("dcmp-theatrical", "DCMP, theatrical productions for adults", f"{_DCMP}: at most 235 wpm",
               max_chars=32, max_cps=None, max_wpm=235, min_duration_ms=2000, max_duration_ms=None,
               gap_frames=0, fps=29.97, language="en"),
        Preset("csa", "CSA / Arcom charter (French TV)",
               "Charte relative a la qualite du sous-titrage (CSA, 2011): 2 lines recorded, 12 chars for 1 s, "
               "20 for 2 s, 36 for 3 s, 60 for 4 s, 20 % tolerance; no line length, display time or gap",
               max_chars=None, max_cps=None, cps_steps=((1000, 12), (2000, 20), (3000, 36), (4000, 60)),
               tolerance=0.2, min_duration_ms=0, max_duration_ms=None, gap_frames=0, fps=25.0, language="fr"),
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

#: The preset of the toolkit's first language (French), and of the commands that do not choose
#: one by the text's language.
DEFAULT_PRESET = "fr-tv"
#: The preset chosen for a text in each language that has its own rules (``convert`` without
#: ``--preset``): French TV rules for French, Netflix's English (USA) rules for English.
LANGUAGE_PRESETS: Mapping[str, str] = {"fr": "fr-tv", "en": "netflix-en"}
#: The preset for a text in any other language, or one whose language is not known: Netflix's
#: SDH numbers, the same verbatim-caption rates as ``fr-tv`` without French television's frame rate.
NEUTRAL_PRESET = "netflix-sdh"


def get_preset(name: str = DEFAULT_PRESET) -> Preset:
    """The preset called ``name``.

    Raises:
        ConfigError: for an unknown name (the message lists the known ones).
    """
    try:
        return PRESETS[name]
    except KeyError:
        raise ConfigError(f"unknown preset {name!r}; expected one of: {', '.join(PRESETS)}") from None


def preset_for_language(lang: str | None) -> Preset:
    """The preset a text in ``lang`` gets when none is asked for.

    >>> [preset_for_language(code).name for code in ("fr", "en", "da", None)]
    ['fr-tv', 'netflix-en', 'netflix-sdh', 'netflix-sdh']
    """
    return PRESETS[LANGUAGE_PRESETS.get(lang or "", NEUTRAL_PRESET)]


@dataclass(frozen=True, slots=True)
class PresetChoice:
    """A preset asked for by name, or left to the text's language, with the user's overrides:
    what a command knows before it has read the text.

    Attributes:
        name: the preset's name; None to choose by the text's language (:func:`preset_for_language`).
        overrides: ``(setting, value)`` pairs applied to the preset (see :meth:`Preset.with_overrides`).

    >>> PresetChoice(None, (("max_chars", 37),)).resolve("en").name, PresetChoice("bbc").resolve("fr").name
    ('netflix-en', 'bbc')
    """

    name: str | None = None
    overrides: tuple[tuple[str, float], ...] = ()

    def resolve(self, lang: str | None) -> Preset:
        """The preset for a text in ``lang`` (the name, when one was given, decides alone).

        Raises:
            ConfigError: an unknown name or setting, or a bad value.
        """
        preset = get_preset(self.name) if self.name is not None else preset_for_language(lang)
        return preset.with_overrides(**dict(self.overrides)) if self.overrides else preset


def resolve_preset(preset: Preset | PresetChoice | None, lang: str | None) -> tuple[Preset, bool]:
    """The preset to use for a text in ``lang``, and whether it was chosen by the language.

    >>> [(p.name, by_lang) for p, by_lang in (resolve_preset(None, "en"), resolve_preset(get_preset("bbc"), "fr"))]
    [('netflix-en', True), ('bbc', False)]
    """
    if isinstance(preset, Preset):
        return preset, False
    choice = preset if preset is not None else PresetChoice()
    return choice.resolve(lang), choice.name is None


def count_words(text: str) -> int:
    """Words as a reading speed in words per minute counts them: runs of characters between
    spaces that hold a letter or a digit (``c'est``, ``est-ce``, ``19h30`` are one word each; a
    dash, ``?`` or ``…`` alone is none); markup tags are not read.

    >>> count_words("- C'est 19h30 ?\\n- <i>Oui</i>, est-ce que… tu viens ?")
    7
    """
    if "<" in text:
        text = _TAG.sub("", text)
    return sum(1 for token in text.split() if _WORDLIKE.search(token))


_WORDLIKE = re.compile(r"[^\W_]")


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
    return speed_spread([n * 1000 / (c.end_ms - c.start_ms) for c, n in zip(cues, counts) if c.end_ms > c.start_ms])


def speed_spread(speeds: list[float]) -> SpeedSpread:
    """The spread of cues' reading speeds (characters per second, in any order): what
    :func:`reading_speeds` gives for the cues they were measured on.

    >>> speed_spread([7.0, 3.0, 5.0])
    SpeedSpread(median_cps=5.0, p90_cps=7.0, max_cps=7.0)
    """
    speeds = sorted(speeds)
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
