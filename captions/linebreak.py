"""One cue's text -> at most ``max_lines`` balanced lines of at most ``max_chars``.

One line when the text fits; otherwise the fewest lines that fit, cut where
:func:`captions.typography.break_penalty` says the language allows it (after punctuation,
before conjunctions and prepositions, never between an article and its noun...), balanced,
and bottom-heavy when the lines differ.  Only regular spaces are break points: a French
non-breaking space (U+202F) glues ``?`` to its word.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate

from .typography import SENTENCE_END, break_penalty, ends_sentence

__all__ = ["break_lines", "break_words", "fits"]

_OVERFLOW = 100_000.0   # per character over the line length: only when nothing fits
_MIXED = 30.0           # a line holding a sentence end inside, with part of a sentence before or after it


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
    cuts = [break_penalty(words[i], words[i + 1], lang) for i in range(len(words) - 1)]
    if starts_sentence is None:
        first = next((c for c in words[0] if c.isalpha()), "")
        starts_sentence = not first.islower()
    return break_words(words, cuts, max_chars, max_lines, starts_sentence)


def break_words(words: Sequence[str], cuts: Sequence[float], max_chars: int, max_lines: int = 2,
                starts_sentence: bool = True) -> tuple[str, ...]:
    """:func:`break_lines` for a text already split into ``words``, with ``cuts[i]`` the
    :func:`~captions.typography.break_penalty` between ``words[i]`` and ``words[i + 1]`` (the
    caption builder has them all, measured once for the whole transcript)."""
    joined = " ".join(words)
    if len(words) == 1 or max_lines <= 1:
        return (joined,)
    head = starts_sentence
    tail = ends_sentence(words[-1])
    if len(joined) <= max_chars:
        # one line, unless it mixes sentences and a break at a sentence end fits
        if head and tail or 0.0 not in cuts:
            return (joined,)
        found = _best_split(words, cuts, 2, max_chars, len(joined), head, tail)
        if found is None or found[0] >= _MIXED:
            return (joined,)
        k = found[1][0]
        return (" ".join(words[:k]), " ".join(words[k:]))
    total = len(joined)
    first_fit = -(-total // max_chars)
    best: tuple[float, tuple[int, ...]] | None = None
    most = min(max_lines, len(words))
    for count in range(min(max(2, first_fit), most), most + 1):
        found = _best_split(words, cuts, count, max_chars, total, head, tail)
        if found is not None and (best is None or found[0] < best[0]):
            best = found
        if best is not None and best[0] < _OVERFLOW:
            break   # the fewest lines that fit win
    assert best is not None
    bounds = (0, *best[1], len(words))
    return tuple(" ".join(words[a:b]) for a, b in zip(bounds, bounds[1:]))


def _best_split(words: list[str], cuts: list[float], count: int, max_chars: int,
                total: int, head: bool = True, tail: bool = True) -> tuple[float, tuple[int, ...]] | None:
    """The cheapest way to put ``words`` on ``count`` lines: (cost, cut positions).

    ``head`` / ``tail``: whether the first word starts a sentence and the last one ends one
    (a line with a sentence end inside that starts or ends mid-sentence costs :data:`_MIXED`).
    """
    n = len(words)
    if n < count:
        return None
    ideal = total / count
    starts = list(accumulate([len(word) + 1 for word in words], initial=0))
    # starts[j] - starts[i] - 1: the length of words[i:j] joined
    if count == 2:   # the usual case: every cut once, the same choice as the table below
        ends = [i + 1 for i, c in enumerate(cuts) if c == 0.0]   # sentence starts inside
        first_inner = ends[0] if ends else n + 1
        last_start = ends[-1] if ends else 0
        best_cost, best_cut = None, 0
        for i in range(1, n):
            first, second = starts[i] - 1, total - starts[i]
            here = (first - ideal) ** 2 / 25 + (second - ideal) ** 2 / 25 + cuts[i - 1] * 2
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
            if best_cost is None or here < best_cost:
                best_cost, best_cut = here, i
        return best_cost, (best_cut,)

    # sentence[i]: a sentence starts at word i; inner[i]: the first sentence start after i
    sentence = [head] + [c == 0.0 for c in cuts] + [True]
    inner = [n + 1] * (n + 1)
    for i in range(n - 1, -1, -1):
        inner[i] = i + 1 if sentence[i + 1] and i + 1 < n else inner[i + 1]
    sentence[n] = tail

    def mixed(i: int, j: int) -> float:
        return _MIXED if inner[i] < j and not (sentence[i] and sentence[j]) else 0.0

    # table[k][j]: cheapest (cost, cuts, last line length) for words[:j] on k lines
    table: list[dict[int, tuple[float, tuple[int, ...], int]]] = [{0: (0.0, (), 0)}]
    for k in range(1, count + 1):
        row: dict[int, tuple[float, tuple[int, ...], int]] = {}
        ends = [n] if k == count else range(k, n - (count - k) + 1)
        for j in ends:
            for i, (cost, cut, prev_len) in table[k - 1].items():
                if i >= j:
                    continue
                length = starts[j] - starts[i] - 1
                here = cost + (length - ideal) ** 2 / 25 + mixed(i, j)
                if length > max_chars and j - i > 1:
                    here += _OVERFLOW * (length - max_chars)
                if i > 0:
                    here += cuts[i - 1] * 2
                    if prev_len > length:   # bottom-heavy: a longer upper line costs a little
                        here += 0.5 + (prev_len - length) * 0.05
                if j not in row or here < row[j][0]:
                    row[j] = (here, cut + ((j,) if j < n else ()), length)
        table.append(row)
    if n not in table[count]:
        return None
    cost, cut, _ = table[count][n]
    return cost, cut
