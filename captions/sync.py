"""The sync job: a caption file moved onto the speech of its media (``captions sync``).

:func:`sync_captions` estimates the offset and drift (:func:`captions.audio.sync.estimate_fit`)
and rewrites only the times: every timing line gets its two times moved, and every other byte
(indexes, identifiers, settings, text, NOTE and STYLE blocks, the encoding, the byte-order mark,
the line ends) stays as it was.  When the confidence is under the threshold nothing is produced
but the reason: the caller writes nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from .audio import MIN_CONFIDENCE
from .audio.speech import Sound
from .audio.sync import Fit, estimate_fit
from .errors import Location, ParseError
from .files import Decoded, encode_text, read_source, source_name
from .formats import CaptionDocument, Format, format_for_path, parse_captions
from .model import Cue
from .timecode import format_srt, format_vtt

__all__ = ["SyncResult", "sync_captions", "sync_file", "retime_text", "MIN_CONFIDENCE"]


_TIMING = re.compile(r"^(?P<lead>\s*)(?P<start>\S+)(?P<arrow>\s*-->\s*)(?P<end>\S+)(?P<rest>.*)$")


@dataclass(frozen=True, slots=True)
class SyncResult:
    """A caption file fitted to its media.

    Attributes:
        source: the caption file's name.
        fit: the offset, drift and confidence found.
        accepted: whether the confidence reaches the threshold (only then is ``text`` the synced file).
        cues: the cues as moved (the input's when refused).
        text: the synced file's text (decoded, ``\\n`` line ends), "" when refused.
        decoded: how the input was decoded (its encoding, byte-order mark and line ends are kept).
    """

    source: str
    fit: Fit
    accepted: bool
    cues: tuple[Cue, ...]
    text: str
    decoded: Decoded

    def to_bytes(self) -> bytes:
        """The synced file in the input's encoding, with its byte-order mark and line ends."""
        d = self.decoded
        return encode_text(self.text, newline=d.newline, encoding=d.encoding, bom=d.bom)

    def to_dict(self) -> dict[str, object]:
        fit = self.fit
        return {"source": self.source, "accepted": self.accepted, "offset_ms": fit.offset_ms, "drift": fit.drift,
                "rates": list(fit.rates) if fit.rates else None, "confidence": fit.confidence,
                "on_speech": fit.on_speech, "chance": fit.chance, "matched": fit.matched, "cues": fit.cues}


def retime_text(text: str, document: CaptionDocument, move: Callable[[int], int]) -> str:
    """``text`` with the two times of each cue's timing line replaced by ``move(time)``, in the
    format's own writing (SRT ``HH:MM:SS,mmm``, WebVTT ``HH:MM:SS.mmm``); nothing else changes.

    Raises:
        ParseError: a cue's timing line is not where the reader said (never for our readers).
    """
    write = format_srt if document.format is Format.SRT else format_vtt
    lines = text.split("\n")
    for cue in document.cues:
        if cue.line is None:
            continue
        match = _TIMING.match(lines[cue.line - 1])
        if match is None:
            raise ParseError("expected a timing line here", Location(document.source, cue.line))
        lines[cue.line - 1] = (f"{match['lead']}{write(move(cue.start_ms))}{match['arrow']}"
                               f"{write(move(cue.end_ms))}{match['rest']}")
    return "\n".join(lines)


def sync_captions(decoded: Decoded, fmt: Format, sound: Sound, *, source: str = "<input>",
                  min_confidence: float = MIN_CONFIDENCE) -> SyncResult:
    """Fit the caption text ``decoded`` (in ``fmt``) to ``sound``; the synced text when the fit is
    sure enough (see the module docstring)."""
    document = parse_captions(decoded.text, fmt, source)
    fit = estimate_fit(document.cues, sound)
    if fit.confidence < min_confidence:
        return SyncResult(source, fit, False, tuple(document.cues), "", decoded)
    text = retime_text(decoded.text, document, fit.apply)
    moved = tuple(replace(c, start_ms=fit.apply(c.start_ms), end_ms=fit.apply(c.end_ms)) for c in document.cues)
    return SyncResult(source, fit, True, moved, text, decoded)


def sync_file(path: str | os.PathLike[str], sound: Sound, *, fmt: Format | None = None,
              min_confidence: float = MIN_CONFIDENCE) -> SyncResult:
    """Read an SRT or WebVTT file and fit it to ``sound`` (see :func:`sync_captions`).

    Raises:
        ParseError: the file cannot be read as text.
        UnsupportedFormatError: its format cannot be told.
    """
    fmt = format_for_path(path) if fmt is None else fmt
    return sync_captions(read_source(path), fmt, sound, source=source_name(path), min_confidence=min_confidence)
