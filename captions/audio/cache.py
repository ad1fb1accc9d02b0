"""The analysis of each media file, kept by the hash of its bytes, so a second command on the
same replay does not decode it again.

Where: ``$CAPTIONS_CACHE_DIR`` when set, else ``$XDG_CACHE_HOME/captions/audio`` (by default
``~/.cache/captions/audio``); one ``SHA256.vN.npz`` file per media file (about ten MB per hour
of audio: two levels, a speech probability, a pitch and a timbre every 10 ms, and the speech
spans).  ``N`` is
:data:`VERSION`, raised whenever the analysis changes, so an old entry is never read as a new
one.  Deleting the folder is always safe.  A cache that cannot be written (a read-only home) is
not an error: the analysis is simply done again next time.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np

from .speech import Sound

__all__ = ["VERSION", "cache_dir", "cache_path", "read_cached", "write_cached", "kept"]

VERSION = 7
_KEPT = np.float16   # the precision each per-frame figure is kept in (about ten MB an hour)


def kept(sound: Sound) -> Sound:
    """``sound`` as the cache keeps it: each per-frame figure rounded to :data:`_KEPT`, so that a
    command hears the same whether the analysis was just made or read back (at full precision,
    a cue could move by a frame between the first run on a replay and the next)."""
    def rounded(values: np.ndarray) -> np.ndarray:
        return values.astype(_KEPT).astype(np.float32)

    return Sound(sound.source, rounded(sound.level), rounded(sound.hiss), rounded(sound.voice), sound.spans,
                 rounded(sound.pitch), sound.timbre.astype(_KEPT, copy=False))   # twelve values a frame: left in _KEPT


def cache_dir() -> Path:
    """The folder the analyses are kept in (see the module docstring)."""
    explicit = os.environ.get("CAPTIONS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "captions" / "audio"


def cache_path(digest: str) -> Path:
    """Where the analysis of the media whose SHA-256 is ``digest`` is kept."""
    return cache_dir() / f"{digest}.v{VERSION}.npz"


def read_cached(digest: str, source: str) -> Sound | None:
    """The kept analysis of ``digest``, named ``source``; None when there is none (or it is
    unreadable: it is then made again)."""
    path = cache_path(digest)
    try:
        with np.load(path, allow_pickle=False) as data:
            level = data["level"].astype(np.float32)
            hiss = data["hiss"].astype(np.float32)
            voice = data["voice"].astype(np.float32)
            pitch = data["pitch"].astype(np.float32)
            timbre = data["timbre"].astype(_KEPT, copy=False)   # stored in _KEPT: not copied again
            spans = tuple((int(a), int(b)) for a, b in data["spans"].reshape(-1, 2))
    except (OSError, KeyError, ValueError):
        return None
    return Sound(source, level, hiss, voice, spans, pitch, timbre)


def write_cached(digest: str, sound: Sound) -> Path | None:
    """Keep ``sound`` as the analysis of ``digest`` (written whole, then renamed into place);
    the path, or None when the cache cannot be written."""
    path = cache_path(digest)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, staged = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez_compressed(out, level=sound.level.astype(_KEPT), hiss=sound.hiss.astype(_KEPT),
                                    voice=sound.voice.astype(_KEPT), pitch=sound.pitch.astype(_KEPT),
                                    timbre=sound.timbre.astype(_KEPT, copy=False), spans=np.array(sound.spans, np.int64).reshape(-1, 2))
            os.replace(staged, path)
        except BaseException:
            Path(staged).unlink(missing_ok=True)
            raise
    except OSError:
        return None
    return path
