"""The dictionary lint: every problem of a list of fixes, as findings (``captions dict check``).

A dictionary with an error is refused before any text is touched (:func:`refuse_errors`).
"""

from __future__ import annotations

import dataclasses
import os
from typing import TYPE_CHECKING, Iterable, Sequence

from ..errors import ConfigError, Location
from ..findings import Finding, FindingCode, Severity
from .fixes import (
    TOKEN,
    CaseMode,
    Fix,
    MatchMode,
    key_tokens,
    match_form,
    read_dictionaries,
    word_identity,
    written_form,
    written_forms,
)
from .regexes import backtracking_problem, size_problem

if TYPE_CHECKING:
    import regex

    from .matcher import Dictionary

__all__ = ["lint_fixes", "check_dictionaries", "refuse_errors"]


def lint_fixes(fixes: Sequence[Fix], *, against: Iterable[str] = (), errors_only: bool = False) -> tuple[
        Finding, ...]:
    """Every problem of a list of fixes (several files already concatenated in priority order).

    Args:
        against: texts (transcripts) to test the ``context``/``unless`` guards on; a guard that
            matches none of them is reported as ``context-never-matches``.
        errors_only: skip the lints that can only warn (what loading a dictionary needs: it is
            refused for errors only); the errors found are the same.

    Returns:
        The findings by file, line and code.

    >>> [f.code.value for f in lint_fixes([Fix("Jolla", ("yola",)), Fix("Yolla", ("yola",))])]
    ['conflicting-fix']
    """
    findings: list[Finding] = []
    for fix in fixes:
        if fix.context or fix.unless or fix.match is MatchMode.REGEX:
            findings.extend(_lint_regexes(fix))
        if errors_only:
            continue
        findings.extend(_lint_fuzzy(fix))
        if fix.review:
            findings.append(Finding.warning(FindingCode.NEEDS_REVIEW, fix.location,
                                            f"suggestion {', '.join(map(repr, fix.keys))} -> {fix.to!r} is not "
                                            "reviewed: it is not applied until the `review` line is removed"))
    findings.extend(_lint_repeated_keys(fixes))
    findings.extend(_lint_chains(fixes))
    if not errors_only:
        findings.extend(_lint_guards(fixes))
    texts = tuple(against)
    if texts:
        findings.extend(_lint_guards_against(fixes, texts))
    # Each code comes from one of the lints above, so this order does not depend on theirs.
    return tuple(sorted(findings, key=lambda f: (f.location.source, f.location.line or 0, f.code.value)))


def _lint_fuzzy(fix: Fix) -> list[Finding]:
    """``fuzzy`` on a fix with multi-word keys, which only ever match exactly."""
    if fix.fuzzy and any(len(key_tokens(k)) > 1 for k in fix.keys if fix.match is MatchMode.WORD):
        return [Finding.warning(FindingCode.FUZZY_MULTIWORD, fix.location,
                                "`fuzzy` applies to one-word keys only; the multi-word keys of this fix "
                                "match exactly")]
    return []


#: What makes two keys one key for the lint: a regular expression as written (and its case
#: mode), a word key as its tokens in any case and where whitespace separates them.
_KeyIdentity = tuple[MatchMode, CaseMode | None, str | tuple[str, ...], tuple[bool, ...]]


def _key_identity(fix: Fix, key: str) -> _KeyIdentity:
    """The identity of ``key`` of ``fix`` for finding keys listed twice."""
    if fix.match is MatchMode.REGEX:
        return (MatchMode.REGEX, fix.case, key, ())
    return (MatchMode.WORD, None, *word_identity(key, CaseMode.INSENSITIVE))


def _lint_repeated_keys(fixes: Sequence[Fix]) -> list[Finding]:
    """A key listed again after its first listing, which is the one that applies."""
    findings: list[Finding] = []
    first_listed: dict[_KeyIdentity, tuple[Fix, int]] = {}
    for fix in fixes:
        for index, key in enumerate(fix.keys):
            identity = _key_identity(fix, key)
            if identity in first_listed:
                findings.append(_repeated_key(first_listed[identity], fix, index))
            else:
                first_listed[identity] = (fix, index)
    return findings


def _repeated_key(first: tuple[Fix, int], fix: Fix, index: int) -> Finding:
    """The finding for key ``index`` of ``fix``, already listed as key ``first``: harmless when both
    write the same text, hidden when an earlier file lists it, a conflict inside one file."""
    earlier, earlier_index = first
    key = fix.keys[index]
    where = fix.key_location(index)
    before = earlier.key_location(earlier_index)
    if earlier.to == fix.to:
        return Finding.warning(FindingCode.DUPLICATE_KEY, where, f"key {key!r} is already listed at {before}")
    if earlier.location.source != fix.location.source:
        return Finding.warning(FindingCode.OVERRIDDEN_KEY, where,
                               f"key {key!r} -> {fix.to!r} is hidden by {before} ({earlier.to!r}), which comes first")
    return Finding.error(FindingCode.CONFLICTING_FIX, where,
                         f"key {key!r} -> {fix.to!r} but {before} already sends it to {earlier.to!r}")


def _lint_guards_against(fixes: Sequence[Fix], texts: Sequence[str]) -> list[Finding]:
    """A guard that matches nowhere in the texts it is checked against never lets its fix apply
    (``context``) or never stops it (``unless``)."""
    findings: list[Finding] = []
    for fix in fixes:
        for name, pattern, compiled in _guards(fix):
            if not any(compiled.search(t) for t in texts):
                findings.append(Finding.warning(FindingCode.CONTEXT_NEVER_MATCHES, fix.location,
                                                f"`{name}` {pattern!r} matches nowhere in the checked text"))
    return findings


def _guards(fix: Fix) -> list[tuple[str, str, regex.Pattern[str]]]:
    """The fix's guards that are set and compile: (field name, pattern, compiled)."""
    guards = []
    for name, pattern in (("context", fix.context), ("unless", fix.unless)):
        compiled = _compile_quietly(pattern) if pattern else None
        if compiled is not None:
            guards.append((name, pattern, compiled))
    return guards


def _compile_quietly(pattern: str) -> regex.Pattern[str] | None:
    """The compiled pattern, or None when it is too large or does not compile (the regex lint
    reports both)."""
    import regex   # loaded only for dictionaries with guards or regular-expression keys

    if size_problem(pattern) is not None:
        return None
    try:
        return regex.compile(pattern)
    except (regex.error, ValueError):
        return None


def _lint_regexes(fix: Fix) -> list[Finding]:
    """Guards and regular-expression keys that are too large to compile, do not compile, can
    backtrack for minutes, or match the empty string."""
    findings: list[Finding] = []
    patterns = [("`context`", fix.context, fix.location), ("`unless`", fix.unless, fix.location)]
    if fix.match is MatchMode.REGEX:
        patterns += [("key", k, fix.key_location(i)) for i, k in enumerate(fix.keys)]
    for label, pattern, where in patterns:
        if pattern:
            findings.extend(_lint_regex(label, pattern, where))
    return findings


def _lint_regex(label: str, pattern: str, where: Location) -> list[Finding]:
    import regex

    too_large = size_problem(pattern)
    if too_large is not None:
        return [Finding.error(FindingCode.REGEX_TOO_LARGE, where,
                              f"{label} {pattern!r} {too_large}: it is refused before it is compiled")]
    try:
        compiled = regex.compile(pattern)
    except (regex.error, ValueError, OverflowError) as exc:
        return [Finding.error(FindingCode.BAD_REGEX, where, f"{label} {pattern!r} does not compile: {exc}")]
    findings: list[Finding] = []
    backtracks = backtracking_problem(pattern)
    if backtracks is not None:
        findings.append(Finding.error(FindingCode.CATASTROPHIC_REGEX, where,
                                      f"{label} {pattern!r} {backtracks}; it can backtrack for minutes on a "
                                      "near-miss: make the alternatives distinct or remove the inner repeat"))
    if compiled.fullmatch(""):
        if label == "key":
            findings.append(Finding.error(FindingCode.EMPTY_MATCH_REGEX, where,
                                          f"{label} {pattern!r} matches the empty string; it would insert text "
                                          "everywhere"))
        else:
            findings.append(Finding.warning(FindingCode.CONTEXT_ALWAYS_MATCHES, where,
                                            f"{label} {pattern!r} matches the empty string, so it holds everywhere"))
    return findings


class _Replacements:
    """Every text a fix can write (each case a ``keep_case`` fix follows), with the first fix that
    writes it, and the replacements each word token occurs in."""

    def __init__(self, fixes: Sequence[Fix]) -> None:
        self.owner: dict[str, Fix] = {}
        self.writers: dict[str, list[Fix]] = {}
        for fix in fixes:
            if fix.review:
                continue
            for form in written_forms(fix):
                self.owner.setdefault(form, fix)
                self.writers.setdefault(form, []).append(fix)
        self.by_token: dict[str, list[str]] = {}
        for replacement in self.owner:
            for token in set(key_tokens(replacement)):
                self.by_token.setdefault(token, []).append(replacement)

    def near(self, fix: Fix, key: str) -> list[str]:
        """The replacements ``key`` might match.  A word key can only overlap a replacement it
        shares a token with: looking those up, instead of pairing every key with every
        replacement, keeps a 10,000-fix dictionary from taking minutes."""
        if fix.match is MatchMode.REGEX:
            return list(self.owner)
        return sorted({r for t in key_tokens(key) for r in self.by_token.get(t, ())})


def _lint_chains(fixes: Sequence[Fix]) -> list[Finding]:
    """A key that would fire on a second run over another fix's replacement: corrections would
    chain, and applying twice would differ from once.

    Keys that could overlap a replacement are found by their shared tokens, then each is tried
    for real: the text that would put the replacement under the key (the key with the overlapping
    part spelled as a key of the replacement's fix) is corrected twice, guards left out.  Only
    when the second run changes it with that key is it a chain; a longer key that always wins
    where both could match (``CaféTech.fr`` -> ``cafetech.fr`` beside ``CaféTech`` ->
    ``Cafétech``) is none.
    """
    replacements = _Replacements(fixes)
    suspects = [(number, index, chained) for number, fix in enumerate(fixes) if not fix.review
                for index, key in enumerate(fix.keys)
                if (chained := [r for r in replacements.near(fix, key) if _chains(fix, key, r)])]
    if not suspects:
        return []
    trial = _Trial(fixes)
    findings: list[Finding] = []
    for number, index, chained in suspects:
        fix, key = fixes[number], fixes[number].keys[index]
        found = next((r for r in chained if trial.chains(number, key, r, replacements.writers[r])), None)
        if found is not None:
            findings.append(Finding.error(FindingCode.CHAIN, fix.key_location(index),
                                          f"key {key!r} also matches {found!r}, the replacement written by "
                                          f"{replacements.owner[found].rule}, so a second run would change "
                                          "the text again; make the key more specific"))
    return findings


class _Trial:
    """The fixes compiled without guards, fuzzy keys or keys the other lints refuse, to try
    texts on (a guard is taken to hold, since some text around may satisfy it)."""

    def __init__(self, fixes: Sequence[Fix]) -> None:
        from .matcher import Dictionary

        self.fixes = fixes
        self.dictionary: Dictionary = Dictionary([_plain(f) for f in fixes])

    def chains(self, number: int, key: str, replacement: str, writers: Sequence[Fix]) -> bool:
        """Whether a text that puts ``replacement`` under ``key`` changes again on a second run."""
        fix = self.fixes[number]
        for witness in _witnesses(fix, key, replacement, writers):
            try:
                once = self.dictionary.apply(witness)[0]
                again = self.dictionary.find(once)
            except ConfigError:  # a guard or key the regex lints report
                return False
            if any(hit.fix == number and hit.key == key
                   and written_form(fix, once[hit.start:hit.end]) != once[hit.start:hit.end] for hit in again):
                return True
        return False


def _chains(fix: Fix, key: str, replacement: str) -> bool:
    """Whether ``key`` of ``fix`` could match over ``replacement`` and change it."""
    if (fix.match is MatchMode.WORD and written_form(fix, replacement) == replacement
            and key_tokens(key, fix.case) == key_tokens(replacement, fix.case)):
        return False  # "NVIDIA" -> "Nvidia" case-insensitively: a hit on the replacement changes nothing
    return _overlaps(fix, key, replacement)


def _plain(fix: Fix) -> Fix:
    """``fix`` without guards, fuzzy keys, review mark or unusable keys (itself when it has none:
    most fixes of a large dictionary, and a copy of each would cost more than the trial)."""
    keys = tuple(k for k in fix.keys if _usable(fix, k))
    if keys == fix.keys and not (fix.context or fix.unless or fix.fuzzy or fix.review):
        return fix
    return dataclasses.replace(fix, context="", unless="", fuzzy=0, review=False, keys=keys)


def _usable(fix: Fix, key: str) -> bool:
    if fix.match is MatchMode.WORD:
        return bool(match_form(key, fix.case))
    return size_problem(key) is None and backtracking_problem(key) is None and _compile_quietly(key) is not None


def _witnesses(fix: Fix, key: str, replacement: str, writers: Sequence[Fix]) -> list[str]:
    """Texts whose first correction puts ``replacement`` where ``key`` could match over it: each
    key of a fix that writes it (in each case a ``keep_case`` fix follows), with the rest of
    ``key`` around it where the two only partly overlap."""
    sources = [replacement] if any(w.match is MatchMode.REGEX for w in writers) else []
    for writer in writers:
        if writer.match is MatchMode.WORD:
            for wrong in writer.keys:
                variants = (wrong, wrong.upper(), wrong.lower(), wrong[:1].upper() + wrong[1:])
                sources.extend(v for v in dict.fromkeys(variants if writer.keep_case else (wrong,))
                               if written_form(writer, v) == replacement)
    if fix.match is MatchMode.REGEX:
        return sources
    texts: list[str] = []
    for head, tail in _around(key, replacement, fix.case):
        texts.extend(head + source + tail for source in sources)
    return texts


def _around(key: str, replacement: str, case: CaseMode) -> list[tuple[str, str]]:
    """Where ``key`` overlaps ``replacement`` token by token: the parts of ``key`` written
    before and after the replacement in each such overlap."""
    k, r = key_tokens(key, case), key_tokens(replacement, case)
    spans = [m.span() for m in TOKEN.finditer(key)]
    around: list[tuple[str, str]] = []
    for start in range(len(r)):  # the key starts at token `start` of the replacement
        if r[start:start + len(k)] == k[: len(r) - start]:
            covered = len(r) - start
            around.append(("", key[spans[covered - 1][1]:] if covered < len(k) else ""))
    for start in range(1, len(k)):  # the replacement starts at token `start` of the key
        if k[start:start + len(r)] == r[: len(k) - start]:
            ends = start + len(r)
            around.append((key[:spans[start][0]], key[spans[ends - 1][1]:] if ends < len(k) else ""))
    return around


def _lint_guards(fixes: Sequence[Fix]) -> list[Finding]:
    """A guard that sees a replacement but not the keys it replaces could decide differently once
    that fix has run; one that sees both decides the same."""
    findings: list[Finding] = []
    for fix in fixes:
        for name, _, compiled in _guards(fix):
            seen = next((other.to for other in fixes if other.to != fix.to and compiled.search(other.to)
                         and not all(compiled.search(k) for k in other.keys)), None)
            if seen is not None:
                findings.append(Finding.warning(FindingCode.GUARD_SEES_REPLACEMENT, fix.location,
                                                f"`{name}` matches the replacement {seen!r}: once that fix is "
                                                "applied a second run may decide this guard differently"))
    return findings


def _overlaps(fix: Fix, key: str, replacement: str) -> bool:
    if fix.match is MatchMode.REGEX:
        import regex

        flags = regex.IGNORECASE if fix.case is CaseMode.INSENSITIVE else 0
        compiled = _compile_quietly(f"(?{'i' if flags else ''}:{key})") if key else None
        if compiled is None:
            return False
        if replacement == fix.to and compiled.fullmatch(replacement):
            return False  # a hit on its own replacement changes nothing
        return bool(compiled.search(replacement))
    k = key_tokens(key, fix.case)
    r = key_tokens(replacement, fix.case)
    if not k or not r:
        return False
    # k inside r, r inside k, or a prefix of one equal to a suffix of the other.
    for start in range(len(r)):
        if r[start:start + len(k)] == k[: len(r) - start]:
            return True
    for start in range(1, len(k)):
        if k[start:start + len(r)] == r[: len(k) - start]:
            return True
    return False


def refuse_errors(findings: Sequence[Finding]) -> None:
    """Raise for the first error among ``findings`` (a dictionary with an error is refused
    before any text is touched); warnings pass.

    Raises:
        ConfigError: the first error's code and message at its place, with how many more.
    """
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        first = errors[0]
        more = f" ({len(errors) - 1} more: run `captions dict check`)" if len(errors) > 1 else ""
        raise ConfigError(f"{first.code.value}: {first.message}{more}", first.location)


def check_dictionaries(paths: Sequence[str | os.PathLike[str]], *, against: Iterable[str] = ()) -> tuple[
        Finding, ...]:
    """Every problem in the dictionaries, as findings (``captions dict check``); never raises for
    bad content, only for a file that cannot be read at all.

    Args:
        paths: the dictionaries in the order they apply.
        against: transcript texts on which guards are tried (``context-never-matches``).

    Returns:
        The findings by file (in the order of ``paths``) and line.
    """
    fixes, findings = read_dictionaries(paths)
    order = {str(p): n for n, p in enumerate(paths)}
    return tuple(sorted((*findings, *lint_fixes(fixes, against=against)),
                        key=lambda f: (order.get(f.location.source, len(order)), f.location.line or 0)))
