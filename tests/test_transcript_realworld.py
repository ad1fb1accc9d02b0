"""Every timestamped transcript of ``../shared/realworld/transcripts`` (26 files people published:
Markdown podcasts, raw YouTube transcripts, show notes, whisper.cpp output): read, or refused
with a message saying why and where; no word of the file lost; every stamp used; speakers kept.

The files are read from the shared corpus (never copied here); the tests skip without it.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

import pytest

from captions import ParseError, Transcript, read_transcript
from captions.model import NoteCode
from captions.timecode import CLOCK, clock_ms
from conftest import SHARED

CORPUS = SHARED / "realworld" / "transcripts"
FILES = sorted(p.name for p in CORPUS.glob("*.txt")) if CORPUS.is_dir() else []

# (line, words of the message): the two files without a stamp, and the show notes that hold only
# a list of chapters.
REFUSED = {
    "3b1b_euler_transcript_nostamps.txt": (1, "none of the 53 line(s) holds a time"),
    "aihype_090-raw-transcript.txt": (1, "none of the 2 line(s) holds a time"),
    "syntaxfm_100_shownotes.txt": (20, "list of chapters, not a transcript"),
    "syntaxfm_999_shownotes.txt": (13, "list of chapters, not a transcript"),
}
# Files whose turns carry a speaker's name, and the names the reader must find.
SPEAKERS = {
    "ladybug_01-new-career-who-dis.txt": {"Ali", "Emma", "Kelly", "Lindsey"},
    "ladybug_02-side-project-balancing-act.txt": {"Ali", "Emma", "Kelly", "Lindsey"},
    "ladybug_03-blogging-101.txt": {"Ali", "Emma", "Kelly", "Lindsey"},
    "ladybug_11-what-the-heck-is-graphql.txt": {"Ali", "Emma", "Kelly", "Swyx"},
    "ladybug_13-design-systems.txt": {"Ali", "Emma", "Kelly"},
    "ladybug_16-javascript-frameworks.txt": {"Ali", "Emma", "Kelly"},
    "ladybug_17-technical-portfolios.txt": {"Ali", "Emma", "Kelly"},
    "ladybug_18-shopify-and-e-commerce.txt": {"Ali", "Emma", "Kelly", "JML"},
    "ladybug_20-debugging.txt": {"Ali", "Emma", "Kelly", "Rebecca Hill"},
}

_STAMP = re.compile(rf"(?<![\d:]){CLOCK}(?:[.,]\d{{3}})?(?![\d:])")
_MARKUP = re.compile(r"\[SPEAKER_TURN\]|-->|\(#t=[^)]*\)")
_EDGES = "*[](){}<>#|:;,.!?\"'“”‘’…-–—_`~ \t\u00a0"


def _words(text: str) -> list[str]:
    """The words of ``text`` as this test counts them: references decoded, stamps, arrows and
    link targets left out, each token without the markup and punctuation at its ends."""
    text = _MARKUP.sub(" ", _STAMP.sub(" ", html.unescape(text)))
    return [w for w in (token.strip(_EDGES) for token in text.split()) if w]


def _accounted(t: Transcript) -> Counter[str]:
    """Every word the reader kept somewhere: fragments, speakers, page metadata and footer, and
    the lines it set aside with a note (chrome, dropped)."""
    kept: list[str] = []
    for f in t.fragments:
        kept += _words(f.text)
        if f.speaker:
            kept += _words(f.speaker)
    for line in (*t.metadata, *t.footer):
        kept += _words(line)
    for note in t.notes:
        if note.code in (NoteCode.CHROME, NoteCode.DROPPED_LINE):
            kept += _words(note.text)
    return Counter(kept)


@pytest.mark.parametrize("name", FILES)
def test_every_real_transcript_is_read_or_refused_saying_why(name: str, shared_dir: Path) -> None:
    path = shared_dir / "realworld" / "transcripts" / name
    if name in REFUSED:
        line, words = REFUSED[name]
        with pytest.raises(ParseError) as info:
            read_transcript(path)
        assert info.value.location is not None and info.value.location.line == line
        assert words in info.value.message
        return
    t = read_transcript(path)
    source = path.read_text(encoding="utf-8")
    # No word lost: each word of the file is in a fragment, a speaker's name, the page metadata
    # or footer, or a line set aside with a note, exactly as many times as in the file.
    assert _accounted(t) == Counter(_words(source))
    # Every stamp used: it starts (or ends) a fragment, or stays in the text a note explains.
    times = {f.start_ms // 1000 for f in t.fragments} | {f.end_ms // 1000 for f in t.fragments if f.end_ms}
    explained = "\n".join([*t.metadata, *t.footer, *(n.text for n in t.notes), *(f.text for f in t.fragments)])
    for m in _STAMP.finditer(source):
        assert clock_ms(m) // 1000 in times or m.group(0) in explained, (name, m.group(0))
    if name in SPEAKERS:
        found = {f.speaker for f in t.fragments if f.speaker}
        assert SPEAKERS[name] <= found
        assert sum(1 for f in t.fragments if f.speaker) >= 0.9 * len(t.fragments)
        assert all(f.turn for f, before in zip(t.fragments[1:], t.fragments) if f.speaker != before.speaker)


def test_the_corpus_is_all_there(shared_dir: Path) -> None:
    assert len(FILES) == 26 and set(REFUSED) | set(SPEAKERS) <= set(FILES)


def test_whisper_cpp_outputs_keep_their_end_times_and_turns(shared_dir: Path) -> None:
    corpus = shared_dir / "realworld" / "transcripts"
    words = read_transcript(corpus / "whispercpp_readme_block2_L516-549.txt")
    assert [f.text for f in words.fragments][:5] == ["And", "so", "my", "fellow", "Americans,"]
    assert all(f.end_ms is not None and f.words for f in words.fragments)
    diarized = read_transcript(corpus / "whispercpp_readme_block3_L559-575.txt")
    assert sum(f.turn for f in diarized.fragments) == 6   # one after each [SPEAKER_TURN]
    assert not any("SPEAKER_TURN" in f.text for f in diarized.fragments)
