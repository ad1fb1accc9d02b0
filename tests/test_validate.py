"""captions validate: the malformed corpus (one file per defect, code and line), clean files,
Hypothesis properties (valid -> no error; an injected defect is found at its cue), repairs, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from captions.cli import main
from captions.formats import Format, render_srt, render_vtt
from captions.model import Cue
from captions.presets import get_preset
from captions.validate import check_cues, check_text, fix_cues, validate_file

MALFORMED = Path(__file__).resolve().parent / "data" / "malformed"
PRESET = get_preset("fr-tv")

DEFECTS = {
    "blank-line-in-cue.srt": ("blank-line-in-cue", 4),
    "missing-arrow.srt": ("missing-arrow", 2),
    "one-digit-seconds.srt": ("malformed-timestamp", 2),
    "two-digit-millis.srt": ("malformed-timestamp", 2),
    "dot-millis.srt": ("malformed-timestamp", 2),
    "bad-index.srt": ("bad-index", 1),
    "index-sequence.srt": ("index-sequence", 6),
    "missing-blank-line.srt": ("missing-blank-line", 4),
    "end-before-start.srt": ("end-not-after-start", 2),
    "overlap.vtt": ("overlap", 6),
    "out-of-order.vtt": ("out-of-order", 6),
    "unescaped-ampersand.vtt": ("unescaped-ampersand", 4),
    "unescaped-lt.vtt": ("unescaped-lt", 4),
    "arrow-in-text.vtt": ("arrow-in-text", 5),
    "text-without-timing.vtt": ("text-without-timing", 3),
    "bad-signature.vtt": ("bad-signature", 1),
    "empty-cue.vtt": ("empty-cue", 3),
    "repeated-cue.vtt": ("repeated-cue", 6),
    "edge-space.vtt": ("edge-space", 4),
    "double-space.vtt": ("double-space", 4),
    "chain-gap.vtt": ("chain-gap", 6),
    "too-short.vtt": ("too-short", 3),
    "too-long.vtt": ("too-long", 3),
    "too-fast.vtt": ("too-fast", 3),
    "line-too-long.vtt": ("line-too-long", 4),
    "too-many-lines.vtt": ("too-many-lines", 3),
    "missing-nbsp.vtt": ("missing-nbsp", 4),
    "no-gap.vtt": ("no-gap", 6),
    "gap-too-small.vtt": ("gap-too-small", 6),
}


def test_corpus_is_complete():
    on_disk = {p.name for p in MALFORMED.iterdir()}
    assert on_disk == set(DEFECTS) | {"clean.srt", "clean.vtt"}


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_malformed_file_gives_its_finding(name):
    result = validate_file(MALFORMED / name, PRESET, lang="fr")
    found = [(f.code.value, f.line) for f in result.findings if f.severity.value != "info"]
    assert found == [DEFECTS[name]]


@pytest.mark.parametrize("name", ["clean.srt", "clean.vtt"])
def test_clean_files_give_no_finding(name):
    assert validate_file(MALFORMED / name, PRESET, lang="fr").findings == ()


# --- Hypothesis -------------------------------------------------------------------------------

_word = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz&<>é生"), min_size=1, max_size=8)


@st.composite
def valid_cues(draw):
    """Cues that respect the preset: 1-2 short lines, slow, 1-5 s, gaps of 80 ms or > 500 ms."""
    cues, t = [], draw(st.integers(0, 100_000))
    for i in range(draw(st.integers(1, 8))):
        lines = tuple(" ".join(draw(st.lists(_word, min_size=1, max_size=3)))
                      for _ in range(draw(st.integers(1, 2))))
        lines = tuple(f"{line} {i}" for line in lines)   # never the same text twice in a row
        duration = max(PRESET.min_duration_ms, len("\n".join(lines)) * 100) + draw(st.integers(0, 2000))
        duration = min(duration, PRESET.max_duration_ms)   # valid cues: at most 7 s (two full lines at 10 cps are 8.5 s)
        cues.append(Cue(t, t + duration, lines))
        t += duration + draw(st.sampled_from([PRESET.min_gap_ms, 600, 3000]))
    return cues


@settings(max_examples=40, deadline=None)
@given(valid_cues(), st.sampled_from(list(Format)))
def test_valid_cues_written_and_validated_give_no_finding(cues, fmt):
    text = render_srt(cues) if fmt is Format.SRT else render_vtt(cues)
    result = check_text(text.encode(), f"x.{fmt.value}", PRESET, lang="en")
    assert result.findings == ()
    assert len(result.cues) == len(cues)


_DEFECTS = {
    "overlap": lambda c, p: Cue(p.end_ms - 200, c.end_ms, c.lines),
    "end-not-after-start": lambda c, p: Cue(c.start_ms, c.start_ms, c.lines),
    "empty-cue": lambda c, p: Cue(c.start_ms, c.end_ms, ()),
    "too-many-lines": lambda c, p: Cue(c.start_ms, c.end_ms + 3000, ("a", "b", "c")),
    "line-too-long": lambda c, p: Cue(c.start_ms, c.start_ms + 5000, ("x" * 60,)),
    "repeated-cue": lambda c, p: Cue(c.start_ms, c.end_ms, p.lines),
}


@settings(max_examples=40, deadline=None)
@given(valid_cues().filter(lambda cs: len(cs) >= 2), st.sampled_from(sorted(_DEFECTS)), st.data())
def test_injected_defect_is_found_at_its_cue(cues, code, data):
    k = data.draw(st.integers(1, len(cues) - 1))
    broken = list(cues)
    broken[k] = _DEFECTS[code](cues[k], cues[k - 1])
    if k + 1 < len(broken):   # keep the following cue out of the way of a lengthened one
        shift = max(0, broken[k].end_ms + 1000 - broken[k + 1].start_ms)
        broken[k + 1:] = [Cue(c.start_ms + shift, c.end_ms + shift, c.lines) for c in broken[k + 1:]]
    findings = check_cues(broken, PRESET, lang="en")
    assert code in {f.code.value for f in findings if f.cue == k + 1}


# --- repairs and CLI --------------------------------------------------------------------------

def test_fix_keeps_words_and_clears_timing_errors():
    cues = [Cue(3000, 4000, ("deux",)), Cue(0, 2500, ("un", "mot")), Cue(2000, 2300, ("chevauche",))]
    fixed, repairs = fix_cues(cues, PRESET, lang="fr")
    assert [w for c in fixed for w in " ".join(c.lines).split()] == ["un", "mot", "chevauche", "deux"]
    assert {r.code.value for r in repairs} >= {"sort", "resolve-overlap"}
    assert not [f for f in check_cues(fixed, PRESET, lang="fr") if f.severity.value == "error"]


def test_cli_lines_summary_and_exit_codes(tmp_path):
    runner = CliRunner()
    bad = runner.invoke(main, ["validate", str(MALFORMED / "overlap.vtt")])
    assert bad.exit_code == 1
    assert f"{MALFORMED / 'overlap.vtt'}:6: overlap: overlaps cue 1 by 500 ms" in bad.output
    assert "2 cues" in bad.output
    clean = runner.invoke(main, ["validate", str(MALFORMED / "clean.vtt"), "--lang", "fr"])
    assert clean.exit_code == 0, clean.output
    warn = runner.invoke(main, ["validate", str(MALFORMED / "too-long.vtt"), "--fail-on", "warning"])
    assert warn.exit_code == 1
    assert runner.invoke(main, ["validate", str(MALFORMED / "too-long.vtt")]).exit_code == 0
    assert runner.invoke(main, ["validate", str(tmp_path / "missing.srt")]).exit_code == 2
    assert runner.invoke(main, ["validate", str(MALFORMED / "clean.srt"), "--fail-on", "nope"]).exit_code == 2


def test_cli_json_schema():
    out = CliRunner().invoke(main, ["validate", "--json", str(MALFORMED / "overlap.vtt")])
    data = json.loads(out.stdout)
    assert data["version"] == 1
    [entry] = data["files"]
    assert entry["cues"] == 2 and entry["summary"]["findings"] == {"overlap": 1}
    finding = entry["findings"][0]
    assert {k: finding[k] for k in ("code", "severity", "cue", "line", "value", "limit")} == {
        "code": "overlap", "severity": "error", "cue": 2, "line": 6, "value": 500, "limit": 0}


def test_cli_fix_never_overwrites_input(tmp_path):
    source = tmp_path / "in.vtt"
    source.write_bytes((MALFORMED / "overlap.vtt").read_bytes())
    runner = CliRunner()
    assert runner.invoke(main, ["validate", "--fix", str(source)]).exit_code == 2
    assert runner.invoke(main, ["validate", "--fix", str(source), "-o", str(source)]).exit_code == 2
    done = runner.invoke(main, ["validate", "--fix", str(source), "-o", str(tmp_path / "out.vtt")])
    assert done.exit_code == 0, done.output
    assert source.read_bytes() == (MALFORMED / "overlap.vtt").read_bytes()
    assert "resolve-overlap" in done.stderr
    assert [f.code.value for f in validate_file(tmp_path / "out.vtt", PRESET).findings] == ["too-short"]
    inplace = runner.invoke(main, ["validate", "--fix", "--in-place", str(source)])
    assert inplace.exit_code == 0 and source.read_text() == (tmp_path / "out.vtt").read_text()
