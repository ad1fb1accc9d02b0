"""``captions dict suggest``: propose dictionary entries from what a show is known to talk about.

Speech recognition mangles the names of a show in sound-alike ways (``Tchad GPT`` for ChatGPT,
``Entropique`` for Anthropic, ``Jensan Yuang`` for Jensen Huang).  The right forms are known before
the show airs; this module finds where the transcript says them wrongly.  It proposes, and never
applies: its output is a dictionary whose entries are marked ``review = true``.

* **Right forms** come from the glossary (one name a line, or a dictionary's right-hand sides), the
  transcript's page metadata (the names in the page's description), and the capitalised
  spellings the transcript itself uses more than once.
* **Candidates** are the spans of one word up to a name's word count + 1, across line breaks and
  fragments, compared three ways with rapidfuzz: the spelling (accents, case and spaces aside),
  the French phonetic key of phonetic-fr (Édouard Bergé's "phonétique" algorithm) and the English
  Metaphone of jellyfish, so ``Tchad GPT`` ~ ``ChatGPT`` and ``Théodocloud`` ~ ``Theodo Cloud``.
  At each place the best span wins (the shortest on a tie).
* **Variants of one name** found in the show (``Jensan Yuang``, ``Jens Nguyen``) pull in the spans
  that sound like them, as one cluster.
* **Evidence** for each suggestion: score, count, lines, an excerpt, and a proposed guard
  (``context``) when the wrong form is also an ordinary word.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence, TypedDict

from ..model import Transcript
from .fixes import TOKEN, WORD, CaseMode, fold, read_dictionary

__all__ = ["Suggestion", "SuggestionRecord", "Target", "suggest", "read_glossary", "metadata_names",
           "render_suggestions"]

#: The lowest score a suggestion may have (100: the same spelling or the same sound).
MIN_SCORE = 75.0

#: A name-like form this alike is kept when it is repeated, or sounds like a kept variant.
_VARIANT_SCORE = 68.0


class SuggestionRecord(TypedDict):
    """A :class:`Suggestion` as JSON."""

    wrong: str
    right: str
    score: float
    count: int
    lines: list[int]
    excerpt: str
    source: str
    how: str
    case: str
    context: str


@dataclass(frozen=True, slots=True)
class Target:
    """A right form and where it comes from (``glossary``, ``metadata`` or ``transcript``)."""

    name: str
    source: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A proposed fix, with its evidence.

    Attributes:
        wrong: the form the transcript uses (its most frequent spelling).
        right: the proposed right form.
        score: how alike they are, 0-100 (see ``how``); suggestions are ranked by it, plus a
            little for repeated evidence.
        count: how many times the wrong form occurs.
        lines: the source lines of its occurrences.
        excerpt: the first occurrence in its context.
        source: where the right form came from.
        how: which comparison matched: ``spelling``, ``sound-fr``, ``sound-en`` or ``variant``.
        case: ``sensitive`` when the two differ only by case (the fix must not touch the right form).
        context: a proposed guard (a regex of words found near the occurrences) when the wrong
            form is also an ordinary word; empty otherwise.
    """

    wrong: str
    right: str
    score: float
    count: int
    lines: tuple[int, ...]
    excerpt: str
    source: str
    how: str
    case: str = CaseMode.INSENSITIVE.value
    context: str = ""

    def to_dict(self) -> SuggestionRecord:
        return {"wrong": self.wrong, "right": self.right, "score": round(self.score, 1), "count": self.count,
                "lines": list(self.lines), "excerpt": self.excerpt, "source": self.source, "how": self.how,
                "case": self.case, "context": self.context}


# ------------------------------------------------------------------ keys of a form


def _plain(text: str) -> str:
    """Letters and digits only, folded, without accents: what two spellings share."""
    decomposed = unicodedata.normalize("NFD", fold(text))
    return "".join(c for c in decomposed if c.isalnum())


@functools.lru_cache(maxsize=65536)
def _sound_fr(word: str) -> str:
    from phonetic_fr import phonetic

    return str(phonetic(word)) if any(c.isalpha() for c in word) else word


@functools.lru_cache(maxsize=65536)
def _sound_en(word: str) -> str:
    import jellyfish

    ascii_word = "".join(c for c in unicodedata.normalize("NFD", word) if c.isascii() and c.isalnum())
    return jellyfish.metaphone(ascii_word) if ascii_word else ""


def _keys(words: Sequence[str]) -> tuple[str, str, str]:
    """(spelling, French sound, English sound) of a form given as its words."""
    return ("".join(_plain(w) for w in words), "".join(_sound_fr(w) for w in words),
            "".join(_sound_en(w) for w in words))


# ------------------------------------------------------------------ right forms


def read_glossary(path: str) -> tuple[str, ...]:
    """The names of a glossary file: a dictionary (.toml, .tsv, .csv: its right-hand sides) or a
    text file of one name a line (``#`` lines and blank lines skipped)."""
    from ..files import read_source

    if path.lower().endswith((".toml", ".tsv", ".csv")):
        fixes, _ = read_dictionary(path)
        return tuple(dict.fromkeys(f.to for f in fixes))
    text = read_source(path).text
    return tuple(dict.fromkeys(line.strip() for line in text.splitlines()
                               if line.strip() and not line.lstrip().startswith("#")))


_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.(?:fr|com|io|org|net|ai|tv|eu)$")


def metadata_names(lines: Iterable[str], common: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The names in a page's description: runs of capitalised words (``&`` may join them) not
    made only of a sentence's first word, and domain names (``cafetech.fr``).

    >>> metadata_names(["Ce jeudi, François Sorel a reçu Clément David, président de Theodo Cloud, "
    ...                 "fondateur de cafetech.fr, dans Tech & Co."])
    ('François Sorel', 'Clément David', 'Theodo Cloud', 'cafetech.fr', 'Tech & Co')
    """
    names: list[str] = []
    for line in lines:
        run: list[str] = []
        starts_sentence = run_at_start = True
        for match in re.finditer(r"[\w’'.-]*\w|&|[,;:!?()«»\"]|\.(?=\s|$)", line):
            token = match[0]
            capitalised = token[:1].isupper() or (token == "&" and bool(run))
            if _DOMAIN.match(token) and not run:
                names.append(token)
            elif capitalised and not (starts_sentence and not run and fold(token) in common):
                run_at_start = run_at_start if run else starts_sentence
                run.append(token)
                starts_sentence = False
                continue
            _close(run, names, run_at_start)
            run = []
            starts_sentence = token in (".", "!", "?", ":")
        _close(run, names, run_at_start)
    return tuple(dict.fromkeys(names))


def _close(run: list[str], names: list[str], after_sentence_start: bool) -> None:
    """Keep a run of capitalised words as a name: two or more words, or one that is long enough."""
    while run and run[-1] == "&":
        run.pop()
    if len(run) > 1 or (run and len(run[0]) > 3 and not after_sentence_start):
        names.append(" ".join(run))


# ------------------------------------------------------------------ the text as words


@dataclass(frozen=True, slots=True)
class _Word:
    """A word of the text: ``elided`` when an apostrophe follows it (``d'``, ``qu'``), ``initial``
    when it starts a sentence (its capital says nothing)."""

    text: str
    line: int
    elided: bool = False
    initial: bool = False
    said: str = ""  # the fragment it is in, for excerpts


def _words(transcript: Transcript) -> list[_Word]:
    """The words of a transcript in order (apostrophes split: ``d'Entropique`` holds ``Entropique``)."""
    words: list[_Word] = []
    sentence_end = True
    for fragment in transcript.fragments:
        tokens = TOKEN.findall(fragment.text)
        for at, token in enumerate(tokens):
            if WORD.fullmatch(token) or token in ("&", ".", "-"):
                if token == "." and (at + 1 == len(tokens) or not WORD.fullmatch(tokens[at + 1])):
                    sentence_end = True
                    continue
                elided = at + 1 < len(tokens) and tokens[at + 1] in ("'", "’")
                words.append(_Word(token, fragment.line or 0, elided, sentence_end, fragment.text))
                sentence_end = False
            elif token in "!?…":
                sentence_end = True
    return words


def _joined(words: Sequence[_Word]) -> str:
    """The words as written: ``.`` and ``-`` glued (``cafetech.fr``, ``Ray-Ban``), spaces otherwise."""
    out = ""
    for word in words:
        glued = not out or word.text in (".", "-") or out.endswith((".", "-"))
        out += word.text if glued else " " + word.text
    return out


# ------------------------------------------------------------------ matching


@dataclass
class _Hit:
    target: int
    score: float
    how: str
    start: int
    length: int


def _similarity(a: tuple[str, str, str], b: tuple[str, str, str]) -> tuple[float, str]:
    """The best of the three comparisons, and its name.  Sounds count a little less than the
    spelling, and need a key long enough to mean something."""
    from rapidfuzz import fuzz

    spelling = fuzz.ratio(a[0], b[0])
    best, how = spelling, "spelling"
    for index, name, weight in ((1, "sound-fr", 0.97), (2, "sound-en", 0.95)):
        if min(len(a[index]), len(b[index])) >= 4:  # three consonants say too little
            sound = fuzz.ratio(a[index], b[index]) * weight
            if sound > best:
                best, how = sound, name
    if len(a[0]) < 0.75 * len(b[0]):  # a much shorter form is a part, not a variant (``Open`` for OpenAI)
        return 0.0, how
    return best, how


class _Matcher:
    """Every span of the text compared with every right form, keeping at each place the best."""

    def __init__(self, words: list[_Word], targets: list[Target], common: frozenset[str]) -> None:
        self.words, self.targets, self.common = words, targets, common
        self.target_words = [tuple(w for w in TOKEN.findall(t.name) if WORD.fullmatch(w)) for t in targets]
        self.target_keys = [_keys(tw) for tw in self.target_words]
        # The right forms as written are never wrong forms (another spelling of one may be).
        self.protected = {unicodedata.normalize("NFC", t.name) for t in targets if t.source != "transcript"}
        # ... nor a word of one said alone (``Altman`` of Sam Altman).
        self.protected |= {w for t in targets if t.source == "glossary" for w in t.name.split() if len(w) > 3}

    def span_ok(self, span: Sequence[_Word]) -> bool:
        """A span worth comparing: not only common words, not starting or ending with one unless
        it is short, and not already a right form."""
        folded = [fold(w.text) for w in span]
        if all(f in self.common for f in folded) or span[0].elided or span[-1].elided:
            return False
        last = span[-1]
        if len(span) > 1 and ((folded[-1] in self.common and (last.text.islower() or last.initial)) or last.text == "."):
            return False
        if span[0].text in (".", "-") or span[-1].text == "-":
            return False
        return unicodedata.normalize("NFC", _joined(span)) not in self.protected

    def hits(self) -> list[_Hit]:
        spans = self._spans()
        keys = list(spans)
        columns = [list(column) for column in zip(*keys)] if keys else []
        found: list[_Hit] = []
        for target, t_keys in enumerate(self.target_keys):
            for position in self._close(t_keys, columns):
                score, how = _similarity(keys[position], t_keys)
                found.extend(_Hit(target, score, how, start, length) for start, length in spans[keys[position]]
                             if self._accept(target, start, length, score, how))
        return found

    def _spans(self) -> dict[tuple[str, str, str], list[tuple[int, int]]]:
        """Every span worth comparing (up to the longest name + 1 words), by its keys."""
        longest = max((len(tw) for tw in self.target_words), default=1) + 1
        spans: dict[tuple[str, str, str], list[tuple[int, int]]] = defaultdict(list)
        for start in range(len(self.words)):
            for length in range(1, min(longest, len(self.words) - start) + 1):
                span = self.words[start:start + length]
                if self.span_ok(span):
                    spans[_keys([w.text for w in span if w.text not in (".", "&", "-")])].append((start, length))
        return spans

    @staticmethod
    def _close(t_keys: tuple[str, str, str], columns: list[list[str]]) -> set[int]:
        """The spans whose spelling or a sound key is near the name's (rapidfuzz's C loop)."""
        from rapidfuzz import fuzz, process

        close: set[int] = set()
        for index, column in enumerate(columns):
            if len(t_keys[index]) >= 2:
                close.update(position for _, _, position in process.extract(
                    t_keys[index], column, scorer=fuzz.ratio, score_cutoff=MIN_SCORE - 10, limit=None))
        return close

    def _accept(self, target: int, start: int, length: int, score: float, how: str) -> bool:
        name = self.targets[target]
        if length > len(self.target_words[target]) + 1:
            return False
        if _joined(self.words[start:start + length]) == name.name or self._part_of_name(target, start, length):
            return False
        if how != "spelling" and (name.source == "transcript" or (length == 1 and self.words[start].text.islower())):
            return False  # the show's own spellings, and single lower-case words, by spelling only
        return score >= self._threshold(target, start, length) and not self._part_does_as_well(
            target, start, length, score)

    def _part_of_name(self, target: int, start: int, length: int) -> bool:
        """Whether the span says a word of the name right and the rest is no name (``Clément``,
        ``Clément voulait`` for Clément David)."""
        name = {fold(w) for w in self.target_words[target]}
        span = [w for w in self.words[start:start + length] if w.text not in (".", "&", "-")]
        shared = [fold(w.text) in name for w in span]
        if not any(shared):
            return False
        if all(shared):
            return len(span) < len(self.target_words[target])  # the whole name in another case is a variant
        return any(not s and (w.text.islower() or w.initial) for s, w in zip(shared, span))

    def _part_does_as_well(self, target: int, start: int, length: int, score: float) -> bool:
        """Whether the span without its first or last word is the right form already, or is as
        alike: then the extra word is no part of the name (``qu'OpenAI``, ``Et Meta``)."""
        if length == 1:
            return False
        for part in (self.words[start + 1:start + length], self.words[start:start + length - 1]):
            texts = [w.text for w in part if w.text not in (".", "&", "-")]
            if not texts:
                continue
            if unicodedata.normalize("NFC", _joined(part)) in self.protected:
                return True
            if _similarity(_keys(texts), self.target_keys[target])[0] >= score:
                return True
        return False

    def _threshold(self, target: int, start: int, length: int) -> float:
        """Capitalised spans (names) need less likeness than spans of ordinary lower-case words;
        the show's own spellings take only capitalised spans, not at a sentence's start."""
        span = self.words[start:start + length]
        named = any(w.text[:1].isupper() and not w.initial for w in span)
        if self.targets[target].source == "transcript":
            return 90.0 if named else 101.0
        if length > 1 and span[0].text.islower() and fold(span[0].text) in self.common:
            return 88.0  # "en tropique": a function word first needs a close likeness
        if named or any(w.text[:1].isupper() for w in span):
            return _VARIANT_SCORE
        return 88.0


def _best_per_place(hits: list[_Hit], targets: list[Target]) -> list[_Hit]:
    """At each place, the best span (a glossary form beats the transcript's own; a shorter span
    wins a tie); overlapping weaker ones are dropped."""
    rank = {"glossary": 2, "metadata": 2, "transcript": 0}
    ordered = sorted(hits, key=lambda h: (-(h.score + rank[targets[h.target].source]), h.length, h.start))
    taken: set[int] = set()
    kept: list[_Hit] = []
    for hit in ordered:
        places = set(range(hit.start, hit.start + hit.length))
        if places & taken:
            continue
        taken |= places
        kept.append(hit)
    return kept


# ------------------------------------------------------------------ evidence


def _common_words(words: Sequence[_Word], top: int = 200) -> frozenset[str]:
    """The words the show says most often in lower case: function words of its language."""
    counts = Counter(w.text for w in words if w.text.islower())
    return frozenset(w for w, _ in counts.most_common(top))


def _guard(occurrences: list[int], words: Sequence[_Word], wrong: str, lower: Counter[str]) -> str:
    """A ``context`` for a wrong form that is also an ordinary word: the words said near its
    occurrences that are rare elsewhere in the show."""
    near: Counter[str] = Counter()
    for start in occurrences:
        for word in words[max(0, start - 12):start + 13]:
            if len(word.text) >= 3 and fold(word.text) != fold(wrong):
                near[word.text] += 1
    scored = sorted(near, key=lambda w: (-near[w] / (1 + lower[fold(w)]), w))
    chosen = [w for w in scored if lower[fold(w)] <= 3][:3]
    return "|".join(re.escape(w) for w in chosen)


def _ordinary(wrong: str, words: Sequence[_Word], common: frozenset[str]) -> bool:
    """Whether a wrong form may also be an ordinary word: one word, short or said in lower case."""
    if " " in wrong or not wrong.isalpha():
        return False
    folded = fold(wrong)
    return len(wrong) <= 5 or folded in common or any(w.text == folded for w in words)


# ------------------------------------------------------------------ the whole


def suggest(transcripts: Sequence[Transcript], glossary: Sequence[str] = (), *, use_metadata: bool = True,
            limit: int | None = None) -> tuple[Suggestion, ...]:
    """Suggested fixes for the names of ``glossary`` (and of the pages' metadata, and the show's
    own repeated spellings) as the transcripts mangle them, best first.

    >>> from captions.transcript import parse_transcript
    >>> show = parse_transcript("00:01On parle de Tchad GPT.\\n00:04Et de Tchad GPT encore.\\n")
    >>> [(s.wrong, s.right, s.count) for s in suggest([show], ["ChatGPT"])]
    [('Tchad GPT', 'ChatGPT', 2)]
    """
    words = [w for t in transcripts for w in _words(t)]
    common = _common_words(words)
    targets = _targets(transcripts, glossary, words, common, use_metadata)
    hits = _best_per_place(_Matcher(words, targets, common).hits(), targets)
    suggestions = _gather(hits, targets, words, common)
    return tuple(suggestions[:limit] if limit is not None else suggestions)


def _targets(transcripts: Sequence[Transcript], glossary: Sequence[str], words: Sequence[_Word],
             common: frozenset[str], use_metadata: bool) -> list[Target]:
    targets: dict[str, Target] = {}
    for name in glossary:
        targets.setdefault(_plain(name), Target(name, "glossary"))
    if use_metadata:
        for transcript in transcripts:
            for name in metadata_names(transcript.metadata, common):
                targets.setdefault(_plain(name), Target(name, "metadata"))
    known = [_form_keys(t.name) for t in targets.values()]
    for spelling in _show_spellings(words, common):
        if all(_similarity(_keys([spelling]), other)[0] < MIN_SCORE for other in known):  # not a wrong form of one
            targets.setdefault(_plain(spelling), Target(spelling, "transcript"))
    return [t for key, t in targets.items() if key]


def _show_spellings(words: Sequence[_Word], common: frozenset[str]) -> list[str]:
    """The show's own spellings of names: capitalised words said at least three times, never in
    lower case, at least once inside a sentence (a name, not a sentence's first word)."""
    lowered = {w.text for w in words if w.text.islower()}
    named = {w.text for w in words if not w.initial}
    counts = Counter(w.text for w in words if w.text[:1].isupper() and len(w.text) >= 4 and not w.text.isupper())
    return [spelling for spelling, count in counts.most_common()
            if count >= 3 and spelling in named and fold(spelling) not in lowered | common]


def _gather(hits: list[_Hit], targets: list[Target], words: Sequence[_Word],
            common: frozenset[str]) -> list[Suggestion]:
    """One suggestion per (wrong form, right form), with its evidence, best first: those alike
    enough (repeated evidence helps a little), then the name-like forms that sound like one of
    them (the variants of one name in one show: ``Jens Nguyen`` beside ``Jensan Yuang``)."""
    groups: dict[tuple[str, int], list[_Hit]] = defaultdict(list)
    for hit in hits:
        groups[(fold(_joined(words[hit.start:hit.start + hit.length])), hit.target)].append(hit)
    lower = Counter(fold(w.text) for w in words)
    kept: list[Suggestion] = []
    doubtful: list[Suggestion] = []
    for (_, target), group in groups.items():
        found = _suggestion(group, targets[target], words, common, lower)
        if found is None:
            continue
        (kept if _convincing(found) else doubtful).append(found)
    for candidate in doubtful:
        keys = _form_keys(candidate.wrong)
        alike = [_similarity(keys, _form_keys(k.wrong))[0] for k in kept if k.right == candidate.right]
        if " " in candidate.wrong and alike and max(alike) >= 72:
            kept.append(dataclasses.replace(candidate, how="variant"))
    kept.sort(key=lambda s: (-(s.score + _evidence(s.count)), -s.count, s.wrong))
    return kept


def _convincing(found: Suggestion) -> bool:
    """Alike enough on its own; a short form (five letters or fewer, where one letter weighs a
    lot) must be very alike, or said several times."""
    if len(_plain(found.wrong)) <= 5:
        return found.score >= 85 or (found.score >= 72 and found.count >= 2)
    return found.score >= MIN_SCORE or (found.score >= 72 and found.count >= 2)


def _evidence(count: int) -> float:
    """What repeated evidence adds to a score: a form said three times is likelier a real error."""
    return min(8.0, 4 * math.log2(count))


def _form_keys(form: str) -> tuple[str, str, str]:
    return _keys([w for w in TOKEN.findall(form) if WORD.fullmatch(w)])


def _suggestion(group: list[_Hit], target: Target, words: Sequence[_Word], common: frozenset[str],
                lower: Counter[str]) -> Suggestion | None:
    spellings = Counter(_joined(words[h.start:h.start + h.length]) for h in group)
    wrong = spellings.most_common(1)[0][0]
    right = target.name
    if target.source == "transcript" and (lower[fold(wrong)] * 2 > lower[fold(right)]
                                          or _plain(wrong) == _plain(right)):
        return None  # the show's own spelling is right only when much the more frequent, and not for accents
    starts = sorted(h.start for h in group)
    best = max(group, key=lambda h: h.score)
    case = CaseMode.SENSITIVE.value if fold(wrong) == fold(right) else CaseMode.INSENSITIVE.value
    context = _guard(starts, words, wrong, lower) if _ordinary(wrong, words, common) else ""
    excerpt = " ".join(words[starts[0]].said.split())
    return Suggestion(wrong, right, best.score, len(group), tuple(sorted({words[s].line for s in starts})),
                      excerpt, target.source, best.how, case, context)


# ------------------------------------------------------------------ output


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_suggestions(suggestions: Sequence[Suggestion], sources: Sequence[str]) -> str:
    """The suggestions as a dictionary to review: one ``[[fix]]`` each, best first, marked
    ``review = true`` (never applied until that line is removed), the evidence in comments."""
    lines = [f"# Suggested by `captions dict suggest` from {', '.join(sources)}, best first.",
             "# Review each fix: keep it by deleting its `review = true` line, or delete the whole fix.",
             "# Then check: captions dict check THIS_FILE --against TRANSCRIPT", ""]
    for s in suggestions:
        shown = ", ".join(map(str, s.lines[:8])) + (", ..." if len(s.lines) > 8 else "")
        lines += ["[[fix]]",
                  f"# score {s.score:.0f} ({s.how}), {s.count} time(s), line(s) {shown}; right form from the "
                  f"{s.source}",
                  f"# ... {s.excerpt} ...",
                  f"to = {_toml_string(s.right)}",
                  f"from = [{_toml_string(s.wrong)}]"]
        if s.case == CaseMode.SENSITIVE.value:
            lines.append('case = "sensitive"')
        if s.context:
            lines += ["# also an ordinary word: applied only near these words (edit to taste)",
                      f"context = {_toml_string(s.context)}"]
        lines += ["review = true", ""]
    return "\n".join(lines)
