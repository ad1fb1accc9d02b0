"""The quality measures (captions.quality): turns, cuts inside fixed expressions, weak line
ends, blanks inside a sentence, speakers per cue, reading-speed distribution."""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

from hypothesis import given, settings, strategies as st

from captions.convert import convert_cues, convert_transcript
from captions.findings import FindingCode
from captions.langdata import language_data
from captions.model import Cue, Fragment, Transcript
from captions.presets import get_preset
from captions.quality import BLANK_MS, SPEED_BANDS, line_end_words, measure_quality
from captions.transcript import read_transcript

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "techco-2026-03-05.txt"
FR = get_preset("fr-tv")
EXPRESSIONS = [("parce", "que"), ("il", "y", "a"), ("en", "train", "de"), ("est-ce", "que"), ("in", "order", "to"),
               ("a", "lot", "of")]


def _cues(*groups: tuple[str, ...], gap: int = 80) -> list[Cue]:
    """Cues of the given lines, 2 s each, ``gap`` apart."""
    return [Cue(k * (2000 + gap), k * (2000 + gap) + 2000, lines, line=k + 1) for k, lines in enumerate(groups)]


def _codes(q) -> list[str]:
    return [f.finding.code.value for f in q.flags]


# ---- cuts inside fixed expressions --------------------------------------------------------------

def test_a_line_break_inside_an_expression_is_a_split():
    q = measure_quality(_cues(("Ils sont partis parce", "que c'était tard.")), FR, "fr", expressions=EXPRESSIONS)
    assert q.expression_splits == 1
    flag = next(f for f in q.flags if f.finding.code is FindingCode.EXPRESSION_SPLIT)
    assert (flag.finding.cue, flag.line, flag.word, flag.finding.value) == (1, 0, 3, "parce que")
    assert "line break" in flag.finding.message


def test_a_cue_boundary_inside_an_expression_is_a_split():
    q = measure_quality(_cues(("Alors est-ce",), ("que c'est sain ?",)), FR, "fr", expressions=EXPRESSIONS)
    assert q.expression_splits == 1 and "cue boundary" in q.flags[0].finding.message


def test_elided_words_and_quotes_still_hold_the_expression():
    q = measure_quality(_cues(("« Parce", "qu'il pleut »"), ("Alors qu'il", "y a du monde.")), FR, "fr",
                        expressions=EXPRESSIONS)
    assert q.expression_splits == 2


def test_longer_expressions_are_split_at_any_inner_place():
    q = measure_quality(_cues(("Il est en train", "de manger."), ("We did it in", "order to win a lot", "of games.")),
                        FR, "fr", expressions=EXPRESSIONS)
    assert q.expression_splits == 3


def test_punctuation_or_a_single_line_is_no_split():
    q = measure_quality(_cues(("Il dit parce,", "que voilà."), ("Parce que c'est ainsi.",), ("C'est tout",),
                              ("que je sais.",)), FR, "fr", expressions=EXPRESSIONS)
    assert q.expression_splits == 0


_VOCAB = ["parce", "que", "que,", "il", "y", "a", "en", "train", "de", "manger", "la", "pomme", "in", "order",
          "to", "go", "lot", "of", "parce,", "train."]


def _brute_force_splits(words: list[str], cuts: set[int]) -> int:
    """Cut places (before word p) inside an occurrence of an expression, found by trying every
    occurrence: a word matches an expression word when equal to it, or, for the expression's
    last word only, equal once its trailing punctuation is dropped."""
    inside = set()
    for expression in EXPRESSIONS:
        m = len(expression)
        for i in range(len(words) - m + 1):
            if all(words[i + j] == expression[j] or (j == m - 1 and words[i + j].rstrip(",.") == expression[j])
                   for j in range(m)):
                inside.update(range(i + 1, i + m))
    return len(inside & cuts)


# whole expressions (some with a comma inside or after them) among single words, so that most
# examples hold several occurrences, some overlapping ("parce que il y a")
_CHUNKS = st.one_of(st.sampled_from(_VOCAB).map(lambda w: [w]), st.sampled_from(EXPRESSIONS).map(list),
                    st.sampled_from([["parce,", "que"], ["en", "train,", "de"], ["in", "order", "to,"]]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_CHUNKS, min_size=1, max_size=10).map(lambda chunks: [w for c in chunks for w in c]), st.data())
def test_splits_are_exactly_the_cut_places_inside_an_occurrence(words, data):
    # cut the words into cues of lines at random places
    places = data.draw(st.sets(st.integers(min_value=1, max_value=max(len(words) - 1, 1))))
    places = {p for p in places if p < len(words)}
    kinds = {p: data.draw(st.booleans()) for p in sorted(places)}   # True: a cue boundary, False: a line break
    cues: list[list[list[str]]] = [[[]]]
    for p, word in enumerate(words):
        if p in kinds:
            if kinds[p]:
                cues.append([[]])
            else:
                cues[-1].append([])
        cues[-1][-1].append(word)
    built = _cues(*(tuple(" ".join(line) for line in cue) for cue in cues))
    q = measure_quality(built, FR, "fr", expressions=EXPRESSIONS)
    assert q.expression_splits == _brute_force_splits(words, places)


# ---- weak line ends -------------------------------------------------------------------------------

def test_a_line_ending_on_a_weak_word_is_flagged_unless_punctuation_follows():
    q = measure_quality(_cues(("Il y a des sujets liés à", "l'intelligence."), ("C'est pour", "vous."),
                              ("Il vient, c'est", "certain."), ("Et pour.", "Voilà.")), FR, "fr", expressions=())
    assert [(f.finding.cue, f.finding.value) for f in q.flags] == [(1, "à"), (2, "pour"), (3, "c'est")]
    assert q.weak_line_ends == 3 and q.lines == 8


def test_a_determiner_standing_alone_before_a_relative_is_no_weak_end():
    cues = _cues(("Il y en a un", "qui part."), ("Il en reste un",), ("pour toi.",), ("Il y a un", "homme."))
    q = measure_quality(cues, FR, "fr", expressions=())
    assert [(f.finding.cue, f.finding.value) for f in q.flags] == [(4, "un")]   # "un | homme": an article


def test_every_word_of_the_builders_lists_is_weak_at_a_line_end():
    for lang in ("fr", "en"):
        data = language_data(lang)
        assert data is not None
        words = sorted(data.weak_end)
        assert line_end_words(lang) == frozenset(words)
        cues = _cues(*((f"Voici {word}", "la suite.") for word in words))
        assert measure_quality(cues, FR, lang, expressions=()).weak_line_ends == len(words)
    assert line_end_words("da") == frozenset()


# ---- blanks inside a sentence -----------------------------------------------------------------------

def _blank_case(first: str, second: str, blank: int, fragments=None, sources=None):
    cues = [Cue(164_000, 167_310, ("Nous allons parler", first), line=1),
            Cue(167_310 + blank, 170_000 + blank, (second,), line=2)]
    return measure_quality(cues, FR, "fr", expressions=(), fragments=fragments, sources=sources)


def test_a_blank_inside_a_sentence_is_counted_and_flagged_unless_marked():
    q = _blank_case("avec pas mal de sujets liés", "à l'intelligence artificielle.", 4190)
    assert (q.blanks_in_sentence, q.blanks_unmarked) == (1, 1)
    flag = next(f for f in q.flags if f.finding.code is FindingCode.BLANK_IN_SENTENCE)
    assert (flag.finding.cue, flag.finding.value, flag.finding.limit, flag.line) == (1, 4190, BLANK_MS, 1)
    marked = _blank_case("de sujets liés…", "à l'intelligence artificielle.", 4190)
    assert (marked.blanks_in_sentence, marked.blanks_unmarked) == (1, 0)
    assert _blank_case("de sujets liés", "…à l'intelligence.", 4190).blanks_unmarked == 0


def test_no_blank_after_a_sentence_end_a_short_gap_or_before_a_turn():
    assert _blank_case("de sujets.", "Et voilà.", 4190).blanks_in_sentence == 0
    assert _blank_case("de sujets liés", "à l'IA.", BLANK_MS - 1).blanks_in_sentence == 0
    assert _blank_case("de sujets liés", "- Oui.", 4190).blanks_in_sentence == 0   # caption input: a dash
    frags = [Fragment(164_000, "Nous allons parler de sujets", 1), Fragment(170_000, "Oui.", 2, turn=True)]
    assert _blank_case("de sujets", "Oui.", 4190, frags, [(0, 0), (1, 1)]).blanks_in_sentence == 0


# ---- turns and speakers --------------------------------------------------------------------------

_FRAGS = [Fragment(0, "Bonjour à tous.", 1, speaker="A"), Fragment(2000, "Salut.", 2, speaker="B", turn=True),
          Fragment(3000, "Merci d'être là.", 3, speaker="C", turn=True)]


def test_turns_at_a_cue_start_or_on_a_dashed_line_are_marked():
    cues = [Cue(0, 1900, ("Bonjour à tous.",)), Cue(2000, 4000, ("- Salut.", "- Merci d'être là."))]
    q = measure_quality(cues, FR, "fr", expressions=(), fragments=_FRAGS, sources=[(0, 0), (1, 2)])
    assert (q.turns, q.turns_marked, q.cues_over_two_speakers) == (2, 2, 0)
    assert q.turn_starts == frozenset({1}) and q.speakers == (("A",), ("B", "C"))
    assert _codes(q) == []


def test_turns_inside_a_line_are_unmarked_and_three_speakers_are_too_many():
    cues = [Cue(0, 4000, ("Bonjour à tous. Salut.", "Merci d'être là."))]
    q = measure_quality(cues, FR, "fr", expressions=(), fragments=_FRAGS, sources=[(0, 2)])
    assert (q.turns, q.turns_marked, q.cues_over_two_speakers) == (2, 0, 1)
    assert Counter(_codes(q)) == Counter({"unmarked-turn": 2, "too-many-speakers": 1})
    unmarked = [(f.line, f.word) for f in q.flags if f.finding.code is FindingCode.UNMARKED_TURN]
    assert unmarked == [(0, 3), (1, 0)]   # "Salut." mid-line; "Merci" opens line 2 without a dash


def test_a_turn_split_across_cues_belongs_to_the_cue_where_it_starts():
    frags = [Fragment(0, "Bonjour.", 1), Fragment(1000, "Salut, comment allez-vous ce soir ?", 2, turn=True)]
    cues = [Cue(0, 2000, ("Bonjour.", "- Salut, comment")), Cue(2100, 4000, ("allez-vous ce soir ?",))]
    q = measure_quality(cues, FR, "fr", expressions=(), fragments=frags, sources=[(0, 1), (1, 1)])
    assert (q.turns, q.turns_marked) == (1, 1) and q.turn_starts == frozenset()
    assert q.speakers == ((None, None), (None,))


def test_speaker_labels_and_voices_mark_a_turn():
    cues = [Cue(0, 4000, ("Bonjour à tous.", "SALUT: Salut.")), Cue(4100, 6000, ("<v Bob>Salut.", "Merci."))]
    frags = [Fragment(0, "Bonjour à tous.", 1), Fragment(1000, "Salut.", 2, turn=True),
             Fragment(4100, "Salut.", 3), Fragment(5000, "Merci.", 4, turn=True)]
    q = measure_quality(cues, FR, "fr", expressions=(), fragments=frags, sources=[(0, 1), (2, 3)])
    assert (q.turns, q.turns_marked) == (2, 1)   # the label marks the first; "Merci." has no mark


def test_a_label_glued_to_its_first_word_marks_the_turn_and_the_word_still_counts():
    frags = [Fragment(0, "Bonjour à tous.", 1), Fragment(1000, "ANNA:\u00a0Il dit parce", 2, turn=True)]
    cues = [Cue(0, 2000, ("Bonjour à tous.", "ANNA:\u00a0Il dit parce")), Cue(2100, 3000, ("que voilà.",))]
    q = measure_quality(cues, FR, "fr", expressions=EXPRESSIONS, fragments=frags, sources=[(0, 1), (1, 1)])
    assert (q.turns, q.turns_marked, q.expression_splits) == (1, 1, 1)
    split = measure_quality([Cue(0, 1000, ("ANNA:\u00a0Parce",)), Cue(1100, 2000, ("que.",))], FR, "fr",
                            expressions=EXPRESSIONS)
    assert split.expression_splits == 1


def test_built_cues_mark_every_turn_of_named_speakers():
    frags = tuple(Fragment(1500 * k, text, k + 1, speaker=name, turn=k > 0 and name != prev)
                  for k, (name, prev, text) in enumerate([
                      ("Anne", None, "Bonsoir et bienvenue à tous."), ("Bob", "Anne", "Merci, bonsoir."),
                      ("Bob", "Bob", "Je suis ravi d'être là."), ("Anne", "Bob", "On commence ?"),
                      ("Bob", "Anne", "Oui.")]))
    result = convert_transcript(Transcript("t", frags), FR, lang="fr")
    q = result.report.quality
    assert q is not None and q.turns == 3
    assert q.turns_marked == q.turns and q.cues_over_two_speakers == 0


def test_caption_input_has_no_turns_to_count():
    q = convert_cues([Cue(0, 2000, ("- Oui.", "- Non."))], FR).report.quality
    assert q is not None and (q.turns, q.turns_marked, q.cues_over_two_speakers, q.speakers) == (None, None, None, ())


# ---- reading speed -----------------------------------------------------------------------------------

def test_the_distribution_counts_every_shown_cue_once_in_the_presets_unit():
    cues = [Cue(0, 1000, ("a" * 9,)), Cue(1000, 2000, ("a" * 16,)), Cue(2000, 3000, ("a" * 25,)),
            Cue(3000, 3000, ("never shown",))]
    d = measure_quality(cues, FR, "fr", expressions=()).speed
    assert d.unit.value == "cps" and sum(b.cues for b in d.bands) == 3
    assert [b.up_to for b in d.bands] == [*SPEED_BANDS[d.unit], None]
    assert (d.median, d.max, d.limit, d.over_limit) == (16.0, 25.0, 20.0, 1)
    bbc = measure_quality([Cue(0, 2000, ("I am so sad as he is to me now",))], get_preset("bbc"), "en",
                          expressions=()).speed
    assert (bbc.unit.value, bbc.median, bbc.limit, bbc.over_limit) == ("wpm", 300.0, 180.0, 1)
    assert measure_quality(cues, get_preset("csa"), "fr", expressions=()).speed.limit is None


# ---- the report -------------------------------------------------------------------------------

@functools.cache
def _sample():
    return convert_transcript(read_transcript(SAMPLE))


def test_the_sample_report_has_the_quality_section_and_its_counts_agree():
    result = _sample()
    q = result.report.quality
    data = result.report.to_dict()["quality"]
    assert q is not None and data is not None
    assert set(data) >= {"turns", "turns_marked", "expression_splits", "weak_line_ends", "blanks_in_sentence",
                         "cues_over_two_speakers", "reading_speed", "flags"}
    assert q.speed.over_limit == result.report.reading.too_fast == result.report.count(FindingCode.TOO_FAST)
    assert q.lines == sum(len(c.lines) for c in result.cues)
    assert q.weak_line_ends == q.count(FindingCode.WEAK_LINE_END)
    assert q.blanks_unmarked == q.count(FindingCode.BLANK_IN_SENTENCE)
    assert q.expression_splits == q.count(FindingCode.EXPRESSION_SPLIT)
    for flag, as_data in zip(q.flags, data["flags"]):
        cue = result.cues[flag.finding.cue - 1]
        assert as_data["cue_line"] == flag.line + 1 and 0 <= flag.line < len(cue.lines)
    # every blank it flags is one: a second or more, after a cue that ends no sentence
    for flag in q.flags:
        if flag.finding.code is FindingCode.BLANK_IN_SENTENCE:
            k = flag.finding.cue - 1
            assert result.cues[k + 1].start_ms - result.cues[k].end_ms >= BLANK_MS
            assert result.cues[k].lines[-1].rstrip("»\u202f ")[-1] not in ".!?"
