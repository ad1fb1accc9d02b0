"""The fast paths of the corrections agree with their careful twins (Hypothesis).

- the fuzzy deletion-neighbourhood index finds what comparing every word with every key finds;
- the chain lint, which pairs a word key only with the replacements it shares a token with,
  flags the keys that pairing it with every replacement flags;
- the matcher's text view (NFC, whitespace runs as one space) maps every word back to where
  it stands in the text;
- a line found by bisection is the line found by counting;
- a plain ``[[fix]]`` table (``to`` and ``from`` only) read on the short path is the fix the
  field-by-field reading gives.
"""

from __future__ import annotations

import unicodedata

import regex
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from captions.corrections import CaseMode, Dictionary, Fix, MatchMode, lint_fixes, written_form
from captions.corrections import lint
from captions.corrections.fixes import _TableFields, _line_at, _simple_fix
from captions.corrections.matcher import TextView
from captions.findings import FindingCode

LETTERS = "abcAé"
letters_word = st.text(alphabet=LETTERS, min_size=1, max_size=5)
SEPARATORS = [" ", "  ", "\n", "'", ", ", "-"]


def _osa(a: str, b: str) -> int:
    """Optimal-string-alignment distance, the plain table (no cut-off)."""
    table = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
    return table[-1][-1]


def _same(word: str, key: str, case: CaseMode) -> bool:
    return word == key if case is CaseMode.SENSITIVE else word.lower() == key.lower()


def _careful_fuzzy(fixes: list[Fix], text: str) -> str:
    """Every word compared with every key: an exact key first (the first fix listing it), else
    the nearest fuzzy key (fewest edits, then first fix), never for a word of the dictionary."""
    protected = {w.lower() for f in fixes for t in (f.to, *f.keys) for w in regex.findall(r"\w+", t)}

    def replacement(word: str) -> Fix | None:
        for fix in fixes:
            if any(_same(word, key, fix.case) for key in fix.keys):
                return fix
        if word.lower() in protected:
            return None
        near = []
        for number, fix in enumerate(fixes):
            for key in fix.keys:
                a, b = (word.lower(), key.lower()) if fix.case is CaseMode.INSENSITIVE else (word, key)
                distance = _osa(a, b)
                if fix.fuzzy and distance <= fix.fuzzy and len(word) > 2 * distance:
                    near.append((distance, number))
        return fixes[min(near)[1]] if near else None

    def rewrite(found: regex.Match[str]) -> str:
        fix = replacement(found[0])
        return found[0] if fix is None else written_form(fix, found[0])

    return regex.sub(r"\w+", rewrite, text)


fuzzy_fixes = st.builds(
    Fix,
    to=letters_word,
    keys=st.lists(st.text(alphabet=LETTERS, min_size=2, max_size=5), min_size=1, max_size=2).map(tuple),
    case=st.sampled_from(list(CaseMode)),
    fuzzy=st.sampled_from([0, 1, 2]),
    keep_case=st.booleans(),
)
texts = st.lists(st.tuples(letters_word, st.sampled_from(SEPARATORS)), max_size=25).map(
    lambda pairs: "".join(w + s for w, s in pairs))


@settings(max_examples=200, deadline=None)
@given(st.lists(fuzzy_fixes, min_size=1, max_size=5), texts)
def test_fuzzy_index_finds_what_comparing_every_word_with_every_key_finds(fix_list: list[Fix], text: str) -> None:
    keys = [key.lower() for fix in fix_list for key in fix.keys]
    assume(len(keys) == len(set(keys)))  # which fix owns a repeated key is the lint's business
    assert Dictionary(fix_list).apply(text)[0] == _careful_fuzzy(fix_list, text)


WORDS = ["open", "Open", "AI", "ai", "OpenAI", "Yola", "Jolla", "d", "l'", "en", "NVIDIA", "Nvidia", "é"]
words = st.sampled_from(WORDS)
chain_fixes = st.builds(
    Fix,
    to=st.lists(words, min_size=1, max_size=3).map(" ".join),
    keys=st.lists(st.lists(words, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=3).map(tuple),
    case=st.sampled_from(list(CaseMode)),
    match=st.sampled_from([MatchMode.WORD, MatchMode.WORD, MatchMode.REGEX]),
    keep_case=st.booleans(),
)


def _every_replacement(self: lint._Replacements, fix: Fix, key: str) -> list[str]:
    """The careful twin of ``_Replacements.near``: every replacement, whatever the key."""
    return list(self.owner)


def _chained_keys(fixes: list[Fix]) -> set[tuple[str, int | None]]:
    return {(f.source or "", f.line) for f in lint_fixes(fixes) if f.code is FindingCode.CHAIN}


@settings(max_examples=200, deadline=None)
@given(st.lists(chain_fixes, min_size=1, max_size=5))
def test_chain_lint_by_shared_token_flags_what_pairing_every_replacement_flags(fix_list: list[Fix]) -> None:
    # Each key on its own line, so that a finding's line names the key.
    fixes = [Fix(f.to, f.keys, f.case, f.match, keep_case=f.keep_case,
                 key_lines=tuple(range(10 * n + 1, 10 * n + 1 + len(f.keys)))) for n, f in enumerate(fix_list)]
    fast = _chained_keys(fixes)
    original = lint._Replacements.near
    lint._Replacements.near = _every_replacement  # type: ignore[method-assign]
    try:
        careful = _chained_keys(fixes)
    finally:
        lint._Replacements.near = original  # type: ignore[method-assign]
    assert fast == careful


view_texts = st.lists(st.sampled_from(["ab", "é", "e\u0301", "c\u0327a", " ", "  ", "\n", "\t", "\u00a0", "'", "İ"]),
                      max_size=20).map("".join)


@settings(max_examples=300, deadline=None)
@given(view_texts)
def test_text_view_maps_every_word_back_to_where_it_stands(text: str) -> None:
    view = TextView(text)
    assert "  " not in view.plain and len(view.folded) == len(view.plain)
    for word in regex.finditer(r"\S+", view.plain):
        start, end = view.source(word.start()), view.source(word.end())
        assert unicodedata.normalize("NFC", text[start:end]) == word[0]
        assert (start == 0 or text[start - 1].isspace()) and (end == len(text) or text[end].isspace())


@given(st.text(alphabet="ab\n", max_size=40).flatmap(lambda t: st.tuples(st.just(t), st.integers(0, len(t)))))
def test_line_by_bisection_is_line_by_counting(case: tuple[str, int]) -> None:
    text, position = case   # drawn inside the text: nothing filtered out (a health check failed on it)
    assert _line_at(text, position) == text.count("\n", 0, position) + 1


_toml_text = st.text(alphabet="ab \"'\\é\n", max_size=6)


@settings(max_examples=200, deadline=None)
@given(to=st.one_of(_toml_text, st.integers(), st.none()),
       keys=st.one_of(_toml_text, st.lists(st.one_of(_toml_text, st.integers()), max_size=3)),
       prefix=st.text(alphabet="ab\n", max_size=8))
def test_a_plain_table_reads_the_same_on_the_short_path(to: object, keys: object, prefix: str) -> None:
    table = {"to": to, "from": keys}
    text = prefix + "[[fix]]\nto = ...\nfrom = ...\n"
    begin = len(prefix)
    short = _simple_fix(table, "d.toml", text, begin, len(text), prefix.count("\n") + 1)
    careful = _TableFields(table, "d.toml", text, begin, len(text), prefix.count("\n") + 1)
    read = careful.read()
    assert short is None or short == read
    if read is not None and not careful.problems:
        assert short == read  # every well-formed plain table takes the short path
