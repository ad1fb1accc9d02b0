"""French spacing, language detection and the cut rules shared by line breaking and cue building."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from captions.presets import reading_chars
from captions.typography import NNBSP, UNBREAKABLE, break_penalty, detect_language, french_spacing

_ = NNBSP


@pytest.mark.parametrize("text, expected", [
    ("Ça va ?", f"Ça va{_}?"),
    ("Ça va?", f"Ça va{_}?"),
    ("Quoi ?!", f"Quoi{_}?!"),
    ("Il dit : non ; oui !", f"Il dit{_}: non{_}; oui{_}!"),
    ("« Bonsoir »", f"«{_}Bonsoir{_}»"),
    ("«Bonsoir»", f"«{_}Bonsoir{_}»"),
    ("rendez-vous à 20:30, voir https://example.com", "rendez-vous à 20:30, voir https://example.com"),
    (f"déjà{_}?", f"déjà{_}?"),
    ("déjà\u00a0?", "déjà\u00a0?"),
], ids=["space-before-question", "glued-question", "run-of-marks", "colon-semicolon-bang", "guillemets",
        "glued-guillemets", "times-and-urls-untouched", "already-narrow", "already-nbsp"])
def test_french_spacing(text, expected):
    assert french_spacing(text) == expected


@given(st.text(alphabet="ab ?!:;«»,.0123", max_size=40))
@settings(max_examples=150)
def test_french_spacing_only_touches_spaces(text):
    text = " ".join(text.split())   # the reader gives whitespace-normalised text
    spaced = french_spacing(text)
    assert spaced.replace(_, "").replace(" ", "") == text.replace(" ", "")
    assert french_spacing(spaced) == spaced          # idempotent
    assert not re.search(r"[^\s?!:;] [?!:;]+(?: |$)", spaced)  # no breakable space before a mark


def test_narrow_space_counts_as_one_character():
    assert reading_chars(french_spacing("Ça va ?")) == len("Ça va ?")


@pytest.mark.parametrize("text, lang", [
    ("Bonsoir à tous, merci d'être là en ce jeudi soir et bienvenue sur la chaîne.", "fr"),
    ("Good evening and welcome to the show, this is where we talk about tech.", "en"),
])
def test_detect_language(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize("left, right, lang, expected", [
    ("soir.", "Bienvenue", "fr", 0.0),
    ("tous,", "merci", "fr", 1.0),
    ("choses", "et", "fr", 2.0),
    ("parle", "dans", "fr", 2.0),
    ("tech", "quotidienne", "fr", 4.0),
    ("la", "quotidienne", "fr", UNBREAKABLE),         # article + noun
    ("30", "milliards", "fr", UNBREAKABLE),           # number + unit
    ("20", "%", "fr", UNBREAKABLE),
    ("Jensen", "Huang", "fr", UNBREAKABLE),           # first + last name
    ("Tech", "&", "fr", UNBREAKABLE),
    ("l'", "IA", "fr", UNBREAKABLE),                  # elision written apart
    ("va", "?", "fr", UNBREAKABLE),                   # never before ? ! : ;
    ("the", "show", "en", UNBREAKABLE),
    ("show", "and", "en", 2.0),
    ("2026", "et", "fr", 2.0),                        # a year before a conjunction may be cut
    ("2000.", "Je", "fr", 0.0),                       # a sentence that ends with a number
    ("3.", "et", "fr", 2.0),                          # ... but not any number with a full stop
    ("d'une", "espèce", "fr", UNBREAKABLE),           # an article behind an elision
])
def test_break_penalty(left, right, lang, expected):
    assert break_penalty(left, right, lang) == expected


@pytest.mark.parametrize("left, right", [("grande", "cérémonie"), ("a", "investi"), ("il", "dit"),
                                         ("très", "heureux"), ("the", "show"),
                                         ("qu'il", "y"),        # a pronoun behind an elision
                                         ("sais", "pas"),       # ne ... pas
                                         ("et", "ils")])        # a line never ends on a conjunction
def test_weak_cuts_cost_more_than_a_plain_one(left, right):
    assert break_penalty(left, right, "en" if left == "the" else "fr") > break_penalty("tech", "quotidienne")


# ---- the typography pass -----------------------------------------------------------------

from captions.typography import TypoRule, typeset  # noqa: E402


@given(st.text(alphabet="ab ?!:;«»,0123&<>\u00a0", max_size=40))
@settings(max_examples=300)
def test_the_pass_spaces_marks_as_french_spacing_does(text):
    # the pass finds each mark and reads around it; french_spacing (the validator's) uses
    # look-behind patterns: the same spaces (no full stop here: three make an ellipsis)
    text = " ".join(text.split(" "))
    assert typeset([text], "fr").texts[0] == french_spacing(text)


@pytest.mark.parametrize("before, after, rule", [
    ("Les Etats-Unis et l'Etat.", "Les États-Unis et l'Etat.", TypoRule.ACCENTED_CAPITAL),  # l'Etat: elided, left
    ("Une Ecole, ETATS-UNIS, CA.", "Une École, ÉTATS-UNIS, CA.", TypoRule.ACCENTED_CAPITAL),
    ("90% des gens, 20 % des cas", "90\u202f% des gens, 20\u202f% des cas", TypoRule.NNBSP_BEFORE_PERCENT),
    ("Attends... Bon…", "Attends… Bon…", TypoRule.ELLIPSIS),
    ("des puces, etc", "des puces, etc.", TypoRule.ETC),
    ("des puces, etc...", "des puces, etc.", TypoRule.ETC),
    ("des puces, etc.", "des puces, etc.", None),
    ("Et bien, voilà.", "Eh bien, voilà.", TypoRule.EH_BIEN),
    ("vous l'attendez, et bien le voici", "vous l'attendez, eh bien le voici", TypoRule.EH_BIEN),
    ("Et bien sûr, il vient.", "Et bien sûr, il vient.", None),           # the adverb: "and of course"
    ("il travaille vite et bien.", "il travaille vite et bien.", None),
    ("et bien d'autres choses", "et bien d'autres choses", None),
    ("R&amp;D ; <i>oui</i> ?", "R&amp;D\u202f; <i>oui</i>\u202f?", TypoRule.NNBSP_BEFORE_PUNCTUATION),
    ("&amp; &#39; &lt;", "&amp; &#39; &lt;", None),                      # character references untouched
], ids=["accent", "accent-capitals", "percent", "ellipsis", "etc", "etc-ellipsis", "etc-kept", "eh-bien",
        "eh-bien-after-comma", "et-bien-sur", "et-bien-adverb", "et-bien-d-autres", "entities-and-tags",
        "entities-alone"])
def test_french_typography_rules(before, after, rule):
    done = typeset([before], "fr", lines=[7])
    assert done.texts == (after,)
    assert ({c.rule for c in done.changes} == {rule}) if rule else done.changes == ()
    for change in done.changes:
        assert change.line == 7 and change.before != change.after and change.before in before


def test_the_pass_records_where_each_change_is():
    done = typeset(["Il y a 90% de chances", "? Les Etats-Unis.", "Et bien…"], "fr", lines=[3, 4, 5],
                   starts_ms=[1000, 2000, 3000])
    assert done.texts == ("Il y a 90\u202f% de chances", "\u202f? Les États-Unis.", "Eh bien…")
    found = [(c.rule, c.line, c.start_ms, c.before, c.after) for c in done.changes]
    assert (TypoRule.NNBSP_BEFORE_PERCENT, 3, 1000, "90%", "90\u202f%") in found
    assert (TypoRule.NNBSP_BEFORE_PUNCTUATION, 4, 2000, "?", "\u202f?") in found   # glued to "chances"
    assert (TypoRule.ACCENTED_CAPITAL, 4, 2000, "Etats-Unis.", "États-Unis.") in found
    assert (TypoRule.EH_BIEN, 5, 3000, "Et bien…", "Eh bien…") in found
    assert done.changes[0].explain() == "line 3 [00:01]: '90%' -> '90\\u202f%' (typography: nnbsp-before-percent)"
    assert done.changes[0].to_dict()["kind"] == "typography"


def test_english_typography_is_english():
    done = typeset(["Wait... is it 90%? Yes, etc"], "en")
    assert done.texts == ("Wait… is it 90%? Yes, etc.",)        # no French spaces
    assert {c.rule for c in done.changes} == {TypoRule.ELLIPSIS, TypoRule.ETC}


@pytest.mark.parametrize("lang", ["da", "es", "he", "ja", "und"])
def test_languages_without_rules_are_left_as_they_are(lang):
    text = "Hvad siger du ? 90% ... etc"
    assert typeset([text], lang) == typeset([text], lang).__class__((text,), ())
