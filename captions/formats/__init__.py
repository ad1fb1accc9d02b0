"""Caption file formats behind one registry: each :class:`~captions.model.Format` is one module
that reads and writes it (:mod:`.srt`, :mod:`.vtt`).

A format module provides ``parse(text, source, *, problems, encoding) -> CaptionDocument``
(never raises for bad content) and ``render(cues, *, header_notes) -> str``.  Adding a format
is adding a member to :class:`~captions.model.Format` and a module of that name with those two
functions.  Decoding the bytes is shared (:func:`.document.decode_caption_bytes`); writing is
always computed fully, then done atomically.  The objects of the libraries we write through
are asked for from the format's module: :func:`.srt.to_pysrt`, :func:`.vtt.to_webvtt`.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from typing import Protocol, cast

from ..errors import UnsupportedFormatError
from ..files import read_bytes, sniff, source_name, write_text_atomic
from ..findings import Finding
from ..model import Cue, Format
from .document import CaptionDocument, decode_caption_bytes

__all__ = [
    "Format", "format_for_path", "render_srt", "render_vtt", "render_captions", "write_captions",
    "CaptionDocument", "format_module", "FormatModule", "parse_captions", "parse_captions_bytes", "read_captions",
]


class FormatModule(Protocol):
    """What a format module provides (see the module docstring)."""

    def parse(self, text: str, source: str = ..., *, problems: list[Finding] | None = ...,
              encoding: str = ...) -> CaptionDocument: ...

    def render(self, cues: Sequence[Cue], *, header_notes: Sequence[str] = ...) -> str: ...


def format_module(fmt: Format) -> FormatModule:
    """The module that reads and writes ``fmt`` (imported on first use)."""
    return cast(FormatModule, importlib.import_module(f".{Format(fmt).value}", __name__))


def format_for_path(path: str | os.PathLike[str]) -> Format:
    """The format a file name's suffix names (case does not matter).

    Raises:
        UnsupportedFormatError: for any other suffix.

    >>> format_for_path("show.VTT")
    <Format.VTT: 'vtt'>
    """
    fmt = sniff(str(path), "")
    if fmt is None:
        raise UnsupportedFormatError(
            f"cannot tell the caption format of {str(path)!r} from its suffix; expected .srt or .vtt")
    return fmt


def render_captions(cues: Sequence[Cue], fmt: Format, *, header_notes: Sequence[str] = ()) -> str:
    """Render ``cues`` in ``fmt`` (SRT has no comments: ``header_notes`` only go to WebVTT)."""
    return format_module(fmt).render(cues, header_notes=header_notes)


def render_srt(cues: Sequence[Cue]) -> str:
    """SRT text for ``cues`` (see :func:`captions.formats.srt.render`)."""
    return render_captions(cues, Format.SRT)


def render_vtt(cues: Sequence[Cue], *, header_notes: Sequence[str] = ()) -> str:
    """WebVTT text for ``cues`` (see :func:`captions.formats.vtt.render`)."""
    return render_captions(cues, Format.VTT, header_notes=header_notes)


def write_captions(path: str | os.PathLike[str], cues: Sequence[Cue], fmt: Format | None = None, *,
                   header_notes: Sequence[str] = ()) -> None:
    """Render ``cues`` completely, then write them to ``path`` atomically (UTF-8, LF).

    Args:
        fmt: the format; by default the one ``path``'s suffix names.

    Raises:
        UnsupportedFormatError: when ``fmt`` is None and the suffix is neither .srt nor .vtt.
    """
    fmt = format_for_path(path) if fmt is None else Format(fmt)
    write_text_atomic(path, render_captions(cues, fmt, header_notes=header_notes))


def parse_captions(text: str, fmt: Format, source: str = "<input>") -> CaptionDocument:
    """Read decoded SRT or WebVTT text into cues and problems (never raises for bad content)."""
    return format_module(fmt).parse(text, source)


def parse_captions_bytes(data: bytes, fmt: Format, source: str = "<input>") -> CaptionDocument:
    """Decode (any encoding :func:`captions.files.decode` reads) and read caption bytes.

    Raises:
        ParseError: only when the bytes are not text at all.
    """
    text, encoding, problems = decode_caption_bytes(data, source)
    return format_module(fmt).parse(text, source, problems=problems, encoding=encoding)


def read_captions(path: str | os.PathLike[str], fmt: Format | None = None) -> CaptionDocument:
    """Read an SRT or WebVTT file (``-`` is standard input, which needs ``fmt``).

    Raises:
        UnsupportedFormatError: when ``fmt`` is None and the suffix names no caption format.
        ParseError: when the file cannot be opened or is not text at all.
    """
    fmt = format_for_path(path) if fmt is None else Format(fmt)
    # the bytes, not files.read_source: sparse NUL bytes are read as U+FFFD here (as WebVTT
    # parsers do) and reported, where files.decode refuses them
    return parse_captions_bytes(read_bytes(path), fmt, source_name(path))
