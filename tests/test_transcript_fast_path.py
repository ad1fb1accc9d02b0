"""The transcript reader's fast path for the usual line (``00:14Bonsoir``) agrees with the careful
reading of every layout (:func:`captions.transcript.layouts.scan_line`): line by line, and on
whole transcripts."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import example, given, settings
from hypothesis import strategies as st

from captions import Layout, ParseError, Transcript, parse_transcript
from captions.transcript.layouts import LineStamps, Stamp, candidate_raw, scan, scan_line
from captions.transcript.detect import detect
from captions.transcript.fast import read_fast
from captions.transcript.reader import scored, transcript_from_stamps

# Whatever may follow a stamp: blanks of every kind (the careful reader tells them from text
# with str.isspace), separators, digits and punctuation that extend a stamp, brackets, letters.
_JOINTS = [" ", "\t", "  ", " - ", "-", "–", "—", "|", "\u00a0", "\u202f", "\u2003", "\x0b", "\x0c", "\x1c",
           "\u2028", "\x85", ":", ":5", ":59", ".", ",", ".500", ",500 ", ".5", "0", "5", ")", "]", "[", "(",
           "B", "É", "a", "'", "?", "…", ""]
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=12)


@st.composite
def stamps(draw: st.DrawFn) -> str:
    """A time-like token: ``M:SS``, ``MM:SS``, ``MMM:SS``, ``H:MM:SS`` and near misses."""
    field = st.integers(0, 99).map(lambda v: f"{v:02d}")
    minutes = st.sampled_from(["0", "7", "12", "59", "60", "75", "123", "1234"])
    if draw(st.booleans()):
        return f"{draw(st.sampled_from(['0', '1', '12', '123']))}:{draw(field)}:{draw(field)}"
    return f"{draw(minutes)}:{draw(field)}"


@st.composite
def usual_lines(draw: st.DrawFn) -> str:
    """A line that starts like the usual line, then anything."""
    return draw(stamps()) + draw(st.sampled_from(_JOINTS)) + draw(_TEXT) + draw(
        st.sampled_from(["", " ", "5", " 01:02", "\u00a0", "\u2003"]))


def _careful(lines: Sequence[str]) -> LineStamps:
    """Every line read by scan_line, none by the fast path."""
    read = [scan_line(i, line) for i, line in enumerate(lines)]
    return LineStamps([lead for lead, _ in read], {i: trail for i, (_, trail) in enumerate(read) if trail})


@settings(max_examples=1500, deadline=None)
@given(st.one_of(usual_lines(), _TEXT))
@example("00:14Bonsoir")
@example("1:02:03Bonsoir")
@example("03:2010 milliards")
@example("00:14.500Bonsoir")
@example("00:14\u00a0Bonsoir")
@example("00:14\u2003")
def test_the_fast_path_reads_a_line_as_the_careful_path_does(line: str) -> None:
    lead = scan([line]).leads[0]
    if not isinstance(lead, tuple):
        return  # the fast path declined the line: scan read it with scan_line
    careful, trail = scan_line(0, line)
    assert careful is not None and trail is None
    ms, text_start, index = lead
    assert (careful.ms, careful.text_start, careful.kind, index) == (ms, text_start, Layout.GLUED, 0)
    assert (careful.strong, careful.precision, careful.speaker, careful.label) == (False, 1000, None, None)
    assert careful.raw == candidate_raw(lead, [line])


def test_the_usual_line_takes_the_fast_path() -> None:
    leads = scan(["00:14Bonsoir", "1:02:03Bonsoir", "03:2010 milliards", "00:14 Bonsoir", "00:14\u00a0Bonsoir"]).leads
    assert [type(lead) for lead in leads] == [tuple, tuple, tuple, Stamp, Stamp]


# -- Whole transcripts ---------------------------------------------------------------------

_WORDS = st.sampled_from(["Bonsoir", "Oui.", "rendez-vous à 20:30", "Note: ceci", "10 milliards", "Alice",
                          "Commentaires", "Partager", "  deux  blancs ", "\tà\ttabs", "Ça va\u00a0?", ""])
_NAMES = st.sampled_from(["Alice", "Bob Martin", "Speaker 2"])


@st.composite
def transcript_lines(draw: st.DrawFn) -> list[str]:
    """Lines of every layout, their stamps mostly in order, with speech that looks like a time,
    stamps out of order, blank lines, page chrome and odd blanks after stamps."""
    t = draw(st.integers(0, 4000))
    lines = []
    for _ in range(draw(st.integers(0, 25))):
        t = max(0, t + draw(st.sampled_from([0, 1, 3, 30, 600, -5, -400])))
        stamp = f"{t // 60:02d}:{t % 60:02d}" if t < 3600 or draw(st.booleans()) else (
            f"{t // 3600}:{t // 60 % 60:02d}:{t % 60:02d}")
        word = draw(_WORDS)
        name = draw(_NAMES)
        lines.append(draw(st.sampled_from([
            f"{stamp}{word}", f"{stamp}{word}", f"{stamp}{word}", f"{stamp} {word}", f"{stamp} - {word}",
            f"{stamp}\t{word}", f"[{stamp}] {word}", f"[{stamp}.250] {name}: {word}", f"{stamp}", f"{stamp} ",
            f"{name}  {stamp}", f"{name} ({stamp}): {word}", f"{word} {stamp}", word, "", f"{stamp}{word}  ",
            f"{stamp}\u00a0{word}", f"{stamp}\u2003", f"{stamp}-{word}", f"{stamp}:{word}",
        ])))
    return lines


def _read(lines: list[str], stamps: LineStamps) -> Transcript | str:
    try:
        return transcript_from_stamps(lines, stamps, "t.txt", "utf-8")
    except ParseError as err:
        return str(err)


@settings(max_examples=600, deadline=None)
@given(transcript_lines())
def test_a_transcript_reads_the_same_with_or_without_the_fast_path(lines: list[str]) -> None:
    fast = _read(lines, scan(lines))
    careful = _read(lines, _careful(lines))
    assert fast == careful
    if isinstance(fast, Transcript):
        assert isinstance(careful, Transcript) and fast.pieces == careful.pieces
        assert parse_transcript("\n".join(lines), "t.txt") == fast


# -- The whole usual file in bulk (transcript/fast.py) -----------------------------------------

_SPEECH = st.sampled_from(["Bonsoir à tous.", "Oui.", "10 milliards en 2025", "rendez-vous à 20:30", "Ça va\u00a0?",
                           "deux  blancs", "a\ttab", "R&amp;D", "Alice: Bonjour", "Voir plus", "Commentaires",
                           "1.2K views", "– Oui.", "la suite", "fin 00:31", ".500 ms", ",5 million", "Exactement.  "])


@st.composite
def usual_files(draw: st.DrawFn) -> str:
    """Transcripts close to the usual glued or spaced file: a page head, stamped lines (a dash
    after some), lines that continue them, blank lines, a footer; now and then something else."""
    lines = draw(st.lists(st.sampled_from(["Mon émission", "- il y a 2 jours", "📺", "Durée : 10:05", "---", ""]),
                          max_size=3))
    t = draw(st.integers(0, 4000))
    for _ in range(draw(st.integers(1, 30))):
        t = max(0, t + draw(st.sampled_from([0, 1, 2, 3, 5, 40, -3])))
        stamp = f"{t // 60:02d}:{t % 60:02d}" if t < 3600 or draw(st.booleans()) else (
            f"{t // 3600}:{t // 60 % 60:02d}:{t % 60:02d}")
        joint = draw(st.sampled_from(["", "", "", " ", "– ", " - ", "\t", " | ", "-"]))
        lines.append(stamp + joint + draw(_SPEECH))
        lines += draw(st.lists(st.sampled_from(["et la suite", "", "  encore  ", "– Oui.", "Voir plus", "à 20:30"]),
                               max_size=1))
    lines += draw(st.lists(st.sampled_from(["Commentaires", "1.2K views", "Super émission !", "", "merci"]),
                           max_size=3))
    return "\n".join(lines)


def _careful_reading(text: str) -> Transcript | str:
    lines = text.split("\n")
    try:
        return scored(transcript_from_stamps(lines, _careful(lines), "t.txt", "utf-8"), detect(text, "t.txt"))
    except ParseError as err:
        return str(err)


@settings(max_examples=700, deadline=None)
@given(usual_files())
@example("Titre\n00:14Bonsoir\n00:20– Oui.\nla suite\n00:31Fin.\nCommentaires")
@example("00:00 Alice: Bonjour\n00:02 Alice: Oui")
def test_the_bulk_reader_reads_a_file_as_the_careful_path_does(text: str) -> None:
    for pieces in (True, False):
        fast = read_fast(text, "t.txt", "utf-8", pieces=pieces)
        if fast is None:
            continue   # declined: the careful path reads it
        careful = _careful_reading(text)
        assert isinstance(careful, Transcript), careful
        assert fast == careful
        assert (fast.scores, fast.scored_lines) == (careful.scores, careful.scored_lines)
        assert fast.pieces == (careful.pieces if pieces else ())


def test_the_bulk_reader_takes_the_usual_files() -> None:
    """It is not a reader that declines everything: the sample and the usual shapes go through it."""
    from captions.files import read_source
    from conftest import REPO

    sample = read_source(REPO / "samples" / "techco-2026-03-05.txt").text
    for text in (sample, "Titre\n00:14Bonsoir\n00:20– Oui.\nla suite\n\n00:31Fin.\nCommentaires",
                 "00:00:00 Hello.\n\n00:00:05 And welcome.\n"):
        assert read_fast(text, "t.txt", "utf-8") is not None, text[:40]


@settings(max_examples=200, deadline=None)
@given(usual_files(), st.integers(1, 40))
def test_the_bulk_reader_reads_a_file_a_block_at_a_time_as_it_reads_it_whole(text: str, block: int) -> None:
    """A long file is read a block of lines at a time (its rows would take ten times its size):
    blocks of any size give the transcript of one read over the whole text."""
    import captions.transcript.fast as fast

    whole = read_fast(text, "t.txt", "utf-8")
    saved = fast._BLOCK
    fast._BLOCK = block
    try:
        blocked = read_fast(text, "t.txt", "utf-8")
    finally:
        fast._BLOCK = saved
    assert blocked == whole
    if whole is not None:
        assert blocked is not None and (blocked.pieces, blocked.notes, blocked.metadata, blocked.footer) == (
            whole.pieces, whole.notes, whole.metadata, whole.footer)


def test_fragments_built_when_first_read_are_the_tuple_in_every_way() -> None:
    """The bulk reader's fragments (kept as columns until read) equal, hash and pickle as the
    careful path's tuple; one read by index is the same value."""
    import pickle

    from captions.model import FragmentColumns

    text = "Titre\n00:14Bonsoir\n00:20– Oui.\n00:31Fin."
    fast = read_fast(text, "t.txt", "utf-8")
    careful = _careful_reading(text)
    assert fast is not None and isinstance(careful, Transcript)
    assert isinstance(fast.fragments, FragmentColumns) and isinstance(careful.fragments, tuple)
    assert fast.fragments[1] == careful.fragments[1] and len(fast.fragments) == 3
    assert fast.fragments == careful.fragments and careful.fragments == fast.fragments
    assert hash(fast) == hash(careful)
    again = pickle.loads(pickle.dumps(fast))
    assert again == careful and isinstance(again.fragments, tuple)
    assert fast.fragments[1:] == careful.fragments[1:]


@settings(max_examples=200)
@given(st.integers(0, 8), st.one_of(st.none(), st.integers(-10, 10)), st.one_of(st.none(), st.integers(-10, 10)),
       st.sampled_from([None, 1, 2, -1, -3]), st.booleans())
def test_a_slice_of_the_columns_is_the_slice_of_the_tuple(n: int, start: int | None, stop: int | None,
                                                           step: int | None, turns: bool) -> None:
    """A slice read from the columns (built alone, without the rest) is that slice of the tuple."""
    from captions.model import FragmentColumns

    def columns() -> FragmentColumns:
        return FragmentColumns([1000 * k for k in range(n)], [f"mot {k}" for k in range(n)], list(range(1, n + 1)),
                               [k % 3 == 0 for k in range(n)] if turns else None)

    whole = tuple(columns())
    assert columns()[start:stop:step] == whole[start:stop:step]
