"""Media in, 16 kHz mono samples out, block by block: ffmpeg decodes, nothing holds the whole file.

ffmpeg (the Debian package) reads any container and codec a replay comes in (mp4, mkv, webm,
mp3, aac, opus...) and resamples the first audio stream to 16 kHz mono 16-bit, the rate the
voice detector works at; :func:`decode_blocks` reads its output in fixed blocks, so the memory
a 3-hour film needs is that of one block.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..errors import Location, MediaError

__all__ = ["SAMPLE_RATE", "BLOCK_SAMPLES", "ffmpeg_path", "decode_blocks", "media_hash", "FFMPEG_INSTALL"]

SAMPLE_RATE = 16_000
# 188 x 160 ms: a block holds whole 10 ms frames and whole 32 ms detector windows (about 30 s)
BLOCK_SAMPLES = 2560 * 188
FFMPEG_INSTALL = "apt-get install ffmpeg (Debian, Ubuntu), brew install ffmpeg (macOS)"


def ffmpeg_path() -> str:
    """Where ffmpeg is.

    Raises:
        MediaError: it is not installed (the message says how to install it).
    """
    found = shutil.which("ffmpeg")
    if found is None:
        raise MediaError(f"reading media needs ffmpeg, which is not installed; install it with {FFMPEG_INSTALL}")
    return found


def _check_readable(path: Path) -> None:
    name = str(path)
    if not path.exists():
        raise MediaError("no such media file", Location(name))
    if not path.is_file():
        raise MediaError("not a media file (a folder or a device); expected a video or audio file", Location(name))
    if not os.access(path, os.R_OK):
        raise MediaError("cannot read the media file (permission denied)", Location(name))


def decode_blocks(path: str | os.PathLike[str], *, block_samples: int = BLOCK_SAMPLES) -> Iterator[np.ndarray]:
    """The first audio stream of ``path`` as 16 kHz mono int16 blocks of ``block_samples``
    (the last one shorter).

    Raises:
        MediaError: ffmpeg missing, a file that is not there, no audio stream, or a file ffmpeg
            cannot decode (its own message is quoted); raised before the first block when the
            file cannot be opened, after the last one when decoding failed midway.
    """
    media = Path(path)
    _check_readable(media)
    command = [ffmpeg_path(), "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(media),
               "-map", "0:a:0", "-vn", "-sn", "-dn", "-ac", "1", "-ar", str(SAMPLE_RATE),
               "-f", "s16le", "-acodec", "pcm_s16le", "pipe:1"]
    # ffmpeg's messages go to a file, not a pipe: a pipe nobody reads while we read the samples
    # would block ffmpeg on a file with many decoding errors
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors)
        assert process.stdout is not None
        total = 0
        try:
            buffer = bytearray(block_samples * 2)
            while True:
                got = _fill(process.stdout, buffer)
                if got >= 2:
                    total += got // 2
                    yield np.frombuffer(bytes(buffer[: got - got % 2]), "<i2")
                if got < len(buffer):
                    break
            status = process.wait()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdout.close()
        errors.seek(0)
        message = errors.read().decode("utf-8", "replace").strip()
    if status != 0 or total == 0:
        raise MediaError(_explain(message, status), Location(str(media)))


def _fill(stream: object, buffer: bytearray) -> int:
    """Read until ``buffer`` is full or the stream ends; how many bytes were read."""
    view = memoryview(buffer)
    got = 0
    readinto = getattr(stream, "readinto")
    while got < len(buffer):
        n = readinto(view[got:])
        if not n:
            break
        got += n
    return int(got)


def _explain(message: str, status: int) -> str:
    """ffmpeg's last words, as a sentence for a person."""
    if "matches no streams" in message or "does not contain any stream" in message:
        return "the media file has no audio stream; expected a video or audio file with sound"
    if not message and status == 0:
        return "the media file holds no audio samples"
    last = message.splitlines()[-1] if message else f"exit status {status}"
    return f"ffmpeg cannot decode the media file: {last}"


def media_hash(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of the file's bytes, hex: the key of its analysis in the cache.

    Raises:
        MediaError: the file cannot be read.
    """
    media = Path(path)
    _check_readable(media)
    try:
        with media.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:
        raise MediaError(f"cannot read the media file: {exc.strerror or exc}", Location(str(media))) from None
