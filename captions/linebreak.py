"""One cue's text -> at most ``max_lines`` balanced lines of at most ``max_chars``.

One line when the text fits; otherwise the fewest lines that fit, cut where
:func:`captions.typography.break_penalty` says the language allows it (after punctuation,
before conjunctions and prepositions, never between an article and its noun...), balanced,
and bottom-heavy when the lines differ.  Only regular spaces are break points: a French
non-breaking space (U+202F) glues ``?`` to its word.
"""

from __future__ import annotations

from .typography import break_penalty

__all__ = ["break_lines", "fits"]

_OVERFLOW = 100_000.0   # per character over the line length: only when nothing fits


def fits(lines: tuple[str, ...], max_chars: int, max_lines: int) -> bool:
    """Whether ``lines`` respect the limits (a lone word longer than a line is allowed).

    >>> fits(("Bonsoir", "à tous"), 7, 2), fits(("a b c",), 3, 1)
    (True, False)
    """
    return len(lines) <= max_lines and all(len(line) <= max_chars or " " not in line for line in lines)


def break_lines(text: str, max_chars: int, max_lines: int = 2, lang: str = "fr") -> tuple[str, ...]:
    """Cut ``text`` into display lines.

    Words are never lost, added or reordered: ``" ".join(lines) == " ".join(text.split(" "))``
    (runs of spaces collapse).  When the text cannot fit in ``max_lines`` lines, the result
    still has at most ``max_lines`` lines and the overflow is as small as possible; callers
    check :func:`fits` and report it.

    >>> break_lines("Bonsoir à tous, merci d'être là en ce jeudi soir.", 42)
    ('Bonsoir à tous,', "merci d'être là en ce jeudi soir.")
    >>> break_lines("Il a investi 30 milliards dans la société", 28)
    ('Il a investi 30 milliards', 'dans la société')
    """
    words = [w for w in text.split(" ") if w]
    joined = " ".join(words)
    if len(joined) <= max_chars or len(words) == 1 or max_lines <= 1:
        return (joined,)
    cuts = [break_penalty(words[i], words[i + 1], lang) for i in range(len(words) - 1)]
    total = len(joined)
    first_fit = -(-total // max_chars)
    best: tuple[float, tuple[int, ...]] | None = None
    most = min(max_lines, len(words))
    for count in range(min(max(2, first_fit), most), most + 1):
        found = _best_split(words, cuts, count, max_chars, total)
        if found is not None and (best is None or found[0] < best[0]):
            best = found
        if best is not None and best[0] < _OVERFLOW:
            break   # the fewest lines that fit win
    assert best is not None
    bounds = (0, *best[1], len(words))
    return tuple(" ".join(words[a:b]) for a, b in zip(bounds, bounds[1:]))


def _best_split(words: list[str], cuts: list[float], count: int, max_chars: int,
                total: int) -> tuple[float, tuple[int, ...]] | None:
    """The cheapest way to put ``words`` on ``count`` lines: (cost, cut positions)."""
    n = len(words)
    if n < count:
        return None
    ideal = total / count
    starts = [0]
    for word in words:
        starts.append(starts[-1] + len(word) + 1)   # starts[j] - starts[i] - 1: words[i:j] joined

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
                here = cost + (length - ideal) ** 2 / 25
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
