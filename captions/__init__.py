"""captions: replay-page transcripts in, broadcast-quality SRT and WebVTT out.

The public API; no logic lives here.
"""

__version__ = "0.1.0"

from .errors import CaptionsError, ConfigError, Location, ParseError, UnsupportedFormatError
from .model import Cue, Fragment, Layout, Note, NoteCode, Piece, Transcript
from .presets import DEFAULT_PRESET, PRESETS, Preset, get_preset
from .transcript import parse_transcript, read_transcript, render_transcript

__all__ = [
    "__version__",
    "CaptionsError", "ConfigError", "Location", "ParseError", "UnsupportedFormatError",
    "Cue", "Fragment", "Layout", "Note", "NoteCode", "Piece", "Transcript",
    "DEFAULT_PRESET", "PRESETS", "Preset", "get_preset",
    "parse_transcript", "read_transcript", "render_transcript",
]
