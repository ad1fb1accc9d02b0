"""Replay-page transcript text -> :class:`~captions.model.Transcript` (see :mod:`.reader`)."""

from typing import TYPE_CHECKING, Any

from .assembly import ReadOptions
from .reader import parse_transcript, read_transcript, transcript_from_decoded
from .render import render_transcript

if TYPE_CHECKING:
    from .cues import transcript_from_caption_text, transcript_from_document

__all__ = ["parse_transcript", "read_transcript", "transcript_from_decoded", "render_transcript", "ReadOptions",
           "transcript_from_document", "transcript_from_caption_text"]


def __getattr__(name: str) -> Any:
    # caption files read as transcripts (.cues) load when a caption file is read, not with every
    # transcript; Any: the value is the named function
    if name in ("transcript_from_caption_text", "transcript_from_document"):
        from . import cues

        return getattr(cues, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
