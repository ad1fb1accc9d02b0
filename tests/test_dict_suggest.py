"""`captions dict suggest`: what it proposes for the bundled show, and how it hands it over.

The glossary is written here (tests/data/corrections/suggest/techco-glossary.txt): the show's
subjects and as many names it never mentions.  A suggestion is right when
samples/techco.dict.toml lists it or when techco-also-right.tsv does (each read in the transcript).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from captions.cli import main
from captions.corrections import check_dictionaries, load_dictionaries, read_dictionary
from captions.corrections.suggest import read_glossary, suggest
from captions.findings import FindingCode, Severity
from captions.transcript import read_transcript

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "techco-2026-03-05.txt"
DATA = Path(__file__).parent / "data" / "corrections" / "suggest"
GLOSSARY = DATA / "techco-glossary.txt"


def _listed() -> set[tuple[str, str]]:
    fixes, _ = read_dictionary(ROOT / "samples" / "techco.dict.toml")
    return {(key.lower(), fix.to) for fix in fixes for key in fix.keys}


def _also_right() -> set[tuple[str, str]]:
    rows = [line.split("\t") for line in (DATA / "techco-also-right.tsv").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    return {(wrong.lower(), right) for wrong, right, _ in rows}


@pytest.fixture(scope="module")
def suggestions():
    names = read_glossary(str(GLOSSARY))
    assert 55 <= len(names) <= 70
    return suggest([read_transcript(SAMPLE)], names)


def test_recall_and_precision_at_40_on_the_sample(suggestions) -> None:
    top = suggestions[:40]
    proposed = {(s.wrong.lower(), s.right) for s in top}
    listed = _listed()
    assert len(proposed & listed) >= 0.75 * len(listed), sorted(listed - proposed)
    right = [s for s in top if (s.wrong.lower(), s.right) in listed | _also_right()]
    assert len(right) >= 0.6 * len(top) and len(top) >= 20, [(s.wrong, s.right) for s in top if s not in right]


def test_each_suggestion_carries_its_evidence(suggestions) -> None:
    by_wrong = {s.wrong: s for s in suggestions}
    anthropik = by_wrong["Anthropik"]
    assert (anthropik.right, anthropik.count, anthropik.how) == ("Anthropic", 12, "sound-fr")
    assert anthropik.lines[0] == 14 and "Anthropik" in anthropik.excerpt
    assert by_wrong["NVIDIA"].case == "sensitive"  # the right form differs only by case
    assert by_wrong["Open AI"].source == "glossary" and by_wrong["Théodocloud"].source == "metadata"
    assert {by_wrong["Jason Wang"].right, by_wrong["Jens Nguyen"].right} == {"Jensen Huang"}  # one name's variants


@pytest.mark.parametrize("wrong", ["Syrie", "Méta", "Yola"])
def test_a_wrong_form_that_is_also_an_ordinary_word_gets_a_guard(wrong: str, suggestions) -> None:
    found = next(s for s in suggestions if s.wrong == wrong)
    assert found.context and wrong.lower() not in found.context.lower()


def test_names_of_the_glossary_are_never_proposed_as_wrong(suggestions) -> None:
    names = set(read_glossary(str(GLOSSARY)))
    assert not [s for s in suggestions if s.wrong in names]


def test_the_cli_writes_a_dictionary_to_review_that_applies_nothing_yet(tmp_path: Path) -> None:
    out = tmp_path / "new.dict.toml"
    result = CliRunner().invoke(main, ["dict", "suggest", str(SAMPLE), "--glossary", str(GLOSSARY), "--top", "10",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "10 suggestion(s) to review" in result.stderr
    fixes, problems = read_dictionary(out)
    assert problems == () and len(fixes) == 10 and all(f.review for f in fixes)
    findings = check_dictionaries([out])
    assert {f.code for f in findings} == {FindingCode.NEEDS_REVIEW}
    assert all(f.severity is Severity.WARNING for f in findings)
    assert load_dictionaries([out]).apply("Open AI et Anthropik")[0] == "Open AI et Anthropik"
    # Reviewing is deleting the `review = true` lines: then it applies, and checks clean.
    out.write_text(out.read_text(encoding="utf-8").replace("review = true\n", ""), encoding="utf-8")
    assert load_dictionaries([out]).apply("Open AI et Anthropik")[0] == "OpenAI et Anthropic"


def test_the_cli_json_lists_suggestions_with_evidence() -> None:
    result = CliRunner().invoke(main, ["dict", "suggest", str(SAMPLE), "--glossary", str(GLOSSARY), "--top", "3",
                                       "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["version"] == 1 and len(data["suggestions"]) == 3
    assert set(data["suggestions"][0]) == {"wrong", "right", "score", "count", "lines", "excerpt", "source", "how",
                                           "case", "context"}


def test_the_cli_never_writes_over_an_input(tmp_path: Path) -> None:
    glossary = tmp_path / "names.txt"
    glossary.write_text("OpenAI\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["dict", "suggest", str(SAMPLE), "--glossary", str(glossary),
                                       "-o", str(glossary)])
    assert result.exit_code == 2 and glossary.read_text(encoding="utf-8") == "OpenAI\n"
