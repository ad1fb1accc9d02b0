"""Reading and linting dictionaries: every problem located at file:line, bad ones refused."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from captions.corrections import (
    CaseMode, Fix, MatchMode, check_dictionaries, discover_dictionaries, lint_fixes, load_dictionaries,
    parse_dictionary,
)
from captions.findings import FindingCode, Severity
from captions.errors import ConfigError

MALFORMED = Path(__file__).parent / "data" / "corrections" / "malformed"

# file -> (code, line, severity) of the finding that must be reported
EXPECTED = {
    "not-toml.toml": (FindingCode.UNREADABLE_ENTRY, 3, Severity.ERROR),
    "bare-string-value.toml": (FindingCode.UNREADABLE_ENTRY, 5, Severity.ERROR),
    "missing-to.toml": (FindingCode.UNREADABLE_ENTRY, 3, Severity.ERROR),
    "fuzzy-not-a-number.toml": (FindingCode.UNREADABLE_ENTRY, 8, Severity.ERROR),
    "unknown-field.toml": (FindingCode.UNREADABLE_ENTRY, 3, Severity.ERROR),
    "conflicting-fix.toml": (FindingCode.CONFLICTING_FIX, 9, Severity.ERROR),
    "duplicate-key.toml": (FindingCode.DUPLICATE_KEY, 7, Severity.WARNING),
    "chain.toml": (FindingCode.CHAIN, 7, Severity.ERROR),
    "bad-regex.toml": (FindingCode.BAD_REGEX, 3, Severity.ERROR),
    "catastrophic-regex.toml": (FindingCode.CATASTROPHIC_REGEX, 1, Severity.ERROR),
    "empty-match-regex.toml": (FindingCode.EMPTY_MATCH_REGEX, 3, Severity.ERROR),
    "missing-tab.tsv": (FindingCode.UNREADABLE_ENTRY, 3, Severity.ERROR),
    "three-columns.csv": (FindingCode.UNREADABLE_ENTRY, 3, Severity.ERROR),
}


def test_every_malformed_file_has_an_expectation() -> None:
    assert sorted(p.name for p in MALFORMED.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_dictionary_finding_is_located(name: str) -> None:
    code, line, severity = EXPECTED[name]
    findings = check_dictionaries([MALFORMED / name])
    located = {(f.code, f.location.line, f.severity) for f in findings}
    assert (code, line, severity) in located, findings
    assert all(f.location.source == str(MALFORMED / name) for f in findings)


@pytest.mark.parametrize("name", sorted(n for n, (_, _, s) in EXPECTED.items() if s is Severity.ERROR))
def test_load_refuses_a_dictionary_with_an_error_naming_file_and_line(name: str) -> None:
    code, line, _ = EXPECTED[name]
    with pytest.raises(ConfigError) as caught:
        load_dictionaries([MALFORMED / name])
    assert caught.value.location.source == str(MALFORMED / name)
    assert str(caught.value).startswith(f"{MALFORMED / name}:")
    assert pickle.loads(pickle.dumps(caught.value)).location == caught.value.location


def test_warnings_do_not_refuse_a_dictionary() -> None:
    dictionary = load_dictionaries([MALFORMED / "duplicate-key.toml"])
    assert dictionary.apply("OpenEye")[0] == "OpenAI"


def test_the_sample_dictionary_is_clean_and_its_guards_meet_the_sample() -> None:
    root = Path(__file__).resolve().parents[1]
    sample = (root / "samples" / "techco-2026-03-05.txt").read_text(encoding="utf-8")
    assert check_dictionaries([root / "samples" / "techco.dict.toml"], against=[sample]) == ()


def test_context_that_never_matches_the_checked_text_is_reported() -> None:
    fixes, _ = parse_dictionary('[[fix]]\nto = "Jolla"\nfrom = ["Yola"]\ncontext = "smartphone"\n', "d.toml")
    findings = lint_fixes(fixes, against=["Yola est une amie."])
    assert [(f.code, f.location.line) for f in findings] == [(FindingCode.CONTEXT_NEVER_MATCHES, 1)]
    assert lint_fixes(fixes, against=["Yola, le smartphone."]) == ()


def test_context_matching_empty_string_is_a_warning() -> None:
    findings = lint_fixes([Fix("Jolla", ("Yola",), context="x*")])
    assert [f.code for f in findings] == [FindingCode.CONTEXT_ALWAYS_MATCHES]


def test_chain_is_found_through_partial_overlap() -> None:
    # After "Selfish" -> "Sailfish OS", the key "OS X" could match "OS" plus a following "X".
    findings = lint_fixes([Fix("Sailfish OS", ("Selfish",)), Fix("macOS", ("OS X",))])
    assert [f.code for f in findings] == [FindingCode.CHAIN]


def test_case_insensitive_key_equal_to_its_replacement_is_not_a_chain() -> None:
    assert lint_fixes([Fix("Nvidia", ("NVIDIA",))]) == ()


def test_guard_that_would_decide_differently_after_a_fix_is_warned() -> None:
    fixes = [Fix("Sailfish OS", ("Selfish OS",)), Fix("Jolla", ("Yola",), context="Sailfish")]
    assert [f.code for f in lint_fixes(fixes)] == [FindingCode.GUARD_SEES_REPLACEMENT]
    fixes = [Fix("Sailfish OS", ("Selfish OS",)), Fix("Jolla", ("Yola",), context=r"\bOS\b")]
    assert lint_fixes(fixes) == ()


def test_same_key_in_two_files_the_first_wins_and_is_reported(tmp_path: Path) -> None:
    show = tmp_path / "show.toml"
    channel = tmp_path / "channel.tsv"
    show.write_text('[[fix]]\nto = "OpenAI"\nfrom = ["Open AI"]\n', encoding="utf-8")
    channel.write_text("# channel-wide\nopen ai\tOpen-AI\nAnthropik\tAnthropic\n", encoding="utf-8")
    findings = check_dictionaries([show, channel])
    assert [(f.code, f.location.source, f.location.line) for f in findings] == [
        (FindingCode.OVERRIDDEN_KEY, str(channel), 2)]
    dictionary = load_dictionaries([show, channel])
    assert dictionary.apply("Open AI et Anthropik")[0] == "OpenAI et Anthropic"
    assert load_dictionaries([channel, show]).apply("Open AI")[0] == "Open-AI"


def test_toml_fields_are_read_with_their_types_and_key_lines() -> None:
    text = ('# header\n[[fix]]\nto = "Siri"\nfrom = [\n  "Syrie",\n  "Siry",\n]\ncase = "sensitive"\n'
            'match = "word"\nfuzzy = 1\ncontext = "Apple"\nunless = "Damas"\nwindow = 40\nkeep_case = true\n')
    (fix,), problems = parse_dictionary(text, "d.toml")
    assert problems == ()
    assert fix == Fix("Siri", ("Syrie", "Siry"), CaseMode.SENSITIVE, MatchMode.WORD, 1, "Apple", "Damas", 40, True,
                      fix.location, (5, 6))
    assert fix.rule == "d.toml:2"


def test_csv_with_header_and_quotes() -> None:
    fixes, problems = parse_dictionary('from,to\n"Jensan Yuang","Jensen Huang"\n# note\n\nOpen AI,OpenAI\n',
                                       "d.csv", kind="csv")
    assert problems == ()
    assert [(f.keys, f.to, f.rule) for f in fixes] == [
        (("Jensan Yuang",), "Jensen Huang", "d.csv:2"), (("Open AI",), "OpenAI", "d.csv:5")]


def test_dictionary_with_unknown_suffix_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(ConfigError, match="expected .toml, .tsv or .csv"):
        load_dictionaries([path])


def test_missing_dictionary_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_dictionaries([tmp_path / "absent.toml"])


def test_discovery_order_most_specific_first(tmp_path: Path) -> None:
    for name in ("captions.dict.toml", "techco.dict.toml", "techco-2026.dict.tsv", "tech.dict.toml",
                 "other.dict.toml", "techco.toml"):
        (tmp_path / name).write_text("", encoding="utf-8")
    transcript = tmp_path / "techco-2026-03-05.txt"
    found = [p.name for p in discover_dictionaries(transcript)]
    assert found == ["techco-2026.dict.tsv", "techco.dict.toml", "captions.dict.toml"]
    assert discover_dictionaries("-") == ()


def test_a_key_hitting_the_case_a_keep_case_fix_writes_is_a_chain() -> None:
    """'AI' -> 'open' keeping case writes 'OPEN', which the case-insensitive 'open' -> 'open'
    would lower on a second run: refused as a chain (Hypothesis found it)."""
    from captions.corrections import CaseMode, Fix, lint_fixes

    fixes = [Fix(to="open", keys=("open",), case=CaseMode.INSENSITIVE),
             Fix(to="open", keys=("AI",), keep_case=True)]
    assert [f.code.value for f in lint_fixes(fixes)] == ["chain"]
    # keeping case on both sides changes nothing on a second run: no chain
    fixes[0] = Fix(to="open", keys=("open",), keep_case=True)
    assert "chain" not in [f.code.value for f in lint_fixes(fixes)]
