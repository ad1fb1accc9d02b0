"""Correction dictionaries as data: reading TOML/TSV/CSV files and finding them next to an input.

A dictionary is a tuple of :class:`Fix` values, each remembering the file and line it came
from, so every later message and every recorded change can point at it.

What a *word* is, for keys and for the text they are matched in, is decided here once
(:data:`TOKEN`, :func:`is_word_char`): a run of Unicode word characters, or any single other
visible character.  An apostrophe is therefore its own token, so ``d'Anthropik`` holds the word
``Anthropik``.  Keys and text are compared in NFC (:func:`match_form`), so a key written with
``ç`` matches a text that spells it ``c`` + U+0327.
"""

from __future__ import annotations

import bisect
import enum
import functools
import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence, TypeVar, overload

from ..errors import ConfigError, Location, ParseError
from ..files import read_source, same_file
from ..findings import Finding, FindingCode

__all__ = [
    "TOKEN", "WORD", "DICTIONARY_SUFFIXES", "CaseMode", "MatchMode", "Fix", "FixTable", "key_tokens", "key_gaps", "is_word_char",
    "fold", "match_form", "TABLE_HEADERS",
    "word_identity", "written_form", "written_forms", "parse_dictionary", "read_dictionary", "read_dictionaries",
    "discover_dictionaries", "dictionaries_for",
]

#: One token: a run of word characters, or one other non-space character (an apostrophe,
#: a hyphen, "&", "."). Keys and text are cut the same way.
TOKEN = re.compile(r"\w+|[^\w\s]")


#: One word: a run of word characters (what fuzzy matching compares, and never splits).
WORD = re.compile(r"\w+")


def is_word_char(char: str) -> bool:
    """Whether ``char`` is a word character (what :data:`WORD` matches: a letter or digit of any
    script, or ``_``); a hit never starts or ends between two of them.

    >>> is_word_char("é"), is_word_char("'"), is_word_char("_")
    (True, False, True)
    """
    return char.isalnum() or char == "_"


def fold(text: str) -> str:
    """``text`` lower-cased without changing its length (a character whose lower case is longer,
    such as ``İ``, is kept as it is), so that offsets in the folded text are offsets in ``text``.

    >>> fold("Open AI"), len(fold("İstanbul")) == len("İstanbul")
    ('open ai', True)
    """
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := c.lower()) == 1 else c for c in text)


def match_form(key: str, case: CaseMode) -> str:
    """A word key as the text it matches once the text's whitespace runs are one space: its
    tokens in NFC (folded when case-insensitive), a space where the key has whitespace.

    >>> match_form("d'Open  AI", CaseMode.INSENSITIVE)
    "d'open ai"
    """
    normal = unicodedata.normalize("NFC", key)
    spans = [m.span() for m in TOKEN.finditer(normal)]
    parts = [normal[a:b] if i == 0 or spans[i - 1][1] == a else " " + normal[a:b] for i, (a, b) in enumerate(spans)]
    joined = "".join(parts)
    return fold(joined) if case is CaseMode.INSENSITIVE else joined


DICTIONARY_SUFFIXES = (".toml", ".tsv", ".csv")


_T = TypeVar("_T")
_E = TypeVar("_E", bound=enum.Enum)


_FIELDS = {"to", "from", "case", "match", "fuzzy", "context", "unless", "window", "keep_case", "review"}


class CaseMode(str, enum.Enum):
    """How a fix's keys compare with the text (the ``case`` field)."""

    INSENSITIVE = "insensitive"
    SENSITIVE = "sensitive"


class MatchMode(str, enum.Enum):
    """What a fix's keys are (the ``match`` field): words, or regular expressions."""

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
        review: a suggestion not yet reviewed (``captions dict suggest`` writes them): never
            applied, and reported by ``captions dict check`` until the field is removed.
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
    review: bool = False

    @property
    def rule(self) -> str:
        """The stable id of this fix in explanations: ``file:line``."""
        return str(self.location)

    def key_location(self, index: int) -> Location:
        """Where key ``index`` is written (the fix's own line when that is not known)."""
        line = self.key_lines[index] if index < len(self.key_lines) else None
        return Location(self.location.source, line or self.location.line)


#: One fix as plain values (what :class:`FixTable` keeps and pickles): its fields in order, the
#: location as its three parts.
_Row = tuple[str, tuple[str, ...], CaseMode, MatchMode, int, str, str, int, bool, str, int | None, int | None,
             tuple[int | None, ...], bool]


def _row(fix: Fix) -> _Row:
    where = fix.location
    return (fix.to, fix.keys, fix.case, fix.match, fix.fuzzy, fix.context, fix.unless, fix.window, fix.keep_case,
            where.source, where.line, where.column, fix.key_lines, fix.review)


def _fix_of(row: _Row) -> Fix:
    (to, keys, case, match, fuzzy, context, unless, window, keep_case, source, line, column, key_lines,
     review) = row
    return Fix(to, keys, case, match, fuzzy, context, unless, window, keep_case, Location(source, line, column),
               key_lines, review)


#: The fixes of a table as columns, one per :data:`_Row` field: a list of one value per fix, or a
#: 1-tuple when every fix has that value (most fields of a large dictionary are at their default).
_Columns = tuple["list[object] | tuple[object]", ...]


def _columns_of(rows: Sequence[_Row]) -> _Columns:
    columns: list[list[object] | tuple[object]] = []
    for column in zip(*rows):
        first = column[0]
        same = all(value is first for value in column) or all(value == first for value in column)
        columns.append((first,) if same else list(column))
    return tuple(columns)


class FixTable(Sequence[Fix]):
    """The fixes of a compiled dictionary, as a read-only sequence that pickles as columns of
    plain values (see :mod:`.cache`) and, read back, builds each :class:`Fix` only when it is
    asked for: a matcher loaded from the cache touches only the fixes that made a change.

    >>> table = FixTable([Fix("OpenAI", ("Open AI",)), Fix("Jolla", ("yola",), fuzzy=1)])
    >>> import pickle; list(pickle.loads(pickle.dumps(table))) == list(table), len(table)
    (True, 2)
    """

    __slots__ = ("_built", "_columns")

    def __init__(self, fixes: Sequence[Fix] = (), *, columns: _Columns | None = None, size: int = 0) -> None:
        if columns is None:
            self._built: list[Fix | None] = list(fixes)
            self._columns: _Columns | None = None
        else:
            self._built = [None] * size
            self._columns = columns

    def __len__(self) -> int:
        return len(self._built)

    @overload
    def __getitem__(self, index: int) -> Fix: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Fix, ...]: ...

    def __getitem__(self, index: int | slice) -> Fix | tuple[Fix, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        fix = self._built[index]
        if fix is None:
            assert self._columns is not None  # a table without columns was built from its fixes
            at = range(len(self._built))[index]
            row = tuple(c[at] if type(c) is list else c[0] for c in self._columns)
            fix = self._built[index] = _fix_of(row)  # type: ignore[arg-type]  # the columns of _Row's fields
        return fix

    def __iter__(self) -> Iterator[Fix]:
        return (self[i] for i in range(len(self)))

    def __reduce__(self) -> tuple[Callable[[_Columns, int], FixTable], tuple[_Columns, int]]:
        if self._columns is not None:
            return _table_of_columns, (self._columns, len(self))
        return _table_of_columns, (_columns_of([_row(self[i]) for i in range(len(self))]), len(self))

    def __repr__(self) -> str:
        return f"FixTable({len(self)} fixes)"


def _table_of_columns(columns: _Columns, size: int) -> FixTable:
    return FixTable(columns=columns, size=size)


def key_tokens(key: str, case: CaseMode = CaseMode.INSENSITIVE) -> tuple[str, ...]:
    """A word key as the tokens it must match (lower-cased when case-insensitive).

    >>> key_tokens("d'Open  AI")
    ('d', "'", 'open', 'ai')
    """
    tokens = TOKEN.findall(key)
    return tuple(map(str.lower, tokens)) if case is CaseMode.INSENSITIVE else tuple(tokens)


def key_gaps(key: str) -> tuple[bool, ...]:
    """For each pair of neighbouring tokens of a key, whether whitespace separates them.

    >>> key_gaps("d'Open AI"), key_gaps("OpenAI")
    ((False, False, True), ())
    """
    if len(key.split()) <= 1:  # one run of visible characters: its tokens touch
        return (False,) * max(0, len(TOKEN.findall(key)) - 1)
    spans = [m.span() for m in TOKEN.finditer(key)]
    return tuple(spans[i][1] < spans[i + 1][0] for i in range(len(spans) - 1))


def word_identity(key: str, case: CaseMode) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    """What makes two word keys one key: their tokens (lower-cased when case-insensitive) and
    which neighbouring tokens whitespace separates (any run of it counts the same).

    >>> word_identity("Open  AI", CaseMode.INSENSITIVE) == word_identity("open AI", CaseMode.INSENSITIVE)
    True
    >>> word_identity("Open AI", CaseMode.INSENSITIVE) == word_identity("OpenAI", CaseMode.INSENSITIVE)
    False
    """
    return key_tokens(key, case), key_gaps(key)


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
        return _parse_table(text, source, kind)
    raise ConfigError(f"unknown dictionary kind {kind!r}; expected toml, tsv or csv", Location(source))


def read_dictionary(path: str | os.PathLike[str]) -> tuple[tuple[Fix, ...], tuple[Finding, ...]]:
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
    except ParseError as exc:  # a file that cannot be read or decoded: a dictionary is configuration
        raise ConfigError(exc.message, exc.location) from None
    return parse_dictionary(decoded.text, str(path), kind=suffix[1:])


def read_dictionaries(paths: Sequence[str | os.PathLike[str]]) -> tuple[tuple[Fix, ...], tuple[Finding, ...]]:
    """Read dictionaries given in the order they apply: their fixes one file after the other (so
    for a key listed in several, the first file's fix comes first), and every unreadable entry.

    Raises:
        ConfigError: when a file cannot be read at all (see :func:`read_dictionary`).
    """
    fixes: list[Fix] = []
    findings: list[Finding] = []
    for path in paths:
        found, problems = read_dictionary(path)
        fixes.extend(found)
        findings.extend(problems)
    return tuple(fixes), tuple(findings)


_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


_FIX_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*fix[ \t]*\]\]", re.M)


def _parse_toml(text: str, source: str) -> tuple[tuple[Fix, ...], tuple[Finding, ...]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return (), (_toml_error(exc, text, source),)
    problems = [Finding.error(FindingCode.UNREADABLE_ENTRY, Location(source, _line_of_key(text, name, 0, len(text))),
                              f"unknown top-level entry {name!r}; expected only [[fix]] tables")
                for name in data if name != "fix"]
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


def _toml_error(exc: tomllib.TOMLDecodeError, text: str, source: str) -> Finding:
    """The finding for a file that is not TOML, at the place tomllib names."""
    at = _TOML_AT.search(str(exc))
    if at:
        where = Location(source, int(at[1]), int(at[2]))
    else:  # "at end of document": something opened is never closed
        where = Location(source, _line_at(text, len(text.rstrip())))
    message = _TOML_AT.sub("", str(exc)).strip()
    return Finding.error(FindingCode.UNREADABLE_ENTRY, where, f"not valid TOML: {message}")


@functools.lru_cache(maxsize=4)
def _line_starts(text: str) -> tuple[int, ...]:
    return tuple(m.end() for m in re.finditer("\n", text))


def _line_at(text: str, position: int) -> int:
    """The 1-based line of a character offset (a bisection, not a count from the start, so that
    locating every table of a 10,000-fix dictionary stays linear)."""
    return bisect.bisect_right(_line_starts(text), position) + 1


def _line_of_key(text: str, key: str, begin: int, end: int) -> int | None:
    pattern = re.compile(rf"^[ \t]*(?:{re.escape(key)}|\"{re.escape(key)}\")[ \t]*=", re.M)
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
    """One ``[[fix]]`` table as a fix, or the problems that keep it from being one (every
    field is checked, so one run of ``dict check`` lists them all)."""
    if not isinstance(table, dict):
        return None, [Finding.error(FindingCode.UNREADABLE_ENTRY, Location(source, header_line),
                                    "a fix must be a table written [[fix]]")]
    simple = _simple_fix(table, source, text, begin, end, header_line)
    if simple is not None:
        return simple, []
    fields = _TableFields(table, source, text, begin, end, header_line)
    return fields.read(), fields.problems


def _simple_fix(table: dict[str, object], source: str, text: str, begin: int, end: int,
                header_line: int | None) -> Fix | None:
    """The fix of a table that has only a well-formed ``to`` and ``from`` (most tables of a large
    dictionary), read without the field-by-field checks, which would give the same fix; None
    for any other table."""
    if len(table) != 2:
        return None
    to, keys = table.get("to"), table.get("from")
    if not isinstance(to, str) or not to.strip():
        return None
    if isinstance(keys, str):
        keys = [keys]
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) and k.strip() for k in keys):
        return None
    found = tuple(keys)
    return Fix(to=to, keys=found, location=Location(source, header_line),
               key_lines=_key_lines(text, begin, end, found))


#: A fix with every field a table may leave out at its default.
_DEFAULTS = Fix(to="", keys=())


class _TableFields:
    """The fields of one ``[[fix]]`` table, read one by one; each bad field adds one problem,
    located at the line of its key (the table's header line when the key cannot be found)."""

    def __init__(self, table: dict[str, object], source: str, text: str, begin: int, end: int,
                 header_line: int | None) -> None:
        self.table = table
        self.source, self.text, self.begin, self.end = source, text, begin, end
        self.here = Location(source, header_line)
        self.problems: list[Finding] = []

    def read(self) -> Fix | None:
        """The fix, or None when a field is unknown, missing or of the wrong kind."""
        self._refuse_unknown()
        to = self._to()
        keys = self._keys()
        case = self._option("case", _member_of(CaseMode), _one_of(CaseMode), _DEFAULTS.case)
        match = self._option("match", _member_of(MatchMode), _one_of(MatchMode), _DEFAULTS.match)
        fuzzy = self._option("fuzzy", _count_up_to(3), "an integer from 0 to 3", _DEFAULTS.fuzzy)
        window = self._option("window", _count_up_to(None), "a non-negative integer", _DEFAULTS.window)
        context = self._option("context", _text, "a regular expression string", _DEFAULTS.context)
        unless = self._option("unless", _text, "a regular expression string", _DEFAULTS.unless)
        keep_case = self._option("keep_case", _flag, "true or false", _DEFAULTS.keep_case)
        review = self._option("review", _flag, "true or false", _DEFAULTS.review)
        if self.problems or to is None or keys is None:
            return None
        return Fix(to=to, keys=keys, case=case, match=match, fuzzy=fuzzy, context=context, unless=unless,
                   window=window, keep_case=keep_case, location=self.here,
                   key_lines=_key_lines(self.text, self.begin, self.end, keys), review=review)

    def _at(self, key: str) -> Location:
        """Where ``key`` is written in the table, for a message about its value."""
        return Location(self.source, _line_of_key(self.text, key, self.begin, self.end) or self.here.line)

    def _refuse(self, where: Location, message: str) -> None:
        self.problems.append(Finding.error(FindingCode.UNREADABLE_ENTRY, where, message))

    def _refuse_unknown(self) -> None:
        for name in self.table:
            if name not in _FIELDS:
                self._refuse(self._at(name), f"unknown field {name!r} in [[fix]]; expected one of "
                             + ", ".join(sorted(_FIELDS)))

    def _to(self) -> str | None:
        to = self.table.get("to")
        if isinstance(to, str) and to.strip():
            return to
        self._refuse(self._at("to") if "to" in self.table else self.here,
                     f"`to` must be a non-empty string, found {to!r}")
        return None

    def _keys(self) -> tuple[str, ...] | None:
        keys = self.table.get("from")
        if isinstance(keys, str):
            keys = [keys]
        if isinstance(keys, list) and keys and all(isinstance(k, str) and k.strip() for k in keys):
            return tuple(keys)
        self._refuse(self._at("from") if "from" in self.table else self.here,
                     f"`from` must be a non-empty string or list of non-empty strings, found {keys!r}")
        return None

    def _option(self, name: str, convert: Callable[[object], _T | None], expected: str, default: _T) -> _T:
        """The value of an optional field as ``convert`` reads it (None: not acceptable), or
        ``default`` when the field is absent or refused."""
        if name not in self.table:
            return default
        value = self.table[name]
        converted = convert(value)
        if converted is None:
            self._refuse(self._at(name), f"`{name}` is {value!r}; expected {expected}")
            return default
        return converted


def _member_of(enum_type: type[_E]) -> Callable[[object], _E | None]:
    """A field reader for an enum: the member whose value is the field's, or None."""
    def convert(value: object) -> _E | None:
        try:
            return enum_type(value)
        except ValueError:
            return None
    return convert


@functools.cache
def _one_of(enum_type: type[enum.Enum]) -> str:
    """The accepted values of an enum field, for a message: ``'word' or 'regex'``."""
    return " or ".join(repr(m.value) for m in enum_type)


def _count_up_to(high: int | None) -> Callable[[object], int | None]:
    """A field reader for a non-negative integer, at most ``high`` (a TOML boolean is no integer)."""
    def convert(value: object) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0 or (high is not None and value > high):
            return None
        return value
    return convert


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


#: The header rows a TSV or CSV dictionary may start with (any case): the wrong form's column
#: name, then the right form's.
TABLE_HEADERS = (("wrong", "right"), ("from", "to"), ("key", "replacement"), ("faux", "juste"),
                 ("mauvais", "correct"), ("erreur", "correction"))


_SEPARATOR_NAMES = {"\t": "TAB", ",": "comma", ";": "semicolon"}


def _separator(rows: Sequence[str], kind: str) -> str:
    """The column separator of a table's data rows: TAB for ``.tsv``; for ``.csv``, the first of
    TAB, semicolon (what French spreadsheets write) and comma found outside quotes in the first row."""
    if kind == "tsv" or not rows:
        return "\t"
    first = re.sub(r'"[^"]*"', "", rows[0])
    return next((sep for sep in ("\t", ";") if sep in first), ",")


def _cells(raw: str, separator: str, quoted: bool) -> list[str]:
    """One row's cells, stripped, without empty trailing cells (with CSV quoting when ``quoted``)."""
    import csv

    row = next(csv.reader([raw], delimiter=separator)) if quoted else raw.split(separator)
    row = [cell.strip() for cell in row]
    while len(row) > 2 and not row[-1]:
        row.pop()
    return row


def _headers_text() -> str:
    return ", ".join("/".join(pair) for pair in TABLE_HEADERS)


def _parse_table(text: str, source: str, kind: str) -> tuple[tuple[Fix, ...], tuple[Finding, ...]]:
    """A TSV or CSV dictionary: two columns, wrong then right.  A CSV starts with a header row
    (one of :data:`TABLE_HEADERS`); a TSV may.  Blank lines and ``#`` lines are skipped."""
    numbered = [(n, raw) for n, raw in enumerate(text.split("\n"), start=1)
                if raw.strip() and not raw.lstrip().startswith("#")]
    separator = _separator([raw for _, raw in numbered], kind)
    name = _SEPARATOR_NAMES[separator]
    fixes: list[Fix] = []
    problems: list[Finding] = []
    for index, (number, raw) in enumerate(numbered):
        row = _cells(raw, separator, kind == "csv")
        where = Location(source, number)
        if index == 0 and tuple(c.lower() for c in row) in TABLE_HEADERS:
            continue
        if index == 0 and kind == "csv":
            problems.append(Finding.error(FindingCode.UNREADABLE_ENTRY, where,
                                          f"first row {raw.strip()!r} is not a recognised header; a .csv dictionary "
                                          f"starts with one of: {_headers_text()} (any case, {name}-separated)"))
            continue
        if len(row) != 2 or not row[0] or not row[1]:
            problems.append(Finding.error(FindingCode.UNREADABLE_ENTRY, where,
                                          f"found {raw.strip()!r}; expected two columns `wrong{separator}right` "
                                          f"separated by a {name}"))
            continue
        fixes.append(Fix(to=row[1], keys=(row[0],), location=where, key_lines=(number,)))
    return tuple(fixes), tuple(problems)


def discover_dictionaries(input_path: str | os.PathLike[str]) -> tuple[Path, ...]:
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


def dictionaries_for(input_path: str | os.PathLike[str], explicit: Sequence[str | os.PathLike[str]] = (), *,
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
