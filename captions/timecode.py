"""Integer milliseconds <-> timestamp text: the one place time is parsed and formatted.

All times in the toolkit are ``int`` milliseconds; a cue covers the half-open interval
``[start_ms, end_ms)``.  Every reader takes its timestamp patterns from here and turns their
fields into milliseconds with :func:`from_fields`; every writer formats with the ``format_*``
functions.  The forms:

* transcript stamps (:data:`CLOCK`): ``M:SS``, ``MM:SS``, ``MMM:SS``, ``H:MM:SS``; seconds always
  have two digits (what tells a stamp from the digits of glued text, ``03:2010 milliards``);
* SRT: ``HH:MM:SS,mmm`` (:data:`SRT_STRICT`), read leniently as players do
  (:data:`SRT_LENIENT`, :func:`srt_time`): ``.`` for ``,``, one-digit fields, one or two
  millisecond digits read as a decimal fraction (``,5`` is 500 ms);
* WebVTT: ``[HH:]MM:SS.mmm`` by the W3C algorithm (:func:`vtt_timestamp`), whose usual forms
  (:data:`VTT_USUAL`) the reader's fast path matches; :data:`VTT_STRICT` is the form we write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "from_fields", "fraction_ms", "CLOCK", "clock_pattern", "clock_ms", "SRT_STRICT", "SRT_LENIENT", "srt_time",
    "VTT_STRICT", "VTT_USUAL", "vtt_timestamp", "format_srt", "format_vtt", "format_clock", "LooseTiming", "loose_timing",
    "MAX_DIGITS",
]

#: The most digits a time field may have: more cannot be a time of any media (and Python refuses
#: to read an integer of more than 4,300 digits).
MAX_DIGITS = 18


def from_fields(hours: int, minutes: int, seconds: int, millis: int = 0) -> int:
    """Compose a time from its fields (the one formula every reader uses).

    >>> from_fields(1, 2, 3, 4)
    3723004
    """
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def fraction_ms(digits: str) -> int:
    """The milliseconds of a decimal fraction of a second written with 1 to 3 digits.

    >>> fraction_ms("5"), fraction_ms("05"), fraction_ms("050")
    (500, 50, 50)
    """
    return int(digits.ljust(3, "0")) if digits else 0


# ---- transcript stamps -------------------------------------------------------------------

#: A transcript stamp: ``H:MM:SS`` first (so that ``1:02:03`` is not ``1:02`` then ``:03``), else
#: ``M:SS`` with up to three minute digits (``75:12``).  Named groups ``h hm hs`` or ``m s``.
CLOCK = r"(?:(?P<h>\d{1,2}):(?P<hm>[0-5]\d):(?P<hs>[0-5]\d)|(?P<m>\d{1,3}):(?P<s>[0-5]\d))"
#: The milliseconds a bracketed transcript stamp may carry (``[00:00:14.500]``); group ``ms``.
CLOCK_MILLIS = r"(?:[.,](?P<ms>\d{3}))"


def clock_pattern(prefix: str, *, millis: str = "?") -> str:
    """:data:`CLOCK` followed by :data:`CLOCK_MILLIS` (``millis`` is its quantifier: ``"?"``
    optional, ``""`` required), with every group name prefixed, for a pattern that holds two
    stamps (``[00:00:01.000 --> 00:00:02.500]``); :func:`clock_ms` reads it with the same prefix.

    >>> m = re.fullmatch(clock_pattern("a_") + "-" + clock_pattern("b_"), "0:07-1:02:03.500")
    >>> clock_ms(m, "a_"), clock_ms(m, "b_")
    (7000, 3723500)
    """
    return re.sub(r"\?P<(\w+)>", rf"?P<{prefix}\1>", f"{CLOCK}{CLOCK_MILLIS}{millis}")


def clock_ms(match: re.Match[str], prefix: str = "") -> int:
    """The time of a match of :data:`CLOCK` (and :data:`CLOCK_MILLIS`), whose group names may
    carry a ``prefix`` when one pattern holds two stamps.

    >>> clock_ms(re.fullmatch(CLOCK + CLOCK_MILLIS + "?", "1:02:03.500"))
    3723500
    """
    g = match.groupdict().get
    hours = g(prefix + "h")
    if hours is not None:
        fields = int(hours), int(g(prefix + "hm") or 0), int(g(prefix + "hs") or 0)
    else:
        fields = 0, int(g(prefix + "m") or 0), int(g(prefix + "s") or 0)
    millis = g(prefix + "ms")
    return from_fields(*fields, int(millis) if millis else 0)


# ---- SRT ---------------------------------------------------------------------------------

#: ``HH:MM:SS,mmm`` exactly, fields as groups (hours, minutes, seconds, milliseconds).
SRT_STRICT = r"([0-9]{2}):([0-5][0-9]):([0-5][0-9]),([0-9]{3})"
#: What players accept: groups (hours, minutes, seconds, separator, fraction).
SRT_LENIENT = r"(\d{1,3}):(\d{1,2}):(\d{1,2})(?:([,.])(\d{1,3}))?"
_SRT_STRICT_TEXT = re.compile(r"\d\d:\d\d:\d\d,\d\d\d")


def srt_time(hours: str, minutes: str, seconds: str, separator: str | None,
             fraction: str | None) -> tuple[int, tuple[str, ...]]:
    """The time of an SRT timestamp read leniently (the groups of :data:`SRT_LENIENT`), and how
    it departs from ``HH:MM:SS,mmm`` (empty when it does not).

    >>> srt_time("0", "00", "01", ".", "5")
    (1500, ("'.' instead of ','", '1 millisecond digit(s), read as 500 ms', 'fields must have two digits'))
    """
    ms = fraction_ms(fraction or "")
    text = f"{hours}:{minutes}:{seconds}" + (f"{separator}{fraction}" if separator else "")
    issues = []
    if not _SRT_STRICT_TEXT.fullmatch(text):
        if separator == ".":
            issues.append("'.' instead of ','")
        if not fraction:
            issues.append("no milliseconds")
        elif len(fraction) != 3:
            issues.append(f"{len(fraction)} millisecond digit(s), read as {ms} ms")
        if len(hours) != 2 or len(minutes) != 2 or len(seconds) != 2:
            issues.append("fields must have two digits")
    if int(hours) > 99:
        issues.append("hours above 99")
    if int(minutes) > 59 or int(seconds) > 59:
        issues.append("minutes or seconds above 59")
    return from_fields(int(hours), int(minutes), int(seconds), ms), tuple(issues)


# ---- WebVTT ------------------------------------------------------------------------------

#: ``HH:MM:SS.mmm`` with two hour digits, fields as groups: what the readers' fast path takes.
VTT_STRICT = r"([0-9]{2}):([0-5][0-9]):([0-5][0-9])\.([0-9]{3})"
#: ``[H:]MM:SS.mmm`` as :func:`vtt_timestamp` reads it, with hours (when written) of one to nine
#: digits, fields as groups (hours None when left out): what the WebVTT reader's fast path takes
#: (longer hours are read by :func:`vtt_timestamp` alone).
VTT_USUAL = r"(?:([0-9]{1,9}):)?([0-5][0-9]):([0-5][0-9])\.([0-9]{3})"


def _digits(s: str, pos: int) -> int:
    """The position after the ASCII digits starting at ``pos`` (``pos`` itself when there are none).

    >>> _digits("0123:45", 0), _digits("0123:45", 4)
    (4, 4)
    """
    n = len(s)
    while pos < n and "0" <= s[pos] <= "9":
        pos += 1
    return pos


def _vtt_clock(s: str, pos: int) -> tuple[tuple[int, int, int], int] | None:
    """The ``(hours, minutes, seconds)`` of a WebVTT timestamp at ``pos`` and the position after
    them, or None: colon-separated digit fields, the first of any length, the others of exactly
    two digits.  Hours may be left out, unless the first field cannot be minutes (not two
    digits, or above 59).  Minutes and seconds are not range-checked here.

    >>> _vtt_clock("01:02.500", 0), _vtt_clock("1:02:03.004", 0), _vtt_clock("1:02.5", 0)
    (((0, 1, 2), 5), ((1, 2, 3), 7), None)
    """
    if pos >= len(s) or not ("0" <= s[pos] <= "9"):
        return None
    end = _digits(s, pos)
    if end - pos > MAX_DIGITS:
        return None
    fields = [s[pos:end]]
    while end < len(s) and s[end] == ":" and len(fields) < 3:
        start = end + 1
        end = _digits(s, start)
        if end - start != 2:
            return None
        fields.append(s[start:end])
    hours_first = len(fields[0]) != 2 or int(fields[0]) > 59
    if len(fields) < 2 or (hours_first and len(fields) < 3):
        return None
    if len(fields) == 2:
        return (0, int(fields[0]), int(fields[1])), end
    return (int(fields[0]), int(fields[1]), int(fields[2])), end


def vtt_timestamp(s: str, pos: int = 0) -> tuple[int, int] | None:
    """The W3C "collect a WebVTT timestamp" algorithm: ``(ms, position after it)`` or None.

    Hours are optional and may have any number of digits; minutes and seconds two digits each
    (at most 59), then ``.`` and exactly three digits.

    >>> vtt_timestamp("01:02.500 -->"), vtt_timestamp("1:02:03.004"), vtt_timestamp("1:02.5")
    ((62500, 9), (3723004, 11), None)
    """
    clock = _vtt_clock(s, pos)
    if clock is None:
        return None
    (hours, minutes, seconds), end = clock
    if end >= len(s) or s[end] != ".":
        return None
    start = end + 1
    end = _digits(s, start)
    if end - start != 3 or minutes > 59 or seconds > 59:
        return None
    return from_fields(hours, minutes, seconds, int(s[start:end])), end


# ---- timing lines as people get them wrong ---------------------------------------------

@dataclass(frozen=True, slots=True)
class LooseTiming:
    """A timing line read leniently: what ``validate --fix`` rewrites as ``start --> end``.

    Attributes:
        start_ms / end_ms: the times (a negative time is clamped to 0).
        rest: the text after the end time, as written (WebVTT settings, SRT coordinates).
        issues: how the line departs from the format's own form, for a person (empty: it does not).
        start_column / end_column: the 1-based columns of the two times.
        arrow: the arrow as written.
    """

    start_ms: int
    end_ms: int
    rest: str
    issues: tuple[str, ...]
    start_column: int
    end_column: int
    arrow: str = "-->"


# A time as people write it: a sign, one to three colon-separated fields, a fraction after '.'
# or ','; the arrows people type for '-->'.
_LOOSE_STAMP = re.compile(r"(-?)([0-9]+)(?::([0-9]+))?(?::([0-9]+))?(?:([.,])([0-9]*))?")
_LOOSE_TIMING = re.compile(r"[ \t]*(-?[0-9][0-9:.,]*)[ \t]*(--->|-->|->|\u2014>|\u2013>|\u2192)[ \t]*(-?[0-9][0-9:.,]*)(.*)")


def loose_timing(line: str, separator: str) -> LooseTiming | None:
    """A timing line read with every tolerance whose intent is unambiguous, or None.

    ``separator`` is the format's millisecond separator (``,`` for SRT, ``.`` for WebVTT).  Read:
    ``.`` or ``,`` before the milliseconds, one or two millisecond digits (a decimal fraction:
    ``,5`` is 500 ms), no milliseconds, no hours, one-digit fields, leading zeros (``013``
    seconds), ``->``, ``--->``, ``—>``, ``–>`` or ``→`` for ``-->``, a negative time (clamped to
    0).  Not read (None): minutes or seconds above 59, a single field, more than three
    millisecond digits, a missing time.

    >>> t = loose_timing("00:00:013,567 -> 1:02.5 X1:40", ",")
    >>> t.start_ms, t.end_ms, t.rest
    (13567, 62500, ' X1:40')
    >>> t.issues  # doctest: +NORMALIZE_WHITESPACE
    ("'->' instead of '-->'", '00:00:013,567: leading zeros', '1:02.5: no hours', "1:02.5: '.' instead of ','",
     '1:02.5: 1 millisecond digit, read as 500 ms', '1:02.5: fields must have two digits')
    >>> loose_timing("00:01:75,000 --> 00:01:76,000", ","), loose_timing("--> 00:00:01,000", ",")
    (None, None)
    """
    m = _LOOSE_TIMING.fullmatch(line)
    if m is None:
        return None
    first = _loose_stamp(m.group(1), separator)
    second = _loose_stamp(m.group(3), separator)
    if first is None or second is None:
        return None
    arrow = m.group(2)
    issues = [] if arrow == "-->" else [f"{arrow!r} instead of '-->'"]
    issues += [f"{m.group(1)}: {issue}" for issue in first[1]]
    issues += [f"{m.group(3)}: {issue}" for issue in second[1]]
    return LooseTiming(first[0], second[0], m.group(4), tuple(issues), m.start(1) + 1, m.start(3) + 1, arrow)


def _loose_stamp(text: str, separator: str) -> tuple[int, list[str]] | None:
    """``(ms, issues)`` of one time of :func:`loose_timing`, or None."""
    m = _LOOSE_STAMP.fullmatch(text)
    if m is None:
        return None
    sign, *fields = m.group(1, 2, 3, 4)
    given = [f for f in fields if f is not None]
    if len(given) < 2 or any(len(f) > MAX_DIGITS for f in given):
        return None
    if len(given) == 2:
        given.insert(0, "")
    hours, minutes, seconds = given
    mark, fraction = m.group(5, 6)
    if (fraction and len(fraction.rstrip("0")) > 3) or int(minutes) > 59 or int(seconds) > 59:
        return None
    issues = _stamp_issues(hours, minutes, seconds, mark, fraction or "", separator)
    ms = from_fields(int(hours or 0), int(minutes), int(seconds), fraction_ms(fraction[:3] if fraction else ""))
    if sign:
        issues.append("negative time, clamped to 0")
        ms = 0
    return ms, issues


def _stamp_issues(hours: str, minutes: str, seconds: str, mark: str | None, fraction: str,
                  separator: str) -> list[str]:
    """How one time departs from ``HH:MM:SS{separator}mmm`` (hours may have more digits)."""
    issues = []
    if any(len(f) > 2 and f.startswith("0") for f in (hours, minutes, seconds)):
        issues.append("leading zeros")
    if not hours:
        issues.append("no hours")
    if mark is None or not fraction:
        issues.append("no milliseconds")
    else:
        if mark != separator:
            issues.append(f"{mark!r} instead of {separator!r}")
        if len(fraction) != 3:
            issues.append(f"{len(fraction)} millisecond digit{'s' if len(fraction) > 1 else ''}, read as "
                          f"{fraction_ms(fraction[:3])} ms")
    if any(len(f) == 1 for f in (hours, minutes, seconds)):
        issues.append("fields must have two digits")
    return issues


# ---- formatting --------------------------------------------------------------------------

def _split(ms: int) -> tuple[int, int, int, int]:
    """``(hours, minutes, seconds, milliseconds)`` of a time; a negative time is refused.

    >>> _split(3_723_004)
    (1, 2, 3, 4)
    """
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


def format_clock(ms: int, *, millis: bool = False, hours: bool = False) -> str:
    """A transcript stamp: ``MM:SS`` below an hour, ``H:MM:SS`` above (or always, with ``hours``).

    >>> format_clock(200_000), format_clock(3_723_000), format_clock(14_500, millis=True)
    ('03:20', '1:02:03', '00:14.500')
    >>> format_clock(61_000, hours=True)
    '0:01:01'
    """
    h, m, s, f = _split(ms)
    text = f"{h}:{m:02d}:{s:02d}" if h or hours else f"{m:02d}:{s:02d}"
    if millis:
        text += f".{f:03d}"
    return text
