"""Fragments -> transcript text in one layout."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Fragment, Layout
from ..timecode import format_clock

__all__ = ["render_transcript"]

_RENDER = {
    Layout.GLUED: "{stamp}{text}",
    Layout.SPACED: "{stamp} {text}",
    Layout.BRACKETED: "[{stamp}] {text}",
    Layout.STAMP_LINE: "{stamp}\n{text}",
}


def render_transcript(fragments: Sequence[Fragment], layout: Layout = Layout.GLUED) -> str:
    """Write fragments as transcript text in one layout (the inverse of
    :func:`~captions.transcript.parse_transcript`).

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
