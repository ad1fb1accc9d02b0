"""Hypothesis properties of applying dictionaries: idempotent, replayable, inert when no key occurs."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from captions.corrections import Dictionary, apply_to_transcript, replay, replay_transcript
from captions.corrections import CaseMode, Fix, lint_fixes, written_form
from captions.findings import Severity
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


def _reference(fix_list: list[Fix], text: str) -> str:
    """Leftmost-longest by definition: at each character try every key, keep the longest."""
    import regex

    compiled = []
    seen = set()
    for fix in fix_list:
        for key in fix.keys:
            body = r"\s+".join(regex.escape(part) for part in key.split())
            flags = regex.IGNORECASE if fix.case is CaseMode.INSENSITIVE else 0
            ident = (fix.case, key.lower() if flags else key)
            if ident not in seen:  # the first fix holding a key wins
                seen.add(ident)
                compiled.append((regex.compile(r"(?!(?<=\w)\w)" + body + r"(?!(?<=\w)\w)", flags), fix))
    out, at = [], 0
    while at < len(text):
        best = None
        for pattern, fix in compiled:
            found = pattern.match(text, at)
            if found and found.end() > at and (best is None or found.end() > best[0]):
                best = (found.end(), fix)
        if best is None:
            out.append(text[at])
            at += 1
            continue
        end, fix = best
        out.append(written_form(fix, text[at:end]))
        at = end
    return "".join(out)


plain_fixes = st.builds(Fix, to=st.lists(words, min_size=1, max_size=2).map(" ".join),
                        keys=st.lists(keys, min_size=1, max_size=3).map(tuple),
                        case=st.sampled_from(list(CaseMode)), keep_case=st.booleans())


@settings(max_examples=100, deadline=None)
@given(st.lists(plain_fixes, min_size=1, max_size=5), texts)
def test_one_compiled_matcher_equals_trying_every_key_at_every_place(fix_list: list[Fix], text: str) -> None:
    assert Dictionary(fix_list).apply(text)[0] == _reference(fix_list, text)
