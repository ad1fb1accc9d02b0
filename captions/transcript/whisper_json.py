"""Speech recognisers' JSON -> :class:`~captions.model.Transcript`, word times kept.

The shapes read (one fragment per segment, its ``end_ms`` and its ``words``):

* whisper (``whisper --output_format json``), faster-whisper and stable-ts dumps, whisperX:
  ``{"segments": [{"start": 0.0, "end": 2.5, "text": " Hello.", "words": [{"word": " Hello.",
  "start": 0.0, "end": 0.5}]}]}``, times in seconds; whisperX's ``"speaker"`` is kept (a turn
  where it changes);
* whisper.cpp (``-oj``, ``-ojf``): ``{"transcription": [{"offsets": {"from": 0, "to": 2500},
  "text": " Hello.", "tokens": [...]}]}``, times in milliseconds; its tokens become words;
* a bare list of segments.

A word given without times (whisperX leaves numbers unaligned) takes its place between its
neighbours; a word without a space of its own (a token such as ``'s``) joins the word before.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ..errors import Location, ParseError
from ..model import Fragment, Layout, Note, NoteCode, Transcript, Word

__all__ = ["transcript_from_json"]

_EXPECTED = ("expected the JSON of a speech recogniser: whisper's (\"segments\" with \"start\", \"end\", \"text\" "
             "and \"words\"), whisper.cpp's (\"transcription\" with \"offsets\") or a list of segments")


_Token = tuple[str, int | None, int | None]   # a word or token: (text, start, end), times may be missing


@dataclass(frozen=True, slots=True)
class _Segment:
    start_ms: int
    end_ms: int
    text: str
    words: tuple[_Token, ...]
    speaker: str | None


def _seconds(value: object) -> int | None:
    return round(float(value) * 1000) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _millis(value: object) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _whisper_segment(seg: Mapping[str, object]) -> _Segment | None:
    """A segment of whisper's shape (seconds), or None when it is not one."""
    start, end = _seconds(seg.get("start")), _seconds(seg.get("end"))
    text = seg.get("text")
    if start is None or end is None or not isinstance(text, str):
        return None
    raw_words = seg.get("words")
    words: list[_Token] = []
    if isinstance(raw_words, list):
        for w in raw_words:
            if isinstance(w, Mapping):
                token = w.get("word", w.get("text"))
                if isinstance(token, str):
                    words.append((token, _seconds(w.get("start")), _seconds(w.get("end"))))
    speaker = seg.get("speaker")
    return _Segment(start, end, text, tuple(words), speaker if isinstance(speaker, str) else None)


def _cpp_segment(seg: Mapping[str, object]) -> _Segment | None:
    """A segment of whisper.cpp's shape (``offsets`` in milliseconds), or None."""
    offsets, text = seg.get("offsets"), seg.get("text")
    if not isinstance(offsets, Mapping) or not isinstance(text, str):
        return None
    start, end = _millis(offsets.get("from")), _millis(offsets.get("to"))
    if start is None or end is None:
        return None
    words: list[_Token] = []
    tokens = seg.get("tokens")
    if isinstance(tokens, list):
        for tok in tokens:
            if not isinstance(tok, Mapping) or not isinstance(tok.get("text"), str):
                continue
            token = str(tok["text"])
            if token.startswith("[_") or not token.strip():   # whisper.cpp's special tokens
                continue
            times = tok.get("offsets")
            ts = times if isinstance(times, Mapping) else {}
            words.append((token, _millis(ts.get("from")), _millis(ts.get("to"))))
    return _Segment(start, end, text, tuple(words), None)


def _segments(data: object) -> list[Mapping[str, object]] | None:
    """The list of segment objects in a recogniser's JSON, or None."""
    if isinstance(data, list):
        found: object = data
    elif isinstance(data, Mapping):
        found = data.get("segments", data.get("transcription"))
    else:
        return None
    if not isinstance(found, list):
        return None
    return [seg for seg in found if isinstance(seg, Mapping)]


def _join_tokens(words: Sequence[_Token]) -> list[_Token]:
    """Tokens as words: a token that does not start with a space continues the word before it
    (after the first), and a token holding spaces is one word per part, sharing its times.

    >>> _join_tokens([(" Hello", 0, 5), ("'s", 5, 7), (" New York", 8, 12)])
    [("Hello's", 0, 7), ('New', 8, 12), ('York', 8, 12)]
    """
    out: list[_Token] = []
    for token, start, end in words:
        parts = token.split()
        if not parts:
            continue
        if out and not token[:1].isspace():
            text, first, last = out[-1]
            out[-1] = (text + parts[0], first, end if end is not None else last)
            parts = parts[1:]
        out.extend((part, start, end) for part in parts)
    return out


def _timed_words(seg: _Segment) -> tuple[Word, ...]:
    """A segment's words with times inside it, non-decreasing; a word without times takes its
    place between its neighbours."""
    joined = _join_tokens(seg.words)
    if not joined:
        return ()
    out: list[Word] = []
    floor = seg.start_ms
    for k, (text, start, end) in enumerate(joined):
        if start is None:   # between the word before and the next word with a time
            known = [t for _, t, _ in joined[k + 1:] if t is not None]
            following = known[0] if known else seg.end_ms
            start = floor + (following - floor) // (sum(1 for _, t, _ in joined[k:] if t is None) + 1)
        start = min(max(start, floor), seg.end_ms)
        end = end if end is not None else start
        end = min(max(end, start + 1), max(seg.end_ms, start + 1))
        out.append(Word(text, start, end))
        floor = start
    return tuple(out)


def _line_finder(text: str) -> Callable[[str], int]:
    """A function giving the 1-based line of each segment's text, searched in order in the JSON."""
    state = {"pos": 0, "line": 1}

    def line_of(segment_text: str) -> int:
        for encoded in (json.dumps(segment_text, ensure_ascii=False), json.dumps(segment_text)):
            found = text.find(encoded, state["pos"])
            if found >= 0:
                state["line"] += text.count("\n", state["pos"], found)
                state["pos"] = found
                break
        return state["line"]

    return line_of


def transcript_from_json(text: str, data: object, source: str, encoding: str) -> Transcript:
    """The transcript of a recogniser's JSON (``data``: ``text`` parsed, or ``text`` itself
    when it did not parse).

    Raises:
        ParseError: the JSON does not parse (at its line), holds no segments, or its segments
            go backwards.

    >>> t = transcript_from_json("", {"segments": [{"start": 0.5, "end": 1.2, "text": " Hi there.",
    ...     "words": [{"word": " Hi", "start": 0.5, "end": 0.7}, {"word": " there.", "start": 0.8, "end": 1.2}]}]},
    ...     "a.json", "utf-8")
    >>> f = t.fragments[0]
    >>> (f.start_ms, f.end_ms, f.text, [(w.text, w.start_ms) for w in f.words])
    (500, 1200, 'Hi there.', [('Hi', 500), ('there.', 800)])
    """
    if data is text:
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParseError(f"not valid JSON ({exc.msg}); {_EXPECTED}", Location(source, exc.lineno, exc.colno)) from None
    raw = _segments(data)
    if raw is None:
        raise ParseError(f"JSON without speech segments; {_EXPECTED}", Location(source, 1))
    fragments: list[Fragment] = []
    notes: list[Note] = []
    line_of = _line_finder(text)
    last_speaker: str | None = None
    for k, obj in enumerate(raw):
        seg = _whisper_segment(obj) or _cpp_segment(obj)
        if seg is None:
            raise ParseError(f"segment {k + 1} has no start, end and text; {_EXPECTED}", Location(source, line_of("")))
        line = line_of(seg.text)
        if fragments and seg.start_ms < fragments[-1].start_ms:
            raise ParseError(f"segment {k + 1} starts at {seg.start_ms} ms, before segment {k} "
                             f"({fragments[-1].start_ms} ms); expected segments in time order", Location(source, line))
        words = _timed_words(seg)
        body = " ".join(w.text for w in words) if words else " ".join(seg.text.split())
        if not body:
            notes.append(Note(NoteCode.EMPTY_FRAGMENT, line, f"segment {k + 1} has no text: nothing to caption"))
            continue
        turn = seg.speaker is not None and seg.speaker != last_speaker
        fragments.append(Fragment(seg.start_ms, body, line, seg.speaker, 1, turn, max(seg.end_ms, seg.start_ms + 1),
                                  words))
        last_speaker = seg.speaker
    if not fragments:
        raise ParseError(f"no segment holds any text; {_EXPECTED}", Location(source, 1))
    return Transcript(source, tuple(fragments), (), (), tuple(notes), Layout.WHISPER_JSON, encoding)
