"""Language detection (captions/language.py): the rules that depend on the language apply only
where it is known."""

from __future__ import annotations

from pathlib import Path

import pytest

from captions.files import read_source, sniff
from captions.formats import parse_captions
from captions.language import CONFIDENT, Language, detect, parse_language

SAMPLES = {
    Language.FR: "Bonsoir à tous et merci d'être là. Ce soir, on parle de l'intelligence artificielle avec nos invités.",
    Language.EN: "Good evening and welcome to the show. Tonight we talk about what is happening in the world of AI.",
    Language.DA: "Godaften og velkommen til programmet. I aften taler vi om det, der sker med kunstig intelligens, og "
                 "hvad det betyder for os.",
    Language.ES: "Buenas noches y bienvenidos al programa. Esta noche hablamos de lo que pasa con la inteligencia "
                 "artificial y de por qué es importante.",
    Language.HE: "ערב טוב וברוכים הבאים לתוכנית. הערב נדבר על בינה מלאכותית.",
    Language.AR: "مساء الخير ومرحبا بكم في البرنامج. الليلة نتحدث عن الذكاء الاصطناعي.",
    Language.JA: "こんばんは、番組へようこそ。今夜は人工知能について話します。",
}


@pytest.mark.parametrize("language", list(SAMPLES))
def test_each_language_is_recognised(language: Language) -> None:
    found = detect(SAMPLES[language])
    assert found.language is language
    # only French text is French with confidence, only English text English
    for ruled in (Language.FR, Language.EN):
        assert found.confident(ruled) is (language is ruled)


@pytest.mark.parametrize("text", ["", "12:30 -- 14:00 !!", "Yeah.", "OK"])
def test_too_little_text_is_no_language(text: str) -> None:
    found = detect(text)
    assert not found.confident(Language.FR) and not found.confident(Language.EN)


def test_french_and_spanish_share_words_but_not_the_verdict() -> None:
    spanish = "La casa de la que te hablé está en la plaza, y es la más grande de la ciudad."
    french = "La maison dont je t'ai parlé est sur la place, et c'est la plus grande de la ville."
    assert detect(spanish).language is Language.ES and not detect(spanish).confident(Language.FR)
    assert detect(french).confident(Language.FR)


@pytest.mark.parametrize("code, expected", [("fr", Language.FR), ("EN", Language.EN), ("en-US", Language.EN),
                                            ("pt_BR", Language.PT), ("no", Language.NB), ("iw", Language.HE)])
def test_lang_codes_are_a_closed_case_insensitive_set(code: str, expected: Language) -> None:
    assert parse_language(code) is expected


def test_an_unknown_code_is_refused_with_the_list() -> None:
    with pytest.raises(ValueError, match="expected one of fr, en"):
        parse_language("klingon")


# real files of other projects in many languages (../shared/realworld/SOURCES.md)
REAL = {
    "3b1b_moser_hebrew_community.srt": Language.HE, "3b1b_moser_arabic_community.srt": Language.AR,
    "3b1b_inventing_japanese_auto.srt": Language.JA, "emk_poem.es.srt": Language.ES,
    "se_libse_auto_detect_Danish.srt": Language.DA, "3b1b_ldm_i_to_i_english.srt": Language.EN,
    "mantas_vtt_with_html.vtt": Language.FR, "se_libse_auto_detect_Russian.srt": Language.RU,
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_subtitles_in_many_languages(shared_dir, name: str) -> None:
    path = shared_dir / "realworld" / "subtitles" / name
    decoded = read_source(path)
    fmt = sniff(str(path), decoded.text)
    assert fmt is not None
    text = " ".join(" ".join(c.lines) for c in parse_captions(decoded.text, fmt).cues)
    found = detect(text)
    assert found.language is REAL[name]
    assert found.confident(Language.FR) is (REAL[name] is Language.FR)


def test_the_sample_is_confidently_french() -> None:
    found = detect(read_source(Path(__file__).resolve().parents[1] / "samples" / "techco-2026-03-05.txt").text)
    assert found.language is Language.FR and found.confidence >= CONFIDENT
