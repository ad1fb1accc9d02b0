"""captions: replay-page transcripts in, broadcast-quality SRT and WebVTT out.

The public API; no logic lives here.  The reader and the value types load with the package;
the heavier jobs (building cues, corrections, validation, formats) load on first use, so that
``import captions`` and every command start fast.

>>> import captions
>>> captions.parse_transcript("00:14Bonsoir").fragments[0].start_ms
14000
"""

__version__ = "0.1.0"

from typing import Any

from .errors import CaptionsError, ConfigError, Location, ParseError, UnsupportedFormatError
from .model import Cue, Fragment, Layout, Note, NoteCode, Piece, Transcript
from .presets import DEFAULT_PRESET, PRESETS, Preset, get_preset
from .transcript import parse_transcript, read_transcript, render_transcript

# name -> module, imported on first access (PEP 562)
_LAZY = {
    "convert_transcript": "convert", "convert_file": "convert", "ConvertResult": "convert",
    "Report": "convert",
    "Format": "formats", "read_captions": "formats", "parse_captions": "formats", "render_srt": "formats",
    "render_vtt": "formats", "write_captions": "formats", "to_pysrt": "formats.srt", "to_webvtt": "formats.vtt",
    "load_dictionaries": "corrections", "apply_to_transcript": "corrections", "Dictionary": "corrections",
    "Change": "corrections", "replay": "corrections", "check_dictionaries": "corrections",
    "check_cues": "validate", "validate_file": "validate", "fix_cues": "validate",
    "Finding": "findings", "FindingCode": "findings", "Severity": "findings",
    "break_lines": "linebreak",
}

__all__ = [
    "__version__",
    "CaptionsError", "ConfigError", "Location", "ParseError", "UnsupportedFormatError",
    "Cue", "Fragment", "Layout", "Note", "NoteCode", "Piece", "Transcript",
    "DEFAULT_PRESET", "PRESETS", "Preset", "get_preset",
    "parse_transcript", "read_transcript", "render_transcript",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    # Any: the value is whatever the named module holds (a function, a class, an enum)
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
