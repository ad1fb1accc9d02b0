"""The SRT and WebVTT writers: exact text, escaping, NOTE safety, atomic writes."""

from __future__ import annotations

import pysrt
import pytest
import webvtt

from captions.errors import UnsupportedFormatError
from captions.formats import Format, format_for_path, render_srt, render_vtt, write_captions
from captions.formats.srt import to_pysrt
from captions.formats.vtt import to_webvtt
from captions.model import Cue

CUES = (
    Cue(7000, 9500, ("BFM Business et Tech & Co", "présente <Tech & Co>.")),
    Cue(3_600_000 + 61_004, 3_600_000 + 62_000, ("a --> b",)),
)


def test_format_for_path():
    assert format_for_path("a/b.srt") is Format.SRT
    assert format_for_path("B.VTT") is Format.VTT
    with pytest.raises(UnsupportedFormatError, match="expected .srt or .vtt"):
        format_for_path("show.txt")


def test_render_srt_exact():
    assert render_srt(CUES) == (
        "1\n00:00:07,000 --> 00:00:09,500\nBFM Business et Tech & Co\nprésente <Tech & Co>.\n\n"
        "2\n01:01:01,004 --> 01:01:02,000\na \u2192 b\n\n"
    )


def test_render_vtt_exact_escapes_and_notes():
    text = render_vtt(CUES, header_notes=["Tech & Co --> la quotidienne", "", "desc\n\nline"])
    assert text == (
        "WEBVTT\n\nNOTE\nTech & Co \u2192 la quotidienne\ndesc\nline\n\n"
        "00:00:07.000 --> 00:00:09.500\nBFM Business et Tech &amp; Co\nprésente &lt;Tech &amp; Co&gt;.\n\n"
        "01:01:01.004 --> 01:01:02.000\na --&gt; b\n"
    )
    # exactly one "-->" per cue: the timing lines
    assert text.count("-->") == len(CUES)


def test_no_empty_line_inside_a_cue():
    cue = Cue(0, 1000, ("one", "", "   ", "two\nthree"))
    assert "one\ntwo\nthree\n" in render_srt([cue])
    assert "one\ntwo\nthree\n" in render_vtt([cue])


def test_unsafe_identifier_and_settings_are_left_out():
    cue = Cue(0, 1000, ("x",), identifier="a --> b", settings="align:start\nline:0")
    assert render_vtt([cue]) == "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nx\n"
    good = Cue(0, 1000, ("x",), identifier="intro", settings="align:start")
    assert render_vtt([good]) == "WEBVTT\n\nintro\n00:00:00.000 --> 00:00:01.000 align:start\nx\n"


def test_library_objects():
    srt_file = to_pysrt(CUES)
    assert isinstance(srt_file, pysrt.SubRipFile)
    assert [item.index for item in srt_file] == [1, 2]
    assert srt_file[1].start.ordinal == CUES[1].start_ms
    vtt = to_webvtt(CUES, header_notes=["t"])
    assert isinstance(vtt, webvtt.WebVTT)
    assert len(vtt.captions) == 2 and vtt.header_comments == ["t"]


def test_write_captions(tmp_path):
    write_captions(tmp_path / "a.srt", CUES)
    write_captions(tmp_path / "b.out", CUES, Format.VTT, header_notes=["T"])
    assert (tmp_path / "a.srt").read_text("utf-8") == render_srt(CUES)
    assert (tmp_path / "b.out").read_text("utf-8") == render_vtt(CUES, header_notes=["T"])
    with pytest.raises(UnsupportedFormatError):
        write_captions(tmp_path / "c.txt", CUES)
    assert not (tmp_path / "c.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.srt", "b.out"]  # no temp file left
