"""The compact documents the readers return: cues as columns, lines as the text.

A reader hands over its cues as a :class:`~captions.formats.document.CueColumns` (each cue built
from the columns when it is read) and its lines as a :class:`~captions.formats.document.TextLines`
(the decoded text, split only when a line is read by index).  Both must be the tuples they stand
for in every way a caller can tell, for any file: here files mixing usual blocks (the fast path:
columns), blocks only the careful path reads (kept cues, interleaved) and blocks that are no cue,
read once by ``parse`` and once with the fast path switched off (every cue then built by the
careful path: the tuple it stands for).  And checking a file never splits its lines: a million
cues must not cost five million strings.
"""

from __future__ import annotations

import pickle
from unittest import mock

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from captions.cli import main
from captions.formats import Format, parse_captions_bytes, render_document, srt, vtt
from captions.formats.document import CueColumns, LineCursor, TextLines, block_lines
from captions.model import Cue
from captions.presets import get_preset
from captions.timecode import format_srt
from captions.validate import check_document, fix_document, stream_document

PRESET = get_preset("fr-tv")

_chars = st.one_of(
    st.sampled_from(["<i>", "</i>", "<b>", "{\\an8}", "<v Bob>", "</v>", "<zz>", "< ", "&amp;", "&lt;", "&", "&bogus;",
                     "-->", "->", " ", "\t", "\u00a0", "\u202f", ">", "<", "1", ":", ",", ".", "NOTE", "é", "–"]),
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x00"),
)
_line = st.lists(_chars, max_size=8).map("".join)
_text_line = _line.map(lambda line: line if line.strip() else line + "x")
_millis = st.integers(min_value=0, max_value=999)


@st.composite
def _vtt_time(draw: st.DrawFn) -> str:
    """A timestamp as files write it: HH:MM:SS.mmm, MM:SS.mmm, hours of 1 to 12 digits (past
    the fast path's nine), and now and then one no parser reads."""
    hours = draw(st.sampled_from(["", "00", "01", "7", "123", "4567", "999999999", "1234567890", "000000000000"]))
    clock = f"{draw(st.integers(0, 59)):02d}:{draw(st.integers(0, 59)):02d}.{draw(_millis):03d}"
    time = f"{hours}:{clock}" if hours else clock
    return draw(st.sampled_from([time] * 8 + ["00:00:01,000", "1:02.5", "00:60:00.000", "99:01.000"]))


@st.composite
def vtt_blocks(draw: st.DrawFn) -> list[str]:
    kind = draw(st.sampled_from(["cue"] * 6 + ["note", "style", "text", "spaced", "arrow"]))
    text = draw(st.lists(_text_line.map(lambda line: line.replace("-->", "->")), max_size=3))
    if kind == "note":
        return ["NOTE " + draw(_line).replace("-->", ""), *text]
    if kind == "style":
        return ["STYLE", "::cue { color: red }"]
    if kind == "text":
        return [draw(_text_line).replace("-->", "") or "x", *text]
    identifier = draw(st.one_of(st.just(""), _text_line.map(lambda line: line.replace("-->", ""))))
    arrow = "  -->\t" if kind == "spaced" else " --> "
    tail = draw(st.sampled_from(["", " align:start", " line:0 size:80%", " foo", " \t", "x"]))
    timing = f"{draw(_vtt_time())}{arrow}{draw(_vtt_time())}{tail}"
    if kind == "arrow":
        text = [*text, "a --> b"]
    return ([identifier] if identifier else []) + [timing, *text]


@st.composite
def vtt_files(draw: st.DrawFn) -> str:
    parts = ["WEBVTT" + draw(st.sampled_from(["", " - title", "\nKind: captions"]))]
    for block in draw(st.lists(vtt_blocks(), max_size=8)):
        parts.extend([""] * draw(st.integers(min_value=0 if len(parts) > 1 else 1, max_value=2)))
        parts.extend(block)
    return "\n".join(parts) + draw(st.sampled_from(["\n", "", "\n\n"]))


@st.composite
def srt_blocks(draw: st.DrawFn) -> list[str]:
    kind = draw(st.sampled_from(["cue"] * 6 + ["dots", "hours", "no-index", "bad-index", "no-arrow", "blank"]))
    start, end = draw(st.integers(0, 100 * 3_600_000 - 1)), draw(st.integers(0, 100 * 3_600_000 - 1))
    timing = f"{format_srt(start)} --> {format_srt(end)}"
    if kind == "dots":
        timing = timing.replace(",", ".")
    elif kind == "hours":
        timing = "123" + timing[2:]
    elif kind == "no-arrow":
        timing = timing.replace("-->", "")
    tail = draw(st.sampled_from(["", "  X1:40 X2:600 Y1:20 Y2:50", " \t"]))
    text = draw(st.lists(_text_line.map(lambda line: line.replace("-->", "->")), max_size=3))
    if kind == "blank":
        text = [*text, "", draw(_text_line).replace("-->", "->")]
    index = {"no-index": [], "bad-index": ["#" + str(draw(st.integers(0, 99)))]}.get(
        kind, [str(draw(st.integers(0, 10**6)))])
    return [*index, timing + tail, *text]


@st.composite
def srt_files(draw: st.DrawFn) -> str:
    parts: list[str] = []
    for block in draw(st.lists(srt_blocks(), max_size=8)):
        parts.extend(draw(st.lists(st.sampled_from(["", " "]), min_size=0 if not parts else 1, max_size=2)))
        parts.extend(block)
    return "\n".join(parts) + draw(st.sampled_from(["\n", ""]))


def _careful_only(module) -> mock._patch:
    """While active, the reader's fast path reads nothing: every block goes the careful way."""
    if module is vtt:
        return mock.patch.object(vtt._Reader, "_read_usual_cues", lambda self, i, pos: (i, pos))
    return mock.patch.object(srt, "_read_usual_blocks", lambda text, i, pos, cues: (i, pos))


def assert_is_the_tuple(cues, expected: tuple[Cue, ...]) -> None:
    """``cues`` is ``expected`` in every way a caller can tell."""
    assert cues == expected and expected == cues and not cues != expected
    assert len(cues) == len(expected) and bool(cues) == bool(expected)
    assert list(cues) == list(expected) and tuple(reversed(cues)) == tuple(reversed(expected))
    assert [cues[k] for k in range(len(cues))] == list(expected)
    assert [cues[k] for k in range(-len(cues), 0)] == list(expected)
    assert cues[1:-1] == expected[1:-1] and cues[::2] == expected[::2] and cues[5:] == expected[5:]
    assert hash(cues) == hash(expected) and repr(cues) == repr(expected)
    assert pickle.loads(pickle.dumps(cues)) == expected and type(pickle.loads(pickle.dumps(cues))) is tuple
    assert all(c in cues for c in expected) and all(cues.index(c) == expected.index(c) for c in expected)
    with pytest.raises(IndexError):
        cues[len(cues)]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([(Format.VTT, vtt_files()), (Format.SRT, srt_files())]).flatmap(
    lambda pair: st.tuples(st.just(pair[0]), pair[1])))
def test_the_compact_cues_are_the_tuple_the_careful_reader_builds(case):
    fmt, text = case
    module = vtt if fmt is Format.VTT else srt
    doc = module.parse(text)
    with _careful_only(module):
        careful = module.parse(text)
    expected = tuple(careful.cues)
    assert isinstance(doc.cues, CueColumns)
    assert_is_the_tuple(doc.cues, expected)
    assert doc.problems == careful.problems and doc.notes == careful.notes
    assert doc.lines == tuple(block_lines(text if text.endswith("\n") or not text else text + "\n"))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["", " ", "a", "WEBVTT", "é–", "00:01.000 --> 00:02.000"]), max_size=12).map("\n".join),
       st.sampled_from(["", "\n"]), st.integers(0, 3))
def test_text_lines_are_the_tuple_of_the_lines(text, end, chunk_power):
    text += end
    expected = tuple(block_lines(text))
    with mock.patch("captions.formats.document._CHUNK", 2 ** chunk_power):   # lines split in many chunks
        lines = TextLines(text)
        assert len(lines) == len(expected) and tuple(lines) == expected and not lines.is_split
        assert lines == expected and expected == lines and hash(lines) == hash(expected) and repr(lines) == repr(expected)
        assert pickle.loads(pickle.dumps(lines)) == expected and lines == TextLines(text)
        assert [lines[k] for k in range(len(lines))] == list(expected) and lines[1:] == expected[1:]
        assert lines.is_split and tuple(lines) == expected
    cursor = LineCursor(text if text.endswith("\n") or not text else text + "\n")
    order = list(range(len(expected))) + list(reversed(range(len(expected))))
    assert [cursor[k] for k in order] == [expected[k] for k in order] and cursor[:] == expected


def test_times_past_a_64_bit_column_make_a_tuple():
    doc = vtt.parse("WEBVTT\n\n999999999999999999:00:00.000 --> 999999999999999999:00:01.000\nOui\n\n"
                    "00:01.000 --> 00:02.000\nNon\n")
    assert type(doc.cues) is tuple
    assert [c.start_ms for c in doc.cues] == [999999999999999999 * 3_600_000, 1000]
    assert check_document(doc, PRESET, lang="fr").summary.cues == 2


# ---- checking a file never splits its lines -------------------------------------------------

_VTT = ("WEBVTT\n\nNOTE a note\n\n1\n00:00:01.000 --> 00:00:03.000 align:start\n<i>Bonsoir</i> &amp; R&D\n\n"
        "00:03.500 --> 00:05.000\nTech & Co\n\n00:00:06.000 -> 00:00:07.000\nlost\n\n"
        "123:00:08.000 --> 123:00:09.000\nloin\nune  ligne trop longue pour le preset, vraiment trop longue\n")
_SRT = ("1\n00:00:01,000 --> 00:00:03,000\n<i>Bonsoir</i>\n\n2\n00:00:03.500 --> 00:00:05,000\nTech & Co\n\n"
        "3\n00:00:06,000 --> 00:00:07,000\nun\n\ndeux\n\n4\n00:00:07,000 --> 00:00:08,000\n{\\an8}haut\n\n"
        "5\n00:00:09,000 --> 00:00:07,000\n\n")


def _no_split() -> mock._patch:
    return mock.patch.object(TextLines, "split", side_effect=AssertionError("the lines were split"))


@pytest.mark.parametrize("name, text", [("a.vtt", _VTT), ("a.srt", _SRT)])
@pytest.mark.parametrize("args", [[], ["--json"], ["--preset", "netflix", "--json", "--fail-on", "warning"]])
def test_validate_never_splits_the_lines(tmp_path, name, text, args):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    expected = CliRunner().invoke(main, ["validate", *args, str(path)])
    with _no_split():
        result = CliRunner().invoke(main, ["validate", *args, str(path)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert result.output == expected.output
    for code in ("malformed-timestamp", "blank-line-in-cue") if name.endswith(".srt") else \
            ("text-without-timing", "line-too-long", "unescaped-ampersand"):
        assert code in result.output


@pytest.mark.parametrize("text, fmt", [(_VTT, Format.VTT), (_SRT, Format.SRT)])
def test_the_library_checks_without_splitting_and_fix_reads_the_lines(text, fmt):
    doc = parse_captions_bytes(text.encode("utf-8"), fmt, "a")
    assert isinstance(doc.lines, TextLines) and isinstance(doc.cues, CueColumns)
    streamed = stream_document(doc, PRESET, lang="fr")
    found = list(streamed)
    assert found and streamed.summary().cues == len(doc.cues) and not doc.lines.is_split
    assert check_document(doc, PRESET).findings and not doc.lines.is_split
    assert render_document(doc) == text and doc.lines.is_split   # writing it back reads every line
    fixed = fix_document(parse_captions_bytes(text.encode("utf-8"), fmt, "a"), PRESET, target="b", lang="fr",
                         drop_unreadable=True)
    assert fixed.repairs and fixed.remaining is not None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "00:", "01:", "7:", "100:", "833:", "123456789:"]),
                          st.integers(0, 59), st.integers(0, 59), _millis), min_size=1, max_size=6))
def test_the_webvtt_fast_path_takes_hours_past_99_and_none(times):
    stamps = [f"{hours}{minutes:02d}:{seconds:02d}.{millis:03d}" for hours, minutes, seconds, millis in times]
    text = "WEBVTT\n" + "".join(f"\n{stamp} --> {stamp} line:0\nOui\n" for stamp in stamps)
    with mock.patch.object(vtt, "read_block", side_effect=AssertionError("a usual block went the careful way")):
        doc = vtt.parse(text)
    expected = [vtt.read_block(block_lines(text), 2 + 3 * k).to_cue([]) for k in range(len(stamps))]
    assert list(doc.cues) == expected and doc.problems == ()
