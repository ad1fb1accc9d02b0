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

from .linebreak import break_lines, break_words, fits
from .model import Cue, Fragment, fast_constructor
from .presets import Preset, reading_chars
from .timing import MAX_HANG_MS, CueTiming, SpeechSpan, cue_times
from .typography import NNBSP, break_penalty, french_spacing

__all__ = ["Words", "Built", "split_words", "build_cues", "layout_cue"]


@dataclass(frozen=True, slots=True)
class Words:
    """The running text of a transcript as words, each with its fragment and estimated times."""

    text: tuple[str, ...]
    fragment: tuple[int, ...]      # index of the fragment the word (its first part) comes from
    start_ms: tuple[int, ...]
    end_ms: tuple[int, ...]


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
        words = [w for w in frag.text.split(" ") if w]   # not split(): it would cut at U+202F
        total = len(frag.text) or 1
        first, width = span.start_ms, span.end_ms - span.start_ms
        # character offsets of each word's start and end inside the fragment's text
        before = list(accumulate([len(w) + 1 for w in words], initial=0))
        text += words
        owner += [index] * len(words)
        starts += [first + width * o // total for o in before[:-1]]
        ends += [first + width * (o - 1 if o - 1 < total else total) // total for o in before[1:]]
    if typography and text:
        text, owner, starts, ends = _merge_spaced(text, owner, starts, ends)
    return Words(tuple(text), tuple(owner), tuple(starts), tuple(ends))


def _merge_spaced(text, owner, starts, ends):
    """Apply French spacing to the running text and map the new words back to the old ones.

    The spacing only replaces or inserts non-breaking spaces, so each new word is one or more
    old words glued together: it keeps the first one's fragment and start, the last one's end.
    Most words come out unchanged and are matched in one comparison.
    """
    spaced = french_spacing(" ".join(text)).split(" ")
    if len(spaced) == len(text):   # nothing glued: only spaces inserted inside words
        return spaced, owner, starts, ends
    out_o, out_s, out_e = [], [], []
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
_CUE = 1.0
_MIX = 20.0            # a cue with a sentence end inside that starts (or ends) mid-sentence, per side
_LINE_WEIGHT = 0.5     # a line cut inside a cue costs half a cue cut at the same place
_NO_LINES = 5000.0     # a two-line cue whose text has no cut that fits both lines
_GOOD_CUT = 4.0 * _CUT_WEIGHT   # cue ends are searched at cuts this good or better first


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


def build_cues(fragments: Sequence[Fragment], spans: Sequence[SpeechSpan], preset: Preset, *,
               lang: str = "fr", typography: bool = False) -> Built:
    """Cut the running text of ``fragments`` (with their estimated ``spans``) into cues."""
    words = split_words(fragments, spans, typography=typography)
    n = len(words.text)
    if n == 0:
        return Built((), (), ())
    pauses = {i for i, span in enumerate(spans) if span.pause_after}
    speakers = [f.speaker for f in fragments]
    wt, wo, ws, we = words.text, words.fragment, words.start_ms, words.end_ms
    # cut[b]: the cost of a cut before word b; forced[b]: a pause or a new speaker before it;
    # sentence[b]: a sentence (or a speaker's turn) starts at word b
    penalties = [0.0, *map(break_penalty, wt[:-1], wt[1:], repeat(lang, n - 1)), 0.0]  # measured once
    line_cut = [p * _CUT_WEIGHT for p in penalties]   # a cut inside a cue (no fragment bonus)
    cut = [*line_cut, 0.0]
    forced = [False] * (n + 1)
    forced[n] = True
    sentence = [p == 0.0 for p in penalties]
    sentence[0] = sentence[n] = True
    for b in range(1, n):
        if wo[b] != wo[b - 1]:   # the first word of a fragment: about one word in four
            cut[b] -= _FRAGMENT_BONUS
            turn = speakers[wo[b]] != speakers[wo[b - 1]]
            forced[b] = turn or any(i in pauses for i in range(wo[b - 1], wo[b]))
            sentence[b] = sentence[b] or turn
    next_forced = _next_true(forced, n)
    next_sentence = _next_true(sentence, n)   # the first sentence start after word a (n: none)
    lengths = [*accumulate([len(word) + 1 for word in wt], initial=0)]
    capacity = preset.max_chars * preset.max_lines
    line_max = preset.max_chars
    two_lines = preset.max_lines == 2
    allowed = _allowed_chars_table(preset)
    step = len(allowed) - 1
    gap, min_dur = preset.min_gap_ms, preset.min_duration_ms
    max_dur = preset.max_duration_ms if preset.max_duration_ms is not None else 10**9
    inf = float("inf")
    best = [inf] * (n + 1)
    back = [0] * (n + 1)
    best[0] = 0.0
    # what a cue ending before word b costs whatever its start: the cut and the cue itself;
    # mixed_end[b]: what it adds when the cue also holds a sentence end (it ends mid-sentence)
    end_cost = [c + _CUE for c in cut]
    mixed_end = [0.0 if s else _MIX for s in sentence] + [0.0]
    free_at = [ws[b] - gap for b in range(n)] + [0]
    speech_end_at = [0, *we]      # speech_end_at[b]: the speech end of a cue ending before word b
    next_any = list(range(1, n + 2))
    # the next position whose cut is acceptable (or forced)
    next_good = _next_true([f or c <= _GOOD_CUT for f, c in zip(forced, line_cut)], n) + [n + 1]
    lengths.append(lengths[-1] + 10**9)    # position n + 1 is never within reach
    line_weight, hang, cps_weight, short = _LINE_WEIGHT, MAX_HANG_MS, _CPS_PER_CHAR, _SHORT
    table_ms = step * 50   # the reading table covers display times below this
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
        line_best = None
        low = a + 1
        # cue ends are tried at acceptable cuts only (a sentence end ... a plain space), unless
        # none is within reach: then at every word (a long name, a run of numbers)
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
            if chars > line_max and two_lines:
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
            if avail <= 0 or not step:
                room = allowed[0]
            elif avail < table_ms:
                room = allowed[avail // 50]
            else:
                room = allowed[step] * avail / (step * 50)
            if chars > room:
                cost += (chars - room) * cps_weight
            if cost < best[b]:
                best[b] = cost
                back[b] = a
            b = following[b]
    bounds = []
    b = n
    while b > 0:
        bounds.append((back[b], b))
        b = back[b]
    bounds.reverse()
    # a cue whose lines cannot fit is cut again at its best place
    final: list[tuple[int, int]] = []
    layouts: dict[tuple[int, int], tuple[str, ...]] = {}

    def lay_out(a: int, b: int) -> tuple[str, ...]:
        return break_words(wt[a:b], penalties[a + 1:b], preset.max_chars, preset.max_lines, sentence[a])

    for a, b in bounds:
        final.extend(_fit(a, b, cut, preset, lay_out, layouts))
    pieces = _dialogues(final, wt, wo, ws, speakers, forced, preset, allowed)
    make_timing, make_cue = fast_constructor(CueTiming), fast_constructor(Cue)
    timings = []
    for a, b, _ in pieces:
        text = " ".join(wt[a:b])
        timings.append(make_timing(ws[a], we[b - 1], reading_chars(text) + (4 if _ else 0), b == n or forced[b]))
    times = cue_times(timings, preset)
    cues = []
    for (a, b, turn), (start, end) in zip(pieces, times):
        if turn:
            lines = ("- " + " ".join(wt[a:turn]), "- " + " ".join(wt[turn:b]))
        else:
            lines = layouts.get((a, b)) or lay_out(a, b)
        cues.append(make_cue(start, end, lines, "", "", fragments[wo[a]].line))
    return Built(tuple(cues), tuple((wo[a], wo[b - 1]) for a, b, _ in pieces),
                 tuple((t.speech_start_ms, t.speech_end_ms) for t in timings))


def _next_true(flags: list[bool], n: int) -> list[int]:
    """``out[a]``: the first ``b`` in ``a + 1 .. n`` with ``flags[b]`` (``n + 1`` when none), for
    ``a`` in ``0 .. n``; filled run by run."""
    out = [0] * (n + 1)
    previous = 0
    for b in [b for b in range(1, n + 1) if flags[b]]:
        out[previous:b] = [b] * (b - previous)
        previous = b
    out[previous:] = [n + 1] * (n + 1 - previous)
    return out


def _dialogues(ranges, wt, wo, ws, speakers, forced, preset: Preset, allowed) -> list[tuple[int, int, int]]:
    """Join two cues of two speakers into one dialogue cue (``- `` before each line) when the
    first or the second is too short or too fast on its own, both fit one line with the dash, and the
    speech fits the maximum duration.  Returns ``(a, b, turn)``: ``turn`` is the first word
    of the second speaker (0: not a dialogue)."""
    out: list[tuple[int, int, int]] = []
    max_dur = preset.max_duration_ms if preset.max_duration_ms is not None else 10**9
    gap, min_dur = preset.min_gap_ms, preset.min_duration_ms
    step = len(allowed) - 1
    k = 0
    while k < len(ranges):
        a, b = ranges[k]
        if k + 1 < len(ranges) and preset.max_lines >= 2:
            c, d = ranges[k + 1]
            turn = (speakers[wo[a]] != speakers[wo[c]] and speakers[wo[a]] is not None
                    and speakers[wo[c]] is not None and len(set(speakers[wo[i]] for i in range(c, d))) == 1)
        else:
            turn = False
        if turn:
            first, second = " ".join(wt[a:b]), " ".join(wt[c:d])
            avail = ws[c] - gap - ws[a]
            room = allowed[min(max(avail, 0) // 50, step)]
            avail2 = (ws[d] - gap - ws[c]) if d < len(ws) else 10**9
            room2 = allowed[min(max(avail2, 0) // 50, step)]
            if (len(first) + 2 <= preset.max_chars and len(second) + 2 <= preset.max_chars
                    and (avail < min_dur or len(first) > room
                         or avail2 < min_dur or len(second) > room2)
                    and ws[d - 1] - ws[a] <= max_dur):
                out.append((a, d, c))
                k += 2
                continue
        out.append((a, b, 0))
        k += 1
    return out


def layout_cue(text: str, preset: Preset, lang: str, *, starts_sentence: bool | None = None) -> tuple[str, ...]:
    """The display lines of one cue's text (``starts_sentence``: see :func:`.break_lines`)."""
    return break_lines(text, preset.max_chars, preset.max_lines, lang, starts_sentence=starts_sentence)


def _fit(a: int, b: int, cut, preset: Preset, lay_out, layouts: dict) -> list[tuple[int, int]]:
    """``[a, b)`` as one cue if its lines (``lay_out(a, b)``) fit, else cut at the cheapest
    balanced place.  The lines found are kept in ``layouts`` so that no cue is laid out twice."""
    lines = lay_out(a, b)
    if b - a < 2 or fits(lines, preset.max_chars, preset.max_lines):
        layouts[a, b] = lines
        return [(a, b)]
    middle = (a + b) / 2
    k = min(range(a + 1, b), key=lambda k: cut[k] + abs(k - middle) / (b - a))
    return _fit(a, k, cut, preset, lay_out, layouts) + _fit(k, b, cut, preset, lay_out, layouts)


@functools.lru_cache(maxsize=32)
def _allowed_chars_table(preset: Preset) -> tuple[float, ...]:
    """Characters allowed for each 50 ms of display time up to 60 s (inf: no reading limit);
    made once per preset."""
    if preset.max_chars_for(1000) is None:
        return (float("inf"),)
    return tuple(preset.max_chars_for(i * 50) for i in range(1201))
