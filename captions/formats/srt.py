"""SubRip (SRT) writing through pysrt, and the objects pysrt users want.

pysrt is imported here and nowhere else in the toolkit.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pysrt

from ..model import Cue
from ._text import display_lines, without_arrow

__all__ = ["to_pysrt", "render_srt"]


def to_pysrt(cues: Sequence[Cue]) -> pysrt.SubRipFile:
    """The cues as a :class:`pysrt.SubRipFile`, indexed from 1.

    SRT has no escape, so a ``-->`` in the text (which players would take for a timing
    line) is written as an arrow character, and empty lines are left out of the text.
    """
    items = [
        pysrt.SubRipItem(
            index,
            start=pysrt.SubRipTime.from_ordinal(cue.start_ms),
            end=pysrt.SubRipTime.from_ordinal(cue.end_ms),
            text="\n".join(without_arrow(line) for line in display_lines(cue)),
        )
        for index, cue in enumerate(cues, start=1)
    ]
    return pysrt.SubRipFile(items)


def render_srt(cues: Sequence[Cue]) -> str:
    """SRT text: indexes from 1, ``HH:MM:SS,mmm`` with three millisecond digits.

    >>> print(render_srt([Cue(1500, 3000, ("Bonsoir", "à tous"))]), end="")
    1
    00:00:01,500 --> 00:00:03,000
    Bonsoir
    à tous
    <BLANKLINE>
    """
    buffer = io.StringIO()
    to_pysrt(cues).write_into(buffer, eol="\n")
    return buffer.getvalue()
