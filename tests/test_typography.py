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
