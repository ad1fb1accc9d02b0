"""Fragments -> cues under a preset: join the running text, cut it again where the
language and the timing allow, break the lines, time the cues, and list every limit a cue
could not meet (explanations as data, never silent).

The cut is a shortest-path over the word boundaries (linear in the words: a cue holds at
most ``max_lines x max_chars`` characters).  A cut costs what
:func:`captions.typography.break_penalty` says (sentence end < clause punctuation < before
a conjunction or preposition < elsewhere < never), a little less at a fragment boundary
(where the timing is known best); a cue costs extra when its available time is under the
minimum duration, when its speech runs past the maximum duration, and per character over
the reading speed its available time allows.  A cue that holds a sentence end and starts or
ends mid-sentence (the tail of one sentence glued to the next, or a sentence that begins in
its last words) costs :data:`_MIX` per side: more than the reading-speed penalty a cue of
one or two whole sentences usually pays, so sentences stay whole and a speed the speech
itself forces is reported instead.  A pause or a change of speaker always cuts.
Words are never lost, added or reordered.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, repeat
from typing import NamedTuple

from .linebreak import break_lines, break_words, fits
from .model import Cue, Fragment
from .presets import Preset, SpeedUnit, count_words
from .timing import MAX_HANG_MS, CueTiming, SpeechSpan, cue_times
from .typography import NNBSP, break_penalty, french_spacing

__all__ = ["Words", "Cuts", "Built", "split_words", "measure_cuts", "build_cues", "layout_cue"]


@dataclass(frozen=True, slots=True)
class Words:
    """The running text of a transcript as words: one column per property, one row per word.

    Attributes:
        text: the words.
        fragment: the index of the fragment each word (its first part) comes from.
        start_ms / end_ms: each word's estimated speech.
        speaker: the speaker of each word's fragment (None when the layout names none).
    """

    text: tuple[str, ...]
    fragment: tuple[int, ...]
    start_ms: tuple[int, ...]
    end_ms: tuple[int, ...]
    speaker: tuple[str | None, ...]


def split_words(fragments: Sequence[Fragment], spans: Sequence[SpeechSpan], *,
                typography: bool = False) -> Words:
    """The words of ``fragments`` with times interpolated inside each fragment's speech.

    With ``typography`` the French non-breaking spaces are added over the running text (so
    ``?`` at the start of a fragment joins the last word of the previous one).

    >>> from captions.timing import SpeechSpan
    >>> w = split_words([Fragment(0, "Ça va ?", 1)], [SpeechSpan(0, 700, 10.0, True)], typography=True)
    >>> [x.replace(NNBSP, "_") for x in w.text], w.start_ms
    (['Ça', 'va_?'], (0, 300))
    """
    text: list[str] = []
    owner: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, (frag, span) in enumerate(zip(fragments, spans)):
        total = len(frag.text) or 1
        first, width = span.start_ms, span.end_ms - span.start_ms
        offset = 0   # where the word starts in the fragment's text, words one space apart
        for word in frag.text.split(" "):   # not split(): it would cut at U+202F
            if word:
                end = offset + len(word)
                text.append(word)
                owner.append(index)
                starts.append(first + width * offset // total)
                ends.append(first + width * (end if end < total else total) // total)
                offset = end + 1
    if typography and text:
        text, owner, starts, ends = _merge_spaced(text, owner, starts, ends)
    speakers = [f.speaker for f in fragments]
    return Words(tuple(text), tuple(owner), tuple(starts), tuple(ends), tuple([speakers[k] for k in owner]))


def _merge_spaced(text: list[str], owner: list[int], starts: list[int],
                  ends: list[int]) -> tuple[list[str], list[int], list[int], list[int]]:
    """Apply French spacing to the running text and map the new words back to the old ones.

    The spacing only replaces or inserts non-breaking spaces, so each new word is one or more
    old words glued together: it keeps the first one's fragment and start, the last one's end.
    Most words come out unchanged and are matched in one comparison.
    """
    spaced = french_spacing(" ".join(text)).split(" ")
    if len(spaced) == len(text):   # nothing glued: only spaces inserted inside words
        return spaced, owner, starts, ends
    out_o: list[int] = []
    out_s: list[int] = []
    out_e: list[int] = []
    k = done = 0   # the next spaced word starts at text[k]; words before text[done] are copied
    for word in spaced:
        if word == text[k]:
            k += 1
            continue
        # the word glues text[k:j]: copy the unchanged run before it, then the glued word
        out_o += owner[done:k]
        out_s += starts[done:k]
        out_e += ends[done:k]
        need = len(word.replace(NNBSP, "").replace("\u00a0", ""))
        j, got = k, 0
        while got < need:
            got += len(text[j].replace(NNBSP, "").replace("\u00a0", ""))
            j += 1
        out_o.append(owner[k])
        out_s.append(starts[k])
        out_e.append(ends[max(j - 1, k)])
        k = done = j
    out_o += owner[done:]
    out_s += starts[done:]
    out_e += ends[done:]
    return spaced, out_o, out_s, out_e


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
_GOOD_CUT = 4.0 * _CUT_WEIGHT   # cue ends are searched at cuts this good or better first
_NO_BOUND = 10**9      # a length or a duration no cue reaches
_READING_STEP_MS = 50  # the reading-speed table has one entry per this much display time
_READING_SPAN_MS = 60_000


@dataclass(frozen=True, slots=True)
class Cuts:
    """What is known about each place between two words, ``b`` being the place before word
    ``b`` (0: before the first word, ``n``: after the last).

    Attributes:
        penalty: :func:`~captions.typography.break_penalty` between words ``b - 1`` and ``b``
            (0 at both ends), measured once for the whole transcript.
        line: what a line cut there costs (inside a cue).
        cue: what a cue cut there costs: a line cut's, a little less at a fragment boundary
            (where the timing is known best).
        forced: a pause or a new speaker is there: a cue ends there.
        sentence: a sentence (or a speaker's turn) starts there.
    """

    penalty: tuple[float, ...]
    line: tuple[float, ...]
    cue: tuple[float, ...]
    forced: tuple[bool, ...]
    sentence: tuple[bool, ...]


def measure_cuts(words: Words, spans: Sequence[SpeechSpan], lang: str) -> Cuts:
    """Every place between ``words`` measured once (``spans``: their fragments' speech).

    >>> from captions.timing import SpeechSpan
    >>> spans = [SpeechSpan(0, 700, 10.0, False), SpeechSpan(900, 1200, 10.0, True)]
    >>> words = split_words([Fragment(0, "Oui. Et", 1), Fragment(900, "toi", 2, speaker="B")], spans)
    >>> c = measure_cuts(words, spans, "fr")   # a sentence end, a conjunction, a new speaker
    >>> c.penalty, c.forced, c.sentence
    ((0.0, 0.0, 10.0, 0.0), (False, False, True, True), (True, True, True, True))
    """
    n = len(words.text)
    text, owner, speaker = words.text, words.fragment, words.speaker
    penalty = [0.0, *map(break_penalty, text[:-1], text[1:], repeat(lang, n - 1)), 0.0]
    line = [p * _CUT_WEIGHT for p in penalty]
    cue = list(line)
    forced = [False] * (n + 1)
    forced[n] = True
    sentence = [p == 0.0 for p in penalty]
    sentence[0] = sentence[n] = True
    # pauses_before[f]: how many of the fragments before fragment f end with a pause
    pauses_before = [*accumulate((span.pause_after for span in spans), initial=0)]
    for b in range(1, n):
        if owner[b] != owner[b - 1]:   # the first word of a fragment: about one word in four
            cue[b] -= _FRAGMENT_BONUS
            turn = speaker[b] != speaker[b - 1]
            forced[b] = turn or pauses_before[owner[b]] != pauses_before[owner[b - 1]]
            sentence[b] = sentence[b] or turn
    return Cuts(tuple(penalty), tuple(line), tuple(cue), tuple(forced), tuple(sentence))


@dataclass(frozen=True, slots=True)
class Built:
    """Cues with what they were built from.

    Attributes:
        cues: the cues, in order.
        fragments: per cue, the first and last index of the fragments its words come from.
        speech: per cue, the estimated speech ``(start_ms, end_ms)`` it carries.
    """

    cues: tuple[Cue, ...]
    fragments: tuple[tuple[int, int], ...]
    speech: tuple[tuple[int, int], ...]


class _CueWords(NamedTuple):
    """One cue as words ``[first, end)``; ``turn``: the first word of the second speaker of a
    dialogue cue (0: not a dialogue)."""

    first: int
    end: int
    turn: int


def build_cues(fragments: Sequence[Fragment], spans: Sequence[SpeechSpan], preset: Preset, *,
               lang: str = "fr", typography: bool = False) -> Built:
    """Cut the running text of ``fragments`` (with their estimated ``spans``) into cues.

    The steps: the words and the places between them measured once, the cheapest cut into
    cues (:class:`_CueEnds`), any cue whose lines cannot fit cut again, two short turns of two
    speakers joined as a dialogue, then the display times and the lines.

    >>> from captions.presets import get_preset
    >>> from captions.timing import estimate_speech
    >>> frags = [Fragment(0, "Bonsoir à tous.", 1), Fragment(2000, "Voici le journal.", 2)]
    >>> [(c.start_ms, c.end_ms, c.lines) for c in build_cues(frags, estimate_speech(frags), get_preset()).cues]
    [(500, 4200, ('Bonsoir à tous. Voici le journal.',))]
    """
    words = split_words(fragments, spans, typography=typography)
    if not words.text:
        return Built((), (), ())
    cuts = measure_cuts(words, spans, lang)
    layout = _Layout(words, cuts, preset)
    ranges = [fitted for a, b in _CueEnds(words, cuts, preset).bounds() for fitted in layout.fit(a, b)]
    pieces = _dialogues(ranges, words, preset)
    timings = _timings(pieces, words, cuts, preset)
    cues = tuple(Cue(start_ms=start, end_ms=end, lines=layout.lines_of(piece),
                     line=fragments[words.fragment[piece.first]].line)
                 for piece, (start, end) in zip(pieces, cue_times(timings, preset)))
    return Built(cues, tuple((words.fragment[p.first], words.fragment[p.end - 1]) for p in pieces),
                 tuple((t.speech_start_ms, t.speech_end_ms) for t in timings))


def _next_true(flags: Sequence[bool], n: int) -> list[int]:
    """``out[a]``: the first ``b`` in ``a + 1 .. n`` with ``flags[b]`` (``n + 1`` when none), for
    ``a`` in ``0 .. n``; filled run by run.

    >>> _next_true([True, False, True, False], 3)
    [2, 2, 4, 4]
    """
    out = [0] * (n + 1)
    previous = 0
    for b in [b for b in range(1, n + 1) if flags[b]]:
        out[previous:b] = [b] * (b - previous)
        previous = b
    out[previous:] = [n + 1] * (n + 1 - previous)
    return out


def _max_duration(preset: Preset) -> int:
    return preset.max_duration_ms if preset.max_duration_ms is not None else _NO_BOUND


class _CueEnds:
    """The cheapest cut of the words into cues: a shortest path over the places between words.

    ``best[b]`` is the cheapest cut of ``words[:b]`` into cues and ``back[b]`` where its last
    cue starts.  A cue ``[a, b)`` costs the cut at ``b``, and more when it mixes sentences,
    when its two lines have no good cut, when its available time is short, when its speech
    runs past the maximum duration and per character over the reading speed (see the module
    docstring).  The tables below hold, per place, everything the pricing reads.
    """

    __slots__ = ("n", "best", "back", "lengths", "line_cut", "sentence", "next_forced", "next_sentence",
                 "next_good", "next_any", "end_cost", "mixed_end", "starts", "ends", "free_at", "speech_end_at",
                 "allowed", "capacity", "line_max", "two_line_from", "gap", "min_dur", "max_dur",
                 "units_at", "unit_offset", "unit_weight")

    def __init__(self, words: Words, cuts: Cuts, preset: Preset) -> None:
        n = self.n = len(words.text)
        self.best = [float("inf")] * (n + 1)
        self.best[0] = 0.0
        self.back = [0] * (n + 1)
        # the text: lengths[b] - lengths[a] - 1 is the length of words[a:b] joined (n + 1 is
        # never within reach)
        lengths = self.lengths = [*accumulate([len(word) + 1 for word in words.text], initial=0)]
        lengths.append(lengths[-1] + _NO_BOUND)
        self.line_cut, self.sentence = cuts.line, cuts.sentence
        self.next_forced = _next_true(cuts.forced, n)
        self.next_sentence = _next_true(cuts.sentence, n)   # the first sentence start after a (n + 1: none)
        # the next candidate end after each place: an acceptable cut (a sentence end ... a plain
        # space), or every word when no acceptable cut is within reach (a long name, a run of numbers)
        self.next_good = _next_true([f or c <= _GOOD_CUT for f, c in zip(cuts.forced, cuts.line)], n) + [n + 1]
        self.next_any = list(range(1, n + 2))
        # what a cue ending at b costs whatever its start: the cut and the cue itself;
        # mixed_end[b]: what it adds when the cue also holds a sentence end (it ends mid-sentence)
        self.end_cost = [c + _CUE for c in cuts.cue] + [_CUE]
        self.mixed_end = [0.0 if s else _MIX for s in cuts.sentence] + [0.0]
        # the time: a cue ending at b carries speech until speech_end_at[b] and may stay
        # until free_at[b] (the next cue's start minus the gap)
        gap = self.gap = preset.min_gap_ms
        self.starts, self.ends = words.start_ms, words.end_ms
        self.free_at = [s - gap for s in words.start_ms] + [0]
        self.speech_end_at = [0, *words.end_ms]
        # the preset
        self.capacity = preset.line_chars * preset.max_lines
        self.line_max = preset.line_chars
        # a longer cue pays for its line cut (a two-line preset); others are priced as one block
        self.two_line_from = preset.line_chars if preset.max_lines == 2 else _NO_BOUND
        self.allowed = _allowed_chars_table(preset)
        self.min_dur, self.max_dur = preset.min_duration_ms, _max_duration(preset)
        # the reading units of words[a:b] are units_at[b] - units_at[a] - unit_offset: its
        # characters (as lengths counts them), or its words for a words-per-minute preset
        if preset.speed_unit is SpeedUnit.WPM:
            self.units_at = [*accumulate(map(count_words, words.text), initial=0)]
            self.unit_offset, self.unit_weight = 0, _CPS_PER_CHAR * _CHARS_PER_WORD
        else:
            self.units_at, self.unit_offset, self.unit_weight = lengths, 1, _CPS_PER_CHAR

    def bounds(self) -> list[tuple[int, int]]:
        """The cues ``(a, b)`` of the cheapest cut, in order."""
        self._search()
        out = []
        b = self.n
        while b > 0:
            out.append((self.back[b], b))
            b = self.back[b]
        out.reverse()
        return out

    def _search(self) -> None:
        """Fill ``best`` and ``back``: from each start reached, price each candidate end."""
        # One loop on purpose (radon D): the builder's hot loop.  It visits about four
        # candidate ends per word (45,000 on the sample) and prices the 19,000 that can still
        # win; a call per start or per priced end, with the attribute reads it would repeat,
        # costs more than the pricing itself.  Everything per place is read from the tables
        # made in __init__, bound to locals once.
        n, best, back, lengths, line_cut = self.n, self.best, self.back, self.lengths, self.line_cut
        next_forced, next_sentence = self.next_forced, self.next_sentence
        next_good, next_any = self.next_good, self.next_any
        end_cost, mixed_end, sentence = self.end_cost, self.mixed_end, self.sentence
        ws, we, free_at, speech_end_at = self.starts, self.ends, self.free_at, self.speech_end_at
        capacity, line_max, two_line_from = self.capacity, self.line_max, self.two_line_from
        allowed, gap, min_dur, max_dur = self.allowed, self.gap, self.min_dur, self.max_dur
        step, step_ms, span_ms = len(allowed) - 1, _READING_STEP_MS, _READING_SPAN_MS
        line_weight, hang, cps_weight, short = _LINE_WEIGHT, MAX_HANG_MS, self.unit_weight, _SHORT
        units_at, unit_offset = self.units_at, self.unit_offset
        inf = float("inf")
        top = 0
        for a in range(n):
            base = best[a]
            if base == inf:
                continue
            start = ws[a]
            if a and we[a - 1] + gap > start:
                start = we[a - 1] + gap        # where cue_times will place it
            latest = start + max_dur
            stop = next_forced[a]
            first_chars = lengths[a] + 1
            # a cue holding a sentence end (word inner starts the next sentence) mixes sentences
            # when it starts or ends mid-sentence: it costs _MIX for each side
            inner = next_sentence[a]
            mixed_start = 0.0 if sentence[a] else _MIX
            # the best line cut of a two-line cue [a, b) is the cheapest k with both lines
            # fitting: k <= top (the first line fits) and k >= low, the first k where the
            # second does; line_best[top - low] is the cheapest cut in [low, top] (measured
            # when a two-line cue from a is first considered)
            line_best: list[float] | None = None
            low = a + 1
            following = next_good if lengths[next_good[a]] - first_chars <= capacity else next_any
            b = following[a]
            while b <= stop:
                chars = lengths[b] - first_chars
                if chars > capacity and b > a + 1:
                    break
                cost = base + end_cost[b]
                if b > inner:
                    cost += mixed_start + mixed_end[b]
                if cost >= best[b]:   # everything below only adds: this cue cannot win
                    b = following[b]
                    continue
                if chars > two_line_from:
                    if line_best is None:
                        top = min(max(bisect_right(lengths, first_chars + line_max) - 1, a + 1), n)
                        line_best = list(accumulate(line_cut[top:a:-1], min))
                    while low < b and lengths[b] - lengths[low] - 1 > line_max:
                        low += 1
                    cost += line_best[top - low] * line_weight if low <= top and low < b else _NO_LINES
                speech_end = speech_end_at[b]
                free_end = speech_end + hang if b == stop else free_at[b]
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
                units = units_at[b] - units_at[a] - unit_offset
                if units > room:
                    cost += (units - room) * cps_weight
                if cost < best[b]:
                    best[b] = cost
                    back[b] = a
                b = following[b]


class _Layout:
    """The display lines of word ranges, each range laid out once; a range whose lines cannot
    fit is cut again (:meth:`fit`)."""

    __slots__ = ("words", "cuts", "max_chars", "max_lines", "done")

    def __init__(self, words: Words, cuts: Cuts, preset: Preset) -> None:
        self.words, self.cuts = words, cuts
        self.max_chars, self.max_lines = preset.line_chars, preset.max_lines
        self.done: dict[tuple[int, int], tuple[str, ...]] = {}

    def lines(self, a: int, b: int) -> tuple[str, ...]:
        """The lines of ``words[a:b]``, broken where :func:`.break_words` says."""
        return break_words(self.words.text[a:b], self.cuts.penalty[a + 1:b], self.max_chars, self.max_lines,
                           self.cuts.sentence[a])

    def fit(self, a: int, b: int) -> list[tuple[int, int]]:
        """``[a, b)`` as one cue if its lines fit, else cut at the cheapest balanced place."""
        lines = self.lines(a, b)
        if b - a < 2 or fits(lines, self.max_chars, self.max_lines):
            self.done[a, b] = lines
            return [(a, b)]
        middle = (a + b) / 2
        cue = self.cuts.cue
        k = min(range(a + 1, b), key=lambda k: cue[k] + abs(k - middle) / (b - a))
        return self.fit(a, k) + self.fit(k, b)

    def lines_of(self, piece: _CueWords) -> tuple[str, ...]:
        """A cue's lines: a dialogue has one line per speaker, each after a dash."""
        a, b, turn = piece
        if turn:
            text = self.words.text
            return "- " + " ".join(text[a:turn]), "- " + " ".join(text[turn:b])
        return self.done.get((a, b)) or self.lines(a, b)


def _dialogues(ranges: Sequence[tuple[int, int]], words: Words, preset: Preset) -> list[_CueWords]:
    """The cues, two cues of two speakers joined into one dialogue cue where
    :func:`_is_dialogue` says so."""
    out: list[_CueWords] = []
    k = 0
    while k < len(ranges):
        a, b = ranges[k]
        if k + 1 < len(ranges) and _is_dialogue(words, ranges[k], ranges[k + 1], preset):
            c, d = ranges[k + 1]
            out.append(_CueWords(a, d, c))
            k += 2
        else:
            out.append(_CueWords(a, b, 0))
            k += 1
    return out


def _is_dialogue(words: Words, first: tuple[int, int], second: tuple[int, int], preset: Preset) -> bool:
    """Whether two cues are better as one dialogue cue (``- `` before each line): two named
    speakers, one each; the first or the second too short or too fast on its own; both fit one
    line with the dash; the speech fits the maximum duration."""
    (a, b), (c, d) = first, second
    speaker = words.speaker
    if (preset.max_lines < 2 or speaker[a] is None or speaker[c] is None or speaker[a] == speaker[c]
            or len(set(speaker[c:d])) != 1):
        return False
    first_text, second_text = " ".join(words.text[a:b]), " ".join(words.text[c:d])
    if len(first_text) + 2 > preset.line_chars or len(second_text) + 2 > preset.line_chars:
        return False
    if words.start_ms[d - 1] - words.start_ms[a] > _max_duration(preset):
        return False
    starts, gap = words.start_ms, preset.min_gap_ms
    second_ms = starts[d] - gap - starts[c] if d < len(starts) else _NO_BOUND
    return (_hard_alone(preset.reading_units(first_text), starts[c] - gap - starts[a], preset)
            or _hard_alone(preset.reading_units(second_text), second_ms, preset))


def _hard_alone(chars: int, avail_ms: int, preset: Preset) -> bool:
    """Whether ``chars`` (reading units) shown alone for ``avail_ms`` are too short or too fast."""
    allowed = _allowed_chars_table(preset)
    room = allowed[min(max(avail_ms, 0) // _READING_STEP_MS, len(allowed) - 1)]
    return avail_ms < preset.min_duration_ms or chars > room


def _timings(pieces: Sequence[_CueWords], words: Words, cuts: Cuts, preset: Preset) -> list[CueTiming]:
    """The speech each cue carries, in the preset's reading units (a dialogue's two dashes count
    for its reading speed in characters)."""
    text, starts, ends, forced = words.text, words.start_ms, words.end_ms, cuts.forced
    dashes = preset.reading_units("- - ")
    return [CueTiming(speech_start_ms=starts[a], speech_end_ms=ends[b - 1],
                      chars=preset.reading_units(" ".join(text[a:b])) + (dashes if turn else 0), pause_after=forced[b])
            for a, b, turn in pieces]


def layout_cue(text: str, preset: Preset, lang: str, *, starts_sentence: bool | None = None) -> tuple[str, ...]:
    """The display lines of one cue's text (``starts_sentence``: see :func:`.break_lines`)."""
    return break_lines(text, preset.line_chars, preset.max_lines, lang, starts_sentence=starts_sentence)


@functools.lru_cache(maxsize=32)
def _allowed_chars_table(preset: Preset) -> tuple[float, ...]:
    """Reading units (characters, or words for a words-per-minute preset) allowed for each 50 ms
    of display time up to 60 s (inf: no reading limit); made once per preset."""
    return tuple(float("inf") if chars is None else chars
                 for chars in map(preset.max_units_for, range(0, _READING_SPAN_MS + 1, _READING_STEP_MS)))
