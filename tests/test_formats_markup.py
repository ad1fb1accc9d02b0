"""Cue markup (captions.formats.markup): read as WebVTT players and SRT players read it, and laid
out again on new lines without losing or splitting a tag."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from captions.formats import Format
from captions.formats.markup import Kind, payload_with, relayout, shown, tokens
from captions.formats.vtt import parse_cue_text
from captions.model import Cue

_VTT_PIECES = st.sampled_from([
    "<i>", "</i>", "<b>", "</b>", "<u>", "</u>", "<v Sarah>", "<v.loud Bob>", "</v>", "<c.yellow.bg>", "</c>",
    "<ruby>", "<rt>", "</rt>", "</ruby>", "<lang en>", "</lang>", "<00:00:01.500>", "<zz>", "&amp;", "&lt;",
    "&gt;", "&nbsp;", "&#233;", "&eacute", "&bogus;", "&", "<", ">", " ", "  ", "\t", "\u202f", "\n",
    "mot", "Zoë", "生活", "a", "?", "!", ":",
])
_SRT_PIECES = st.sampled_from([
    "<i>", "</i>", "<b>", "</b>", "<u>", "</u>", "<s>", "</s>", '<font color="#ff0000">', "<FONT face=x>", "</font>",
    "{\\an8}", "{\\i1}", "{ \\an2}", "<c.x>", "<", ">", "&amp;", " ", "  ", "mot", "Zoë", "生活", "a", "?",
])


def _payload(pieces: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(pieces, max_size=14).map("".join).map(lambda s: s.split("\n"))


@settings(max_examples=300, deadline=None)
@given(_payload(_VTT_PIECES))
def test_vtt_tokens_show_what_the_w3c_tokenizer_shows(payload):
    assert shown(payload, Format.VTT) == tuple(parse_cue_text("\n".join(payload)).split("\n"))
    assert "".join(t.raw for t in tokens(payload, Format.VTT)) == "\n".join(payload)


@settings(max_examples=200, deadline=None)
@given(_payload(_SRT_PIECES))
def test_srt_tokens_give_back_every_character(payload):
    assert "".join(t.raw for t in tokens(payload, Format.SRT)) == "\n".join(payload)
    visible = shown(payload, Format.SRT)
    assert len(visible) == len(payload)
    for raw, line in zip(payload, visible):
        # what is left is the line without the tags players read and the overrides
        assert line == re.sub(r"<(/?)(b|i|u|s|font)(?=[\s>])[^<>\n]*>|\{\\[^{}\n]*\}", "", raw, flags=re.I)


def _words(text: str) -> list[str]:
    return text.split()


def _tags(payload, fmt) -> list[str]:
    return [t.raw for t in tokens(payload, fmt) if t.kind in (Kind.OPEN, Kind.MARK)]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(list(Format)), st.data())
def test_relayout_keeps_every_tag_and_word_and_shows_the_new_lines(fmt, data):
    payload = data.draw(_payload(_VTT_PIECES if fmt is Format.VTT else _SRT_PIECES))
    text = " ".join(shown(payload, fmt))
    words = _words(text)
    if not words:
        return
    cut = data.draw(st.integers(0, len(words)))
    lines = [" ".join(words[:cut]), " ".join(words[cut:])] if 0 < cut < len(words) else [" ".join(words)]
    got = relayout(payload, fmt, lines)
    assert got is not None
    # the words and lines asked for (spaces around markup may stay as written)
    assert [line.split() for line in shown(got, fmt)] == [line.split() for line in lines]
    # every opening tag and mark as written is still there (spans reopened on a new line add more)
    before, after = _tags(payload, fmt), _tags(got, fmt)
    for tag in set(before):
        assert after.count(tag) >= before.count(tag), tag


def test_relayout_is_the_identity_when_nothing_moves():
    payload = ("<v Bob>Bonsoir <i>à</i> tous,", "c'est &amp; co")
    assert relayout(payload, Format.VTT, shown(payload, Format.VTT)) == payload


@pytest.mark.parametrize("payload, fmt, lines, expected", [
    # a span open across the new break is closed, then opened again on the next line
    (['<font color="red">Bonsoir à tous, bienvenue</font>'], Format.SRT, ["Bonsoir à tous,", "bienvenue"],
     ('<font color="red">Bonsoir à tous,</font>', '<font color="red">bienvenue</font>')),
    (["<i>un deux trois</i>"], Format.SRT, ["un", "deux trois"], ("<i>un</i>", "<i>deux trois</i>")),
    (["{\\an8}un deux"], Format.SRT, ["un", "deux"], ("{\\an8}un", "deux")),
    (["<v Sarah>un <c.loud>deux</c> trois"], Format.VTT, ["un deux", "trois"],
     ("<v Sarah>un <c.loud>deux</c></v>", "<v Sarah>trois")),
    # ruby text stays with its base: no space inside, no break there
    (["<ruby>漢<rt>kan</rt></ruby> et <ruby>字<rt>ji</rt></ruby>"], Format.VTT, ["漢kan", "et 字ji"],
     ("<ruby>漢<rt>kan</rt></ruby>", "et <ruby>字<rt>ji</rt></ruby>")),
    # karaoke timestamps stay before their word
    (["<00:00:01.000>un <00:00:01.500>deux"], Format.VTT, ["un", "deux"], ("<00:00:01.000>un", "<00:00:01.500>deux")),
    # French spacing: the new space is written, references kept as written
    (["Ça va ? R&amp;D"], Format.VTT, ["Ça va\u202f? R&D"], ("Ça va\u202f? R&amp;D",)),
])
def test_relayout_examples(payload, fmt, lines, expected):
    assert relayout(payload, fmt, lines) == expected


def test_relayout_refuses_other_characters():
    assert relayout(["<i>un deux</i>"], Format.SRT, ["un", "trois"]) is None


def test_payload_with_a_cue_not_read_from_a_file_or_without_markup():
    assert payload_with(Cue(0, 1, ("a b",)), ["a", "b"], Format.VTT) == Cue(0, 1, ("a", "b"))
    assert payload_with(Cue(0, 1, ("a b",), payload=("a b",)), ["a", "b"], None).payload == ("a", "b")
    assert payload_with(Cue(0, 1, ("a b",), payload=("<i>a b</i>",)), ["a", "b"], None) is None
    # the cue's lines are what its payload shows
    relaid = payload_with(Cue(0, 1, ("This  is it",), payload=("This {\\an8} is it",)), ["This is", "it"], Format.SRT)
    assert relaid.payload == ("This {\\an8} is", "it") and relaid.lines == ("This  is", "it")


# the validator's cue-text reader (formats.vtt.parse_cue_text, which also reports problems at
# their column) and the markup tokenizer (formats.markup, which keeps every tag to write it
# back) follow the same W3C tokenizer apart: what a viewer reads must be the same in both
_CUE_TEXT_PIECES = st.sampled_from(list("ab <>/&;#x1i.v:0\n") + [
    "&amp;", "&lt;", "&gt;", "&nbsp;", "&#33;", "&#x21;", "&amp", "&lrm;", "<i>", "</i>", "<b.loud>", "<v Bob>",
    "</v>", "<c.a.b>", "<ruby>", "<rt>", "<lang fr>", "<00:01.000>", "<1>", "< i>", "\u00a0", "\u202f"])


@settings(max_examples=800)
@given(st.lists(_CUE_TEXT_PIECES, max_size=16).map("".join))
def test_the_validator_and_the_markup_tokenizer_read_the_same_cue_text(payload: str) -> None:
    assert "\n".join(shown(payload.split("\n"), Format.VTT)) == parse_cue_text(payload)
