"""The readers' fast path (one pattern for the usual block) hands every unusual block to the
line-by-line path: the cases where the two could disagree, with what the careful path reads.
And the text report of captions.validate.format_result is what the CLI prints."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from captions.cli import main
from captions.formats import Format, parse_captions
from captions.presets import get_preset
from captions.validate import format_result, validate_file

T = "00:00:01,000 --> 00:00:02,000"
V = "00:00:01.000 --> 00:00:02.000"


def _read(text, fmt):
    doc = parse_captions(text, fmt)
    return ([(c.start_ms, c.end_ms, c.lines, c.identifier, c.settings, c.line) for c in doc.cues],
            [(p.code.value, p.line) for p in doc.problems])


@pytest.mark.parametrize("text, cues, problems", [
    # a line of spaces is blank in SRT: the cue ends, the text after it is kept and reported
    (f"1\n{T}\nA\n  \nB\n\n2\n00:00:03,000 --> 00:00:04,000\nC\n",
     [(1000, 2000, ("A", "B"), "1", "", 2), (3000, 4000, ("C",), "2", "", 8)], [("blank-line-in-cue", 4)]),
    (f"1\n{T}\nA\n\u202f\nB\n", [(1000, 2000, ("A", "B"), "1", "", 2)], [("blank-line-in-cue", 4)]),
    # a timing line inside the text: the next cue starts without a blank line
    (f"1\n{T}\nA\n2\n00:00:03,000 --> 00:00:04,000\nC\n",
     [(1000, 2000, ("A",), "1", "", 2), (3000, 4000, ("C",), "2", "", 5)], [("missing-blank-line", 4)]),
    (f"1\n{T}\nA\nB", [(1000, 2000, ("A", "B"), "1", "", 2)], []),
    (f"\u0661\n{T}\nA\n", [(1000, 2000, ("A",), "\u0661", "", 2)], []),
    (f"1\n{T}  X1:10 \nA\n", [(1000, 2000, ("A",), "1", "X1:10", 2)], []),
    ("1\n00:00:1,000 --> 00:00:02,000\nA\n", [(1000, 2000, ("A",), "1", "", 2)], [("malformed-timestamp", 2)]),
], ids=["spaces-line", "nnbsp-line", "no-blank-before-cue", "no-final-newline", "arabic-index", "settings",
        "one-digit-seconds"])
def test_srt_blocks_the_fast_path_must_hand_over(text, cues, problems):
    assert _read(text, Format.SRT) == (cues, problems)


@pytest.mark.parametrize("text, cues, problems", [
    # two timing lines: the first is a cue without text, not the identifier of the second
    (f"WEBVTT\n\n{V}\n{V}\nA\n", [(1000, 2000, (), "", "", 3), (1000, 2000, ("A",), "", "", 4)],
     [("missing-blank-line", 4)]),
    (f"WEBVTT\n\nid\n{V} align:start\n<i>R&amp;D</i> & co\n",
     [(1000, 2000, ("R&D & co",), "id", "align:start", 4)], [("unescaped-ampersand", 5)]),
    ("WEBVTT\n\n00:00:01.000 --> 00:00:02.0001\nA\n\n00:00:03.000 --> 00:00:04.000\nB\n",
     [(3000, 4000, ("B",), "", "", 6)], [("malformed-timestamp", 3)]),
    (f"WEBVTT\n\n{V}\nA\nx --> y\nB\n", [(1000, 2000, ("A",), "", "", 3)], [("arrow-in-text", 5)]),
    (f"WEBVTT\n\n{V} foo\nA\n", [(1000, 2000, ("A",), "", "foo", 3)], [("bad-cue-setting", 3)]),
    # in WebVTT only an empty line ends a cue
    (f"WEBVTT\n\n{V}\nA\n  \nB\n", [(1000, 2000, ("A", "  ", "B"), "", "", 3)], []),
], ids=["timing-as-identifier", "entities-tags", "four-ms-digits", "arrow-in-text", "bad-setting", "spaces-line"])
def test_vtt_blocks_the_fast_path_must_hand_over(text, cues, problems):
    assert _read(text, Format.VTT) == (cues, problems)


@pytest.mark.parametrize("name", ["overlap.vtt", "index-sequence.srt", "missing-nbsp.vtt", "clean.srt"])
def test_format_result_is_what_the_cli_prints(name):
    path = Path(__file__).resolve().parent / "data" / "malformed" / name
    out = CliRunner().invoke(main, ["validate", str(path), "--lang", "fr"])
    assert out.stdout == format_result(validate_file(path, get_preset("fr-tv"), lang="fr"))
    assert out.stdout.count("\n") == len(validate_file(path, get_preset("fr-tv"), lang="fr").findings) + 1
