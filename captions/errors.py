"""One exception hierarchy for the whole toolkit.

Every error carries a :class:`Location` (file, 1-based line, optional column)
so that a message reads ``talk.srt:12:5: end is before start``.  Errors pickle,
because they cross process pools (``captions batch``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Location",
    "CaptionsError",
    "ParseError",
    "ConfigError",
    "UnsupportedFormatError",
    "OutputError",
    "MediaError",
]


@dataclass(frozen=True, slots=True)
class Location:
    """Where something is: a source name, a 1-based line and an optional column.

    >>> str(Location("talk.srt", 12, 5)), str(Location("talk.srt")), str(Location(line=3))
    ('talk.srt:12:5', 'talk.srt', '<input>:3')
    """

    source: str = "<input>"
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        text = self.source
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


class CaptionsError(Exception):
    """Base of every error the library raises on purpose.

    Args:
        message: what was found and what was expected, without the location.
        location: where; rendered in front of the message.
    """

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message, location)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"

    def __reduce__(self) -> tuple[type[CaptionsError], tuple[str, Location | None]]:
        # keep the class and both fields across pickling
        return (type(self), (self.message, self.location))


class ParseError(CaptionsError, ValueError):
    """Input text (transcript, SRT, WebVTT) that cannot be read."""


class ConfigError(CaptionsError, ValueError):
    """A bad dictionary, preset, option file or option value."""


class UnsupportedFormatError(CaptionsError):
    """A file or suffix whose format the toolkit does not read or write."""


class OutputError(CaptionsError):
    """An output that cannot be written (a missing folder, no permission, a full disk, a name
    too long); nothing of the run's outputs is left half-written."""


class MediaError(CaptionsError):
    """A media file (a replay's audio or video) that cannot be listened to: ffmpeg or the
    ``audio`` extra missing, no audio stream, a file ffmpeg cannot decode."""
