"""Our SRT and WebVTT readers: round trips with the writers, problems with their lines, and the
real-world conformance corpus (../shared/conformance, skipped with a message when absent)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from captions.findings import FindingCode
from captions.formats import Format, parse_captions, parse_captions_bytes, render_srt, render_vtt
from captions.formats.markup import shown
from captions.formats.vtt import parse_cue_text
from captions.model import Cue

CONFORMANCE = Path(__file__).resolve().parents[2] / "shared" / "conformance"
needs_corpus = pytest.mark.skipif(not CONFORMANCE.is_dir(),
                                  reason=f"conformance corpus not found at {CONFORMANCE} (it lives in ../shared)")

# Any printable text, with the characters that matter to these formats over-represented.
_chars = st.one_of(
    st.sampled_from(list("&<>-;#x ") + ["-->", "&amp;", "&lt;", "<i>", "</b>", "\u202f", "\u00a0", "->"]),
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufeff"),
)
_line = st.lists(_chars, min_size=1, max_size=12).map("".join).map(str.strip).filter(bool)


@st.composite
def cue_lists(draw):
    cues, t = [], draw(st.integers(0, 10_000_000))
    for _ in range(draw(st.integers(0, 6))):
        start = t + draw(st.integers(0, 5000))
        end = start + draw(st.integers(0, 10_000))
        cues.append(Cue(start, end, tuple(draw(st.lists(_line, min_size=1, max_size=3)))))
        t = end
    return cues


def _plain(cues):
    return [(c.start_ms, c.end_ms, c.lines) for c in cues]


@settings(max_examples=60, deadline=None)
@given(cue_lists())
def test_vtt_round_trip(cues):
    doc = parse_captions(render_vtt(cues, header_notes=["a --> b"]), Format.VTT)
    assert _plain(doc.cues) == _plain(cues)
    assert [p for p in doc.problems if p.severity.value == "error"] == []


@settings(max_examples=60, deadline=None)
@given(cue_lists())
def test_srt_round_trip(cues):
    # SRT has no escape for "-->": the writer puts an arrow character there (documented); nor for
    # its tags: "<i>" written in SRT text is italics to a player, so the reader shows what is left
    expected = [(c.start_ms, c.end_ms, shown(tuple(line.replace("-->", "\u2192") for line in c.lines), Format.SRT))
                for c in cues]
    doc = parse_captions(render_srt(cues), Format.SRT)
    assert _plain(doc.cues) == expected
    assert doc.problems == ()


def test_cue_lines_point_at_timing_lines():
    cues = [Cue(0, 1000, ("a",)), Cue(2000, 3000, ("b", "c")), Cue(4000, 5000, ("d",))]
    assert [c.line for c in parse_captions(render_srt(cues), Format.SRT).cues] == [2, 6, 11]
    assert [c.line for c in parse_captions(render_vtt(cues), Format.VTT).cues] == [3, 6, 10]


@pytest.mark.parametrize("text, code, line", [
    ("1\n00:00:01,000 --> 00:00:02,000\nA\n\nB\n\n2\n00:00:03,000 --> 00:00:04,000\nC\n",
     FindingCode.BLANK_LINE_IN_CUE, 4),
    ("1\n00:00:01.000 --> 00:00:02,000\nA\n", FindingCode.MALFORMED_TIMESTAMP, 2),
    ("1\n00:00:01,000 00:00:02,000\nA\n", FindingCode.MISSING_ARROW, 2),
    ("x\n00:00:01,000 --> 00:00:02,000\nA\n", FindingCode.BAD_INDEX, 1),
    ("1\n00:00:01,000 --> 00:00:02,000\nA\n2\n00:00:03,000 --> 00:00:04,000\nB\n", FindingCode.MISSING_BLANK_LINE, 4),
])
def test_srt_problems(text, code, line):
    doc = parse_captions(text, Format.SRT)
    assert [(p.code, p.line) for p in doc.problems] == [(code, line)]


def test_srt_blank_line_text_is_kept():
    doc = parse_captions("1\n00:00:01,000 --> 00:00:02,000\nA\n\nB\n\n2\n00:00:03,000 --> 00:00:04,000\nC\n",
                         Format.SRT)
    assert [c.lines for c in doc.cues] == [("A", "B"), ("C",)]


def test_cue_text_tokenizer_reports_swallowed_text():
    problems = []
    # a '<' opens a tag up to the next '>', whatever is between (the W3C tokenizer)
    assert parse_cue_text("a < b & c &amp; <i>d</i>", 7, problems) == "a d"
    assert [(p.code, p.line, p.column) for p in problems] == [
        (FindingCode.UNESCAPED_LT, 7, 3)]
    problems = []
    assert parse_cue_text("R&D", 3, problems) == "R&D"
    assert [(p.code, p.column) for p in problems] == [(FindingCode.UNESCAPED_AMPERSAND, 2)]


@needs_corpus
def test_wpt_file_parsing_cue_counts():
    folder = CONFORMANCE / "wpt-file-parsing"
    checked = 0
    with open(folder / "EXPECTED.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            doc = parse_captions_bytes((folder / row["file"]).read_bytes(), Format.VTT, row["file"])
            if row["expected_cues"] != "-":
                assert len(doc.cues) == int(row["expected_cues"]), row["file"]
                checked += 1
    assert checked >= 35


@needs_corpus
@pytest.mark.parametrize("path", sorted(p for p in CONFORMANCE.rglob("*") if p.suffix in (".srt", ".vtt"))
                         if CONFORMANCE.is_dir() else [], ids=lambda p: str(p.relative_to(CONFORMANCE)))
def test_no_crash_on_conformance_file(path):
    fmt = Format(path.suffix[1:])
    doc = parse_captions_bytes(path.read_bytes(), fmt, path.name)
    for cue in doc.cues:
        assert cue.line is not None and cue.line >= 1
    for problem in doc.problems:
        assert problem.line >= 1 and problem.message


def _tree_text(tree: str) -> str:
    """The displayed text of a WPT expected tree: its text nodes, in order."""
    import re

    return "".join(m.group(1) for m in re.finditer(r'^\|\s*"(.*?)"$', tree, re.M | re.S))


@needs_corpus
@pytest.mark.parametrize("name", ["entities", "tags", "text", "tree-building"])
def test_wpt_cue_text_as_viewers_see_it(name):
    import json

    folder = CONFORMANCE / "wpt-cue-parsing"
    cases = json.loads((folder / f"{name}.json").read_text("utf-8"))
    doc = parse_captions_bytes((folder / f"{name}.vtt").read_bytes(), Format.VTT)
    assert len(doc.cues) == len(cases)
    for case, cue in zip(cases, doc.cues):
        assert cue.text == _tree_text(case["expectedTree"]), case["text"]
