"""Bytes in and out: decoding every encoding real files come in, and atomic writes.

Readers of every format decode through :func:`decode`, so a UTF-16 transcript
and a UTF-16 SRT are handled by the same rule, and every output goes through
:func:`write_text_atomic` so that an interrupted run never leaves half a file.
"""

from __future__ import annotations

import codecs
import dataclasses
import errno
import functools
import os
import pkgutil
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import Location, OutputError, ParseError
from .model import Format

__all__ = ["Decoded", "decode", "read_bytes", "read_source", "MAX_INPUT_BYTES", "format_size", "printable",
           "encode_text", "write_text_atomic", "write_bytes_atomic", "write_all", "write_rows", "source_name", "same_file", "sniff",
           "package_text"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text with what was learnt on the way.

    Attributes:
        text: the text, line ends normalised to ``\\n``.
        encoding: the codec used (``utf-8``, ``utf-8-sig``, ``utf-16-le``, ``cp1252``, ``cp1251``...).
        bom: whether a byte-order mark was removed.
        newline: the line end of the file (``\\r\\n`` when it has any, else ``\\r`` when it has any,
            else ``\\n``).
        fallback: True when the bytes were not Unicode and a legacy encoding was used.
        line_ends: each line's end as written, when the file mixes several kinds (None when every
            line ends with ``newline``), so that a writer can give each line back its own.
        final_newline: whether the last line ends with a line end.
        replaced: each byte that does not decode, as ``(line, column, byte)`` (1-based line and
            column of the U+FFFD that stands for it in ``text``, the byte as ``0xE9``); only a
            lenient :func:`decode` marks bytes instead of refusing them.
        given: True when the encoding was given by the caller rather than detected.
        alternatives: legacy encodings that read the bytes about as plausibly as ``encoding``
            but differently (a short text), for a message to name.
    """

    text: str
    encoding: str
    bom: bool = False
    newline: str = "\n"
    fallback: bool = False
    line_ends: tuple[str, ...] | None = None
    final_newline: bool = True
    replaced: tuple[tuple[int, int, str], ...] = ()
    given: bool = False
    alternatives: tuple[str, ...] = ()


def decode(data: bytes, source: str = "<input>", *, encoding: str | None = None, lenient: bool = False) -> Decoded:
    """Decode subtitle or transcript bytes.

    UTF-8 (with or without BOM), UTF-16 and UTF-32 with a BOM; other bytes that are not UTF-8
    are read as Windows-1252 (``fallback`` is set so callers can note it).

    ``encoding`` names the codec to use (a byte-order mark still wins: it cannot be wrong).
    ``lenient`` (the caption readers): a byte that does not decode costs its line, not the file:
    it is read as U+FFFD and listed in ``replaced``; bytes that are not UTF-8 are read in the
    legacy encoding ``charset-normalizer`` finds (Windows-1250, Windows-1251, ISO-8859-x, Shift
    JIS, GB18030...), Windows-1252 when it reads them as well.

    Raises:
        ParseError: for an empty input, NUL bytes in 8-bit text (a binary file), bytes that no
            supported encoding reads (strict only), or an unknown ``encoding``; the message
            names the line.

    >>> decode(b"\\xef\\xbb\\xbf00:14Bonsoir\\r\\n").text, decode("é".encode("cp1252")).encoding
    ('00:14Bonsoir\\n', 'cp1252')
    >>> d = decode(b"caf\\xc3\\xa9 cr\\xc3\\xa8me\\n\\xc3", lenient=True)
    >>> d.text, d.encoding, d.replaced
    ('café crème\\n\\ufffd', 'utf-8', ((2, 1, '0xC3'),))
    """
    if not data:
        raise ParseError("the file is empty; expected text with timestamps", Location(source, 1))
    given = None if encoding is None else _known_codec(encoding, source)
    alternatives: tuple[str, ...] = ()
    marked = _byte_order_mark(data)
    if marked is not None:
        mark, codec = marked
        text = _decode_given(data[len(mark):], codec.replace("-sig", ""), source, lenient)
    elif given is not None:
        if not given.startswith(("utf-16", "utf-32")):
            _refuse_nul(data, source)
        text, codec = _decode_given(data, given, source, lenient), given
    elif lenient:
        _refuse_nul(data, source)
        text, codec, alternatives = _decode_detected(data)
    else:
        text, codec = _decode_unmarked(data, source)
    if "\x00" in text and not codec.startswith(("utf-16", "utf-32")):
        line = text[: text.index("\x00")].count("\n") + 1
        raise ParseError("NUL character in text; expected a text file", Location(source, line))
    decoded = _finish(text, codec, marked is not None, given=given is not None and marked is None)
    return dataclasses.replace(decoded, alternatives=alternatives) if alternatives else decoded


def _byte_order_mark(data: bytes) -> tuple[bytes, str] | None:
    """The byte-order mark ``data`` starts with and the codec it names (``utf-8-sig`` for UTF-8).

    UTF-32-LE comes before UTF-16-LE: its mark starts with UTF-16-LE's.

    >>> _byte_order_mark(b"\\xff\\xfe\\x00\\x00a"), _byte_order_mark(b"a")
    ((b'\\xff\\xfe\\x00\\x00', 'utf-32-le'), None)
    """
    for mark, codec in _BOMS:
        if data.startswith(mark):
            return mark, codec
    return None


def _refuse_nul(data: bytes, source: str) -> None:
    """NUL bytes are refused in 8-bit text: it has none, so they mean a binary file."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ParseError(
            "NUL byte found: this looks like a binary file, expected UTF-8 or UTF-16 text",
            Location(source, line),
        )


def _decode_unmarked(data: bytes, source: str) -> tuple[str, str]:
    """``(text, codec)`` for bytes without a byte-order mark: UTF-8, else Windows-1252."""
    _refuse_nul(data, source)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise _decode_error(data, exc, source, "utf-8 or cp1252") from None


def _decode_error(data: bytes, exc: UnicodeDecodeError, source: str, codec: str) -> ParseError:
    line = data[: exc.start].count(b"\n") + 1
    bad = data[exc.start: exc.start + 4]
    return ParseError(f"bytes {bad!r} cannot be decoded as {codec}; expected UTF-8, UTF-16 or Windows-1252 text",
                      Location(source, line))


def _finish(text: str, encoding: str, bom: bool, *, given: bool) -> Decoded:
    """The :class:`Decoded` of ``text``: line ends normalised (and remembered when mixed), and
    each byte marked by :func:`_decode_marking` (a lone surrogate) located and read as U+FFFD."""
    final_newline = text.endswith(("\n", "\r"))
    newline = "\r\n" if "\r\n" in text else ("\r" if "\r" in text else "\n")
    line_ends = None
    if "\r" in text:
        ends = _LINE_END.findall(text)
        if len(set(ends)) > 1:
            line_ends = tuple(ends)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    replaced: tuple[tuple[int, int, str], ...] = ()
    if _MARKED.search(text) is not None:
        replaced = tuple(_place(text, m.start()) + (f"0x{ord(m.group()) - 0xDC00:02X}",)
                         for m in _MARKED.finditer(text))
        text = _MARKED.sub("\ufffd", text)
    fallback = not given and encoding not in ("utf-8", "utf-8-sig") and not encoding.startswith(("utf-16", "utf-32"))
    return Decoded(text, encoding, bom, newline, fallback, line_ends, final_newline, replaced, given)


_LINE_END = re.compile(r"\r\n|\r|\n")
# A byte that did not decode, as _decode_marking leaves it (never in decoded text otherwise:
# a strict decoder refuses lone surrogates).
_MARKED = re.compile("[\udc00-\udcff]")


def _place(text: str, at: int) -> tuple[int, int]:
    """The 1-based ``(line, column)`` of offset ``at`` in ``text`` (LF line ends).

    >>> _place("ab\\ncd", 4)
    (2, 2)
    """
    start = text.rfind("\n", 0, at) + 1
    return text.count("\n", 0, at) + 1, at - start + 1


def _decode_marking(data: bytes, codec: str) -> str:
    """``data`` decoded with ``codec``, each byte that does not decode left as the lone surrogate
    U+DC00 + byte (so that :func:`_finish` can say where it was and read it as U+FFFD).

    >>> _decode_marking(b"a\\xffb", "utf-8")
    'a\\udcffb'
    """
    try:
        return data.decode(codec, "surrogateescape")
    except UnicodeDecodeError:
        pass   # a codec whose errors surrogateescape cannot mark (UTF-16, UTF-32)
    out: list[str] = []
    pos = 0
    while pos < len(data):
        try:
            out.append(data[pos:].decode(codec))
            break
        except UnicodeDecodeError as exc:
            out.append(data[pos:pos + exc.start].decode(codec))
            out.extend(chr(0xDC00 + byte) for byte in data[pos + exc.start:pos + exc.end])
            pos += exc.end
    return "".join(out)


def _decode_given(data: bytes, codec: str, source: str, lenient: bool) -> str:
    """``data`` in the codec the caller named: bytes that do not decode marked (lenient) or refused."""
    if lenient:
        return _decode_marking(data, codec)
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise _decode_error(data, exc, source, codec) from None


def _decode_detected(data: bytes) -> tuple[str, str, tuple[str, ...]]:
    """``(text, codec, alternatives)`` of bytes without a byte-order mark, read leniently: UTF-8 when
    they are, or when they are UTF-8 with a few bad bytes (UTF-8 characters in it, and as many as
    bad bytes, or a file cut inside its last character); else the legacy encoding
    :func:`legacy_codec` finds."""
    try:
        return data.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError:
        pass
    marked = data.decode("utf-8", "surrogateescape")
    bad = len(_MARKED.findall(marked))
    good = sum(1 for ch in marked if ch > "\x7f") - bad
    if good > 0 and (good >= bad or _cut_in_last_character(data)):
        return marked, "utf-8", ()
    codec, alternatives = legacy_codec(data)
    return _decode_marking(data, codec), codec, alternatives


def _cut_in_last_character(data: bytes) -> bool:
    """Whether the only bytes of ``data`` that are not UTF-8 are an unfinished last character."""
    for cut in range(1, 4):
        try:
            data[:-cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return data[-cut] >= 0xC0 and len(data) > cut
    return False


def legacy_codec(data: bytes) -> tuple[str, tuple[str, ...]]:
    """The legacy (not Unicode) encoding ``data`` is most likely in, as a Python codec name, and
    the encodings that read it as plausibly but differently (empty when the choice is clear).

    charset-normalizer ranks the candidates (how plausible each one's text is, in which
    language).  Windows-1252, by far the most common, wins when it reads the bytes as the best
    candidate does, when the best and Windows-1252 are tied (short texts often leave
    Windows-1250 and Windows-1252 tied), and when no candidate's text looks like any language
    (a line or two: then charset-normalizer cannot tell, and may not even list Windows-1252);
    the others that read the bytes differently are returned, for the caller to say so.
    A Windows code page about as plausible wins over a Mac or DOS one.  Windows-1252 when nothing
    is found.

    >>> legacy_codec("Bonjour à tous, déjà là ce soir".encode("cp1252"))[0]
    'cp1252'
    >>> legacy_codec("Из зоре времена долазимо, кроз векове смо се борили".encode("cp1251"))
    ('cp1251', ())
    """
    from charset_normalizer import from_bytes   # only for bytes that are not UTF-8

    matches = list(from_bytes(data))
    if not matches:
        return "cp1252", ()
    best = matches[0]
    tied = [m for m in matches if abs(m.chaos - best.chaos) < 1e-3 and abs(m.coherence - best.coherence) < 1e-3]
    names = [codecs.lookup(m.encoding).name for m in tied]
    western = any("cp1252" in m.could_be_from_charset for m in tied)
    chosen = "cp1252" if western or (best.coherence < 0.01 and _reads(data, "cp1252")) else names[0]
    if not chosen.startswith("cp125"):
        # a Windows code page about as plausible, and fitting a language better, wins over a Mac or
        # DOS one (subtitle files come from Windows tools)
        windows = next((m for m in matches if m.encoding.startswith("cp125") and m.chaos <= best.chaos + 0.05
                        and m.coherence >= best.coherence), None)
        chosen = codecs.lookup(windows.encoding).name if windows is not None else chosen
    text = data.decode(chosen, "replace")
    others = [n for n in names if n != chosen and data.decode(n, "replace") != text]
    return chosen, tuple(dict.fromkeys(others))[:3]


def _reads(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _known_codec(name: str, source: str) -> str:
    """The codec ``name`` names, normalised (``Windows-1251`` is ``cp1251``).

    Raises:
        ParseError: for a name Python does not know.
    """
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise ParseError(f"unknown encoding {name!r}; expected a name such as utf-8, cp1252, cp1251, "
                         "iso-8859-2", Location(source)) from None
_SUFFIX_FORMATS = {".srt": Format.SRT, ".vtt": Format.VTT}
# An SRT block: an index line, then a timing line.
_SRT_HEAD = re.compile(r"\s*\d+[ \t]*\n[ \t]*\d+:\d+:\d+[,.]\d+[ \t]*-->")


def sniff(name: str, text: str) -> Format | None:
    """The caption format of an input, or None when it is a transcript: the one rule every
    command uses to decide "is this a transcript or a caption file?".

    A ``.srt`` or ``.vtt`` suffix decides.  Otherwise (a ``.txt``, another suffix, standard
    input) the text does: the ``WEBVTT`` signature, or an SRT block (an index line followed by
    a timing line) at the start; anything else is a transcript.

    >>> sniff("show.VTT", ""), sniff("-", "WEBVTT\\n"), sniff("a.txt", "1\\n00:00:01,000 --> 00:00:02,000\\nOui")
    (<Format.VTT: 'vtt'>, <Format.VTT: 'vtt'>, <Format.SRT: 'srt'>)
    >>> sniff("show.txt", "00:14Bonsoir") is None
    True
    """
    by_suffix = _SUFFIX_FORMATS.get(Path(name).suffix.lower())
    if by_suffix is not None:
        return by_suffix
    head = text[:1000].lstrip("\ufeff")
    if head.startswith("WEBVTT") and (len(head) == 6 or head[6] in " \t\n"):
        return Format.VTT
    if _SRT_HEAD.match(head):
        return Format.SRT
    return None


def source_name(path: str | os.PathLike[str]) -> str:
    """The name used for ``path`` in messages (``-`` is ``<stdin>``)."""
    return "<stdin>" if str(path) == "-" else str(path)


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name one file (``-``, standard input or output, is never a file).

    True for the same path written two ways, a link to it, or a hard link; False when either
    does not exist yet (an output about to be created cannot be the input).
    """
    if str(a) == "-" or str(b) == "-":
        return False
    try:
        return Path(a).resolve() == Path(b).resolve() or os.path.samefile(a, b)
    except OSError:
        return False


#: The largest file :func:`read_bytes` reads unless told otherwise: far above any real transcript or
#: caption file (a ten-hour show is a few megabytes), low enough that a wrong path (a disk image, a
#: log) is refused instead of exhausting memory.
MAX_INPUT_BYTES = 1 << 30

_CHUNK = 1 << 20


def read_bytes(path: str | os.PathLike[str], *, max_bytes: int | None = MAX_INPUT_BYTES,
               within: str | os.PathLike[str] | None = None) -> bytes:
    """The bytes of a regular file (``-`` reads standard input), for readers that decode them their own way.

    Only a regular file is read: a FIFO (which would wait for a writer forever), a device
    (``/dev/zero`` never ends) or a folder is refused with a clear error instead; a pipe is read
    through standard input (``-``).  The file is checked once it is open, so that what is checked
    is what is read.

    Args:
        max_bytes: refuse a file (or standard input) longer than this; None for no limit.
        within: refuse a file that is not inside this folder once every symbolic link on its
            path is resolved.

    Raises:
        ParseError: the file cannot be opened, is not a regular file, is too long, or lies
            outside ``within``; the message names it and never quotes its content.

    >>> read_bytes("/dev/zero")
    Traceback (most recent call last):
    captions.errors.ParseError: /dev/zero: cannot read the file: it is a device, not a regular file
    """
    name = source_name(path)
    if name == "<stdin>":
        import sys

        return _read_limited(sys.stdin.buffer.read, name, max_bytes)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)   # non-blocking: opening a FIFO must not wait for its writer
    except OSError as exc:
        raise _read_error(name, exc) from None
    try:
        _refuse_unreadable(fd, path, name, within)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return _read_limited(functools.partial(os.read, fd), name, max_bytes)
    finally:
        os.close(fd)


def _refuse_unreadable(fd: int, path: str | os.PathLike[str], name: str,
                       within: str | os.PathLike[str] | None) -> None:
    """Refuse what is open on ``fd`` unless it is a regular file (inside ``within`` when given)."""
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        what = ("a folder" if stat.S_ISDIR(mode) else "a FIFO (a named pipe); read a pipe through standard "
                "input (-)" if stat.S_ISFIFO(mode) else "a device, not a regular file" if stat.S_ISCHR(mode)
                or stat.S_ISBLK(mode) else "not a regular file")
        raise ParseError(f"cannot read the file: it is {what}", Location(name))
    if within is not None:
        root = os.path.realpath(within)
        real = _opened_path(fd, path)
        if os.path.commonpath([root, real]) != root:
            raise ParseError(f"cannot read the file: a symbolic link leads out of {within}, and links out of it "
                             "are not followed", Location(name))


def _opened_path(fd: int, path: str | os.PathLike[str]) -> str:
    """Where the file open on ``fd`` really is (its links resolved): from the descriptor itself
    where the system says (Linux), so that a link swapped in after the check changes nothing."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return os.path.realpath(path)


def _read_limited(read: Callable[[int], bytes], name: str, max_bytes: int | None) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        try:
            chunk = read(_CHUNK)
        except OSError as exc:
            raise _read_error(name, exc) from None
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise ParseError(f"cannot read the file: it is longer than the limit of {format_size(max_bytes)} "
                             "for one file", Location(name))
        chunks.append(chunk)


def _read_error(name: str, exc: OSError) -> ParseError:
    reason = "it is a folder" if exc.errno == errno.EISDIR else exc.strerror or str(exc)
    return ParseError(f"cannot read the file: {reason}", Location(name))


def format_size(size: int) -> str:
    """A byte count as people write it (binary units).

    >>> format_size(256 << 20), format_size(1536), format_size(10)
    ('256 MiB', '1.5 KiB', '10 bytes')
    """
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            text = f"{value:.1f}".removesuffix(".0") if unit != "bytes" else str(size)
            return f"{text} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def read_source(path: str | os.PathLike[str], *, max_bytes: int | None = MAX_INPUT_BYTES,
                within: str | os.PathLike[str] | None = None) -> Decoded:
    """Read and decode a file (``-`` reads standard input); see :func:`read_bytes` for what is refused.

    Raises:
        ParseError: when the file cannot be read or decoded; the message names it.
    """
    return decode(read_bytes(path, max_bytes=max_bytes, within=within), source_name(path))


_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: control characters (newlines, ESC and the OSC and CSI
    sequences they start, C1 controls), line separators and bidirectional overrides are shown
    as escapes, so that a file name can neither forge an output line nor drive the terminal; so
    are the bytes of a name that is not UTF-8 (which the system hands over as lone surrogates).

    >>> printable("show\\x1b]0;owned\\x07\\nok  fake.txt")
    'show\\\\x1b]0;owned\\\\x07\\\\nok  fake.txt'
    """
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char) or (
        f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")


def encode_text(text: str, *, newline: str = "\n", encoding: str = "utf-8", bom: bool = False) -> bytes:
    """``text`` (``\\n`` line ends) as bytes with the given line ends and encoding; ``bom`` adds a
    byte-order mark when the codec does not write one itself (UTF-16-LE, UTF-8...).

    >>> encode_text("a\\nb", newline="\\r\\n"), encode_text("é", encoding="utf-16-le", bom=True)
    (b'a\\r\\nb', b'\\xff\\xfe\\xe9\\x00')
    """
    if newline != "\n":
        text = text.replace("\n", newline)
    if bom and not encoding.endswith("-sig"):
        text = "\ufeff" + text
    return text.encode(encoding)


def write_text_atomic(path: str | os.PathLike[str], text: str, *, newline: str = "\n",
                      encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (see :func:`write_bytes_atomic`)."""
    write_bytes_atomic(path, encode_text(text, newline=newline, encoding=encoding))


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    See :func:`write_all` (this is it for one output).

    Raises:
        OutputError: the file cannot be written; nothing is left behind.
    """
    write_all([(path, data)])


def write_all(outputs: Sequence[tuple[str | os.PathLike[str], bytes | Iterable[bytes]]], *,
              sync: bool = True) -> None:
    """Write several outputs all or none: each goes to a temporary file beside it, flushed to
    disk; only when every one is written are they renamed over their targets.  A failure before
    the renames leaves no output and no temporary file behind.

    Each output keeps what a user set on the file it replaces: its permission bits (a 0600 file
    stays 0600), and a symbolic link stays a link (its target is written).  A new file gets the
    permissions the process's umask allows.  Temporary names stay short whatever the target's
    name (``.captions-XXXXXXXX.tmp``), so a name near the file system's limit can be written.
    An output given as chunks (any iterable of bytes) is written as they come, never held whole.
    ``sync=False`` skips flushing each file to disk before its rename, for a caller that makes
    its writes durable another way (``captions batch`` flushes its journal after each file and
    checks every output's size and hash on the next run).

    Raises:
        OutputError: an output cannot be written (``file: reason``).
    """
    paths = [path for path, _ in outputs]
    write_rows(paths, _in_turn([data for _, data in outputs], len(paths)), sync=sync)


def _in_turn(outputs: Sequence[bytes | Iterable[bytes]], count: int) -> Iterator[tuple[bytes, ...]]:
    """The outputs' chunks as :func:`write_rows` takes them: each output's in turn, one per row."""
    for k, data in enumerate(outputs):
        for chunk in (data,) if isinstance(data, bytes) else data:
            yield tuple(chunk if i == k else b"" for i in range(count))


def _refuse_special(target: Path, name: str) -> None:
    """Only a regular file is ever replaced: renaming over a device, a FIFO or a folder would
    destroy it (``-o /dev/null`` would replace the device for everyone)."""
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return   # a new file
    if not stat.S_ISREG(mode):
        what = "a folder" if stat.S_ISDIR(mode) else "a device, a FIFO or a socket, not a regular file"
        raise OutputError(f"cannot write the file: it is {what}", Location(name))


class _Staged:
    """A new temporary file beside ``target``, written then closed with ``target``'s
    permissions (or discarded); an ``OSError`` is an :class:`OutputError` naming ``name``."""

    def __init__(self, target: Path, name: str) -> None:
        import tempfile   # only commands that write pay for it

        self.target, self.name = target, name
        try:
            fd, self.tmp = tempfile.mkstemp(prefix=".captions-", suffix=".tmp", dir=target.parent)
        except OSError as exc:
            raise _output_error(name, exc) from None
        self.handle = os.fdopen(fd, "wb")

    def write(self, chunk: bytes) -> None:
        try:
            self.handle.write(chunk)
        except OSError as exc:
            raise _output_error(self.name, exc) from None

    def close(self, sync: bool) -> None:
        try:
            self.handle.flush()
            if sync:
                os.fsync(self.handle.fileno())
            self.handle.close()
            os.chmod(self.tmp, _mode_for(self.target))
        except OSError as exc:
            raise _output_error(self.name, exc) from None

    def discard(self) -> None:
        self.handle.close()
        try:
            os.unlink(self.tmp)
        except FileNotFoundError:
            pass


def write_rows(paths: Sequence[str | os.PathLike[str]], rows: Iterable[Sequence[bytes]], *,
               sync: bool = True) -> None:
    """Write several outputs all or none, as :func:`write_all` does, their bytes given row by
    row: each row holds the next chunk of every output, in the order of ``paths`` (a long
    transcript is converted and written section by section, never held whole).

    Raises:
        OutputError: an output cannot be written (no file of this call is left behind).
    """
    staged: list[_Staged] = []
    try:
        for path in paths:
            target = Path(os.path.realpath(path))   # a link is written through, to its target
            _refuse_special(target, str(path))
            staged.append(_Staged(target, str(path)))
        for row in rows:
            for out, chunk in zip(staged, row):
                if chunk:
                    out.write(chunk)
        for out in staged:
            out.close(sync)
        for out in staged:
            try:
                os.replace(out.tmp, out.target)
            except OSError as exc:
                raise _output_error(str(out.target), exc) from None
    except BaseException:
        for out in staged:
            out.discard()
        raise


def _mode_for(target: Path) -> int:
    """The permission bits of the file being replaced, or what the umask allows a new one."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _output_error(name: str, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOENT:
        reason = "its folder does not exist"
    elif exc.errno == errno.ENOTDIR:
        reason = "a part of its path is not a folder"
    elif exc.errno == errno.EISDIR:
        reason = "it is a folder"
    return OutputError(f"cannot write the file: {reason}", Location(name))


def package_text(name: str) -> str:
    """The UTF-8 text of the package's data file ``name`` (``data/...``), read through the
    package's loader: from a folder or a zip alike, without importlib.resources' machinery
    (zipfile, pathlib readers) at every start."""
    data = pkgutil.get_data("captions", name)
    if data is None:   # a loader that cannot read data: not one Python ships
        raise FileNotFoundError(name)
    return data.decode("utf-8")
