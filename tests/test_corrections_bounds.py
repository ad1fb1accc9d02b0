"""Bounded work whatever the dictionary: keys of any length, empty keys, huge or backtracking
regular expressions, decomposed Unicode.  Each test would hang, blow up or fail before."""

from __future__ import annotations

import resource
import time

import pytest

from captions.corrections import CaseMode, Dictionary, Fix, MatchMode, load_dictionaries
from captions.errors import ConfigError, Location


@pytest.mark.parametrize("key", ["", "   ", "\n\t"])
def test_an_empty_key_built_without_the_lint_is_refused_not_looped_on(key: str) -> None:
    fix = Fix("X", (key,), location=Location("d.toml", 3), key_lines=(4,))
    with pytest.raises(ConfigError) as caught:
        Dictionary([fix])
    assert (caught.value.location.source, caught.value.location.line) == ("d.toml", 4)


def test_a_key_of_any_length_compiles_without_recursion() -> None:
    long_key = " ".join(["mot"] * 1500)  # 5,999 characters
    dictionary = Dictionary([Fix("court", (long_key,)), Fix("B", ("a" * 5000,))])
    text = "avant " + long_key + " après " + "a" * 5000
    assert dictionary.apply(text)[0] == "avant court après B"


def test_decomposed_text_is_matched_by_a_composed_key_and_positions_stay_right() -> None:
    decomposed = "Franc\u0327oise et Franc\u0327oise."
    dictionary = Dictionary([Fix("Françoise Sagan", ("Françoise",), case=CaseMode.SENSITIVE)])
    text, changes = dictionary.apply(decomposed)
    assert text == "Françoise Sagan et Françoise Sagan."
    assert [c.before for c in changes] == ["Franc\u0327oise", "Franc\u0327oise"]


def test_a_composed_text_is_matched_by_a_decomposed_key() -> None:
    dictionary = Dictionary([Fix("Cafétech", ("Cafe\u0301Tech",))])
    assert dictionary.apply("La CaféTech du jour")[0] == "La Cafétech du jour"


def test_a_huge_counted_repeat_is_refused_before_it_is_compiled() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    fix = Fix("Y", ("y{1000000000}",), match=MatchMode.REGEX, location=Location("d.toml", 1), key_lines=(2,))
    with pytest.raises(ConfigError, match="repeats 1000000000 times") as caught:
        Dictionary([fix])
    assert caught.value.location.line == 2
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KiB: no gigabytes


def test_a_backtracking_regex_key_stops_at_the_time_limit_and_names_its_line() -> None:
    fix = Fix("B", ("(a|aa)+b",), match=MatchMode.REGEX, location=Location("evil.toml", 7), key_lines=(8,))
    dictionary = Dictionary([fix], regex_timeout=0.2)
    started = time.monotonic()
    with pytest.raises(ConfigError, match="took more than 0.2 s on line 2") as caught:
        dictionary.apply("bonjour\n" + "a" * 40 + "\nfin")
    assert time.monotonic() - started < 5
    assert str(caught.value).startswith("evil.toml:8:")


def test_a_backtracking_guard_stops_at_the_time_limit() -> None:
    fix = Fix("Jolla", ("Yola",), context="(a|aa)+b", location=Location("evil.toml", 3))
    dictionary = Dictionary([fix], regex_timeout=0.2)
    with pytest.raises(ConfigError, match="`context`") as caught:
        dictionary.apply("Yola " + "a" * 40)
    assert caught.value.location.line == 3


def test_regex_keys_still_match_across_a_line_break_and_only_whole_words() -> None:
    dictionary = Dictionary([Fix("OpenAI", (r"Open\s+A\.?I",), match=MatchMode.REGEX)])
    assert dictionary.apply("d'Open\nAI et Open AIR")[0] == "d'OpenAI et Open AIR"


def test_load_of_a_regex_key_too_large_names_file_and_line(tmp_path) -> None:
    path = tmp_path / "d.toml"
    path.write_text('[[fix]]\nto = "Y"\nmatch = "regex"\nfrom = ["y{1000000000}"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="regex-too-large") as caught:
        load_dictionaries([path])
    assert caught.value.location.line == 4
