"""One cue's text -> at most ``max_lines`` balanced lines of at most ``max_chars``.

One line when the text fits; otherwise the fewest lines that fit, cut where
:func:`captions.typography.pair_penalties` says the language allows it (after punctuation,
before conjunctions and prepositions, never after a preposition or inside a fixed expression,
never between an article and its noun...), and among those, balanced and bottom-heavy when the
lines differ.  A good cut weighs more than the balance: ``Ça sera Nvidia, / ça sera Microsoft``
rather than an even split after a plain word.  Only regular spaces are break points: a French
non-breaking space (U+202F) glues ``?`` to its word.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import accumulate

from .typography import SENTENCE_END, break_penalty, ends_sentence, pair_penalties

__all__ = ["break_lines", "break_words", "fits"]

_OVERFLOW = 100_000.0   # per character over the line length: only when nothing fits
_MIXED = 30.0           # a line holding a sentence end inside, with part of a sentence before or after it
_CUT = 4.0              # a line cut costs its penalty times this (balance costs (length - ideal)² / 25 per line)


def fits(lines: tuple[str, ...], max_chars: int, max_lines: int) -> bool:
    """Whether ``lines`` respect the limits (a lone word longer than a line is allowed).

    >>> fits(("Bonsoir", "à tous"), 7, 2), fits(("a b c",), 3, 1)
    (True, False)
    """
    return len(lines) <= max_lines and all(len(line) <= max_chars or " " not in line for line in lines)


def break_lines(text: str, max_chars: int, max_lines: int = 2, lang: str = "fr", *,
                starts_sentence: bool | None = None) -> tuple[str, ...]:
    """Cut ``text`` into display lines.

    Words are never lost, added or reordered: ``" ".join(lines) == " ".join(text.split(" "))``
    (runs of spaces collapse).  When the text cannot fit in ``max_lines`` lines, the result
    still has at most ``max_lines`` lines and the overflow is as small as possible; callers
    check :func:`fits` and report it.

    A text that holds the end of one sentence and the start of another (it has a sentence
    end inside and starts or ends mid-sentence) is broken at the sentence end whenever the
    lines fit, even when one line would hold it all.  ``starts_sentence`` says whether the
    text's first word begins a sentence (None: guessed from its first letter's case).

    >>> break_lines("Bonsoir à tous, merci d'être là en ce jeudi soir.", 42)
    ('Bonsoir à tous,', "merci d'être là en ce jeudi soir.")
    >>> break_lines("Il a investi 30 milliards dans la société", 28)
    ('Il a investi 30 milliards', 'dans la société')
    >>> break_lines("européen. Ce sera sur BFM Business", 42)
    ('européen.', 'Ce sera sur BFM Business')
    """
    words = [w for w in text.split(" ") if w]
    if len(words) == 1 or max_lines <= 1:
        return (" ".join(words),)
    if len(text) <= max_chars and not any(w[-1] in SENTENCE_END for w in words[:-1]):
        return (" ".join(words),)   # the common case, decided without measuring the cuts
    cuts = pair_penalties(words, lang)
    if starts_sentence is None:
        first = next((c for c in words[0] if c.isalpha()), "")
        starts_sentence = not first.islower()
    return break_words(words, cuts, max_chars, max_lines, starts_sentence)


def break_words(words: Sequence[str], cuts: Sequence[float], max_chars: int, max_lines: int = 2,
                starts_sentence: bool = True) -> tuple[str, ...]:
    """:func:`break_lines` for a text already split into ``words``, with ``cuts[i]`` the
    :func:`~captions.typography.break_penalty` between ``words[i]`` and ``words[i + 1]`` (the
    caption builder has them all, measured once for the whole transcript).

    >>> break_words(["Oui.", "Et", "toi"], [0.0, 10.0], 42, 2, False)
    ('Oui.', 'Et toi')
    """
    joined = " ".join(words)
    if len(words) == 1 or max_lines <= 1:
        return (joined,)
    head = starts_sentence
    tail = ends_sentence(words[-1])
    if len(joined) <= max_chars:
        return _one_line(words, cuts, joined, max_chars, head, tail)
    best = _fewest_lines(words, cuts, len(joined), max_chars, max_lines, head, tail)
    bounds = (0, *best[1], len(words))
    return tuple(" ".join(words[a:b]) for a, b in zip(bounds, bounds[1:]))


def _one_line(words: Sequence[str], cuts: Sequence[float], joined: str, max_chars: int, head: bool,
              tail: bool) -> tuple[str, ...]:
    """Words that fit one line (``joined``): one line, unless they mix sentences and a break
    at a sentence end fits."""
    if head and tail or 0.0 not in cuts:
        return (joined,)
    found = best_split(words, cuts, 2, max_chars, len(joined), head, tail)
    if found is None or found[0] >= _MIXED:
        return (joined,)
    k = found[1][0]
    return (" ".join(words[:k]), " ".join(words[k:]))


def _fewest_lines(words: Sequence[str], cuts: Sequence[float], total: int, max_chars: int, max_lines: int,
                  head: bool, tail: bool) -> tuple[float, tuple[int, ...]]:
    """The cheapest split of ``words`` (``total`` characters joined) on the fewest lines that
    fit (the cheapest overflowing one when none does), from as many lines as the length needs
    up to ``max_lines``."""
    first_fit = -(-total // max_chars)
    best: tuple[float, tuple[int, ...]] | None = None
    most = min(max_lines, len(words))
    for count in range(min(max(2, first_fit), most), most + 1):
        found = best_split(words, cuts, count, max_chars, total, head, tail)
        if found is not None and (best is None or found[0] < best[0]):
            best = found
        if best is not None and best[0] < _OVERFLOW:
            break   # the fewest lines that fit win
    assert best is not None   # count == len(words) always has a split
    return best


def best_split(words: Sequence[str], cuts: Sequence[float], count: int, max_chars: int,
               total: int, head: bool = True, tail: bool = True) -> tuple[float, tuple[int, ...]] | None:
    """The cheapest way to put ``words`` on ``count`` lines: (cost, cut positions), None when
    there are fewer words than lines.

    ``total`` is the length of the words joined.  ``head`` / ``tail``: whether the first word
    starts a sentence and the last one ends one (a line with a sentence end inside that starts
    or ends mid-sentence costs :data:`_MIXED`).  Two lines, the usual case, are measured by
    :func:`best_two_lines`, more by :func:`best_lines_table`.

    >>> words = ["Bonsoir", "à", "tous,", "merci", "d'être", "là"]
    >>> best_split(words, [break_penalty(a, b) for a, b in zip(words, words[1:])], 2, 20, 31)
    (4.02, (3,))
    """
    if len(words) < count:
        return None
    if count == 2:
        return best_two_lines(words, cuts, max_chars, total, head, tail)
    return best_lines_table(words, cuts, count, max_chars, total, head, tail)


def best_two_lines(words: Sequence[str], cuts: Sequence[float], max_chars: int, total: int,
                   head: bool = True, tail: bool = True) -> tuple[float, tuple[int, ...]]:
    """:func:`best_lines_table` for two lines and at least two words: every cut measured once,
    without the table.  The costs are the same, summed in another order: the choice is the
    same except between cuts of equal cost, where the float sums may favour either.

    >>> best_two_lines(["Bonsoir", "à", "tous,", "merci", "d'être", "là"], [2.0, 10.0, 1.0, 4.0, 4.0], 20, 31)
    (4.02, (3,))
    """
    n = len(words)
    ideal = total / 2
    starts = list(accumulate([len(word) + 1 for word in words], initial=0))
    # starts[i] - 1: the length of the first line when the cut is before words[i]
    ends = [i + 1 for i, c in enumerate(cuts) if c == 0.0]   # sentence starts inside
    first_inner = ends[0] if ends else n + 1
    last_start = ends[-1] if ends else 0
    best_cost, best_cut = float("inf"), 0
    for i in range(1, n):
        first, second = starts[i] - 1, total - starts[i]
        here = (first - ideal) ** 2 / 25 + (second - ideal) ** 2 / 25 + cuts[i - 1] * _CUT
        if first > max_chars and i > 1:
            here += _OVERFLOW * (first - max_chars)
        if second > max_chars and n - i > 1:
            here += _OVERFLOW * (second - max_chars)
        if first > second:
            here += 0.5 + (first - second) * 0.05
        if first_inner < i and not (head and cuts[i - 1] == 0.0):
            here += _MIXED
        if last_start > i and not (tail and cuts[i - 1] == 0.0):
            here += _MIXED
        if here < best_cost:
            best_cost, best_cut = here, i
    return best_cost, (best_cut,)


def best_lines_table(words: Sequence[str], cuts: Sequence[float], count: int, max_chars: int, total: int,
                     head: bool = True, tail: bool = True) -> tuple[float, tuple[int, ...]] | None:
    """The cheapest way to put ``words`` on ``count`` lines, by a table over the line ends:
    row ``k`` holds, per end ``j``, the cheapest (cost, cuts, last line length) for
    ``words[:j]`` on ``k`` lines (see :func:`best_split` for the arguments).

    >>> best_lines_table(["Bonsoir", "à", "tous,", "merci", "d'être", "là"], [2.0, 10.0, 1.0, 4.0, 4.0], 3, 20, 31)
    (13.76, (1, 3))
    """
    n = len(words)
    if n < count:
        return None
    lines = _LineCosts(words, cuts, total / count, max_chars, head, tail)
    table: list[dict[int, tuple[float, tuple[int, ...], int]]] = [{0: (0.0, (), 0)}]
    for k in range(1, count + 1):
        ends = [n] if k == count else range(k, n - (count - k) + 1)
        table.append(lines.row(table[k - 1], ends))
    if n not in table[count]:
        return None
    cost, cut, _ = table[count][n]
    return cost, cut


class _LineCosts:
    """What each line ``words[i:j]`` costs on its own and after the line above it."""

    __slots__ = ("n", "starts", "cuts", "ideal", "max_chars", "sentence", "inner")

    def __init__(self, words: Sequence[str], cuts: Sequence[float], ideal: float, max_chars: int,
                 head: bool, tail: bool) -> None:
        n = self.n = len(words)
        # starts[j] - starts[i] - 1: the length of words[i:j] joined
        self.starts = list(accumulate([len(word) + 1 for word in words], initial=0))
        self.cuts, self.ideal, self.max_chars = cuts, ideal, max_chars
        # sentence[i]: a sentence starts at word i (at n: the last word ends one);
        # inner[i]: the first sentence start after i (n + 1: none)
        sentence = [head] + [c == 0.0 for c in cuts] + [True]
        inner = [n + 1] * (n + 1)
        for i in range(n - 1, -1, -1):
            inner[i] = i + 1 if sentence[i + 1] and i + 1 < n else inner[i + 1]
        sentence[n] = tail
        self.sentence, self.inner = sentence, inner

    def row(self, previous: dict[int, tuple[float, tuple[int, ...], int]],
            ends: Iterable[int]) -> dict[int, tuple[float, tuple[int, ...], int]]:
        """The next row of the table: for each end ``j``, the cheapest line ``[i, j)`` after
        an entry ``i`` of ``previous``."""
        row: dict[int, tuple[float, tuple[int, ...], int]] = {}
        n = self.n
        for j in ends:
            for i, (cost, cut, prev_len) in previous.items():
                if i >= j:
                    continue
                length = self.starts[j] - self.starts[i] - 1
                here = self.after(cost, i, j, length, prev_len)
                if j not in row or here < row[j][0]:
                    row[j] = (here, cut + ((j,) if j < n else ()), length)
        return row

    def after(self, cost: float, i: int, j: int, length: int, prev_len: int) -> float:
        """``cost`` plus what the line ``words[i:j]`` (``length`` characters, under a line of
        ``prev_len``) adds: its distance to the ideal length, mixed sentences, overflow, the
        cut before it, and a longer line above it (added in this order: the choice between
        close costs depends on the float sums)."""
        here = cost + (length - self.ideal) ** 2 / 25 + self._mixed(i, j)
        if length > self.max_chars and j - i > 1:
            here += _OVERFLOW * (length - self.max_chars)
        if i > 0:
            here += self.cuts[i - 1] * _CUT
            if prev_len > length:   # bottom-heavy: a longer upper line costs a little
                here += 0.5 + (prev_len - length) * 0.05
        return here

    def _mixed(self, i: int, j: int) -> float:
        return _MIXED if self.inner[i] < j and not (self.sentence[i] and self.sentence[j]) else 0.0
