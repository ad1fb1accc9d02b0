"""Which layout a transcript is in: every reader scored on the first lines, the best one picked.

A file is read by one of three families of readers: whisper's JSON (:mod:`.whisper_json`), a
caption file read as a transcript (:mod:`.cues`: WebVTT or SRT, as :func:`captions.files.sniff`
decides), or the line readers of :mod:`.layouts`, which read a stamp layout per line (a file may
mix them).  :func:`detect` scores each reader on the first :data:`SAMPLE_LINES` non-blank lines
(the share of them it reads) and picks the family of the best; the scores go to
``inspect --json`` so that a surprising choice can be explained.  A new layout is a new reader
class in :data:`~.layouts.LEADING`: it is scored here without more code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..files import sniff
from ..model import Format
from .layouts import LEADING, TRAILING, BareStamp

__all__ = ["Detection", "detect", "family_of", "head_lines", "score_lines", "SAMPLE_LINES", "LAYOUTS_TRIED", "looks_like_json"]

#: How many non-blank lines are scored.
SAMPLE_LINES = 300
_HEAD_LINES = SAMPLE_LINES * 8   # the lines looked at for them (blank lines are skipped)

#: What the reader tries, for the message of a file it refuses: the readers of whole documents,
#: then every line reader's example.
LAYOUTS_TRIED = ("whisper JSON ({\"segments\": [...]})", "WebVTT or SRT",
                 *(reader.example for reader in LEADING), *(reader.example for reader in TRAILING))


@dataclass(frozen=True, slots=True)
class Detection:
    """The family of readers picked, and every reader's score.

    Attributes:
        family: ``"whisper-json"``, ``"webvtt"``, ``"srt"`` or ``"lines"``.
        scores: ``(reader, share of the scored lines it reads)``, best first.
        lines: how many non-blank lines were scored.
        data: the parsed JSON, for the ``whisper-json`` family.
    """

    family: str
    scores: tuple[tuple[str, float], ...]
    lines: int
    data: object = None


def looks_like_json(text: str) -> bool:
    """Whether ``text`` opens like a JSON document (an object, or a list of objects), not like
    a bracketed stamp (``[00:14]``).

    >>> looks_like_json('  {"segments": []}'), looks_like_json('[{"start": 0}]'), looks_like_json("[00:14] Oui")
    (True, True, False)
    """
    head = text.lstrip("\ufeff \t\n")
    return head.startswith("{") or (head.startswith("[") and head[1:].lstrip()[:1] in ("{", "]"))


def score_lines(lines: Sequence[str], sample: int = SAMPLE_LINES) -> tuple[dict[str, float], int]:
    """Each line reader's share of the first ``sample`` non-blank lines, and how many were scored.

    Every reader reads every line (not only the first that succeeds), so the scores say how
    well each layout fits, not only which one won.

    >>> scores, n = score_lines(["Titre", "00:14Bonsoir", "[00:20] Oui"])
    >>> n, scores["glued"], scores["bracketed"], scores["whisper"]
    (3, 0.333, 0.333, 0.0)
    """
    counts: Counter[str] = Counter()
    n = 0
    for line in lines:
        if not line.strip():
            continue
        n += 1
        if n > sample:
            n = sample
            break
        if ":" not in line:
            continue
        for reader in LEADING:
            stamp = reader.read(0, line)
            if stamp is not None:
                counts[stamp.kind.value if isinstance(reader, BareStamp) else reader.name] += 1
        for trailing in TRAILING:
            trail = trailing.read(0, line, None)
            if trail is not None:
                counts[trail.reader] += 1
    names = [r.name for r in LEADING if not isinstance(r, BareStamp)] + ["glued", "spaced", "stamp-line",
                                                                          "trailing", "otter"]
    return {name: round(counts[name] / n, 3) if n else 0.0 for name in names}, n


def _whisper_json(text: str) -> object:
    """The parsed JSON when ``text`` is JSON (None otherwise; a broken one is its reader's error)."""
    if not looks_like_json(text):
        return None
    import json   # loaded only for a file that looks like JSON

    try:
        return json.loads(text)
    except ValueError:
        return text   # JSON that does not parse: its reader says where


def head_lines(text: str, count: int) -> list[str]:
    """The first ``count`` lines of ``text``, without copying the rest of it.

    >>> head_lines("a\\nb\\nc", 2), head_lines("a", 5)
    (['a', 'b'], ['a'])
    """
    end = -1
    for _ in range(count):
        end = text.find("\n", end + 1)
        if end < 0:
            return text.split("\n")
    return text[:end].split("\n")


def family_of(text: str, source: str) -> str:
    """The family of readers for ``text``, from its first characters (and the suffix of ``source``).

    >>> family_of("00:14Bonsoir", "<input>"), family_of("WEBVTT\\n", "<input>"), family_of("x", "a.srt")
    ('lines', 'webvtt', 'srt')
    """
    if looks_like_json(text):
        return "whisper-json"
    fmt = sniff(source, text)
    return "lines" if fmt is None else "webvtt" if fmt is Format.VTT else "srt"


def detect(text: str, source: str) -> Detection:
    """Score every reader on the first lines of ``text`` and pick the family of the best.

    >>> detect("00:14Bonsoir\\n00:20Oui", "<input>").family, detect("WEBVTT\\n", "<input>").family
    ('lines', 'webvtt')
    """
    data = _whisper_json(text)
    fmt = None if data is not None else sniff(source, text)
    scores, n = score_lines(head_lines(text, _HEAD_LINES))
    whole = {"whisper-json": 1.0 if data is not None else 0.0, "webvtt": 1.0 if fmt is Format.VTT else 0.0,
             "srt": 1.0 if fmt is Format.SRT else 0.0}
    ranked = tuple(sorted({**whole, **scores}.items(), key=lambda kv: -kv[1]))
    family = next((name for name, score in whole.items() if score), "lines")
    return Detection(family, ranked, n, data)
