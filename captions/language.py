"""Which language a text is in, with a confidence: the rules that depend on the language
(French typography, line-break rules, the default preset) apply only where it is known.

The decision is made from the words themselves, fast enough for every command: a language
written in its own script (Arabic, Hebrew, Cyrillic, Greek, Japanese, Chinese, Korean, Thai,
Devanagari...) is recognised by its letters; a language written in Latin letters by the share of
its most frequent function words (captions/data/stopwords.toml).  A general-purpose identifier
(py3langid) was measured at half a second per process to load its model, twice a whole
conversion, for a decision between French, English and "another language".

>>> detect("Bonsoir à tous, c'est la quotidienne de la tech").language
<Language.FR: 'fr'>
>>> detect("Hej, hvordan har du det i dag? Det er godt.").language
<Language.DA: 'da'>
"""

from __future__ import annotations

import enum
import functools
import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .files import package_text

__all__ = ["Language", "Detected", "detect", "parse_language", "CONFIDENT", "RULES"]


class Language(str, enum.Enum):
    """The languages captions recognises (ISO 639-1 codes; ``--lang`` takes these, any case)."""

    FR = "fr"
    EN = "en"
    ES = "es"
    DE = "de"
    IT = "it"
    PT = "pt"
    NL = "nl"
    DA = "da"
    SV = "sv"
    NB = "nb"
    PL = "pl"
    RO = "ro"
    TR = "tr"
    ID = "id"
    VI = "vi"
    RU = "ru"
    UK = "uk"
    EL = "el"
    AR = "ar"
    FA = "fa"
    HE = "he"
    HI = "hi"
    TA = "ta"
    TH = "th"
    JA = "ja"
    ZH = "zh"
    KO = "ko"


#: The languages with their own rules (line breaking, typography); others get the neutral ones.
RULES = frozenset({Language.FR, Language.EN})
#: The confidence from which a language's rules apply without being asked for.
CONFIDENT = 0.6


@dataclass(frozen=True, slots=True)
class Detected:
    """The language of a text: ``language`` is None when the text gives too little to tell."""

    language: Language | None
    confidence: float

    def confident(self, language: Language) -> bool:
        """Whether the text is ``language`` with at least :data:`CONFIDENT` confidence."""
        return self.language is language and self.confidence >= CONFIDENT


def parse_language(code: str) -> Language:
    """A ``--lang`` value as a :class:`Language` (case and a region suffix do not matter).

    Raises:
        ValueError: for a code outside the closed set (the message lists it).

    >>> parse_language("FR"), parse_language("en-GB"), parse_language("no")
    (<Language.FR: 'fr'>, <Language.EN: 'en'>, <Language.NB: 'nb'>)
    """
    base = code.strip().lower().replace("_", "-").split("-")[0]
    base = {"no": "nb", "iw": "he"}.get(base, base)
    try:
        return Language(base)
    except ValueError:
        raise ValueError(f"unknown language {code!r}; expected one of "
                         f"{', '.join(lang.value for lang in Language)}") from None


# Scripts that name a language (or a small family: Cyrillic is read as Russian, Arabic script
# with Persian letters as Persian).
_SCRIPT_WORDS = (
    ("HIRAGANA", Language.JA), ("KATAKANA", Language.JA), ("HANGUL", Language.KO), ("CJK", Language.ZH),
    ("ARABIC", Language.AR), ("HEBREW", Language.HE), ("CYRILLIC", Language.RU), ("GREEK", Language.EL),
    ("DEVANAGARI", Language.HI), ("TAMIL", Language.TA), ("THAI", Language.TH),
)
_PERSIAN = frozenset("پچژگکی")
_UKRAINIAN = frozenset("іїєґ")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SAMPLE_CHARS = 20_000


@functools.lru_cache(maxsize=4096)
def _script(char: str) -> Language | None:
    name = unicodedata.name(char, "")
    for word, language in _SCRIPT_WORDS:
        if name.startswith(word) or f" {word}" in name[:20]:
            return language
    return None


@functools.cache
def _profiles() -> dict[Language, frozenset[str]]:
    text = package_text("data/stopwords.toml")
    return {Language(code): frozenset(words.split()) for code, words in tomllib.loads(text).items()}


def detect(text: str) -> Detected:
    """The language of ``text`` (its first 20,000 characters are enough) and how sure.

    >>> detect("This is the show, and we are glad you are here.").language
    <Language.EN: 'en'>
    >>> detect("שלום לכולם, ברוכים הבאים").language, detect("12:30 !!").language
    (<Language.HE: 'he'>, None)
    """
    sample = text[:_SAMPLE_CHARS]
    scripts, total = _scripts(sample)
    if not total:
        return Detected(None, 0.0)
    script, count = scripts.most_common(1)[0]
    if script is not None and count * 2 >= total:
        return Detected(_refine(script, scripts, sample), count / total)
    return _by_words(sample)


def _scripts(sample: str) -> tuple[Counter[Language | None], int]:
    """How many letters of ``sample`` each script has (in the order the scripts first appear),
    and how many letters it has: each distinct letter is looked up once."""
    letters = Counter(filter(str.isalpha, sample))
    scripts: Counter[Language | None] = Counter()
    for letter, times in letters.items():
        scripts[_script(letter)] += times
    return scripts, letters.total()


def _refine(script: Language, scripts: Counter[Language | None], sample: str) -> Language:
    """Japanese writes kanji too; Persian and Ukrainian have letters of their own."""
    if script is Language.ZH and scripts[Language.JA]:
        return Language.JA
    if script is Language.AR and any(c in _PERSIAN for c in sample):
        return Language.FA
    if script is Language.RU and any(c in _UKRAINIAN for c in sample.lower()):
        return Language.UK
    return script


def _by_words(sample: str) -> Detected:
    """A Latin-script text: the language whose function words it uses most.

    The confidence grows with the share of the text those words make (about a third of
    running speech in the languages listed; a fifth is already a clear text) and with the
    margin over the runner-up (French and Spanish share ``de``, ``la``, ``que``, ``en``).
    """
    words = [w.lower().replace("’", "'") for w in _WORD.findall(sample)]
    tokens = [part for w in words for part in (w, *w.split("'")) if part] if words else []
    if len(words) < 2:
        return Detected(None, 0.0)
    hits = _function_words(tokens)
    ranked = sorted(hits.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top == 0:
        return Detected(None, 0.0)
    share = min(1.0, top / (0.2 * len(words)))
    margin = 1.0 - second / top
    return Detected(best, round(share * min(1.0, 2 * margin), 3))


def _function_words(tokens: Sequence[str]) -> dict[Language, int]:
    """How many of ``tokens`` are function words of each language (each distinct token looked
    up once, counted as often as it occurs)."""
    counts = Counter(tokens)
    return {lang: sum(map(counts.__getitem__, profile & counts.keys())) for lang, profile in _profiles().items()}
