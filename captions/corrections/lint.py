"""The dictionary lint: every problem of a list of fixes, as findings (``captions dict check``).

A dictionary with an error is refused before any text is touched (:func:`refuse_errors`).
"""

from __future__ import annotations

import os
from typing import Iterable, Sequence

import regex

from ..errors import ConfigError
from ..findings import Finding, FindingCode, Severity
from .fixes import CaseMode, Fix, MatchMode, key_gaps, key_tokens, read_dictionary, written_form, written_forms

__all__ = ["lint_fixes", "check_dictionaries", "refuse_errors", "read_all"]

def lint_fixes(fixes: Sequence[Fix], *, against: Iterable[str] = ()) -> tuple[Finding, ...]:
    """Every problem of a list of fixes (several files already concatenated in priority order).

    Args:
        against: texts (transcripts) to test the ``context``/``unless`` guards on; a guard that
            matches none of them is reported as ``context-never-matches``.
    """
    findings: list[Finding] = []
    seen: dict[tuple, tuple[Fix, int]] = {}
    for fix in fixes:
        findings.extend(_lint_regexes(fix))
        if fix.fuzzy and any(len(key_tokens(k)) > 1 for k in fix.keys if fix.match is MatchMode.WORD):
            findings.append(Finding.warning(FindingCode.FUZZY_MULTIWORD, fix.location,
                                     "`fuzzy` applies to one-word keys only; the multi-word keys of this fix "
                                     "match exactly"))
        for index, key in enumerate(fix.keys):
            ident = _key_identity(fix, key)
            if ident not in seen:
                seen[ident] = (fix, index)
                continue
            first, first_index = seen[ident]
            where = fix.key_location(index)
            before = first.key_location(first_index)
            if first.to == fix.to:
                findings.append(Finding.warning(FindingCode.DUPLICATE_KEY, where,
                                         f"key {key!r} is already listed at {before}"))
            elif first.location.source != fix.location.source:
                findings.append(Finding.warning(FindingCode.OVERRIDDEN_KEY, where,
                                         f"key {key!r} -> {fix.to!r} is hidden by {before} ({first.to!r}), "
                                         "which comes first"))
            else:
                findings.append(Finding.error(FindingCode.CONFLICTING_FIX, where,
                                       f"key {key!r} -> {fix.to!r} but {before} already sends it to {first.to!r}"))
    findings.extend(_lint_chains(fixes))
    texts = tuple(against)
    if texts:
        for fix in fixes:
            for name in ("context", "unless"):
                pattern = getattr(fix, name)
                compiled = _compile_quietly(pattern)
                if pattern and compiled is not None and not any(compiled.search(t) for t in texts):
                    findings.append(Finding.warning(FindingCode.CONTEXT_NEVER_MATCHES, fix.location,
                                             f"`{name}` {pattern!r} matches nowhere in the checked text"))
    return tuple(sorted(findings, key=lambda f: (f.location.source, f.location.line or 0, f.code.value)))


def _key_identity(fix: Fix, key: str) -> tuple:
    if fix.match is MatchMode.REGEX:
        return ("regex", fix.case, key)
    return ("word", key_tokens(key, CaseMode.INSENSITIVE), key_gaps(key))


def _compile_quietly(pattern: str):
    try:
        return regex.compile(pattern)
    except (regex.error, ValueError):
        return None


def _lint_regexes(fix: Fix) -> list[Finding]:
    findings: list[Finding] = []
    patterns = [("`context`", fix.context, fix.location), ("`unless`", fix.unless, fix.location)]
    if fix.match is MatchMode.REGEX:
        patterns += [("key", k, fix.key_location(i)) for i, k in enumerate(fix.keys)]
    for label, pattern, where in patterns:
        if not pattern:
            continue
        try:
            compiled = regex.compile(pattern)
        except (regex.error, ValueError) as exc:
            findings.append(Finding.error(FindingCode.BAD_REGEX, where, f"{label} {pattern!r} does not compile: {exc}"))
            continue
        if _nested_quantifier(pattern):
            findings.append(Finding.error(FindingCode.CATASTROPHIC_REGEX, where,
                                   f"{label} {pattern!r} repeats a group that itself repeats (like (a+)+); "
                                   "it can backtrack for minutes on a near-miss: remove the inner or outer repeat"))
        if compiled.fullmatch(""):
            if label == "key":
                findings.append(Finding.error(FindingCode.EMPTY_MATCH_REGEX, where,
                                       f"{label} {pattern!r} matches the empty string; "
                                       "it would insert text everywhere"))
            else:
                findings.append(Finding.warning(FindingCode.CONTEXT_ALWAYS_MATCHES, where,
                                         f"{label} {pattern!r} matches the empty string, so it holds everywhere"))
    return findings


def _nested_quantifier(pattern: str) -> bool:
    """True when an unbounded repeat contains another unbounded repeat (the classic
    exponential-backtracking shape).  Uses the standard library's regex parser: the
    syntax ``regex`` adds is rare in dictionaries, and a pattern it cannot parse is not flagged."""
    try:
        from re import _parser as parser  # Python 3.11+
        tree = parser.parse(pattern)
    except Exception:
        return False
    repeats = {parser.MAX_REPEAT, parser.MIN_REPEAT, getattr(parser, "POSSESSIVE_REPEAT", None)}
    unbounded = parser.MAXREPEAT

    def walk(items, inside: bool) -> bool:
        for op, arg in items:
            if op in repeats:
                low, high, body = arg
                if high == unbounded or high > 50:
                    if inside or walk(body, True):
                        return True
                    continue
                if walk(body, inside):
                    return True
            elif op is parser.SUBPATTERN:
                if walk(arg[-1], inside):
                    return True
            elif op is parser.BRANCH:
                if any(walk(branch, inside) for branch in arg[1]):
                    return True
            elif op in (parser.ASSERT, parser.ASSERT_NOT):
                if walk(arg[1], inside):
                    return True
        return False

    return walk(tree, False)


def _lint_chains(fixes: Sequence[Fix]) -> list[Finding]:
    """A key that could match over another fix's replacement would fire on a second run:
    corrections would chain, and applying twice would differ from once."""
    findings: list[Finding] = []
    replacements: dict[str, Fix] = {}  # every text a fix can write (each case a keep_case fix follows)
    for fix in fixes:
        for form in written_forms(fix):
            replacements.setdefault(form, fix)
    # A word key can only overlap a replacement it shares a token with: look those up instead
    # of pairing every key with every replacement (10,000 x 10,000 would take minutes).
    by_token: dict[str, list[str]] = {}
    for replacement in replacements:
        for token in set(key_tokens(replacement)):
            by_token.setdefault(token, []).append(replacement)
    for fix in fixes:
        for index, key in enumerate(fix.keys):
            if fix.match is MatchMode.REGEX:
                candidates = list(replacements)
            else:
                candidates = sorted({r for t in key_tokens(key) for r in by_token.get(t, ())})
            for replacement in candidates:
                owner = replacements[replacement]
                if (fix.match is MatchMode.WORD and written_form(fix, replacement) == replacement
                        and key_tokens(key, fix.case) == key_tokens(replacement, fix.case)):
                    continue  # "NVIDIA" -> "Nvidia" case-insensitively: a hit on the replacement changes nothing
                if _overlaps(fix, key, replacement):
                    findings.append(Finding.error(FindingCode.CHAIN, fix.key_location(index),
                                           f"key {key!r} also matches {replacement!r}, the replacement written by "
                                           f"{owner.rule}, so a second run would change the text again; "
                                           "make the key more specific"))
                    break
        for name in ("context", "unless"):
            compiled = _compile_quietly(getattr(fix, name)) if getattr(fix, name) else None
            if compiled is not None:
                # A guard that sees a replacement but not the keys it replaces could decide
                # differently once that fix has run; one that sees both decides the same.
                seen = [other.to for other in fixes if other.to != fix.to and compiled.search(other.to)
                        and not all(compiled.search(k) for k in other.keys)]
                if seen:
                    findings.append(Finding.warning(FindingCode.GUARD_SEES_REPLACEMENT, fix.location,
                                             f"`{name}` matches the replacement {seen[0]!r}: once that fix is "
                                             "applied a second run may decide this guard differently"))
    return findings


def _overlaps(fix: Fix, key: str, replacement: str) -> bool:
    if fix.match is MatchMode.REGEX:
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
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        first = errors[0]
        more = f" ({len(errors) - 1} more: run `captions dict check`)" if len(errors) > 1 else ""
        raise ConfigError(f"{first.code.value}: {first.message}{more}", first.location)


def read_all(paths: Sequence[str | os.PathLike]) -> tuple[list[Fix], list[Finding]]:
    fixes: list[Fix] = []
    findings: list[Finding] = []
    for path in paths:
        found, problems = read_dictionary(path)
        fixes.extend(found)
        findings.extend(problems)
    return fixes, findings


def check_dictionaries(paths: Sequence[str | os.PathLike], *, against: Iterable[str] = ()) -> tuple[Finding, ...]:
    """Every problem in the dictionaries, as findings (``captions dict check``); never raises for
    bad content, only for a file that cannot be read at all.

    Args:
        against: transcript texts on which guards are tried (``context-never-matches``).
    """
    fixes, findings = read_all(paths)
    order = {str(p): n for n, p in enumerate(paths)}
    return tuple(sorted((*findings, *lint_fixes(fixes, against=against)),
                        key=lambda f: (order.get(f.location.source, len(order)), f.location.line or 0)))
