"""Decoding caption bytes without losing text: a byte that does not decode costs its line (as
U+FFFD, located), legacy code pages are detected (charset-normalizer) or given, line ends and the
byte-order mark are remembered so that a file is written back as it came."""

from __future__ import annotations

import pytest

from captions.errors import ParseError
from captions.files import decode, legacy_codec
from captions.findings import FindingCode
from captions.formats import Format, encode_document, parse_captions_bytes, render_document


def test_a_file_cut_inside_a_character_loses_that_character_only() -> None:
    data = "1\n00:00:01,000 --> 00:00:02,000\nCafé crème\n".encode("utf-8")[:-4]   # cut inside "è"
    doc = parse_captions_bytes(data, Format.SRT, "cut.srt")
    assert doc.cues[0].lines == ("Café cr\ufffd",)
    [bad] = [p for p in doc.problems if p.code is FindingCode.INVALID_BYTE]
    assert (bad.line, bad.column) == (3, 8) and "0xC3" in bad.message


def test_a_bad_byte_in_the_middle_costs_its_line_not_the_file() -> None:
    good = "é" * 20
    data = f"1\n00:00:01,000 --> 00:00:02,000\n{good}\n\n2\n00:00:03,000 --> 00:00:04,000\nun ".encode() + b"\xff" + b"x\n"
    doc = parse_captions_bytes(data, Format.SRT, "a.srt")
    assert [c.lines for c in doc.cues] == [(good,), ("un \ufffdx",)]
    assert [(p.line, p.column) for p in doc.problems if p.code is FindingCode.INVALID_BYTE] == [(7, 4)]


@pytest.mark.parametrize("text, codec", [
    ("Bonjour à tous, déjà là ce soir, ça va ?", "cp1252"),
    ("C'est l'été, à bientôt !", "cp1252"),
    ("El niño está aquí.", "cp1252"),
    ("Из зоре времена долазимо, кроз векове смо се борили.", "cp1251"),
])
def test_legacy_code_pages_of_short_texts(text, codec) -> None:
    data = f"1\n00:00:01,000 --> 00:00:02,000\n{text}\n".encode(codec)
    decoded = decode(data, lenient=True)
    assert decoded.encoding == codec and text in decoded.text and decoded.fallback


def test_a_tie_names_the_other_code_pages() -> None:
    data = "Déjà là — 20 €".encode("cp1252")
    codec, others = legacy_codec(data)
    assert codec == "cp1252" and "cp1250" in others
    doc = parse_captions_bytes(b"1\n00:00:01,000 --> 00:00:02,000\n" + data + b"\n", Format.SRT)
    [finding] = [p for p in doc.problems if p.code is FindingCode.ENCODING]
    assert "cp1250" in finding.message and "--encoding" in finding.message


def test_a_given_encoding_wins_and_an_unknown_one_is_refused() -> None:
    data = "Đino, dođavola.".encode("cp1250")
    assert decode(data, encoding="windows-1250", lenient=True).text == "Đino, dođavola."
    with pytest.raises(ParseError, match="unknown encoding 'klingon'"):
        decode(data, encoding="klingon", lenient=True)


def test_strict_decoding_is_unchanged() -> None:
    # the transcript reader's decoding: not UTF-8 is Windows-1252, and bytes it has not are refused
    assert decode("à".encode("cp1252")).encoding == "cp1252"
    with pytest.raises(ParseError, match="cannot be decoded"):
        decode(b"00:01ok\n00:02 bad \x81\x8d here\n")


@pytest.mark.parametrize("data", [
    b"WEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nCRLF\r\n",
    b"WEBVTT\r\n\r\n00:01.000 --> 00:02.000\rCR\n\r\nmixed",
    b"\xef\xbb\xbfWEBVTT\n\n00:01.000 --> 00:02.000\nBOM\n",
    "\ufeffWEBVTT\n\n00:01.000 --> 00:02.000\nUTF-16\n".encode("utf-16-le"),
    "WEBVTT\n\n00:01.000 --> 00:02.000\nnon termin\xe9".encode("cp1252"),
])
def test_line_ends_mark_and_encoding_come_back(data) -> None:
    doc = parse_captions_bytes(data, Format.VTT)
    assert len(doc.cues) == 1
    assert encode_document(doc, render_document(doc)) == data
