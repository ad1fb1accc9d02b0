"""Replay-page transcript text -> :class:`~captions.model.Transcript` (see :mod:`.reader`)."""

from .reader import parse_transcript, read_transcript, transcript_from_decoded
from .render import render_transcript

__all__ = ["parse_transcript", "read_transcript", "transcript_from_decoded", "render_transcript"]
