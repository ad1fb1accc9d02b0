"""Replay-page transcript text -> :class:`~captions.model.Transcript`.

Every stamp layout that pages and exports use is read, alone or mixed in one file:

* a stamp glued to its text (``00:14Bonsoir``), ``M:SS``, ``MM:SS``, ``H:MM:SS`` and minutes
  above 59 (``75:12``); seconds always have two digits, so ``03:2010 milliards`` is 03:20 +
  "10 milliards";
* a stamp followed by a space, a tab or `` - ``; a stamp in brackets or parentheses, with
  milliseconds kept (``[00:00:14.500]``);
* a stamp alone on its line, its text on the following lines (YouTube's "show transcript");
* a stamp left at the end of the previous line by a copy-paste;
* speaker layouts: ``Name  0:07`` then text (Otter), ``[00:00:07] Name: text``,
  ``Name (00:07): text``.

Lines without a stamp continue the fragment before them.  Lines before the first stamp are
page metadata; page chrome after the last fragment (``Commentaires``) is a footer.  Stamps never
go backwards, so a time-like token that would break the order of its neighbours is speech
("rendez-vous à 20:30"); every such decision is recorded as a :class:`~captions.model.Note`.
"""

from __future__ import annotations

import gc
import os
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Sequence

from ..errors import Location, ParseError
from ..files import Decoded, read_source, source_name
from ..model import Fragment, Layout, Note, NoteCode, Piece, Transcript, fast_constructor
from ..timecode import CLOCK, CLOCK_MILLIS, clock_ms, format_clock, from_fields

__all__ = ["parse_transcript", "read_transcript", "transcript_from_decoded", "render_transcript"]

_make_fragment = fast_constructor(Fragment)
_make_piece = fast_constructor(Piece)

_STAMP, _MS = CLOCK, CLOCK_MILLIS

# A stamp at the start of a line: bracketed (milliseconds allowed), or bare (milliseconds only
# when a space or the line end follows, so that glued ``00:14,5 millions`` stays text).
_LEADING = re.compile(
    rf"[ \t]*(?:(?P<open>[\[(])[ \t]*{_STAMP}{_MS}?[ \t]*[\])]|{_STAMP.replace('?P<', '?P<b')}"
    rf"(?:{_MS.replace('?P<', '?P<b')}(?=[ \t]|$))?)"
)
_SEPARATOR = re.compile(r"[ \t]*(?:[-–—|][ \t]+)?")
# A stamp at the end of a line, after a space or punctuation.
_TRAILING = re.compile(rf"(?:^|(?<=[\s,.;:!?…]))[ \t]*{_STAMP}[ \t]*$")
_NAME = r"(?:[A-ZÀ-ÖØ-Þ][\w'’.-]*|Speaker|Intervenant)(?:[ ](?:[A-ZÀ-ÖØ-Þ0-9][\w'’.-]*|de|du|van|von|le|la))*"
_NAME_RE = re.compile(rf"{_NAME}$")
_LABEL = re.compile(rf"(?P<name>{_NAME}):[ \t]+")
_NAME_PAREN = re.compile(rf"[ \t]*(?P<name>{_NAME})[ \t]*\({_STAMP}{_MS}?\)[ \t]*:[ \t]*")
_FOOTER = re.compile(
    r"(?i)^(?:\d+\s+)?(?:commentaires?|comments?|kommentare|comentarios|partager|share|signaler|report|"
    r"voir plus|afficher moins|show (?:more|less)|lire la suite|read more|s'abonner|subscribe)"
    r"(?:\s*\(?\d+\)?)?\s*:?$"
)
# CLOCK's groups by number: 1-3 H:MM:SS, 4-5 M:SS.
_FAST = re.compile(CLOCK + r"(?!:\d|[.,]\d{3}(?:[ \t]|$))")
_BLANKS = re.compile(r"[ \t]+")
_DIGITS = frozenset("0123456789")
_DIGITS_SPACE = frozenset("0123456789 \t\u00a0")
_NOT_GLUED = frozenset(" \t-–—|")


@dataclass(slots=True)
class _Stamp:
    """A candidate stamp found while scanning (internal, mutable while the order is resolved)."""

    index: int          # 0-based line
    ms: int
    kind: Layout
    at_end: bool        # a stamp left at the end of the line (text follows on the next lines)
    strong: bool        # a form that speech never takes: a wrong order is an error, not text
    precision: int
    text_start: int     # where the fragment's text starts on this line (leading stamps)
    text_end: int       # where the text before a trailing stamp ends
    raw: str            # the stamp as written, for notes
    speaker: str | None = None
    label: str | None = None  # a ``Name:`` after the stamp, accepted later for the whole file
    label_end: int = 0


def _scan_line(index: int, line: str) -> tuple[_Stamp | None, _Stamp | None]:
    """The candidate stamps of one line: (leading, trailing)."""
    lead = None
    text_start = 0
    m = _NAME_PAREN.match(line)
    if m:
        lead = _Stamp(index, clock_ms(m), Layout.SPEAKER, False, True, 1 if m.group("ms") else 1000,
                      m.end(), len(line), m.group(0).strip(), speaker=m.group("name"))
        text_start = m.end()
    else:
        m = _LEADING.match(line)
        if m:
            bracketed = m.group("open") is not None
            ms = clock_ms(m) if bracketed else clock_ms(m, "b")
            has_ms = m.group("ms" if bracketed else "bms") is not None
            end = m.end()
            glued = end < len(line) and not line[end].isspace() and not bracketed
            sep = _SEPARATOR.match(line, end)
            text_start = sep.end()
            rest_blank = not line[text_start:].strip()
            kind = (Layout.BRACKETED if bracketed else Layout.STAMP_LINE if rest_blank
                    else Layout.GLUED if glued else Layout.SPACED)
            lead = _Stamp(index, ms, kind, False, bracketed or rest_blank, 1 if has_ms else 1000,
                          text_start, len(line), m.group(0).strip())
            if not glued and not rest_blank:
                label = _LABEL.match(line, text_start)
                if label:
                    lead.label, lead.label_end = label.group("name"), label.end()
    trail = None
    if lead is None or lead.kind is not Layout.STAMP_LINE:
        m = _TRAILING.search(line, text_start)
        if m and m.start() >= text_start:
            prefix = line[text_start:m.start()].strip()
            if prefix:
                otter = lead is None and _NAME_RE.match(prefix) is not None and len(prefix.split()) <= 4
                trail = _Stamp(index, clock_ms(m), Layout.SPEAKER if otter else Layout.GLUED, True, False,
                               1000, len(line), m.start(), m.group(0).strip(),
                               speaker=prefix if otter else None)
    return lead, trail


def _piece(line: str, start: int, end: int) -> tuple[str, int, int] | None:
    """The text of ``line[start:end]`` as a fragment holds it, and its span in the line.

    Spaces and tabs at the ends are dropped and runs of them inside become one space; other
    spaces (a French non-breaking space) are text.  None when nothing is left.
    """
    raw = line[start:end]
    text = raw.strip(" \t")
    if not text:
        return None
    left = start + len(raw) - len(raw.lstrip(" \t"))
    if "  " in text or "\t" in text:
        return _BLANKS.sub(" ", text), left, left + len(text)
    return text, left, left + len(text)


def _raw(lines: list[str], c) -> str:
    return c.raw if isinstance(c, _Stamp) else lines[c[2]][: c[3]]


def _resolve_order(cands: list, lines: list[str], source: str) -> list:
    """The candidates that are speech which looks like a time (the others are stamps).

    A candidate lower than the last accepted stamp, or a spike above a next candidate that fits
    the order, is speech.  Speech never takes the strong forms (brackets, a stamp alone on its
    line), never comes before the first stamp, and two candidates in a row out of order are no
    accident of speech: those are errors.
    """
    rejected: list = []
    prev = None
    floor = -1
    n = len(cands)
    for k in range(n):
        c = cands[k]
        t = c[0] if type(c) is tuple else c.ms
        nxt_t = -1
        if k + 1 < n:
            nxt = cands[k + 1]
            nxt_t = nxt[0] if type(nxt) is tuple else nxt.ms
        if t >= floor and (nxt_t >= t or k + 1 == n):  # the usual case: in order
            prev, floor = c, t
            continue
        after = cands[k + 2] if k + 2 < n else None
        after_t = None if after is None else (after[0] if type(after) is tuple else after.ms)
        spike = floor <= nxt_t < t and (after_t is None or nxt_t <= after_t)
        if t >= floor and not spike:
            prev, floor = c, t
            continue
        run_before = bool(rejected) and rejected[-1] is cands[k - 1]
        strong = isinstance(c, _Stamp) and c.strong
        if strong or run_before or prev is None:
            first = rejected[-1] if run_before else c
            line_of = (lambda x: (x.index if isinstance(x, _Stamp) else x[2]) + 1)
            if spike and not run_before:
                why = f"{_raw(lines, c)!r} is later than {_raw(lines, nxt)!r} on line {line_of(nxt)}"
            else:
                why = f"{_raw(lines, first)!r} goes back from {_raw(lines, prev)!r} on line {line_of(prev)}"
                if first is not c:
                    why += f", and so does {_raw(lines, c)!r} on line {line_of(c)}"
            raise ParseError(
                f"stamps go backwards: {why}; no reading of the lines restores the order "
                "(expected non-decreasing stamps)",
                Location(source, line_of(first)),
            )
        rejected.append(c)
    return rejected


def parse_transcript(text: str, source: str = "<input>", *, encoding: str = "utf-8") -> Transcript:
    """Read transcript text.

    Args:
        text: the decoded text (any line ends).
        source: the name used in messages and notes.
        encoding: recorded on the result (``read_transcript`` passes what it decoded with).

    Raises:
        ParseError: no stamp at all, or stamps that go backwards where no reading restores the
            order; the message names ``source:line``.

    >>> t = parse_transcript("Mon émission\\n00:07Bonsoir\\n03:2010 milliards,\\nen tropique.")
    >>> [(f.start_ms, f.text, f.line) for f in t.fragments], t.metadata
    ([(7000, 'Bonsoir', 2), (200000, '10 milliards, en tropique.', 3)], ('Mon émission',))
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Building hundreds of thousands of small acyclic values makes the cyclic garbage collector
    # run over and over for nothing (a third of the time on a long transcript): pause it.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _parse(text.split("\n"), source, encoding)
    finally:
        if paused:
            gc.enable()


def _parse(lines: list[str], source: str, encoding: str) -> Transcript:
    n_lines = len(lines)
    notes: list[Note] = []

    # Pass 1: the candidate stamps of every line.  The usual line (a bare stamp glued to its
    # text, no time-like token at its end) takes a fast path and is a plain tuple
    # (ms, text_start, line_index, stamp_end); every other form is a _Stamp.
    leads: list = [None] * n_lines
    trails: dict[int, _Stamp] = {}
    fast = _FAST.match
    for i, line in enumerate(lines):
        if not line or ":" not in line:
            continue
        if line[0] in _DIGITS and line[-1] not in _DIGITS_SPACE:
            m = fast(line)
            if m is not None:
                end = m.end()
                if line[end] not in _NOT_GLUED:
                    if m.lastindex == 5:
                        ms = from_fields(0, int(m[4]), int(m[5]))
                    else:
                        ms = from_fields(int(m[1]), int(m[2]), int(m[3]))
                    leads[i] = (ms, end, i, end)
                    continue
        lead, trail = _scan_line(i, line)
        leads[i] = lead
        if trail is not None:
            trails[i] = trail
    # A stamp at a line's end only belongs to text that follows on the next line(s): the next
    # non-blank line must exist and not start with a stamp of its own.
    for i in sorted(trails):
        following = next((j for j in range(i + 1, n_lines) if lines[j].strip()), None)
        if following is None or leads[following] is not None:
            st = trails.pop(i)
            notes.append(Note(NoteCode.STAMP_AS_TEXT, i + 1,
                              f"{st.raw!r} ends the line but no text follows it before the next stamp: "
                              "kept as speech", st.raw))
    if trails:
        cands = []
        for i in range(n_lines):
            if leads[i] is not None:
                cands.append(leads[i])
            if i in trails:
                cands.append(trails[i])
    else:
        cands = [c for c in leads if c is not None]
    if not cands:
        raise ParseError(
            "no timestamp found; expected lines such as '00:14Bonsoir', '[00:00:14] text' or a stamp "
            "alone on its line", Location(source, 1))

    for c in _resolve_order(cands, lines, source):
        if isinstance(c, _Stamp) and c.at_end:
            del trails[c.index]
            index = c.index
        else:
            index = c.index if isinstance(c, _Stamp) else c[2]
            leads[index] = None
        raw = _raw(lines, c)
        notes.append(Note(NoteCode.STAMP_AS_TEXT, index + 1,
                          f"{raw!r} would break the order of the stamps around it: kept as speech", raw))
    _accept_labels([s for s in leads if isinstance(s, _Stamp)])

    last_stamp_line = next(i for i in range(n_lines - 1, -1, -1) if leads[i] is not None or i in trails)
    footer_from = _footer_start(lines, last_stamp_line)

    # Pass 2: assemble fragments (and the pieces that say where their text sits).
    metadata: list[str] = []
    fragments: list[Fragment] = []
    pieces: list[Piece] = []
    kinds: Counter[Layout] = Counter()
    cur = None          # the stamp the fragment being built starts at
    cur_line = 0
    texts: list[str] = []

    def close() -> None:
        if cur is None:
            return
        if texts:
            if type(cur) is tuple:
                fragments.append(_make_fragment(cur[0], " ".join(texts), cur_line, None, 1000))
            else:
                fragments.append(_make_fragment(cur.ms, " ".join(texts), cur_line, cur.speaker, cur.precision))
        else:
            raw = _raw(lines, cur)
            index = cur.index if isinstance(cur, _Stamp) else cur[2]
            notes.append(Note(NoteCode.EMPTY_FRAGMENT, index + 1,
                              f"stamp {raw!r} has no text before the next stamp: nothing to caption", raw))

    def add(i: int, start: int, end: int) -> None:
        nonlocal cur_line
        found = _piece(lines[i], start, end)
        if found is None:
            return
        if not texts:
            cur_line = i + 1
        pieces.append(_make_piece(len(fragments), i + 1, found[1], found[2]))
        texts.append(found[0])

    glued = 0
    for i in range(footer_from):
        line = lines[i]
        lead = leads[i]
        trail = trails.get(i) if trails else None
        if lead is not None:
            if cur is not None:
                close()
            if type(lead) is tuple:
                glued += 1
                if i + 1 < footer_from and leads[i + 1] is not None:
                    # The usual line: a whole fragment on one line, built inline (hot path).
                    start = lead[1]
                    text = line[start:]
                    if text[-1] in " \t" or "  " in text or "\t" in text:
                        cur, texts = lead, []
                        add(i, start, len(line))
                        continue
                    pieces.append(_make_piece(len(fragments), i + 1, start, len(line)))
                    fragments.append(_make_fragment(lead[0], text, i + 1, None, 1000))
                    cur = None
                    continue
                cur, texts = lead, []
                add(i, lead[1], len(line))
                continue
            cur, texts = lead, []
            kinds[Layout.SPEAKER if lead.speaker else lead.kind] += 1
            add(i, lead.text_start, trail.text_end if trail is not None else len(line))
        elif cur is None:
            if trail is None:
                if line.strip():
                    metadata.append(line.strip())
                continue
            if trail.speaker is None:  # text before the first stamp that a stamp ends
                metadata.append(line[:trail.text_end].strip())
        elif trail is None:
            if line:
                add(i, 0, len(line))
            continue
        elif trail.speaker is None:
            add(i, 0, trail.text_end)
        if trail is not None:
            close()
            cur, texts = trail, []
            kinds[trail.kind] += 1
            if trail.speaker is None:
                notes.append(Note(NoteCode.TRAILING_STAMP, i + 1,
                                  f"stamp {trail.raw!r} at the end of the line starts the text of the next line",
                                  trail.raw))
    close()
    if glued:
        kinds[Layout.GLUED] += glued
    if not fragments:
        raise ParseError("stamps found but no text after any of them; expected text after each stamp",
                         Location(source, cands[0][2] + 1 if type(cands[0]) is tuple else cands[0].index + 1))
    layout = next(iter(kinds)) if len(kinds) == 1 else Layout.MIXED
    return _finish(source, encoding, lines, fragments, pieces, metadata, footer_from, notes, layout)


def _footer_start(lines: list[str], last_stamp_line: int) -> int:
    """Where the page chrome after the last stamped line begins (``len(lines)`` when there is none)."""
    footer_from = len(lines)
    for i in range(len(lines) - 1, last_stamp_line, -1):
        stripped = lines[i].strip()
        if not stripped:
            continue
        if not _FOOTER.match(stripped):
            break
        footer_from = i
    return footer_from


def _finish(source: str, encoding: str, lines: list[str], fragments: list[Fragment], pieces: list[Piece],
            metadata: list[str], footer_from: int, notes: list[Note], layout: Layout) -> Transcript:
    """The transcript, with the notes on what was set aside as page metadata and footer."""
    footer = tuple(s for s in (ln.strip() for ln in lines[footer_from:]) if s)
    if metadata:
        notes.insert(0, Note(NoteCode.METADATA, 1,
                             f"{len(metadata)} line(s) before the first stamp kept as page metadata, not captions",
                             " | ".join(metadata)))
    if footer:
        notes.append(Note(NoteCode.FOOTER, footer_from + 1,
                          f"{len(footer)} line(s) after the last fragment kept as page footer, not captions",
                          " | ".join(footer)))
    notes.sort(key=lambda note: note.line)
    return Transcript(source, tuple(fragments), tuple(metadata), footer, tuple(notes), layout, encoding,
                      tuple(pieces))


def _accept_labels(leads: Sequence[_Stamp]) -> None:
    """Turn ``[00:07] Name: text`` labels into speakers when the file uses them as labels.

    ``Name: text`` is also ordinary writing ("Note: ..."), so a label counts only when the same
    name labels two lines or when most stamped lines carry a label.
    """
    labelled = [s for s in leads if s.label]
    if not labelled:
        return
    counts = Counter(s.label for s in labelled)
    mostly = len(labelled) * 2 >= len(leads)
    for st in labelled:
        if mostly or counts[st.label] >= 2:
            st.speaker, st.text_start = st.label, st.label_end


def read_transcript(path: str | os.PathLike[str]) -> Transcript:
    """Read a transcript file (``-`` reads standard input) in any supported encoding.

    Raises:
        ParseError: the file cannot be read or decoded, or holds no transcript.
    """
    return transcript_from_decoded(read_source(path), source_name(path))


def transcript_from_decoded(decoded: Decoded, source: str) -> Transcript:
    """Parse decoded bytes, noting when they were not Unicode and Windows-1252 was used."""
    transcript = parse_transcript(decoded.text, source, encoding=decoded.encoding)
    if decoded.fallback:
        note = Note(NoteCode.ENCODING_FALLBACK, 1,
                    "the bytes are not UTF-8 or UTF-16: read as Windows-1252; check accented letters")
        transcript = replace(transcript, notes=(note, *transcript.notes), pieces=transcript.pieces)
    return transcript


_RENDER = {
    Layout.GLUED: "{stamp}{text}",
    Layout.SPACED: "{stamp} {text}",
    Layout.BRACKETED: "[{stamp}] {text}",
    Layout.STAMP_LINE: "{stamp}\n{text}",
}


def render_transcript(fragments: Sequence[Fragment], layout: Layout = Layout.GLUED) -> str:
    """Write fragments as transcript text in one layout (the inverse of :func:`parse_transcript`).

    ``Layout.SPEAKER`` writes ``Name (MM:SS): text`` lines (fragments without a speaker as
    bracketed lines).  A stamp carries milliseconds when the fragment's start has them.

    >>> print(render_transcript([Fragment(7000, "Bonsoir", 1), Fragment(200000, "10 milliards", 2)]), end="")
    00:07Bonsoir
    03:2010 milliards
    """
    out = []
    for frag in fragments:
        millis = frag.start_ms % 1000 != 0
        stamp = format_clock(frag.start_ms, millis=millis)
        if layout is Layout.SPEAKER and frag.speaker:
            out.append(f"{frag.speaker} ({stamp}): {frag.text}")
        elif layout is Layout.SPEAKER or millis:
            out.append(f"[{stamp}] {frag.text}")
        elif layout in _RENDER:
            out.append(_RENDER[layout].format(stamp=stamp, text=frag.text))
        else:
            raise ValueError(f"cannot render the {layout.value!r} layout")
    return "\n".join(out) + ("\n" if out else "")
