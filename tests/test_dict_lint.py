"""Every lint code, both ways: a sound dictionary it must accept and an unsound one it must
report.  A lint that refused sound dictionaries would teach users to ignore it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from captions.cli import main
from captions.corrections import Dictionary, Fix, MatchMode, CaseMode, lint_fixes, parse_dictionary
from captions.errors import Location
from captions.findings import FindingCode, Severity


def _codes(fixes: list[Fix], against: tuple[str, ...] = ()) -> set[FindingCode]:
    return {f.code for f in lint_fixes(fixes, against=against)}


def _at(line: int, fix: Fix) -> Fix:
    """``fix`` as written at ``line`` of one file, each key on the next lines."""
    return Fix(fix.to, fix.keys, fix.case, fix.match, fix.fuzzy, fix.context, fix.unless, fix.window, fix.keep_case,
               Location("d.toml", line), tuple(range(line + 1, line + 1 + len(fix.keys))), fix.review)


# code -> (a sound dictionary that must not get it, an unsound one that must)
CASES: dict[FindingCode, tuple[list[Fix], list[Fix]]] = {
    FindingCode.CONFLICTING_FIX: (
        [Fix("Jolla", ("Yola",)), Fix("Jolla", ("Yolla",))],
        [Fix("Jolla", ("Yola",)), Fix("Yolla", ("yola",))]),
    FindingCode.DUPLICATE_KEY: (
        [Fix("OpenAI", ("Open AI", "OpenEye"))],
        [Fix("OpenAI", ("Open AI",)), Fix("OpenAI", ("open  ai",))]),
    FindingCode.CHAIN: (
        # The longer key wins wherever both could match: a second run changes nothing.
        [Fix("cafetech.fr", ("CaféTech.fr",)), Fix("Cafétech", ("CaféTech",), case=CaseMode.SENSITIVE)],
        # "Open AI" is written, then fixed again by the next run.
        [Fix("Open AI", ("OpenEye",)), Fix("OpenAI", ("Open AI",))]),
    FindingCode.BAD_REGEX: (
        [Fix("OpenAI", (r"Open\s?AI",), match=MatchMode.REGEX)],
        [Fix("OpenAI", (r"Open(AI",), match=MatchMode.REGEX)]),
    FindingCode.CATASTROPHIC_REGEX: (
        [Fix("Jensen", (r"Jens(?:an|on)+",), match=MatchMode.REGEX), Fix("X", ("Xx",), context=r"(\d+\.){3}\d+")],
        [Fix("B", ("(a|aa)+b",), match=MatchMode.REGEX)]),
    FindingCode.REGEX_TOO_LARGE: (
        [Fix("Y", ("y{3}z",), match=MatchMode.REGEX)],
        [Fix("Y", ("y{1000000000}",), match=MatchMode.REGEX)]),
    FindingCode.EMPTY_MATCH_REGEX: (
        [Fix("Y", ("ya?",), match=MatchMode.REGEX)],
        [Fix("Y", ("y?",), match=MatchMode.REGEX)]),
    FindingCode.CONTEXT_ALWAYS_MATCHES: (
        [Fix("Jolla", ("Yola",), context="smartphone")],
        [Fix("Jolla", ("Yola",), context="x*")]),
    FindingCode.GUARD_SEES_REPLACEMENT: (
        [Fix("Jensen Huang", ("Jason Wang",), context="(?i)nvidia|NVIDIA"), Fix("Nvidia", ("NVIDIA",),
                                                                               case=CaseMode.SENSITIVE)],
        [Fix("Jensen Huang", ("Jason Wang",), context="Nvidia"), Fix("Nvidia", ("NVIDIA",), case=CaseMode.SENSITIVE)]),
    FindingCode.FUZZY_MULTIWORD: (
        [Fix("Anthropic", ("Anthropik",), fuzzy=1)],
        [Fix("Anthropic", ("en tropique",), fuzzy=1)]),
    FindingCode.NEEDS_REVIEW: (
        [Fix("Anthropic", ("Anthropik",))],
        [Fix("Anthropic", ("Anthropik",), review=True)]),
}


@pytest.mark.parametrize("code", sorted(CASES, key=lambda c: c.value), ids=lambda c: c.value)
def test_each_lint_code_accepts_the_sound_and_reports_the_unsound(code: FindingCode) -> None:
    sound, unsound = CASES[code]
    assert code not in _codes([_at(10 * n + 1, f) for n, f in enumerate(sound)])
    assert code in _codes([_at(10 * n + 1, f) for n, f in enumerate(unsound)])


@pytest.mark.parametrize("code", sorted(CASES, key=lambda c: c.value), ids=lambda c: c.value)
def test_loading_lints_for_the_same_errors_as_dict_check(code: FindingCode) -> None:
    """Loading skips the lints that can only warn; the errors it finds are dict check's."""
    for fixes in CASES[code]:
        placed = [_at(10 * n + 1, f) for n, f in enumerate(fixes)]
        errors = [f for f in lint_fixes(placed) if f.severity is Severity.ERROR]
        assert [f for f in lint_fixes(placed, errors_only=True) if f.severity is Severity.ERROR] == errors


def test_overridden_key_only_across_files() -> None:
    show = Fix("Anthropic", ("Anthropik",), location=Location("show.toml", 1))
    channel = Fix("Anthropique", ("Anthropik",), location=Location("channel.toml", 1))
    same_file = Fix("Anthropic", ("Entropic",), location=Location("channel.toml", 5))
    assert FindingCode.OVERRIDDEN_KEY in {f.code for f in lint_fixes([show, channel])}
    assert FindingCode.OVERRIDDEN_KEY not in {f.code for f in lint_fixes([show, same_file])}


def test_context_never_matches_both_ways() -> None:
    fixes = [Fix("Jolla", ("Yola",), context="smartphone")]
    assert FindingCode.CONTEXT_NEVER_MATCHES in _codes(fixes, ("Yola est une amie.",))
    assert FindingCode.CONTEXT_NEVER_MATCHES not in _codes(fixes, ("Yola, le smartphone.",))


def test_unreadable_entry_both_ways() -> None:
    assert parse_dictionary('[[fix]]\nto = "A"\nfrom = "B"\n', "d.toml")[1] == ()
    assert [f.code for f in parse_dictionary('[[fix]]\nto = "A"\nform = "B"\n', "d.toml")[1]] == [
        FindingCode.UNREADABLE_ENTRY, FindingCode.UNREADABLE_ENTRY]


def test_every_dictionary_code_is_covered_both_ways() -> None:
    covered = set(CASES) | {FindingCode.OVERRIDDEN_KEY, FindingCode.CONTEXT_NEVER_MATCHES,
                            FindingCode.UNREADABLE_ENTRY}
    start = list(FindingCode).index(FindingCode.UNREADABLE_ENTRY)
    assert set(list(FindingCode)[start:]) == covered


@pytest.mark.parametrize("pattern", ["(a|aa)+b", "(x|x)*y", "(a+){2,50}$", "(a|aa)+$", r"(\w+\s?)*$",
                                     "(?:ab|a|b)+c", "(.*a){12}"])
def test_backtracking_shapes_are_refused(pattern: str) -> None:
    assert FindingCode.CATASTROPHIC_REGEX in _codes([Fix("X", (pattern,), match=MatchMode.REGEX)])


@pytest.mark.parametrize("pattern", [r"Open\s?AI", r"(?:Mr|Mrs)\.? Smith", r"(\d+\.){3}\d+", "(ab+)+c",
                                     "(?:a|b)+c", "Jens(?:en|an)", r"\bOS\b"])
def test_ordinary_patterns_are_not_refused(pattern: str) -> None:
    assert _codes([Fix("X", (pattern,), match=MatchMode.REGEX)]) == set()


def test_the_cafetech_pair_is_applied_twice_like_once() -> None:
    fixes = CASES[FindingCode.CHAIN][0]
    dictionary = Dictionary.from_fixes(fixes)
    text = "Jérôme Marin, fondateur de CaféTech.fr, la newsletter CaféTech."
    once = dictionary.apply(text)[0]
    assert once == "Jérôme Marin, fondateur de cafetech.fr, la newsletter Cafétech."
    assert dictionary.apply(once)[0] == once


def test_dict_check_accepts_the_cafetech_pair_and_refuses_a_real_chain(tmp_path: Path) -> None:
    sound = tmp_path / "sound.dict.toml"
    sound.write_text('[[fix]]\nto = "cafetech.fr"\nfrom = ["CaféTech.fr"]\n\n'
                     '[[fix]]\nto = "Cafétech"\nfrom = ["CaféTech"]\ncase = "sensitive"\n', encoding="utf-8")
    chain = tmp_path / "chain.dict.toml"
    chain.write_text('[[fix]]\nto = "Open AI"\nfrom = ["OpenEye"]\n\n[[fix]]\nto = "OpenAI"\nfrom = ["Open AI"]\n',
                     encoding="utf-8")
    runner = CliRunner()
    accepted = runner.invoke(main, ["dict", "check", str(sound)])
    assert accepted.exit_code == 0, accepted.output
    refused = runner.invoke(main, ["dict", "check", str(chain)])
    assert refused.exit_code == 1
    assert f"{chain}:7: error: chain: key 'Open AI'" in refused.output


# ---------------------------------------------------------------- TSV and CSV


def test_csv_without_a_recognised_header_is_an_error_naming_the_headers() -> None:
    fixes, problems = parse_dictionary("Mauvais mot,Bon mot\nC'est mauvais,C'est Correct\n", "d.csv", kind="csv")
    assert [(p.code, p.location.line) for p in problems] == [(FindingCode.UNREADABLE_ENTRY, 1)]
    assert "wrong/right" in problems[0].message and "from/to" in problems[0].message
    assert [f.keys for f in fixes] == [("C'est mauvais",)]


@pytest.mark.parametrize("header", ["wrong,right", "From,To", "Mauvais,Correct", "faux,juste"])
def test_recognised_csv_headers_are_skipped(header: str) -> None:
    fixes, problems = parse_dictionary(f"{header}\nOpen AI,OpenAI\n", "d.csv", kind="csv")
    assert problems == () and [(f.keys, f.to) for f in fixes] == [(("Open AI",), "OpenAI")]


@pytest.mark.parametrize("separator", [";", "\t"])
def test_semicolon_and_tab_separated_csv_are_detected(separator: str) -> None:
    text = f"wrong{separator}right\nTchad GPT{separator}ChatGPT\n\"Jensan, Yuang\"{separator}Jensen Huang\n"
    fixes, problems = parse_dictionary(text, "d.csv", kind="csv")
    assert problems == ()
    assert [(f.keys, f.to, f.location.line) for f in fixes] == [
        (("Tchad GPT",), "ChatGPT", 2), (("Jensan, Yuang",), "Jensen Huang", 3)]


def test_tsv_header_is_optional() -> None:
    fixes, problems = parse_dictionary("Open AI\tOpenAI\n", "d.tsv", kind="tsv")
    assert problems == () and len(fixes) == 1
    fixes, problems = parse_dictionary("from\tto\nOpen AI\tOpenAI\n", "d.tsv", kind="tsv")
    assert problems == () and [f.location.line for f in fixes] == [2]


# ---------------------------------------------------------------- fuzzy and the glossary


def test_fuzzy_never_rewrites_a_word_of_the_glossary() -> None:
    fixes = [Fix("Huang", ("Hwang",), fuzzy=1)]
    assert Dictionary(fixes).apply("Jason Wang")[0] == "Jason Huang"  # without a glossary, Wang is near Hwang
    assert Dictionary(fixes, protect=["Wang", "Jensen Huang"]).apply("Jason Wang")[0] == "Jason Wang"


def test_a_fix_under_review_is_never_applied() -> None:
    assert Dictionary([Fix("Anthropic", ("Anthropik",), review=True)]).apply("Anthropik")[0] == "Anthropik"


def test_correct_takes_a_glossary_that_fuzzy_keys_never_rewrite(tmp_path: Path) -> None:
    dictionary = tmp_path / "d.toml"
    dictionary.write_text('[[fix]]\nto = "Huang"\nfrom = ["Hwang"]\nfuzzy = 1\n', encoding="utf-8")
    text = tmp_path / "t.txt"
    text.write_text("00:01Jason Wang et Hwang.\n", encoding="utf-8")
    names = tmp_path / "names.txt"
    names.write_text("Jason Wang\n", encoding="utf-8")
    base = ["correct", str(text), "--dict", str(dictionary), "--no-discover"]
    assert CliRunner().invoke(main, base).stdout == "00:01Jason Huang et Huang.\n"
    assert CliRunner().invoke(main, [*base, "--glossary", str(names)]).stdout == "00:01Jason Wang et Huang.\n"
