"""The stamp layouts: which candidate stamps a transcript line holds.

One reader class per layout.  A leading layout reads the stamp that opens a line
(:class:`WhisperSegment`, :class:`SbvTiming`, :class:`SpeakerParen`, :class:`MarkdownSpeaker`,
:class:`MarkdownStamp`, :class:`Bracketed`, :class:`BareStamp`), :class:`SpeakerLabel` reads the
``Name:`` that may follow one, and :class:`TrailingStamp` reads the stamp a line may end with
(a copy-paste, or Otter's ``Name  0:07``).  Adding a layout is adding a reader here (to
:data:`LEADING` for a leading one), its golden case, and a line on docs/transcripts.md;
:mod:`.detect` scores every reader of :data:`LEADING` and :data:`TRAILING` on the first lines.

:func:`scan_line` is the careful reading of one line, through every reader.  :func:`scan` reads
a whole transcript; it reads the usual line (``00:14Bonsoir``) on a fast path, which a property
test keeps in agreement with :func:`scan_line`.  Which candidates are stamps and which are
speech that looks like a time is decided later, by :mod:`.order`; which ``Name:`` labels,
Otter names and dashes are speakers and turns is decided here for the whole file
(:func:`decide_marks`), on evidence.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ..model import Layout
from ..timecode import CLOCK, CLOCK_MILLIS, clock_ms, clock_pattern, from_fields

__all__ = [
    "Stamp", "Glued", "Candidate", "LineStamps", "Turn", "LeadingLayout", "WhisperSegment", "SbvTiming",
    "SpeakerParen", "MarkdownSpeaker", "MarkdownStamp", "Bracketed", "BareStamp", "SpeakerLabel", "TrailingStamp",
    "LEADING", "TRAILING", "scan_line", "scan", "accept_labels", "decide_marks", "candidate_ms", "candidate_index",
    "candidate_raw", "page_lines", "unstamped_turn", "NAME",
]


@dataclass(slots=True)
class Stamp:
    """A candidate stamp of any layout but the usual line's (mutable: labels become speakers late).

    Attributes:
        index: the 0-based line.
        ms: the time.
        kind: the layout that wrote it.
        at_end: a stamp left at the end of the line (its text follows on the next lines).
        strong: a form that speech never takes: a wrong order is an error, not text.
        precision: 1 when written with milliseconds, else 1000.
        text_start: where the fragment's text starts on this line (leading stamps).
        text_end: where the text before a trailing stamp ends; where a leading stamp's text
            ends on its line (the line's length, or before a ``[SPEAKER_TURN]`` marker).
        raw: the stamp as written, for notes.
        speaker: the speaker's name, when the layout gives one.
        label: a ``Name:`` after the stamp, accepted later for the whole file (:func:`accept_labels`).
        label_end: where the text after that label starts.
        end_ms: where the speech ends, when the layout says (a recogniser's segment, an SBV cue).
        dash: a dash stood between the stamp and the text (``04:41– Je pense``): a turn, unless
            the file puts one after every stamp (:func:`decide_marks`).
        turn: this fragment starts a turn whatever the file does (a dash taken as a turn mark).
        turn_after: the next fragment starts a turn (whisper.cpp's ``[SPEAKER_TURN]``).
        glue: the text continues the word before it, without a space (whisper.cpp prints a
            segment that starts inside a word, ``,`` or ``'s``, with no space of its own).
        reader: the name of the reader class that read it (``inspect --explain``).
    """

    index: int
    ms: int
    kind: Layout
    at_end: bool
    strong: bool
    precision: int
    text_start: int
    text_end: int
    raw: str
    speaker: str | None = None
    label: str | None = None
    label_end: int = 0
    end_ms: int | None = None
    dash: bool = False
    turn: bool = False
    turn_after: bool = False
    glue: bool = False
    reader: str = ""


#: The usual line's stamp (``00:14Bonsoir``): ``(ms, end of the stamp, 0-based line)``.  A bare
#: tuple because a long transcript holds hundreds of thousands of them; the text starts where
#: the stamp ends, and it stands for a weak :attr:`Layout.GLUED` :class:`Stamp` without speaker.
Glued = tuple[int, int, int]
#: A candidate stamp as :func:`scan` finds it.
Candidate = Glued | Stamp
#: A turn on a line without a stamp: ``(speaker or None, where the text starts)``.
Turn = tuple[str | None, int]


def candidate_ms(c: Candidate) -> int:
    """The time of a candidate."""
    return c[0] if isinstance(c, tuple) else c.ms


def candidate_index(c: Candidate) -> int:
    """The 0-based line of a candidate."""
    return c[2] if isinstance(c, tuple) else c.index


def candidate_raw(c: Candidate, lines: Sequence[str]) -> str:
    """A candidate as written, for notes and messages."""
    return lines[c[2]][: c[1]] if isinstance(c, tuple) else c.raw


_STAMP, _MS = CLOCK, CLOCK_MILLIS
#: A person's name as transcripts write it: capitalised words (particles allowed), or ``Speaker 2``.
NAME = r"(?:[A-ZÀ-ÖØ-Þ][\w'’.-]*|Speaker|Intervenant)(?:[ ](?:[A-ZÀ-ÖØ-Þ0-9][\w'’.-]*|de|du|van|von|le|la))*"


@functools.cache   # compiled on first use: most files never need it
def _name_re() -> re.Pattern[str]:
    return re.compile(rf"{NAME}$")


# What may stand between a stamp and its text: blanks, or a dash or bar followed by blanks (a
# dash glued to the stamp, "04:41– Je", is one too).
_SEPARATOR = re.compile(r"[ \t]*(?:(?P<mark>[-–—|])[ \t]+)?")
_DASHES = "-–—"


def _text_start(line: str, stamp_end: int) -> tuple[int, bool]:
    """Where the text starts after a stamp that ends at ``stamp_end`` (past the separator), and
    whether the separator held a dash."""
    sep = _SEPARATOR.match(line, stamp_end)
    if sep is None:
        return stamp_end, False
    mark = sep.group("mark")
    return sep.end(), mark is not None and mark in _DASHES


def _leading(index: int, line: str, m: re.Match[str], kind: Layout, strong: bool, text_start: int,
             speaker: str | None = None, reader: str = "") -> Stamp:
    """The leading stamp that ``m`` (a pattern with :data:`CLOCK` and :data:`CLOCK_MILLIS`) matched."""
    return Stamp(index, clock_ms(m), kind, False, strong, 1 if m.group("ms") else 1000, text_start, len(line),
                 m.group(0).strip(), speaker, reader=reader)


def _separated(index: int, line: str, m: re.Match[str] | None, kind: Layout, speaker: str | None,
               reader: str) -> Stamp | None:
    """The strong leading stamp ``m`` matched (None when it did not), its text past the separator
    that follows it, and whether that separator held a dash."""
    if m is None:
        return None
    start, dash = _text_start(line, m.end())
    stamp = _leading(index, line, m, kind, True, start, speaker, reader)
    stamp.dash = dash
    return stamp


class LeadingLayout(Protocol):
    """A layout whose stamp opens the line: its name (for the detector's scores), an example
    (for the message of a file no layout reads), and its reader."""

    name: str
    example: str

    def read(self, index: int, line: str) -> Stamp | None:
        """The stamp that opens ``line`` in this layout, or None."""


_SPEAKER_TURN = re.compile(r"[ \t]*\[SPEAKER_TURN\][ \t]*$")


class WhisperSegment:
    """``[00:00:00.000 --> 00:00:05.000]   text``: a recogniser's segment (whisper.cpp's console
    output, whisper's ``--verbose``), its start and end exact.

    whisper.cpp prints two spaces after the bracket, then the segment's text, which starts with a
    space when it starts a word: a segment with no space of its own (``,``, ``'s``) continues the
    word before it (``glue``).  tinydiarize's ``[SPEAKER_TURN]`` at the end says the next segment
    is another speaker.
    """

    name = "whisper"
    example = "recogniser segments ([00:00:00.000 --> 00:00:05.000] text)"
    pattern = re.compile(rf"[ \t]*\[[ \t]*{clock_pattern('', millis='')}[ \t]*-->[ \t]*"
                         rf"{clock_pattern('e_', millis='')}[ \t]*\]")

    def read(self, index: int, line: str) -> Stamp | None:
        m = self.pattern.match(line)
        if m is None:
            return None
        end = m.end()
        spaces = len(line) - end - len(line[end:].lstrip(" \t"))
        start = end + spaces
        turn = _SPEAKER_TURN.search(line, start)
        text_end = turn.start() if turn is not None else len(line)
        glue = spaces == 2 and start < text_end and not line[start].isalnum()
        return Stamp(index, clock_ms(m), Layout.WHISPER, False, True, 1, start, text_end, m.group(0).strip(),
                     end_ms=clock_ms(m, "e_"), turn_after=turn is not None, glue=glue, reader=self.name)


class SbvTiming:
    """``0:00:01.000,0:00:04.000`` alone on its line, the text on the next lines (YouTube SBV)."""

    name = "sbv"
    example = "SBV (0:00:01.000,0:00:04.000)"
    pattern = re.compile(rf"[ \t]*{clock_pattern('', millis='')},{clock_pattern('e_', millis='')}[ \t]*$")

    def read(self, index: int, line: str) -> Stamp | None:
        m = self.pattern.match(line)
        if m is None:
            return None
        return Stamp(index, clock_ms(m), Layout.SBV, False, True, 1, len(line), len(line), m.group(0).strip(),
                     end_ms=clock_ms(m, "e_"), reader=self.name)


class SpeakerParen:
    """``Name (00:07): text``: a speaker, the stamp in parentheses, a colon (Rev, Descript); the
    text may start on the next line."""

    name = "speaker-paren"
    example = "Rev/Descript (Name (00:01:23): text)"
    pattern = re.compile(rf"[ \t]*(?P<name>{NAME})[ \t]*\({_STAMP}{_MS}?\)[ \t]*:[ \t]*")

    def read(self, index: int, line: str) -> Stamp | None:
        m = self.pattern.match(line)
        if m is None:
            return None
        return _leading(index, line, m, Layout.SPEAKER, True, m.end(), m.group("name"), self.name)


# A stamp as Markdown writes one: bare, in brackets (with blanks inside, "[0:20 ]"), or as a
# link to a time of the page ("[00:12](#t=00:12)").
_MD_STAMP = rf"(?P<open>[\[(])?[ \t]*{_STAMP}{_MS}?(?(open)[ \t]*[\])](?:\([^)\n]*\))?|(?![\d:]))"


class MarkdownSpeaker:
    """``**Name** [0:00]``, ``**Name** 0:00``, ``**Name:** [00:00:12] text``: a speaker in bold, then
    the stamp (bare, bracketed or a link); the text follows on the line or on the next lines."""

    name = "markdown-speaker"
    example = "Markdown speaker (**Name** [0:00])"
    pattern = re.compile(rf"[ \t]*\*\*[ \t]*(?P<name>[^*\n]{{1,60}}?)[ \t]*:?\*\*[ \t]*:?[ \t]*{_MD_STAMP}[ \t]*")

    def read(self, index: int, line: str) -> Stamp | None:
        m = self.pattern.match(line)
        return _separated(index, line, m, Layout.MARKDOWN, m.group("name").strip() if m else None, self.name)


class MarkdownStamp:
    """``**00:40** - title``, ``* **[00:12](#t=00:12)** title``: a stamp in bold, maybe after a list
    bullet (show notes; :mod:`.chapters` tells a list of chapters from a transcript)."""

    name = "markdown-stamp"
    example = "Markdown stamp (**00:40** title)"
    pattern = re.compile(rf"[ \t]*(?:[-*+][ \t]+)?\*\*[ \t]*{_MD_STAMP}[ \t]*\*\*")

    def read(self, index: int, line: str) -> Stamp | None:
        return _separated(index, line, self.pattern.match(line), Layout.MARKDOWN, None, self.name)


class Bracketed:
    """``[00:00:14.500] text``, ``(00:14) text`` or a Markdown link ``[00:12](#t=00:12) text``:
    milliseconds kept; speech never takes it."""

    name = "bracketed"
    example = "bracketed ([00:14] text, [00:12](#t=00:12) text)"
    # one bracket pair (a "]" may carry a Markdown link target); the pair's kinds are not
    # matched against each other: "[00:14)" is a typo of the same stamp
    pattern = re.compile(rf"[ \t]*[\[(][ \t]*{_STAMP}{_MS}?[ \t]*[\])](?:\([^)\n]*\))?")

    def read(self, index: int, line: str) -> Stamp | None:
        return _separated(index, line, self.pattern.match(line), Layout.BRACKETED, None, self.name)


class BareStamp:
    """A bare stamp opening the line: glued ``00:14Bonsoir``, spaced ``00:14 - Bonsoir`` (a
    space, a tab, a dash or a bar between), or alone on its line with the text on the next lines.

    Milliseconds only when a blank or the line's end follows, so that glued ``00:14,5 millions``
    stays text.
    """

    name = "bare"
    example = "glued, spaced or alone (00:14Bonsoir, 00:14 text, 0:07 on its own line)"
    pattern = re.compile(rf"[ \t]*{_STAMP}(?:{_MS}(?=[ \t]|$))?")

    def read(self, index: int, line: str) -> Stamp | None:
        m = self.pattern.match(line)
        if m is None:
            return None
        end = m.end()
        glued = end < len(line) and not line[end].isspace()
        text_start, dash = _text_start(line, end)
        alone = not line[text_start:].strip()
        kind = Layout.STAMP_LINE if alone else Layout.GLUED if glued else Layout.SPACED
        stamp = _leading(index, line, m, kind, alone, text_start, reader=self.name)
        stamp.dash = dash and not alone
        return stamp


class SpeakerLabel:
    """``[00:07] Name: text`` or ``[00:07](#t=00:07) **Name**: text`` (after a bracketed or spaced stamp).

    ``Name: text`` is also ordinary writing ("Note: ..."), so the name is only a label here;
    :func:`accept_labels` decides for the whole file whether labels are speakers.
    """

    pattern = re.compile(rf"(?:\*\*[ \t]*)?(?P<name>{NAME})[ \t]*(?::\*\*|\*\*[ \t]*:|:)[ \t]+")
    after = (Layout.BRACKETED, Layout.SPACED)

    def read(self, stamp: Stamp, line: str) -> None:
        """Record the label that follows ``stamp`` on ``line``, if any."""
        if stamp.kind in self.after:
            m = self.pattern.match(line, stamp.text_start)
            if m is not None:
                stamp.label, stamp.label_end = m.group("name"), m.end()


# A name ends with a letter, or is an initial ("J.", "Jr."): "Précisément." is the end of a sentence.
@functools.cache   # compiled on first use: most files never need it
def _not_a_name_end() -> re.Pattern[str]:
    return re.compile(r"(?:[,;:!?…]|[^\W\d_]{4,}\.)$")


class TrailingStamp:
    """A stamp at the end of a line, after a space or punctuation: left there by a copy-paste
    (its text is on the next lines), or Otter's ``Name  0:07`` (a speaker, then the text below;
    :func:`decide_marks` keeps the name only when the file uses it so).
    """

    name = "trailing"
    example = "trailing or Otter (Name  0:07, then the text)"
    pattern = re.compile(rf"(?:^|(?<=[\s,.;:!?…]))[ \t]*{_STAMP}[ \t]*$")

    def read(self, index: int, line: str, lead: Stamp | None) -> Stamp | None:
        """The stamp that ends ``line`` after the text of its leading stamp ``lead``, or None."""
        if lead is not None and lead.kind in (Layout.STAMP_LINE, Layout.WHISPER, Layout.SBV):
            return None
        text_start = 0 if lead is None else lead.text_start
        m = self.pattern.search(line, text_start)
        if m is None or m.start() < text_start:
            return None
        prefix = line[text_start:m.start()].strip()
        if not prefix:
            return None
        otter = (lead is None and _name_re().match(prefix) is not None and len(prefix.split()) <= 4
                 and _not_a_name_end().search(prefix) is None)
        return Stamp(index, clock_ms(m), Layout.SPEAKER if otter else Layout.GLUED, True, False, 1000,
                     len(line), m.start(), m.group(0).strip(), speaker=prefix if otter else None,
                     reader="otter" if otter else self.name)


#: The leading layouts, in the order they are tried (the first that reads a stamp wins): the
#: most specific forms first.
LEADING: tuple[LeadingLayout, ...] = (WhisperSegment(), SbvTiming(), SpeakerParen(), MarkdownSpeaker(),
                                      MarkdownStamp(), Bracketed(), BareStamp())
_LABEL = SpeakerLabel()
_TRAILING = TrailingStamp()
#: The readers of a line's end (:mod:`.detect` scores them with the leading ones).
TRAILING: tuple[TrailingStamp, ...] = (_TRAILING,)


def scan_line(index: int, line: str) -> tuple[Stamp | None, Stamp | None]:
    """The candidate stamps of one line, read carefully through every layout: (leading, trailing).

    >>> lead, trail = scan_line(0, "[00:07] Alice: Bonjour 00:09")
    >>> lead.ms, lead.kind.value, lead.label, trail.ms, trail.text_end
    (7000, 'bracketed', 'Alice', 9000, 23)
    """
    lead = None
    for layout in LEADING:
        lead = layout.read(index, line)
        if lead is not None:
            _LABEL.read(lead, line)
            break
    return lead, _TRAILING.read(index, line, lead)


@dataclass(slots=True)
class LineStamps:
    """The candidate stamps of every line of a transcript.

    Attributes:
        leads: per line, the stamp that opens it (None when none does).
        trails: line -> the stamp that ends it.
        page: the lines that are page metadata whatever they hold (a front matter, a
            ``Duration: 10:05`` field): no stamp is looked for there.
        turns: line -> a turn on a line without a stamp (a dash, ``>>``, a known speaker's
            ``Name:``), set by :func:`decide_marks`.
        dash_separates: the file puts a dash after (almost) every stamp: a separator, no turn.
    """

    leads: list[Candidate | None]
    trails: dict[int, Stamp]
    page: frozenset[int] = frozenset()
    turns: dict[int, Turn] | None = None
    dash_separates: bool = False

    def candidates(self) -> list[Candidate]:
        """Every candidate in reading order (a line's leading stamp before its trailing one)."""
        if not self.trails:
            return [c for c in self.leads if c is not None]
        out: list[Candidate] = []
        for i, lead in enumerate(self.leads):
            if lead is not None:
                out.append(lead)
            trail = self.trails.get(i)
            if trail is not None:
                out.append(trail)
        return out

    def last_line(self) -> int:
        """The 0-based last line that holds a stamp (there must be one)."""
        leads, trails = self.leads, self.trails
        return next(i for i in range(len(leads) - 1, -1, -1) if leads[i] is not None or i in trails)


# The usual line, "00:14Bonsoir": a bare stamp (CLOCK's groups by number: 1-3 H:MM:SS, 4-5 M:SS)
# glued to text, i.e. followed by neither another ":digit", nor a decimal point or comma and a
# digit (milliseconds, an SBV timing), nor a separator or any blank (\s: what str.isspace and so
# BareStamp call a blank).
@functools.cache   # compiled on first use: most files never need it
def _fast_stamp() -> re.Pattern[str]:
    return re.compile(CLOCK + r"(?!:\d|[.,]\d)(?=[^\s\-–—|])")


_DIGITS = frozenset("0123456789")
# A line ending so may end with a stamp (or carry blanks to normalise): the careful path reads it.
_DIGITS_SPACE = frozenset("0123456789 \t\u00a0")

# A front matter: "---" (YAML) or "+++" (TOML) on the first line, closed within the first lines.
_FRONT_MATTER_LINES = 80


# A page field whose value is a time: "- **Duration**: 10:05", 'duration: "14:01"', "Durée : 10:05".
@functools.cache   # compiled on first use: most files never need it
def _field() -> re.Pattern[str]:
    return re.compile(
        r"[ \t]*(?:[-*+][ \t]+)?(?:\*\*|__)?[ \t]*(?i:duration|length|runtime|running[ \t]time|total[ \t]time|time|"
        r"durée|duree|temps|dauer|länge|duración|duracion|durata|recorded|published|date|episode[ \t]length)"
        r"[ \t]*(?:\*\*|__)?[ \t]*:[ \t]*(?:\*\*|__)?[ \t]*[\"']?[ \t]*" + CLOCK + r"(?:[.,]\d+)?[ \t]*[\"']?"
        r"[ \t]*(?:\*\*|__)?[ \t]*$")


def page_lines(lines: Sequence[str]) -> frozenset[int]:
    """The 0-based lines that are page metadata whatever they hold: a front matter (``---`` on the
    first line, up to the next ``---``), and page fields whose value is a time (``Duration: 10:05``).

    >>> sorted(page_lines(["---", "duration: \\"14:01\\"", "---", "- **Duration**: 10:05", "0:00 Hi"]))
    [0, 1, 2, 3]
    """
    out: set[int] = set()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].strip() in ("---", "+++"):
        fence = lines[first].strip()
        close = next((j for j in range(first + 1, min(len(lines), first + _FRONT_MATTER_LINES))
                      if lines[j].strip() == fence), None)
        if close is not None:
            out.update(range(first, close + 1))
    for i, line in enumerate(lines):
        if ":" in line and len(line) < 80 and _field().match(line):
            out.add(i)
    return frozenset(out)


def scan(lines: Sequence[str], *, skip: frozenset[int] = frozenset()) -> LineStamps:
    """The candidate stamps of every line: :func:`scan_line`'s reading, the usual line faster.

    The usual line (a bare stamp glued to its text, nothing time-like at its end) gets a
    :data:`Glued` tuple from one regex match; every other line goes through :func:`scan_line`.
    Page lines (:func:`page_lines`) and the lines in ``skip`` (dropped by the user) hold no stamp.

    >>> scan(["Titre", "00:14Bonsoir", "[00:20] Oui"]).leads[1:2]
    [(14000, 5, 1)]
    """
    leads: list[Candidate | None] = [None] * len(lines)
    trails: dict[int, Stamp] = {}
    fast = _fast_stamp().match
    page = page_lines(lines)
    never = page | skip
    for i, line in enumerate(lines):
        if not line or ":" not in line or i in never:
            continue
        if line[0] in _DIGITS and line[-1] not in _DIGITS_SPACE:
            m = fast(line)
            if m is not None:
                if m.lastindex == 5:
                    leads[i] = (from_fields(0, int(m[4]), int(m[5])), m.end(), i)
                else:
                    leads[i] = (from_fields(int(m[1]), int(m[2]), int(m[3])), m.end(), i)
                continue
        lead, trail = scan_line(i, line)
        leads[i] = lead
        if trail is not None:
            trails[i] = trail
    return LineStamps(leads, trails, page)


def accept_labels(stamps: LineStamps) -> None:
    """Turn ``[00:07] Name: text`` labels into speakers when the file uses them as labels.

    ``Name: text`` is also ordinary writing ("Note: ..."), so a label counts only when the same
    name labels two lines or when most stamped lines carry a label.
    """
    labelled = [s for s in stamps.leads if isinstance(s, Stamp) and s.label]
    if not labelled:
        return
    counts = Counter(s.label for s in labelled)
    stamped = len(stamps.leads) - stamps.leads.count(None)  # the usual lines' Glued tuples too
    mostly = len(labelled) * 2 >= stamped
    for st in labelled:
        if mostly or counts[st.label] >= 2:
            st.speaker, st.text_start = st.label, st.label_end


def _accept_otter(stamps: LineStamps) -> None:
    """Keep Otter's ``Name  0:07`` names only when the file uses them so: the same name before
    two stamps, or most trailing stamps after a name; otherwise the text before the stamp is
    speech (a copy-paste left the stamp there)."""
    named = [s for s in stamps.trails.values() if s.speaker is not None]
    if not named:
        return
    counts = Counter(s.speaker for s in named)
    mostly = len(named) * 2 >= len(stamps.trails)
    for st in named:
        if not (mostly and len(named) >= 2) and counts[st.speaker] < 2:
            st.speaker, st.kind, st.reader = None, Layout.GLUED, _TRAILING.name


# The share of stamped lines with a dash after the stamp from which dashes are a separator.
_DASH_SEPARATOR_SHARE = 0.9
_DASH_SEPARATOR_MIN = 3


def _decide_dashes(stamps: LineStamps) -> None:
    """A dash after the stamp is a turn mark (``04:41– Je pense``: 31 of the sample's 2,802
    lines), unless the file puts one after (almost) every stamp (``00:14 - Bonsoir``): then it
    separates and says nothing of speakers."""
    leads = [s for s in stamps.leads if isinstance(s, Stamp)]
    dashed = sum(1 for s in leads if s.dash)
    if not dashed:
        return
    stamped = len(stamps.leads) - stamps.leads.count(None)
    stamps.dash_separates = dashed >= _DASH_SEPARATOR_MIN and dashed >= _DASH_SEPARATOR_SHARE * stamped
    if not stamps.dash_separates:
        for s in leads:
            s.turn = s.turn or s.dash


# A turn on a line of its own, without a stamp: a dialogue dash ("– Oui.", "-Oui."), ">>"
# (broadcast captions), a bold name ("**Ali**: text", "**Ali**"), or a name alone or before a colon.
@functools.cache   # compiled on first use: most files never need it
def _line_dash() -> re.Pattern[str]:
    return re.compile(r"[ \t]*(?:[-–—](?:[ \t]+|(?=[^\W\d_]|[«“\"'¿¡]))|>>[ \t]*)(?=\S)")


@functools.cache   # compiled on first use: most files never need it
def _line_name() -> re.Pattern[str]:
    return re.compile(rf"[ \t]*(?:\*\*[ \t]*(?P<bold>[^*\n]{{1,60}}?)[ \t]*:?\*\*[ \t]*:?|(?P<name>{NAME})[ \t]*:)"
                      r"[ \t]*")


@functools.cache   # compiled on first use: most files never need it
def _line_name_alone() -> re.Pattern[str]:
    return re.compile(rf"[ \t]*(?:\*\*)?[ \t]*(?P<name>{NAME})[ \t]*(?:\*\*)?[ \t]*:?[ \t]*$")


def unstamped_turn(line: str, speakers: frozenset[str] | set[str]) -> Turn | None:
    """The turn a line without a stamp opens, or None: a dash or ``>>`` at its start, or the name
    of one of the file's ``speakers`` (alone, before a colon, or in bold).

    >>> unstamped_turn("– Oui, bien sûr.", set()), unstamped_turn("Ali", {"Ali"}), unstamped_turn("Note: x", set())
    ((None, 2), ('Ali', 3), None)
    """
    m = _line_dash().match(line)
    if m is not None:
        return None, m.end()
    if not speakers:
        return None
    m = _line_name_alone().match(line)
    if m is not None and m.group("name") in speakers:
        return m.group("name"), len(line)
    m = _line_name().match(line)
    if m is not None:
        name = (m.group("bold") or m.group("name") or "").strip()
        if name in speakers:
            return name, m.end()
    return None


def decide_marks(lines: Sequence[str], stamps: LineStamps, first: int, last: int) -> None:
    """Decide for the whole file what its marks mean: ``Name:`` labels and Otter names as
    speakers (:func:`accept_labels`), dashes after stamps as turns or separators, and the turns
    on lines without a stamp between lines ``first`` and ``last`` (0-based, the speech).

    A bold name line (``**Ali**:``) or a name line counts only when the name is a speaker the
    file names with a stamp somewhere (``Ali  0:05`` elsewhere, ``**Ali** [0:05]``).
    """
    accept_labels(stamps)
    _accept_otter(stamps)
    _decide_dashes(stamps)
    speakers = {s.speaker for s in stamps.leads if isinstance(s, Stamp) and s.speaker}
    speakers.update(s.speaker for s in stamps.trails.values() if s.speaker)
    turns: dict[int, Turn] = {}
    leads, trails, page = stamps.leads, stamps.trails, stamps.page
    for i in range(first, last + 1):
        line = lines[i]
        if leads[i] is not None or not line or i in page:
            continue
        found = unstamped_turn(line, speakers)
        if found is not None and (i not in trails or found[0] is None):
            turns[i] = found
    stamps.turns = turns
