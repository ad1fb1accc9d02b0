"""Integer milliseconds <-> timestamp text: the one place time is converted.

All times in the toolkit are ``int`` milliseconds; a cue covers the half-open
interval ``[start_ms, end_ms)``.
"""

from __future__ import annotations

__all__ = ["format_srt", "format_vtt", "format_clock", "seconds_to_ms"]


def _split(ms: int) -> tuple[int, int, int, int]:
    if ms < 0:
        raise ValueError(f"negative time: {ms} ms")
    seconds, millis = divmod(int(ms), 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return hours, minutes, seconds, millis


def format_srt(ms: int) -> str:
    """``HH:MM:SS,mmm``, always three millisecond digits.

    >>> format_srt(3_723_004)
    '01:02:03,004'
    """
    h, m, s, f = _split(ms)
    return f"{h:02d}:{m:02d}:{s:02d},{f:03d}"


def format_vtt(ms: int) -> str:
    """``HH:MM:SS.mmm`` (hours always written, which every WebVTT reader accepts).

    >>> format_vtt(61_500)
    '00:01:01.500'
    """
    h, m, s, f = _split(ms)
    return f"{h:02d}:{m:02d}:{s:02d}.{f:03d}"


def format_clock(ms: int, *, millis: bool = False) -> str:
    """A transcript stamp: ``M:SS``/``MM:SS`` below an hour, ``H:MM:SS`` above.

    >>> format_clock(200_000), format_clock(3_723_000), format_clock(14_500, millis=True)
    ('03:20', '1:02:03', '00:14.500')
    """
    h, m, s, f = _split(ms)
    text = f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"
    if millis:
        text += f".{f:03d}"
    return text


def seconds_to_ms(hours: int, minutes: int, seconds: int, millis: int = 0) -> int:
    """Compose a time from its fields.

    >>> seconds_to_ms(1, 2, 3, 4)
    3723004
    """
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis
