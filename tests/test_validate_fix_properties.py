"""Properties of validate --fix on generated files mixing good cues, cues a rule repairs, blocks no
rule reads, comments, styles and markup: the words of every cue the reader reads (tags aside) are
in the file written, in order; every block that is not a cue is written byte for byte; a file
with nothing to repair is written back as it was."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from captions.formats import Format, encode_document, parse_captions_bytes, render_document
from captions.presets import get_preset
from captions.timecode import format_srt, format_vtt
from captions.validate import fix_document
from fixchecks import assert_kept

PRESET = get_preset("fr-tv")
_word = st.sampled_from(["Bonsoir", "à", "tous", "ça", "va", "?", "R&D", "1", "<", ">", "Zoë", "生活", "-", "...",
                         "la", "quotidienne", "!", ":", "«", "»", "-->"])
_SRT_MARKUP = ["<i>", "</i>", "<b>", "</b>", '<font color="red">', "</font>", "{\\an8}"]
_VTT_MARKUP = ["<i>", "</i>", "<v Sarah>", "</v>", "<c.loud>", "</c>", "<00:00:01.000>", "&amp;", "&nbsp;",
               "<ruby>", "<rt>", "</rt>", "</ruby>"]


def _stamp(fmt: Format, ms: int, style: str) -> str:
    """A time written the format's way, or one of the ways people get it wrong."""
    good = format_srt(ms) if fmt is Format.SRT else format_vtt(ms)
    hours, minutes, rest = good.split(":")
    seconds, millis = rest[:2], rest[3:]
    return {
        "good": good,
        "no-hours": f"{minutes}:{rest}",
        "no-millis": f"{hours}:{minutes}:{seconds}",
        "other-separator": good.replace(",", "#").replace(".", ",").replace("#", "."),
        "short-millis": f"{hours}:{minutes}:{seconds}{rest[2]}{millis[:1]}",
        "leading-zero": f"{hours}:{minutes}:0{rest}",
        "negative": f"-{good}",
        "garbage": f"{hours}:{minutes}:x{rest}",
    }[style]


@st.composite
def _text_lines(draw: st.DrawFn, fmt: Format) -> list[str]:
    markup = _SRT_MARKUP if fmt is Format.SRT else _VTT_MARKUP
    lines = []
    for _ in range(draw(st.integers(1, 3))):
        pieces = draw(st.lists(st.one_of(_word, st.sampled_from(markup)), min_size=1, max_size=8))
        line = " ".join(pieces)
        if fmt is Format.VTT:
            line = line.replace("-->", "--&gt;")
        lines.append(line)
    return lines


@st.composite
def _block(draw: st.DrawFn, fmt: Format, t: int) -> list[str]:
    kind = draw(st.sampled_from(["cue", "cue", "cue", "loose", "garbage", "text", "definition"]))
    if kind == "text":
        return draw(_text_lines(fmt)) if fmt is Format.VTT else ["Some text", "without a timing line"]
    if kind == "definition":
        if fmt is Format.SRT:
            return [str(draw(st.integers(1, 99)))] + draw(_text_lines(fmt))   # a numbered block, no timing
        return draw(st.sampled_from([["NOTE a comment", "on two lines"], ["STYLE", "::cue { color: red }"],
                                     ["REGION", "id:r1", "width:40%"]]))
    style = {"cue": "good", "loose": draw(st.sampled_from(["no-hours", "no-millis", "other-separator", "short-millis",
                                                           "leading-zero", "negative"])), "garbage": "garbage"}[kind]
    end = t + draw(st.integers(0, 4000))
    arrow = draw(st.sampled_from(["-->", "-->", "->"])) if kind == "loose" else "-->"
    timing = f"{_stamp(fmt, t, style)} {arrow} {_stamp(fmt, end, style)}"
    head = [str(draw(st.integers(1, 99)))] if fmt is Format.SRT and draw(st.booleans()) else []
    if fmt is Format.VTT and draw(st.booleans()):
        head = [draw(st.sampled_from(["intro", "cue-2", "Speaker one"]))]
    return [*head, timing, *draw(_text_lines(fmt))]


@st.composite
def caption_files(draw: st.DrawFn) -> tuple[Format, bytes]:
    fmt = draw(st.sampled_from(list(Format)))
    parts: list[str] = ["WEBVTT"] if fmt is Format.VTT else []
    t = draw(st.integers(0, 100_000))
    for _ in range(draw(st.integers(1, 8))):
        if parts:
            parts.extend([""] * draw(st.integers(0 if draw(st.integers(0, 9)) == 0 else 1, 2)))
        parts.extend(draw(_block(fmt, t)))
        t += draw(st.integers(-1000, 6000))
        t = max(t, 0)
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(parts) + draw(st.sampled_from([newline, ""]))
    bom = "\ufeff" if draw(st.booleans()) else ""
    return fmt, (bom + text).encode(draw(st.sampled_from(["utf-8", "utf-8", "cp1252"])), "replace")


@settings(max_examples=250, deadline=None)
@given(caption_files())
def test_fix_keeps_every_cue_and_every_block_that_is_not_a_cue(file):
    fmt, data = file
    doc = parse_captions_bytes(data, fmt, "in")
    fixed = fix_document(doc, PRESET, target="out", drop_unreadable=True)
    assert not fixed.refused
    assert_kept(doc, fixed.data, fixed.encoding)
    refused = fix_document(doc, PRESET, target="out")
    if refused.refused:
        assert refused.data == b"" and refused.unreadable
    else:
        assert refused.data == fixed.data


@settings(max_examples=150, deadline=None)
@given(caption_files())
def test_a_file_read_is_written_back_as_it_was(file):
    fmt, data = file
    doc = parse_captions_bytes(data, fmt, "in")
    if "\ufffd" in "".join(doc.lines):   # bytes the encoding does not read come back as U+FFFD
        return
    assert encode_document(doc, render_document(doc)) == data


@settings(max_examples=100, deadline=None)
@given(caption_files())
def test_a_fixed_file_has_nothing_more_to_fix_in_its_blocks(file):
    fmt, data = file
    doc = parse_captions_bytes(data, fmt, "in")
    once = fix_document(doc, PRESET, target="out", drop_unreadable=True)
    again = fix_document(parse_captions_bytes(once.data, fmt, "out", encoding=once.encoding), PRESET, target="out")
    block_codes = {"timing-line", "add-index", "join-blank-line", "add-blank-line", "escape-text", "drop-unreadable"}
    assert not again.refused
    assert [r for r in again.repairs if r.code.value in block_codes] == []
