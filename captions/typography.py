"""Per-language text rules: the typography pass, and how bad a cut between two words is (used by
:mod:`.linebreak` and :mod:`.segment`).  Every rule's words come from :mod:`.langdata`.

The typography pass (:func:`typeset`) applies a language's rules to a text, each change recorded
with its rule, what it replaced, what it wrote and where (:class:`TypoChange`, shown by
``captions convert --explain``).  French puts a narrow no-break space (U+202F) before
``? ! : ; %`` and inside ``« »``: because it is not a regular space, every tokenizer in the
toolkit (``str.split(" ")``) keeps the mark glued to its word, so a line never starts with ``?``
and reading speed counts the space as one character.  Character references (``&amp;``) and
tags (``<i>``) are never touched.
"""

from __future__ import annotations

import bisect
import enum
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypedDict

from .langdata import LanguageData, PhraseRule, rules_for, word_key
from .timecode import format_clock

__all__ = [
    "NNBSP", "french_spacing", "detect_language", "break_penalty", "pair_penalties", "UNBREAKABLE",
    "INSIDE_EXPRESSION", "WEAK_END", "CLITIC_END", "SENTENCE_END", "CLAUSE_END", "ends_sentence", "TypoRule",
    "TypoChange", "TypoChangeRecord", "Typeset", "typeset",
]

NNBSP = "\u202f"
_NBSP = "\u00a0"

# Character references and tags: the pass never changes a character inside them.
_PROTECTED = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|<[^<>\n]*>")
_MASK = "\ue000"   # a private-use character: no rule pattern matches it


def _masked(text: str) -> str:
    """``text`` with every character of a character reference or tag replaced by :data:`_MASK`
    (same length, so offsets stay valid)."""
    if "&" not in text and "<" not in text:
        return text
    return _PROTECTED.sub(lambda m: _MASK * len(m.group(0)), text)


# A run of ? ! : ; that ends a word (followed by a space, a closing mark or the end), after a
# character that is not already a space.  Not matched: 20:30, https://, 3:2, ":)".
_BEFORE_PUNCT = re.compile(r"(?<=[^\s\u00a0\u202f?!:;])[ \t]?(?=[?!:;]+(?:$|[\s»\"'’)\].,…]))")
_OPEN_GUILLEMET = re.compile(r"«[ \t\u00a0]?(?=\S)")
_CLOSE_GUILLEMET = re.compile(r"(?<=\S)[ \t\u00a0]?»")


def french_spacing(text: str) -> str:
    """Add the French narrow non-breaking spaces (U+202F) before ``? ! : ;`` and inside « ».

    A regular space already there is replaced (so the character count does not change); an
    existing non-breaking space is kept as it is.  Times (``20:30``), URLs, character references
    (``&amp;``) and tags are untouched.

    >>> french_spacing("Ça va ? Oui: à 20:30, « super »! R&amp;D").replace(NNBSP, "_")
    'Ça va_? Oui_: à 20:30, «_super_»_! R&amp;D'
    """
    if _masked(text) is not text:   # a reference or a tag: find on the masked text, edit the real one
        for pattern, new in ((_BEFORE_PUNCT, NNBSP), (_OPEN_GUILLEMET, "«" + NNBSP), (_CLOSE_GUILLEMET, NNBSP + "»")):
            text = _apply(text, [(m.start(), m.end(), new) for m in pattern.finditer(_masked(text))])
        return text
    text = _BEFORE_PUNCT.sub(NNBSP, text)
    text = _OPEN_GUILLEMET.sub("«" + NNBSP, text)
    return _CLOSE_GUILLEMET.sub(NNBSP + "»", text)


def _apply(text: str, edits: Sequence[tuple[int, int, str]]) -> str:
    """``text`` with the sorted, non-overlapping ``edits`` (start, end, replacement) made."""
    out: list[str] = []
    done = 0
    for start, end, new in edits:
        if start < done:
            continue
        out += (text[done:start], new)
        done = end
    out.append(text[done:])
    return "".join(out)


_STOPWORDS = {
    "fr": frozenset("le la les un une des du de et est que qui pour dans pas sur avec ce cette "
                    "il elle on nous vous ils je tu c'est au aux mais ou donc ça très".split()),
    "en": frozenset("the a an and is are that which for in not on with this it he she we you "
                    "they i of to was be have has but or so very".split()),
}


def detect_language(text: str, *, sample_words: int = 5000) -> str:
    """``"fr"`` or ``"en"``, whichever has more stopwords in the first words of ``text`` (the
    validator's older rule; :func:`captions.language.detect` also says how sure it is).

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


# ---- the typography pass ----------------------------------------------------------------

class TypoRule(str, enum.Enum):
    """A rule of the typography pass, as a stable code (each change names its rule)."""

    NNBSP_BEFORE_PUNCTUATION = "nnbsp-before-punctuation"   # va ? -> va\u202f?
    NNBSP_BEFORE_PERCENT = "nnbsp-before-percent"           # 90% -> 90\u202f%
    NNBSP_INSIDE_GUILLEMETS = "nnbsp-inside-guillemets"     # «oui» -> «\u202foui\u202f»
    ELLIPSIS = "ellipsis-character"                         # ... -> …
    ETC = "etc-full-stop"                                   # etc -> etc.
    ACCENTED_CAPITAL = "accented-capital"                   # Etats -> États
    EH_BIEN = "eh-bien"                                     # Et bien, -> Eh bien,


class TypoChangeRecord(TypedDict):
    """A :class:`TypoChange` as JSON (the convert report lists them with the corrections)."""

    rule: str
    kind: str
    before: str
    after: str
    line: int | None
    start_ms: int | None
    segment: int


@dataclass(frozen=True, slots=True)
class TypoChange:
    """One change of the typography pass, as data.

    Attributes:
        rule: the rule that made it.
        before / after: the words it touched, as they were and as they are (whole words, so
            that a space's change can be read).
        segment: the index of the segment (a transcript's fragment, a cue) it is in.
        line: that segment's source line; ``start_ms``: its stamp (None when unknown).
    """

    rule: TypoRule
    before: str
    after: str
    segment: int
    line: int | None = None
    start_ms: int | None = None

    def to_dict(self) -> TypoChangeRecord:
        return {"rule": self.rule.value, "kind": "typography", "before": self.before, "after": self.after,
                "line": self.line, "start_ms": self.start_ms, "segment": self.segment}

    def explain(self) -> str:
        """One line for a person: ``line 14 [00:41]: 'Etats' -> 'États' (typography: accented-capital)``."""
        where = f"line {self.line}" if self.line is not None else f"segment {self.segment + 1}"
        if self.start_ms is not None:
            where += f" [{format_clock(self.start_ms)}]"
        return f"{where}: {self.before!r} -> {self.after!r} (typography: {self.rule.value})"


@dataclass(frozen=True, slots=True)
class Typeset:
    """The texts after the typography pass, and every change it made."""

    texts: tuple[str, ...]
    changes: tuple[TypoChange, ...]


_Edit = tuple[int, int, str]            # start, end, replacement in the text the rule saw
_Finder = Callable[[str, str], list[_Edit]]   # (text, masked text) -> edits, sorted, apart


def typeset(texts: Sequence[str], lang: str, *, lines: Sequence[int | None] | None = None,
            starts_ms: Sequence[int | None] | None = None) -> Typeset:
    """Apply the typography rules of ``lang`` to ``texts`` (a transcript's fragments in order,
    or one cue's text), recording every change.

    The texts are read as one running text (a mark at the start of a fragment belongs to the
    word that ends the previous one: the fragment then starts with the no-break space, which
    :func:`captions.segment.split_words` reads as glue).  A language without typography rules
    (anything but French and English) is returned as it is.

    >>> done = typeset(["Les Etats-Unis ? 90% etc...", "? Et bien, R&amp;D."], "fr", lines=[3, 4])
    >>> [t.replace(NNBSP, "_") for t in done.texts]
    ['Les États-Unis_? 90_% etc.', '_? Eh bien, R&amp;D.']
    >>> for c in done.changes:
    ...     print(c.line, c.rule.value, repr(c.before), "->", repr(c.after))
    3 etc-full-stop 'etc...' -> 'etc.'
    3 accented-capital 'Etats-Unis' -> 'États-Unis'
    3 nnbsp-before-punctuation 'États-Unis ?' -> 'États-Unis\u202f?'
    3 nnbsp-before-percent '90%' -> '90\u202f%'
    4 eh-bien 'Et bien,' -> 'Eh bien,'
    4 nnbsp-before-punctuation '?' -> '\u202f?'
    """
    data = rules_for(lang)
    finders = _finders(data)
    if not finders or not texts:
        return Typeset(tuple(texts), ())
    text = "\n".join(t.replace("\n", " ") for t in texts)
    changes: list[TypoChange] = []
    # no rule writes a character reference or a tag, so a text without one never needs masking
    protected = _PROTECTED.search(text) is not None
    for rule, finder in finders:
        edits = _disjoint(finder(text, _masked(text) if protected else text))
        if edits:
            changes += _record(rule, text, edits, lines, starts_ms)
            text = _apply(text, edits)
    return Typeset(tuple(text.split("\n")), tuple(sorted(changes, key=lambda c: c.segment)))


def _disjoint(edits: Sequence[_Edit]) -> list[_Edit]:
    """The sorted ``edits`` without those that overlap one kept before them."""
    out: list[_Edit] = []
    done = 0
    for edit in sorted(edits):
        if edit[0] >= done:
            out.append(edit)
            done = edit[1]
    return out


def _record(rule: TypoRule, text: str, edits: Sequence[_Edit], lines: Sequence[int | None] | None,
            starts_ms: Sequence[int | None] | None) -> Iterator[TypoChange]:
    """The changes ``edits`` make to ``text``, each with the whole words around it (an edit never
    holds a segment break; one at a segment's very start belongs to that segment)."""
    breaks = [m.start() for m in re.finditer("\n", text)]
    for start, end, new in edits:
        segment = bisect.bisect_left(breaks, start)
        left = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
        right = min(p if p >= 0 else len(text) for p in (text.find(" ", end), text.find("\n", end)))
        yield TypoChange(rule, text[left:right], text[left:start] + new + text[end:right], segment,
                         lines[segment] if lines is not None else None,
                         starts_ms[segment] if starts_ms is not None else None)


@functools.cache
def _finders(data: LanguageData) -> tuple[tuple[TypoRule, _Finder], ...]:
    """The rules of ``data`` in the order they run (``etc...`` is settled before the ellipsis)."""
    rules = data.typography
    out: list[tuple[TypoRule, _Finder]] = []
    if rules.etc:
        out.append((TypoRule.ETC, _regex_finder(_ETC, "etc.")))
    if rules.ellipsis:
        out.append((TypoRule.ELLIPSIS, _regex_finder(_THREE_DOTS, "…")))
    if rules.accents:
        out.append((TypoRule.ACCENTED_CAPITAL, _accent_finder(rules.accents)))
    if rules.eh_bien is not None:
        out.append((TypoRule.EH_BIEN, _phrase_finder(rules.eh_bien)))
    marks = "".join(c for c in rules.space_before if c in "?!:;")
    if marks:
        out.append((TypoRule.NNBSP_BEFORE_PUNCTUATION, _space_before_finder(marks)))
    if "%" in rules.space_before:
        out.append((TypoRule.NNBSP_BEFORE_PERCENT, _percent_finder))
    if len(rules.space_inside) == 2:
        out.append((TypoRule.NNBSP_INSIDE_GUILLEMETS, _inside_finder(rules.space_inside)))
    return tuple(out)


# A pattern here starts with what it finds and looks behind it after (``etc`` not after a word
# character: ``etc(?<![\w.]etc)``), so that the regex engine scans for its first characters
# instead of trying the look-behind at every character of the running text (15 to 25 times faster,
# the same matches).
_ETC = re.compile(r"etc(?<![\w.]etc)(?:\.\.\.|…|(?![\w.]))")
_THREE_DOTS = re.compile(r"\.\.\.(?<!\.\.\.\.)(?!\.)")


def _regex_finder(pattern: re.Pattern[str], new: str) -> _Finder:
    def find(text: str, masked: str) -> list[_Edit]:
        return [(m.start(), m.end(), new) for m in pattern.finditer(masked) if text[m.start():m.end()] != new]
    return find


def _word_char(char: str) -> bool:
    """Not a space nor a mark of the ``? ! : ;`` kind: what a mark's narrow space comes after."""
    return bool(char) and not char.isspace() and char not in "?!:;"


def _space_before_finder(marks: str) -> _Finder:
    """A narrow no-break space before a run of ``marks`` that ends a word (followed by a space, a
    closing mark or the end): replacing a regular space after a word, inserted after a glued
    word, or inserted at the start of a fragment that starts with the mark (it then belongs to
    the previous fragment's last word).  Each run is found, then what is before it is read."""
    run = re.compile(f"[{re.escape(marks)}]+(?=$|[\\s»\"'’)\\].,…])")

    def find(text: str, masked: str) -> list[_Edit]:
        out = []
        for m in run.finditer(masked):
            at = m.start()
            before = masked[at - 1] if at else ""
            prev = masked[at - 2] if at > 1 else ""
            if before in (" ", "\t") and _word_char(prev):
                out.append((at - 1, at, NNBSP))
            elif (before == "\n" and _word_char(prev)) or _word_char(before):
                out.append((at, at, NNBSP))
        return out
    return find


def _percent_finder(text: str, masked: str) -> list[_Edit]:
    """A narrow no-break space between a number and ``%``: replacing a regular space, or
    inserted (also at the start of a fragment that starts with ``%``)."""
    out = []
    at = masked.find("%")
    while at > 0:
        before, prev = masked[at - 1], masked[at - 2] if at > 1 else ""
        if before.isdigit():
            out.append((at, at, NNBSP))
        elif before in (" ", "\n") and prev.isdigit():
            out.append((at - 1, at, NNBSP) if before == " " else (at, at, NNBSP))
        at = masked.find("%", at + 1)
    return out


def _inside_finder(pair: str) -> _Finder:
    """A narrow no-break space after the opening mark and before the closing one (replacing a
    space there), also across a fragment boundary."""
    opening, closing = pair[0], pair[1]

    def find(text: str, masked: str) -> list[_Edit]:
        out = _after_opening(masked, opening) + _before_closing(masked, opening, closing)
        return [e for e in sorted(out) if text[e[0]:e[1]] != e[2]]
    return find


def _solid(char: str) -> bool:
    """A character that is there and is not a space."""
    return bool(char) and not char.isspace()


def _after_opening(masked: str, opening: str) -> list[_Edit]:
    out = []
    for at in _positions(masked, opening):
        after, then = masked[at + 1:at + 2], masked[at + 2:at + 3]
        if after in (" ", "\t", "\u00a0") and _solid(then):
            out.append((at, at + 2, opening + NNBSP))
        elif _solid(after) or (after == "\n" and _solid(then)):
            out.append((at, at + 1, opening + NNBSP))
    return out


def _before_closing(masked: str, opening: str, closing: str) -> list[_Edit]:
    out = []
    for at in _positions(masked, closing):
        before, prev = masked[at - 1:at], masked[at - 2:at - 1] if at > 1 else ""
        if before == opening:
            continue   # "«»": the opening mark's space is the one between them
        if before in (" ", "\t", "\u00a0") and _solid(prev):
            out.append((at - 1, at + 1, NNBSP + closing))
        elif _solid(before) or (before == "\n" and _solid(prev)):
            out.append((at, at + 1, NNBSP + closing))
    return out


def _positions(text: str, char: str) -> Iterator[int]:
    at = text.find(char)
    while at >= 0:
        yield at
        at = text.find(char, at + 1)


def _accent_finder(accents: Sequence[tuple[str, str]]) -> _Finder:
    """Capitals written without their accent, as whole words (and their all-capital forms for
    words of four letters or more: ``ETATS`` -> ``ÉTATS``, never ``CA`` -> ``ÇA``); a word of
    the list may also start a compound (``Etat-major``).  The capitalised words that start with
    a letter of the list are found, then looked up."""
    table = dict(accents)
    table.update({k.upper(): v.upper() for k, v in accents if len(k) >= 4})
    letters = "".join(sorted({k[0] for k in table}))
    first = f"[{re.escape(letters)}]"
    pattern = re.compile(rf"{first}(?<![\w'’\-]{first})[\w\-]*(?![\w'’])")   # see _ETC

    def find(text: str, masked: str) -> list[_Edit]:
        out = []
        for m in pattern.finditer(masked):
            word = m.group(0)
            while word not in table and "-" in word:
                word = word.rpartition("-")[0]   # "Etat-major": the word before the hyphen
            if word in table:
                out.append((m.start(), m.start() + len(word), table[word]))
        return out
    return find


_CLAUSE_OPENERS = ".?!…,:;\n«"


def _phrase_finder(rule: PhraseRule) -> _Finder:
    """``rule.find`` -> ``rule.write`` where the phrase opens a clause (at the start of the text,
    of a fragment, of a sentence, or after a comma or a colon) and the next word is not one of
    ``rule.unless_next``; the case of each letter is kept as found."""
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, rule.find.split())) + r"(?!\w)", re.IGNORECASE)

    def find(text: str, masked: str) -> list[_Edit]:
        out = []
        for m in pattern.finditer(masked):
            k = m.start() - 1
            while k >= 0 and masked[k] in " \t":
                k -= 1
            if k >= 0 and masked[k] not in _CLAUSE_OPENERS:
                continue
            following = masked[m.end():m.end() + 40]
            if following[:1] == ".":
                continue   # "vite et bien.": the adverb
            nxt = following.split()[0] if following.split() else ""
            if word_key(nxt) in rule.unless_next or word_key(nxt).partition("'")[0] + "'" in rule.unless_next:
                continue
            found = m.group(0)
            out.append((m.start(), m.end(), _same_case(rule.write, found)))
        return out
    return find


def _same_case(new: str, found: str) -> str:
    """``new`` with the case of ``found``, letter by letter (``Et bien`` -> ``Eh bien``)."""
    return "".join(n.upper() if f.isupper() else n for n, f in zip(new, found)) + new[len(found):]


# ---- where text may be cut -------------------------------------------------------------

UNBREAKABLE = 1000.0   # a cut the rules forbid; taken only when nothing else fits
INSIDE_EXPRESSION = 1200.0   # ... inside a fixed expression: the last of those taken
WEAK_END = 30.0        # a line or cue ending on a word it must not end on (a preposition, c'est...)
CLITIC_END = 15.0      # ... on a subject pronoun (qu'ils | entrent): still less bad than mixing two sentences

SENTENCE_END = frozenset(".?!…")
CLAUSE_END = frozenset(",;:–—)»")

_NUMBER = re.compile(r"^[+-]?\d[\d.,\u202f\u00a0]*$")
_ELISION_END = ("'", "’")


def ends_sentence(word: str) -> bool:
    """Whether ``word`` ends a sentence (``.?!…``, not a number such as ``3.``).

    >>> ends_sentence("soir."), ends_sentence("Co"), ends_sentence("ça ?")
    (True, False, True)
    """
    return word[-1:] in SENTENCE_END and not _NUMBER.match(word)


def _core(key: str) -> str:
    return key.rpartition("'")[2] or key


_LeftFacts = tuple[float | None, bool, bool, int, int]
_RightFacts = tuple[bool, bool, bool, int, bool]


def _left(word: str, lang: str) -> _LeftFacts:
    """What a cut after ``word`` depends on: (the penalty when the word alone decides it, else
    None; a number; a number that ends with a full stop; a capitalised name, or 2 when it is in
    capitals; 4 for a determiner that may stand alone (no cut unless a conjunction, a relative
    or a preposition follows), 3 for a word a line must not end on, 2 for a subject pronoun, 1
    for a word it should not end on, else 0)."""
    data = rules_for(lang)
    last = word[-1:]
    if last in _ELISION_END or word == "&":
        return UNBREAKABLE, False, False, 0, 0
    number = bool(_NUMBER.match(word))
    if last in SENTENCE_END and not number:
        return 0.0, False, False, 0, 0   # the same test as ends_sentence
    if last in CLAUSE_END:
        return 1.0, False, False, 0, 0
    key = word_key(word)
    core = _core(key)
    if not {key, core}.isdisjoint(data.standalone):
        return None, False, False, 0, 4   # an article, unless a conjunction, a relative or a preposition follows
    if not {key, core}.isdisjoint(data.determiners) or key.endswith("'"):
        return UNBREAKABLE, False, False, 0, 0
    weak = 0
    if data.ends_weak(word):
        weak = 2 if not {key, core}.isdisjoint(data.subjects) else 3
    elif not {key, core}.isdisjoint(data.weak):
        weak = 1
    # a capitalised word that may start a name (not a function word); 2: in capitals
    name = (2 if _shouted(word) else 1) if word[:1].isupper() and word.isalpha() and key not in data.weak else 0
    return None, bool(_NUMBER.match(key)), number and last == ".", name, weak


def _shouted(word: str) -> bool:
    """A word of two letters or more in capitals (a title, a line in capitals; ``BFM`` too)."""
    return len(word) > 1 and word.isupper()


def _right(word: str, lang: str) -> _RightFacts:
    """What a cut before ``word`` depends on: (never cut before it; a conjunction, a relative or
    a preposition; a unit, a word or a number (what a number before it holds); a capitalised
    word, or 2 when it is in capitals; a word that should not start a line, the ``pas`` of
    ``ne ... pas``)."""
    if not word or word[0] in "?!:;%\u202f\u00a0" or word == "&":
        return True, False, False, 0, False
    key = word_key(word)
    data = rules_for(lang)
    join = key in data.joins
    counted = key in data.units or (key.isalpha() and key not in data.pronouns) or bool(_NUMBER.match(key))
    capital = (2 if _shouted(word.rstrip(".,;:!?…")) else 1) if word[:1].isupper() and word[:1].isalpha() else 0
    return False, join, counted, capital, key.strip(".,;:!?…") in data.clinging


class _WordFacts(dict[str, tuple[_LeftFacts, _RightFacts]]):
    """Per word of one language, what a cut after it and a cut before it depend on (:func:`_left`,
    :func:`_right`), made on first need: a transcript repeats its words, and a lookup by the word
    alone is the cheapest there is.  Emptied when it reaches :data:`_MAX_WORDS` words (a batch
    reads many transcripts in one process)."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def __missing__(self, word: str) -> tuple[_LeftFacts, _RightFacts]:
        if len(self) >= _MAX_WORDS:
            self.clear()
        facts = self[word] = (_left(word, self.lang), _right(word, self.lang))
        return facts


_MAX_WORDS = 1 << 16


@functools.cache
def _facts(lang: str) -> _WordFacts:
    return _WordFacts(lang)


def break_penalty(left: str, right: str, lang: str = "fr") -> float:
    """How bad it is to cut between the words ``left`` and ``right`` (0 is best).

    0 after a sentence end (a number ending with a full stop before a capital: ``2000. Je``),
    1 after clause punctuation, 2 before a conjunction, a relative pronoun or a preposition
    (after a determiner that stands alone there too: ``il y en a un | qui``), 4
    elsewhere, 10 after a pronoun or an adjective or adverb that comes before its word
    (``grande | cérémonie``) and before the ``pas`` of a negation, :data:`CLITIC_END` after a subject
    pronoun (``qu'ils | entrent``), :data:`WEAK_END` after another word a line must not end on (a
    preposition, a conjunction, a relative pronoun, an auxiliary, ``c'est``), and
    :data:`UNBREAKABLE` between an article and its noun, a number and its unit, a first and a
    last name, inside an elision, or before ``? ! : ; %``.  What each word brings is measured
    once per word, not once per pair; the language's fixed expressions are added by
    :func:`pair_penalties`.

    >>> break_penalty("Bonsoir.", "Et"), break_penalty("30", "milliards"), break_penalty("vu", "et")
    (0.0, 1000.0, 2.0)
    >>> break_penalty("devant", "la"), break_penalty("and", "the", "en")
    (30.0, 30.0)
    >>> break_penalty("un", "homme"), break_penalty("un", "qui"), break_penalty("le", "qui")
    (1000.0, 2.0, 1000.0)
    """
    return _verdicts((left, right), lang)[0]


def _verdicts(words: Sequence[str], lang: str) -> list[float]:
    """:func:`break_penalty` between each two neighbours of ``words``: what each word brings is
    read from :func:`_left` and :func:`_right` (made once per word and language), then combined
    here, in one loop (a show's word pairs rarely repeat, so pairs are not cached)."""
    facts = list(map(_facts(lang).__getitem__, words))
    out = []
    for ((decided, number, full_stop, name, weak), _), (_, (never, join, counted, capital, clinging)) in zip(
            facts, facts[1:]):
        if never:
            out.append(UNBREAKABLE)
        elif decided is not None:
            out.append(decided)
        elif full_stop and capital:
            out.append(0.0)          # "en 2000. Je ne sais pas": a sentence ends with a number
        elif (number and not join and counted) or (name and capital and name + capital < 4):
            # a number and its unit; a first and a last name, "Tech Co", "Open AI" (not a line in capitals)
            out.append(UNBREAKABLE)
        elif weak == 4:
            out.append(2.0 if join else UNBREAKABLE)   # "il y en a un | qui", "un | de mes amis"
        elif weak == 3:
            out.append(WEAK_END)
        elif weak == 2:
            out.append(CLITIC_END)
        elif join:
            out.append(2.0)
        elif weak or clinging:
            out.append(10.0)
        else:
            out.append(4.0)
    return out


def pair_penalties(words: Sequence[str], lang: str, data: LanguageData | None = None) -> list[float]:
    """:func:`break_penalty` between each two neighbours of ``words``, and :data:`INSIDE_EXPRESSION`
    inside the fixed expressions of ``data`` (the language's, with the user's, by default the
    language's own).

    >>> pair_penalties("on parle parce qu'il y a".split(), "fr")   # a clitic, a conjunction, an expression
    [15.0, 2.0, 1200.0, 1200.0, 1200.0]
    """
    cuts = _verdicts(words, lang)
    for first, end in (data or rules_for(lang)).expression_spans(words):
        for k in range(first, end - 1):
            cuts[k] = INSIDE_EXPRESSION
    return cuts
