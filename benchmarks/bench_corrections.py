"""Correction dictionaries at scale: ``python benchmarks/run.py corrections``.

How the inputs are made:

* **Text**: the stamped lines of the bundled Tech & Co transcript, repeated in order to 300,000
  lines (stamps renumbered one second apart, ``H:MM:SS``): real French speech, real line
  lengths, real punctuation and apostrophes.
* **The 10-entry dictionary** is the bundled ``samples/techco.dict.toml`` (10 fixes, 25 keys,
  guards included); it makes every change of every run.
* **The large dictionaries** add 9,990 or 99,990 generated fixes to it, written as TOML like the
  sample's.  Each right form is a real-looking name: a first name and a surname drawn from lists
  of names of many origins (French, English, Spanish, Portuguese, German, Polish, Turkish,
  Arabic, Vietnamese, Chinese, Greek and Russian in their own scripts), so first letters vary
  over the whole alphabet and lengths are those of names.  Each key is a mangled spelling
  (speech-recognition-like: a vowel swapped, a letter doubled or dropped, an accent lost, the
  two words glued), 60 % of them two words.  Keys that are words of the text are dropped, so
  every run makes the same changes (asserted: the outputs are byte-identical).  The inputs line
  below gives the number of distinct first letters and the key lengths.

Every timed row runs in a fresh Python process (start-up and a cold page cache of the
interpreter are part of what a user waits for), one process after the other; each figure is
the median of several runs, wall time and CPU time side by side.

* **Loading**: a child process imports the library, then times ``load_dictionaries`` alone:
  *cold* with the compiled-dictionary cache off (read TOML, lint for errors, compile), *cached*
  when the cache holds the compiled form (found by the files' content hash).
* **`correct`**: the command as a user runs it, ``captions correct show.txt --dict D -o out``,
  timed as a whole process (start-up, imports, load, read, correct, write), five runs of each
  size taken in turn so that the machine's drift weighs on every row alike; the 10,000 and
  100,000 rows against the 10-entry row are the goal.  A row with the cache cold shows the
  first run after a dictionary changed.
* **Peers**: on a 20,000-line slice, in process, our automaton against the same keys as one
  trie-shaped regular expression (the former matcher) under the ``regex`` module and under the
  standard library's ``re``; at 100,000 keys the ``regex`` module would take minutes and is left
  out.
"""

from __future__ import annotations

import functools
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from harness import Timing, children_cpu_seconds, median_timing, print_table  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "techco-2026-03-05.txt"
SAMPLE_DICT = ROOT / "samples" / "techco.dict.toml"
SIZES = (10, 10_000, 100_000)

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


def _child_load(path: str) -> None:
    """In a fresh process: import, then time one load; print {import, wall, cpu} as JSON."""
    started = time.perf_counter()
    from captions.corrections import load_dictionaries

    imported = time.perf_counter() - started
    cpu, wall = time.process_time(), time.perf_counter()
    load_dictionaries([path])
    print(json.dumps({"import": imported, "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}))


def _run_child(args: list[str], env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _child_rows(path: Path, env: dict[str, str], repeat: int) -> tuple[Timing, float]:
    """Median (wall, CPU) of a load in ``repeat`` fresh processes, and the median import time."""
    runs = [_run_child(["--child-load", str(path)], env) for _ in range(repeat)]
    return (Timing(statistics.median(r["wall"] for r in runs), statistics.median(r["cpu"] for r in runs)),
            statistics.median(r["import"] for r in runs))


def _command(dictionary: Path, transcript: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "captions", "correct", str(transcript), "--dict", str(dictionary),
            "--no-discover", "-o", str(out)]


def _process_timing(argv: list[str], env: dict[str, str], repeat: int, before: object = None) -> Timing:
    """Median wall and CPU (the child's) of ``repeat`` runs of a command, each after ``before()``."""
    walls, cpus = [], []
    for _ in range(repeat):
        if callable(before):
            before()
        cpu, wall = children_cpu_seconds(), time.perf_counter()
        subprocess.run(argv, env=env, check=True, capture_output=True)
        walls.append(time.perf_counter() - wall)
        cpus.append(children_cpu_seconds() - cpu)
    return Timing(statistics.median(walls), statistics.median(cpus))


def _inputs(work: Path) -> tuple[dict[int, Path], Path, list[tuple[str, str]]]:
    rng = random.Random(20260305)
    text = _transcript(300_000)
    taken = {w.lower() for w in re.findall(r"\w+", text)}
    pairs = _names(rng, 100_000, taken)
    transcript = work / "show.txt"
    transcript.write_text(text, encoding="utf-8")
    sample = SAMPLE_DICT.read_text(encoding="utf-8")
    paths = {10: SAMPLE_DICT}
    for count in SIZES[1:]:
        paths[count] = work / f"d{count}.dict.toml"
        paths[count].write_text(sample + _toml(pairs[: count - 10]), encoding="utf-8")
    keys = [w for _, w in pairs]
    lengths = sorted(len(k) for k in keys)
    print(f"\nInputs: {len(text.splitlines()):,} transcript lines ({len(text) / 1e6:.1f} MB); generated keys: "
          f"{len({k[0].lower() for k in keys})} distinct first letters, length median {statistics.median(lengths)}, "
          f"10-90 % {lengths[len(keys) // 10]}-{lengths[9 * len(keys) // 10]} characters, "
          f"{sum(1 for k in keys if not k.isascii()):,} of {len(keys):,} beyond ASCII; e.g. "
          + ", ".join(repr(w) for w in keys[:6]) + "\n")
    return paths, transcript, pairs


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="captions-bench-"))
    try:
        _measure(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _measure(work: Path) -> None:
    cache = work / "cache"
    paths, transcript, pairs = _inputs(work)
    warm = {**os.environ, "CAPTIONS_CACHE_DIR": str(cache)}
    off = {**os.environ, "CAPTIONS_CACHE_DIR": "off"}

    load_rows: list[tuple[str, Timing | float, str]] = []
    goals = {10: "", 10_000: "; goal <= 0.050 s", 100_000: "; goal <= 0.500 s"}
    imports = []
    for count in SIZES:
        timing, imported = _child_rows(paths[count], off, 3 if count < 100_000 else 2)
        imports.append(imported)
        load_rows.append((f"load {count:,} entries, cold", timing, "read TOML, lint for errors, compile"))
        _run_child(["--child-load", str(paths[count])], warm)  # fills the cache (dictionaries of 1,000+ fixes)
        timing, imported = _child_rows(paths[count], warm, 5)
        imports.append(imported)
        load_rows.append((f"load {count:,} entries, cached", timing, f"compiled form found by content hash{goals[count]}"))
    print_table(f"Loading a dictionary in a fresh process (after imports: median {statistics.median(imports):.3f} s)",
                load_rows)
    _stages(paths)

    outputs = {count: work / f"out{count}.txt" for count in SIZES}
    rows: list[tuple[str, Timing | float, str]] = []
    ratios = {10_000: "goal <= 1.2 x", 100_000: "goal <= 2 x"}
    commands = {count: _command(paths[count], transcript, outputs[count]) for count in SIZES}
    for argv in commands.values():
        subprocess.run(argv, env=warm, check=True, capture_output=True)  # warm-up, fills the cache
    # Interleaved (10, 10,000, 100,000, 10, ...), so that the machine's drift weighs on every row alike.
    runs: dict[int, list[Timing]] = {count: [] for count in SIZES}
    for _ in range(5):
        for count, argv in commands.items():
            runs[count].append(_process_timing(argv, warm, 1))
    for count in SIZES:
        rows.append((f"correct, {count:,} entries, cache warm", Timing(
            statistics.median(t.wall for t in runs[count]), statistics.median(t.cpu or 0.0 for t in runs[count])),
            ratios.get(count, "reference")))
    for count in SIZES[1:]:
        argv = _command(paths[count], transcript, outputs[count])
        rows.append((f"correct, {count:,} entries, cache cold", _process_timing(
            argv, warm, 1, before=functools.partial(_clear, cache)), "first run after the dictionary changed"))
    reference = rows[0][1]
    assert isinstance(reference, Timing) and reference.cpu
    rows = [(name, timing, f"{note}; CPU {timing.cpu / reference.cpu:.2f} x" if isinstance(timing, Timing)
             and timing.cpu else note) for name, timing, note in rows]
    same = {outputs[count].read_bytes() for count in SIZES}
    assert len(same) == 1, "the large dictionaries changed the text differently"
    print_table("`captions correct` on 300,000 lines, as a process (start-up, load, read, correct, write)", rows,
                unit_count=300_000, unit="lines")
    text = transcript.read_text(encoding="utf-8")
    _peers([line for line in text.split("\n") if line][:20_000], pairs)


def _stages(paths: dict[int, Path]) -> None:
    """Where a cold load goes, stage by stage, in this process (one run each)."""
    import pickle
    import tomllib

    from captions.corrections import Dictionary, lint_fixes
    from captions.corrections.fixes import parse_dictionary

    rows: list[tuple[str, Timing | float, str]] = []
    for count in SIZES[1:]:
        text = paths[count].read_text(encoding="utf-8")
        fixes = parse_dictionary(text, str(paths[count]))[0]
        dictionary = Dictionary(fixes).compile()
        stages = [
            ("TOML (tomllib)", functools.partial(tomllib.loads, text), "the standard library's pure-Python parser"),
            ("TOML + [[fix]] tables", functools.partial(parse_dictionary, text, str(paths[count])),
             "the row above, then each table checked and located"),
            ("lint for errors", functools.partial(lint_fixes, fixes, errors_only=True), "keys listed twice, chains"),
            ("compile, no automaton", functools.partial(Dictionary, fixes), "match forms, guards, fuzzy index"),
            ("compile with the automaton", functools.partial(_compiled, fixes), "the row above + pyahocorasick"),
            ("pickle for the cache", functools.partial(pickle.dumps, dictionary, pickle.HIGHEST_PROTOCOL), ""),
        ]
        for name, run, note in stages:
            rows.append((f"{name}, {count:,} entries", median_timing(run, repeat=1, warmup=0), note))
    print_table("Where a cold load goes (in process, one run each)", rows)


def _compiled(fixes: object) -> object:
    from captions.corrections import Dictionary

    return Dictionary(fixes).compile()  # type: ignore[arg-type]


def _clear(cache: Path) -> None:
    for entry in cache.glob("dictionaries/*.pickle"):
        entry.unlink()


def _peers(segments: list[str], pairs: list[tuple[str, str]]) -> None:
    """The trie the matcher compiled before, under the regex module and the standard library."""
    import regex

    from captions.corrections import Dictionary, Fix

    piece = "\n".join(segments)
    rows: list[tuple[str, Timing | float, str]] = []
    for count in (10, 10_000):
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
    if sys.argv[1:2] == ["--child-load"]:
        _child_load(sys.argv[2])
    else:
        main()
