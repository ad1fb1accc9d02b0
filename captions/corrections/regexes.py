"""Regular expressions in dictionaries (``match = "regex"`` keys, ``context``/``unless`` guards)
held to bounded work: what the lint refuses before a pattern is compiled, and the time limit a
pattern runs under.

* **Size.** A counted repeat is expanded by the ``regex`` module when it compiles (``y{1000000000}``
  asks for gigabytes), so a pattern whose expanded size passes :data:`MAX_PATTERN_SIZE` is refused
  before it is compiled.
* **Backtracking.** Two shapes make a backtracking engine try exponentially many ways on a
  near-miss: a repeat whose body can be split in more than one way (an *ambiguous alternation*,
  ``(a|aa)+b``, ``(x|x)*y``; or a body that can end the way it starts around an inner unbounded
  repeat, ``(a+)+``, ``(a+){2,50}$``, ``(\\w+\\s?)+``).  :func:`backtracking_problem` finds them on
  the standard library's parse of the pattern (the ``regex`` syntax a dictionary uses is the
  same); a pattern it cannot parse is checked for its counted repeats only.
* **Time.** Every search runs with the ``regex`` module's ``timeout=`` (:data:`REGEX_TIMEOUT_S` per
  line of text); a pattern that trips it is reported with its file and line by the matcher.
"""

from __future__ import annotations

import importlib
import re
from typing import Any, Iterable

__all__ = ["MAX_PATTERN_SIZE", "MAX_REPEAT", "REGEX_TIMEOUT_S", "size_problem", "backtracking_problem"]

#: The largest expanded size (characters and classes, repeats multiplied out) a pattern may have.
MAX_PATTERN_SIZE = 10_000

#: The largest count a counted repeat ``{m,n}`` may give.
MAX_REPEAT = 1_000

#: How long (seconds) a regular-expression key or guard may search one line of text (or one
#: guard window) before the dictionary is refused for it.
REGEX_TIMEOUT_S = 0.5

_COUNTS = re.compile(r"\{\s*(\d+)\s*(?:,\s*(\d*)\s*)?\}")

#: Characters that stand for the classes a pattern uses, when comparing what two parts can match.
_PROBES = "aAzZ0_ -.,'\n\té"

#: Past this many strings, what a part of a pattern matches is not spelled out.
_LANGUAGE_CAP = 400


def _parser() -> Any:
    """The standard library's regular-expression parser (Python 3.11+); it is unpublished, so it
    has no types."""
    return importlib.import_module("re._parser")


def _parse(pattern: str) -> Any | None:
    try:
        return _parser().parse(pattern)
    except Exception:  # regex-only syntax: the caller falls back to what it can check on the text
        return None


def size_problem(pattern: str) -> str | None:
    """Why ``pattern`` is too large to compile, or None.

    >>> size_problem("y{1000000000}")
    'repeats 1000000000 times (at most 1000)'
    >>> size_problem("(?:ab){900}(?:cd){900}") is None, size_problem("(a{100}){200}")
    (True, 'expands to 20000 characters and classes (at most 10000)')
    """
    counts = [int(n) for m in _COUNTS.finditer(pattern) for n in m.groups() if n]
    if counts and max(counts) > MAX_REPEAT:
        return f"repeats {max(counts)} times (at most {MAX_REPEAT})"
    tree = _parse(pattern)
    if tree is None:
        return None
    size = _Walk(_parser()).size(tree)
    if size > MAX_PATTERN_SIZE:
        return f"expands to {size} characters and classes (at most {MAX_PATTERN_SIZE})"
    return None


def backtracking_problem(pattern: str) -> str | None:
    """How ``pattern`` can backtrack for minutes on a near-miss, or None.

    >>> backtracking_problem("(a|aa)+b")
    "repeats '(a|aa)', which can match one text in more than one way"
    >>> backtracking_problem("(a+){2,50}$")
    "repeats '(a+)', whose inner repeat can end the way it starts again"
    >>> [backtracking_problem(p) for p in ("(ab|a)c+", "(?:Open|Oppen) ?AI", r"(\\d+\\.){3}\\d+", "(ab+)+")]
    [None, None, None, None]
    """
    tree = _parse(pattern)
    if tree is None:
        return None
    return _Walk(_parser(), pattern).problem(tree)


class _Walk:
    """Walks the standard library parser's tree of a pattern (lists of (opcode, argument))."""

    def __init__(self, parser: Any, pattern: str = "") -> None:
        self.p = parser
        self.pattern = pattern
        self.overlap = False
        self.repeats = {parser.MAX_REPEAT, parser.MIN_REPEAT, getattr(parser, "POSSESSIVE_REPEAT", None)}

    # ------------------------------------------------------------------ size

    def size(self, items: Iterable[tuple[Any, Any]]) -> int:
        total = 0
        for op, arg in items:
            if op in self.repeats:
                low, high, body = arg
                total += self.size(body) * max(1, low if high == self.p.MAXREPEAT else high)
            elif op is self.p.SUBPATTERN:
                total += self.size(arg[-1])
            elif op is self.p.BRANCH:
                total += sum(self.size(branch) for branch in arg[1])
            elif op in (self.p.ASSERT, self.p.ASSERT_NOT):
                total += self.size(arg[1])
            else:
                total += 1
        return total

    # ------------------------------------------------------------ backtracking

    def problem(self, items: list[tuple[Any, Any]]) -> str | None:
        for op, arg in items:
            found = self._problem_at(op, arg)
            if found:
                return found
        return None

    def _problem_at(self, op: Any, arg: Any) -> str | None:
        if op in self.repeats:
            _, high, body = arg
            if high == self.p.MAXREPEAT or high > 1:
                found = self._repeated_body(list(body))
                if found:
                    return found
            return self.problem(list(body))
        for child in self._children(op, arg):
            found = self.problem(child)
            if found:
                return found
        return None

    def _children(self, op: Any, arg: Any) -> list[list[tuple[Any, Any]]]:
        if op is self.p.SUBPATTERN:
            return [list(arg[-1])]
        if op is self.p.BRANCH:
            return [list(b) for b in arg[1]]
        if op in (self.p.ASSERT, self.p.ASSERT_NOT):
            return [list(arg[1])]
        return []

    def _repeated_body(self, body: list[tuple[Any, Any]]) -> str | None:
        """The problem of repeating ``body`` (several times), if any."""
        shown = self._shown(body)
        self.overlap = False
        language = self.language(body)
        if language is not None:
            if self.overlap or ("" not in language and not _uniquely_decodable(language)):
                return f"repeats {shown!r}, which can match one text in more than one way"
            return None
        # An infinite body: ambiguous when it can end the way it starts around an inner repeat.
        if self._has_unbounded(body) and self.first(body) & self.last(body):
            return f"repeats {shown!r}, whose inner repeat can end the way it starts again"
        return None

    def _shown(self, body: list[tuple[Any, Any]]) -> str:
        for match in re.finditer(r"\([^()]*(?:\([^()]*\)[^()]*)*\)", self.pattern):
            inner = _parse_quietly(match[0])
            if inner is not None and repr(inner) == repr(body):
                return match[0]
        return self.pattern

    def _has_unbounded(self, items: Iterable[tuple[Any, Any]]) -> bool:
        for op, arg in items:
            if op in self.repeats and (arg[1] == self.p.MAXREPEAT or arg[1] > MAX_REPEAT):
                return True
            if op in self.repeats and self._has_unbounded(arg[2]):
                return True
            if any(self._has_unbounded(child) for child in self._children(op, arg)):
                return True
        return False

    def language(self, items: list[tuple[Any, Any]]) -> set[str] | None:
        """Every text ``items`` match (classes stood for by :data:`_PROBES`), or None when there
        are too many or infinitely many."""
        texts = {""}
        for op, arg in items:
            part = self._item_language(op, arg)
            if part is None:
                return None
            texts = {a + b for a in texts for b in part}
            if len(texts) > _LANGUAGE_CAP:
                return None
        return texts

    def _item_language(self, op: Any, arg: Any) -> set[str] | None:
        p = self.p
        if op is p.LITERAL:
            return {chr(arg)}
        if op in (p.IN, p.ANY, p.CATEGORY):
            return set(self._class_chars(op, arg))
        if op is p.SUBPATTERN:
            return self.language(list(arg[-1]))
        if op is p.BRANCH:
            union: set[str] = set()
            for branch in arg[1]:
                part = self.language(list(branch))
                if part is None:
                    return None
                self.overlap = self.overlap or bool(part & union)  # two alternatives match one text
                union |= part
            return union
        if op in self.repeats:
            low, high, body = arg
            if high == p.MAXREPEAT or high > 8:
                return None
            part = self.language(list(body))
            if part is None:
                return None
            out: set[str] = set()
            layer = {""}
            for count in range(high + 1):
                if count >= low:
                    out |= layer
                layer = {a + b for a in layer for b in part}
                if len(layer) + len(out) > _LANGUAGE_CAP:
                    return None
            return out
        if op in (p.AT, p.ASSERT, p.ASSERT_NOT):
            return {""}
        return None

    def _class_chars(self, op: Any, arg: Any) -> list[str]:
        """The probe characters (and the class's own literals) that one class item matches."""
        compiled = _compile_class(op, arg)
        own = [chr(v) for o, v in (arg if op is self.p.IN else []) if o is self.p.LITERAL]
        own += [chr(v[0]) for o, v in (arg if op is self.p.IN else []) if o is self.p.RANGE]
        candidates = dict.fromkeys([*own, *_PROBES])
        if compiled is None:
            return list(candidates)
        return [c for c in candidates if compiled.fullmatch(c)]

    def first(self, items: list[tuple[Any, Any]]) -> set[str]:
        """Probe characters a match of ``items`` can start with."""
        return self._edge(items)

    def last(self, items: list[tuple[Any, Any]]) -> set[str]:
        """Probe characters a match of ``items`` can end with."""
        return self._edge(list(reversed(items)), reverse=True)

    def _edge(self, items: list[tuple[Any, Any]], reverse: bool = False) -> set[str]:
        chars: set[str] = set()
        for op, arg in items:
            own, optional = self._item_edge(op, arg, reverse)
            chars |= own
            if not optional:
                return chars
        return chars

    def _item_edge(self, op: Any, arg: Any, reverse: bool) -> tuple[set[str], bool]:
        """(probe characters the item can start (or end) with, whether it can match nothing)."""
        p = self.p
        if op is p.LITERAL:
            return {chr(arg)}, False
        if op in (p.IN, p.ANY, p.CATEGORY):
            return set(self._class_chars(op, arg)), False
        if op is p.SUBPATTERN:
            body = list(arg[-1])
            return self._edge(list(reversed(body)) if reverse else body, reverse), self._optional(body)
        if op is p.BRANCH:
            chars: set[str] = set()
            optional = False
            for branch in arg[1]:
                body = list(branch)
                chars |= self._edge(list(reversed(body)) if reverse else body, reverse)
                optional = optional or self._optional(body)
            return chars, optional
        if op in self.repeats:
            low, _, body = arg
            inner = list(body)
            return self._edge(list(reversed(inner)) if reverse else inner, reverse), low == 0 or self._optional(inner)
        return set(), True

    def _optional(self, items: list[tuple[Any, Any]]) -> bool:
        """Whether ``items`` can match the empty text."""
        return all(self._item_edge(op, arg, False)[1] for op, arg in items)


def _parse_quietly(text: str) -> list[tuple[Any, Any]] | None:
    tree = _parse(text)
    return None if tree is None else list(tree)


def _compile_class(op: Any, arg: Any) -> re.Pattern[str] | None:
    """One class item as a pattern of its own, to test characters against."""
    try:
        return re.compile(_class_source(op, arg))
    except (re.error, ValueError, TypeError):
        return None


def _class_source(op: Any, arg: Any) -> str:
    """The source of a class item (``[a-z]``, ``\\d``, ``.``) rebuilt from its parse."""
    p = _parser()
    if op is p.ANY:
        return "(?s:.)"
    if op is p.CATEGORY:
        return _CATEGORY_SOURCE.get(str(arg), ".")
    parts, negate = [], ""
    for kind, value in arg:
        if kind is p.NEGATE:
            negate = "^"
        elif kind is p.LITERAL:
            parts.append(re.escape(chr(value)))
        elif kind is p.RANGE:
            parts.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
        elif kind is p.CATEGORY:
            parts.append(_CATEGORY_SOURCE.get(str(value), ""))
    return f"[{negate}{''.join(parts)}]"


_CATEGORY_SOURCE = {
    "CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s", "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W",
}


def _uniquely_decodable(words: set[str]) -> bool:
    """Whether no text is a concatenation of ``words`` in two ways (Sardinas-Patterson).

    >>> _uniquely_decodable({"a", "aa"}), _uniquely_decodable({"a", "ab"}), _uniquely_decodable({"ab", "a", "b"})
    (False, True, False)
    """
    code = set(words)
    suffixes = {w[len(u):] for u in code for w in code if u != w and w.startswith(u)}
    seen: set[str] = set()
    while suffixes:
        if "" in suffixes or suffixes & code:
            return False
        seen |= suffixes
        following = {w[len(s):] for s in suffixes for w in code if w.startswith(s)}
        following |= {s[len(w):] for s in suffixes for w in code if s.startswith(w)}
        suffixes = following - seen
    return True
