"""What a professional subtitler checks in built captions, measured: the convert report's
``quality`` section and the marks of the review page.

:func:`measure_quality` reads the cues (and, for a transcript, the fragments they were built
from) and counts, per file: the speaker turns marked (a cue starts with the turn, or the line
it starts on opens with a dialogue dash or a speaker label) against the turns the transcript
has; the line breaks and cue boundaries that fall inside a fixed expression of the language's
lists; the lines that end on a word a line must not end on; the blanks of a second or more
inside a sentence; the cues holding more than two speakers; and the distribution of reading
speeds.  Each problem is also a :class:`Flag`: a finding with the line and word of the cue it
is about, which the review page highlights.

The word lists are the builder's own (:mod:`captions.langdata`): the measures check the
builder against the rules it was given, by another road (a cut here is a place between two
words of the written cues, not a decision of the builder).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple, TypedDict

from .findings import Finding, FindingCode, FindingDict, Severity
from .langdata import LanguageData, fixed_expressions, language_data
from .model import Cue, Fragment
from .presets import Preset, SpeedUnit, median

__all__ = ["Flag", "SpeedBand", "SpeedDistribution", "QualityReport", "measure_quality", "BLANK_MS",
           "SPEED_BANDS", "line_end_words", "speed_distribution", "distribution_of", "combine_quality"]

#: A blank at least this long between two cues of one sentence is a blank a viewer notices.
BLANK_MS = 1000

#: The band edges of the reading-speed distribution, per unit: each guideline limit of
#: docs/presets.md is an edge (13, 17, 20, 25 cps; 130, 160, 180, 235 wpm), so a band says
#: which limits its cues meet.
SPEED_BANDS: Mapping[SpeedUnit, tuple[float, ...]] = {
    SpeedUnit.CPS: (10.0, 13.0, 15.0, 17.0, 20.0, 25.0, 30.0),
    SpeedUnit.WPM: (100.0, 130.0, 160.0, 180.0, 200.0, 235.0, 300.0),
}

_DASHES = "-‐‑–—"
_OPENING = "«\"“‘([¿¡" + _DASHES
_CLOSING = "»\"”’)]"
_CLAUSE = ".,;:!?…"
_SENTENCE = ".!?"
_CONTINUED = ("…", "...")
_VOICE = re.compile(r"^<v(?:\.[^ >]*)?(?: [^>]*)?>")
_TAG = re.compile(r"</?[A-Za-z0-9.:][^<>\n]*>")
_LABEL = re.compile(r"^[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ0-9 .'’-]*:(?=\s)")   # an SRT speaker label, ``NAME:``


# ---- values -----------------------------------------------------------------------------

class FlagData(FindingDict):
    """:meth:`Flag.to_dict`: the finding, and where in the cue (``cue_line``, ``word``)."""

    cue_line: int
    word: int


@dataclass(frozen=True, slots=True)
class Flag:
    """One quality finding, with the place in its cue the review page marks.

    Attributes:
        finding: the finding (``cue`` is its 1-based cue number, ``value`` the words concerned).
        line: the cue's display line it is about (0-based).
        word: the word of that line it is about (0-based, in the line's words split at spaces;
            -1 for the line's last word).
    """

    finding: Finding
    line: int = 0
    word: int = -1

    def to_dict(self) -> FlagData:
        data = self.finding.to_dict()
        return {**data, "cue_line": self.line + 1, "word": self.word}


@dataclass(frozen=True, slots=True)
class SpeedBand:
    """How many cues read at a speed up to ``up_to`` (above the previous band's edge; None: no
    upper edge)."""

    up_to: float | None
    cues: int


@dataclass(frozen=True, slots=True)
class SpeedDistribution:
    """How fast the cues read, in the preset's unit (characters per second, or words per minute
    for a words-per-minute preset), over the cues shown for a positive time.

    Attributes:
        limit: the preset's limit when it is one number (None: a stepped table or no limit).
        over_limit: the cues over the preset's limit for their display time.
    """

    unit: SpeedUnit
    p10: float
    median: float
    p90: float
    max: float
    limit: float | None
    over_limit: int
    bands: tuple[SpeedBand, ...]

    def to_dict(self) -> dict[str, object]:
        return {"unit": self.unit.value, "p10": round(self.p10, 2), "median": round(self.median, 2),
                "p90": round(self.p90, 2), "max": round(self.max, 2), "limit": self.limit,
                "over_limit": self.over_limit,
                "bands": [{"up_to": b.up_to, "cues": b.cues} for b in self.bands]}


class QualityData(TypedDict):
    """:meth:`QualityReport.to_dict` (docs/report.md)."""

    turns: int | None
    turns_marked: int | None
    cues_over_two_speakers: int | None
    expression_splits: int
    expressions_known: int
    lines: int
    weak_line_ends: int
    weak_line_end_share: float
    blanks_in_sentence: int
    blanks_unmarked: int
    reading_speed: dict[str, object]
    flags: list[FlagData]


@dataclass(frozen=True, slots=True)
class QualityReport:
    """The quality measures of one file's cues (docs/report.md).

    Attributes:
        turns / turns_marked: the transcript's speaker turns, and those a viewer sees (the cue
            starts with the turn, or its line opens with a dialogue dash or a speaker label);
            None for caption input (no transcript to count them in).
        cues_over_two_speakers: cues holding three speakers or more (None for caption input).
        expression_splits: line breaks and cue boundaries inside a fixed expression.
        expressions_known: how many fixed expressions the language's lists hold.
        lines / weak_line_ends: the display lines, and those ending on a word a line must not
            end on (an article, a preposition, a conjunction, a pronoun before its verb...).
        blanks_in_sentence / blanks_unmarked: blanks of :data:`BLANK_MS` or more between two cues
            of one sentence, and those with no continuation mark (``…``) on either side.
        speed: the reading-speed distribution.
        flags: every problem counted above, located (cue order).
        speakers: per cue, the speaker of each turn it holds, the first one first (None for an
            unnamed one); ``()`` for caption input.
        turn_starts: the cues (0-based) that start with a turn.
    """

    turns: int | None
    turns_marked: int | None
    cues_over_two_speakers: int | None
    expression_splits: int
    expressions_known: int
    lines: int
    weak_line_ends: int
    blanks_in_sentence: int
    blanks_unmarked: int
    speed: SpeedDistribution
    flags: tuple[Flag, ...] = ()
    speakers: tuple[tuple[str | None, ...], ...] = field(default=(), repr=False)
    turn_starts: frozenset[int] = field(default=frozenset(), repr=False)

    def count(self, code: FindingCode) -> int:
        return sum(1 for f in self.flags if f.finding.code is code)

    def to_dict(self) -> QualityData:
        return {
            "turns": self.turns,
            "turns_marked": self.turns_marked,
            "cues_over_two_speakers": self.cues_over_two_speakers,
            "expression_splits": self.expression_splits,
            "expressions_known": self.expressions_known,
            "lines": self.lines,
            "weak_line_ends": self.weak_line_ends,
            "weak_line_end_share": round(self.weak_line_ends / self.lines, 4) if self.lines else 0.0,
            "blanks_in_sentence": self.blanks_in_sentence,
            "blanks_unmarked": self.blanks_unmarked,
            "reading_speed": self.speed.to_dict(),
            "flags": [f.to_dict() for f in self.flags],
        }


# ---- the measures -----------------------------------------------------------------------

def measure_quality(cues: Sequence[Cue], preset: Preset, lang: str, *,
                    fragments: Sequence[Fragment] | None = None,
                    sources: Sequence[tuple[int, int]] | None = None,
                    expressions: Iterable[Sequence[str]] | None = None, previous: Cue | None = None) -> QualityReport:
    """The quality measures of ``cues``.

    Args:
        fragments / sources: the transcript fragments the cues were built from, and per cue the
            first and last fragment its words come from (``ConvertResult.sources``); without
            them, turns and speakers are not counted.
        expressions: the fixed expressions to check (default: the language's lists).
        previous: the cue before ``cues``, when they go on from others (a long transcript's
            section): the blank after it is measured with them (its flag has cue number 0).

    >>> from captions.presets import get_preset
    >>> cues = [Cue(0, 2000, ("Il y a, parce", "que c'est",)), Cue(4000, 5000, ("sain.",))]
    >>> q = measure_quality(cues, get_preset("fr-tv"), "fr", expressions=[("parce", "que")])
    >>> q.expression_splits, q.weak_line_ends, q.blanks_in_sentence, [f.finding.code.value for f in q.flags]
    (1, 2, 1, ['expression-split', 'weak-line-end', 'weak-line-end', 'blank-in-sentence'])
    """
    known = tuple(tuple(_norm(w) for w in e) for e in (expressions if expressions is not None
                                                       else fixed_expressions(lang)))
    flags: list[Flag] = []
    splits = _expression_splits(cues, [e for e in known if len(e) > 1], flags)
    weak = _weak_line_ends(cues, line_end_words(lang), flags, language_data(lang))
    turns = (_Turns.of(cues, fragments, sources) if fragments is not None and sources is not None
             else _Turns.unknown(cues))
    blanks, unmarked = _blanks(cues, turns.starts, flags, previous)
    flags += turns.flags
    flags.sort(key=lambda f: (f.finding.cue or 0, f.line, f.word if f.word >= 0 else 1 << 20))
    return QualityReport(
        turns=turns.total, turns_marked=turns.marked, cues_over_two_speakers=turns.over_two,
        expression_splits=splits, expressions_known=len(known), lines=sum(len(c.lines) for c in cues),
        weak_line_ends=weak, blanks_in_sentence=blanks, blanks_unmarked=unmarked,
        speed=speed_distribution(cues, preset), flags=tuple(flags), speakers=turns.speakers,
        turn_starts=turns.starts if turns.total is not None else frozenset())


def combine_quality(parts: Iterable[tuple[QualityReport, int]], speed: SpeedDistribution) -> QualityReport:
    """One report for cues measured part by part (a long transcript converted section by
    section, each section's cues after a sentence end): each part's report with how many cues
    come before it.  Counts are added, flags and turn starts numbered in the whole; ``speed``
    is the distribution over all the cues (:func:`distribution_of`); the speakers per cue are
    not kept (``()``).

    >>> from captions.presets import get_preset
    >>> one = measure_quality([Cue(0, 2000, ("Il y a, parce", "que c'est",))], get_preset("fr-tv"), "fr")
    >>> both = combine_quality([(one, 0), (one, 1)], one.speed)
    >>> one.weak_line_ends, both.weak_line_ends, [f.finding.cue for f in both.flags]
    (2, 4, [1, 1, 1, 2, 2, 2])
    """
    done = list(parts)
    flags = tuple(replace(f, finding=replace(f.finding, cue=(f.finding.cue or 0) + before)) if before else f
                  for q, before in done for f in q.flags)

    def total(name: str) -> int | None:
        values = [getattr(q, name) for q, _ in done]
        return None if not values or any(v is None for v in values) else sum(values)

    first = done[0][0] if done else None
    return QualityReport(
        turns=total("turns"), turns_marked=total("turns_marked"), cues_over_two_speakers=total("cues_over_two_speakers"),
        expression_splits=total("expression_splits") or 0, expressions_known=first.expressions_known if first else 0,
        lines=total("lines") or 0, weak_line_ends=total("weak_line_ends") or 0,
        blanks_in_sentence=total("blanks_in_sentence") or 0, blanks_unmarked=total("blanks_unmarked") or 0,
        speed=speed, flags=flags,
        turn_starts=frozenset(k + before for q, before in done for k in q.turn_starts))


def line_end_words(lang: str) -> frozenset[str]:
    """The words a line or a cue must not end on, from the language's data: articles and
    determiners, pronouns, prepositions, conjunctions, auxiliaries and adjectives before their
    noun (lower case; empty for a language without data).

    >>> "pour" in line_end_words("fr"), "against" in line_end_words("da")
    (True, False)
    """
    data = language_data(lang)
    return frozenset() if data is None else data.weak_end


def speed_distribution(cues: Sequence[Cue], preset: Preset) -> SpeedDistribution:
    """The reading speeds of ``cues`` in the preset's unit, and how many are over its limit.

    >>> from captions.presets import get_preset
    >>> d = speed_distribution([Cue(0, 1000, ("I am so sad as he is",)), Cue(1000, 3000, ("Yes.",))], get_preset("bbc"))
    >>> d.unit.value, d.median, d.max, d.over_limit, [b.cues for b in d.bands]
    ('wpm', 225.0, 420.0, 1, [1, 0, 0, 0, 0, 0, 0, 1])
    """
    shown = [c for c in cues if c.end_ms > c.start_ms]
    return distribution_of([preset.reading_units(c.text) for c in shown], [c.end_ms - c.start_ms for c in shown],
                           preset)


def distribution_of(units: Sequence[int], durations: Sequence[int], preset: Preset) -> SpeedDistribution:
    """:func:`speed_distribution` of the cues shown for a positive time, given as each one's
    reading units (:meth:`Preset.reading_units`) and display time: what a caller that does not
    keep the cues collects (a long transcript converted section by section)."""
    unit = preset.speed_unit
    speeds = sorted(preset.speed_of(n, duration) for n, duration in zip(units, durations))
    over = 0
    for n, duration in zip(units, durations):
        allowed = preset.max_units_for(duration)
        over += allowed is not None and n > allowed + 1e-9
    edges = SPEED_BANDS[unit]
    counts = [0] * (len(edges) + 1)
    for speed in speeds:
        counts[bisect_left(edges, speed)] += 1
    bands = tuple(SpeedBand(edge, n) for edge, n in zip((*edges, None), counts))
    limit = None if preset.cps_steps else preset.speed_limit(1000)

    def at(share: float) -> float:
        return speeds[min(len(speeds) - 1, int(len(speeds) * share))] if speeds else 0.0

    return SpeedDistribution(unit, at(0.1), median(speeds) if speeds else 0.0, at(0.9), speeds[-1] if speeds else 0.0,
                             limit, over, bands)


# ---- the words of the cues ----------------------------------------------------------------

def _norm(word: str) -> str:
    """A word as the lists write it: lower case, the typographic apostrophe made straight,
    opening and closing marks and clause punctuation around it dropped.

    >>> _norm("«\\u202fQu’il,"), _norm("est-ce")
    ("qu'il", 'est-ce')
    """
    return word.lower().replace("’", "'").strip(_OPENING + _CLOSING + _CLAUSE + " \u00a0\u202f")


def _punct_after(word: str) -> bool:
    """Whether clause or sentence punctuation ends ``word`` (``pour,``; ``va ?``)."""
    return word.rstrip(_CLOSING + " \u00a0\u202f")[-1:] in _CLAUSE


class _Word(NamedTuple):
    norm: str
    punct_after: bool
    place: int   # in its line's words split at spaces


def _edge_words(line: str, size: int, last: bool) -> list[_Word]:
    """The first (or ``last``) ``size`` words of a display line, in text order (tags, dialogue
    dashes and a speaker label are not words); only those are read."""
    tokens = line.split(" ")
    out: list[_Word] = []
    order = range(len(tokens) - 1, -1, -1) if last else range(len(tokens))
    for j in order:
        word = tokens[j]
        plain = _TAG.sub("", word) if "<" in word else word
        if j == 0 and ":" in plain:   # a speaker label, alone or glued by a no-break space (ANNA:\xa0Oui)
            plain = _LABEL.sub("", plain + " ", count=1).strip()
        norm = _norm(plain)
        if norm:
            out.append(_Word(norm, _punct_after(plain), j))
            if len(out) == size:
                break
    return out[::-1] if last else out


def _matches(expected: str, word: str, role: int) -> bool:
    """Whether ``word`` holds the expression's ``expected`` word: as a whole; at its end (role
    -1: the expression's first word may be the tail of an elision, ``qu'il`` for ``il``); or at
    its start (role 1: the expression's last word may be elided, ``qu'il`` for ``que``)."""
    if word == expected:
        return True
    head, apostrophe, tail = word.partition("'")
    if not apostrophe or not tail:
        return False
    if role < 0:
        return tail == expected
    return role > 0 and len(expected) > 1 and expected[-1] in "eai" and head == expected[:-1]


def _spans(words: Sequence[_Word], p: int, expression: Sequence[str], j: int) -> bool:
    """Whether ``expression``, its first ``j`` words before place ``p`` (between ``words[p - 1]``
    and ``words[p]``) and the rest after, is written there with no punctuation inside."""
    lo, hi = p - j, p + len(expression) - j
    if lo < 0 or hi > len(words):
        return False
    last = len(expression) - 1
    for i, expected in enumerate(expression):
        word = words[lo + i]
        if not _matches(expected, word.norm, -1 if i == 0 else (1 if i == last else 0)):
            return False
        if i < last and word.punct_after:
            return False
    return True


_Pairs = dict[tuple[str, str], list[tuple[tuple[str, ...], int]]]


def _expression_splits(cues: Sequence[Cue], expressions: Sequence[tuple[str, ...]], flags: list[Flag]) -> int:
    """The places between two lines or two cues that fall inside one of ``expressions``.

    Only the words near each such place are read: the two at the place decide most of them;
    where an expression could be cut, the longest expression's length minus one on each side,
    across lines and cues when a line is shorter than that.
    """
    if not expressions:
        return 0
    # every (word before, word after) pair an expression could be cut at
    pairs: _Pairs = {}
    for expression in expressions:
        for j in range(1, len(expression)):
            pairs.setdefault((expression[j - 1], expression[j]), []).append((expression, j))
    reach = max(len(e) for e in expressions) - 1
    lines = [(k, i, line) for k, cue in enumerate(cues) for i, line in enumerate(cue.lines)]
    texts = [line for _, _, line in lines]
    lefts = {left for left, _ in pairs}
    found = 0
    for n in range(len(lines) - 1):
        left = _forms(_edge(texts[n], True), -1)
        if lefts.isdisjoint(left):
            continue
        right = _forms(_edge(texts[n + 1], False), 1)
        if not any((a, b) in pairs for a in left for b in right):
            continue   # the two words at the place are no pair of an expression: nothing to read around it
        before, after = _window(texts, n, -1, reach), _window(texts, n + 1, 1, reach)
        hit = _cut_expression(before, after, pairs)
        if hit is None:
            continue
        found += 1
        (k, i, _), (k2, _, _) = lines[n], lines[n + 1]
        text = " ".join(hit)
        flags.append(Flag(Finding(FindingCode.EXPRESSION_SPLIT, Severity.WARNING,
                                  f"{'a cue boundary' if k != k2 else 'a line break'} cuts « {text} » "
                                  f"({before[-1].norm} | {after[0].norm})",
                                  line=cues[k].line, cue=k + 1, value=text),
                          i, before[-1].place))
    return found


def _cut_expression(before: list[_Word], after: list[_Word], pairs: _Pairs) -> tuple[str, ...] | None:
    """The expression the place between ``before`` and ``after`` cuts, if any."""
    if not before or not after or before[-1].punct_after:
        return None
    seq, p = before + after, len(before)
    candidates = [pairs.get((left, right), ()) for left in _forms(seq[p - 1].norm, -1)
                  for right in _forms(seq[p].norm, 1)]
    return next((e for group in candidates for e, j in group if _spans(seq, p, e, j)), None)


def _edge(line: str, last: bool) -> str:
    """The last (or first) word of a line as the lists write it ("" when the line has none)."""
    token = line.rpartition(" ")[2] if last else line.partition(" ")[0]
    norm = _norm(token)
    if not norm or "<" in token or ":" in token:   # a tag, a label, a dash: read carefully
        words = _edge_words(line, 1, last)
        return words[0].norm if words else ""
    return norm


def _window(lines: Sequence[str], n: int, step: int, size: int) -> list[_Word]:
    """``size`` words from line ``n`` on: its last ones going back (``step`` -1) or its first
    ones going on (1), continuing into the next lines when it has fewer; in text order.  The
    first line's words keep their place (the flag points at them); the others' do not matter."""
    taken: list[_Word] = []
    while 0 <= n < len(lines) and len(taken) < size:
        edge = _edge_words(lines[n], size - len(taken), step < 0)
        taken = edge + taken if step < 0 else taken + edge
        n += step
    return taken


def _forms(word: str, role: int) -> tuple[str, ...]:
    """The list words ``word`` may stand for at an expression's edge (``qu'il``: ``il`` after a
    cut; ``que``, ``qua``, ``qui`` before one)."""
    head, apostrophe, tail = word.partition("'")
    if not apostrophe or not tail:
        return (word,)
    if role < 0:
        return word, tail
    return word, head + "e", head + "a", head + "i"


def _weak_line_ends(cues: Sequence[Cue], weak: frozenset[str], flags: list[Flag],
                    data: LanguageData | None = None) -> int:
    """The lines ending on a word of ``weak`` (not followed by punctuation; nor a determiner
    that stands alone, ``un`` of ``il y en a un / qui``, before the conjunction, relative or
    preposition that starts the next line or cue)."""
    if not weak:
        return 0
    found = 0
    for k, cue in enumerate(cues):
        for i, line in enumerate(cue.lines):
            last = (_TAG.sub("", line) if "<" in line else line).rstrip().rpartition(" ")[2]
            norm = _norm(last)
            if not norm or _punct_after(last) or not (norm in weak or norm.rpartition("'")[2] in weak):
                continue
            if data is not None and norm in data.standalone and _next_word(cues, k, i) in data.joins:
                continue
            found += 1
            flags.append(Flag(Finding(FindingCode.WEAK_LINE_END, Severity.WARNING,
                                      f"line {i + 1} ends on « {norm} »", line=cue.line, cue=k + 1, value=norm),
                              i, -1))
    return found


def _next_word(cues: Sequence[Cue], k: int, i: int) -> str:
    """The first word after line ``i`` of cue ``k`` (normalised; "" at the end)."""
    lines = cues[k].lines
    if i + 1 < len(lines):
        following = lines[i + 1]
    else:
        following = cues[k + 1].lines[0] if k + 1 < len(cues) and cues[k + 1].lines else ""
    words = _TAG.sub("", following).split()
    return _norm(words[0]) if words else ""


def _ends_sentence(cue: Cue) -> bool:
    text = _TAG.sub("", cue.lines[-1] if cue.lines else "").rstrip(_CLOSING + " \u00a0\u202f")
    return text[-1:] in _SENTENCE and not text.endswith("...")


def _blanks(cues: Sequence[Cue], turn_starts: frozenset[int], flags: list[Flag],
            previous: Cue | None = None) -> tuple[int, int]:
    """Blanks of :data:`BLANK_MS` or more between two cues of one sentence (the first does not
    end one, the second does not start a turn), and those with no ``…`` on either side;
    ``previous``: the cue before ``cues`` (its flag is numbered 0)."""
    total = unmarked = 0
    shift = 0 if previous is None else 1
    pairs = zip(cues, cues[1:]) if previous is None else zip((previous, *cues), cues)
    for k, (cue, following) in enumerate(pairs, start=-shift):
        blank = following.start_ms - cue.end_ms
        if blank < BLANK_MS or _ends_sentence(cue) or k + 1 in turn_starts:
            continue
        total += 1
        end = _TAG.sub("", cue.lines[-1] if cue.lines else "").rstrip(_CLOSING + " \u00a0\u202f")
        start = _TAG.sub("", following.lines[0] if following.lines else "").lstrip(_OPENING + " ")
        if end.endswith(_CONTINUED) or start.startswith(_CONTINUED):
            continue
        unmarked += 1
        flags.append(Flag(Finding(FindingCode.BLANK_IN_SENTENCE, Severity.WARNING,
                                  f"{blank / 1000:.1f} s blank after this cue, inside a sentence",
                                  line=cue.line, cue=k + 1, value=blank, limit=BLANK_MS),
                          max(len(cue.lines) - 1, 0), -1))
    return total, unmarked


# ---- turns --------------------------------------------------------------------------------

def _key(word: str) -> str:
    """A word compared loosely: its letters and digits, lower case, accents dropped (so that
    typography, ``Etats`` -> ``États``, does not hide it)."""
    plain = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in plain if ch.isalnum())


def _opens_turn(line: str) -> tuple[bool, str]:
    """Whether a line opens with a turn mark (a dialogue dash, a ``<v>`` voice or a ``NAME:``
    label), and its first word."""
    rest = line.lstrip()
    marked = False
    if _VOICE.match(rest):
        rest, marked = _VOICE.sub("", rest, count=1).lstrip(), True
    if rest[:1] in _DASHES:
        rest, marked = rest.lstrip(_DASHES + " \u00a0\u202f"), True
    label = _LABEL.match(rest)
    if label:
        rest, marked = rest[label.end():].lstrip(), True
    return marked, _TAG.sub("", rest).split(" ", 1)[0]


@dataclass(frozen=True, slots=True)
class _Turns:
    """Where the transcript's turns landed (``total`` None: no transcript to count them in;
    ``starts`` are then the cues whose first line opens with a dialogue dash)."""

    total: int | None
    marked: int | None
    starts: frozenset[int]
    speakers: tuple[tuple[str | None, ...], ...]
    flags: tuple[Flag, ...]

    @property
    def over_two(self) -> int | None:
        return None if self.total is None else sum(1 for names in self.speakers if len(names) > 2)

    @classmethod
    def unknown(cls, cues: Sequence[Cue]) -> _Turns:
        """For caption input: no turns to count; a cue opening with a dash starts one."""
        dashed = frozenset(k for k, cue in enumerate(cues) if cue.lines and cue.lines[0].lstrip()[:1] in _DASHES)
        return cls(None, None, dashed, (), ())

    @classmethod
    def of(cls, cues: Sequence[Cue], fragments: Sequence[Fragment], sources: Sequence[tuple[int, int]]) -> _Turns:
        """Where each turn of the transcript landed: at a cue's start, on a line of its own
        opened by a mark, or inside a line (unmarked)."""
        lasts = [last for _, last in sources]
        speakers: list[list[str | None]] = [[fragments[first].speaker] if fragments else [None]
                                            for first, _ in sources]
        starts: set[int] = set()
        flags: list[Flag] = []
        turns = [t for t, frag in enumerate(fragments) if frag.turn]
        marked = 0
        for t in turns:
            k = bisect_left(lasts, t)   # the first cue holding fragment t: where its first words are
            if k >= len(sources):
                continue
            first = sources[k][0]
            if first == t and (k == 0 or lasts[k - 1] < t):
                starts.add(k)
                marked += 1
                continue
            if first >= t:   # the fragment's first words went to an earlier cue: not here
                continue
            speakers[k].append(fragments[t].speaker)
            line = _line_of(cues[k], fragments[t].text)
            if line is not None and _opens_turn(cues[k].lines[line])[0]:
                marked += 1
                continue
            flags.append(Flag(Finding(FindingCode.UNMARKED_TURN, Severity.WARNING,
                                      "a new speaker starts inside the line without a dash",
                                      line=cues[k].line, cue=k + 1, value=fragments[t].text[:40]),
                              *(_word_of(cues[k], fragments[t].text, line))))
        for k, names in enumerate(speakers):
            if len(names) > 2:
                flags.append(Flag(Finding(FindingCode.TOO_MANY_SPEAKERS, Severity.WARNING,
                                          f"{len(names)} speakers in one cue; a cue holds two at most",
                                          line=cues[k].line, cue=k + 1, value=len(names), limit=2), 0, 0))
        return cls(len(turns), marked, frozenset(starts), tuple(tuple(n) for n in speakers), tuple(flags))


def _line_of(cue: Cue, text: str) -> int | None:
    """The line of ``cue`` after the first that starts with the first word of ``text`` (a
    fragment's text: its speaker label, when the builder wrote one, is not a word)."""
    first = _key(_opens_turn(text)[1])
    for i, line in enumerate(cue.lines[1:], start=1):
        if first and _key(_opens_turn(line)[1]) == first:
            return i
    return None


def _word_of(cue: Cue, text: str, line: int | None) -> tuple[int, int]:
    """Where the first word of ``text`` is in ``cue`` (its line and word; the cue's start when
    it cannot be told)."""
    if line is not None:
        return line, 0
    first = _key(_opens_turn(text)[1])
    for i, words in enumerate(line.split(" ") for line in cue.lines):
        for j, word in enumerate(words):
            if j and first and _key(word) == first:
                return i, j
    return 0, 0
