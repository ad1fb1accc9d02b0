"""Semantics of applying a correction dictionary, one behaviour per test."""

from __future__ import annotations

import json

import pytest

from captions.model import Format
from captions.corrections import (
    Change, ChangeKind, Dictionary, apply_to_transcript, correct_caption_source, correct_transcript_source,
    replay, replay_transcript,
)
from captions.corrections import CaseMode, Fix, MatchMode
from captions.errors import ConfigError
from captions.model import Fragment, Piece, Transcript


def d(*fixes: Fix) -> Dictionary:
    return Dictionary.from_fixes(fixes)


def fixed(dictionary: Dictionary, text: str) -> str:
    return dictionary.apply(text)[0]


OPENAI = Fix("OpenAI", ("Open AI", "OpenA"))


@pytest.mark.parametrize("text, expected", [
    ("d'Anthropik", "d'Anthropic"),
    ("d’Anthropik", "d’Anthropic"),
    ("(Anthropik)", "(Anthropic)"),
    ("Anthropiks", "Anthropiks"),
    ("xAnthropik", "xAnthropik"),
    ("Anthropik_x", "Anthropik_x"),
    ("Anthropik2", "Anthropik2"),
    ("ANTHROPIK.", "Anthropic."),
])
def test_word_boundaries_are_unicode_and_apostrophes_separate(text: str, expected: str) -> None:
    assert fixed(d(Fix("Anthropic", ("Anthropik",))), text) == expected


def test_a_key_never_matches_inside_a_longer_word() -> None:
    assert fixed(d(OPENAI), "OpenAI OpenAIs ReOpenA OpenA") == "OpenAI OpenAIs ReOpenA OpenAI"


def test_accented_letters_are_word_characters() -> None:
    # "é" continues a word: the key "Théodo" must not fire inside "Théodoé" nor "Théodocloud".
    dictionary = d(Fix("Theodo Cloud", ("Théodocloud",)), Fix("Theodo", ("Théodo",)))
    assert fixed(dictionary, "Théodocloud Théodoé Théodo") == "Theodo Cloud Théodoé Theodo"


@pytest.mark.parametrize("text", ["Open AI", "Open   AI", "Open\tAI", "Open\nAI", "Open \n AI"])
def test_multiword_key_matches_any_run_of_whitespace(text: str) -> None:
    assert fixed(d(OPENAI), text) == "OpenAI"


def test_multiword_key_does_not_match_without_the_space() -> None:
    assert fixed(d(Fix("Sailfish OS", ("Selfish OS",))), "SelfishOS selfish") == "SelfishOS selfish"


def test_leftmost_longest_one_pass_without_chains() -> None:
    # Built without the lint (which refuses this chain) to show the engine alone never chains.
    chained = Dictionary([Fix("Open AI", ("OpenEye",)), Fix("OpenAI", ("Open AI",))])
    assert fixed(chained, "OpenEye") == "Open AI"
    longest = d(Fix("OpenAI Labs", ("Open AI Labs",)), Fix("OpenAI", ("Open AI",)))
    assert fixed(longest, "Open AI Labs, Open AI") == "OpenAI Labs, OpenAI"


def test_longest_key_backs_off_when_it_would_end_inside_a_word() -> None:
    dictionary = d(Fix("OpenAI Labs", ("Open AI Lab",)), Fix("OpenAI", ("Open AI",)))
    assert fixed(dictionary, "Open AI Labs") == "OpenAI Labs"


def test_replacement_written_exactly_as_given_unless_keep_case() -> None:
    assert fixed(d(Fix("ChatGPT", ("tchat gpt",))), "TCHAT GPT et Tchat Gpt") == "ChatGPT et ChatGPT"
    keep = d(Fix("intelligence artificielle", ("intelligence artificiel",), keep_case=True))
    assert fixed(keep, "Intelligence artificiel, INTELLIGENCE ARTIFICIEL") == \
        "Intelligence artificielle, INTELLIGENCE ARTIFICIELLE"


def test_case_sensitive_keys_match_only_their_case() -> None:
    dictionary = d(Fix("Siri", ("Syrie",), case=CaseMode.SENSITIVE))
    assert fixed(dictionary, "Syrie SYRIE syrie") == "Siri SYRIE syrie"


def test_context_and_unless_guard_within_the_window() -> None:
    jolla = d(Fix("Jolla", ("Yola",), context="smartphone", window=20))
    assert fixed(jolla, "Yola, un smartphone") == "Jolla, un smartphone"
    assert fixed(jolla, "Yola" + " " * 30 + "smartphone") == "Yola" + " " * 30 + "smartphone"
    siri = d(Fix("Siri", ("Syrie",), unless="Damas|guerre"))
    assert fixed(siri, "Dis Syrie") == "Dis Siri"
    assert fixed(siri, "la guerre en Syrie") == "la guerre en Syrie"


def test_guard_refusal_still_lets_a_later_hit_through() -> None:
    dictionary = d(Fix("Jolla", ("Yola",), context="smartphone", window=12))
    text = "Yola " + "x" * 20 + " Yola smartphone"
    assert fixed(dictionary, text) == "Yola " + "x" * 20 + " Jolla smartphone"


def test_fuzzy_finds_near_misses_of_whole_words_only() -> None:
    dictionary = d(Fix("Anthropic", ("Anthropik",), fuzzy=1))
    text, changes = dictionary.apply("Antropik Anthropiq Anthropikxx superAntropik Anthropic")
    assert text == "Anthropic Anthropic Anthropikxx superAntropik Anthropic"
    assert [(c.kind, c.key, c.before) for c in changes] == [
        (ChangeKind.FUZZY, "Anthropik", "Antropik"), (ChangeKind.FUZZY, "Anthropik", "Anthropiq")]


def test_fuzzy_never_fires_on_a_dictionary_word() -> None:
    # "Jolie" is one edit from "Jolis" but is itself a replacement; "Jola" is a key.
    dictionary = d(Fix("Jolla", ("Jola",)), Fix("Jolie", ("Jolis",), fuzzy=1))
    assert fixed(dictionary, "Jolie Jola Joliz") == "Jolie Jolla Jolie"


def test_fuzzy_needs_more_letters_kept_than_changed() -> None:
    dictionary = d(Fix("OS", ("Os",), case=CaseMode.SENSITIVE, fuzzy=1))
    assert fixed(dictionary, "on os Ox") == "on os Ox"


def test_fuzzy_prefers_the_closest_key() -> None:
    dictionary = d(Fix("Jolla", ("Yolla",), fuzzy=2), Fix("Yale", ("Yalle",), fuzzy=2))
    assert fixed(dictionary, "Yollz Yallz") == "Jolla Yale"


def test_regex_keys_with_boundaries_and_longest_alternative() -> None:
    dictionary = d(Fix("GPT-4", (r"GPT ?4", r"GPT[ -]quatre"), match=MatchMode.REGEX, case=CaseMode.SENSITIVE),
                   Fix("GPT-4o", (r"GPT ?4 ?o",), match=MatchMode.REGEX, case=CaseMode.SENSITIVE))
    assert fixed(dictionary, "GPT 4, GPT4 o, GPT-quatre, xGPT4, GPT45") == "GPT-4, GPT-4o, GPT-4, xGPT4, GPT45"


def test_a_hit_already_right_is_not_a_change() -> None:
    text, changes = d(Fix("Nvidia", ("NVIDIA",))).apply("Nvidia NVIDIA")
    assert text == "Nvidia Nvidia"
    assert [c.before for c in changes] == ["NVIDIA"]


def test_every_change_is_recorded_and_replays() -> None:
    rule = Fix("OpenAI", ("Open AI",), location=__import__("captions").Location("show.toml", 7))
    source = "ligne un\nOpen AI et Open\nAI"
    text, changes = d(rule).apply(source)
    assert text == "ligne un\nOpenAI et OpenAI"
    assert [(c.rule, c.line, c.before, c.after, c.start, c.end) for c in changes] == [
        ("show.toml:7", 2, "Open AI", "OpenAI", 9, 16), ("show.toml:7", 2, "Open\nAI", "OpenAI", 20, 27)]
    assert replay(source, changes) == text
    restored = [Change.from_dict(json.loads(json.dumps(c.to_dict()))) for c in changes]
    assert replay(source, restored) == text


def test_replay_on_other_text_is_refused() -> None:
    _, changes = d(OPENAI).apply("Open AI")
    with pytest.raises(ConfigError, match="does not apply"):
        replay("Close AI", changes)


def _transcript() -> Transcript:
    fragments = (Fragment(14000, "Bonsoir, on parle d'Open", 6), Fragment(20000, "AI ce soir", 7),
                 Fragment(21000, "AI", 8), Fragment(23000, "et de Jensan", 9), Fragment(25000, "Yuang.", 10))
    pieces = tuple(Piece(i, f.line, 5, 5 + len(f.text)) for i, f in enumerate(fragments))
    return Transcript("t.txt", fragments, pieces=pieces)


DICT = Dictionary.from_fixes([OPENAI, Fix("Jensen Huang", ("Jensan Yuang",))])


def test_fix_across_fragments_goes_into_the_first_and_no_start_moves() -> None:
    transcript = _transcript()
    corrected, changes = apply_to_transcript(transcript, DICT)
    # The full stop glued to "Yuang" stays right after the name it closed.
    assert [f.text for f in corrected.fragments] == [
        "Bonsoir, on parle d'OpenAI", "ce soir", "AI", "et de Jensen Huang.", ""]
    assert [f.start_ms for f in corrected.fragments] == [f.start_ms for f in transcript.fragments]
    assert [f.line for f in corrected.fragments] == [f.line for f in transcript.fragments]
    assert [(c.line, c.start_ms, c.segment, c.before) for c in changes] == [
        (6, 14000, 0, "Open\nAI"), (9, 23000, 3, "Jensan\nYuang")]
    assert replay_transcript(transcript, changes) == corrected
    assert transcript.fragments[0].text == "Bonsoir, on parle d'Open"  # the input is not mutated


def test_transcript_source_keeps_its_layout_byte_for_byte() -> None:
    transcript = _transcript()
    lines = [f"00:{f.start_ms // 1000:02d}{f.text}" for f in transcript.fragments]
    source = "Titre\n\n\n\n\n" + "\n".join(lines) + "\n"
    text, changes = correct_transcript_source(source, transcript, DICT)
    assert text == ("Titre\n\n\n\n\n00:14Bonsoir, on parle d'OpenAI\n00:20ce soir\n00:21AI\n"
                    "00:23et de Jensen Huang.\n00:25\n")
    assert [c.line for c in changes] == [6, 9]


def test_transcript_without_pieces_cannot_keep_layout() -> None:
    transcript = Transcript("t.txt", (Fragment(0, "Open AI", 1),))
    with pytest.raises(ConfigError, match="pieces"):
        correct_transcript_source("00:00Open AI", transcript, DICT)


def test_caption_source_touches_only_cue_text() -> None:
    srt = "1\n00:00:01,000 --> 00:00:02,000\nOpen AI\n\n2\n00:01:00,500 --> 00:01:01,000\nOpenA\nfin\n"
    text, changes = correct_caption_source(srt, Format.SRT, DICT)
    assert text == srt.replace("Open AI", "OpenAI").replace("OpenA\n", "OpenAI\n")
    assert [(c.line, c.start_ms) for c in changes] == [(3, 1000), (7, 60500)]
    vtt = "WEBVTT - Open AI\n\nNOTE Open AI\n\nOpen AI\n00:01.000 --> 00:02.000\nOpen AI\n"
    assert correct_caption_source(vtt, Format.VTT, DICT)[0] == vtt[: -len("Open AI\n")] + "OpenAI\n"


def test_explain_reads_for_a_person() -> None:
    transcript = _transcript()
    _, changes = apply_to_transcript(transcript, DICT)
    assert changes[0].explain() == "line 6 [00:14]: 'Open\\nAI' -> 'OpenAI' (rule <input>, word)"
    late = Change("d.toml:3", ChangeKind.FUZZY, "Yola", 0, 4, "Yolla", "Jolla", 9, 3_723_000)
    assert late.explain() == "line 9 [1:02:03]: 'Yolla' -> 'Jolla' (rule d.toml:3, fuzzy, near 'Yola')"
