"""The stamp layouts: which candidate stamps a transcript line holds.

One reader class per layout.  A leading layout reads the stamp that opens a line
(:class:`SpeakerParen`, :class:`Bracketed`, :class:`BareStamp`), :class:`SpeakerLabel` reads the
``Name:`` that may follow one, and :class:`TrailingStamp` reads the stamp a line may end with.
Adding a layout is adding a reader here (and to :data:`LEADING` for a leading one).

:func:`scan_line` is the careful reading of one line, through every reader.  :func:`scan` reads
a whole transcript; it reads the usual line (``00:14Bonsoir``) on a fast path, which a property
test keeps in agreement with :func:`scan_line`.  Which candidates are stamps and which are
speech that looks like a time is decided later, by :mod:`.order`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ..model import Layout
from ..timecode import CLOCK, CLOCK_MILLIS, clock_ms, from_fields

__all__ = [
    "Stamp", "Glued", "Candidate", "LineStamps", "LeadingLayout", "SpeakerParen", "Bracketed", "BareStamp",
    "SpeakerLabel", "TrailingStamp", "LEADING", "scan_line", "scan", "accept_labels", "candidate_ms",
    "candidate_index", "candidate_raw",
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
        text_end: where the text before a trailing stamp ends.
        raw: the stamp as written, for notes.
        speaker: the speaker's name, when the layout gives one.
        label: a ``Name:`` after the stamp, accepted later for the whole file (:func:`accept_labels`).
        label_end: where the text after that label starts.
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


#: The usual line's stamp (``00:14Bonsoir``): ``(ms, end of the stamp, 0-based line)``.  A bare
#: tuple because a long transcript holds hundreds of thousands of them; the text starts where
#: the stamp ends, and it stands for a weak :attr:`Layout.GLUED` :class:`Stamp` without speaker.
Glued = tuple[int, int, int]
#: A candidate stamp as :func:`scan` finds it.
Candidate = Glued | Stamp


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
_NAME = r"(?:[A-ZÀ-ÖØ-Þ][\w'’.-]*|Speaker|Intervenant)(?:[ ](?:[A-ZÀ-ÖØ-Þ0-9][\w'’.-]*|de|du|van|von|le|la))*"
_NAME_RE = re.compile(rf"{_NAME}$")
# What may stand between a stamp and its text: blanks, or a dash or bar between blanks.
_SEPARATOR = re.compile(r"[ \t]*(?:[-–—|][ \t]+)?")


def _text_start(line: str, stamp_end: int) -> int:
    """Where the text starts after a stamp that ends at ``stamp_end``: past the separator."""
    sep = _SEPARATOR.match(line, stamp_end)
    return stamp_end if sep is None else sep.end()


def _leading(index: int, line: str, m: re.Match[str], kind: Layout, strong: bool, text_start: int,
             speaker: str | None = None) -> Stamp:
    """The leading stamp that ``m`` (a pattern with :data:`CLOCK` and :data:`CLOCK_MILLIS`) matched."""
    return Stamp(index, clock_ms(m), kind, False, strong, 1 if m.group("ms") else 1000, text_start, len(line),
                 m.group(0).strip(), speaker)


class LeadingLayout(Protocol):
    """A layout whose stamp opens the line."""

    def read(self, index: int, line: str) -> Stamp | None:
        """The stamp that opens ``line`` in this layout, or None."""


class SpeakerParen:
    """``Name (00:07): text``: a speaker, the stamp in parentheses, a colon."""

    pattern = re.compile(rf"[ \t]*(?P<name>{_NAME})[ \t]*\({_STAMP}{_MS}?\)[ \t]*:[ \t]*")

    def read(self, index: int, line: str) -> Stamp | None:
        m = self.pattern.match(line)
        if m is None:
            return None
        return _leading(index, line, m, Layout.SPEAKER, True, m.end(), m.group("name"))


class Bracketed:
    """``[00:00:14.500] text`` or ``(00:14) text``: milliseconds kept; speech never takes it."""

    pattern = re.compile(rf"[ \t]*[\[(][ \t]*{_STAMP}{_MS}?[ \t]*[\])]")

    def read(self, index: int, line: str) -> Stamp | None:
        m = self.pattern.match(line)
        if m is None:
            return None
        return _leading(index, line, m, Layout.BRACKETED, True, _text_start(line, m.end()))


class BareStamp:
    """A bare stamp opening the line: glued ``00:14Bonsoir``, spaced ``00:14 - Bonsoir`` (a
    space, a tab, a dash or a bar between), or alone on its line with the text on the next lines.

    Milliseconds only when a blank or the line's end follows, so that glued ``00:14,5 millions``
    stays text.
    """

    pattern = re.compile(rf"[ \t]*{_STAMP}(?:{_MS}(?=[ \t]|$))?")

    def read(self, index: int, line: str) -> Stamp | None:
        m = self.pattern.match(line)
        if m is None:
            return None
        end = m.end()
        glued = end < len(line) and not line[end].isspace()
        text_start = _text_start(line, end)
        alone = not line[text_start:].strip()
        kind = Layout.STAMP_LINE if alone else Layout.GLUED if glued else Layout.SPACED
        return _leading(index, line, m, kind, alone, text_start)


class SpeakerLabel:
    """``[00:07] Name: text`` (after a bracketed or spaced stamp).

    ``Name: text`` is also ordinary writing ("Note: ..."), so the name is only a label here;
    :func:`accept_labels` decides for the whole file whether labels are speakers.
    """

    pattern = re.compile(rf"(?P<name>{_NAME}):[ \t]+")
    after = (Layout.BRACKETED, Layout.SPACED)

    def read(self, stamp: Stamp, line: str) -> None:
        """Record the label that follows ``stamp`` on ``line``, if any."""
        if stamp.kind in self.after:
            m = self.pattern.match(line, stamp.text_start)
            if m is not None:
                stamp.label, stamp.label_end = m.group("name"), m.end()


class TrailingStamp:
    """A stamp at the end of a line, after a space or punctuation: left there by a copy-paste
    (its text is on the next lines), or Otter's ``Name  0:07`` (a speaker, then the text below).
    """

    pattern = re.compile(rf"(?:^|(?<=[\s,.;:!?…]))[ \t]*{_STAMP}[ \t]*$")

    def read(self, index: int, line: str, lead: Stamp | None) -> Stamp | None:
        """The stamp that ends ``line`` after the text of its leading stamp ``lead``, or None."""
        if lead is not None and lead.kind is Layout.STAMP_LINE:
            return None
        text_start = 0 if lead is None else lead.text_start
        m = self.pattern.search(line, text_start)
        if m is None or m.start() < text_start:
            return None
        prefix = line[text_start:m.start()].strip()
        if not prefix:
            return None
        otter = lead is None and _NAME_RE.match(prefix) is not None and len(prefix.split()) <= 4
        return Stamp(index, clock_ms(m), Layout.SPEAKER if otter else Layout.GLUED, True, False, 1000,
                     len(line), m.start(), m.group(0).strip(), speaker=prefix if otter else None)


#: The leading layouts, in the order they are tried (the first that reads a stamp wins).
LEADING: tuple[LeadingLayout, ...] = (SpeakerParen(), Bracketed(), BareStamp())
_LABEL = SpeakerLabel()
_TRAILING = TrailingStamp()


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
    """

    leads: list[Candidate | None]
    trails: dict[int, Stamp]

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
# glued to text, i.e. followed by neither another ":digit", nor milliseconds and a blank, nor a
# separator or any blank (\s: what str.isspace and so BareStamp call a blank).
_FAST = re.compile(CLOCK + r"(?!:\d|[.,]\d{3}(?:[ \t]|$))(?=[^\s\-–—|])")
_DIGITS = frozenset("0123456789")
# A line ending so may end with a stamp (or carry blanks to normalise): the careful path reads it.
_DIGITS_SPACE = frozenset("0123456789 \t\u00a0")


def scan(lines: Sequence[str]) -> LineStamps:
    """The candidate stamps of every line: :func:`scan_line`'s reading, the usual line faster.

    The usual line (a bare stamp glued to its text, nothing time-like at its end) gets a
    :data:`Glued` tuple from one regex match; every other line goes through :func:`scan_line`.

    >>> scan(["Titre", "00:14Bonsoir", "[00:20] Oui"]).leads[1:2]
    [(14000, 5, 1)]
    """
    leads: list[Candidate | None] = [None] * len(lines)
    trails: dict[int, Stamp] = {}
    fast = _FAST.match
    for i, line in enumerate(lines):
        if not line or ":" not in line:
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
    return LineStamps(leads, trails)


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
