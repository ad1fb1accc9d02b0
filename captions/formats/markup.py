"""Cue text as written: the markup of SRT and WebVTT cue payloads, read as tokens.

A payload is what a file holds for a cue's text: WebVTT tags (``<v Sarah>``, ``<i>``,
``<c.yellow>``, ``<ruby>``/``<rt>``, ``<lang en>``, inner timestamps ``<00:01.500>``) and
character references (``&amp;``); SRT tags (``<i>``, ``<b>``, ``<u>``, ``<s>``, ``<font ...>``)
and ASS overrides (``{\\an8}``).  :func:`tokens` reads it as a list of :class:`Token` values,
:func:`shown` gives the lines a viewer reads, and :func:`relayout` writes the same payload
again with the line breaks and spaces of new display lines (a re-break, French spacing),
keeping every tag and reference as written: a span open across a new line break is closed at
the end of the line and opened again at the start of the next, as players expect.

The WebVTT reading follows the W3C cue-text tokenizer as :func:`captions.formats.vtt.parse_cue_text`
does (a ``<`` opens a tag up to the next ``>``); a property test keeps the two alike.
"""

from __future__ import annotations

import dataclasses
import enum
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Cue, Format
from ..timecode import vtt_timestamp

__all__ = ["Kind", "Token", "tokens", "shown", "relayout", "has_markup", "CHAR_REF", "is_timestamp_tag",
           "VTT_SPANS", "payload_with"]

#: The WebVTT tags that open a span of text (closed by ``</name>``, or by the cue's end).
VTT_SPANS = frozenset({"c", "i", "b", "u", "ruby", "rt", "v", "lang"})
#: A WebVTT (HTML) character reference: what the tokenizer tries at each ``&``.
CHAR_REF = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")
_TAG_NAME_END = re.compile(r"[\s.]")
# SRT markup: the HTML tags players read, and ASS override blocks ("{\an8}", "{\i1}").
_SRT_MARKUP = re.compile(r"<(/?)(b|i|u|s|font)(?=[\s>])[^<>\n]*>|\{\\[^{}\n]*\}", re.IGNORECASE)


class Kind(enum.Enum):
    """What a token of a payload is."""

    TEXT = "text"        # one character a viewer reads (or one character reference)
    SPACE = "space"      # a space a viewer reads (a space, a tab, U+00A0, U+202F, &nbsp;)
    BREAK = "break"      # a line break
    OPEN = "open"        # a tag that opens a span (``<i>``, ``<v Bob>``, ``<font color=red>``)
    CLOSE = "close"      # the tag that closes one (``</i>``)
    MARK = "mark"        # markup that is not a span: an inner timestamp, an override, an unknown tag


@dataclass(frozen=True, slots=True)
class Token:
    """One token of a payload.

    Attributes:
        kind: what it is.
        raw: the token as written.
        text: what a viewer reads of it ("" for markup).
        name: a tag's name (lower case), for OPEN and CLOSE.
    """

    kind: Kind
    raw: str
    text: str = ""
    name: str = ""


def has_markup(line: str, fmt: Format) -> bool:
    """Whether a payload line may hold markup (the usual line has none: it is its own text).

    >>> has_markup("R&D", Format.VTT), has_markup("R&D", Format.SRT), has_markup("{\\\\an8}Oui", Format.SRT)
    (True, False, True)
    """
    if fmt is Format.VTT:
        return "<" in line or "&" in line
    return "<" in line or "{" in line


def tokens(payload: Sequence[str], fmt: Format) -> list[Token]:
    """The tokens of a cue's payload lines (a BREAK between two lines).

    >>> [(t.kind.value, t.raw) for t in tokens(["<i>a</i> &amp;"], Format.VTT)]
    [('open', '<i>'), ('text', 'a'), ('close', '</i>'), ('space', ' '), ('text', '&amp;')]
    """
    if fmt is Format.VTT:
        return _vtt_tokens("\n".join(payload))
    out: list[Token] = []
    for k, line in enumerate(payload):
        if k:
            out.append(Token(Kind.BREAK, "\n", "\n"))
        out.extend(_srt_tokens(line))
    return out


def _char(ch: str) -> Token:
    if ch == "\n":
        return Token(Kind.BREAK, ch, ch)
    return Token(Kind.SPACE if ch.isspace() else Kind.TEXT, ch, ch)


def _srt_tokens(line: str) -> list[Token]:
    out: list[Token] = []
    pos = 0
    for m in _SRT_MARKUP.finditer(line):
        out.extend(map(_char, line[pos:m.start()]))
        raw = m.group(0)
        if raw.startswith("{"):
            out.append(Token(Kind.MARK, raw))
        else:
            out.append(Token(Kind.CLOSE if m.group(1) else Kind.OPEN, raw, name=m.group(2).lower()))
        pos = m.end()
    out.extend(map(_char, line[pos:]))
    return out


def is_timestamp_tag(tag: str) -> bool:
    """Whether a tag's text is a WebVTT timestamp (``<00:01.500>``: karaoke timing, not a tag).

    >>> is_timestamp_tag("00:01.500"), is_timestamp_tag("00:01.5"), is_timestamp_tag("i")
    (True, False, False)
    """
    if not tag[:1].isdigit():
        return False
    got = vtt_timestamp(tag, 0)
    return got is not None and got[1] == len(tag)


def _vtt_tag(tag: str, raw: str) -> Token:
    """The token of a WebVTT tag whose text (between ``<`` and ``>``) is ``tag``."""
    if is_timestamp_tag(tag):
        return Token(Kind.MARK, raw)
    closing = tag.startswith("/")
    name = _TAG_NAME_END.split(tag[1:] if closing else tag, maxsplit=1)[0]
    if name not in VTT_SPANS or (not closing and tag[:1] in " \t\n\f"):
        return Token(Kind.MARK, raw)
    return Token(Kind.CLOSE if closing else Kind.OPEN, raw, name=name)


def _vtt_tokens(payload: str) -> list[Token]:
    out: list[Token] = []
    pos, n = 0, len(payload)
    while pos < n:
        ch = payload[pos]
        if ch == "<":
            close = payload.find(">", pos + 1)
            end = close + 1 if close >= 0 else n
            out.append(_vtt_tag(payload[pos + 1:close if close >= 0 else n], payload[pos:end]))
            pos = end
        elif ch == "&":
            m = CHAR_REF.match(payload, pos)
            decoded = html.unescape(m.group(0)) if m is not None else "&"
            if m is not None and decoded != m.group(0):
                kind = Kind.SPACE if decoded.isspace() and "\n" not in decoded else Kind.TEXT
                out.append(Token(kind, m.group(0), decoded))
                pos = m.end()
            else:
                out.append(Token(Kind.TEXT, "&", "&"))
                pos += 1
        else:
            out.append(_char(ch))
            pos += 1
    return out


def shown(payload: Sequence[str], fmt: Format) -> tuple[str, ...]:
    """The lines a viewer reads of a payload (markup dropped, references decoded).

    >>> shown(["{\\\\an8}<i>Oui</i>", "<font color=red>non</font>"], Format.SRT)
    ('Oui', 'non')
    """
    if not any(has_markup(line, fmt) for line in payload):
        return tuple(payload)
    return tuple("".join(t.text for t in tokens(payload, fmt)).split("\n"))


def relayout(payload: Sequence[str], fmt: Format, lines: Sequence[str]) -> tuple[str, ...] | None:
    """The payload written again with the line breaks and spaces of ``lines``, which must read the
    same characters as the payload shows, spaces aside; None when they do not.

    Tags and character references stay as written, in place; a span open at a new line break is
    closed at the end of the line and opened again on the next.  The spaces around markup stay
    as written where ``lines`` has spaces too (``This {\an8} is`` shows two spaces, as before), so
    what the result shows has the words and lines of ``lines``, not always its runs of spaces.

    >>> relayout(["<v Bob><i>Bonsoir à</i> tous ?"], Format.VTT, ["Bonsoir", "à tous\\u202f?"])
    ('<v Bob><i>Bonsoir</i></v>', '<v Bob><i>à</i> tous\\u202f?')
    """
    toks = tokens(payload, fmt)
    units = [t for t in toks if t.kind is Kind.TEXT]
    target = "\n".join(lines)
    gaps = _new_gaps(target, units)
    if gaps is None:
        return None
    out: list[Token] = []
    k = 0   # the number of units written so far
    pending: list[Token] = []   # the markup and spaces since the last unit
    for token in toks:
        if token.kind is Kind.TEXT:
            out.extend(_gap(pending, gaps[k]))
            out.append(token)
            pending, k = [], k + 1
        else:
            pending.append(token)
    out.extend(_gap(pending, gaps[k]))
    result = tuple("".join(t.raw for t in _balanced(out)).split("\n"))
    same = [line.split() for line in shown(result, fmt)] == [line.split() for line in lines]
    return result if same else None


def _new_gaps(target: str, units: Sequence[Token]) -> list[str] | None:
    """The spaces and line breaks of ``target`` before each unit and after the last (one more
    than there are units), or None when ``target``'s other characters are not the units' texts."""
    gaps: list[str] = []
    pos = 0
    for unit in units:
        start = pos
        while pos < len(target) and target[pos].isspace():
            pos += 1
        if not target.startswith(unit.text, pos) or unit.text.isspace():
            return None
        gaps.append(target[start:pos])
        pos += len(unit.text)
    if target[pos:].strip():
        return None
    gaps.append(target[pos:])
    return gaps


def _gap(old: list[Token], new: str) -> list[Token]:
    """The tokens between two units: as written when the spaces are the same, else the markup
    written before the first old space, then the new spaces, then the rest of the markup."""
    blank = (Kind.SPACE, Kind.BREAK)
    written = "".join(t.text for t in old if t.kind in blank)
    marked = any(t.kind not in blank for t in old)
    if written == new or (marked and new.strip(" ") == "" and written.strip(" \t") == "" and new and written):
        return old   # the same spaces, or spaces for spaces around markup: as written ("This {\an8} is")
    first = next((k for k, t in enumerate(old) if t.kind in blank), len(old))
    return [*old[:first], *map(_new_char, new), *(t for t in old[first:] if t.kind not in blank)]


def _new_char(ch: str) -> Token:
    """A space or line break the new layout puts in (a new break is named, for :func:`_balanced`)."""
    return _NEW_BREAK if ch == "\n" else _char(ch)


_NEW_BREAK = Token(Kind.BREAK, "\n", "\n", name="new")


def _balanced(toks: list[Token]) -> list[Token]:
    """``toks`` with every span open at a new line break closed before it and opened again after it
    (a break the payload already had stays as it was written)."""
    out: list[Token] = []
    stack: list[Token] = []
    for token in toks:
        if token is _NEW_BREAK and stack:
            out.extend(Token(Kind.CLOSE, f"</{t.name}>", name=t.name) for t in reversed(stack))
            out.append(token)
            out.extend(stack)
            continue
        if token.kind is Kind.OPEN:
            stack.append(token)
        elif token.kind is Kind.CLOSE:
            at = next((k for k in range(len(stack) - 1, -1, -1) if stack[k].name == token.name), None)
            if at is not None:
                del stack[at:]
        out.append(token)
    return out


def payload_with(cue: Cue, lines: Sequence[str], fmt: Format | None) -> Cue | None:
    """``cue`` (read from a file in ``fmt``) with ``lines`` as its text and its payload written
    again to match: the new lines themselves when it has no markup, else :func:`relayout` (the
    cue's lines are then what the payload shows); None when its markup cannot follow (a change
    of characters, or an unknown format).  A cue not read from a file has no payload.

    >>> payload_with(Cue(0, 1, ("a b",), payload=("<i>a b</i>",)), ["a", "b"], Format.SRT).payload
    ('<i>a</i>', '<i>b</i>')
    """
    new = tuple(lines)
    if not cue.payload:
        return dataclasses.replace(cue, lines=new)
    if cue.payload == cue.lines or (fmt is not None and not any(has_markup(line, fmt) for line in cue.payload)):
        return dataclasses.replace(cue, lines=new, payload=new)
    payload = None if fmt is None else relayout(cue.payload, fmt, new)
    if payload is None or fmt is None:
        return None
    return dataclasses.replace(cue, lines=shown(payload, fmt), payload=payload)
