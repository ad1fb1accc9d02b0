"""The correction matcher: compile a dictionary once, match in one pass, record every change.

How a dictionary is applied:

* **One automaton.** Every word key goes into an Aho-Corasick automaton (pyahocorasick; one
  for case-insensitive keys, one for case-sensitive ones), which reads the text once whatever
  the number of keys, so a scan costs the same with 10 entries or 100,000.  The text is read
  as a :class:`TextView`: in NFC, whitespace runs as one space, folded for case-insensitive
  keys; every hit is mapped back to the text's own positions.  ``match = "regex"`` keys share
  one alternation of the ``regex`` module, searched a line at a time under a time limit.
* **Words, never parts of words.** A hit may not start or end between two word characters
  (:func:`~captions.corrections.fixes.is_word_char`); an apostrophe is not a word character,
  so ``d'Anthropik`` is fixed and ``OpenA`` never touches ``OpenAI``.  Whitespace inside a key
  matches any run of whitespace, line breaks and fragment boundaries included.
* **One pass, leftmost-longest.** At each place the longest key wins; replaced text is never
  looked at again, so corrections do not chain.
* **Guards** (``context``/``unless``) are searched in the original text, ``window``
  characters either side of the hit, under the same time limit.
* **Fuzzy** keys are found through a deletion-neighbourhood index built from the keys: each
  distinct word of the text is looked up once, whatever the number of entries.  A fuzzy hit is
  always a whole word, never a word of the dictionary itself (a key or a replacement) nor of the
  glossary it is given, and at most ``fuzzy`` edits away with at least as many letters kept as
  changed.
* **Explained as data.** Every change is a :class:`Change` (rule, key, place, before, after);
  :func:`replay` applies recorded changes and gives the same text.
"""

from __future__ import annotations

import bisect
import copy
import enum
import itertools
import operator
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence, TypedDict

from ..errors import ConfigError, Location
from ..timecode import format_clock
from .fixes import (
    WORD,
    CaseMode,
    Fix,
    FixTable,
    MatchMode,
    fold,
    is_word_char,
    key_tokens,
    match_form,
    read_dictionaries,
    written_form,
)
from .lint import lint_fixes, refuse_errors
from .regexes import REGEX_TIMEOUT_S, size_problem

__all__ = ["ChangeKind", "Change", "ChangeRecord", "Hit", "TextView", "Dictionary", "apply_to_segments",
           "rewrite_segments", "load_dictionaries"]

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


#: Whitespace other than a space and a line break (``str.isspace``): in the matching view each
#: becomes a space, so a space in a key matches it.
_OTHER_SPACES = "\t\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) \
    + "\u2028\u2029\u202f\u205f\u3000"


class _OffsetMap:
    """Positions in a normalised text -> positions in the text it was made from: from each mark
    on, add its delta (no marks: the same positions)."""

    __slots__ = ("marks", "deltas")

    def __init__(self, marks: list[int] | None = None, deltas: list[int] | None = None) -> None:
        self.marks = marks or []
        self.deltas = deltas or []

    def __call__(self, position: int) -> int:
        if not self.marks:
            return position
        at = bisect.bisect_right(self.marks, position) - 1
        return position + (self.deltas[at] if at >= 0 else 0)

    def back(self, source: int) -> int:
        """The first normalised position at or after ``source``'s place."""
        if not self.marks:
            return source
        low, high = 0, source
        while low < high:  # positions only grow, so bisect on the mapping itself
            middle = (low + high) // 2
            if self(middle) < source:
                low = middle + 1
            else:
                high = middle
        return low


def _nfc(text: str) -> tuple[str, _OffsetMap]:
    """``text`` in NFC, with the map back to ``text``; lines already in NFC are copied."""
    if unicodedata.is_normalized("NFC", text):
        return text, _OffsetMap()
    parts: list[str] = []
    marks: list[int] = []
    deltas: list[int] = []
    view = source = 0
    for line in text.split("\n"):
        if unicodedata.is_normalized("NFC", line):
            parts.append(line + "\n")
            view += len(line) + 1
            source += len(line) + 1
            continue
        for cluster in _CLUSTER.findall(line):
            normal = unicodedata.normalize("NFC", cluster)
            parts.append(normal)
            if len(normal) != len(cluster):
                marks.append(view + len(normal))
                deltas.append(source + len(cluster) - view - len(normal))
            view += len(normal)
            source += len(cluster)
        parts.append("\n")
        view += 1
        source += 1
    return "".join(parts)[:-1], _OffsetMap(marks, deltas)


#: A character and the combining marks after it (what NFC composes together).
_CLUSTER = re.compile(r".[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u0900-\u0903"
                      r"\u093a-\u094f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\u3099\u309a\ufe20-\ufe2f]*", re.S)


def _collapse(text: str) -> tuple[str, _OffsetMap]:
    """``text`` with every whitespace character a space and every run of them one space, with
    the map back to ``text``."""
    view = text.replace("\n", " ")
    for space in _OTHER_SPACES:
        if space in view:
            view = view.replace(space, " ")
    at = view.find("  ")
    if at < 0:
        return view, _OffsetMap()
    parts: list[str] = []
    marks: list[int] = []
    deltas: list[int] = []
    kept = removed = 0
    while at >= 0:
        end = at + 2
        while end < len(view) and view[end] == " ":
            end += 1
        parts.append(view[kept:at + 1])
        removed += end - at - 1
        marks.append(end - removed)
        deltas.append(removed)
        kept = end
        at = view.find("  ", end)
    parts.append(view[kept:])
    return "".join(parts), _OffsetMap(marks, deltas)


class TextView:
    """A text as the matcher reads it: in NFC (:attr:`nfc`, where regular expressions run), and
    with whitespace runs as one space (:attr:`plain`, where word keys run), folded for
    case-insensitive keys (:attr:`folded`); :meth:`source` maps a position of :attr:`plain` back
    to the text.

    >>> view = TextView("Open \\n  AI")
    >>> view.plain, view.source(view.plain.index("AI"))
    ('Open AI', 8)
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.nfc, self.nfc_map = _nfc(text)
        self.plain, self.space_map = _collapse(self.nfc)
        self._folded: str | None = None

    @property
    def folded(self) -> str:
        if self._folded is None:
            self._folded = fold(self.plain)
        return self._folded

    def source(self, position: int) -> int:
        """The position in the text of a position of :attr:`plain`."""
        return self.nfc_map(self.space_map(position))

    def from_nfc(self, position: int) -> int:
        """The position in the text of a position of :attr:`nfc`."""
        return self.nfc_map(position)


class _WordKeys:
    """The word keys of one case mode in one Aho-Corasick automaton (pyahocorasick): each key's
    :func:`match_form` is a word of the automaton; the first fix listing a key wins it."""

    def __init__(self, case: CaseMode) -> None:
        self.case = case
        self.forms: dict[str, int] | None = {}  # None when read back from the cache, until needed
        self.owners: list[tuple[int, str]] = []
        self.lengths: list[int] = []
        self._automaton: Any = None

    def add(self, number: int, key: str, form: str) -> bool:
        """Give ``key`` (as ``form``) to fix ``number`` unless an earlier fix has it; True if added."""
        forms = self._forms()
        if form in forms:
            return False
        forms[form] = len(self.owners)
        self.owners.append((number, key))
        self.lengths.append(len(form))
        self._automaton = None
        return True

    def compile(self) -> None:
        self.automaton  # noqa: B018 - built on first use

    @property
    def automaton(self) -> Any:
        if self._automaton is None:
            import ahocorasick

            automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
            for form, index in self._forms().items():
                automaton.add_word(form, index)
            automaton.make_automaton()
            self._automaton = automaton
        return self._automaton

    def __getstate__(self) -> tuple[CaseMode, list[tuple[int, str]], list[int], Any]:
        """What the cache keeps: the automaton (built now), the owners and lengths its values index;
        not ``forms``, which only :meth:`add` reads (it is rebuilt from the owners if ever needed)."""
        return self.case, self.owners, self.lengths, self.automaton

    def __setstate__(self, state: tuple[CaseMode, list[tuple[int, str]], list[int], Any]) -> None:
        self.case, self.owners, self.lengths, self._automaton = state
        self.forms = None

    def _forms(self) -> dict[str, int]:
        """Each key's match form -> its index in :attr:`owners` (rebuilt after the cache)."""
        if self.forms is None:
            self.forms = {}
            for index, (_, key) in enumerate(self.owners):
                self.forms.setdefault(match_form(key, self.case), index)
        return self.forms

    def hits(self, view: TextView) -> list[Hit]:
        """At each place, the longest key that neither starts nor ends inside a word (in the
        view's positions)."""
        plain = view.plain
        searched = view.folded if self.case is CaseMode.INSENSITIVE else plain
        size = len(plain)
        lengths = self.lengths
        longest: dict[int, tuple[int, int]] = {}
        for last, index in self.automaton.iter(searched):
            end = last + 1
            start = end - lengths[index]
            if start > 0 and _joins(plain[start - 1], plain[start]):
                continue
            if end < size and _joins(plain[end - 1], plain[end]):
                continue
            found = longest.get(start)
            if found is None or end > found[0]:
                longest[start] = (end, index)
        hits = []
        for start in sorted(longest):
            end, index = longest[start]
            number, key = self.owners[index]
            hits.append(Hit(view.source(start), view.source(end), number, key, ChangeKind.WORD))
        return hits


def _joins(left: str, right: str) -> bool:
    """Whether a place between ``left`` and ``right`` is inside a word."""
    return is_word_char(left) and is_word_char(right)


class _ListStream:
    """Candidate hits found in advance, asked for in text order; a hit its guard refuses is
    skipped (the next one starts later)."""

    def __init__(self, hits: list[Hit], allowed: Callable[[Hit], bool]) -> None:
        self.hits, self.allowed, self.at = hits, allowed, 0

    def first_from(self, position: int) -> Hit | None:
        hits, at = self.hits, self.at
        while at < len(hits):
            hit = hits[at]
            at += 1
            if hit.start >= position and self.allowed(hit):
                self.at = at - 1
                return hit
        self.at = at
        return None


class _RegexKeys:
    """The ``match = "regex"`` keys: one alternation finds where some key matches, then the
    longest key there wins.  Each search covers one line of the text (and up to
    :data:`_REACH` characters past it) under the per-line time limit."""

    def __init__(self, keys: list[tuple[int, str, Any]], fixes: Sequence[Fix], timeout: float) -> None:
        import regex

        self.keys, self.fixes, self.timeout = keys, fixes, timeout
        self.any = regex.compile("|".join(p.pattern for _, _, p in keys))

    def stream(self, view: TextView, allowed: Callable[[Hit], bool]) -> _RegexStream:
        return _RegexStream(self, view, allowed)

    def longest(self, text: str, start: int, endpos: int, allowed: Callable[[Hit], bool],
                view: TextView) -> Hit | None:
        best: Hit | None = None
        for number, key, pattern in self.keys:
            match = self._run(pattern.match, text, start, endpos, (number, key))
            if match is None or match.end() <= start or (match.end() < len(text) and endpos < len(text)
                                                          and _joins(text[match.end() - 1], text[match.end()])):
                continue
            if best is None or view.from_nfc(match.end()) > best.end:
                candidate = Hit(view.from_nfc(start), view.from_nfc(match.end()), number, key, ChangeKind.REGEX)
                if allowed(candidate):
                    best = candidate
        return best

    def search(self, text: str, position: int, endpos: int) -> Any:
        return self._run(self.any.search, text, position, endpos, None)

    def _run(self, method: Callable[..., Any], text: str, position: int, endpos: int,
             key: tuple[int, str] | None) -> Any:
        try:
            return method(text, position, endpos, timeout=self.timeout)
        except TimeoutError:
            raise self._timed_out(text, position, endpos, key) from None

    def _timed_out(self, text: str, position: int, endpos: int, key: tuple[int, str] | None) -> ConfigError:
        """The error naming the key that took too long (found by trying each alone)."""
        if key is None:
            key = next(((n, k) for n, k, p in self.keys if _times_out(p, text, position, endpos, self.timeout)),
                       (self.keys[0][0], self.keys[0][1]))
        number, name = key
        fix = self.fixes[number]
        index = fix.keys.index(name) if name in fix.keys else 0
        line = text.count("\n", 0, position) + 1
        line_end = text.find("\n", position)
        if 0 <= line_end < endpos and not _times_out(self.any, text, position, line_end, self.timeout):
            line += 1  # the search reached into the next line, and that is where it was stuck
        return ConfigError(f"regex key {name!r} took more than {self.timeout} s on line {line} of the text; "
                           "it backtracks too much: simplify it (`captions dict check` finds such keys)",
                           fix.key_location(index))


def _times_out(pattern: Any, text: str, position: int, endpos: int, timeout: float) -> bool:
    try:
        pattern.search(text, position, endpos, timeout=timeout)
    except TimeoutError:
        return True
    return False


#: How far past the end of its line a regular-expression key's hit may reach.
_REACH = 1000


class _RegexStream:
    """The hits of the regular-expression keys, searched lazily, one line at a time."""

    def __init__(self, keys: _RegexKeys, view: TextView, allowed: Callable[[Hit], bool]) -> None:
        self.keys, self.view, self.allowed = keys, view, allowed

    def first_from(self, position: int) -> Hit | None:
        text = self.view.nfc
        at = self.view.nfc_map.back(position)
        while at <= len(text):
            line_end = text.find("\n", at)
            line_end = len(text) if line_end < 0 else line_end
            endpos = min(len(text), line_end + _REACH)
            found = self.keys.search(text, at, endpos)
            if found is None or found.start() > line_end:
                at = line_end + 1
                continue
            hit = self.keys.longest(text, found.start(), endpos, self.allowed, self.view)
            if hit is not None:
                return hit
            at = found.start() + 1
        return None


class Dictionary:
    """Fixes compiled into one matcher.  Build it with :func:`load_dictionaries` or
    :meth:`from_fixes`; it is immutable and can be applied to any number of texts.

    Args:
        fixes: the fixes, the first holding a key wins it; fixes marked ``review`` are left out.
        sources: the files they came from, for messages.
        protect: words that fuzzy keys never rewrite (a glossary), besides the dictionary's own.
        regex_timeout: seconds a regular-expression key or guard may spend on one line.

    Raises:
        ConfigError: for an empty key, or a regular expression too large to compile.

    >>> d = Dictionary.from_fixes([Fix("OpenAI", ("Open AI", "OpenA"))])
    >>> d.apply("Open AI et OpenAI, d'OpenA.")[0]
    "OpenAI et OpenAI, d'OpenAI."
    """

    def __init__(self, fixes: Sequence[Fix], sources: Sequence[str] = (), *, protect: Iterable[str] = (),
                 regex_timeout: float = REGEX_TIMEOUT_S) -> None:
        given = tuple(fixes)
        self.fixes: Sequence[Fix] = FixTable(given)
        self.sources: tuple[str, ...] = tuple(sources)
        self.regex_timeout = regex_timeout
        words = {case: _WordKeys(case) for case in CaseMode}
        regex_keys: list[tuple[int, str, Any]] = []
        fuzzy_keys: list[tuple[int, str]] = []
        for number, fix in enumerate(given):
            if fix.review:
                continue
            for index, key in enumerate(fix.keys):
                if fix.match is MatchMode.REGEX:
                    regex_keys.append((number, key, _regex_key(fix, key, index)))
                    continue
                form = match_form(key, fix.case)
                if not form:
                    raise ConfigError(f"key {key!r} of the fix to {fix.to!r} is empty; a key needs at least "
                                      "one visible character", fix.key_location(index))
                if words[fix.case].add(number, key, form) and fix.fuzzy and _one_word(key, fix.case):
                    fuzzy_keys.append((number, key))
        self._words = [keys for keys in words.values() if keys.owners]
        self._regex = _RegexKeys(regex_keys, self.fixes, regex_timeout) if regex_keys else None
        # Only the fixes that have a guard are listed (most have none; a long list costs the cache).
        self._guards: dict[int, tuple[_Guard | None, _Guard | None]] = {
            number: (_guard(f, f.context, "context"), _guard(f, f.unless, "unless"))
            for number, f in enumerate(given) if f.context or f.unless}
        self._key_count = sum(len(f.keys) for f in given)
        self._fuzzy = _FuzzyIndex(self.fixes, fuzzy_keys, protect) if fuzzy_keys else None

    @classmethod
    def from_fixes(cls, fixes: Sequence[Fix], sources: Sequence[str] = (), *, protect: Iterable[str] = ()) -> Dictionary:
        """Compile fixes after checking them; raises :class:`ConfigError` on the first error."""
        refuse_errors(lint_fixes(fixes, errors_only=True))
        return cls(fixes, sources, protect=protect)

    def __len__(self) -> int:
        return self._key_count

    def protecting(self, words: Iterable[str]) -> Dictionary:
        """This dictionary with more words its fuzzy keys never rewrite (a glossary's names)."""
        extra = {fold(w) for text in words for w in WORD.findall(unicodedata.normalize("NFC", text))}
        if self._fuzzy is None or extra <= self._fuzzy.protected:
            return self
        twin = copy.copy(self)
        twin._fuzzy = copy.copy(self._fuzzy)
        twin._fuzzy.protected = self._fuzzy.protected | extra
        return twin

    def compile(self) -> Dictionary:
        """Build every automaton now (they are otherwise built at the first text)."""
        for keys in self._words:
            keys.compile()
        return self

    def __repr__(self) -> str:
        return f"Dictionary({len(self.fixes)} fixes, {len(self)} keys)"

    # ----------------------------------------------------------------- matching

    def find(self, text: str) -> tuple[Hit, ...]:
        """The hits of one pass over ``text``: leftmost-longest, non-overlapping, guards applied."""
        view = TextView(text)
        streams = self._streams(view)
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

    def _streams(self, view: TextView) -> list[_ListStream | _RegexStream]:
        """One stream of candidate hits per way of matching: word keys of each case mode,
        regular-expression keys, fuzzy keys."""
        def allowed(hit: Hit) -> bool:
            return self._allowed(view, hit)

        streams: list[_ListStream | _RegexStream] = [_ListStream(keys.hits(view), allowed) for keys in self._words]
        if self._regex is not None:
            streams.append(self._regex.stream(view, allowed))
        if self._fuzzy is not None:
            fuzzy = self._fuzzy.hits(view)
            if fuzzy:
                streams.append(_ListStream(fuzzy, lambda hit: True))
        return streams

    def _allowed(self, view: TextView, hit: Hit) -> bool:
        guards = self._guards.get(hit.fix)
        if guards is None:
            return True
        context, unless = guards
        fix = self.fixes[hit.fix]
        text = view.text
        window = text[max(0, hit.start - fix.window):min(len(text), hit.end + fix.window)]
        if view.nfc_map.marks:
            window = unicodedata.normalize("NFC", window)
        if context is not None and not self._guard_finds(context, window, fix, "context"):
            return False
        return unless is None or not self._guard_finds(unless, window, fix, "unless")

    def _guard_finds(self, pattern: _Guard, window: str, fix: Fix, name: str) -> bool:
        try:
            return pattern.search(window, timeout=self.regex_timeout) is not None
        except TimeoutError:
            raise ConfigError(f"`{name}` {pattern.pattern!r} took more than {self.regex_timeout} s on a window of "
                              f"{len(window)} characters; it backtracks too much: simplify it",
                              fix.location) from None

    # ----------------------------------------------------------------- applying

    def apply(self, text: str) -> tuple[str, tuple[Change, ...]]:
        """Correct one text; line breaks in it count as spaces for multi-word keys.

        Returns:
            The corrected text and the changes made, in text order.
        """
        segments, changes = apply_to_segments((text,), self, lines=(1,))
        return segments[0], changes


def _compile_checked(pattern: str, where: Location, label: str) -> Any:
    """A pattern of the ``regex`` module, refused (ConfigError at ``where``) when it is too large
    to compile or does not compile."""
    import regex

    problem = size_problem(pattern)
    if problem is not None:
        raise ConfigError(f"{label} {pattern!r} {problem}", where)
    try:
        return regex.compile(pattern)
    except (regex.error, ValueError, OverflowError, MemoryError) as exc:
        raise ConfigError(f"{label} {pattern!r} does not compile: {exc}", where) from None


def _regex_key(fix: Fix, key: str, index: int) -> Any:
    """A regular-expression key, scoped to its fix's case mode and kept off word edges."""
    _compile_checked(key, fix.key_location(index), "regex key")
    scoped = "(?i:" if fix.case is CaseMode.INSENSITIVE else "(?:"
    return _compile_checked(f"{_EDGE}{scoped}{key}){_EDGE}", fix.key_location(index), "regex key")


def _guard(fix: Fix, pattern: str, name: str) -> _Guard | None:
    return _Guard(pattern, _compile_checked(pattern, fix.location, f"`{name}`")) if pattern else None


class _Guard:
    """A ``context``/``unless`` pattern, checked and compiled when the dictionary is compiled.  The
    cache keeps only its text, compiled again at its first search, so that a dictionary read
    back from the cache loads without the ``regex`` module until a guarded key is met."""

    __slots__ = ("_compiled", "pattern")

    def __init__(self, pattern: str, compiled: Any) -> None:
        self.pattern, self._compiled = pattern, compiled

    def search(self, window: str, *, timeout: float) -> Any:
        if self._compiled is None:
            import regex

            self._compiled = regex.compile(self.pattern)
        return self._compiled.search(window, timeout=timeout)

    def __getstate__(self) -> str:
        return self.pattern

    def __setstate__(self, pattern: str) -> None:
        self.pattern, self._compiled = pattern, None


def _one_word(key: str, case: CaseMode) -> bool:
    """Whether a key is one word (fuzzy matching applies to those only)."""
    tokens = key_tokens(key, case)
    return len(tokens) == 1 and WORD.fullmatch(tokens[0]) is not None


class _FuzzyIndex:
    """Deletion-neighbourhood index (the SymSpell idea): every key with up to ``k`` letters
    deleted points back to the key.  A word is near a key when their neighbourhoods meet, so
    a lookup costs the word's own neighbourhood, independent of the number of keys.  The edit
    distance itself is rapidfuzz's optimal string alignment."""

    def __init__(self, fixes: Sequence[Fix], keys: Sequence[tuple[int, str]], protect: Iterable[str] = ()) -> None:
        self.fixes = fixes
        self.index: dict[str, list[tuple[int, str]]] = {}
        self.max_edits = max(fixes[n].fuzzy for n, _ in keys)
        for number, key in keys:
            for variant in _deletions(fold(unicodedata.normalize("NFC", key)), fixes[number].fuzzy):
                self.index.setdefault(variant, []).append((number, key))
        # Words of the dictionary itself, and of the glossary, are never fuzzy-corrected.
        texts = [text for f in fixes for text in (f.to, *f.keys)] + list(protect)
        self.protected = {fold(w) for text in texts for w in WORD.findall(unicodedata.normalize("NFC", text))}

    def nearest(self, word: str) -> tuple[int, str] | None:
        """The fix number and key nearest to ``word`` (fewest edits, then first fix), if any is
        near enough."""
        from rapidfuzz.distance import OSA

        lowered = fold(word)
        if lowered in self.protected:
            return None
        best: tuple[int, int, str] | None = None
        for variant in _deletions(lowered, self.max_edits):
            for number, key in self.index.get(variant, ()):
                fix = self.fixes[number]
                normal = unicodedata.normalize("NFC", key)
                a, b = (lowered, fold(normal)) if fix.case is CaseMode.INSENSITIVE else (word, normal)
                distance = OSA.distance(a, b, score_cutoff=fix.fuzzy)
                if distance <= fix.fuzzy and len(word) > 2 * distance and (
                        best is None or (distance, number) < best[:2]):
                    best = (distance, number, key)
        return None if best is None else (best[1], best[2])

    def hits(self, view: TextView) -> list[Hit]:
        """The fuzzy hits of a text: each distinct word is looked up once, then the words near a
        key are found where they stand (whole words only)."""
        near: dict[str, tuple[int, str]] = {}
        for word in set(WORD.findall(view.plain)):
            found = self.nearest(word)
            if found is not None:
                near[word] = found
        if not near:
            return []
        keys = _WordKeys(CaseMode.SENSITIVE)
        for word, (number, _) in near.items():
            keys.add(number, word, word)
        hits = []
        for hit in keys.hits(view):
            number, key = near[view.text[hit.start:hit.end]] if view.text[hit.start:hit.end] in near else (
                near[unicodedata.normalize("NFC", view.text[hit.start:hit.end])])
            hits.append(Hit(hit.start, hit.end, number, key, ChangeKind.FUZZY))
        return hits


def _deletions(word: str, edits: int) -> set[str]:
    found = {word}
    frontier = {word}
    for _ in range(edits):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


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
    start.  Punctuation glued to the end of what was covered (``Yuang,``) moves with the fix, so
    that it stays right after the corrected words (``Jensen Huang,``).

    >>> rewrite_segments(["vu par Jensan", "Yuang, hier"], [(7, 19, "Jensen Huang")])
    ('vu par Jensen Huang,', 'hier')
    """
    if not edits:
        return tuple(segments)
    offsets = offsets if offsets is not None else _offsets(segments)
    out = list(segments)
    pending: dict[int, list[tuple[int, int, str]]] = {}
    for start, end, after in edits:
        first = bisect.bisect_right(offsets, start) - 1
        moved = ""
        for index in range(first + 1, len(segments)):
            begin = offsets[index]
            if begin > end:
                break
            text = segments[index]
            local_end = min(end, begin + len(text)) - begin
            if end <= begin + len(text):  # the last segment the edit covers
                glued = _GLUED.match(text, local_end)
                if glued is not None:
                    moved += glued[0]
                    local_end = glued.end()
            rest = text[local_end:]
            local_end += len(rest) - len(rest.lstrip())
            pending.setdefault(index, []).append((0, local_end, ""))
        begin = offsets[first]
        pending.setdefault(first, []).append((start - begin, min(end, begin + len(segments[first])) - begin,
                                              after + moved))
    for index, spans in pending.items():
        text, at = out[index], 0
        parts: list[str] = []
        for local_start, local_end, after in sorted(spans):
            parts += (text[at:max(at, local_start)], after)
            at = max(at, local_end)
        parts.append(text[at:])
        out[index] = "".join(parts)
    return tuple(out)


#: Punctuation glued to the end of a corrected span that continues on a later segment.
_GLUED = re.compile(r"[^\w\s]+(?=\s|$)")


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

    A large dictionary is compiled once and kept by content hash (:mod:`.cache`): loading the same
    files again reads the compiled form.

    Raises:
        ConfigError: at the first error ``captions dict check`` would report (unreadable entry,
            conflicting fix, chain, bad or catastrophic regex), with its file:line, before any
            text is touched.
    """
    from . import cache

    if not paths:
        raise ConfigError("no dictionary given; expected at least one .toml, .tsv or .csv file")
    key = _cache_key(paths) if cache.cache_dir() is not None else None
    if key is not None:
        cached = cache.load_cached(key)
        if cached is not None:
            return cached
    fixes, findings = read_dictionaries(paths)
    refuse_errors(findings)
    dictionary = Dictionary.from_fixes(fixes, [str(p) for p in paths])
    if key is not None and len(dictionary.fixes) >= cache.MIN_FIXES:
        dictionary.compile()
        cache.store(key, dictionary)
    return dictionary


def _cache_key(paths: Sequence[str | os.PathLike[str]]) -> str | None:
    """The content hash of regular files (None for anything else: a pipe is read once, by the
    reader; and for files too small to hold a dictionary the cache keeps, :data:`.cache.MIN_BYTES`)."""
    from . import cache

    try:
        if not all(os.path.isfile(path) for path in paths) or sum(map(os.path.getsize, paths)) < cache.MIN_BYTES:
            return None
        contents = []
        for path in paths:
            with open(path, "rb") as handle:
                contents.append(handle.read())
    except OSError:
        return None
    return cache.content_key(paths, contents)
