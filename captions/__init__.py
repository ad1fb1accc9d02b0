"""captions: replay-page transcripts in, broadcast-quality SRT and WebVTT out.

The public API; no logic lives here.  Every name loads on first use (the reader and the value
types as well as the heavier jobs), so that ``import captions``, and every command, pays only
for what it runs: ``captions --version`` imports no part of the library.

>>> import captions
>>> captions.parse_transcript("00:14Bonsoir").fragments[0].start_ms
14000
"""

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:   # what the lazy names below are, for type checkers
    from .convert import ConvertResult, Report, convert_file, convert_transcript
    from .corrections import (Change, Dictionary, apply_to_transcript, check_dictionaries, load_dictionaries,
                              replay)
    from .errors import CaptionsError, ConfigError, Location, ParseError, UnsupportedFormatError
    from .findings import Finding, FindingCode, Severity
    from .formats import Format, parse_captions, read_captions, render_srt, render_vtt, write_captions
    from .formats.srt import to_pysrt
    from .formats.vtt import to_webvtt
    from .linebreak import break_lines
    from .model import Cue, Fragment, Layout, Note, NoteCode, Piece, Transcript
    from .presets import DEFAULT_PRESET, PRESETS, Preset, get_preset
    from .transcript import parse_transcript, read_transcript, render_transcript
    from .validate import check_cues, fix_cues, validate_file

# name -> module, imported on first access (PEP 562)
_LAZY = {
    "CaptionsError": "errors", "ConfigError": "errors", "Location": "errors", "ParseError": "errors",
    "UnsupportedFormatError": "errors",
    "Cue": "model", "Fragment": "model", "Layout": "model", "Note": "model", "NoteCode": "model", "Piece": "model",
    "Transcript": "model",
    "DEFAULT_PRESET": "presets", "PRESETS": "presets", "Preset": "presets", "get_preset": "presets",
    "parse_transcript": "transcript", "read_transcript": "transcript", "render_transcript": "transcript",
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

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    # Any: the value is whatever the named module holds (a function, a class, an enum)
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
