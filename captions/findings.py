"""Findings: every problem the toolkit reports about a user's file, as one kind of value.

The caption readers (what they met in the bytes), the caption checks (what breaks a guideline)
and the dictionary lint (what is wrong in a correction dictionary) all report a
:class:`Finding`: a stable kebab-case :class:`FindingCode`, a :class:`Severity`, a sentence for a
person, and where it is.  docs/findings.md lists every code.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import NotRequired, TypedDict

from .errors import Location

__all__ = ["Severity", "FindingCode", "Finding", "FindingDict", "Measure"]

#: What a finding measured, or the limit it broke: a count, a speed, a duration.
Measure = float | int | str | None


class Severity(str, enum.Enum):
    """How bad a finding is.

    ``error``: the file breaks for some reader, or a dictionary is refused; ``warning``: a
    guideline is broken or a tolerance was used, or a dictionary loads but deserves a look;
    ``info``: a harmless fact (an encoding, a byte-order mark).
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """2 for errors, 1 for warnings, 0 for infos: ``finding.severity.rank >= limit.rank``."""
        return _RANK[self]


_RANK = {Severity.ERROR: 2, Severity.WARNING: 1, Severity.INFO: 0}


class FindingCode(str, enum.Enum):
    """Every finding code, stable and kebab-case (each is described in docs/findings.md)."""

    # ---- caption files: what the readers meet in the bytes
    EMPTY_FILE = "empty-file"
    ENCODING = "encoding"                  # not UTF-8 (UTF-16/32, a legacy encoding detected or given)
    INVALID_BYTE = "invalid-byte"          # a byte the encoding does not read (read as U+FFFD)
    BOM = "bom"
    CRLF = "crlf"
    NUL_CHARACTER = "nul-character"
    # both formats
    UNPARSEABLE_BLOCK = "unparseable-block"
    MALFORMED_TIMESTAMP = "malformed-timestamp"
    MISSING_ARROW = "missing-arrow"
    TEXT_WITHOUT_TIMING = "text-without-timing"
    MISSING_BLANK_LINE = "missing-blank-line"
    # SRT
    MISSING_INDEX = "missing-index"
    MISSING_TIMING = "missing-timing"      # a numbered block without a timing line: a cue players leave out
    BAD_INDEX = "bad-index"
    BLANK_LINE_IN_CUE = "blank-line-in-cue"
    # WebVTT
    BAD_SIGNATURE = "bad-signature"
    ARROW_IN_TEXT = "arrow-in-text"
    UNESCAPED_LT = "unescaped-lt"
    UNESCAPED_AMPERSAND = "unescaped-ampersand"
    UNKNOWN_TAG = "unknown-tag"
    BAD_CUE_SETTING = "bad-cue-setting"
    BLOCK_AFTER_CUE = "block-after-cue"

    # ---- caption files: what the checks find in the cues
    END_NOT_AFTER_START = "end-not-after-start"
    OUT_OF_ORDER = "out-of-order"
    OVERLAP = "overlap"
    EMPTY_CUE = "empty-cue"
    INDEX_SEQUENCE = "index-sequence"
    LINE_TOO_LONG = "line-too-long"
    TOO_MANY_LINES = "too-many-lines"
    TOO_FAST = "too-fast"
    TOO_SHORT = "too-short"
    TOO_LONG = "too-long"
    GAP_TOO_SMALL = "gap-too-small"
    NO_GAP = "no-gap"
    CHAIN_GAP = "chain-gap"
    EDGE_SPACE = "edge-space"
    DOUBLE_SPACE = "double-space"
    MISSING_NBSP = "missing-nbsp"
    REPEATED_CUE = "repeated-cue"
    ROLLING_CUE = "rolling-cue"            # a cue that repeats the line before it, then adds one (auto-captions)

    # ---- caption files against their media (validate --media)
    CUE_OVER_SILENCE = "cue-over-silence"          # a cue shown over silence longer than allowed
    SPEECH_WITHOUT_CUE = "speech-without-cue"      # a second or more of speech with no cue
    CUE_EARLY = "cue-early"                        # a cue starts before its speech, past the tolerance
    CUE_LATE = "cue-late"                          # a cue starts after its speech, past the tolerance
    CAPTIONS_OFFSET = "captions-offset"            # the whole file is shifted or stretched against the speech

    # ---- built captions: what the quality measures find (captions.quality, the convert report)
    UNMARKED_TURN = "unmarked-turn"                # a change of speaker inside a cue, its line not opened by a dash
    TOO_MANY_SPEAKERS = "too-many-speakers"        # three or more speakers in one cue
    EXPRESSION_SPLIT = "expression-split"          # a line break or a cue boundary inside a fixed expression
    WEAK_LINE_END = "weak-line-end"                # a line ending on an article, a preposition, a conjunction...
    BLANK_IN_SENTENCE = "blank-in-sentence"        # a blank of 1 s or more inside a sentence, not marked

    # ---- correction dictionaries: what the lint finds
    UNREADABLE_ENTRY = "unreadable-entry"          # bad TOML, missing `to`, wrong type, unknown field
    DUPLICATE_KEY = "duplicate-key"                # the same key twice with the same replacement
    CONFLICTING_FIX = "conflicting-fix"            # one key, two different replacements (same file)
    OVERRIDDEN_KEY = "overridden-key"              # a later dictionary's key hidden by an earlier one
    CHAIN = "chain"                                # a key that matches another fix's replacement
    BAD_REGEX = "bad-regex"                        # does not compile
    CATASTROPHIC_REGEX = "catastrophic-regex"      # ambiguous repeats: exponential backtracking
    REGEX_TOO_LARGE = "regex-too-large"            # counted repeats that would expand past the size limit
    EMPTY_MATCH_REGEX = "empty-match-regex"        # a key regex that can match nothing at all
    CONTEXT_ALWAYS_MATCHES = "context-always-matches"  # a guard that matches the empty string
    CONTEXT_NEVER_MATCHES = "context-never-matches"    # a guard that never matches the checked text
    GUARD_SEES_REPLACEMENT = "guard-sees-replacement"  # a guard a second run could decide differently
    FUZZY_MULTIWORD = "fuzzy-multiword"            # fuzzy applies to one-word keys only
    NEEDS_REVIEW = "needs-review"                  # a suggestion not yet reviewed (`review = true`)


class FindingDict(TypedDict):
    """A :class:`Finding` as JSON (``source`` only when the list mixes several files)."""

    source: NotRequired[str]
    code: str
    severity: str
    cue: int | None
    line: int | None
    column: int | None
    value: Measure
    limit: Measure
    preset: str
    message: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, located.

    Attributes:
        code: what it is.
        severity: how bad.
        message: a sentence for a person, without the location.
        line / column: the 1-based place in the source (None when it is not in a file).
        cue: the 1-based cue number in file order (None outside any cue, and for dictionaries).
        value / limit: what was measured and the limit it broke (None when not a measure).
        preset: the preset the limit comes from ("" for format rules).
        source: the file, when findings of several files are listed together (dictionaries);
            "" when the list belongs to one file.

    >>> f = Finding(FindingCode.OVERLAP, Severity.ERROR, "overlaps cue 1 by 400 ms", line=6, cue=2)
    >>> str(f), f.to_dict()["code"]
    ('<input>:6: error: overlap: overlaps cue 1 by 400 ms', 'overlap')
    """

    code: FindingCode
    severity: Severity
    message: str
    line: int | None = None
    column: int | None = None
    cue: int | None = None
    value: Measure = None
    limit: Measure = None
    preset: str = ""
    source: str = ""

    @classmethod
    def error(cls, code: FindingCode, location: Location, message: str) -> Finding:
        """An error at ``location`` (a file and line of a configuration file, a dictionary)."""
        return cls(code, Severity.ERROR, message, location.line, location.column, source=location.source)

    @classmethod
    def warning(cls, code: FindingCode, location: Location, message: str) -> Finding:
        """A warning at ``location``."""
        return cls(code, Severity.WARNING, message, location.line, location.column, source=location.source)

    @property
    def location(self) -> Location:
        return Location(self.source or "<input>", self.line, self.column if self.line is not None else None)

    def __str__(self) -> str:
        return f"{self.location}: {self.severity.value}: {self.code.value}: {self.message}"

    def to_dict(self) -> FindingDict:
        data: FindingDict = {
            "code": self.code.value, "severity": self.severity.value, "cue": self.cue, "line": self.line,
            "column": self.column, "value": self.value, "limit": self.limit, "preset": self.preset,
            "message": self.message,
        }
        # the source comes first in the JSON, when there is one
        return {"source": self.source, **data} if self.source else data

    def to_json(self) -> str:
        """:meth:`to_dict` as compact JSON, the very text ``json.dumps(f.to_dict(),
        ensure_ascii=False)`` gives, written without building the dict (``validate --json``
        writes one per finding, hundreds of thousands on a long file).

        >>> import json
        >>> f = Finding(FindingCode.OVERLAP, Severity.ERROR, "overlaps « 1 »", line=6, cue=2, value=0.5)
        >>> f.to_json() == json.dumps(f.to_dict(), ensure_ascii=False)
        True
        """
        string, value = _json_tools()
        head, tail = _json_frame(self.source, self.code, self.severity, self.preset)
        return (f'{head}{value(self.cue)}, "line": {value(self.line)}, "column": {value(self.column)}, '
                f'"value": {value(self.value)}, "limit": {value(self.limit)}{tail}{string(self.message)}}}')


@functools.cache
def _json_tools() -> tuple[Callable[[str], str], Callable[[object], str]]:
    """The JSON encoders of :meth:`Finding.to_json` (json loads only when JSON is written): a
    string's, and any value's (ints and None by hand, the rest through json's C encoder)."""
    import json
    from json.encoder import encode_basestring

    dumps = json.JSONEncoder(ensure_ascii=False).encode

    def value(v: object) -> str:
        if v is None:
            return "null"
        if type(v) is int:
            return int.__repr__(v)
        return dumps(v)
    return encode_basestring, value


@functools.lru_cache(maxsize=1024)
def _json_frame(source: str, code: FindingCode, severity: Severity, preset: str) -> tuple[str, str]:
    """The constant parts of a finding's JSON: up to ``"cue": ``, and from ``, "preset"`` to
    ``"message": `` (a file's findings share a few codes and one preset)."""
    string = _json_tools()[0]
    head = f'"source": {string(source)}, ' if source else ""
    return (f'{{{head}"code": {string(code.value)}, "severity": {string(severity.value)}, "cue": ',
            f', "preset": {string(preset)}, "message": ')
