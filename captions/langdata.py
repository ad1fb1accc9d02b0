"""Per-language text data: the word classes the line-break rules are made of, the fixed
expressions that are never split, the conventions of dialogue and continuity, and the
typography rules, read from ``captions/data/lang/<code>.toml`` and
``captions/data/lang/<code>-expressions.txt`` (each file says where its lists come from).
Adding a language's rules is adding its two files.

A language without files gets :data:`NEUTRAL`: no word classes, no expressions, no typography,
only what punctuation says.  The builder (:mod:`.segment`), the line breaker (:mod:`.linebreak`),
the typography pass (:mod:`.typography`) and the quality measures all read the same lists
through :func:`rules_for`, so a measure counts exactly what the builder avoids.

>>> data = language_data("fr")
>>> "la" in data.determiners, "parce" in data.conjunctions, language_data("da") is None
(True, True, True)
>>> data.ends_weak("devant"), data.ends_weak("c'est"), data.ends_weak("tous,"), data.ends_weak("maison")
(True, True, False, False)
>>> data.expression_spans("est-ce qu'il y a parce qu'évidemment".split())
[(0, 2), (1, 4), (4, 6)]
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import compress, count, repeat
from operator import contains
from typing import Any

from .files import package_text

__all__ = ["LanguageData", "Typography", "PhraseRule", "language_data", "rules_for", "word_key", "NEUTRAL",
           "RULE_LANGUAGES", "parse_expression", "fixed_expressions"]

#: The languages that have data files (their own line-break rules).
RULE_LANGUAGES = ("fr", "en")

_OPENING = "«\"“‘([{¿¡"
_CLOSING = "»\"”’)]}"
_TRAILING = ",.;:!?…" + _CLOSING
_APOSTROPHES = ("'", "’")


@functools.lru_cache(maxsize=1 << 16)   # a transcript repeats its words: each is read once
def word_key(word: str) -> str:
    """The form of ``word`` the lists are written in: lower case, ``’`` as ``'``, without the
    quotes, brackets and punctuation around it.

    >>> word_key("«Parce"), word_key("qu’il,"), word_key("Tech&Co."), word_key("...")
    ('parce', "qu'il", 'tech&co', '...')
    """
    key = word.strip(_OPENING).rstrip(_TRAILING)
    return (key or word).lower().replace("’", "'")


def _punctuated(word: str) -> bool:
    """Whether punctuation (or a closing mark) follows the word: nothing may continue past it."""
    return word[-1:] in _TRAILING


def _core(key: str) -> str:
    """The word behind an elision: ``qu'il`` -> ``il``, ``d'une`` -> ``une``."""
    return key.rpartition("'")[2] if "'" in key else key


def parse_expression(text: str) -> tuple[str, ...]:
    """An expression as the tuple of its word keys.

    >>> parse_expression("  Parce   QUE "), parse_expression("c’est-à-dire que")
    (('parce', 'que'), ("c'est-à-dire", 'que'))
    """
    return tuple(w.lower().replace("’", "'") for w in text.split())


class _Node:
    """A node of the expressions' trie: the next tokens, whether an expression ends here, and
    the elided forms (``qu'``) of the tokens an expression ends with after it."""

    __slots__ = ("children", "end", "elided")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.end = False
        self.elided: set[str] = set()

    @classmethod
    def of(cls, expressions: Iterable[tuple[str, ...]]) -> _Node:
        root = cls()
        for expression in expressions:
            node = root
            last = len(expression) - 1
            for k, token in enumerate(expression):
                if k == last and k and _elided(token):
                    node.elided.add(_elided(token))
                node = node.children.setdefault(token, cls())
            node.end = True
        return root

    def ends_from(self, words: Sequence[str], keys: Sequence[str], j: int, n: int) -> Iterator[int]:
        """Where the expressions that start with this node's path end, reading from ``words[j]``."""
        node = self
        while j < n:
            key = keys[j]
            if node.elided and "'" in key:
                prefix, _, rest = key.partition("'")
                if rest and prefix + "'" in node.elided:
                    yield j + 1   # the last word elided before the next one: "qu'il" for "que"
            child = node.children.get(key)
            if child is None:
                return
            if child.end:
                yield j + 1
            if _punctuated(words[j]):
                return
            node, j = child, j + 1


def _elided(token: str) -> str:
    """How ``token`` is written elided before a vowel (``que`` -> ``qu'``, ``de`` -> ``d'``); a
    token written elided already is itself; "" when it does not elide."""
    if token.endswith("'"):
        return token
    return token[:-1] + "'" if token[-1:] in ("e", "a") else ""


@dataclass(frozen=True, slots=True)
class PhraseRule:
    """A contextual replacement of the typography pass (``et bien`` -> ``eh bien``).

    Attributes:
        find / write: the words as found and as written (the same number of words).
        unless_next: the rule does not apply when the next word's key is one of these.
    """

    find: str
    write: str
    unless_next: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Typography:
    """The typography rules of a language (``[typography]`` in its data file).

    Attributes:
        space_before: marks that take a narrow no-break space before them (``?!:;%`` in French).
        space_inside: the opening and closing marks that take one inside (``«`` ``»``), or "".
        ellipsis: three full stops become ``…``.
        etc: ``etc`` takes its full stop.
        accents: capitals written without their accent -> with it (``Etats`` -> ``États``).
        eh_bien: the ``et bien`` -> ``eh bien`` rule, when the language has it.
    """

    space_before: str = ""
    space_inside: str = ""
    ellipsis: bool = False
    etc: bool = False
    accents: tuple[tuple[str, str], ...] = ()
    eh_bien: PhraseRule | None = None


@dataclass(frozen=True, slots=True)
class LanguageData:
    """The word classes and conventions of one language (lower case; elided forms keep their
    apostrophe).

    Attributes:
        determiners: never end a line or cue on them (an article stays with its noun).
        standalone: of those, the ones that also stand alone as pronouns or numbers (``un``,
            ``some``): before a conjunction, a relative or a preposition they are no article.
        pronouns: a pronoun stays with its verb (a soft rule).
        clitics: unstressed pronouns: never end a line or cue on them.
        subjects: of those, the subject pronouns (a lesser fault than the other weak ends).
        conjunctions / relatives / prepositions: a line may start with them, never end on them.
        auxiliaries: never end a line or cue on them (an auxiliary stays with its participle).
        endings: other words a line or cue never ends on (``c'est``).
        leading: adjectives and adverbs before the word they modify (a soft rule).
        clinging: a line should not start with them (the ``pas`` of a negation).
        units: words a number keeps after it.
        expressions: fixed expressions (tuples of word keys), never split across lines or cues.
        dialogue_dash: what opens each line of a cue holding two speakers.
        continuation_end / continuation_start: what marks a sentence cut by a pause, at the end of
            the cut cue and at the start of the next one ("" for nothing).
        typography: the rules of the typography pass.
        joins: the words a good cut comes before (conjunctions, relatives, prepositions).
        weak: the words a line should not end on, soft rules included.
        weak_end: the words a line or a cue must not end on.
    """

    code: str
    determiners: frozenset[str] = frozenset()
    standalone: frozenset[str] = frozenset()
    pronouns: frozenset[str] = frozenset()
    clitics: frozenset[str] = frozenset()
    subjects: frozenset[str] = frozenset()
    conjunctions: frozenset[str] = frozenset()
    relatives: frozenset[str] = frozenset()
    prepositions: frozenset[str] = frozenset()
    auxiliaries: frozenset[str] = frozenset()
    endings: frozenset[str] = frozenset()
    leading: frozenset[str] = frozenset()
    clinging: frozenset[str] = frozenset()
    units: frozenset[str] = frozenset()
    expressions: frozenset[tuple[str, ...]] = frozenset()
    dialogue_dash: str = "- "
    continuation_end: str = "…"
    continuation_start: str = ""
    typography: Typography = Typography()
    joins: frozenset[str] = field(default=frozenset(), init=False)
    weak: frozenset[str] = field(default=frozenset(), init=False)
    weak_end: frozenset[str] = field(default=frozenset(), init=False)
    _trie: _Node = field(default_factory=lambda: _Node(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # the derived classes and the expression index, made once (the value stays frozen)
        weak_end = (self.determiners | self.clitics | self.conjunctions | self.relatives | self.prepositions
                    | self.auxiliaries | self.endings)
        object.__setattr__(self, "joins", self.conjunctions | self.relatives | self.prepositions)
        object.__setattr__(self, "weak_end", weak_end)
        object.__setattr__(self, "weak", weak_end | self.pronouns | self.leading)
        object.__setattr__(self, "_trie", _Node.of(e for e in self.expressions if len(e) > 1))

    def ends_weak(self, word: str) -> bool:
        """Whether a line or a cue ending on ``word`` ends on a word it must not end on: an
        article, a preposition, a conjunction, a relative or clitic pronoun, an auxiliary, a
        presentative (``c'est``), or an elided word (``l'``); never a word followed by
        punctuation.

        >>> d = language_data("fr")
        >>> d.ends_weak("qu'il"), d.ends_weak("jusqu'à"), d.ends_weak("lui"), d.ends_weak("«"), d.ends_weak("l'")
        (True, True, False, False, True)
        """
        if not word or _punctuated(word):
            return False
        key = word_key(word)
        if key.endswith("'"):
            return True
        return key in self.weak_end or _core(key) in self.weak_end

    def expression_spans(self, words: Sequence[str]) -> list[tuple[int, int]]:
        """Every place an expression of the lists holds in ``words``: ``(i, j)`` for
        ``words[i:j]`` (overlapping places included, in order of ``i`` then ``j``).

        A word followed by punctuation may only end an expression; the first word may be
        elided onto another (``qu'il`` starts ``il y a``) and the last one elided before the
        next word (``qu'il`` ends ``parce que``).  One walk down a trie of the expressions from
        each word: linear in the words.
        """
        out: set[tuple[int, int]] = set()
        root = self._trie
        if not root.children:
            return []
        keys = list(map(word_key, words))
        n = len(words)
        starts = root.children
        # the words an expression may start at, found without a Python step per word: a key that
        # starts one, or an elided key ("qu'il") whose core may
        maybe = set(compress(count(), map(starts.__contains__, keys)))
        maybe.update(i for i in compress(count(), map(contains, keys, repeat("'")))
                     if keys[i].rpartition("'")[2] in starts)
        for i in maybe:   # in any order: the places are sorted at the end
            key = keys[i]
            core = key.rpartition("'")[2] if "'" in key else key
            if _punctuated(words[i]) or i + 1 == n:
                continue
            following = keys[i + 1]
            for first in (key, core) if core != key else (key,):
                node = starts.get(first)
                # most walks stop at the next word: only those that can go on are walked
                if node is not None and (following in node.children or (node.elided and "'" in following)):
                    out.update((i, end) for end in node.ends_from(words, keys, i + 1, n))
        return sorted(out)

    def with_expressions(self, extra: Iterable[str]) -> LanguageData:
        """A copy that also keeps the user's ``extra`` expressions whole (``captions.toml``'s
        ``expressions``).

        >>> data = language_data("en").with_expressions(["Talk Python"])
        >>> data.expression_spans("on Talk Python today".split())
        [(1, 3)]
        """
        added = frozenset(e for e in (parse_expression(text) for text in extra) if len(e) > 1)
        if added <= self.expressions:
            return self
        return replace(self, expressions=self.expressions | added)


#: What a language without data files gets: punctuation alone decides.
NEUTRAL = LanguageData(code="")


def _words(table: Mapping[str, Any], name: str) -> frozenset[str]:
    return frozenset(str(table.get(name, "")).lower().split())


def _typography(table: Mapping[str, Any]) -> Typography:
    rules = table.get("typography", {})
    phrase = rules.get("eh_bien")
    eh_bien = None
    if phrase is not None:
        eh_bien = PhraseRule(str(phrase["find"]), str(phrase["write"]), _words(phrase, "unless_next"))
    inside = str(rules.get("space_inside", "")).split()
    return Typography(
        space_before="".join(str(rules.get("space_before", "")).split()),
        space_inside="".join(inside[:2]),
        ellipsis=bool(rules.get("ellipsis", False)),
        etc=bool(rules.get("etc", False)),
        accents=tuple(sorted((str(k), str(v)) for k, v in rules.get("accents", {}).items())),
        eh_bien=eh_bien,
    )


def _read(code: str, suffix: str) -> str:
    return package_text(f"data/lang/{code}{suffix}")



@functools.cache
def language_data(code: str) -> LanguageData | None:
    """The data of language ``code`` (``"fr"``, ``"en"``), or None when it has no rules of its own."""
    if code not in RULE_LANGUAGES:
        return None
    table = tomllib.loads(_read(code, ".toml"))
    expressions = frozenset(parse_expression(line) for line in _read(code, "-expressions.txt").splitlines()
                            if line.strip() and not line.lstrip().startswith("#"))
    classes = {name: _words(table, name) for name in
               ("determiners", "standalone", "pronouns", "clitics", "subjects", "conjunctions", "relatives",
                "prepositions", "auxiliaries", "endings", "leading", "clinging", "units")}
    return LanguageData(code=code, **classes, expressions=expressions,
                        dialogue_dash=str(table.get("dialogue_dash", "- ")),
                        continuation_end=str(table.get("continuation_end", "…")),
                        continuation_start=str(table.get("continuation_start", "")),
                        typography=_typography(table))


@functools.lru_cache(maxsize=64)
def rules_for(code: str, extra: tuple[str, ...] = ()) -> LanguageData:
    """The rules the builder applies to text in ``code``: the language's data, or
    :data:`NEUTRAL` for a language without rules; with the user's ``extra`` expressions.

    >>> rules_for("fr").code, rules_for("da") is NEUTRAL, rules_for("da").ends_weak("og")
    ('fr', True, False)
    """
    data = language_data(code) or NEUTRAL
    return data.with_expressions(extra) if extra else data


def fixed_expressions(code: str) -> tuple[tuple[str, ...], ...]:
    """The fixed expressions of language ``code`` (never split across lines or cues), each as
    its words in lower case, sorted; ``()`` for a language without data files (the lists the
    builder keeps whole: :attr:`LanguageData.expressions`).

    >>> fixed_expressions("da"), ("parce", "que") in fixed_expressions("fr")
    ((), True)
    """
    return tuple(sorted(rules_for(code).expressions))
