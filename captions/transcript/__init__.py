"""Replay-page transcript text -> :class:`~captions.model.Transcript` (see :mod:`.reader`)."""

from .assembly import ReadOptions
from .cues import transcript_from_caption_text, transcript_from_document
from .reader import parse_transcript, read_transcript, transcript_from_decoded
from .render import render_transcript

__all__ = ["parse_transcript", "read_transcript", "transcript_from_decoded", "render_transcript", "ReadOptions",
           "transcript_from_document", "transcript_from_caption_text"]
