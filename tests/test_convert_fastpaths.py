"""The fast forms of convert's hot spots agree with their plain twins (Hypothesis).

Each rewrite made for speed keeps its plain form here, as it reads best, and a property checks
that both give the same answer on text made of the characters that matter:

- the typography pass masks character references and tags only in a text that holds one: its
  rules never write one, so masking every pass changes nothing;
- the regexes that start with what they find and look behind after it (``etc``, three dots,
  unaccented capitals, a fragment's sentence ends) find the matches of their plain forms, which
  look behind first;
- the builder's unusual-fragment test (first character apart, then a regex that scans for
  blanks) is the one-regex test;
- the cut verdicts combined in one loop over each word's facts are the pair-by-pair rule;
- the places of fixed expressions, looked up only where one may start and walked only where
  the next word may continue it, are those of the walk from every word;
- the quality measure reads the words around a line or cue boundary only where the two words
  at it are a pair of some expression, and finds the cut expressions reading every boundary
  whose words could each belong to one finds;
- the language detector, counting each distinct letter and token once, finds what counting
  every letter and every token per language finds.
"""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from captions import language, quality, segment, typography
from captions.langdata import _Node, _punctuated, fixed_expressions, language_data, rules_for, word_key
from captions.model import Cue

# ---- regexes -------------------------------------------------------------------------------

PLAIN_ETC = re.compile(r"(?<![\w.])etc(?:\.\.\.|…|(?![\w.]))")
PLAIN_THREE_DOTS = re.compile(r"(?<!\.)\.\.\.(?!\.)")
PLAIN_SENTENCE_END = re.compile(r"(?<![\d\s])[.?!…]+(?= |$)|(?<=[ \u202f\u00a0])[?!…]+(?= |$)")
PLAIN_UNUSUAL = re.compile("^[-–—\u202f\u00a0]|(?:^| )[-–—] |[\u202f\u00a0] | [\u202f\u00a0]|^ | $|  ")


def spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


@settings(max_examples=400)
@given(st.text(alphabet="etcé.…x1 -'\n", max_size=14))
def test_etc_and_three_dots_match_their_plain_forms(text: str) -> None:
    assert spans(typography._ETC, text) == spans(PLAIN_ETC, text)
    assert spans(typography._THREE_DOTS, text) == spans(PLAIN_THREE_DOTS, text)


@settings(max_examples=400)
@given(st.text(alphabet="EACxé'’-_ \n1", max_size=12))
def test_unaccented_capitals_are_found_where_the_plain_pattern_finds_them(text: str) -> None:
    accents = (("Ca", "Ça"), ("Etats", "États"), ("A", "À"))
    table = dict(accents) | {k.upper(): v.upper() for k, v in accents if len(k) >= 4}
    letters = "".join(sorted({k[0] for k in table}))
    plain = re.compile(rf"(?<![\w'’\-])[{re.escape(letters)}][\w\-]*(?![\w'’])")
    expected = []
    for m in plain.finditer(text):
        word = m.group(0)
        while word not in table and "-" in word:
            word = word.rpartition("-")[0]
        if word in table:
            expected.append((m.start(), m.start() + len(word), table[word]))
    assert typography._accent_finder(accents)(text, text) == expected


@settings(max_examples=400)
@given(st.text(alphabet=".?!…a1 \t\u202f\u00a0", max_size=12))
def test_sentence_ends_are_counted_as_the_plain_pattern_counts_them(text: str) -> None:
    assert segment._SENTENCE_END_MARK.findall(text) == PLAIN_SENTENCE_END.findall(text)


@settings(max_examples=400)
@given(st.text(alphabet="a -–—\u202f\u00a0", max_size=10))
def test_the_unusual_fragment_test_is_the_one_regex_test(text: str) -> None:
    assert segment._unusual(text) == (PLAIN_UNUSUAL.search(text) is not None)


@settings(max_examples=300)
@given(st.lists(st.text(alphabet="&amp;#x1<i>/ ?!:%«»etc.Ea", max_size=12), max_size=4))
def test_the_typography_pass_masks_only_a_text_that_needs_it(texts: list[str]) -> None:
    text = "\n".join(t.replace("\n", " ") for t in texts)
    for _, finder in typography._finders(rules_for("fr")):   # every pass on the masked text
        text = typography._apply(text, typography._disjoint(finder(text, typography._masked(text))))
    assert list(typography.typeset(texts, "fr").texts) == (text.split("\n") if texts else [])


# ---- cut verdicts ------------------------------------------------------------------------------

def plain_break_penalty(left: str, right: str, lang: str) -> float:
    """The rule pair by pair, as :func:`captions.typography.break_penalty` states it."""
    never, join, counted, capital, clinging = typography._right(right, lang)
    if never:
        return typography.UNBREAKABLE
    decided, number, full_stop, name, weak = typography._left(left, lang)
    if decided is not None:
        return decided
    if full_stop and capital:
        return 0.0
    if number and not join and counted:
        return typography.UNBREAKABLE
    if name and capital and name + capital < 4:
        return typography.UNBREAKABLE
    if weak == 3:
        return typography.WEAK_END
    if weak == 2:
        return typography.CLITIC_END
    if join:
        return 2.0
    if weak or clinging:
        return 10.0
    return 4.0


WORDS = ["la", "le", "Tech", "Co", "2000.", "Je", "30", "milliards", "%", "?", "qu'ils", "entrent", "pas",
         "parce", "que", "BFM", "TV", "vu", "et", "devant", "c'est", "the", "and", "of", "New", "York",
         "l'", "soir.", "tous,", "«Il", "OpenAI", "3,5", "euros", "&"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(WORDS), max_size=10), st.sampled_from(["fr", "en", "und"]))
def test_cut_verdicts_are_the_pair_by_pair_rule(words: list[str], lang: str) -> None:
    expected = [plain_break_penalty(a, b, lang) for a, b in zip(words, words[1:])]
    assert typography._verdicts(words, lang) == expected


# ---- fixed expressions ---------------------------------------------------------------------------

def plain_expression_spans(root: _Node, words: list[str]) -> list[tuple[int, int]]:
    """The walk down the trie from every word (each word's key, and its core after an elision)."""
    out: set[tuple[int, int]] = set()
    keys = [word_key(w) for w in words]
    for i, key in enumerate(keys):
        core = key.rpartition("'")[2] if "'" in key else key
        if (key not in root.children and core not in root.children) or _punctuated(words[i]):
            continue
        for first in (key, core) if core != key else (key,):
            node = root.children.get(first)
            if node is not None:
                out.update((i, end) for end in node.ends_from(words, keys, i + 1, len(words)))
    return sorted(out)


@st.composite
def running_text(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Words made of the language's expressions (some punctuated or elided) and of other words."""
    lang = draw(st.sampled_from(["fr", "en"]))
    data = language_data(lang)
    assert data is not None
    expressions = sorted(data.expressions)
    words: list[str] = []
    for _ in range(draw(st.integers(0, 5))):
        if draw(st.booleans()):
            expression = list(draw(st.sampled_from(expressions)))
            if draw(st.booleans()):
                expression[-1] += draw(st.sampled_from([",", ".", "'", "’"]))
            if expression[0][-1:] in ("e", "a") and draw(st.booleans()):
                expression[0] = expression[0][:-1] + "'" + draw(st.sampled_from(["il", "une", "y"]))
            words += expression
        else:
            words.append(draw(st.sampled_from(["qu'il", "d'une", "Parce", "que,", "y", "a.", "«Il", "c’est", "X"])))
    return lang, words


@settings(max_examples=400)
@given(running_text())
def test_expression_places_are_those_of_the_walk_from_every_word(drawn: tuple[str, list[str]]) -> None:
    lang, words = drawn
    data = language_data(lang)
    assert data is not None
    assert data.expression_spans(words) == plain_expression_spans(data._trie, words)


def plain_expression_splits(cues: list[Cue], expressions: list[tuple[str, ...]]) -> tuple[int, list[tuple[str, ...]]]:
    """Every boundary whose left word may end and whose right word may start an expression is read."""
    pairs: dict[tuple[str, str], list[tuple[tuple[str, ...], int]]] = {}
    for expression in expressions:
        for j in range(1, len(expression)):
            pairs.setdefault((expression[j - 1], expression[j]), []).append((expression, j))
    reach = max(len(e) for e in expressions) - 1
    texts = [line for cue in cues for line in cue.lines]
    lefts, rights = {left for left, _ in pairs}, {right for _, right in pairs}
    found = []
    for n in range(len(texts) - 1):
        if (lefts.isdisjoint(quality._forms(quality._edge(texts[n], True), -1))
                or rights.isdisjoint(quality._forms(quality._edge(texts[n + 1], False), 1))):
            continue
        before, after = quality._window(texts, n, -1, reach), quality._window(texts, n + 1, 1, reach)
        hit = quality._cut_expression(before, after, pairs)
        if hit is not None:
            found.append((n, hit))
    return len(found), [hit for _, hit in found]


@settings(max_examples=300)
@given(running_text(), st.lists(st.integers(1, 4), min_size=1, max_size=8))
def test_cut_expressions_are_found_reading_only_the_pairs(drawn: tuple[str, list[str]], sizes: list[int]) -> None:
    lang, words = drawn
    lines, at = [], 0
    for size in sizes:   # the words cut into lines at the drawn places
        if at < len(words):
            lines.append(" ".join(words[at:at + size]))
            at += size
    if at < len(words):
        lines.append(" ".join(words[at:]))
    cues = [Cue(k * 1000, k * 1000 + 900, tuple(lines[k:k + 2])) for k in range(0, len(lines), 2)]
    expressions = [e for e in (tuple(quality._norm(w) for w in e) for e in fixed_expressions(lang)) if len(e) > 1]
    flags: list[quality.Flag] = []
    count = quality._expression_splits(cues, expressions, flags)
    expected_count, hits = plain_expression_splits(cues, expressions)
    assert count == expected_count
    assert [flag.finding.value for flag in flags] == [" ".join(hit) for hit in hits]


# ---- language detection ------------------------------------------------------------------------

VOCABULARY = ["le", "la", "de", "que", "the", "and", "of", "el", "los", "der", "und", "il", "che", "qu'il",
              "l’eau", "שלום", "привет", "γεια", "こんにちは", "漢字", "مرحبا", "پ", "ї", "12", "!", "Bonsoir"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(VOCABULARY), max_size=25))
def test_language_detection_counts_as_the_plain_count(words: list[str]) -> None:
    text = " ".join(words)
    letters = [c for c in text if c.isalpha()]   # every letter's script looked up
    scripts, total = language._scripts(text)
    assert total == len(letters)
    assert list(scripts.items()) == list(Counter(language._script(c) for c in letters).items())
    tokens = [part for w in language._WORD.findall(text) for part in (w.lower(), *w.lower().split("'")) if part]
    plain = {lang: sum(1 for t in tokens if t in profile) for lang, profile in language._profiles().items()}
    assert language._function_words(tokens) == plain   # every token counted once per language
