"""The table of checks: one check per code, findings in table order, and the fast paths of the
loop (the usual line counted by ``len``, the usual line passed over by the line checks) agreeing
with their careful twins for any text."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from captions.findings import FindingCode
from captions.model import Cue, Format
from captions.presets import PRESETS, get_preset, reading_chars
from captions.validate import check_cues
from captions.validate.checks import CUE_CHECKS, LINE_CHECKS, CueFacts, IndexSequence, Rules, run_checks

# Every kind of space (Unicode Zs, the line and paragraph separators, tab), control and format
# characters (C*), a lone surrogate, the markup the counting leaves out, and plain letters.
_SPACES = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Zs"] + ["\u2028", "\u2029", "\t"]
_ODD = ["\n", "\r", "\x00", "\x07", "\x1b", "\x7f", "\x85", "\u00ad", "\u200b", "\u200d", "\u200e", "\u2060",
        "\ufeff", "\ud800", "\U000e0001", "\ue000"]
_MARKUP = ["<", ">", "/", "<i>", "</i>", "<b>", "<c.yellow>", "<v Anne>", "<00:00:01.000>", "< i>", "<>", "&amp;"]
_TEXT = st.lists(st.sampled_from(_SPACES + _ODD + _MARKUP + list("aé生?!:;«»,.")) | st.text(max_size=3),
                 max_size=20).map("".join)
_PLAIN = st.lists(st.sampled_from(_SPACES + _ODD + list("aé生?!:;«»,.>")) | st.text(max_size=3),
                  max_size=20).map(lambda parts: "".join(parts).replace("<", ""))


def _careful(text: str) -> int:
    """Reading characters one by one: every character but the control and format ones (C*)."""
    return sum(1 for ch in text if not unicodedata.category(ch).startswith("C"))


@settings(max_examples=500, deadline=None)
@given(_PLAIN)
def test_reading_chars_counts_what_a_reader_sees(text):
    assert reading_chars(text) == _careful(text)


@settings(max_examples=500, deadline=None)
@given(_TEXT)
def test_reading_chars_fast_paths_agree_with_the_count_one_by_one(text):
    # A zero-width space counts for nothing and sends any text through the per-character count,
    # tags left out the same way: both answers must agree.
    assert reading_chars(text) == reading_chars(text + "\u200b")
    assert reading_chars(text) == sum(reading_chars(part) for part in text.split("\n"))


def test_reading_chars_leaves_out_tags_and_line_breaks():
    assert reading_chars("<i>Oui</i>\u202f!") == 5
    assert reading_chars("a\nb\r\n<c.yellow>c</c>") == 3
    assert reading_chars("a < b") == 5


# --- the table ----------------------------------------------------------------------------------

_CHECK_CODES = {FindingCode(check.__name__.replace("_", "-")) for check in (*CUE_CHECKS, *LINE_CHECKS)}


def test_every_cue_code_has_one_check_named_after_it():
    caption_checks = {FindingCode.END_NOT_AFTER_START, FindingCode.OUT_OF_ORDER, FindingCode.OVERLAP,
                      FindingCode.EMPTY_CUE, FindingCode.INDEX_SEQUENCE, FindingCode.LINE_TOO_LONG,
                      FindingCode.TOO_MANY_LINES, FindingCode.TOO_FAST, FindingCode.TOO_SHORT,
                      FindingCode.TOO_LONG, FindingCode.GAP_TOO_SMALL, FindingCode.NO_GAP, FindingCode.CHAIN_GAP,
                      FindingCode.EDGE_SPACE, FindingCode.DOUBLE_SPACE, FindingCode.MISSING_NBSP,
                      FindingCode.REPEATED_CUE, FindingCode.ROLLING_CUE}
    assert len(_CHECK_CODES) == len(CUE_CHECKS) + len(LINE_CHECKS)
    assert _CHECK_CODES | {FindingCode.INDEX_SEQUENCE} == caption_checks


_line = st.lists(st.sampled_from(["a", "mot", "Ça", "va", "?", "!", ":", "«", "»", " ", "  ", "\u202f", "<i>", "x" * 30]),
                 max_size=6).map("".join)
_cue = st.builds(lambda start, duration, lines, index: Cue(start, start + duration, tuple(lines), index),
                 st.integers(0, 20_000), st.integers(-200, 9000), st.lists(_line, max_size=4),
                 st.sampled_from(["", "1", "2", "3", "7", "x"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_cue, max_size=8), st.sampled_from(sorted(PRESETS)), st.sampled_from(["fr", "en"]))
def test_each_cue_findings_come_in_table_order(cues, name, lang):
    order = {FindingCode.INDEX_SEQUENCE: -1}
    order.update((FindingCode(check.__name__.replace("_", "-")), k) for k, check in enumerate(CUE_CHECKS))
    order.update((FindingCode(check.__name__.replace("_", "-")), len(CUE_CHECKS) + k)
                 for k, check in enumerate(LINE_CHECKS))
    findings = check_cues(cues, get_preset(name), fmt=Format.SRT, lang=lang)
    numbers = [f.cue for f in findings]
    assert numbers == sorted(numbers)
    for number in set(numbers):
        positions = [order[f.code] for f in findings if f.cue == number]
        cue_part = [p for p in positions if p < len(CUE_CHECKS)]
        assert cue_part == sorted(cue_part) and positions[:len(cue_part)] == cue_part


@settings(max_examples=500, deadline=None)
@given(st.lists(_line, min_size=1, max_size=3), st.sampled_from(sorted(PRESETS)), st.sampled_from(["fr", "en"]),
       st.none() | st.integers(1, 100))
def test_lines_passed_over_would_give_no_finding(lines, name, lang, at):
    # The careful twin: every line check on every line, in line order then table order.
    preset = get_preset(name)
    cue = Cue(0, 5000, tuple(lines), line=at)
    rules = Rules.of(preset, lang)
    facts = CueFacts(1, cue, 5000, sum(map(reading_chars, lines)), "", None, "", None)
    every = [found for k, line in enumerate(lines) for check in LINE_CHECKS
             if (found := check(rules, facts, None if at is None else at + 1 + k, line, reading_chars(line)))]
    line_codes = {FindingCode(check.__name__.replace("_", "-")) for check in LINE_CHECKS}
    findings, _ = run_checks([cue], preset, Format.VTT, lang)
    assert [f for f in findings if f.code in line_codes] == every


def test_index_sequence_follows_the_last_numbered_cue():
    check = IndexSequence().check
    rules = Rules.of(get_preset("fr-tv"), "fr")

    def facts(number: int, identifier: str) -> CueFacts:
        return CueFacts(number, Cue(0, 1000, ("a",), identifier), 1000, 1, "a", None, "", None)

    found = [check(rules, facts(n, ident)) for n, ident in enumerate(["1", "x", "2", "4", " 5 "], start=1)]
    assert [(f.cue, f.value, f.limit) if f else None for f in found] == [None, None, None, (4, 4, 3), None]
