"""Properties of the SRT and WebVTT readers.

Each reader reads the usual block with one pattern (the fast path) and hands every other block
to its careful block reader (``srt.read_block``, ``vtt.read_block``).  For any well-formed
block, both must build the same cue and report the same problems: these tests read generated
files through ``parse`` with the careful reader switched off (so the fast path reads every
block), then block by block through the careful reader alone.  And whatever the writers
render, the readers read back as the same cues, through the format registry.
"""

from __future__ import annotations

from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from captions.findings import Finding
from captions.formats import Format, parse_captions, render_captions, srt, vtt
from captions.formats.document import block_lines, in_line_order
from captions.formats.markup import shown
from captions.model import Cue
from captions.timecode import format_srt, format_vtt

HOUR = 3_600_000
# below 100 hours: the fast paths take two-digit hours only
_times = st.integers(min_value=0, max_value=100 * HOUR - 1)
_text_chars = st.one_of(
    st.sampled_from(["<i>", "</i>", "<b>", "</b>", "<v Bob>", "</v>", "<c.yellow>", "</c>", "<00:00:01.500>",
                     "<zz>", "< ", "&amp;", "&lt;", "&gt;", "&nbsp;", "&#233;", "&#x41;", "&eacute", "&",
                     "&bogus;", "->", "- ->", " ", "\t", "\u00a0", "\u202f", ">", "<", "1", ":", ","]),
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"),
)


def _without_arrow(line: str) -> str:
    while "-->" in line:   # one pass can make a new one: "--->" becomes "-->"
        line = line.replace("-->", "->")
    return line


# any line without a line end or "-->" (a "-->" in cue text is the next cue's timing line)
_any_line = st.lists(_text_chars, max_size=10).map("".join).map(_without_arrow)


def _careful_only() -> mock._patch[mock.MagicMock]:
    """While active, a block that ``parse`` hands to the careful reader fails the test."""
    def fail(*args: object, **kwargs: object) -> object:
        raise AssertionError("a well-formed block was not read by the fast path")
    return mock.patch.object(vtt, "read_block", side_effect=fail)


# ---- SRT ---------------------------------------------------------------------------------

_srt_text_line = _any_line.map(lambda line: line if line.strip() else line + "x")   # not blank
# blank in SRT: empty, or whitespace only
_srt_blank = st.sampled_from(["", " ", "\t", "\u00a0 ", "\u3000"])


@st.composite
def srt_blocks(draw: st.DrawFn) -> str:
    """An SRT block as a well-formed file has it: an index, a timing line, text lines."""
    start, end = draw(_times), draw(_times)
    index = draw(st.integers(min_value=0, max_value=10**6))
    tail = draw(st.sampled_from(["", " ", "  X1:40 X2:600 Y1:20 Y2:50", " \t"]) | _any_line)
    text = draw(st.lists(_srt_text_line, max_size=4))
    return "\n".join([str(index), f"{format_srt(start)} --> {format_srt(end)}{tail}", *text])


@st.composite
def srt_files(draw: st.DrawFn) -> str:
    """Well-formed blocks, blank lines before and between them, none after the last one."""
    blocks = draw(st.lists(srt_blocks(), min_size=1, max_size=4))
    parts = []
    for block in blocks:
        parts.extend(draw(st.lists(_srt_blank, min_size=0 if not parts else 1, max_size=3)))
        parts.append(block)
    return "\n".join(parts) + draw(st.sampled_from(["\n", ""]))


@settings(max_examples=120, deadline=None)
@given(srt_files())
def test_srt_fast_path_reads_every_block_as_the_careful_path(text):
    with mock.patch.object(srt, "read_block", side_effect=AssertionError("not read by the fast path")):
        fast = srt.parse(text)
    cues: list[Cue] = []
    problems: list[Finding] = []
    lines, i = block_lines(text), 0
    while i < len(lines):
        i = srt.read_block(lines, i, cues, problems)
    assert fast.cues == tuple(cues)
    assert fast.problems == in_line_order(problems) == ()


# ---- WebVTT ------------------------------------------------------------------------------

# in WebVTT only an empty line ends a cue; NUL is read as U+FFFD before either path sees the text
_vtt_text_line = _any_line.map(lambda line: line.replace("\x00", "") or "x")
_GOOD_SETTINGS = ["align:start", "line:0", "position:10%", "size:80%", "vertical:rl", "region:r1"]
_settings = st.lists(st.sampled_from(_GOOD_SETTINGS + ["foo", "align:", "line"]), max_size=3)


@st.composite
def vtt_blocks(draw: st.DrawFn) -> str:
    """A WebVTT cue block as a well-formed file has it: an optional identifier, a timing line
    (settings, good or bad, after it), text lines with tags and character references."""
    start, end = draw(_times), draw(_times)
    identifier = draw(st.one_of(st.just(""), _vtt_text_line))
    tail = draw(st.one_of(
        _settings.map(lambda s: "".join(" " + token for token in s)),
        st.just(" \t"),
        _vtt_text_line.map(lambda s: "x" + s if s[:1] in "0123456789" else s),   # a digit would lengthen the time
    ))
    text = draw(st.lists(_vtt_text_line, max_size=4))
    timing = f"{format_vtt(start)} --> {format_vtt(end)}{tail}"
    return "\n".join(([identifier] if identifier else []) + [timing, *text])


@st.composite
def vtt_files(draw: st.DrawFn) -> str:
    """The signature, then well-formed cue blocks with one or more empty lines before each."""
    parts = ["WEBVTT"]
    for block in draw(st.lists(vtt_blocks(), min_size=1, max_size=4)):
        parts.extend([""] * draw(st.integers(min_value=1, max_value=3)))
        parts.append(block)
    return "\n".join(parts) + draw(st.sampled_from(["\n", ""]))


@settings(max_examples=120, deadline=None)
@given(vtt_files())
def test_vtt_fast_path_reads_every_block_as_the_careful_path(text):
    with _careful_only():
        fast = vtt.parse(text)
    cues: list[Cue] = []
    problems: list[Finding] = []
    lines, i = block_lines(text), 1
    while i < len(lines):
        if lines[i] == "":
            i += 1
            continue
        block = vtt.read_block(lines, i, seen_cue=bool(cues))
        assert block.kind is vtt.BlockKind.CUE and not block.broke_on_arrow
        cues.append(block.to_cue(problems))
        i = block.end
    assert fast.cues == tuple(cues)
    assert fast.problems == in_line_order(problems)


# ---- round trips through the registry ----------------------------------------------------

# what a cue shows: any printable text (the writers drop empty lines, and control characters
# are not text a reader keeps as written)
_shown_chars = st.one_of(
    st.sampled_from(["<i>", "</b>", "<v Bob>", "<", ">", "&", "&amp;", "&lt;", "&nbsp;", "-->", "->", " ", "\t",
                     "\u00a0", "\u202f"]),
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\ufeff"),
)
_shown_line = st.lists(_shown_chars, min_size=1, max_size=10).map("".join).map(str.strip).filter(bool)


@st.composite
def cue_lists(draw: st.DrawFn) -> list[Cue]:
    cues = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(_times)
        end = draw(st.integers(min_value=start, max_value=100 * HOUR - 1))
        identifier = draw(st.sampled_from(["", "intro", "cue-7", "Speaker one"]))
        cue_settings = " ".join(draw(st.lists(st.sampled_from(_GOOD_SETTINGS), max_size=3)))
        cues.append(Cue(start, end, tuple(draw(st.lists(_shown_line, min_size=1, max_size=3))), identifier,
                        cue_settings))
    return cues


@settings(max_examples=100, deadline=None)
@given(cue_lists(), st.sampled_from(list(Format)))
def test_render_then_parse_gives_the_same_cues(cues, fmt):
    doc = parse_captions(render_captions(cues, fmt), fmt)
    if fmt is Format.SRT:
        # SRT: no identifier nor settings, indexes from 1, and an arrow character where the text
        # had "-->" (the format has no escape for it); SRT tags in the text are markup
        expected = [Cue(c.start_ms, c.end_ms, shown(tuple(line.replace("-->", "\u2192") for line in c.lines),
                                                    Format.SRT), str(k))
                    for k, c in enumerate(cues, start=1)]
    else:
        # the payload is read as viewers see it: tags in the text are escaped, so shown as written
        expected = [Cue(c.start_ms, c.end_ms, c.lines, c.identifier, c.settings) for c in cues]
    assert [(c.start_ms, c.end_ms, c.lines, c.identifier, c.settings) for c in doc.cues] == \
        [(c.start_ms, c.end_ms, c.lines, c.identifier, c.settings) for c in expected]
    assert doc.problems == ()
