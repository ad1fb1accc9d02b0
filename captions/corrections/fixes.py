"""Correction dictionaries as data: reading TOML/TSV/CSV files and finding them next to an input.

A dictionary is a tuple of :class:`Fix` values, each remembering the file and line it came
from, so every later message and every recorded change can point at it.

What a *word* is, for keys and for the text they are matched in, is decided here once
(:data:`TOKEN`): a run of Unicode word characters, or any single other visible character.
An apostrophe is therefore its own token, so ``d'Anthropik`` holds the word ``Anthropik``.
"""

from __future__ import annotations

import bisect
import enum
import functools
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import regex

from ..errors import ConfigError, Location
from ..files import read_source, same_file
from ..findings import Finding, FindingCode

__all__ = [
    "TOKEN", "WORD", "DICTIONARY_SUFFIXES", "CaseMode", "MatchMode", "Fix", "key_tokens", "key_gaps",
    "written_form", "written_forms", "parse_dictionary", "read_dictionary", "discover_dictionaries",
    "dictionaries_for",
]

#: One token: a run of word characters, or one other non-space character (an apostrophe,
#: a hyphen, "&", "."). Keys and text are cut the same way.
TOKEN = regex.compile(r"\w+|[^\w\s]")


WORD = regex.compile(r"\w+")


DICTIONARY_SUFFIXES = (".toml", ".tsv", ".csv")


_FIELDS = {"to", "from", "case", "match", "fuzzy", "context", "unless", "window", "keep_case"}


class CaseMode(str, enum.Enum):
    INSENSITIVE = "insensitive"
    SENSITIVE = "sensitive"


class MatchMode(str, enum.Enum):
    WORD = "word"
    REGEX = "regex"


@dataclass(frozen=True, slots=True)
class Fix:
    """One ``[[fix]]`` table (or one TSV/CSV row): every key in ``keys`` becomes ``to``.

    Attributes:
        to: the replacement, written exactly as given (unless ``keep_case``).
        keys: the wrong forms (words, or regular expressions when ``match`` is regex).
        location: the file and line of the table header or row; its text is the rule id.
        key_lines: the line of each key, for lint messages.
    """

    to: str
    keys: tuple[str, ...]
    case: CaseMode = CaseMode.INSENSITIVE
    match: MatchMode = MatchMode.WORD
    fuzzy: int = 0
    context: str = ""
    unless: str = ""
    window: int = 120
    keep_case: bool = False
    location: Location = field(default_factory=Location)
    key_lines: tuple[int | None, ...] = ()

    @property
    def rule(self) -> str:
        """The stable id of this fix in explanations: ``file:line``."""
        return str(self.location)

    def key_location(self, index: int) -> Location:
        line = self.key_lines[index] if index < len(self.key_lines) else None
        return Location(self.location.source, line or self.location.line)


def key_tokens(key: str, case: CaseMode = CaseMode.INSENSITIVE) -> tuple[str, ...]:
    """A word key as the tokens it must match (lower-cased when case-insensitive).

    >>> key_tokens("d'Open  AI")
    ('d', "'", 'open', 'ai')
    """
    tokens = tuple(TOKEN.findall(key))
    return tuple(t.lower() for t in tokens) if case is CaseMode.INSENSITIVE else tokens


def key_gaps(key: str) -> tuple[bool, ...]:
    """For each pair of neighbouring tokens of a key, whether whitespace separates them."""
    spans = [m.span() for m in TOKEN.finditer(key)]
    return tuple(spans[i][1] < spans[i + 1][0] for i in range(len(spans) - 1))


def written_form(fix: Fix, hit_text: str) -> str:
    """What ``fix`` writes over ``hit_text``: ``to`` as given, or following the hit's case
    (lower, UPPER, Capitalised) when the fix keeps case.

    >>> written_form(Fix(to="Jolla", keys=("yola",), keep_case=True), "YOLA")
    'JOLLA'
    """
    to = fix.to
    if not fix.keep_case:
        return to
    letters = [c for c in hit_text if c.isalpha()]
    if not letters:
        return to
    if all(c.islower() for c in letters):
        return to.lower()
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return to.upper()
    if letters[0].isupper():
        return to[:1].upper() + to[1:]
    return to


def written_forms(fix: Fix) -> tuple[str, ...]:
    """Every text ``fix`` can write."""
    if not fix.keep_case:
        return (fix.to,)
    return tuple(dict.fromkeys((fix.to, written_form(fix, "a"), written_form(fix, "AA"), written_form(fix, "Aa"))))


def parse_dictionary(text: str, source: str = "<dictionary>", *, kind: str = "toml") -> tuple[
        tuple[Fix, ...], tuple[Finding, ...]]:
    """Read a dictionary's text into fixes, and findings for the entries that cannot be read.

    Args:
        kind: ``toml``, ``tsv`` or ``csv``.

    Returns:
        The readable fixes and one ``unreadable-entry`` finding per entry that is not
        (a whole file that is not TOML gives one finding and no fix).

    >>> fixes, problems = parse_dictionary('[[fix]]\\nto = "OpenAI"\\nfrom = ["Open AI"]\\n', "d.toml")
    >>> fixes[0].keys, fixes[0].rule, problems
    (('Open AI',), 'd.toml:1', ())
    """
    if kind == "toml":
        return _parse_toml(text, source)
    if kind in ("tsv", "csv"):
        return _parse_table(text, source, "\t" if kind == "tsv" else ",")
    raise ConfigError(f"unknown dictionary kind {kind!r}; expected toml, tsv or csv", Location(source))


def read_dictionary(path: str | os.PathLike) -> tuple[tuple[Fix, ...], tuple[Finding, ...]]:
    """Read a dictionary file (any encoding :func:`captions.files.decode` reads).

    Raises:
        ConfigError: when the file cannot be read or its suffix is not .toml, .tsv or .csv.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in DICTIONARY_SUFFIXES:
        raise ConfigError(f"dictionary {path} has suffix {suffix!r}; expected .toml, .tsv or .csv",
                          Location(str(path)))
    try:
        decoded = read_source(path)
    except ConfigError:
        raise
    except Exception as exc:  # a ParseError from decoding: a dictionary is configuration
        raise ConfigError(getattr(exc, "message", str(exc)), getattr(exc, "location", Location(str(path)))) from None
    return parse_dictionary(decoded.text, str(path), kind=suffix[1:])


_TOML_AT = regex.compile(r"\(at line (\d+), column (\d+)\)")


_FIX_HEADER = regex.compile(r"^[ \t]*\[\[[ \t]*fix[ \t]*\]\]", regex.M)


def _parse_toml(text: str, source: str) -> tuple[tuple[Fix, ...], tuple[Finding, ...]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_AT.search(str(exc))
        if found:
            where = Location(source, int(found[1]), int(found[2]))
        else:  # "at end of document": something opened is never closed
            where = Location(source, text.rstrip().count("\n") + 1)
        message = _TOML_AT.sub("", str(exc)).strip()
        return (), (Finding.error(FindingCode.UNREADABLE_ENTRY, where, f"not valid TOML: {message}"),)
    problems: list[Finding] = []
    for name in data:
        if name != "fix":
            line = _line_of_key(text, name, 0, len(text))
            problems.append(Finding.error(FindingCode.UNREADABLE_ENTRY, Location(source, line),
                                   f"unknown top-level entry {name!r}; expected only [[fix]] tables"))
    tables = data.get("fix", [])
    if not isinstance(tables, list):
        where = Location(source, _line_of_key(text, "fix", 0, len(text)))
        return (), (*problems, Finding.error(FindingCode.UNREADABLE_ENTRY, where,
                                      "`fix` must be an array of tables written [[fix]]"))
    # tomllib gives no positions: the n-th [[fix]] header in the text is the n-th table.
    headers = [m.start() for m in _FIX_HEADER.finditer(text)]
    fixes: list[Fix] = []
    for index, table in enumerate(tables):
        begin = headers[index] if index < len(headers) else 0
        end = headers[index + 1] if index + 1 < len(headers) else len(text)
        header_line = _line_at(text, begin) if index < len(headers) else None
        fix, found = _read_table(table, source, text, begin, end, header_line)
        problems.extend(found)
        if fix is not None:
            fixes.append(fix)
    return tuple(fixes), tuple(problems)


@functools.lru_cache(maxsize=4)
def _line_starts(text: str) -> tuple[int, ...]:
    return tuple(m.end() for m in regex.finditer("\n", text))


def _line_at(text: str, position: int) -> int:
    """The 1-based line of a character offset (a bisection, not a count from the start, so that
    locating every table of a 10,000-fix dictionary stays linear)."""
    return bisect.bisect_right(_line_starts(text), position) + 1


def _line_of_key(text: str, key: str, begin: int, end: int) -> int | None:
    pattern = regex.compile(rf"^[ \t]*(?:{regex.escape(key)}|\"{regex.escape(key)}\")[ \t]*=", regex.M)
    found = pattern.search(text, begin, end)
    if found is None:
        return _line_at(text, begin) if begin else None
    return _line_at(text, found.start())


def _key_lines(text: str, begin: int, end: int, keys: Sequence[str]) -> tuple[int | None, ...]:
    """The line of each key string inside one table (first occurrence after the previous one)."""
    lines: list[int | None] = []
    cursor = begin
    for key in keys:
        for quoted in (f'"{key}"', f"'{key}'", key):
            at = text.find(quoted, cursor, end)
            if at >= 0:
                lines.append(_line_at(text, at))
                cursor = at + len(quoted)
                break
        else:
            lines.append(None)
    return tuple(lines)


def _read_table(table: object, source: str, text: str, begin: int, end: int,
                header_line: int | None) -> tuple[Fix | None, list[Finding]]:
    here = Location(source, header_line)

    def at(key: str) -> Location:
        return Location(source, _line_of_key(text, key, begin, end) or header_line)

    if not isinstance(table, dict):
        return None, [Finding.error(FindingCode.UNREADABLE_ENTRY, here, "a fix must be a table written [[fix]]")]
    problems = [Finding.error(FindingCode.UNREADABLE_ENTRY, at(name), f"unknown field {name!r} in [[fix]]; expected one of "
                       + ", ".join(sorted(_FIELDS))) for name in table if name not in _FIELDS]
    to = table.get("to")
    if not isinstance(to, str) or not to.strip():
        problems.append(Finding.error(FindingCode.UNREADABLE_ENTRY, at("to") if "to" in table else here,
                               f"`to` must be a non-empty string, found {to!r}"))
    keys = table.get("from")
    if isinstance(keys, str):
        keys = [keys]
    if (not isinstance(keys, list) or not keys
            or not all(isinstance(k, str) and k.strip() for k in keys)):
        problems.append(Finding.error(FindingCode.UNREADABLE_ENTRY, at("from") if "from" in table else here,
                               f"`from` must be a non-empty string or list of non-empty strings, found {keys!r}"))
    options: dict[str, object] = {}
    for name, enum_type in (("case", CaseMode), ("match", MatchMode)):
        if name in table:
            try:
                options[name] = enum_type(table[name])
            except ValueError:
                allowed = " or ".join(repr(m.value) for m in enum_type)
                problems.append(Finding.error(FindingCode.UNREADABLE_ENTRY, at(name),
                                       f"`{name}` is {table[name]!r}; expected {allowed}"))
    for name, low in (("fuzzy", 0), ("window", 0)):
        if name in table:
            value = table[name]
            if isinstance(value, bool) or not isinstance(value, int) or value < low or (name == "fuzzy" and value > 3):
                expected = "an integer from 0 to 3" if name == "fuzzy" else "a non-negative integer"
                problems.append(Finding.error(FindingCode.UNREADABLE_ENTRY, at(name),
                                       f"`{name}` is {value!r}; expected {expected}"))
            else:
                options[name] = value
    for name in ("context", "unless"):
        if name in table:
            if not isinstance(table[name], str):
                problems.append(Finding.error(FindingCode.UNREADABLE_ENTRY, at(name),
                                       f"`{name}` is {table[name]!r}; expected a regular expression string"))
            else:
                options[name] = table[name]
    if "keep_case" in table:
        if not isinstance(table["keep_case"], bool):
            problems.append(Finding.error(FindingCode.UNREADABLE_ENTRY, at("keep_case"),
                                   f"`keep_case` is {table['keep_case']!r}; expected true or false"))
        else:
            options["keep_case"] = table["keep_case"]
    if problems:
        return None, problems
    key_lines = _key_lines(text, begin, end, keys)
    return Fix(to=to, keys=tuple(keys), location=here, key_lines=key_lines, **options), []


def _parse_table(text: str, source: str, separator: str) -> tuple[tuple[Fix, ...], tuple[Finding, ...]]:
    import csv
    import io

    fixes: list[Fix] = []
    problems: list[Finding] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        row = next(csv.reader(io.StringIO(raw), delimiter=separator)) if separator == "," else raw.split("\t")
        row = [cell.strip() for cell in row]
        while len(row) > 2 and not row[-1]:
            row.pop()
        where = Location(source, number)
        if len(row) != 2 or not row[0] or not row[1]:
            name = "TAB" if separator == "\t" else "comma"
            problems.append(Finding.error(FindingCode.UNREADABLE_ENTRY, where,
                                   f"found {raw.strip()!r}; expected two columns `wrong{separator}right` "
                                   f"separated by a {name}"))
            continue
        if not fixes and not problems and [c.lower() for c in row] in (["wrong", "right"], ["from", "to"]):
            continue  # a spreadsheet header row
        fixes.append(Fix(to=row[1], keys=(row[0],), location=where, key_lines=(number,)))
    return tuple(fixes), tuple(problems)


def discover_dictionaries(input_path: str | os.PathLike) -> tuple[Path, ...]:
    """The dictionaries that apply to a transcript because of where they sit, most specific first.

    In the transcript's folder: ``NAME.dict.toml`` (or ``.tsv``/``.csv``) where the transcript's
    file name is ``NAME`` or starts with ``NAME`` followed by ``-``, ``_`` or ``.`` (so
    ``techco.dict.toml`` serves ``techco-2026-03-05.txt``), longest ``NAME`` first; then
    ``captions.dict.*``, which serves every file in the folder.
    """
    path = Path(input_path)
    if str(input_path) == "-" or not path.parent.is_dir():
        return ()
    stem = path.stem
    named: list[tuple[int, str, Path]] = []
    folder: list[Path] = []
    for candidate in sorted(path.parent.iterdir()):
        name = candidate.name
        suffix = candidate.suffix.lower()
        if suffix not in DICTIONARY_SUFFIXES or not name[: -len(suffix)].endswith(".dict") or not candidate.is_file():
            continue
        base = name[: -len(suffix) - len(".dict")]
        if base == "captions":
            folder.append(candidate)
        elif base and (stem == base or (stem.startswith(base) and stem[len(base)] in "-_.")):
            named.append((-len(base), name, candidate))
    return tuple(p for _, _, p in sorted(named)) + tuple(folder)


def dictionaries_for(input_path: str | os.PathLike, explicit: Sequence[str | os.PathLike] = (), *,
                     discover: bool = True) -> tuple[Path, ...]:
    """The dictionaries that apply to an input, in the order they apply (the first holding a key wins).

    Every ``explicit`` one (``--dict``) in the order given, then, unless ``discover`` is off,
    those :func:`discover_dictionaries` finds next to the input and not already listed.
    """
    paths = [Path(p) for p in explicit]
    if discover:
        for found in discover_dictionaries(input_path):
            if not any(same_file(found, p) for p in paths):
                paths.append(found)
    return tuple(paths)
