"""Per-language text data: the word classes the line-break rules are made of, read from
``captions/data/lang/<code>.toml`` (one file per language with rules; docs/presets.md says
where the lists come from).  Adding a language's rules is adding its file.

>>> data = language_data("fr")
>>> "la" in data.determiners, "parce" in data.conjunctions, language_data("da") is None
(True, True, True)
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources

__all__ = ["LanguageData", "language_data", "RULE_LANGUAGES", "fixed_expressions"]

#: The languages that have a data file (their own line-break rules).
RULE_LANGUAGES = ("fr", "en")


@dataclass(frozen=True, slots=True)
class LanguageData:
    """The word classes of one language (lower case; elided forms keep their apostrophe).

    Attributes:
        determiners: never end a line or cue on them (an article stays with its noun).
        pronouns: a pronoun stays with its verb.
        conjunctions / prepositions: a line may start with them; it should not end on them.
        leading: auxiliaries and adjectives before their noun: a line should not end on them.
        clinging: a line should not start with them (the second half of a negation).
        joins: words a good cut comes before (conjunctions and prepositions).
        weak: words a line should not end on (pronouns, prepositions, leading words, conjunctions).
    """

    code: str
    determiners: frozenset[str]
    pronouns: frozenset[str]
    conjunctions: frozenset[str]
    prepositions: frozenset[str]
    leading: frozenset[str]
    clinging: frozenset[str]
    joins: frozenset[str]
    weak: frozenset[str]


@functools.cache
def language_data(code: str) -> LanguageData | None:
    """The data of language ``code`` (``"fr"``, ``"en"``), or None when it has no rules of its own."""
    if code not in RULE_LANGUAGES:
        return None
    text = resources.files("captions").joinpath("data", "lang", f"{code}.toml").read_text(encoding="utf-8")
    table = tomllib.loads(text)
    words = {name: frozenset(str(table.get(name, "")).split()) for name in
             ("determiners", "pronouns", "conjunctions", "prepositions", "leading", "clinging")}
    return LanguageData(code=code, **words, joins=words["conjunctions"] | words["prepositions"],
                        weak=words["pronouns"] | words["prepositions"] | words["leading"] | words["conjunctions"])


@functools.cache
def fixed_expressions(code: str) -> tuple[tuple[str, ...], ...]:
    """The fixed expressions of language ``code`` (never split across lines or cues), each as
    its words in lower case; ``()`` for a language without a data file or a file without them.

    Read-only, from the file's ``expressions`` key: a list of strings, or one string with an
    expression per line (``#`` starts a comment).

    >>> fixed_expressions("da")
    ()
    """
    if code not in RULE_LANGUAGES:
        return ()
    text = resources.files("captions").joinpath("data", "lang", f"{code}.toml").read_text(encoding="utf-8")
    value = tomllib.loads(text).get("expressions", ())
    entries = value.splitlines() if isinstance(value, str) else [str(v) for v in value]
    found = (tuple(entry.split("#", 1)[0].lower().replace("’", "'").split()) for entry in entries)
    return tuple(dict.fromkeys(words for words in found if len(words) > 1))
