"""A long transcript is converted and written section by section (``captions.convert``'s long
path), so that memory follows the section and not the file; what it writes must be what the
conversion of the whole writes: the same cues, the same files, the same report.

The sections are made small here (a few hundred fragments) so that a transcript of a few
thousand lines crosses many section cuts; the bundled sample is repeated, stamps after stamps.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from captions import convert
from captions.findings import FindingCode
from captions.langdata import rules_for
from captions.cli import main
from captions.model import Fragment
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "techco-2026-03-05.txt"
DICTIONARY = ROOT / "samples" / "techco.dict.toml"
_STAMP = re.compile(r"^(?:(\d{1,2}):)?(\d{1,3}):(\d\d)(?=\S)")


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


def _repeated(path: Path, times: int, *, speakers: bool = False) -> Path:
    """The sample's stamped lines ``times`` times, each repetition after the last; with
    ``speakers``, every line spoken by one of three named people, the speaker changing every
    few lines (``H:MM:SS Name: text``)."""
    lines = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        m = _STAMP.match(line)
        if m:
            hours, minutes, seconds = (int(g) if g else 0 for g in m.groups())
            lines.append(((hours * 60 + minutes) * 60 + seconds, line[m.end():]))
    period = lines[-1][0] + 5
    out = []
    for r in range(times):
        for k, (seconds, text) in enumerate(lines):
            name = ("Anna", "Marc", "Léa")[(k // 7) % 3]
            out.append(f"{_clock(r * period + seconds)} {name}: {text}" if speakers
                       else f"{_clock(r * period + seconds)}{text}")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def _convert(source: Path, out: Path, *args: str) -> dict[str, bytes]:
    out.mkdir()
    result = CliRunner().invoke(main, ["convert", str(source), "-o", str(out / "a.srt"), "-o", str(out / "a.vtt"),
                                       "--report", str(out / "a.json"), *args])
    assert result.exit_code == 0, result.output
    return {p.name: p.read_bytes() for p in out.iterdir()}


@pytest.mark.parametrize("speakers, args", [
    (False, ("--dict", str(DICTIONARY))),             # corrections and typography in every section
    (True, ("--preset", "netflix-sdh", "--speaker-labels")),   # labels and voices across the cuts
])
def test_a_long_transcript_written_section_by_section_is_the_whole_conversion(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, speakers: bool, args: tuple[str, ...]) -> None:
    source = _repeated(tmp_path / "long.txt", 2, speakers=speakers)
    whole = _convert(source, tmp_path / "whole", *args)   # 5,600 fragments: one piece at the usual size
    monkeypatch.setattr(convert, "SECTION_FRAGMENTS", 400)
    monkeypatch.setattr(convert, "_SECTION_SLACK", 300)   # room to find a pause, as 2,000 past 20,000 has
    calls: list[int] = []
    real = convert._convert_long
    monkeypatch.setattr(convert, "_convert_long", lambda *a, **k: calls.append(1) or real(*a, **k))
    sections: list[int] = []
    real_bounds = convert.section_bounds
    monkeypatch.setattr(convert, "section_bounds",
                        lambda *a, **k: sections.append(len(real_bounds(*a, **k))) or real_bounds(*a, **k))
    parts = _convert(source, tmp_path / "parts", *args)
    assert calls, "the long path was not taken"
    assert sections and sections[0] >= 10
    for name in ("a.srt", "a.vtt"):
        assert parts[name] == whole[name], name
    assert json.loads(parts["a.json"]) == json.loads(whole["a.json"])
    report = json.loads(parts["a.json"])
    assert report["cues"] > 2000 and report["misses"] and report["typography"]
    if not speakers:
        assert report["changes"] and all(c["segment"] >= 0 for c in report["changes"])


def test_section_bounds_cover_every_fragment_once_and_cut_after_a_pause() -> None:
    frags = [Fragment(k * 1000 + (5000 if k % 50 == 30 else 0) + 5000 * (k // 50), f"mot {k}." if k % 10 == 9 else f"mot {k}",
                      k + 1) for k in range(1000)]
    bounds = convert.section_bounds(frags, 100)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(frags)
    assert all(a < b for a, b in bounds) and all(b == c for (_, b), (c, _) in zip(bounds, bounds[1:]))
    assert all(100 <= b - a <= 200 for a, b in bounds[:-1])
    # every cut comes after the longest silence at hand: the fragment before a 5 s jump
    assert all(frags[b].start_ms - frags[b - 1].start_ms >= 5000 for _, b in bounds[:-1])


def test_a_text_glued_to_the_one_before_is_never_cut_from_it() -> None:
    frags = [Fragment(k * 1000 + (4000 if k == 150 else 0), ", suite" if k == 150 else f"mot {k}.", k + 1)
             for k in range(400)]
    assert all(not frags[b].text.startswith(",") for _, b in convert.section_bounds(frags, 100)[:-1])


def test_a_long_conversion_never_builds_every_fragment_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the reader's columns are built a section at a time: every fragment built at once (and
    # kept) is what the section-by-section path is there to avoid (a slice of the first
    # fragments, to detect the language, once built them all: 35 MB more per 10 MB of input)
    from captions.model import FragmentColumns

    source = _repeated(tmp_path / "long.txt", 1)
    monkeypatch.setattr(convert, "SECTION_FRAGMENTS", 500)
    monkeypatch.setattr(convert, "_SECTION_SLACK", 100)

    def refused(self: FragmentColumns) -> None:
        raise AssertionError("every fragment built at once")

    monkeypatch.setattr(FragmentColumns, "built", refused)
    done = convert.convert_file(source, [str(tmp_path / "a.srt")])
    assert done.written and (tmp_path / "a.srt").stat().st_size > 10_000


def test_a_section_is_never_cut_inside_a_fixed_expression() -> None:
    # a pause after "parce" (3 s of silence) is the longest at hand, but "parce que" is one
    # expression of French: the builder would bridge it, so no section ends there
    frags = [Fragment(k * 1000 + (3000 if k > 150 else 0), "qu'il pleut." if k == 151 else "parce" if k == 150
                      else f"mot {k}", k + 1) for k in range(400)]
    assert (0, 151) in convert.section_bounds(frags, 100)
    cuts = [b for _, b in convert.section_bounds(frags, 100, rules_for("fr"))[:-1]]
    assert 151 not in cuts and len(cuts) >= 2


def test_a_long_conversion_says_how_far_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = _repeated(tmp_path / "long.txt", 1)
    monkeypatch.setattr(convert, "SECTION_FRAGMENTS", 500)
    monkeypatch.setattr(convert, "_SECTION_SLACK", 100)
    seen: list[tuple[int, int]] = []
    done = convert.convert_file(source, [str(tmp_path / "a.srt")], progress=lambda d, t: seen.append((d, t)))
    total = len(convert.read_input(source).fragments)
    assert len(seen) >= 4 and all(t == total for _, t in seen)
    assert [d for d, _ in seen] == sorted({d for d, _ in seen}) and seen[-1][0] == total
    assert done.result.report.cues == (tmp_path / "a.srt").read_text(encoding="utf-8").count(" --> ")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.builds(
    convert.LimitMiss,
    st.sampled_from(list(FindingCode)), st.integers(1, 10**7),
    st.one_of(st.integers(-10**9, 10**9), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=5), st.none()),
    st.one_of(st.integers(0, 10**6), st.floats(0, 1e6), st.none()),
    st.integers(0, 10**10), st.one_of(st.none(), st.integers(1, 10**8)), st.sampled_from(["", "a reason", "another"]))))
def test_the_long_report_keeps_every_miss_as_it_was(misses: list[convert.LimitMiss]) -> None:
    kept = convert._Misses()
    for miss in misses:
        kept.append(miss)
    assert len(kept) == len(misses) and list(kept) == misses and list(kept[1:3]) == misses[1:3]
    assert all(type(a.value) is type(b.value) and type(a.limit) is type(b.limit) for a, b in zip(kept, misses))
    for code in (FindingCode.TOO_FAST, FindingCode.TOO_SHORT):
        assert kept.count_of(code) == sum(1 for m in misses if m.code is code)
        assert kept.count_of(code, lambda r: r.startswith("a")) == sum(
            1 for m in misses if m.code is code and m.reason.startswith("a"))


def test_a_long_conversion_that_fails_halfway_leaves_every_output_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = _repeated(tmp_path / "long.txt", 1)
    monkeypatch.setattr(convert, "SECTION_FRAGMENTS", 400)
    monkeypatch.setattr(convert, "_SECTION_SLACK", 100)
    (tmp_path / "a.srt").write_text("an older file\n", encoding="utf-8")
    real, built = convert._build, []

    def failing(*args: object, **kwargs: object) -> object:
        built.append(1)
        if len(built) == 3:
            raise KeyboardInterrupt   # Ctrl-C while the third section is built
        return real(*args, **kwargs)

    monkeypatch.setattr(convert, "_build", failing)
    with pytest.raises(KeyboardInterrupt):
        convert.convert_file(source, [str(tmp_path / "a.srt"), str(tmp_path / "a.vtt")],
                             report_path=tmp_path / "a.json")
    assert len(built) == 3   # two sections were written to the temporary files first
    assert (tmp_path / "a.srt").read_text(encoding="utf-8") == "an older file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.srt", "long.txt"]
