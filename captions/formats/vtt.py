"""WebVTT writing through webvtt-py, and the objects webvtt-py users want.

webvtt-py is imported here and nowhere else in the toolkit.  It writes cue text as
given, so the escaping WebVTT needs (``&``, ``<``, ``>``) is done here.
"""

from __future__ import annotations

from collections.abc import Sequence

import webvtt

from ..model import Cue
from ..timecode import format_vtt
from ._text import display_lines, note_lines

__all__ = ["to_webvtt", "render_vtt", "escape_vtt_text"]

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_BLOCK_WORDS = ("NOTE", "STYLE", "REGION", "WEBVTT")


def escape_vtt_text(text: str) -> str:
    """Cue text with ``&``, ``<`` and ``>`` written as character references.

    Escaping ``>`` too means a ``-->`` in the text becomes ``--&gt;``, which no parser
    takes for a timing line, and which every WebVTT reader shows as ``-->``.

    >>> escape_vtt_text("R&D <3 a --> b")
    'R&amp;D &lt;3 a --&gt; b'
    """
    return text.translate(_ESCAPES)


def _safe_identifier(identifier: str) -> str:
    # An identifier that is multi-line, holds "-->" or starts like another block would
    # change how the block is read; such an identifier is left out, never mangled.
    if (not identifier or "\n" in identifier or "\r" in identifier or "-->" in identifier
            or identifier.startswith(_BLOCK_WORDS)):
        return ""
    return identifier


def _safe_settings(settings: str) -> str:
    if "\n" in settings or "\r" in settings or "-->" in settings:
        return ""
    return settings.strip()


def to_webvtt(cues: Sequence[Cue], *, header_notes: Sequence[str] = ()) -> webvtt.WebVTT:
    """The cues as a :class:`webvtt.WebVTT`, text escaped, ``header_notes`` in one NOTE block."""
    captions = [
        webvtt.Caption(
            format_vtt(cue.start_ms),
            format_vtt(cue.end_ms),
            [escape_vtt_text(line) for line in display_lines(cue)],
            identifier=_safe_identifier(cue.identifier) or None,
            settings=_safe_settings(cue.settings) or None,
        )
        for cue in cues
    ]
    notes = note_lines(header_notes)
    return webvtt.WebVTT(captions=captions, header_comments=["\n".join(notes)] if notes else [])


def render_vtt(cues: Sequence[Cue], *, header_notes: Sequence[str] = ()) -> str:
    """WebVTT text: the ``WEBVTT`` signature, an optional NOTE block, then the cues.

    >>> print(render_vtt([Cue(0, 1500, ("Tech & Co",))], header_notes=["Titre"]), end="")
    WEBVTT
    <BLANKLINE>
    NOTE Titre
    <BLANKLINE>
    00:00:00.000 --> 00:00:01.500
    Tech &amp; Co
    """
    text = to_webvtt(cues, header_notes=header_notes).content
    return text if text.endswith("\n") else text + "\n"
