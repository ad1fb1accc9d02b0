"""Caption file formats: SRT and WebVTT.

Writing goes through pysrt (:mod:`.srt`) and webvtt-py (:mod:`.vtt`), which users can
also ask for as objects (:func:`to_pysrt`, :func:`to_webvtt`).  Everything is rendered
before anything is written, and written atomically.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Sequence
from pathlib import Path

from ..errors import UnsupportedFormatError
from ..files import read_bytes, source_name, write_text_atomic
from ..model import Cue
from .reading import CaptionDocument

__all__ = [
    "Format", "format_for_path", "render_srt", "render_vtt", "render_captions", "write_captions",
    "to_pysrt", "to_webvtt", "CaptionDocument", "parse_captions",
    "parse_captions_bytes", "read_captions",
]


class Format(str, enum.Enum):
    """A caption file format, named by its usual suffix."""

    SRT = "srt"
    VTT = "vtt"


def format_for_path(path: str | os.PathLike) -> Format:
    """The format a file name's suffix names (case does not matter).

    Raises:
        UnsupportedFormatError: for any other suffix.

    >>> format_for_path("show.VTT")
    <Format.VTT: 'vtt'>
    """
    suffix = Path(str(path)).suffix.lower().lstrip(".")
    try:
        return Format(suffix)
    except ValueError:
        raise UnsupportedFormatError(
            f"cannot tell the caption format of {str(path)!r} from its suffix; expected .srt or .vtt"
        ) from None


def render_srt(cues: Sequence[Cue]) -> str:
    """SRT text for ``cues`` (see :func:`captions.formats.srt.render_srt`)."""
    from .srt import render_srt as render

    return render(cues)


def render_vtt(cues: Sequence[Cue], *, header_notes: Sequence[str] = ()) -> str:
    """WebVTT text for ``cues`` (see :func:`captions.formats.vtt.render_vtt`)."""
    from .vtt import render_vtt as render

    return render(cues, header_notes=header_notes)


def to_pysrt(cues: Sequence[Cue]):
    """The cues as a ``pysrt.SubRipFile``."""
    from .srt import to_pysrt as convert

    return convert(cues)


def to_webvtt(cues: Sequence[Cue], *, header_notes: Sequence[str] = ()):
    """The cues as a ``webvtt.WebVTT``."""
    from .vtt import to_webvtt as convert

    return convert(cues, header_notes=header_notes)


def render_captions(cues: Sequence[Cue], fmt: Format, *, header_notes: Sequence[str] = ()) -> str:
    """Render ``cues`` in ``fmt`` (SRT has no comments: ``header_notes`` only go to WebVTT)."""
    if Format(fmt) is Format.SRT:
        return render_srt(cues)
    return render_vtt(cues, header_notes=header_notes)


def write_captions(path: str | os.PathLike, cues: Sequence[Cue], fmt: Format | None = None, *,
                   header_notes: Sequence[str] = ()) -> None:
    """Render ``cues`` completely, then write them to ``path`` atomically (UTF-8, LF).

    Args:
        fmt: the format; by default the one ``path``'s suffix names.

    Raises:
        UnsupportedFormatError: when ``fmt`` is None and the suffix is neither .srt nor .vtt.
    """
    fmt = format_for_path(path) if fmt is None else Format(fmt)
    text = render_captions(cues, fmt, header_notes=header_notes)
    write_text_atomic(path, text)


def parse_captions(text: str, fmt: Format, source: str = "<input>") -> CaptionDocument:
    """Read decoded SRT or WebVTT text into cues and problems (never raises for bad content)."""
    if Format(fmt) is Format.SRT:
        from .srt_reader import parse_srt

        return parse_srt(text, source)
    from .vtt_reader import parse_vtt

    return parse_vtt(text, source)


def parse_captions_bytes(data: bytes, fmt: Format, source: str = "<input>") -> CaptionDocument:
    """Decode (any encoding :func:`captions.files.decode` reads) and read caption bytes.

    Raises:
        ParseError: only when the bytes are not text at all.
    """
    if Format(fmt) is Format.SRT:
        from .srt_reader import parse_srt_bytes

        return parse_srt_bytes(data, source)
    from .vtt_reader import parse_vtt_bytes

    return parse_vtt_bytes(data, source)


def read_captions(path: str | os.PathLike, fmt: Format | None = None) -> CaptionDocument:
    """Read an SRT or WebVTT file (``-`` is standard input, which needs ``fmt``).

    Raises:
        UnsupportedFormatError: when ``fmt`` is None and the suffix names no caption format.
        ParseError: when the file cannot be opened or is not text at all.
    """
    fmt = format_for_path(path) if fmt is None else Format(fmt)
    # the bytes, not files.read_source: sparse NUL bytes are read as U+FFFD here (as WebVTT
    # parsers do) and reported, where files.decode refuses them
    return parse_captions_bytes(read_bytes(path), fmt, source_name(path))
