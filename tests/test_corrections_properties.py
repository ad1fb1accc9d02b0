"""Hypothesis properties of applying dictionaries: idempotent, replayable, inert when no key occurs."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from captions.corrections import Dictionary, apply_to_transcript, replay, replay_transcript
from captions.dictionary import CaseMode, Fix, Severity, lint_fixes
from captions.model import Fragment, Transcript

WORDS = ["open", "Open", "AI", "ai", "Anthropik", "Anthropic", "Yola", "Jolla", "OS", "d", "l'", "en",
         "tropique", "Jensan", "Yuang", "Nvidia", "NVIDIA", "é", "Théo"]
SEPARATORS = [" ", "  ", "\n", "'", "’", ", ", "-", ""]

words = st.sampled_from(WORDS)
keys = st.lists(words, min_size=1, max_size=3).map(" ".join)
fixes = st.builds(
    Fix,
    to=st.lists(words, min_size=1, max_size=2).map(" ".join),
    keys=st.lists(keys, min_size=1, max_size=3).map(tuple),
    case=st.sampled_from(list(CaseMode)),
    fuzzy=st.sampled_from([0, 0, 1]),
    keep_case=st.booleans(),
)
texts = st.lists(st.tuples(words, st.sampled_from(SEPARATORS)), max_size=30).map(
    lambda pairs: "".join(w + s for w, s in pairs))


def _clean(fix_list: list[Fix]) -> Dictionary:
    """Dictionaries the checker accepts (no chain, no conflict): the ones the properties are about."""
    assume(not any(f.severity is Severity.ERROR for f in lint_fixes(fix_list)))
    return Dictionary(fix_list)


@settings(max_examples=100, deadline=None)
@given(st.lists(fixes, min_size=1, max_size=4), texts)
def test_applying_twice_gives_the_same_text_as_once(fix_list: list[Fix], text: str) -> None:
    dictionary = _clean(fix_list)
    once, _ = dictionary.apply(text)
    twice, changes = dictionary.apply(once)
    assert twice == once
    assert changes == ()


@settings(max_examples=100, deadline=None)
@given(st.lists(fixes, min_size=1, max_size=4), texts)
def test_replaying_the_recorded_changes_gives_the_same_text(fix_list: list[Fix], text: str) -> None:
    dictionary = Dictionary(fix_list)  # replay holds for any dictionary, even one the checker refuses
    corrected, changes = dictionary.apply(text)
    assert replay(text, changes) == corrected
    assert all(text[c.start:c.end] == c.before for c in changes)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8), min_size=1, max_size=5),
       st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_a_dictionary_whose_keys_do_not_occur_leaves_text_unchanged(raw_keys: list[str], text: str) -> None:
    keys = tuple(k for k in ("zq" + k for k in raw_keys) if k.strip())
    assume(all(k.split()[0].lower() not in text.lower() for k in keys))
    dictionary = Dictionary([Fix("Replacement", keys)])
    corrected, changes = dictionary.apply(text)
    assert corrected == text
    assert changes == ()


@settings(max_examples=100, deadline=None)
@given(st.lists(fixes, min_size=1, max_size=3), st.lists(texts, min_size=1, max_size=6))
def test_transcript_fragments_keep_their_starts_and_replay(fix_list: list[Fix], fragment_texts: list[str]) -> None:
    dictionary = Dictionary(fix_list)
    fragments = tuple(Fragment(1000 * i, " ".join(t.split()), i + 1) for i, t in enumerate(fragment_texts))
    transcript = Transcript("t", fragments)
    corrected, changes = apply_to_transcript(transcript, dictionary)
    assert [f.start_ms for f in corrected.fragments] == [f.start_ms for f in fragments]
    assert replay_transcript(transcript, changes) == corrected
