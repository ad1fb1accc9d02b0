"""WebVTT: a reader that follows the W3C parsing rules, and writing through webvtt-py.

The reader keeps exactly the cues a conforming parser (browsers, the W3C ``webvtt-parser``)
keeps: signature, header, blocks collected as the specification says (a ``-->`` line ends the
block before it), NOTE/STYLE/REGION blocks, identifiers, timings, settings.  Cue text is
read as a viewer sees it: tags dropped, character references decoded.  What the
specification drops silently (a block without timing, a style after a cue, an unknown
setting, a ``<`` that swallows text) is reported.

webvtt-py writes cue text as given, so the escaping WebVTT needs (``&``, ``<``, ``>``) is done
here.  It is imported here and nowhere else in the toolkit, and only when something is written
or a ``webvtt.WebVTT`` is asked for: reading never needs it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..findings import Finding, FindingCode, Severity
from ..model import Cue, Format, fast_constructor
from ..timecode import VTT_STRICT, format_vtt, from_fields, vtt_timestamp
from ._text import display_lines, note_lines
from .document import CaptionDocument, block_lines, decode_caption_bytes

if TYPE_CHECKING:
    import webvtt

__all__ = ["parse", "parse_cue_text", "to_webvtt", "render", "escape_vtt_text"]

_KNOWN_TAGS = frozenset({"c", "i", "b", "u", "ruby", "rt", "v", "lang"})
_SETTINGS = frozenset({"vertical", "line", "position", "size", "align", "region"})
_CHAR_REF = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")
_WS = " \t\f"


def _skip_ws(line: str, pos: int) -> int:
    """The position of the first character at or after ``pos`` that is not WebVTT whitespace."""
    while pos < len(line) and line[pos] in _WS:
        pos += 1
    return pos
# Blank lines, an optional identifier line, a strict timing line (no digit after the
# milliseconds), non-empty text lines: what needs no report (see parse_vtt).
_FAST_CUE = re.compile(
    r"\n*((?:[^\n]+\n)?)"
    rf"{VTT_STRICT} --> {VTT_STRICT}"
    r"(?![0-9])([^\n]*)\n((?:[^\n]+\n)*)"
)
_make_cue = fast_constructor(Cue)


def _timings(line: str) -> tuple[int, int, str] | str:
    """Parse a timing line; a string is the reason it failed (the cue is then dropped)."""
    pos = _skip_ws(line, 0)
    got = vtt_timestamp(line, pos)
    if got is None:
        return "start time is not HH:MM:SS.mmm or MM:SS.mmm"
    start, pos = got
    pos = _skip_ws(line, pos)
    if not line.startswith("-->", pos):
        return "expected ' --> ' after the start time"
    got = vtt_timestamp(line, _skip_ws(line, pos + 3))
    if got is None:
        return "end time is not HH:MM:SS.mmm or MM:SS.mmm"
    end, pos = got
    return start, end, line[pos:]


def _check_settings(settings: str, line: int, problems: list[Finding]) -> None:
    for token in settings.split():
        name, colon, value = token.partition(":")
        if not colon or name not in _SETTINGS or not value:
            problems.append(Finding(FindingCode.BAD_CUE_SETTING, Severity.WARNING, f"cue setting {token!r} is ignored by players; expected "
                                    f"name:value with name one of {', '.join(sorted(_SETTINGS))}", line))


def parse_cue_text(payload: str, first_line: int = 1, problems: list[Finding] | None = None) -> str:
    """The text a viewer sees for a cue payload: tags dropped, character references decoded,
    following the W3C cue-text tokenizer (a ``<`` always opens a tag, up to the next ``>``).

    >>> parse_cue_text("<v Bob>R&amp;D &lt;3</v> <i>ok</i>")
    'R&D <3 ok'
    """
    out: list[str] = []
    pos, n = 0, len(payload)
    while pos < n:
        ch = payload[pos]
        if ch == "<":
            close = payload.find(">", pos + 1)
            tag = payload[pos + 1: close if close >= 0 else n]
            name = re.split(r"[\s.]", tag.lstrip("/"), maxsplit=1)[0] if tag else ""
            is_timestamp = tag[:1].isdigit() and (vtt_timestamp(tag, 0) or (0, -1))[1] == len(tag)
            if problems is not None and not is_timestamp:
                line = first_line + payload.count("\n", 0, pos)
                column = pos - (payload.rfind("\n", 0, pos) + 1) + 1
                if not name or tag[:1] in _WS + "\n" or tag[:1].isdigit():
                    problems.append(Finding(FindingCode.UNESCAPED_LT, Severity.ERROR, f"'<' not followed by a tag: {payload[pos:pos + 20]!r} is hidden "
                                            f"by players; write '&lt;'", line, column))
                elif name not in _KNOWN_TAGS:
                    problems.append(Finding(FindingCode.UNKNOWN_TAG, Severity.WARNING, f"unknown tag <{name}> is dropped by players; write '&lt;' "
                                            f"for text", line, column))
            pos = close + 1 if close >= 0 else n
        elif ch == "&":
            match = _CHAR_REF.match(payload, pos)
            # html.unescape follows the HTML rules WebVTT refers to (legacy names without ';' too)
            decoded = html.unescape(match.group(0)) if match else None
            if match and decoded != match.group(0):
                out.append(decoded)
                pos = match.end()
            else:
                if problems is not None:
                    line = first_line + payload.count("\n", 0, pos)
                    column = pos - (payload.rfind("\n", 0, pos) + 1) + 1
                    problems.append(Finding(FindingCode.UNESCAPED_AMPERSAND, Severity.ERROR, "'&' that is not a character reference; write '&amp;'", line, column))
                out.append("&")
                pos += 1
        else:
            nxt = min((k for k in (payload.find("<", pos), payload.find("&", pos)) if k >= 0), default=n)
            out.append(payload[pos:nxt])
            pos = nxt
    return "".join(out)


def parse(text: str, source: str = "<input>", *, problems: list[Finding] | None = None,
              encoding: str = "utf-8") -> CaptionDocument:
    """Read WebVTT text (decoded, LF line ends) as the W3C parser does, reporting problems.

    Never raises for bad content.

    >>> doc = parse("WEBVTT\\n\\nNOTE t\\n\\nid\\n00:01.000 --> 00:02.000 align:start\\nR&amp;D\\n")
    >>> [(c.identifier, c.start_ms, c.end_ms, c.lines, c.settings, c.line) for c in doc.cues], doc.notes
    ([('id', 1000, 2000, ('R&D',), 'align:start', 6)], ('t',))
    """
    problems = list(problems or [])
    text = text.replace("\x00", "\ufffd")
    if text and not text.endswith("\n"):
        text += "\n"   # the same lines; lets the cue pattern end every line with "\n"
    lines = block_lines(text)
    n = len(lines)
    first = lines[0] if lines else ""
    if not (first.startswith("WEBVTT") and (len(first) == 6 or first[6] in " \t")):
        problems.append(Finding(FindingCode.BAD_SIGNATURE, Severity.ERROR, f"first line {first[:30]!r} is not the WebVTT signature; expected 'WEBVTT' "
                                f"alone or followed by a space or tab; players read no cue from this file", 1))
        return CaptionDocument(source, Format.VTT, (), tuple(problems), encoding)

    cues: list[Cue] = []
    notes: list[str] = []
    seen_cue = False

    def collect(i: int, in_header: bool, after_arrow: bool = False):
        """The W3C 'collect a block' algorithm on lines: returns (next index, kind, data)."""
        nonlocal seen_cue
        start_i, line_count, prev, buffer = i, 0, i, []
        seen_arrow, cue, kind = False, None, None
        broke_on_arrow = False
        while i < n:
            line = lines[i]
            line_count += 1
            i += 1
            if "-->" in line:
                if not in_header and (line_count == 1 or (line_count == 2 and not seen_arrow)):
                    seen_arrow = True
                    prev = i
                    parsed = _timings(line)
                    if isinstance(parsed, str) and not after_arrow:  # else reported as arrow-in-text
                        problems.append(Finding(FindingCode.MALFORMED_TIMESTAMP, Severity.ERROR, f"timing line {line.strip()[:60]!r}: {parsed}; the cue is "
                                                f"dropped by players", i))
                    if isinstance(parsed, str):
                        cue = None
                        kind = "bad-timing"
                    else:
                        cue = ("\n".join(buffer), parsed, i)
                        buffer = []
                        seen_cue = True
                else:
                    i = prev
                    broke_on_arrow = True
                    break
            elif line == "":
                break
            else:
                if not in_header and line_count == 2 and buffer:
                    head = buffer[0]
                    for word in ("STYLE", "REGION"):
                        if head.startswith(word) and head[len(word):].strip(" \t") == "":
                            if seen_cue:
                                kind = "after-cue"
                            else:
                                kind = word.lower()
                            buffer = []
                buffer.append(line)
                prev = i
        return i, start_i, cue, kind, buffer, broke_on_arrow

    i = 1
    if i < n and lines[i] != "":
        i, _, _, _, _, broke = collect(i, True)
        if broke:
            problems.append(Finding(FindingCode.MISSING_BLANK_LINE, Severity.WARNING, "a cue starts right after the header, without a blank line", i + 1))
    previous_broke = False
    # The usual cue block (blank lines, an optional identifier, a strict timing line, text
    # lines, then a blank line or the end) is read by one pattern; a block it does not match,
    # or whose identifier or text holds "-->", goes through collect() like every other block.
    # ``pos`` is the offset of line ``i`` in ``text``.
    fast = _FAST_CUE.match
    count = text.count
    pos = sum(len(lines[k]) + 1 for k in range(i))
    while True:
        m = None if previous_broke else fast(text, pos)
        if m is not None and "-->" not in m.group(1) and "-->" not in m.group(11):
            h1, m1, s1, f1, h2, m2, s2, f2 = m.group(2, 3, 4, 5, 6, 7, 8, 9)
            raw_settings, payload = m.group(10), m.group(11)
            timing_line = i + count("\n", pos, m.start(2)) + 1
            if raw_settings and not raw_settings.isspace():
                _check_settings(raw_settings, timing_line, problems)
            if payload:
                payload = payload[:-1]
                if "<" in payload or "&" in payload:
                    payload = parse_cue_text(payload, timing_line + 1, problems)
                cue_lines = tuple(payload.split("\n"))
            else:
                cue_lines = ()
            cues.append(_make_cue(from_fields(int(h1), int(m1), int(s1), int(f1)),
                                  from_fields(int(h2), int(m2), int(s2), int(f2)),
                                  cue_lines, m.group(1)[:-1], raw_settings.strip(), timing_line))
            seen_cue = True
            i = timing_line + count("\n", m.start(11), m.end(11))
            pos = m.end()
            continue
        before = i
        while i < n and lines[i] == "":
            i += 1
        if i >= n:
            break
        i, start_i, cue, kind, buffer, broke = collect(i, False, previous_broke)
        pos += sum(len(lines[k]) + 1 for k in range(before, i))
        if cue is not None:
            identifier, (start, end, settings), timing_line = cue
            if previous_broke:
                problems.append(Finding(FindingCode.MISSING_BLANK_LINE, Severity.ERROR, "a cue starts without a blank line before it", start_i + 1))
            _check_settings(settings, timing_line, problems)
            payload = "\n".join(buffer)
            shown = parse_cue_text(payload, timing_line + 1, problems)
            cue_lines = tuple(shown.split("\n")) if buffer else ()
            cues.append(_make_cue(start, end, cue_lines, identifier, settings.strip(), timing_line))
        elif kind == "bad-timing":
            if previous_broke:
                problems.append(Finding(FindingCode.ARROW_IN_TEXT, Severity.ERROR, "'-->' in cue text ends the cue there; write '--&gt;'", start_i + 1))
        elif kind in ("style", "region"):
            pass
        elif kind == "after-cue":
            problems.append(Finding(FindingCode.BLOCK_AFTER_CUE, Severity.WARNING, "STYLE and REGION blocks must come before the first cue; players ignore it", start_i + 1))
        elif buffer and re.match(r"NOTE($|[ \t])", buffer[0]):
            notes.append("\n".join([buffer[0][5:], *buffer[1:]]).strip())
        elif buffer:
            problems.append(Finding(FindingCode.TEXT_WITHOUT_TIMING, Severity.ERROR, f"block without a timing line ignored by players: {buffer[0][:40]!r}", start_i + 1))
        previous_broke = broke
    problems.sort(key=lambda p: p.line)
    return CaptionDocument(source, Format.VTT, tuple(cues), tuple(problems), encoding, tuple(notes))


_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_BLOCK_WORDS = ("NOTE", "STYLE", "REGION", "WEBVTT")


def escape_vtt_text(text: str) -> str:
    """Cue text with ``&``, ``<`` and ``>`` written as character references.

    Escaping ``>`` too means a ``-->`` in the text becomes ``--&gt;``, which no parser
    takes for a timing line, and which every WebVTT reader shows as ``-->``.

    >>> escape_vtt_text("R&D <3 a --> b")
    'R&amp;D &lt;3 a --&gt; b'
    """
    return text.translate(_ESCAPES)


def _safe_identifier(identifier: str) -> str:
    # An identifier that is multi-line, holds "-->" or starts like another block would
    # change how the block is read; such an identifier is left out, never mangled.
    if (not identifier or "\n" in identifier or "\r" in identifier or "-->" in identifier
            or identifier.startswith(_BLOCK_WORDS)):
        return ""
    return identifier


def _safe_settings(settings: str) -> str:
    if "\n" in settings or "\r" in settings or "-->" in settings:
        return ""
    return settings.strip()


def to_webvtt(cues: Sequence[Cue], *, header_notes: Sequence[str] = ()) -> webvtt.WebVTT:
    """The cues as a :class:`webvtt.WebVTT`, text escaped, ``header_notes`` in one NOTE block."""
    import webvtt

    captions = [
        webvtt.Caption(
            format_vtt(cue.start_ms),
            format_vtt(cue.end_ms),
            [escape_vtt_text(line) for line in display_lines(cue)],
            identifier=_safe_identifier(cue.identifier) or None,
            settings=_safe_settings(cue.settings) or None,
        )
        for cue in cues
    ]
    notes = note_lines(header_notes)
    return webvtt.WebVTT(captions=captions, header_comments=["\n".join(notes)] if notes else [])


def render(cues: Sequence[Cue], *, header_notes: Sequence[str] = ()) -> str:
    """WebVTT text: the ``WEBVTT`` signature, an optional NOTE block, then the cues.

    >>> print(render([Cue(0, 1500, ("Tech & Co",))], header_notes=["Titre"]), end="")
    WEBVTT
    <BLANKLINE>
    NOTE Titre
    <BLANKLINE>
    00:00:00.000 --> 00:00:01.500
    Tech &amp; Co
    """
    text = to_webvtt(cues, header_notes=header_notes).content
    return text if text.endswith("\n") else text + "\n"
