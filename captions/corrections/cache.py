"""Compiled dictionaries kept on disk by content hash, so that a large dictionary is read, checked
and compiled once, not at every run.

A dictionary of at least :data:`MIN_FIXES` fixes, once loaded, is stored as
``<cache>/dictionaries/<sha256>.pickle``, where the hash covers the files' names and bytes (in the
order they apply), this package's version and Python's.  The next load of the same files finds
it and skips reading TOML, the lint and building the automaton.  What is stored is the
automaton as pyahocorasick pickles it and the fixes as columns of plain values
(:class:`~captions.corrections.fixes.FixTable`), so that reading it back builds no object per fix.  ``<cache>`` is
``$CAPTIONS_CACHE_DIR``, else ``$XDG_CACHE_HOME/captions``, else ``~/.cache/captions``;
``CAPTIONS_CACHE_DIR=off`` turns the cache off.  The folder is made private (mode 0700); an entry
is used only if it belongs to the current user and nobody else can write it, and an entry that
cannot be read is ignored and written again.  Nothing in it is needed: deleting it costs one
slow load.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from .matcher import Dictionary

__all__ = ["MIN_FIXES", "cache_dir", "content_key", "load_cached", "store"]

#: Smaller dictionaries load faster than the cache is read: they are not stored.
MIN_FIXES = 1_000

#: Files smaller than this together cannot hold :data:`MIN_FIXES` fixes (a fix takes two bytes at
#: the very least: a one-character key and the tab or line end after it, in a table), so they are
#: neither hashed nor looked up; hashing and pickling are never loaded for a dictionary of a few names.
MIN_BYTES = 2 * MIN_FIXES

_FORMAT = 2


def cache_dir() -> Path | None:
    """Where compiled dictionaries are kept, or None when the cache is off."""
    configured = os.environ.get("CAPTIONS_CACHE_DIR")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "no") else Path(configured) / "dictionaries"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "captions" / "dictionaries"


def content_key(paths: Sequence[str | os.PathLike[str]], contents: Sequence[bytes]) -> str:
    """The hash that names a compiled dictionary: names and bytes of its files, in order, with
    the versions that built it."""
    import hashlib   # loaded only for a dictionary large enough to be cached

    from .. import __version__

    digest = hashlib.sha256(f"{_FORMAT}\0{__version__}\0{sys.version}\0".encode())
    for path, content in zip(paths, contents):
        name = os.fsencode(path)
        digest.update(len(name).to_bytes(8, "big") + name + len(content).to_bytes(8, "big"))
        digest.update(content)
    return digest.hexdigest()


def load_cached(key: str) -> Dictionary | None:
    """The dictionary stored under ``key``, or None (absent, not ours, unreadable)."""
    import pickle

    from .matcher import Dictionary

    folder = cache_dir()
    if folder is None:
        return None
    path = folder / f"{key}.pickle"
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return None
            loaded = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    return loaded if isinstance(loaded, Dictionary) else None


def store(key: str, dictionary: Dictionary) -> None:
    """Keep ``dictionary`` under ``key`` (silently nothing when the cache cannot be written)."""
    import pickle
    import tempfile

    folder = cache_dir()
    if folder is None or len(dictionary.fixes) < MIN_FIXES:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(dictionary, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, folder / f"{key}.pickle")
        except BaseException:
            os.unlink(temporary)
            raise
    except (OSError, pickle.PicklingError):
        return
