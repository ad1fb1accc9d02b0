"""Fragments -> cues under a preset: join the running text, cut it again where the language,
the speakers and the timing allow, break the lines, time the cues, and mark what a reader
needs (dialogue dashes, a sentence cut by a pause).  Explanations are data, never silent.

What is known about the speakers, per fragment (:func:`mark_fragments`):

* a **turn** is marked (``Fragment.turn``, a new speaker's name, or a dash that opens the text
  or follows a sentence end inside it: the dash is the mark, not a word);
* a **probable turn** is a stamped line that starts after a sentence end, in a transcript that
  names no speaker (each reply on its own line, as podcasts publish them); in an
  **unpunctuated stretch** (speech recognition without punctuation, found by the share of
  sentence ends around each fragment), every source line is a phrase and its start is one too.

The cut is a shortest path over the word boundaries (linear in the words: a cue holds at most
``max_lines x max_chars`` characters).  A cut costs what :func:`captions.typography.pair_penalties`
says (sentence end < clause punctuation < before a conjunction or preposition < elsewhere <
after a word a line must not end on < inside a fixed expression, an article and its noun, a
number and its unit, a name), a little less at a fragment boundary (where the timing is known
best), and in an unpunctuated stretch the source's line boundaries are preferred and phrases
kept whole.  A cue costs extra when its available time is under the minimum duration, when its
speech runs past the maximum duration, and per character over the reading speed its available
time allows.  A cue that holds a sentence end and starts or ends mid-sentence costs
:data:`_MIX` per side, so sentences stay whole and a speed the speech itself forces is reported
instead.

A cue holds at most two speakers: a turn (or probable turn) inside a cue is always the start of
its second line, both parts on one line each; a marked turn inside a cue makes it a dialogue
(each line opened with the language's dialogue dash); three never share a cue.  A pause always
cuts (except inside a fixed expression), so the text is built chunk by chunk between pauses:
per-word values live only while their chunk is cut.  Where a sentence goes on in the next cue,
the cue stays up to it (:attr:`CueTiming.bridge`) unless a real pause cuts the sentence: then
the cue ends with the language's continuation mark (``…``).
Words are never lost, added or reordered.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, compress
from typing import NamedTuple

from .langdata import LanguageData, rules_for
from .linebreak import break_lines, break_words, fits
from .model import Cue, Fragment
from .presets import Preset, SpeedUnit, count_words
from .timing import MAX_HANG_MS, CueTiming, SpeechSpan, cue_times
from .typography import CLAUSE_END, NNBSP, UNBREAKABLE, WEAK_END, ends_sentence, pair_penalties

__all__ = ["Marks", "Words", "Cuts", "Built", "mark_fragments", "split_words", "measure_cuts", "build_cues",
           "layout_cue", "may_cut_between", "DASHES"]

#: Words that mark a turn when they open a fragment or follow a sentence end.
DASHES = frozenset({"-", "–", "—"})
_GLUE = (NNBSP, "\u00a0")   # a word that starts or ends with one is glued to its neighbour


@dataclass(frozen=True, slots=True)
class Marks:
    """What is known about the start of each fragment (:meth:`part`: of some of them).

    Attributes:
        turn: a speaker's turn starts there (marked by the input).
        probable: a probable turn starts there (a stamped line after a sentence end in a
            transcript that names no speaker, or any line of an unpunctuated stretch).
        plain: the fragment is inside an unpunctuated stretch (its lines phrased, few sentence ends).
        phrased: the fragment is inside a stretch of short source lines: each is a phrase (a
            recogniser's cut at a pause, a subtitle's line), not a page's wrapping.
    """

    turn: tuple[bool, ...]
    probable: tuple[bool, ...]
    plain: tuple[bool, ...]
    phrased: tuple[bool, ...] = ()

    def part(self, first: int, end: int) -> Marks:
        """The marks of fragments ``first`` to ``end`` (excluded)."""
        return Marks(self.turn[first:end], self.probable[first:end], self.plain[first:end], self.phrased[first:end])


_PLAIN_WINDOW = 8         # fragments either side looked at to find a stretch
_PLAIN_WORDS = 30         # an unpunctuated stretch has fewer than one sentence end per this many words
_PLAIN_MIN_WORDS = 30     # ... over at least this many words
_PLAIN_LINE = 50          # a phrased stretch's source lines hold at most this many characters on
                          # average (phrases, not paragraphs wrapped by a page)
_PLAIN_RUN = 10           # a stretch is at least this many fragments long (a shorter run is noise)


def mark_fragments(fragments: Sequence[Fragment]) -> Marks:
    """Turns, probable turns and stretches, per fragment (see the module docstring).

    >>> m = mark_fragments([Fragment(0, "Salut Clément.", 1), Fragment(1000, "Salut.", 2),
    ...                     Fragment(2000, "Ça va ?", 3, turn=True)])
    >>> m.turn, m.probable
    ((False, False, True), (False, True, False))
    """
    n = len(fragments)
    phrased, plain = _stretches(fragments)
    named = any(f.speaker is not None for f in fragments)
    turn = [False] * n
    probable = [False] * n
    for k in range(1, n):
        frag, before = fragments[k], fragments[k - 1]
        turn[k] = frag.turn or frag.speaker != before.speaker
        if not turn[k] and not named:
            last = before.text.rstrip().rpartition(" ")[2]
            probable[k] = (plain[k] and plain[k - 1]) or (bool(last) and ends_sentence(last))
    if n:
        turn[0] = fragments[0].turn
    return Marks(tuple(turn), tuple(probable), tuple(plain), tuple(phrased))


# (each mark read first, what stands before it looked at after: the regex engine then scans for
# the marks instead of trying a look-behind at every character)
_SENTENCE_END_MARK = re.compile(r"[.?!…](?:(?<![\d\s][.?!…])[.?!…]*|(?<=[ \u202f\u00a0][?!…])[?!…]*)(?= |$)")


def _sentence_ends(text: str) -> int:
    """How many words of ``text`` end a sentence (as :func:`~captions.typography.ends_sentence`
    says, near enough to count a stretch's punctuation: ``.?!…`` after a letter, ``?!…`` alone)."""
    return len(_SENTENCE_END_MARK.findall(text))


def _stretches(fragments: Sequence[Fragment]) -> tuple[list[bool], list[bool]]:
    """Per fragment, whether it sits in a stretch of short source lines (phrased: at most
    :data:`_PLAIN_LINE` characters a line on average over :data:`_PLAIN_WINDOW` fragments
    either side), and whether that stretch also has fewer than one sentence end per
    :data:`_PLAIN_WORDS` words (unpunctuated: speech recognition without punctuation, cut at its
    pauses).  A run shorter than :data:`_PLAIN_RUN` fragments is no stretch."""
    n = len(fragments)
    texts = [f.text for f in fragments]
    words = [0, *accumulate(text.count(" ") + 1 for text in texts)]
    ends = [0, *accumulate(map(_sentence_ends, texts))]
    chars = [0, *accumulate(map(len, texts))]
    phrased, plain = [], []
    for k in range(n):
        lo, hi = max(0, k - _PLAIN_WINDOW), min(n, k + _PLAIN_WINDOW + 1)
        count = words[hi] - words[lo]
        short = chars[hi] - chars[lo] <= _PLAIN_LINE * (hi - lo)
        phrased.append(short)
        plain.append(short and count >= _PLAIN_MIN_WORDS and (ends[hi] - ends[lo]) * _PLAIN_WORDS < count)
    return _runs(phrased), _runs(plain)


def _runs(flags: list[bool]) -> list[bool]:
    """``flags`` without its runs shorter than :data:`_PLAIN_RUN`."""
    out, n, k = list(flags), len(flags), 0
    while k < n:
        end = k
        while end < n and out[end]:
            end += 1
        if end - k < _PLAIN_RUN:
            out[k:end] = [False] * (end - k)
        k = end + 1
    return out


@dataclass(frozen=True, slots=True)
class Words:
    """Running text as words: one column per property, one row per word.

    Attributes:
        text: the words (a dash that marks a turn is not a word: it is in ``turn``).
        fragment: the index of the fragment each word (its first part) comes from.
        start_ms / end_ms: each word's estimated speech.
        turn: the indices of the words that start a marked turn.
        probable: the indices of the words that start a probable turn.
        inline: of ``turn``, those marked inside a fragment's text (their speaker is not named).
    """

    text: tuple[str, ...]
    fragment: tuple[int, ...]
    start_ms: tuple[int, ...]
    end_ms: tuple[int, ...]
    turn: frozenset[int] = frozenset()
    probable: frozenset[int] = frozenset()
    inline: frozenset[int] = frozenset()


class _WordList:
    """The columns of :class:`Words` while they are filled, word by word."""

    __slots__ = ("text", "owner", "starts", "ends", "turn", "probable", "inline")

    def __init__(self) -> None:
        self.text: list[str] = []
        self.owner: list[int] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.turn: set[int] = set()
        self.probable: set[int] = set()
        self.inline: set[int] = set()

    def add(self, word: str, owner: int, start: int, end: int) -> bool:
        """Append ``word``, or glue it to the last one (a no-break space between them); whether
        it is a new word."""
        text = self.text
        if text and (word.startswith(_GLUE) or text[-1].endswith(_GLUE)):
            text[-1] += word
            self.ends[-1] = end
            return False
        text.append(word)
        self.owner.append(owner)
        self.starts.append(start)
        self.ends.append(end)
        return True

    def words(self) -> Words:
        return Words(tuple(self.text), tuple(self.owner), tuple(self.starts), tuple(self.ends),
                     frozenset(self.turn), frozenset(self.probable), frozenset(self.inline))


def split_words(fragments: Sequence[Fragment], spans: Sequence[SpeechSpan], marks: Marks | None = None, *,
                first: int = 0, end: int | None = None, careful: bool = False) -> Words:
    """The words of ``fragments[first:end]`` with times interpolated inside each fragment's
    speech, and where turns start (``marks``: :func:`mark_fragments`).  The usual fragment is
    read in bulk; ``careful`` reads every one word by word (the same words: a test compares).

    A word that starts or ends with a no-break space is glued to its neighbour (the typography
    pass puts one before a ``?`` that starts a fragment); a dash that opens a fragment's text or
    follows a sentence end inside it (with words after it) marks a turn and is not a word.

    >>> from captions.timing import SpeechSpan
    >>> w = split_words([Fragment(0, "Oui. - Non ?", 1)], [SpeechSpan(0, 1200, 10.0, True)])
    >>> w.text, w.start_ms, sorted(w.turn)
    (('Oui.', 'Non', '?'), (0, 700, 1100), [1])
    """
    end = len(fragments) if end is None else end
    marks = marks or mark_fragments(fragments)
    out = _WordList()
    for index in range(first, end):
        frag = fragments[index]
        pending = marks.turn[index] or marks.probable[index]
        if frag.words and _timed_words(out, frag, index, pending, marks.turn[index]):
            continue
        if careful or not _usual_words(out, frag, spans[index], index, pending, marks.turn[index]):
            _fragment_words(out, frag, spans[index], index, marks.turn[index], pending)
    return out.words()


def _timed_words(out: _WordList, frag: Fragment, index: int, pending: bool, is_turn: bool) -> bool:
    """Add the words of a fragment that carries each word's times (a recogniser's, karaoke
    timestamps) with those times, nothing estimated; False (nothing added) when its text's words
    are not its timed words one for one (the typography pass may respell a word, never split
    one; a dash that marks a turn, or glued punctuation, goes to the word-by-word reading)."""
    parts = frag.text.split(" ")
    words = frag.words
    if len(parts) != len(words) or not all(parts) or _unusual(frag.text):
        return False
    if pending:
        (out.turn if is_turn else out.probable).add(len(out.text))
    out.text += parts
    out.owner += [index] * len(parts)
    out.starts += [w.start_ms for w in words]
    out.ends += [max(w.end_ms, w.start_ms + 1) for w in words]
    return True


# what the word-by-word reading is for: a dash that may mark a turn, a no-break space at a word's
# edge (glue), a space at either end or two in a row (empty words).  The text's first character is
# looked at apart: every pattern left then starts with a blank, which the regex engine scans for
# instead of trying each pattern at each character.
_UNUSUAL_FIRST = frozenset("-–—\u202f\u00a0 ")
_UNUSUAL = re.compile(" [-–—] |[\u202f\u00a0] | [\u202f\u00a0]| $|  ")


def _unusual(text: str) -> bool:
    """Whether ``text`` needs the word-by-word reading (see above)."""
    return text[:1] in _UNUSUAL_FIRST or _UNUSUAL.search(text) is not None


def _usual_words(out: _WordList, frag: Fragment, span: SpeechSpan, index: int, pending: bool,
                 is_turn: bool) -> bool:
    """The usual fragment added to ``out`` in bulk: words one space apart, no dash, nothing to
    glue (False, and nothing added, for any other: :func:`_fragment_words` reads it)."""
    text = frag.text
    if not text or _unusual(text) or (out.text and out.text[-1][-1] in _GLUE):
        return False
    words = text.split(" ")
    total = len(text)
    first_ms, width = span.start_ms, span.end_ms - span.start_ms
    at = len(out.text)
    out.text += words
    out.owner += [index] * len(words)
    starts, ends = out.starts, out.ends
    offset = 0   # where the word starts in the text, words one space apart
    for word in words:
        stop = offset + len(word)
        starts.append(first_ms + width * offset // total)
        ends.append(first_ms + width * stop // total)
        offset = stop + 1
    if pending:
        (out.turn if is_turn else out.probable).add(at)
    return True


def _fragment_words(out: _WordList, frag: Fragment, span: SpeechSpan, index: int, is_turn: bool,
                    pending: bool) -> None:
    """Add one fragment's words to ``out``, word by word (see :func:`split_words`); ``pending``:
    its first word starts a turn (``is_turn``: a marked one)."""
    total = len(frag.text) or 1
    first_ms, width = span.start_ms, span.end_ms - span.start_ms
    parts = frag.text.split(" ")   # not split(): it would cut at U+202F
    offset = 0   # where the word starts in the fragment's text, words one space apart
    inline = False
    opening = True   # no word of this fragment yet
    last = ""        # the fragment's last word so far
    for k, word in enumerate(parts):
        if not word:
            offset += 1
            continue
        stop = offset + len(word)
        if word in DASHES and any(parts[k + 1:]) and (opening or (last and ends_sentence(last))):
            pending, is_turn, inline = True, True, not opening   # a dash that marks a turn
            offset, opening, last = stop + 1, False, ""
            continue
        opening, last = False, word
        new = out.add(word, index, first_ms + width * offset // total,
                      first_ms + width * (stop if stop < total else total) // total)
        if new and pending:
            at = len(out.text) - 1
            (out.turn if is_turn else out.probable).add(at)
            if inline:
                out.inline.add(at)
            pending = inline = False
        offset = stop + 1


# cost weights of the cut (see the module docstring)
_CUT_WEIGHT = 2.0
_FRAGMENT_BONUS = 0.5
_SHORT = 60.0
_TOO_LONG_PER_S = 200.0
_CPS_PER_CHAR = 0.25
_CHARS_PER_WORD = 6    # a word over a words-per-minute limit costs what 6 characters over a cps one do
_CUE = 1.0
_MIX = 20.0            # a cue with a sentence end inside that starts (or ends) mid-sentence, per side
_LINE_WEIGHT = 0.5     # a line cut inside a cue costs half a cue cut at the same place
_NO_LINES = 5000.0     # a two-line cue whose text has no cut that fits both lines
_DIALOGUE = 3.0        # a cue holding two speakers (a dialogue), against two cues
_TWO_PHRASES = 2.0     # a cue holding a probable turn (two sentences on two lines), against two cues
_THIRD_PHRASE = 30.0   # a third probable speaker in a cue: only to spare a cue too short (_SHORT)
_PLAIN_CUT = 1.0       # the cut at a source line's end in a phrased stretch (a phrase's end)
_INSIDE_PHRASE = 4.0   # added to a cut inside a source line in a phrased stretch
_GOOD_CUT = (4.0 + _INSIDE_PHRASE) * _CUT_WEIGHT   # cue ends are searched at cuts this good or better first
_NO_BOUND = 10**9      # a length or a duration no cue reaches
_READING_STEP_MS = 50  # the reading-speed table has one entry per this much display time
_READING_SPAN_MS = 60_000


@dataclass(frozen=True, slots=True)
class Cuts:
    """What is known about each place between two words, ``b`` being the place before word
    ``b`` (0: before the first word, ``n``: after the last).

    Attributes:
        penalty: how bad a cut there is (:func:`~captions.typography.pair_penalties`, with the
            unpunctuated stretches' preferences; 0 at both ends).
        line: what a line cut there costs (inside a cue).
        cue: what a cue cut there costs: a line cut's, a little less at a fragment boundary.
        sentence: a sentence (or a speaker's turn) starts there.
        split: a speaker's turn, marked or probable, starts there: the second line of any cue
            that holds it starts there.
        dash: the width of the dialogue dash a cue holding that turn opens its lines with (0 for
            a probable turn and elsewhere).
        forced: a cue ends there (a pause: the chunk's end, or a pause inside the whole text
            built as one chunk).
    """

    penalty: tuple[float, ...]
    line: tuple[float, ...]
    cue: tuple[float, ...]
    sentence: tuple[bool, ...]
    split: tuple[bool, ...]
    dash: tuple[int, ...]
    forced: tuple[bool, ...]


def measure_cuts(words: Words, data: LanguageData, phrased: Sequence[bool] = (), *,
                 pauses: frozenset[int] = frozenset(), head: bool = True, tail: bool = True) -> Cuts:
    """Every place between ``words`` measured once (``phrased``: per fragment, inside a stretch of
    short source lines, whose ends are preferred cuts; ``pauses``: the fragments a forced cut comes before; ``head`` /
    ``tail``: a sentence starts at the first word / after the last).

    >>> from captions.timing import SpeechSpan
    >>> spans = [SpeechSpan(0, 700, 10.0, False), SpeechSpan(900, 1200, 10.0, True)]
    >>> frags = [Fragment(0, "Oui. Et", 1), Fragment(900, "toi", 2, speaker="B")]
    >>> c = measure_cuts(split_words(frags, spans), rules_for("fr"))   # a sentence end, a conjunction, a turn
    >>> c.penalty, c.sentence, c.split, c.dash, c.forced
    ((0.0, 0.0, 30.0, 0.0), (True, True, True, True), (False, False, True, False), (0, 0, 2, 0), (False, False, False, True))
    """
    n = len(words.text)
    owner = words.fragment
    penalty = [0.0, *pair_penalties(words.text, data.code, data), 0.0]
    cue_bonus = [0.0] * (n + 1)
    for b in range(1, n):
        if owner[b] != owner[b - 1]:
            cue_bonus[b] = _FRAGMENT_BONUS   # the first word of a fragment: about one word in four
    if phrased:
        _prefer_source_lines(penalty, owner, phrased)
    split = [False] * (n + 1)
    dash = [0] * (n + 1)
    for b in words.turn:
        split[b], dash[b] = b > 0, len(data.dialogue_dash) if b > 0 else 0
    for b in words.probable:   # a probable turn where a line may end (not inside an expression)
        split[b] = 0 < b and penalty[b] < WEAK_END
    sentence = [p == 0.0 for p in penalty]
    for b in words.turn:
        sentence[b] = True
    sentence[0], sentence[n] = head, tail
    forced = [False] * n + [True]   # the chunk's end; a pause inside it when it is the whole text
    for b in range(1, n) if pauses else ():
        forced[b] = owner[b] != owner[b - 1] and owner[b] in pauses
    line = [0.0 if f else p * _CUT_WEIGHT for p, f in zip(penalty, forced)]   # every cut passes a forced one
    cue = [c - bonus for c, bonus in zip(line, cue_bonus)]
    return Cuts(tuple(penalty), tuple(line), tuple(cue), tuple(sentence), tuple(split), tuple(dash), tuple(forced))


def _prefer_source_lines(penalty: list[float], owner: Sequence[int], phrased: Sequence[bool]) -> None:
    """In a stretch of short source lines, a line's end is a phrase's end: a good cut where a
    line may end; a cut inside a source line costs more (the phrase stays whole)."""
    for b in range(1, len(penalty) - 1):
        if not phrased[owner[b]]:
            continue
        if owner[b] != owner[b - 1]:
            if phrased[owner[b - 1]] and penalty[b] < WEAK_END:
                penalty[b] = min(penalty[b], _PLAIN_CUT)
        elif penalty[b] < UNBREAKABLE:
            penalty[b] += _INSIDE_PHRASE


@dataclass(frozen=True, slots=True)
class Built:
    """Cues with what they were built from.

    Attributes:
        cues: the cues, in order.
        fragments: per cue, the first and last index of the fragments its words come from.
        speech: per cue, the estimated speech ``(start_ms, end_ms)`` it carries.
        dialogue: per cue, whether it holds two speakers (one per line, each after a dash).
        opens_turn: per cue, whether its first words start a marked turn.
        marked: per cue, whether it ends with the continuation mark (its sentence is cut by a pause).
        opened: per cue, whether it opens with the continuation mark (the sentence cut by a pause
            in the cue before ended it on a comma).
        continued: per cue, whether its sentence goes on in the next cue.
        speakers: per cue, the speaker of each line (None when the input names none).
    """

    cues: tuple[Cue, ...]
    fragments: tuple[tuple[int, int], ...]
    speech: tuple[tuple[int, int], ...]
    dialogue: tuple[bool, ...] = ()
    opens_turn: tuple[bool, ...] = ()
    marked: tuple[bool, ...] = ()
    opened: tuple[bool, ...] = ()
    continued: tuple[bool, ...] = ()
    speakers: tuple[tuple[str | None, ...], ...] = ()


class _CueWords(NamedTuple):
    """One cue as words ``[first, end)``; ``split``: the first word of its second part (a
    second speaker, marked or probable), 0 when it has none."""

    first: int
    end: int
    split: int


class _Piece(NamedTuple):
    """One cue built from a chunk, before its display times: its lines, its speech, and what
    the result tells about it."""

    lines: tuple[str, ...]
    timing: CueTiming
    fragments: tuple[int, int]
    line: int
    dialogue: bool
    opens_turn: bool
    marked: bool
    opened: bool
    continued: bool
    speakers: tuple[str | None, ...]


def build_cues(fragments: Sequence[Fragment], spans: Sequence[SpeechSpan], preset: Preset, *,
               lang: str = "fr", expressions: Sequence[str] = (), chunked: bool = True,
               before_ms: int | None = None, marks: Marks | None = None, end: int | None = None) -> Built:
    """Cut the running text of ``fragments`` (with their estimated ``spans``) into cues.

    The steps: turns and stretches marked per fragment; then, chunk by chunk between pauses,
    the words and the places between them measured once, the cheapest cut into cues
    (:class:`_CueEnds`), any cue whose lines cannot fit cut again, the lines laid out with their
    dashes and continuation marks; then the display times of all the cues.  ``expressions``:
    the user's fixed expressions, added to the language's; ``chunked=False`` builds the whole
    text as one chunk (the same cues, more memory: a test compares them).  ``before_ms``: where
    the speech before ``fragments`` ends, when they go on from other fragments (a section of a
    long transcript, after a pause); ``marks``: :func:`mark_fragments` of the fragments, when
    the caller has marked them among their neighbours (a section's stretches and turns depend
    on the fragments either side).  ``end``: only the cues of ``fragments[:end]`` are built
    (a chunk ends there); the fragments after it are what follows them, the first chunk of
    which is built too, so that the last cues are timed and marked as they would be among all
    the fragments, then left out.

    >>> from captions.presets import get_preset
    >>> from captions.timing import estimate_speech
    >>> frags = [Fragment(0, "Bonsoir à tous.", 1), Fragment(2000, "Voici le journal.", 2)]
    >>> [(c.start_ms, c.end_ms, c.lines) for c in build_cues(frags, estimate_speech(frags), get_preset()).cues]
    [(500, 2420, ('Bonsoir à tous.',)), (2500, 4200, ('Voici le journal.',))]
    """
    data = rules_for(lang, tuple(expressions))
    marks = marks or mark_fragments(fragments)
    bounds = _chunks(fragments, spans, data, end)
    pauses: frozenset[int] = frozenset()
    if not chunked:   # one chunk, each pause a forced cut inside it
        pauses = frozenset(first for first, _ in bounds[1:])
        bounds = [(0, len(fragments))] if fragments else []
    stop = next((k + 1 for k, (first, _) in enumerate(bounds) if end is not None and first >= end), len(bounds))
    pieces: list[_Piece] = []
    opened = False   # the next cue opens with the continuation mark
    head = True      # the chunk starts a sentence
    before = before_ms   # where the speech before the chunk ends
    chunk = _Chunk(fragments, spans, marks, *bounds[0], preset, data) if bounds else None
    for k in range(stop):
        assert chunk is not None
        following = _Chunk(fragments, spans, marks, *bounds[k + 1], preset, data) if k + 1 < len(bounds) else None
        after = chunk.edge(following)
        chunk.cut(head, after[1], pauses)
        opened = chunk.pieces(pieces, after, opened, before)
        if chunk.words.text:
            head, before = after[1], chunk.words.end_ms[-1]
        chunk = following
    return _built(pieces, preset, end)


def _built(pieces: Sequence[_Piece], preset: Preset, end: int | None = None) -> Built:
    """The cues of ``pieces`` with their display times, and what is known of each; only those
    of the fragments before ``end``, when given (the others timed them)."""
    times = cue_times([p.timing for p in pieces], preset)
    if end is not None:
        kept = sum(1 for p in pieces if p.fragments[0] < end)
        pieces, times = pieces[:kept], times[:kept]
    if not pieces:
        return Built((), (), ())
    cues = tuple(Cue(start_ms=start, end_ms=stop, lines=p.lines, line=p.line) for p, (start, stop) in zip(pieces, times))
    return Built(cues, tuple(p.fragments for p in pieces),
                 tuple((p.timing.speech_start_ms, p.timing.speech_end_ms) for p in pieces),
                 tuple(p.dialogue for p in pieces), tuple(p.opens_turn for p in pieces),
                 tuple(p.marked for p in pieces), tuple(p.opened for p in pieces),
                 tuple(p.continued for p in pieces), tuple(p.speakers for p in pieces))


_EDGE_WORDS = 6   # words either side of a fragment boundary looked at for an expression across it


def _chunks(fragments: Sequence[Fragment], spans: Sequence[SpeechSpan], data: LanguageData,
            end: int | None = None) -> list[tuple[int, int]]:
    """The fragments cut at every pause a cue may end at, and before ``end`` when given:
    ``(first, end)`` per chunk.

    A pause inside a fixed expression, or before a fragment that starts with glued
    punctuation, is no cut (the cue bridges it)."""
    out = []
    first = 0
    for k in range(len(fragments) - 1):
        if k + 1 == end or spans[k].pause_after and may_cut_between(fragments[k].text, fragments[k + 1].text, data):
            out.append((first, k + 1))
            first = k + 1
    if fragments:
        out.append((first, len(fragments)))
    return out


def may_cut_between(before: str, after: str, data: LanguageData) -> bool:
    """Whether a pause between the texts ``before`` and ``after`` may end a chunk (a cue never
    runs across one that does): not before or after a glued word (a no-break space at its
    edge), not beside a blank text, not inside a fixed expression of ``data``.

    >>> from captions.langdata import rules_for
    >>> may_cut_between("on parle parce", "qu'il y a", rules_for("fr")), may_cut_between("Oui.", "Non.", rules_for("fr"))
    (False, True)
    """
    if after.startswith(_GLUE) or before.endswith(_GLUE) or not before.strip() or not after.strip():
        return False
    left = before.split()[-_EDGE_WORDS:]
    right = after.split()[:_EDGE_WORDS]
    edge = len(left)
    return not any(i < edge < j for i, j in data.expression_spans(left + right))


class _Chunk:
    """One chunk of fragments between two pauses, cut into cues: its words first
    (:meth:`__init__`), its places measured once the next chunk's first word is known
    (:meth:`cut`), then its cues (:meth:`pieces`)."""

    __slots__ = ("fragments", "words", "cuts", "preset", "data", "layout", "phrased")

    def __init__(self, fragments: Sequence[Fragment], spans: Sequence[SpeechSpan], marks: Marks, first: int,
                 end: int, preset: Preset, data: LanguageData) -> None:
        self.fragments, self.preset, self.data, self.phrased = fragments, preset, data, marks.phrased
        self.words = split_words(fragments, spans, marks, first=first, end=end)

    def edge(self, following: _Chunk | None) -> tuple[int | None, bool]:
        """What is after the chunk: when the next chunk's speech starts (None: nothing follows),
        and whether a sentence (or a turn) starts there."""
        if following is None or not following.words.text or not self.words.text:
            return None, True
        nxt, words = following.words, self.words
        starts = 0 in nxt.turn or pair_penalties((words.text[-1], nxt.text[0]), self.data.code, self.data)[0] == 0.0
        return nxt.start_ms[0], starts

    def cut(self, head: bool, tail: bool, pauses: frozenset[int]) -> None:
        """Measure the chunk's places: ``head`` / ``tail``: a sentence starts at its first word /
        after its last; ``pauses``: the fragments a forced cut comes before (the whole text as
        one chunk)."""
        self.cuts = measure_cuts(self.words, self.data, self.phrased, pauses=pauses, head=head, tail=tail)
        self.layout = _Layout(self.words, self.cuts, self.preset, self.data)

    def pieces(self, out: list[_Piece], after: tuple[int | None, bool], opened: bool,
               before_ms: int | None) -> bool:
        """Add the chunk's cues, laid out, to ``out``; ``after``: see :meth:`edge`; ``opened``:
        the first cue opens with the continuation mark; ``before_ms``: where the speech before
        the chunk ends.  Whether the next chunk's first cue opens with the mark."""
        words = self.words
        if not words.text:
            return opened
        n = len(words.text)
        for piece in _CueEnds(words, self.cuts, self.preset, before_ms).bounds():
            for a, b, split in self.layout.fit(piece):
                next_ms, starts = (words.start_ms[b], self.cuts.sentence[b]) if b < n else after
                built, opened = self._piece(a, b, split, opened, next_ms, not starts)
                out.append(built)
        return opened

    def _piece(self, a: int, b: int, split: int, opened: bool, next_ms: int | None,
               goes_on: bool) -> tuple[_Piece, bool]:
        """The cue ``[a, b)`` and whether the next one opens with the continuation mark."""
        words, cuts, data, preset = self.words, self.cuts, self.data, self.preset
        start, end = words.start_ms[a], words.end_ms[b - 1]
        last = words.text[b - 1]
        continued = next_ms is not None and goes_on and not ends_sentence(last)
        cut = continued and next_ms is not None and (
            next_ms - end >= preset.bridge_gap_ms or next_ms - start - _max_duration(preset) >= _BLANK_MS)
        # a sentence cut by a pause: the mark ends the cue, or opens the next one after a comma
        opens_next = cut and last[-1:] in CLAUSE_END and data.continuation_start != ""
        marked = cut and not opens_next and data.continuation_end != ""
        dialogue = bool(split) and cuts.dash[split] > 0
        lines = self.layout.lines_of(_CueWords(a, b, split), dialogue, marked, opened)
        owner = words.fragment
        timing = CueTiming(speech_start_ms=start, speech_end_ms=end,
                           chars=preset.reading_units("\n".join(lines)),
                           pause_after=cuts.forced[b], bridge=continued and not cut,
                           exact_start=self._exact_start(a))
        piece = _Piece(lines, timing, (owner[a], owner[b - 1]), self.fragments[owner[a]].line, dialogue,
                       a in words.turn and a not in words.inline, marked, opened, continued,
                       self._speakers(a, split, len(lines)))
        return piece, opens_next

    def _exact_start(self, a: int) -> bool:
        """Whether the input gives the start of word ``a`` (a word time, or the exact start of
        the fragment it opens): :func:`~captions.timing.cue_times` starts its cue there."""
        owner = self.words.fragment
        frag = self.fragments[owner[a]]
        if frag.words:
            return True
        opens = a == 0 or owner[a - 1] != owner[a]
        return frag.end_ms is not None and frag.precision_ms == 1 and opens

    def _speakers(self, a: int, split: int, count: int) -> tuple[str | None, ...]:
        words, fragments = self.words, self.fragments
        first = None if a in words.inline else fragments[words.fragment[a]].speaker
        if not split:
            return (first,) * count
        second = None if split in words.inline else fragments[words.fragment[split]].speaker
        return first, second


_BLANK_MS = 1000   # a blank this long inside a sentence is seen: the sentence is marked as cut


def _next_true(flags: Sequence[bool], n: int) -> list[int]:
    """``out[a]``: the first ``b`` in ``a + 1 .. n`` with ``flags[b]`` (``n + 1`` when none), for
    ``a`` in ``0 .. n``; filled run by run.

    >>> _next_true([True, False, True, False], 3)
    [2, 2, 4, 4]
    """
    out: list[int] = []
    previous = 0
    for b in compress(range(1, n + 1), flags[1:n + 1]):
        out += [b] * (b - previous)
        previous = b
    out += [n + 1] * (n + 1 - previous)
    return out


def _max_duration(preset: Preset) -> int:
    return preset.max_duration_ms if preset.max_duration_ms is not None else _NO_BOUND


class _CueEnds:
    """The cheapest cut of a chunk's words into cues: a shortest path over the places between
    words.

    ``best[b]`` is the cheapest cut of ``words[:b]`` into cues and ``back[b]`` where its last
    cue starts.  A cue ``[a, b)`` costs the cut at ``b``, and more when it mixes sentences,
    when its lines have no good cut, when it holds a second speaker, when its available time is
    short, when its speech runs past the maximum duration and per character over the reading
    speed (see the module docstring).  A cue holds at most one turn (marked or probable) inside,
    where its second line starts.  The tables below hold, per place, everything the pricing
    reads.
    """

    __slots__ = ("n", "best", "back", "lengths", "line_cut", "sentence", "forced", "next_forced", "next_sentence",
                 "next_split", "cue_start", "keep", "brk",
                 "next_good", "next_any", "end_cost", "mixed_end", "split_cost", "dash",
                 "free_at", "speech_end_at", "allowed", "capacity", "line_max", "two_lines", "two_line_from",
                 "min_dur", "max_dur", "units_at", "unit_offset", "unit_weight", "dash_units")

    def __init__(self, words: Words, cuts: Cuts, preset: Preset, before_ms: int | None = None) -> None:
        n = self.n = len(words.text)
        self.best = [float("inf")] * (n + 1)
        self.best[0] = 0.0
        self.back = [0] * (n + 1)
        self.brk = [0] * (n + 1)   # where the line break of the best last cue ending at b is (0: anywhere)
        # the text: lengths[b] - lengths[a] - 1 is the length of words[a:b] joined (n + 1 is
        # never within reach)
        lengths = self.lengths = [*accumulate([len(word) + 1 for word in words.text], initial=0)]
        lengths.append(lengths[-1] + _NO_BOUND)
        self.line_cut, self.sentence, self.dash, self.forced = cuts.line, cuts.sentence, cuts.dash, cuts.forced
        self.next_forced = _next_true(cuts.forced, n)
        self.next_sentence = _next_true(cuts.sentence, n)   # the first sentence start after a (n + 1: none)
        self.next_split = _next_true(cuts.split, n) + [n + 1]
        # the next candidate end after each place: an acceptable cut (a sentence end ... a plain
        # space, a turn), or every word when no acceptable cut is within reach (a long name, a run
        # of numbers)
        self.next_good = _next_true([c <= _GOOD_CUT or t or f for c, t, f in zip(cuts.line, cuts.split, cuts.forced)],
                                    n) + [n + 1]
        self.next_any = list(range(1, n + 2))
        # what a cue ending at b costs whatever its start: the cut and the cue itself;
        # mixed_end[b]: what it adds when the cue also holds a sentence end (it ends mid-sentence)
        self.end_cost = [c + _CUE for c in cuts.cue] + [_CUE]
        self.mixed_end = [0.0 if s else _MIX for s in cuts.sentence] + [0.0]
        # what a cue holding the turn at k costs: the line cut there, and the second speaker
        self.split_cost = [cuts.line[k] * _LINE_WEIGHT + (_DIALOGUE if cuts.dash[k] else _TWO_PHRASES)
                           for k in range(n + 1)]
        # the time: a cue ending at b carries speech until speech_end_at[b] and may stay
        # until free_at[b] (the next cue's start minus the gap)
        gap = preset.min_gap_ms
        self.free_at = [s - gap for s in words.start_ms] + [0]
        # where a cue starting at word a is placed (cue_times): at its speech, never before the
        # previous word's speech ends plus the gap (before the chunk: ``before_ms``)
        previous = [-_NO_BOUND if before_ms is None else before_ms, *words.end_ms[:-1]]
        self.cue_start = [s if s > p + gap else p + gap for s, p in zip(words.start_ms, previous)]
        # every path passes a forced cut: prices start again there, as in a chunk of its own
        self.keep = [0.0 if f else 1.0 for f in cuts.forced]
        self.speech_end_at = [0, *words.end_ms]
        # the preset
        self.capacity = preset.line_chars * preset.max_lines
        self.line_max = preset.line_chars
        self.two_lines = preset.max_lines >= 2
        # a longer cue pays for its line cut (a two-line preset); others are priced as one block
        self.two_line_from = preset.line_chars if preset.max_lines == 2 else _NO_BOUND
        self.allowed = _allowed_chars_table(preset)
        self.min_dur, self.max_dur = preset.min_duration_ms, _max_duration(preset)
        # the reading units of words[a:b] are units_at[b] - units_at[a] - unit_offset: its
        # characters (as lengths counts them), or its words for a words-per-minute preset
        # (a dialogue's dashes are characters, not words: dash_units says how much they count)
        if preset.speed_unit is SpeedUnit.WPM:
            self.units_at = [*accumulate(map(count_words, words.text), initial=0)]
            self.unit_offset, self.unit_weight, self.dash_units = 0, _CPS_PER_CHAR * _CHARS_PER_WORD, 0
        else:
            self.units_at, self.unit_offset, self.unit_weight, self.dash_units = lengths, 1, _CPS_PER_CHAR, 2

    def bounds(self) -> list[_CueWords]:
        """The cues of the cheapest cut, in order."""
        self._search()
        out = []
        b = self.n
        while b > 0:
            a = self.back[b]
            out.append(_CueWords(a, b, self.brk[b]))
            b = a
        out.reverse()
        return out

    def _reach(self, a: int) -> tuple[int, int, int]:
        """From a cue start ``a``: the turn ``k`` a cue may hold inside and the next one ``k2``
        (``n + 1``: none), and the last end ``stop`` a cue may have.  A cue holds one turn, both
        parts on one line; or, to spare a cue too short, two probable turns (three phrases on two
        lines); never a marked turn with another."""
        lengths, line_max, forced, dash = self.lengths, self.line_max, self.next_forced[a], self.dash
        none = self.n + 1
        k = self.next_split[a]
        if k >= forced:
            return k, none, forced
        fits_one_line = lengths[k] - lengths[a] - 1 + dash[k] <= line_max or k == a + 1
        if not self.two_lines or not fits_one_line:
            return k, none, k
        k2 = self.next_split[k]
        if k2 >= forced or dash[k] or dash[k2]:
            return k, none, min(k2, forced)
        return k, k2, min(self.next_split[k2], forced)

    def _line_at(self, b: int, k: int, k2: int, first_two: int) -> int:
        """Where the second line of a cue ending at ``b`` and holding the turn ``k`` (and ``k2``
        when ``b > k2``: three phrases) starts: the turn whose two lines fit (the cheaper cut
        when both do); 0 when none does (nor will for a later end)."""
        lengths, line_max = self.lengths, self.line_max
        second = lengths[b] - lengths[k] - 1
        if b <= k2:
            return k if second + self.dash[k] <= line_max or b == k + 1 else 0
        if first_two <= line_max and lengths[b] - lengths[k2] - 1 <= line_max:
            return k2 if self.split_cost[k2] <= self.split_cost[k] or second > line_max else k
        return k if second <= line_max else 0

    def _search(self) -> None:
        """Fill ``best`` and ``back``: from each start reached, price each candidate end."""
        # One loop on purpose (radon D): the builder's hot loop.  It visits about four
        # candidate ends per word (45,000 on the sample) and prices the 19,000 that can still
        # win; a call per start or per priced end, with the attribute reads it would repeat,
        # costs more than the pricing itself.  Everything per place is read from the tables
        # made in __init__, bound to locals once.
        n, best, back, lengths, line_cut = self.n, self.best, self.back, self.lengths, self.line_cut
        next_sentence, next_good, next_any = self.next_sentence, self.next_good, self.next_any
        end_cost, mixed_end, sentence, split_cost, dash = (self.end_cost, self.mixed_end, self.sentence,
                                                          self.split_cost, self.dash)
        free_at, speech_end_at, forced = self.free_at, self.speech_end_at, self.forced
        brk, keep, cue_start = self.brk, self.keep, self.cue_start
        capacity, line_max, two_line_from = self.capacity, self.line_max, self.two_line_from
        allowed, min_dur, max_dur = self.allowed, self.min_dur, self.max_dur
        step, step_ms, span_ms = len(allowed) - 1, _READING_STEP_MS, _READING_SPAN_MS
        line_weight, hang, cps_weight, short = _LINE_WEIGHT, MAX_HANG_MS, self.unit_weight, _SHORT
        units_at, unit_offset, dash_units = self.units_at, self.unit_offset, self.dash_units
        inf = float("inf")
        top = 0
        for a in range(n):
            base = best[a]
            if base == inf:
                continue
            base *= keep[a]
            start = cue_start[a]
            latest = start + max_dur
            k, k2, stop = self._reach(a)
            first_two = lengths[k2] - lengths[a] - 1 if k2 <= n else _NO_BOUND   # phrases one and two on a line
            first_chars = lengths[a] + 1
            # a cue holding a sentence end (word inner starts the next sentence) mixes sentences
            # when it starts or ends mid-sentence: it costs _MIX for each side
            inner = next_sentence[a]
            mixed_start = 0.0 if sentence[a] else _MIX
            # the best line cut of a two-line cue [a, b) is the cheapest j with both lines
            # fitting: j <= top (the first line fits) and j >= low, the first j where the
            # second does; line_best[top - low] is the cheapest cut in [low, top] (measured
            # when a two-line cue from a is first considered)
            line_best: list[float] | None = None
            low = a + 1
            good = next_good[a]
            following = next_good if good <= stop and lengths[good] - first_chars <= capacity else next_any
            b = following[a]
            while b <= stop:
                chars = lengths[b] - first_chars
                if b > k:   # two speakers (or two or three phrases): the second line starts at a turn
                    line_at = self._line_at(b, k, k2, first_two)
                    if not line_at:
                        break
                    cost = base + end_cost[b] + split_cost[line_at] + (_THIRD_PHRASE if b > k2 else 0.0)
                    extra = dash_units * dash[k]   # the dialogue's two dashes are read too
                elif chars > capacity and b > a + 1:
                    break
                else:
                    cost = base + end_cost[b]
                    line_at = extra = 0
                if b > inner:
                    cost += mixed_start + mixed_end[b]
                if cost >= best[b]:   # everything below only adds: this cue cannot win
                    b = following[b]
                    continue
                if b <= k and chars > two_line_from:
                    if line_best is None:
                        top = min(max(bisect_right(lengths, first_chars + line_max) - 1, a + 1), n)
                        line_best = list(accumulate(line_cut[top:a:-1], min))
                    while low < b and lengths[b] - lengths[low] - 1 > line_max:
                        low += 1
                    cost += line_best[top - low] * line_weight if low <= top and low < b else _NO_LINES
                speech_end = speech_end_at[b]
                free_end = speech_end + hang if forced[b] else free_at[b]
                avail = (free_end if free_end < latest else latest) - start
                if avail < min_dur:
                    cost += short
                if speech_end > latest:
                    cost += _TOO_LONG_PER_S * (speech_end - latest) / 1000
                # the characters the available time allows (the table, then its last rate)
                if avail <= 0:
                    room = allowed[0]
                elif avail < span_ms:
                    room = allowed[avail // step_ms]
                else:
                    room = allowed[step] * avail / span_ms
                units = units_at[b] - units_at[a] - unit_offset + extra
                if units > room:
                    cost += (units - room) * cps_weight
                if cost < best[b]:
                    best[b] = cost
                    back[b] = a
                    brk[b] = line_at
                b = following[b]


class _Layout:
    """The display lines of word ranges, each range laid out once; a range whose lines cannot
    fit is cut again (:meth:`fit`)."""

    __slots__ = ("words", "cuts", "max_chars", "max_lines", "dash", "mark", "opening", "done")

    def __init__(self, words: Words, cuts: Cuts, preset: Preset, data: LanguageData) -> None:
        self.words, self.cuts = words, cuts
        self.max_chars, self.max_lines = preset.line_chars, preset.max_lines
        self.dash, self.mark, self.opening = data.dialogue_dash, data.continuation_end, data.continuation_start
        self.done: dict[tuple[int, int], tuple[str, ...]] = {}

    def lines(self, a: int, b: int, marked: bool = False, opened: bool = False) -> tuple[str, ...]:
        """The lines of ``words[a:b]``, broken where :func:`.break_words` says (the last word
        with the continuation mark when ``marked``, the first after it when ``opened``); each
        range is laid out once."""
        plain = not marked and not opened
        if plain and (a, b) in self.done:
            return self.done[a, b]
        text = self.words.text[a:b]
        if marked:
            text = (*text[:-1], text[-1] + self.mark)
        if opened:
            text = (self.opening + text[0], *text[1:])
        lines = break_words(text, self.cuts.penalty[a + 1:b], self.max_chars, self.max_lines, self.cuts.sentence[a])
        if plain:
            self.done[a, b] = lines
        return lines

    def fit(self, piece: _CueWords) -> list[_CueWords]:
        """``piece`` as one cue if its lines fit, else cut at the cheapest balanced place."""
        a, b, split = piece
        if split or b - a < 2:
            return [piece]
        if fits(self.lines(a, b), self.max_chars, self.max_lines):
            return [piece]
        middle = (a + b) / 2
        cue = self.cuts.cue
        k = min(range(a + 1, b), key=lambda k: cue[k] + abs(k - middle) / (b - a))
        return self.fit(_CueWords(a, k, 0)) + self.fit(_CueWords(k, b, 0))

    def lines_of(self, piece: _CueWords, dialogue: bool, marked: bool, opened: bool) -> tuple[str, ...]:
        """A cue's lines: a cue holding two speakers has one line each, after a dash for a
        marked turn; a sentence cut by a pause is marked at the end of its cue, or at the start
        of the next one when its cue ends on a comma."""
        a, b, split = piece
        if not split:
            return self.lines(a, b, marked, opened)
        text = self.words.text
        first, second = " ".join(text[a:split]), " ".join(text[split:b])
        if opened:
            first = self.opening + first
        if marked:
            second += self.mark
        if dialogue:
            return self.dash + first, self.dash + second
        return first, second


def layout_cue(text: str, preset: Preset, lang: str, *, starts_sentence: bool | None = None) -> tuple[str, ...]:
    """The display lines of one cue's text (``starts_sentence``: see :func:`.break_lines`)."""
    return break_lines(text, preset.line_chars, preset.max_lines, lang, starts_sentence=starts_sentence)


@functools.lru_cache(maxsize=32)
def _allowed_chars_table(preset: Preset) -> tuple[float, ...]:
    """Reading units (characters, or words for a words-per-minute preset) allowed for each 50 ms
    of display time up to 60 s (inf: no reading limit); made once per preset."""
    return tuple(float("inf") if chars is None else chars
                 for chars in map(preset.max_units_for, range(0, _READING_SPAN_MS + 1, _READING_STEP_MS)))
