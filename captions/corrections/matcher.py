"""The correction matcher: compile a dictionary once, match in one pass, record every change.

How a dictionary is applied:

* **One compiled matcher.** Every word key goes into a trie-shaped regular expression (one
  for case-insensitive keys, one for case-sensitive ones), so the cost of a scan grows with
  the text, not with the number of keys.  ``match = "regex"`` keys share one alternation.
* **Words, never parts of words.** A hit may not start or end between two word characters
  (Unicode ``\\w``); an apostrophe is not a word character, so ``d'Anthropik`` is fixed and
  ``OpenA`` never touches ``OpenAI``.  Whitespace inside a key matches any run of whitespace,
  line breaks and fragment boundaries included.
* **One pass, leftmost-longest.** At each place the longest key wins; replaced text is never
  looked at again, so corrections do not chain.
* **Guards** (``context``/``unless``) are searched in the original text, ``window``
  characters either side of the hit.
* **Fuzzy** keys are found through a deletion-neighbourhood index built from the keys: each
  distinct word of the text is looked up once, whatever the number of entries.  A fuzzy hit is
  always a whole word, never a word of the dictionary itself (a key or a replacement), and at
  most ``fuzzy`` edits away with at least as many letters kept as changed.
* **Explained as data.** Every change is a :class:`Change` (rule, key, place, before, after);
  :func:`replay` applies recorded changes and gives the same text.
"""

from __future__ import annotations

import bisect
import enum
import functools
import itertools
import operator
import os
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence, TypedDict

import regex

from ..errors import ConfigError
from ..timecode import format_clock
from .fixes import WORD, CaseMode, Fix, MatchMode, key_tokens, read_dictionaries, word_identity, written_form
from .lint import lint_fixes, refuse_errors

__all__ = ["ChangeKind", "Change", "ChangeRecord", "Hit", "Dictionary", "apply_to_segments", "rewrite_segments",
           "load_dictionaries"]

# Not between two word characters: a hit never starts or ends inside a longer word.
_EDGE = r"(?!(?<=\w)\w)"


class ChangeKind(str, enum.Enum):
    WORD = "word"      # a word key matched exactly (modulo case and spacing)
    REGEX = "regex"    # a regular-expression key
    FUZZY = "fuzzy"    # a near-miss of a one-word key


class ChangeRecord(TypedDict):
    """A :class:`Change` as JSON (``captions correct --json``, the convert report)."""

    rule: str
    kind: str
    key: str
    start: int
    end: int
    before: str
    after: str
    line: int | None
    start_ms: int | None
    segment: int


@dataclass(frozen=True, slots=True)
class Change:
    """One correction, as data.

    Attributes:
        rule: the fix that made it, as ``file:line`` of its ``[[fix]]`` table or TSV row.
        kind: how the key matched.
        key: the dictionary key that matched (for fuzzy hits: the key it is near).
        start / end: the replaced span in the text the dictionary was applied to (for several
            segments, such as a transcript's fragments: their texts joined with ``\\n``).
        before / after: the text replaced and the text written.
        line: the source line of the text (a transcript's fragment line, a plain text's line).
        start_ms: the stamp of the fragment the change went into, for transcripts.
        segment: the index of the segment (fragment) the change went into.
    """

    rule: str
    kind: ChangeKind
    key: str
    start: int
    end: int
    before: str
    after: str
    line: int | None = None
    start_ms: int | None = None
    segment: int = 0

    def to_dict(self) -> ChangeRecord:
        return {"rule": self.rule, "kind": self.kind.value, "key": self.key, "start": self.start, "end": self.end,
                "before": self.before, "after": self.after, "line": self.line, "start_ms": self.start_ms,
                "segment": self.segment}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Change:
        """The change of a :meth:`to_dict` record read back from JSON (``line``, ``start_ms`` and
        ``segment`` may be missing)."""
        return cls(rule=data["rule"], kind=ChangeKind(data["kind"]), key=data["key"], start=int(data["start"]),
                   end=int(data["end"]), before=data["before"], after=data["after"], line=data.get("line"),
                   start_ms=data.get("start_ms"), segment=int(data.get("segment", 0)))

    def explain(self) -> str:
        """One line for a person: ``line 14 [00:41] 'Open AI' -> 'OpenAI' (rule d.toml:3, word)``."""
        where = f"line {self.line}" if self.line is not None else f"offset {self.start}"
        if self.start_ms is not None:
            where += f" [{format_clock(self.start_ms)}]"
        how = self.kind.value if self.kind is not ChangeKind.FUZZY else f"fuzzy, near {self.key!r}"
        return f"{where}: {self.before!r} -> {self.after!r} (rule {self.rule}, {how})"


@dataclass(frozen=True, slots=True)
class Hit:
    """A place where a key matches: the span, the number of its fix, the key and how it matched."""

    start: int
    end: int
    fix: int
    key: str
    kind: ChangeKind


def _atoms(tokens: tuple[str, ...], gaps: tuple[bool, ...]) -> tuple[str, ...]:
    """A word key (its :func:`word_identity`) as regex atoms: the escaped characters of its
    tokens, and ``\\s+`` where whitespace separates two of them.

    >>> _atoms(("d", "'", "open", "ai"), (False, False, True))
    ('d', "'", 'o', 'p', 'e', 'n', '\\\\s+', 'a', 'i')
    """
    atoms: list[str] = []
    for token, gap in zip(tokens, (False, *gaps)):
        if gap:
            atoms.append(r"\s+")
        atoms.extend(map(_escape, token))
    return tuple(atoms)


@functools.lru_cache(maxsize=4096)
def _escape(char: str) -> str:
    return regex.escape(char)


#: A trie of regex atoms; the empty atom marks the end of a key.
_Node = dict[str, "_Node"]


def _trie_pattern(sequences: Iterable[tuple[str, ...]]) -> str:
    """One regular expression for many keys, shaped like a trie so that matching a place costs
    the length of the longest key there, not the number of keys.  Greedy optional tails make
    the longest key win; the edge check after the trie makes it back off to a shorter key
    when the longer one would end inside a word.

    >>> _trie_pattern([("a", "b"), ("a",), ("c",)])
    '(?:a(?:b)?|c)'
    """
    root: _Node = {}
    for atoms in sequences:
        node = root
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[""] = {}

    def emit(node: _Node) -> str:
        ends = "" in node
        branches = [atom + emit(child) for atom, child in sorted(node.items()) if atom]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return emit(root)


#: Turns a match of a stream's pattern into a hit, or refuses it (None).
_HitOf = Callable[["regex.Match[str]"], "Hit | None"]


class _WordKeys:
    """The word keys of one case mode: which fix each belongs to (the first fix listing a key
    wins it), and one trie-shaped pattern that finds them all."""

    def __init__(self, case: CaseMode) -> None:
        self.case = case
        self.owners: dict[tuple[tuple[str, ...], tuple[bool, ...]], tuple[int, str]] = {}
        self.atoms: list[tuple[str, ...]] = []

    def add(self, number: int, key: str) -> bool:
        """Give ``key`` to fix ``number`` unless an earlier fix (or dictionary) has it; True if added."""
        identity = word_identity(key, self.case)
        if identity in self.owners:
            return False
        self.owners[identity] = (number, key)
        self.atoms.append(_atoms(*identity))
        return True

    def pattern(self) -> regex.Pattern[str] | None:
        if not self.atoms:
            return None
        flags = regex.IGNORECASE if self.case is CaseMode.INSENSITIVE else 0
        return regex.compile(f"{_EDGE}(?:{_trie_pattern(self.atoms)}){_EDGE}", flags)

    def owner(self, found: str) -> tuple[int, str] | None:
        """The fix number and key of a matched text; None for a case pairing the regex engine
        folds but ``str.lower()`` does not."""
        return self.owners.get(word_identity(found, self.case))


class Dictionary:
    """Fixes compiled into one matcher.  Build it with :func:`load_dictionaries` or
    :meth:`from_fixes`; it is immutable and can be applied to any number of texts.

    >>> d = Dictionary.from_fixes([Fix("OpenAI", ("Open AI", "OpenA"))])
    >>> d.apply("Open AI et OpenAI, d'OpenA.")[0]
    "OpenAI et OpenAI, d'OpenAI."
    """

    def __init__(self, fixes: Sequence[Fix], sources: Sequence[str] = ()) -> None:
        self.fixes: tuple[Fix, ...] = tuple(fixes)
        self.sources: tuple[str, ...] = tuple(sources)
        words = {case: _WordKeys(case) for case in CaseMode}
        self._regex_keys: list[tuple[int, str, regex.Pattern[str]]] = []
        fuzzy_keys: list[tuple[int, str]] = []
        for number, fix in enumerate(self.fixes):
            for key in fix.keys:
                if fix.match is MatchMode.REGEX:
                    self._regex_keys.append((number, key, _regex_key(fix, key)))
                elif words[fix.case].add(number, key) and fix.fuzzy and _one_word(key, fix.case):
                    fuzzy_keys.append((number, key))
        self._scanners = [(keys, pattern) for keys in words.values() if (pattern := keys.pattern()) is not None]
        self._regex_any = (regex.compile("|".join(p.pattern for _, _, p in self._regex_keys))
                           if self._regex_keys else None)
        self._guards = [(regex.compile(f.context) if f.context else None, regex.compile(f.unless) if f.unless else None)
                        for f in self.fixes]
        self._fuzzy = _FuzzyIndex(self.fixes, fuzzy_keys) if fuzzy_keys else None

    @classmethod
    def from_fixes(cls, fixes: Sequence[Fix], sources: Sequence[str] = ()) -> Dictionary:
        """Compile fixes after checking them; raises :class:`ConfigError` on the first error."""
        refuse_errors(lint_fixes(fixes))
        return cls(fixes, sources)

    def __len__(self) -> int:
        return sum(len(f.keys) for f in self.fixes)

    def __repr__(self) -> str:
        return f"Dictionary({len(self.fixes)} fixes, {len(self)} keys)"

    # ----------------------------------------------------------------- matching

    def find(self, text: str) -> tuple[Hit, ...]:
        """The hits of one pass over ``text``: leftmost-longest, non-overlapping, guards applied."""
        streams = self._streams(text)
        heads = [stream.first_from(0) for stream in streams]
        hits: list[Hit] = []
        while True:
            # The stream index makes every tuple distinct, so the hits themselves are never compared.
            live = [(h.start, -h.end, h.fix, i, h) for i, h in enumerate(heads) if h is not None]
            if not live:
                return tuple(hits)
            best = min(live)[4]
            hits.append(best)
            for index, head in enumerate(heads):
                if head is not None and head.start < best.end:
                    heads[index] = streams[index].first_from(max(best.end, head.end))

    def _streams(self, text: str) -> list[_HitStream]:
        """One stream of candidate hits per way of matching: word keys of each case mode,
        regular-expression keys, fuzzy keys."""
        streams = [_HitStream(pattern, text, self._word_hits(text, keys)) for keys, pattern in self._scanners]
        if self._regex_any is not None:
            streams.append(_HitStream(self._regex_any, text, self._regex_hits(text)))
        if self._fuzzy is not None:
            fuzzy = self._fuzzy.scan(text)
            if fuzzy is not None:
                streams.append(fuzzy)
        return streams

    def _allowed(self, text: str, hit: Hit) -> bool:
        context, unless = self._guards[hit.fix]
        if context is None and unless is None:
            return True
        window = self.fixes[hit.fix].window
        begin, end = max(0, hit.start - window), min(len(text), hit.end + window)
        if context is not None and context.search(text, begin, end) is None:
            return False
        return unless is None or unless.search(text, begin, end) is None

    def _word_hits(self, text: str, keys: _WordKeys) -> _HitOf:
        def hit_of(found: regex.Match[str]) -> Hit | None:
            owner = keys.owner(found[0])
            if owner is None:
                return None
            hit = Hit(found.start(), found.end(), owner[0], owner[1], ChangeKind.WORD)
            return hit if self._allowed(text, hit) else None

        return hit_of

    def _regex_hits(self, text: str) -> _HitOf:
        def hit_of(found: regex.Match[str]) -> Hit | None:
            # The alternation finds where some regex key matches; the longest one there wins.
            start, best = found.start(), None
            for number, key, pattern in self._regex_keys:
                match = pattern.match(text, start)
                if match is not None and match.end() > start and (best is None or match.end() > best.end):
                    candidate = Hit(start, match.end(), number, key, ChangeKind.REGEX)
                    if self._allowed(text, candidate):
                        best = candidate
            return best

        return hit_of

    # ----------------------------------------------------------------- applying

    def apply(self, text: str) -> tuple[str, tuple[Change, ...]]:
        """Correct one text; line breaks in it count as spaces for multi-word keys.

        Returns:
            The corrected text and the changes made, in text order.
        """
        segments, changes = apply_to_segments((text,), self, lines=(1,))
        return segments[0], changes


def _regex_key(fix: Fix, key: str) -> regex.Pattern[str]:
    """A regular-expression key, scoped to its fix's case mode and kept off word edges."""
    scoped = "(?i:" if fix.case is CaseMode.INSENSITIVE else "(?:"
    return regex.compile(f"{_EDGE}{scoped}{key}){_EDGE}")


def _one_word(key: str, case: CaseMode) -> bool:
    """Whether a key is one word (fuzzy matching applies to those only)."""
    tokens = key_tokens(key, case)
    return len(tokens) == 1 and WORD.fullmatch(tokens[0]) is not None


class _HitStream:
    """The candidate hits of one pattern for :meth:`Dictionary.find`, asked for in text order:
    its matches turned into hits by ``hit_of``, which may refuse one (None: look again one
    character later)."""

    def __init__(self, pattern: regex.Pattern[str], text: str, hit_of: _HitOf) -> None:
        self.cursor = _Cursor(pattern, text)
        self.hit_of = hit_of

    def first_from(self, position: int) -> Hit | None:
        """The first hit starting at or after ``position``; None when there is none."""
        while True:
            found = self.cursor.next_at(position)
            if found is None:
                return None
            hit = self.hit_of(found)
            if hit is not None:
                return hit
            position = found.start() + 1


class _Cursor:
    """The matches of one pattern, asked for in order: "the first match starting at or after
    this position".  One ``finditer`` serves as long as its matches fit (a ``search`` call per
    hit pays the engine's set-up for the whole trie every time); it restarts only when asked
    for a position it has already gone past, or when a match overlaps the position asked for.
    """

    def __init__(self, pattern: regex.Pattern[str], text: str) -> None:
        self.pattern, self.text = pattern, text
        self.matches: Iterator[regex.Match[str]] = pattern.finditer(text)
        self.scanned_to = 0

    def next_at(self, position: int) -> regex.Match[str] | None:
        if position < self.scanned_to:
            self._restart(position)
        while True:
            found = next(self.matches, None)
            if found is None:
                self.scanned_to = len(self.text) + 1
                return None
            if found.start() >= position:
                self.scanned_to = found.end()
                return found
            if found.end() > position:
                self._restart(position)

    def _restart(self, position: int) -> None:
        self.matches = self.pattern.finditer(self.text, position)
        self.scanned_to = position


class _FuzzyIndex:
    """Deletion-neighbourhood index (the SymSpell idea): every key with up to ``k`` letters
    deleted points back to the key.  A word is near a key when their neighbourhoods meet, so
    a lookup costs the word's own neighbourhood, independent of the number of keys."""

    def __init__(self, fixes: Sequence[Fix], keys: Sequence[tuple[int, str]]) -> None:
        self.fixes = fixes
        self.index: dict[str, list[tuple[int, str]]] = {}
        self.max_edits = max(fixes[n].fuzzy for n, _ in keys)
        for number, key in keys:
            for variant in _deletions(key.lower(), fixes[number].fuzzy):
                self.index.setdefault(variant, []).append((number, key))
        # Words of the dictionary itself are never fuzzy-corrected.
        self.protected = {w.lower() for f in fixes for text in (f.to, *f.keys) for w in WORD.findall(text)}

    def nearest(self, word: str) -> tuple[int, str] | None:
        """The fix number and key nearest to ``word`` (fewest edits, then first fix), if any is
        near enough."""
        lowered = word.lower()
        if lowered in self.protected:
            return None
        best: tuple[int, int, str] | None = None
        for variant in _deletions(lowered, self.max_edits):
            for number, key in self.index.get(variant, ()):
                fix = self.fixes[number]
                a, b = (lowered, key.lower()) if fix.case is CaseMode.INSENSITIVE else (word, key)
                distance = _distance(a, b, fix.fuzzy)
                if distance <= fix.fuzzy and len(word) > 2 * distance and (
                        best is None or (distance, number) < best[:2]):
                    best = (distance, number, key)
        return None if best is None else (best[1], best[2])

    def scan(self, text: str) -> _HitStream | None:
        """The fuzzy hits of ``text``: each distinct word is looked up once, then one pattern
        finds the words that are near a key.  None when no word is."""
        near: dict[str, tuple[int, str]] = {}
        for word in set(WORD.findall(text)):
            found = self.nearest(word)
            if found is not None:
                near[word] = found
        if not near:
            return None

        def hit_of(found: regex.Match[str]) -> Hit:
            number, key = near[found[0]]
            return Hit(found.start(), found.end(), number, key, ChangeKind.FUZZY)

        return _HitStream(regex.compile(r"(?<!\w)\L<words>(?!\w)", words=list(near)), text, hit_of)


def _deletions(word: str, edits: int) -> set[str]:
    found = {word}
    frontier = {word}
    for _ in range(edits):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def _distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment edit distance (a swap of neighbours is one edit), cut at limit+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _offsets(segments: Sequence[str]) -> list[int]:
    """Where each segment starts in the ``\n``-joined text."""
    # The i-th start is the lengths before it plus one separator each (all in C, no Python loop).
    starts = itertools.accumulate(map(len, segments), initial=0)
    return list(map(operator.add, starts, range(len(segments))))


def rewrite_segments(segments: Sequence[str], edits: Sequence[tuple[int, int, str]],
             offsets: list[int] | None = None) -> tuple[str, ...]:
    """Write each edit (span of the ``\\n``-joined segments, new text) into the segment where it
    starts; what it covers in later segments is removed from them, with the whitespace that
    followed it, so a fix spanning two fragments goes into the first and the second keeps its
    start."""
    if not edits:
        return tuple(segments)
    offsets = offsets if offsets is not None else _offsets(segments)
    out = list(segments)
    pending: dict[int, list[tuple[int, int, str]]] = {}
    for start, end, after in edits:
        first = bisect.bisect_right(offsets, start) - 1
        for index in range(first, len(segments)):
            begin = offsets[index]
            if index > first and begin > end:
                break
            local_start = max(start, begin) - begin
            local_end = min(end, begin + len(segments[index])) - begin
            if index == first:
                pending.setdefault(index, []).append((local_start, local_end, after))
            else:
                rest = segments[index][local_end:]
                local_end += len(rest) - len(rest.lstrip())
                pending.setdefault(index, []).append((0, local_end, ""))
    for index, spans in pending.items():
        text, at = out[index], 0
        parts: list[str] = []
        for local_start, local_end, after in sorted(spans):
            parts += (text[at:max(at, local_start)], after)
            at = max(at, local_end)
        parts.append(text[at:])
        out[index] = "".join(parts)
    return tuple(out)


def apply_to_segments(segments: Sequence[str], dictionary: Dictionary, *, lines: Sequence[int | None] | None = None,
                      stamps: Sequence[int | None] | None = None) -> tuple[tuple[str, ...], tuple[Change, ...]]:
    """Correct a sequence of texts read as one (joined by line breaks): multi-word keys match
    across segments, and a fix that spans two goes into the first.

    Args:
        lines: the source line of each segment (for the changes' ``line``).
        stamps: the start of each segment in ms (for the changes' ``start_ms``).
    """
    joined = "\n".join(segments)
    offsets = _offsets(segments)
    edits: list[tuple[int, int, str]] = []
    changes: list[Change] = []
    counted_to, breaks = 0, 0  # line breaks before counted_to: counted once, left to right
    for hit in dictionary.find(joined):
        fix = dictionary.fixes[hit.fix]
        before = joined[hit.start:hit.end]
        after = written_form(fix, before)
        if after == before:
            continue  # the hit is already right ("Nvidia" for a case-insensitive "NVIDIA" key)
        index = bisect.bisect_right(offsets, hit.start) - 1
        line = lines[index] if lines is not None else None
        if line is not None and "\n" in segments[index]:
            begin = max(counted_to, offsets[index])
            breaks = (breaks if begin == counted_to else 0) + joined.count("\n", begin, hit.start)
            counted_to = hit.start
            line += breaks
        changes.append(Change(fix.rule, hit.kind, hit.key, hit.start, hit.end, before, after, line,
                              stamps[index] if stamps is not None else None, index))
        edits.append((hit.start, hit.end, after))
    return rewrite_segments(segments, edits, offsets), tuple(changes)


def load_dictionaries(paths: Sequence[str | os.PathLike[str]]) -> Dictionary:
    """Read, check and compile dictionaries; for a key listed in several, the first file wins.

    Raises:
        ConfigError: at the first error ``captions dict check`` would report (unreadable entry,
            conflicting fix, chain, bad or catastrophic regex), with its file:line, before any
            text is touched.
    """
    if not paths:
        raise ConfigError("no dictionary given; expected at least one .toml, .tsv or .csv file")
    fixes, findings = read_dictionaries(paths)
    refuse_errors(findings)
    return Dictionary.from_fixes(fixes, [str(p) for p in paths])
