"""Caption file formats behind one registry: each :class:`~captions.model.Format` is one module
that reads and writes it (:mod:`.srt`, :mod:`.vtt`).

A format module provides ``parse(text, source, *, problems, encoding) -> CaptionDocument``
(never raises for bad content), ``render(cues, *, header_notes, lost) -> str`` (a new file),
``WRITER`` (a :class:`.document.BlockWriter`: how one cue block of a file read is written
again, for :func:`render_document`), and what ``validate --fix`` asks of it:
``repair_line(line, problem)`` (the line a reported problem is repaired to, and why) and
``unreadable_span(lines, k)`` (the lines of a block no rule reads).  Adding a format is adding
a member to :class:`~captions.model.Format` and a module of that name with those names.  Decoding the
bytes is shared (:func:`.document.decode_caption_bytes`); writing is always computed fully,
then done atomically.  The objects of the libraries other tools use are asked for from the
format's module: :func:`.srt.to_pysrt`, :func:`.vtt.to_webvtt`.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
from collections.abc import Sequence
from typing import Protocol, cast

from ..errors import UnsupportedFormatError
from ..files import read_bytes, sniff, source_name, write_text_atomic
from ..findings import Finding
from ..model import Cue, Format
from .document import BlockWriter, CaptionDocument, decode_caption_bytes, encode_document
from .document import render_document as _render_blocks

__all__ = [
    "Format", "format_for_path", "render_srt", "render_vtt", "render_captions", "write_captions",
    "CaptionDocument", "format_module", "FormatModule", "parse_captions", "parse_captions_bytes", "read_captions",
    "render_document", "encode_document",
]


class FormatModule(Protocol):
    """What a format module provides (see the module docstring)."""

    WRITER: BlockWriter

    def repair_line(self, line: str, problem: Finding) -> tuple[str, str] | None: ...

    def unreadable_span(self, lines: Sequence[str], k: int) -> tuple[int, int]: ...

    def parse(self, text: str, source: str = ..., *, problems: list[Finding] | None = ...,
              encoding: str = ...) -> CaptionDocument: ...

    def render(self, cues: Sequence[Cue], *, header_notes: Sequence[str] = ...,
               lost: list[int] | None = ..., number: int = ...) -> str: ...


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


def render_captions(cues: Sequence[Cue], fmt: Format, *, header_notes: Sequence[str] = (),
                    lost: list[int] | None = None, number: int = 1) -> str:
    """Render ``cues`` as a new file in ``fmt`` (SRT has no comments: ``header_notes`` only go to
    WebVTT).  A cue read from a file keeps its markup when ``fmt`` can say it; the number of each
    one that cannot is added to ``lost``.  ``number``: the first cue's number; past 1, the text
    goes on a file whose first cues were rendered before (no header), so that a long file is
    written part by part."""
    return format_module(fmt).render(cues, header_notes=header_notes, lost=lost, number=number)


def render_document(doc: CaptionDocument, cues: Sequence[Cue] | None = None) -> str:
    """The text of a caption file read, with ``cues`` in its cue blocks (None: as read).

    With no change, the text is the file's own (line ends as the file has them; its bytes again
    with :func:`encode_document`).  Only what a cue changed is written again: its timing line
    (settings and coordinates kept as written) or its text; headers, NOTE, STYLE and REGION
    blocks, identifiers and every unchanged cue stay as written (see
    :func:`captions.formats.document.render_document`).
    """
    return _render_blocks(doc, cues, format_module(doc.format).WRITER)


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


def parse_captions_bytes(data: bytes, fmt: Format, source: str = "<input>", *,
                         encoding: str | None = None) -> CaptionDocument:
    """Decode and read caption bytes: any encoding :func:`captions.files.decode` reads leniently
    (a byte that does not decode costs its line, as U+FFFD with an ``invalid-byte`` finding),
    or ``encoding`` when given.

    Raises:
        ParseError: only when the bytes are not text at all, or ``encoding`` is unknown.
    """
    decoded, problems = decode_caption_bytes(data, source, encoding=encoding)
    doc = format_module(fmt).parse(decoded.text, source, problems=problems, encoding=decoded.encoding)
    return dataclasses.replace(doc, newline=decoded.newline, line_ends=decoded.line_ends, bom=decoded.bom,
                               final_newline=decoded.final_newline)


def read_captions(path: str | os.PathLike[str], fmt: Format | None = None, *,
                  encoding: str | None = None) -> CaptionDocument:
    """Read an SRT or WebVTT file (``-`` is standard input, which needs ``fmt``).

    Raises:
        UnsupportedFormatError: when ``fmt`` is None and the suffix names no caption format.
        ParseError: when the file cannot be opened or is not text at all.
    """
    fmt = format_for_path(path) if fmt is None else Format(fmt)
    # the bytes, not files.read_source: sparse NUL bytes are read as U+FFFD here (as WebVTT
    # parsers do) and reported, where files.decode refuses them
    return parse_captions_bytes(read_bytes(path), fmt, source_name(path), encoding=encoding)
