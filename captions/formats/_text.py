"""Cue text rules shared by the SRT and WebVTT writers (no third-party import here)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..model import Cue

#: What the writers put instead of a literal ``-->`` where the format has no escape for it
#: (SRT text, WebVTT NOTE text): a parser would take ``-->`` for a new cue's timing line.
ARROW_REPLACEMENT = "\u2192"


def _split_breaks(text: str) -> list[str]:
    """``text`` cut at every line break (``\\r\\n``, ``\\r`` or ``\\n``)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def display_lines(cue: Cue) -> tuple[str, ...]:
    """The lines a writer puts in a cue block.

    Line-break characters inside a line split it, and lines that are empty or only
    whitespace are left out: an empty line would end the cue block in both formats, so
    the text after it would be read as garbage (or lost, as pysrt does).

    >>> display_lines(Cue(0, 1000, ("Bonsoir\\r\\nà tous", "  ", " Oui")))
    ('Bonsoir', 'à tous', ' Oui')
    """
    return tuple(part for line in cue.lines for part in _split_breaks(line) if part.strip())


def without_arrow(text: str) -> str:
    """``text`` with every ``-->`` replaced by an arrow character (one pass suffices:
    the replacement has no hyphen, so no new ``-->`` can appear).

    >>> without_arrow("a ---> b")
    'a -\u2192 b'
    """
    return text.replace("-->", ARROW_REPLACEMENT)


def note_lines(notes: Sequence[str] | Iterable[str]) -> tuple[str, ...]:
    """The lines of a WebVTT NOTE block holding ``notes`` (page title, description...).

    A NOTE block ends at the first empty line and a ``-->`` in it would start a cue, so
    blank lines are dropped, runs of whitespace are kept as written, and ``-->`` becomes
    an arrow character.

    >>> note_lines(["Tech & Co", "", "  a  -->  b\\n\\n"])
    ('Tech & Co', 'a  \u2192  b')
    """
    out: list[str] = []
    for note in notes:
        for part in _split_breaks(str(note)):
            part = without_arrow(part).strip()
            if part:
                out.append(part)
    return tuple(out)
