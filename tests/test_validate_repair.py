"""Repairs: each step on its own, the steps in their order, and ``fix_document`` (what
``validate --fix`` writes and reports)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from captions.cli import main
from captions.formats import Format, read_captions, render_document
from captions.model import Cue
from captions.presets import get_preset
from captions.validate import check_text, fix_cues, fix_document, format_repair
from captions.validate.repair import (
    RepairCode, add_french_spaces, chain, fix_timing, lengthen, merge_repeated, rebreak, resolve_overlap, rolls,
    sort_by_start,
)

MALFORMED = Path(__file__).resolve().parent / "data" / "malformed"
PRESET = get_preset("fr-tv")   # 80 ms gap, chaining up to 500 ms, 833 ms minimum


# --- the steps ----------------------------------------------------------------------------------

def test_french_spaces_only_when_missing():
    assert add_french_spaces(3, ("Oui\u202f!",)) == (("Oui\u202f!",), None)
    lines, repair = add_french_spaces(3, ("Oui !", "« non »"))
    assert lines == ("Oui\u202f!", "«\u202fnon\u202f»")
    assert (repair.code, repair.cue, repair.before) == (RepairCode.FRENCH_SPACING, 3, "Oui !\n« non »")


def test_rebreak_only_lines_over_the_limits():
    narrow = PRESET.with_overrides(max_chars=12)
    assert rebreak(1, ("un deux", "trois"), narrow, "fr") == (("un deux", "trois"), None)
    lines, repair = rebreak(1, ("un deux trois", "quatre"), narrow, "fr")
    assert all(len(line) <= 12 for line in lines) and " ".join(lines).split() == ["un", "deux", "trois", "quatre"]
    assert repair.message == "lines re-broken to 2 x 12 characters"


def test_sort_counts_the_cues_moved():
    cues = [Cue(0, 1000, ("a",)), Cue(5000, 6000, ("c",)), Cue(2000, 3000, ("b",))]
    ordered, repair = sort_by_start(cues)
    assert [c.lines for c in ordered] == [("a",), ("b",), ("c",)]
    assert (repair.code, repair.cue, repair.message) == (RepairCode.SORT, 1, "2 cues moved into time order")
    assert sort_by_start(ordered) == (ordered, None)


def test_overlap_moves_the_end_before_the_next_cue():
    cue = Cue(1000, 3000, ("a",))
    end, repair = resolve_overlap(1, cue, 3000, 2500, 80)
    assert end == 2420 and (repair.before, repair.after) == ("1000-3000", "1000-2420")
    assert repair.message == "end moved to 80 ms before cue 2"
    assert resolve_overlap(1, cue, 3000, 4000, 80) == (3000, None)      # no overlap
    assert resolve_overlap(1, cue, 3000, 1050, 80) == (3000, None)      # the next starts too early to help
    assert resolve_overlap(1, cue, 3000, None, 80) == (3000, None)      # the last cue


def test_lengthen_into_the_free_time_only():
    cue = Cue(1000, 1300, ("a",))
    assert lengthen(1, cue, 1300, None, PRESET)[0] == 1833
    assert lengthen(1, cue, 1300, 1500, PRESET)[0] == 1500              # up to the next cue's gap
    assert lengthen(1, cue, 1300, 1200, PRESET) == (1300, None)         # no free time: unchanged
    assert lengthen(1, Cue(1000, 2000, ("a",)), 2000, None, PRESET) == (2000, None)


def test_chain_closes_small_gaps_to_the_minimum():
    cue = Cue(0, 1000, ("a",))
    end, repair = chain(1, cue, 1000, 1400, PRESET)
    assert end == 1320 and repair.message == "gap of 400 ms chained to 80 ms"
    assert chain(1, cue, 1000, 1600, PRESET) == (1000, None)            # a pause: kept
    assert chain(1, cue, 1000, 1080, PRESET) == (1000, None)            # already the minimum
    assert chain(1, cue, 1000, None, PRESET) == (1000, None)


def test_timing_steps_run_in_order_each_from_the_last_end():
    repairs: list = []
    fixed = fix_timing(2, Cue(1000, 1200, ("a",)), 1700, PRESET, repairs)
    # too short: lengthened to the next cue's gap (1620), which leaves nothing to chain
    assert fixed.end_ms == 1620 and [r.code for r in repairs] == [RepairCode.LENGTHEN]
    repairs.clear()
    fixed = fix_timing(2, Cue(1000, 2500, ("a",)), 2200, PRESET, repairs)
    assert fixed.end_ms == 2120 and [r.code for r in repairs] == [RepairCode.RESOLVE_OVERLAP]


def test_fix_cues_order_of_repairs():
    cues = [Cue(3000, 3300, ("deux ?",)), Cue(0, 2500, ("un",))]
    fixed, repairs = fix_cues(cues, PRESET, lang="fr")
    # the text repairs name the cues in the input order, the sort and timing repairs in time order
    assert [(r.cue, r.code) for r in repairs] == [
        (1, RepairCode.FRENCH_SPACING), (1, RepairCode.SORT), (1, RepairCode.CHAIN_GAP), (2, RepairCode.LENGTHEN)]
    assert [(c.start_ms, c.end_ms, c.lines) for c in fixed] == [(0, 2920, ("un",)), (3000, 3833, ("deux\u202f?",))]


_words = st.lists(st.sampled_from(["un", "deux", "trois", "quatre", "Ça", "va", "?", "!", "«", "»", "x" * 25]),
                  min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.builds(lambda s, d, w, k: Cue(s, s + d, (" ".join(w[:k]), " ".join(w[k:])) if w[k:] and w[:k]
                                                 else (" ".join(w),)),
                          st.integers(0, 30_000), st.integers(1, 6000), _words, st.integers(1, 7)),
                max_size=8),
       st.sampled_from(["fr", "en"]))
def test_fix_cues_keeps_every_word_and_sorts(cues, lang):
    fixed, repairs = fix_cues(cues, PRESET, lang=lang)
    merged = merge_repeated(cues, PRESET)[0] if rolls(cues) else cues   # in rolling captions, repeats: once
    by_start = sorted(merged, key=lambda c: (c.start_ms, c.end_ms))
    assert [" ".join(c.lines).split() for c in fixed] == [" ".join(c.lines).split() for c in by_start]
    assert [c.start_ms for c in fixed] == [c.start_ms for c in by_start]
    timing = {RepairCode.RESOLVE_OVERLAP, RepairCode.WIDEN_GAP, RepairCode.LENGTHEN, RepairCode.CHAIN_GAP}
    kinds = [r.code in timing for r in repairs]
    assert kinds == sorted(kinds)   # the text repairs (and the sort) first, then the timing ones
    assert [r.cue for r in repairs if r.code in timing] == sorted(r.cue for r in repairs if r.code in timing)


# --- fix_document and the CLI -------------------------------------------------------------------

def test_fix_document_renders_and_rechecks_the_written_text():
    doc = read_captions(MALFORMED / "overlap.vtt")
    fixed = fix_document(doc, PRESET, target="out.vtt", lang="fr")
    cues, repairs = fix_cues(doc.cues, PRESET, lang="fr", fmt=Format.VTT)
    assert fixed.repairs == repairs
    assert fixed.text == render_document(doc, cues)
    assert fixed.data == fixed.text.encode("utf-8")
    assert fixed.remaining == check_text(fixed.data, "out.vtt", PRESET, fmt=Format.VTT, lang="fr")
    assert fix_document(doc, PRESET, target="-", lang="fr").remaining.source == "<stdout>"


def test_cli_fix_to_stdout_prints_repairs_and_json_on_stderr():
    path = MALFORMED / "overlap.vtt"
    out = CliRunner().invoke(main, ["validate", "--fix", "-o", "-", "--json", "--lang", "fr", str(path)])
    fixed = fix_document(read_captions(path), PRESET, target="-", lang="fr")
    assert out.exit_code == 0, out.output
    assert out.stdout == fixed.text
    lines = out.stderr.splitlines()
    assert lines[:len(fixed.repairs)] == [format_repair(str(path), r) for r in fixed.repairs]
    assert lines[len(fixed.repairs)] == f"<stdout>: {len(fixed.repairs)} repairs written; " \
                                        f"{len(fixed.remaining.findings)} findings left"
    assert json.loads("\n".join(lines[len(fixed.repairs) + 1:]))["files"] == [
        {**fixed.remaining.to_dict(), "repairs": [r.to_dict() for r in fixed.repairs]}]


def test_a_line_said_twice_in_a_film_is_kept_and_rolling_captions_are_unrolled():
    refrain = [Cue(0, 2000, ("Let it go.",)), Cue(2080, 4000, ("Let it go.",)),
               Cue(4080, 6000, ("I don't care", "what they're going to say."))]
    fixed, repairs = fix_cues(refrain, PRESET, lang="en")
    assert [c.lines for c in fixed] == [c.lines for c in refrain]   # sung twice, shown twice
    assert not any(r.code in (RepairCode.MERGE_REPEATED, RepairCode.UNROLL) for r in repairs)
    rolling = [Cue(0, 2000, ("so today", "we talk")), Cue(2000, 4000, ("we talk", "about captions")),
               Cue(4000, 6000, ("about captions", "and timing")), Cue(6000, 8000, ("and timing", "in replays"))]
    assert rolls(rolling)
    fixed, repairs = fix_cues(rolling, PRESET, lang="en")
    assert " ".join(" ".join(c.lines) for c in fixed).split() == "so today we talk about captions and timing in replays".split()
    assert [r.code for r in repairs].count(RepairCode.UNROLL) == 3
