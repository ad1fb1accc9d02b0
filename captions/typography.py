"""Per-language text rules: French non-breaking spaces, language detection, and the
words a line or a cue should not be cut after (used by :mod:`.linebreak` and :mod:`.segment`).

French typography puts a narrow non-breaking space (U+202F) before ``? ! : ;`` and inside
``« »``.  Because the space is not a regular space, every tokenizer in the toolkit
(``str.split(" ")``) keeps the punctuation glued to its word: a line can then never start
with ``?``, and reading speed counts the space as one character.
"""

from __future__ import annotations

import functools
import re

from .langdata import LanguageData, language_data

__all__ = [
    "NNBSP", "french_spacing", "detect_language", "break_penalty", "UNBREAKABLE",
    "SENTENCE_END", "CLAUSE_END", "ends_sentence",
]

NNBSP = "\u202f"
_SPACES = " \t\u00a0\u202f"

# A run of ? ! : ; that ends a word (followed by a space, a closing mark or the end), after a
# character that is not already a space.  Not matched: 20:30, https://, 3:2, ":)".
_BEFORE_PUNCT = re.compile(r"(?<=[^\s\u00a0\u202f?!:;])[ \t]?(?=[?!:;]+(?:$|[\s»\"'’)\].,…]))")
_OPEN_GUILLEMET = re.compile(r"«[ \t\u00a0]?(?=\S)")
_CLOSE_GUILLEMET = re.compile(r"(?<=\S)[ \t\u00a0]?»")


def french_spacing(text: str) -> str:
    """Add the French narrow non-breaking spaces (U+202F) before ``? ! : ;`` and inside « ».

    A regular space already there is replaced (so the character count does not change); an
    existing non-breaking space is kept as it is.  Times (``20:30``) and URLs are untouched.

    >>> french_spacing("Ça va ? Oui: à 20:30, « super »!").replace(NNBSP, "_")
    'Ça va_? Oui_: à 20:30, «_super_»_!'
    """
    text = _BEFORE_PUNCT.sub(NNBSP, text)
    text = _OPEN_GUILLEMET.sub("«" + NNBSP, text)
    return _CLOSE_GUILLEMET.sub(NNBSP + "»", text)


_STOPWORDS = {
    "fr": frozenset("le la les un une des du de et est que qui pour dans pas sur avec ce cette "
                    "il elle on nous vous ils je tu c'est au aux mais ou donc ça très".split()),
    "en": frozenset("the a an and is are that which for in not on with this it he she we you "
                    "they i of to was be have has but or so very".split()),
}


def detect_language(text: str, *, sample_words: int = 5000) -> str:
    """``"fr"`` or ``"en"``, whichever has more stopwords in the first words of ``text``.

    >>> detect_language("Bonsoir à tous, c'est la quotidienne"), detect_language("This is the show")
    ('fr', 'en')
    """
    counts = dict.fromkeys(_STOPWORDS, 0)
    for word in text.lower().split()[:sample_words]:
        word = word.strip(".,;:!?«»\"()")
        for lang, words in _STOPWORDS.items():
            if word in words:
                counts[lang] += 1
    return max(counts, key=lambda lang: (counts[lang], lang == "fr"))


# ---- where text may be cut -------------------------------------------------------------

UNBREAKABLE = 1000.0   # a cut the rules forbid; taken only when nothing else fits

SENTENCE_END = frozenset(".?!…")
CLAUSE_END = frozenset(",;:–—)»")

def _sets(lang: str) -> LanguageData:
    """The word classes of ``lang``; a language without rules of its own is read with French's."""
    data = language_data(lang)
    if data is None:
        data = language_data("fr")
        assert data is not None
    return data


_NUMBER = re.compile(r"^[+-]?\d[\d.,\u202f\u00a0]*$")
_UNITS = frozenset("% € $ £ h min s ms km m kg g °C °".split())
_ELISION_END = ("'", "’")


def ends_sentence(word: str) -> bool:
    """Whether ``word`` ends a sentence (``.?!…``, not a number such as ``3.``).

    >>> ends_sentence("soir."), ends_sentence("Co"), ends_sentence("ça ?")
    (True, False, True)
    """
    return word[-1:] in SENTENCE_END and not _NUMBER.match(word)


def _bare(word: str) -> str:
    return word.strip("«»\"“”()[]").lower()


@functools.lru_cache(maxsize=1 << 16)
def _left(word: str, lang: str) -> tuple[float | None, bool, bool, bool, bool]:
    """What a cut after ``word`` depends on: (the penalty when the word alone decides it, else
    None; a number; a number that ends with a full stop; a capitalised name; a word that should
    not end a line)."""
    sets = _sets(lang)
    last = word[-1:]
    if last in _ELISION_END or word == "&":
        return UNBREAKABLE, False, False, False, False
    number = bool(_NUMBER.match(word))
    if last in SENTENCE_END and not number:
        return 0.0, False, False, False, False   # the same test as ends_sentence
    if last in CLAUSE_END:
        return 1.0, False, False, False, False
    bare = _bare(word)
    core = bare.replace("’", "'").rpartition("'")[2] or bare   # "qu'il" -> "il", "d'une" -> "une"
    if bare in sets.determiners or core in sets.determiners or bare.endswith(_ELISION_END):
        return UNBREAKABLE, False, False, False, False
    name = word[:1].isupper() and word.isalpha() and bare not in sets.pronouns
    weak = core in sets.weak   # a pronoun, a preposition, an auxiliary, a conjunction
    return None, bool(_NUMBER.match(bare)), number and last == ".", name, weak


@functools.lru_cache(maxsize=1 << 16)
def _right(word: str, lang: str) -> tuple[bool, bool, bool, bool, bool]:
    """What a cut before ``word`` depends on: (never cut before it; a conjunction or a
    preposition; a unit, a word or a number (what a number before it holds); a capitalised word;
    a word that should not start a line, the ``pas`` of ``ne ... pas``)."""
    if not word or word[0] in "?!:;" or word == "&":
        return True, False, False, False, False
    bare = _bare(word)
    sets = _sets(lang)
    join = bare in sets.joins
    counted = bare in _UNITS or bare.isalpha() or bool(_NUMBER.match(bare))
    return False, join, counted, word[:1].isupper() and word[:1].isalpha(), bare.strip(".,;:!?…") in sets.clinging


@functools.lru_cache(maxsize=1 << 16)   # a show repeats its word pairs: cache the verdicts
def break_penalty(left: str, right: str, lang: str = "fr") -> float:
    """How bad it is to cut between the words ``left`` and ``right`` (0 is best).

    0 after a sentence end (a number ending with a full stop before a capital: ``2000. Je``),
    1 after clause punctuation, 2 before a conjunction or a preposition, 4 elsewhere, 10
    between a pronoun and its verb (``qu'il | y a``), after a preposition, a conjunction, an
    auxiliary or an adjective that comes before its noun (``grande | cérémonie``), before the
    ``pas`` of a negation,
    and :data:`UNBREAKABLE` between an article and its noun, a number and its unit, a first
    and a last name, inside an elision, or before ``? ! : ;``.  What each word brings is
    measured once per word, not once per pair.

    >>> break_penalty("Bonsoir.", "Et"), break_penalty("30", "milliards"), break_penalty("vu", "et")
    (0.0, 1000.0, 2.0)
    """
    never, join, counted, capital, clinging = _right(right, lang)
    if never:
        return UNBREAKABLE
    decided, number, full_stop, name, weak = _left(left, lang)
    if decided is not None:
        return decided
    if full_stop and capital:
        return 0.0                # "en 2000. Je ne sais pas": a sentence ends with a number
    if number and not join and counted:
        return UNBREAKABLE
    if name and capital:
        return UNBREAKABLE        # a first and a last name, "Tech Co", "Open AI"
    if join:
        return 2.0
    if weak or clinging:
        return 10.0
    return 4.0
