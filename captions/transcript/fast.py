"""The usual transcript read in bulk: one regex pass over the whole text, fragments from columns.

Most long transcripts are one stamped line after another (``00:14Bonsoir``, ``00:00:14 text``,
``04:41– Je pense``), with page metadata before them, a footer after them, blank lines and a
few lines that continue the line before.  :func:`read_fast` reads such a file with one
``findall`` over the whole text and builds the fragments from columns (``map`` over the
starts, texts and lines: no Python loop per line), which is what lets the reader run at half
the speed of a bare regex loop (``python benchmarks/run.py reader``).

It reads exactly what the careful path (:mod:`.layouts`, :mod:`.order`, :mod:`.assembly`)
reads, and declines (returns None) as soon as a file holds anything else: a line with a time
that is not a leading stamp, a stamp alone on its line, a label, a turn without a stamp,
chrome between the stamps, character references, stamps out of order, a list of chapters.
``tests/test_transcript_fast_path.py`` checks on generated transcripts that whatever it reads,
the careful path reads the same.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Sequence
from itertools import compress, count, repeat
from typing import NamedTuple
from operator import add, itemgetter

from ..model import FragmentColumns, Layout, Note, Piece, Transcript, fast_constructor
from ..timecode import from_fields
from .assembly import REFERENCE, footer_note, footer_start, metadata_note, text_piece
from .chapters import CHAPTER_GAP_MS, SPEECH_CPS
from .chrome import chrome_reason
from .detect import detect
from .layouts import SpeakerLabel, TrailingStamp

__all__ = ["read_fast"]

# One row per line: the minutes part of a bare stamp ("MM" or "H:MM": CLOCK's H:MM:SS first, then
# M:SS), its seconds, the separator (blanks, a dash or a bar between blanks), then the rest.  The
# stamp is not followed by another ":digit", nor by "." or "," and a digit (milliseconds, SBV),
# and its text starts with no blank of any kind and is not a lone dash or bar (a stamp alone, or
# before U+00A0, or before a separator with nothing after it, is the careful path's: the line then
# holds a time without a stamp, which declines the file).
_ROW = re.compile(r"^(?:(\d{1,2}:[0-5]\d|\d{1,3}):([0-5]\d)(?!:\d|[.,]\d)([ \t]*(?:[-–—|][ \t]+)?)(?![-–—|][ \t]*$)(?=\S))?(.*)",
                  re.MULTILINE)
# A time anywhere: a line without a leading stamp that holds one goes to the careful path.
_TIME = re.compile(r"\d:[0-5]\d")
# A line ending so may end with a stamp (or carry blanks to normalise): checked one by one.
_ODD_ENDS = frozenset("0123456789 \t\u00a0")
_TRAILING = TrailingStamp.pattern
_DASH_SEPARATOR_SHARE, _DASH_SEPARATOR_MIN = 0.9, 3   # as layouts.decide_marks
_LABEL = SpeakerLabel.pattern

_make_piece = fast_constructor(Piece)


class _Minutes(dict[str, int]):
    """``"MM"`` or ``"H:MM"`` -> its milliseconds, worked out once per distinct value (a few
    hundred per show)."""

    def __missing__(self, key: str) -> int:
        hours, _, minutes = key.rpartition(":")
        value = self[key] = from_fields(int(hours or 0), int(minutes), 0)
        return value


_SECONDS_MS = {f"{s:02d}": from_fields(0, 0, s) for s in range(60)}   # "SS" -> its milliseconds


def read_fast(text: str, source: str, encoding: str, *, pieces: bool = True) -> Transcript | None:
    """The transcript of ``text`` when it is the usual stamped file, else None (the careful path
    reads it); ``text`` has ``\\n`` line ends.

    >>> t = read_fast("Titre\\n00:14Bonsoir\\n00:20– Oui.\\n00:31Fin.", "a.txt", "utf-8")
    >>> [(f.start_ms, f.text, f.line, f.turn) for f in t.fragments], t.metadata
    ([(14000, 'Bonsoir', 2, False), (20000, 'Oui.', 3, True), (31000, 'Fin.', 4, False)], ('Titre',))
    """
    if "&" in text and REFERENCE.search(text):
        return None   # character references: the careful path decodes them
    rows = _rows(text)
    pres = rows.pres
    n = len(pres)
    first = next((i for i, pre in enumerate(pres) if pre), None)
    if first is None:
        return None
    last = next(i for i in range(n - 1, -1, -1) if pres[i])
    rests = rows.rests
    head = _page(rests[:first])
    if head is None:
        return None
    inside = pres.count("") - first - (n - 1 - last)   # lines without a stamp between the stamps
    stamped: Sequence[int] = range(first, last + 1) if not inside else [i for i in range(first, last + 1) if pres[i]]
    cols = _columns(rows, pres, rests, stamped)
    if cols is None:
        return None
    ms, texts, seps = cols
    if "\t" in text or "  " in text:   # runs of blanks inside a text become one space
        texts = [_blanks(t) for t in texts]
    if ms != sorted(ms):   # timsort sees a sorted list in one pass: the cheapest check there is
        return None
    counts = Counter(seps)
    turns = _turns(seps, counts)
    lines = [i + 1 for i in stamped] if isinstance(stamped, list) else range(first + 1, last + 2)
    more = _continuations(rests, pres, first, last, stamped, texts)
    if more is None:
        return None
    return _transcript(text, source, encoding, rows, head, ms, texts, seps, counts, turns, lines, more, pieces)


class _Rows(NamedTuple):
    """:data:`_ROW`'s groups over every line, as columns: the minutes and seconds of the stamp
    ("" for a line without one), the separator, the rest of the line."""

    pres: list[str]
    secs: list[str]
    seps: list[str]
    rests: list[str]

    def row(self, i: int) -> tuple[str, str, str, str]:
        return self.pres[i], self.secs[i], self.seps[i], self.rests[i]


_BLOCK = 1 << 20   # characters one findall reads: its rows (a tuple of four strings a line) stay small


def _rows(text: str) -> _Rows:
    """:data:`_ROW` over every line of ``text``, read a block of lines at a time (the rows of
    a whole 100 MB transcript would take ten times its size), the stamps' strings shared
    (a few hundred distinct values, where each row would hold its own)."""
    out = _Rows([], [], [], [])
    shared: dict[str, str] = {}
    one = shared.setdefault
    pos, size = 0, len(text)
    while True:
        end = text.find("\n", pos + _BLOCK) if pos + _BLOCK < size else -1
        found = _ROW.findall(text, pos, size if end < 0 else end)
        if found:
            pres, secs, seps, rests = zip(*found)
            out.pres.extend(map(one, pres, pres))
            out.secs.extend(map(one, secs, secs))
            out.seps.extend(map(one, seps, seps))
            out.rests.extend(rests)
        if end < 0:
            return out
        pos = end + 1


def _page(rests: Sequence[str]) -> list[str] | None:
    """The page lines before the first stamp (metadata), or None when one holds a time (a page
    field, a trailing stamp) or opens a front matter: the careful path decides."""
    opening = next((r.strip() for r in rests if r.strip()), "")
    if opening in ("---", "+++"):
        return None
    out = []
    for rest in rests:
        if _TIME.search(rest):
            return None
        if rest.strip():
            out.append(rest.strip())
    return out


def _columns(rows: _Rows, pres: Sequence[str], rests: list[str],
             stamped: Sequence[int]) -> tuple[list[int], list[str], list[str]] | None:
    """The starts, texts and separators of the stamped lines, or None when one is not the
    usual line (no text after the stamp, a time at its end, a speaker label, a reference)."""
    if isinstance(stamped, range):
        a, b = stamped.start, stamped.stop
        sub_pres, secs, seps, texts = pres[a:b], rows.secs[a:b], rows.seps[a:b], rests[a:b]
    else:
        sub_pres, secs = [pres[i] for i in stamped], [rows.secs[i] for i in stamped]
        seps, texts = [rows.seps[i] for i in stamped], [rests[i] for i in stamped]
    ms = list(map(add, map(_Minutes().__getitem__, sub_pres), map(_SECONDS_MS.__getitem__, secs)))
    for k in list(compress(count(), map(_ODD_ENDS.__contains__, map(itemgetter(-1), texts)))):
        rest = texts[k]
        trail = _TRAILING.search(rest)
        if trail is not None and rest[:trail.start()].strip():
            return None   # a time at the line's end: a trailing stamp for the careful path
        texts[k] = rest.rstrip(" \t")
    spaced = {sp for sp in set(seps) if sp[:1] in (" ", "\t")}
    if spaced and any(_LABEL.match(t) for t in compress(texts, map(spaced.__contains__, seps))):
        return None   # "00:07 Alice: ..." labels: the careful path decides
    return ms, texts, seps


def _blanks(text: str) -> str:
    found = text_piece(text, 0, len(text))
    return found[0] if found is not None else ""


def _turns(seps: Sequence[str], counts: Counter[str]) -> list[bool]:
    """Which fragments start a turn: a dash after the stamp, unless the file puts one after
    (almost) every stamp (then it separates)."""
    dashes = {sp for sp in counts if sp.lstrip(" \t")[:1] in ("-", "–", "—")}
    dashed = sum(counts[sp] for sp in dashes)
    if not dashed or (dashed >= _DASH_SEPARATOR_MIN and dashed >= _DASH_SEPARATOR_SHARE * len(seps)):
        return []
    return list(map(dashes.__contains__, seps))


def _continuations(rests: Sequence[str], pres: Sequence[str], first: int, last: int, stamped: Sequence[int],
                   texts: list[str]) -> dict[int, list[int]] | None:
    """Lines without a stamp between the stamps, and after the last one up to the footer: their
    text goes to the fragment before (``texts`` is changed); per fragment, the 0-based lines
    added.  None when one of them is anything else than more text (a time, a turn, chrome)."""
    more: dict[int, list[int]] = {}
    if not isinstance(stamped, range):
        k = -1
        for i in range(first, last + 1):
            if pres[i]:
                k += 1
            elif rests[i].strip() and not _more_text(i, rests[i], k, texts, more):
                return None
    footer_from = last + 1 + footer_start(rests[last + 1:], -1)
    for i in range(last + 1, footer_from):
        if rests[i].strip() and not _more_text(i, rests[i], len(texts) - 1, texts, more):
            return None
    more[-1] = [footer_from]
    return more


def _more_text(i: int, line: str, k: int, texts: list[str], more: dict[int, list[int]]) -> bool:
    """Add line ``i`` to fragment ``k`` when it is only more text; False when it is not."""
    if _TIME.search(line) or chrome_reason(line) is not None or "&" in line:
        return False
    stripped = line.lstrip(" \t")
    if stripped[:1] in "-–—" or stripped.startswith(">>"):
        return False
    found = text_piece(line, 0, len(line))
    if found is not None:
        texts[k] = f"{texts[k]} {found[0]}"
        more.setdefault(k, []).append(i)
    return True


def _transcript(text: str, source: str, encoding: str, rows: _Rows, head: list[str],
                ms: list[int], texts: list[str], seps: list[str], counts: Counter[str], turns: list[bool],
                lines: Sequence[int], more: dict[int, list[int]], pieces: bool) -> Transcript | None:
    n = len(ms)
    span = ms[-1] - ms[0]
    # a list of chapters (:func:`~.chapters.chapter_list`) has a median gap of 20 s or more, so a
    # mean gap of 10 s; then, maybe one: the careful path decides
    if n >= 5 and span >= CHAPTER_GAP_MS // 2 * (n - 1) and (
            sum(map(len, texts)) - len(texts[-1])) * 1000 / span < SPEECH_CPS:
        return None
    # built when first read; the starts kept as machine integers (8 bytes each, not 40)
    fragments = FragmentColumns(array("q", ms), texts, lines, turns or None)
    footer_from = more.pop(-1)[0]
    rests = rows.rests[footer_from:]
    if any(map(_TIME.search, rests)):
        return None   # a time after the last stamp (one with milliseconds, say): the careful path decides
    footer = tuple(s for s in (r.strip() for r in rests) if s)
    notes: list[Note] = [metadata_note(head)] if head else []
    if footer:
        notes.append(footer_note(footer, footer_from, rests[0]))
    glued = sum(c for sp, c in counts.items() if sp[:1] not in (" ", "\t"))
    layout = Layout.GLUED if glued == n else Layout.SPACED if not glued else Layout.MIXED
    found = tuple(_pieces(rows, texts, seps, lines, more)) if pieces else ()
    detection = detect(text, source)
    return Transcript(source, fragments, tuple(head), footer, tuple(notes), layout, encoding, found,
                      detection.scores, detection.lines)


def _pieces(rows: _Rows, texts: Sequence[str], seps: Sequence[str],
            lines: Sequence[int], more: dict[int, list[int]]) -> list[Piece]:
    """Where each fragment's text sits: after its stamp, then on the lines it continues on."""
    if not more:   # one line per fragment: the pieces from columns too
        spans = [rows.row(line - 1) for line in lines]
        starts = list(map(add, map(add, map(len, map(itemgetter(0), spans)), map(len, map(itemgetter(2), spans))),
                          repeat(3)))
        ends = map(add, starts, map(len, map(str.rstrip, map(itemgetter(3), spans), repeat(" \t"))))
        return list(map(_make_piece, range(len(starts)), lines, starts, ends))
    out: list[Piece] = []
    for k, line in enumerate(lines):
        pre, sec, sep, rest = rows.row(line - 1)
        start = len(pre) + 1 + len(sec) + len(sep)
        out.append(_make_piece(k, line, start, start + len(rest.rstrip(" \t"))))
        for i in more.get(k, ()):
            found = text_piece(rows.rests[i], 0, len(rows.rests[i]))
            if found is not None:
                out.append(_make_piece(k, i + 1, found[1], found[2]))
    return out
