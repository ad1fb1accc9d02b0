"""The transcript reader: every stamp layout (golden cases), the real sample, bad input, and the
round-trip property."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from captions import (
    CaptionsError, Fragment, Layout, NoteCode, ParseError, parse_transcript, read_transcript,
    render_transcript,
)
from captions.transcript.assembly import REFERENCE, decode_references
from captions.transcript.chapters import chapter_list
from captions.transcript.chrome import chrome_reason
from conftest import REPO, check_golden

DATA = Path(__file__).parent / "data"
GOLDEN_CASES = sorted(p.name for p in (DATA / "transcript").iterdir())
SAMPLE = REPO / "samples" / "techco-2026-03-05.txt"


@pytest.mark.parametrize("case", GOLDEN_CASES)
def test_golden_layouts(case: str, update_goldens: bool) -> None:
    folder = DATA / "transcript" / case
    transcript = read_transcript(folder / "input.txt")
    result = transcript.to_dict()
    result["source"] = "input.txt"
    check_golden(folder / "expected.json", result, update_goldens)


@pytest.mark.parametrize("case", GOLDEN_CASES)
def test_pieces_point_at_the_fragment_text(case: str) -> None:
    """Each fragment's text is exactly its pieces' source text, whitespace-collapsed and joined
    by a space (without one where a ``joined`` note says a segment continues the word before),
    character references decoded.  Readers of whole documents (JSON, caption files) give none."""
    path = DATA / "transcript" / case / "input.txt"
    from captions.files import read_source

    lines = read_source(path).text.split("\n")
    transcript = read_transcript(path)
    if transcript.layout in (Layout.WHISPER_JSON, Layout.WEBVTT, Layout.SRT, Layout.ROLLING):
        assert transcript.pieces == ()
        return
    glued = {n.line for n in transcript.notes if n.code is NoteCode.JOINED}
    joined: dict[int, str] = {}
    for piece in transcript.pieces:
        text = " ".join(lines[piece.line - 1][piece.start:piece.end].split())
        before = joined.get(piece.fragment)
        joined[piece.fragment] = text if before is None else before + ("" if piece.line in glued else " ") + text
    texts = [decode_references(joined[i])[0] for i in range(len(transcript.fragments))]
    assert texts == [f.text for f in transcript.fragments]


def test_the_real_sample() -> None:
    transcript = read_transcript(SAMPLE)
    assert len(transcript.fragments) == 2802
    first = transcript.fragments[0]
    assert (first.start_ms, first.text, first.line) == (
        7000, "BFM Business et Tech & Co présente Tech & Co, la quotidienne, François Sorel.", 6)
    line67 = next(f for f in transcript.fragments if f.line == 67)
    assert (line67.start_ms, line67.text) == (200_000, "10 milliards en tropique, 30 milliards pour Open AI.")
    assert transcript.metadata[0] == "- il y a 2 jours"
    assert transcript.metadata[2:] == ("Catégorie", "📺", "TVTranscription")
    assert transcript.footer == ("Commentaires",)
    assert transcript.layout is Layout.GLUED
    assert [n.code for n in transcript.notes] == [NoteCode.METADATA, NoteCode.FOOTER]
    texts = " ".join(f.text for f in transcript.fragments)
    assert "Catégorie" not in texts and "Commentaires" not in texts
    starts = [f.start_ms for f in transcript.fragments]
    assert starts == sorted(starts)


def test_the_sample_is_the_shared_one_byte_for_byte(shared_dir: Path) -> None:
    assert SAMPLE.read_bytes() == (shared_dir / "data" / "techco-2026-03-05.txt").read_bytes()


# Malformed corpus: (file, error line, words the message must contain).
MALFORMED = [
    ("empty.txt", 1, "empty"),
    ("blank-lines-only.txt", 1, "no timestamp"),
    ("no-stamps.txt", 1, "no timestamp"),
    ("binary-nul.txt", 2, "NUL"),
    ("undecodable-bytes.txt", 2, "cannot be decoded"),
    ("stamps-go-backwards.txt", 5, "go back"),
    ("bracketed-backwards.txt", 1, "later than"),
    ("stamps-without-text.txt", 2, "no text"),
    ("utf16-odd-length.txt", 1, "cannot be decoded"),
    ("chapter-list.txt", 3, "list of chapters, not a transcript"),
    ("time-not-a-stamp.txt", 3, "'10:30' on this line is inside the text"),
    ("bad-json.txt", 4, "not valid JSON"),
    ("json-without-segments.txt", 1, "JSON without speech segments"),
    ("caption-file-without-cues.txt", 1, "no cue with text"),
]


@pytest.mark.parametrize("name,line,words", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_transcripts(name: str, line: int, words: str) -> None:
    path = DATA / "malformed-transcripts" / name
    with pytest.raises(ParseError) as info:
        read_transcript(path)
    err = info.value
    assert err.location is not None and err.location.source == str(path)
    assert err.location.line == line
    assert words in err.message
    assert str(err).startswith(f"{path}:{line}:")   # then a column, or the message


def test_errors_pickle_with_their_location() -> None:
    with pytest.raises(ParseError) as info:
        parse_transcript("no stamp here", source="show.txt")
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is ParseError and str(again) == str(info.value)
    assert str(again).startswith("show.txt:1: no timestamp found: none of the 1 line(s) holds a time")
    assert isinstance(again, CaptionsError) and isinstance(again, ValueError)


def test_a_time_in_speech_that_fits_the_order_is_a_stamp_only_at_a_line_start() -> None:
    # "à 00:45" in the middle of a line is never a stamp, whatever its value.
    t = parse_transcript("00:40Rendez-vous à 00:45 précises\n00:50Oui.")
    assert [f.text for f in t.fragments] == ["Rendez-vous à 00:45 précises", "Oui."]
    assert t.notes == ()


def test_labels_need_to_recur_to_be_speakers() -> None:
    # "Note: ..." once in a file of unlabelled lines is speech, not a speaker.
    t = parse_transcript("00:01 Hello.\n00:02 Note: this is speech.\n00:03 Bye.\n00:04 Yes.")
    assert [f.speaker for f in t.fragments] == [None] * 4
    assert t.fragments[1].text == "Note: this is speech."


# -- Round trip: render any non-decreasing fragments in any layout, read them back. ----------

_WORD = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S"), exclude_characters=":[]()\u2028\u2029"),
    min_size=1, max_size=8,
)
_TEXT = st.lists(_WORD, min_size=1, max_size=6).map(" ".join).filter(
    # A text that itself starts like a stamp continuation (".500 ", "-" separators) or ends in
    # digits would be ambiguous in any transcript; real pages never need it, the reader's notes
    # cover what happens then.
    # A text opening with a dash or ">>" is a turn mark ("– Oui." is a turn whose text is "Oui.").
    lambda s: s[0] not in "-–—|.,\ufeff" and not s.startswith(">>") and not s[-1].isdigit() and not s[0].isspace())


@st.composite
def fragments_and_layout(draw):
    layout = draw(st.sampled_from([Layout.GLUED, Layout.SPACED, Layout.BRACKETED, Layout.STAMP_LINE, Layout.SPEAKER]))
    n = draw(st.integers(1, 12))
    gaps = draw(st.lists(st.integers(0, 90_000), min_size=n, max_size=n))
    start = draw(st.integers(0, 3_600_000))
    frags, t = [], start
    names = ["Alice", "Bob Martin", "Speaker 2"]
    for i, gap in enumerate(gaps):
        t += gap
        ms = t - t % 1000 if layout is not Layout.BRACKETED else t
        speaker = draw(st.sampled_from(names)) if layout is Layout.SPEAKER else None
        frags.append(Fragment(ms, draw(_TEXT), 0, speaker, 1000 if ms % 1000 == 0 or layout is not Layout.BRACKETED else 1))
    frags.sort(key=lambda f: f.start_ms)
    return frags, layout


@settings(max_examples=150, deadline=None)
@given(fragments_and_layout())
def test_render_then_read_gives_the_same_fragments(case) -> None:
    frags, layout = case
    assume(chapter_list(frags) is None)   # a list of chapters is refused: tests below
    assume(not any(REFERENCE.search(f.text) for f in frags))   # "&amp;" is read as "&": tests below
    assume(not any(chrome_reason(f.text) for f in frags))   # page chrome is set aside: goldens
    text = render_transcript(frags, layout)
    back = parse_transcript(text)
    assert [(f.start_ms, f.text, f.speaker) for f in back.fragments] == [
        (f.start_ms, f.text, f.speaker) for f in frags]


def test_blanks_collapse_but_non_breaking_spaces_are_text() -> None:
    t = parse_transcript("00:01Ça va\u00a0?  Oui,\tbien.\u202f \n  et toi\u00a0!  \n00:03Fin")
    assert t.fragments[0].text == "Ça va\u00a0? Oui, bien.\u202f et toi\u00a0!"


def test_convert_takes_the_readers_options(tmp_path) -> None:
    """``--keep-chrome`` and ``--drop-line`` reach the reader through ``convert_file``."""
    from captions.convert import convert_file
    from captions.presets import get_preset
    from captions.transcript import ReadOptions

    page = tmp_path / "page.txt"
    page.write_text("00:01Bonsoir.\nVoir plus\n00:05Merci.\n00:09Au revoir.\n", encoding="utf-8")
    plain = convert_file(page, [str(tmp_path / "a.srt")], get_preset()).result
    assert "Voir plus" not in " ".join(c.text for c in plain.cues)
    kept = convert_file(page, [str(tmp_path / "b.srt")], get_preset(),
                        read_options=ReadOptions(keep_chrome=True, drop_lines=frozenset({3}))).result
    words = " ".join(" ".join(c.lines) for c in kept.cues).split()
    assert [w.strip("…") for w in words] == ["Bonsoir.", "Voir", "plus", "Au", "revoir."]   # … : the pause cuts
    assert [n.code for n in kept.report.notes] == [NoteCode.DROPPED_LINE]
