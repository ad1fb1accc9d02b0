"""Correction dictionaries at scale: ``python benchmarks/run.py corrections``.

How the inputs are made:

* **Text**: the 2,802 stamped lines of the bundled Tech & Co transcript, repeated in order to
  300,000 lines (stamps renumbered one second apart, ``H:MM:SS``): real French speech, real
  line lengths, real punctuation and apostrophes.
* **The 10-entry dictionary** is the bundled ``samples/techco.dict.toml`` (10 fixes, 25 keys,
  guards included); it makes every change of every run.
* **The large dictionaries** add 10,000 or 100,000 generated fixes to it, written as TOML like
  the sample's.  Each right form is a real-looking name: a first name and a surname drawn from
  lists of names of many origins (French, English, Spanish, Portuguese, German, Polish, Turkish,
  Arabic, Vietnamese, Chinese, Greek and Russian in their own scripts), so first letters vary
  over the whole alphabet and lengths are those of names.  Each key is a mangled spelling
  (speech-recognition-like: a vowel swapped, a letter doubled or dropped, an accent lost, the
  two words glued), 60 % of them two words.  Keys that are words of the text are dropped, so
  every run makes the same changes (asserted).

Rows: load (read, check, compile) cold and from the compiled cache; the matcher alone
(load + one pass over the 300,000 lines as segments); and ``correct`` as the command runs it
in-process (load, read and parse the transcript, correct it in place).  Peers: the same trie
the matcher used before, compiled by the ``regex`` module and by the standard library's ``re``,
on a 20,000-line slice.
"""

from __future__ import annotations

import functools
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import Timing, median_timing, print_table  # noqa: E402

from captions.corrections import apply_to_segments, correct_source, load_dictionaries  # noqa: E402
from captions.files import read_source  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "techco-2026-03-05.txt"
SAMPLE_DICT = ROOT / "samples" / "techco.dict.toml"

FIRST = """Adèle Agnieszka Ahmed Aiko Alejandro Aleksandr Alice Amadou Amélie Ana Anders Andrzej Anh Antoine Aoife
Arnaud Aurélien Aylin Baptiste Beatriz Benoît Björn Bruno Camille Carlos Catalina Cédric Chloé Christophe Clément
Dariusz Dmitri Dolores Élodie Emeka Emre Enzo Esteban Fatima Fatoumata Fernando Florian François Gaëlle Giorgos
Guillaume Gunnar Hannah Hélène Hiroshi Hugo Ibrahim Ines Ingrid Isabelle Jacek Jérôme Joachim João Jürgen Kamal
Karim Katarzyna Kenji Khadija Kwame Laetitia Leila Léon Lucía Łukasz Magdalena Malika Manon Marcin Marisol Mathéo
Mehmet Mei Mohamed Nadia Nikolaos Noémie Olivier Oksana Pablo Paulina Pierre Quentin Rafael Rania Renée
Rodrigo Sakura Samira Sébastien Seo-yeon Siobhan Sofía Stéphane Svetlana Tariq Théo Thi Ulrich Valentina Wei
Wojciech Xavier Yannick Yasmine Youssef Yuki Zeynep Zoé Zhang Ξανθή Γιάννης Дмитрий Наталья Ольга Сергей""".split()
LAST = """Abdallah Alvarez Andersson Antunes Aubert Bakker Barbosa Beaumont Benali Bergström Bianchi Blanchard
Bouchard Brennan Carvalho Castillo Chevalier Ciobanu Cohen Costa Czerwiński Dąbrowski Delacroix Diallo Dubois
Duarte Dupont Eriksen Esposito Fernández Ferreira Fitzgerald Fontaine Fournier Gallagher García Gauthier Gonçalves
Grabowski Guerrero Gutiérrez Haddad Hansen Hernández Hoffmann Huang Ibáñez Jankowski Jiménez Kaczmarek Kamiński
Keller Kowalczyk Kovačević Lambert Laurent Lefebvre Lemaire Lindqvist Łopatka Lopez Lucas Mahmoud Marchand Martínez
Mercier Meyer Moreau Müller Nakamura Navarro Nguyen Nowak O'Brien Okafor Olsen Ortega Özdemir Papadopoulos Perrin
Petrov Pham Quintero Ramírez Rasmussen Renaud Rodrigues Roussel Ruiz Şahin Sanchez Santos Schneider Schröder
Silva Sorensen Suzuki Tanaka Tran Traoré Valentin Vasquez Vidal Wagner Wiśniewski Yamamoto Yılmaz Zhou Zieliński
Παπαδόπουλος Κωνσταντίνου Иванов Смирнов Кузнецов Попова""".split()


def _mangle(rng: random.Random, word: str) -> str:
    """A speech-recognition-like misspelling of ``word``."""
    vowels = "aeiouyéèàâôî"
    moves = rng.randint(1, 2)
    for _ in range(moves):
        at = rng.randrange(len(word))
        kind = rng.random()
        if kind < 0.35 and word[at].lower() in vowels:
            word = word[:at] + rng.choice("aeiouy") + word[at + 1:]
        elif kind < 0.55:
            word = word[:at] + word[at] + word[at:]
        elif kind < 0.75 and len(word) > 3 and at > 0:
            word = word[:at] + word[at + 1:]
        elif kind < 0.9:
            word = word.translate(str.maketrans("éèêëàâçôîïüöñ", "eeeeaacoiiuon"))
        else:
            word = word[:at] + rng.choice("hkstnrl") + word[at:]
    return word


def _names(rng: random.Random, count: int, taken: set[str]) -> list[tuple[str, str]]:
    """(right, wrong) pairs: distinct wrong forms, none a word of the text or of a real name (so
    that no key meets a replacement and the lint has no chain to refuse)."""
    real = {t for w in FIRST + LAST for t in re.findall(r"\w+", w.lower())} | taken
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    while len(pairs) < count:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        right = f"{first} {last}"
        roll = rng.random()
        if roll < 0.6:
            wrong = f"{_mangle(rng, first)} {_mangle(rng, last)}"
        elif roll < 0.7:
            wrong = _mangle(rng, first) + _mangle(rng, last).lower()
        else:
            wrong = _mangle(rng, last)
        folded = wrong.lower()
        if folded in seen or any(w in real for w in re.findall(r"\w+", folded)):
            continue
        seen.add(folded)
        pairs.append((right, wrong))
    return pairs


def _toml(pairs: list[tuple[str, str]]) -> str:
    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return "".join(f"\n[[fix]]\nto = {quoted(right)}\nfrom = [{quoted(wrong)}]\n" for right, wrong in pairs)


def _transcript(count: int) -> str:
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    speech = [line[5:] for line in lines if re.match(r"\d\d:\d\d\S", line)]
    out = [f"{n // 3600}:{n // 60 % 60:02d}:{n % 60:02d}{speech[n % len(speech)]}" for n in range(count)]
    return "\n".join(out) + "\n"


def _load_cold(path: Path) -> None:
    os.environ["CAPTIONS_CACHE_DIR"] = "off"
    try:
        load_dictionaries([path])
    finally:
        os.environ["CAPTIONS_CACHE_DIR"] = _CACHE


def _correct(dictionary_path: Path, transcript: Path) -> int:
    dictionary = load_dictionaries([dictionary_path])
    return len(correct_source(read_source(transcript), transcript.name, dictionary).changes)


def _matcher(dictionary_path: Path, segments: list[str]) -> int:
    return len(apply_to_segments(segments, load_dictionaries([dictionary_path]))[1])


_CACHE = tempfile.mkdtemp(prefix="captions-bench-cache-")


def main() -> None:
    os.environ["CAPTIONS_CACHE_DIR"] = _CACHE
    rng = random.Random(20260305)
    text = _transcript(300_000)
    taken = {w.lower() for w in re.findall(r"\w+", text)}
    pairs = _names(rng, 100_000, taken)
    work = Path(tempfile.mkdtemp(prefix="captions-bench-"))
    transcript = work / "show.txt"
    transcript.write_text(text, encoding="utf-8")
    sample = SAMPLE_DICT.read_text(encoding="utf-8")
    paths = {10: SAMPLE_DICT}
    for count in (10_000, 100_000):
        paths[count] = work / f"d{count}.dict.toml"
        paths[count].write_text(sample + _toml(pairs[: count - 10]), encoding="utf-8")
    print(f"\nInputs: {len(text.splitlines()):,} transcript lines ({len(text) / 1e6:.1f} MB); keys like "
          + ", ".join(repr(w) for _, w in pairs[:6]) + "\n")

    load_rows: list[tuple[str, Timing | float, str]] = []
    for count in (10, 10_000, 100_000):
        repeat = 3 if count < 100_000 else 1
        load_rows.append((f"load {count:,} entries, cold", median_timing(
            functools.partial(_load_cold, paths[count]), repeat=repeat, warmup=0), "read TOML, lint, compile"))
        load_dictionaries([paths[count]])  # fills the cache
        goal = {10: "", 10_000: "goal <= 0.050 s", 100_000: "goal <= 0.500 s"}[count]
        load_rows.append((f"load {count:,} entries, cached", median_timing(
            functools.partial(load_dictionaries, [paths[count]]), repeat=5), f"compiled form by hash; {goal}"))
    print_table("Loading a dictionary (read, check, compile)", load_rows)

    segments = [line for line in text.split("\n") if line]
    changes = {count: _correct(paths[count], transcript) for count in paths}
    assert len(set(changes.values())) == 1 and changes[10] > 0, changes
    matcher = {count: _matcher(paths[count], segments) for count in paths}
    assert len(set(matcher.values())) == 1, matcher
    rows: list[tuple[str, Timing | float, str]] = []
    for count in (10, 10_000, 100_000):
        goal = {10: "reference", 10_000: "goal <= 1.2 x", 100_000: "goal <= 2 x"}[count]
        rows.append((f"correct, {count:,} entries", median_timing(
            functools.partial(_correct, paths[count], transcript), repeat=3), f"{changes[count]:,} changes; {goal}"))
    print_table("`correct` in-process on 300,000 lines: load + read + correct (cached load)", rows,
                unit_count=300_000, unit="lines")
    rows = [(f"matcher, {count:,} entries", median_timing(
        functools.partial(_matcher, paths[count], segments), repeat=3), f"{matcher[count]:,} changes")
        for count in (10, 10_000, 100_000)]
    print_table("The matcher alone: load + one pass over 300,000 lines as segments", rows,
                unit_count=300_000, unit="lines")
    _peers(segments[:20_000], pairs)


def _peers(segments: list[str], pairs: list[tuple[str, str]]) -> None:
    """The trie the matcher compiled before, under the regex module and the standard library."""
    import regex

    from captions.corrections import Dictionary, Fix

    piece = "\n".join(segments)
    rows: list[tuple[str, Timing | float, str]] = []
    for count in (10, 10_000, 100_000):
        keys = [w for _, w in pairs[:count]]
        pattern = _trie(keys)
        started = time.perf_counter()
        by_regex = regex.compile(pattern, regex.IGNORECASE)
        regex_compile = time.perf_counter() - started
        started = time.perf_counter()
        by_re = re.compile(pattern, re.IGNORECASE)
        re_compile = time.perf_counter() - started
        ours = Dictionary([Fix(right, (wrong,)) for right, wrong in pairs[:count]]).compile()
        rows.append((f"ours (Aho-Corasick), {count:,} keys", median_timing(
            functools.partial(ours.find, piece), repeat=3), "pyahocorasick, NFC and case-folded view"))
        rows.append((f"regex-module trie, {count:,} keys", median_timing(
            lambda: sum(1 for _ in by_regex.finditer(piece)), repeat=1 if count > 10 else 3),
            f"the former matcher; compile {regex_compile:.2f} s"))
        rows.append((f"stdlib re trie, {count:,} keys", median_timing(
            lambda: sum(1 for _ in by_re.finditer(piece)), repeat=3), f"compile {re_compile:.2f} s"))
    print_table("Scanning 20,000 lines: the automaton against one trie-shaped regular expression", rows,
                unit_count=len(segments), unit="lines")


def _trie(keys: list[str]) -> str:
    """The word keys as one trie-shaped pattern with word edges (the former matcher's shape), built
    without recursion."""
    root: dict[str, dict] = {}
    for key in keys:
        node = root
        for char in key.lower():
            node = node.setdefault(re.escape(char) if char != " " else r"\s+", {})
        node[""] = {}
    out: list[str] = []
    stack: list[object] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        node = item
        assert isinstance(node, dict)
        branches = sorted(a for a in node if a)
        if not branches:
            continue
        ends = "" in node
        parts: list[object] = [")?" if ends else ")"]
        for n, atom in enumerate(reversed(branches)):
            parts.append(node[atom])
            parts.append(atom)
            if n < len(branches) - 1:
                parts.append("|")
        parts.append("(?:")
        stack.extend(parts)
    edge = r"(?!(?<=\w)\w)"
    return f"{edge}(?:{''.join(out)}){edge}"


if __name__ == "__main__":
    main()
