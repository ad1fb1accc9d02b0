"""What a subtitler checks in built cues, measured from the cues as written (not from what the
builder believes): turns left unmarked, cuts inside fixed expressions, lines ending on a weak
word, blanks inside a sentence, and the words themselves.  Used by the tests of the sample, the
film and the English podcasts (the "Done when" of the captions-quality issue)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from captions.langdata import rules_for
from captions.typography import NNBSP, break_penalty, ends_sentence

_DASH_AFTER_STAMP = re.compile(r"^\d+:\d\d(?::\d\d)?\s?[–-] ")


def with_dash_turns(transcript, path: Path):
    """``transcript`` with ``turn=True`` on each fragment whose source line has a dash after its
    stamp (``04:41– Je pense``): what the reader will say itself once it keeps turn marks."""
    lines = path.read_text("utf-8").splitlines()
    dashed = {k + 1 for k, line in enumerate(lines) if _DASH_AFTER_STAMP.match(line)}
    return replace(transcript, fragments=tuple(replace(f, turn=True) if f.line in dashed else f
                                               for f in transcript.fragments))


def _tokens(text: str) -> list[str]:
    return [w for w in text.replace(NNBSP, " ").replace("\u00a0", " ").split(" ") if w]


@dataclass
class Shown:
    """The words of the cues as a person reads them, the marks the builder adds taken out, with
    what comes before each word: ``cue`` (a new cue), ``line`` (a line break) or ``space``."""

    words: list[str]
    before: list[str]
    cue_of: list[int]


def shown(result) -> Shown:
    built, data = result.built, rules_for(result.lang)
    words: list[str] = []
    before: list[str] = []
    cue_of: list[int] = []
    for k, cue in enumerate(result.cues):
        lines = list(cue.lines)
        if built.dialogue[k]:
            lines = [line[len(data.dialogue_dash):] for line in lines]
        if built.opened[k]:
            lines[0] = lines[0][len(data.continuation_start):]
        if built.marked[k]:
            lines[-1] = lines[-1][:-len(data.continuation_end)]
        for i, line in enumerate(lines):
            for j, word in enumerate(line.split(" ")):
                words.append(word)
                before.append("cue" if i == j == 0 else "line" if j == 0 else "space")
                cue_of.append(k)
    return Shown(words, before, cue_of)


def cuts_inside_expressions(result) -> list[str]:
    """Every cue boundary or line break inside a fixed expression of the language's lists."""
    seen = shown(result)
    inside: set[int] = set()
    for i, j in rules_for(result.lang).expression_spans(seen.words):
        inside.update(range(i + 1, j))
    return [" ".join(seen.words[max(0, k - 3):k]) + " | " + " ".join(seen.words[k:k + 3])
            for k in sorted(inside) if seen.before[k] != "space"]


def weak_line_ends(result) -> list[str]:
    """The lines that end on a word a line must not end on (as the language's lists say)."""
    data = rules_for(result.lang)
    return [line for cue in result.cues for line in cue.lines if data.ends_weak(line.split(" ")[-1])]


def line_count(result) -> int:
    return sum(len(cue.lines) for cue in result.cues)


def unmarked_blanks(result, *, at_least_ms: int = 1000) -> list[tuple[int, str]]:
    """Blanks of ``at_least_ms`` or more between two cues inside a sentence (the cut between
    the first cue's last word and the next cue's first word is not a sentence end, and the next
    cue starts no turn) with no continuation mark on either side."""
    built, seen = result.built, shown(result)
    firsts = [k for k, before in enumerate(seen.before) if before == "cue"]
    out = []
    for k in range(len(result.cues) - 1):
        cue, nxt = result.cues[k], result.cues[k + 1]
        last, first = seen.words[firsts[k + 1] - 1], seen.words[firsts[k + 1]]
        if break_penalty(last, first, result.lang) == 0.0 or built.opens_turn[k + 1] or built.dialogue[k + 1]:
            continue
        if built.marked[k] or built.opened[k + 1]:
            continue
        if nxt.start_ms - cue.end_ms >= at_least_ms:
            out.append((k + 1, " / ".join(cue.lines)))
    return out


def cues_with_three_speakers(result, transcript) -> list[int]:
    """Cues whose words hold two or more turn starts inside (marked turns of the fragments)."""
    turns = [f for f, frag in enumerate(transcript.fragments) if frag.turn and frag.text.strip()]
    out = []
    for k, (first, last) in enumerate(result.built.fragments):
        if sum(1 for f in turns if first < f <= last) >= 2:
            out.append(k + 1)
    return out


def unmarked_inner_turns(result, transcript) -> list[int]:
    """Cues holding a marked turn inside that are not written as a dialogue (a dash per line)."""
    turns = {f for f, frag in enumerate(transcript.fragments) if frag.turn and frag.text.strip()}
    dash = rules_for(result.lang).dialogue_dash
    out = []
    for k, (first, last) in enumerate(result.built.fragments):
        inner = any(first < f <= last for f in turns)
        cue = result.cues[k]
        if inner and not (len(cue.lines) == 2 and all(line.startswith(dash) for line in cue.lines)):
            out.append(k + 1)
    return out


def turns_marked(result, transcript) -> tuple[int, int]:
    """(turns a cue starts with or a dialogue line opens, marked turns of the transcript)."""
    turns = [f for f, frag in enumerate(transcript.fragments) if frag.turn and frag.text.strip()]
    starts = {first for first, _ in result.built.fragments}
    dialogue = [(first, last) for (first, last), d in zip(result.built.fragments, result.built.dialogue) if d]
    marked = sum(1 for f in turns if f in starts or any(first < f <= last for first, last in dialogue))
    return marked, len(turns)


def shown_words(result) -> list[str]:
    return _tokens(" ".join(shown(result).words))


def spoken_words(fragments) -> list[str]:
    """The words of ``fragments``, without the dashes that mark a turn."""
    out: list[str] = []
    for frag in fragments:
        words = [w for w in frag.text.split(" ") if w]
        last = ""   # the fragment's last word kept
        for i, word in enumerate(words):
            if word in {"-", "–", "—"} and i + 1 < len(words) and (i == 0 or (last and ends_sentence(last))):
                last = ""
                continue
            out.append(word)
            last = word
    return _tokens(" ".join(out))
