"""Fuzz: real files mutated the ways files get damaged (cut short, bytes deleted, NULs, long digit
runs such as a 4,300-digit SRT index or an 11-digit WebVTT hour, lines swapped or repeated,
stray bytes) are read, checked, repaired and written by the caption readers, and read by the
transcript reader, with no exception but a CaptionsError.

Seeds: the real files of ../shared/realworld (when present) and our own corpora."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from captions.errors import CaptionsError
from captions.files import decode
from captions.formats import Format, encode_document, parse_captions_bytes, render_document
from captions.presets import get_preset
from captions.transcript import transcript_from_decoded
from captions.validate import check_document, fix_document

ROOT = Path(__file__).resolve().parent
SHARED = ROOT.parents[1] / "shared" / "realworld"
_CHUNK = 6000   # the start of each seed: enough blocks, fast enough for hundreds of examples


def _seeds(*patterns: tuple[Path, str]) -> list[bytes]:
    found = []
    for folder, pattern in patterns:
        if folder.is_dir():
            found.extend(p.read_bytes()[:_CHUNK] for p in sorted(folder.glob(pattern)) if p.is_file())
    return [seed for seed in found if seed]


CAPTION_SEEDS = _seeds((SHARED / "subtitles", "*.srt"), (SHARED / "subtitles", "*.vtt"),
                       (ROOT / "data" / "fix", "*/input.*"), (ROOT / "data" / "malformed", "*"))
TRANSCRIPT_SEEDS = _seeds((SHARED / "transcripts", "*.txt"), (ROOT / "data" / "transcript", "*/input.txt"),
                          (ROOT.parent / "samples", "*.txt"))
PRESET = get_preset("fr-tv")


@st.composite
def _damaged(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["cut", "delete", "nul", "digits", "swap", "repeat", "bytes", "arrow"]))
        if kind == "cut":
            del data[at:]
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 40))]
        elif kind == "nul":
            data[at:at] = b"\x00" * draw(st.integers(1, 3))
        elif kind == "digits":
            data[at:at] = b"9" * draw(st.sampled_from([11, 19, 400, 4300, 5000]))
        elif kind == "bytes":
            data[at:at] = draw(st.binary(min_size=1, max_size=6))
        elif kind == "arrow":
            data[at:at] = draw(st.sampled_from([b" --> ", b"-->", b"\n00:00:01.000 --> 99:99:99.999\n", b"\n\n"]))
        else:
            lines = bytes(data).split(b"\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if kind == "swap":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines.insert(j, lines[i])
            data = bytearray(b"\n".join(lines))
    return bytes(data)


_SETTINGS = settings(max_examples=int(__import__("os").environ.get("CAPTIONS_FUZZ_EXAMPLES", "300")), deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                            HealthCheck.data_too_large])


@_SETTINGS
@given(_damaged(CAPTION_SEEDS), st.sampled_from(list(Format)))
def test_caption_readers_and_fix_raise_nothing_but_captions_errors(data, fmt):
    try:
        doc = parse_captions_bytes(data, fmt, "fuzz")
    except CaptionsError:
        return
    check_document(doc, PRESET)   # never raises for bad content
    try:
        encode_document(doc, render_document(doc))
    except CaptionsError:   # a character the file's own encoding cannot write back
        pass
    try:
        fixed = fix_document(doc, PRESET, target="out", drop_unreadable=True)
    except CaptionsError:
        return
    assert not fixed.refused
    parse_captions_bytes(fixed.data, fmt, "out", encoding=fixed.encoding)


@_SETTINGS
@given(_damaged(TRANSCRIPT_SEEDS))
def test_the_transcript_reader_raises_nothing_but_captions_errors(data):
    try:
        transcript_from_decoded(decode(data, "fuzz"), "fuzz")
    except CaptionsError:
        pass


def test_there_are_seeds() -> None:
    assert len(CAPTION_SEEDS) >= 30 and TRANSCRIPT_SEEDS
