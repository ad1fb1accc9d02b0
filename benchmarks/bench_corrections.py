"""Correction dictionaries at scale: ``python benchmarks/run.py corrections``.

1. Our matcher over a 300,000-line generated transcript with a 10-entry and a 10,000-entry
   dictionary (goal: the 10,000-entry run costs at most 1.5 times the 10-entry one).
2. Peers on a 20,000-line slice: a loop of one regex per entry (what most scripts do) and one
   plain alternation regex, against our trie-shaped matcher, from 100 to 10,000 entries.
3. Fuzzy entries: cost against the number of fuzzy entries (should stay flat) and against the
   number of distinct words in the text (should grow with it).

Every run finds and replaces the same hits: only the entries that never occur vary.
"""

from __future__ import annotations

import functools
import random
import sys
from collections.abc import Callable
from pathlib import Path

import regex

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import median_timing, print_table  # noqa: E402

from captions.corrections import Dictionary, apply_to_segments  # noqa: E402
from captions.corrections import Fix  # noqa: E402

LETTERS = "abcdefghijklmnoprstuvy"


def _word(rng: random.Random, low: int = 3, high: int = 9) -> str:
    return "".join(rng.choice(LETTERS) for _ in range(rng.randint(low, high)))


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add(_word(rng))
    return sorted(words)


def _keys(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """Wrong forms that do not occur by chance: capitalised words with a 'q', half of them two words."""
    keys: list[str] = []
    seen: set[str] = set()
    while len(keys) < count:
        key = "Q" + _word(rng, 4, 8)
        if rng.random() < 0.5:
            key += " " + _word(rng, 3, 6)
        if key not in seen and key.lower() not in taken:
            seen.add(key)
            keys.append(key)
    return keys


def _lines(rng: random.Random, count: int, vocabulary: list[str], hits: list[str]) -> list[str]:
    lines = []
    for number in range(count):
        words = rng.choices(vocabulary, k=rng.randint(4, 12))
        if number % 100 == 0:  # one known error every hundred lines
            words.insert(rng.randrange(len(words)), rng.choice(hits))
        lines.append(" ".join(words))
    return lines


def _dictionary(keys: list[str]) -> Dictionary:
    return Dictionary([Fix(f"Fixed{n}", (key,)) for n, key in enumerate(keys)])


def _naive_loop(keys: list[str]) -> Callable[[str], str]:
    patterns = [(regex.compile(r"(?<!\w)" + regex.escape(k).replace(r"\ ", r"\s+") + r"(?!\w)", regex.I), f"Fixed{n}")
                for n, k in enumerate(keys)]

    def run(text: str) -> str:
        for pattern, to in patterns:
            text = pattern.sub(to, text)
        return text
    return run


def _alternation(keys: list[str]) -> Callable[[str], str]:
    ordered = sorted(keys, key=len, reverse=True)
    to = {k.lower(): f"Fixed{n}" for n, k in enumerate(keys)}
    pattern = regex.compile(r"(?<!\w)(?:" + "|".join(regex.escape(k).replace(r"\ ", r"\s+") for k in ordered)
                            + r")(?!\w)", regex.I)

    def run(text: str) -> str:
        return pattern.sub(lambda m: to.get(" ".join(m[0].lower().split()), m[0]), text)
    return run


def main() -> None:
    rng = random.Random(20260305)
    vocabulary = _vocabulary(rng, 5000)
    keys = _keys(rng, 10_000, set(vocabulary))
    hits = keys[:10]
    lines = _lines(rng, 300_000, vocabulary, hits)

    small, large = _dictionary(hits), _dictionary(keys)
    results = {}
    for name, dictionary in (("10 entries", small), ("10,000 entries", large)):
        out = apply_to_segments(lines, dictionary)
        results[name] = len(out[1])
    assert results["10 entries"] == results["10,000 entries"] > 0
    rows = [(name, median_timing(functools.partial(apply_to_segments, lines, d), repeat=3), f"{results[name]:,} changes")
            for name, d in (("10 entries", small), ("10,000 entries", large))]
    print_table("Our matcher over 300,000 transcript lines (goal: 10,000 entries <= 1.5 x 10 entries)", rows,
                unit_count=len(lines), unit="lines")

    piece = "\n".join(lines[:20_000])
    rows = []
    for count in (100, 1_000, 10_000):
        chosen = hits + keys[10:count]
        ours = _dictionary(chosen)
        naive = _naive_loop(chosen)
        alternation = _alternation(chosen)
        expected = ours.apply(piece)[0]
        assert alternation(piece) == expected and (count > 1_000 or naive(piece) == expected)
        rows.append((f"trie matcher, {count:,} entries", median_timing(lambda: ours.apply(piece), repeat=3), "ours"))
        rows.append((f"plain alternation, {count:,} entries", median_timing(lambda: alternation(piece), repeat=3),
                     "one regex, keys joined with |"))
        naive_repeat = 3 if count <= 1_000 else 1
        rows.append((f"loop of regexes, {count:,} entries",
                     median_timing(lambda: naive(piece), repeat=naive_repeat, warmup=0 if count > 1_000 else 1),
                     "one regex per entry, one pass each"))
    print_table("Peers over 20,000 lines, 100 to 10,000 entries", rows, unit_count=20_000, unit="lines",
                reference="trie matcher, 100 entries")

    # Fuzzy: entries vs distinct words.
    fuzzy_rows = []
    fuzzy_text = "\n".join(lines[:50_000])
    for count in (10, 1_000, 5_000):
        dictionary = Dictionary([Fix(f"Fixed{n}", (k.split()[0],), fuzzy=1) for n, k in enumerate(keys[:count])])
        fuzzy_rows.append((f"{count:,} fuzzy entries, 5,000 distinct words",
                           median_timing(lambda: dictionary.apply(fuzzy_text), repeat=3), "50,000 lines"))
    dictionary = Dictionary([Fix(f"Fixed{n}", (k.split()[0],), fuzzy=1) for n, k in enumerate(keys[:1_000])])
    for distinct in (1_000, 20_000):
        words = _vocabulary(random.Random(distinct), distinct)
        text = "\n".join(_lines(random.Random(7), 50_000, words, hits))
        fuzzy_rows.append((f"1,000 fuzzy entries, {distinct:,} distinct words",
                           median_timing(lambda: dictionary.apply(text), repeat=3), "50,000 lines"))
    print_table("Fuzzy entries: cost follows distinct words, not entries", fuzzy_rows)


if __name__ == "__main__":
    main()
