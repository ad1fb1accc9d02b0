"""The batch manifest: what ``captions batch`` did to each input, kept in OUTPUT_DIR.

One JSON file, ``captions-manifest.json``, rewritten atomically (temporary file then
``os.replace``) each time a file finishes, so that an interrupted run loses at most the
files in flight and the next run knows exactly what is done.  An entry records the input's
content hash, the hash of the options and of each dictionary it was processed with, its
outputs (with their hashes), and what the job found; a rerun skips an input whose entry
matches (see :meth:`Manifest.is_current`).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError, Location
from ..files import write_text_atomic

__all__ = ["MANIFEST_NAME", "MANIFEST_VERSION", "Manifest", "sha256_bytes", "sha256_json"]

MANIFEST_NAME = "captions-manifest.json"
MANIFEST_VERSION = 1


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``.

    >>> sha256_bytes(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()


def sha256_json(value: object) -> str:
    """Hex SHA-256 of ``value`` as canonical JSON (sorted keys, no spaces): a stable options hash.

    >>> sha256_json({"b": 1, "a": [2]}) == sha256_json({"a": [2], "b": 1})
    True
    """
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return sha256_bytes(text.encode("utf-8"))


@dataclass
class Manifest:
    """The manifest of one OUTPUT_DIR (the one mutable object of a batch run, owned by its driver).

    Attributes:
        path: where it is stored.
        files: input relative path (POSIX) -> entry (a JSON object, see docs/batch.md).
    """

    path: Path
    files: dict[str, dict] = field(default_factory=dict)
    _encoded: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, output_dir: str | os.PathLike) -> Manifest:
        """The manifest stored in ``output_dir`` (an empty one when there is none yet).

        Raises:
            ConfigError: when the file exists but is not a manifest this version can read.
        """
        path = Path(output_dir) / MANIFEST_NAME
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path)
        except OSError as exc:
            raise ConfigError(f"cannot read the manifest: {exc.strerror or exc}", Location(str(path))) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"the manifest is not valid JSON ({exc.msg}); delete it or run with --force "
                              "to rebuild it", Location(str(path), exc.lineno, exc.colno)) from None
        if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION \
                or not isinstance(data.get("files"), dict):
            raise ConfigError(f"not a version {MANIFEST_VERSION} captions manifest; delete it to rebuild it",
                              Location(str(path)))
        return cls(path, dict(data["files"]))

    def is_current(self, rel: str, *, sha256: str, options_sha256: str, dictionaries: list[dict],
                   output_dir: Path) -> bool:
        """Whether ``rel`` was processed successfully from the same bytes, options and dictionaries,
        and every output it wrote is still there."""
        entry = self.files.get(rel)
        if not entry or entry.get("status") != "ok":
            return False
        if (entry.get("sha256"), entry.get("options_sha256"), entry.get("dictionaries")) != \
                (sha256, options_sha256, dictionaries):
            return False
        return all((output_dir / out["path"]).is_file() for out in entry.get("outputs", ()))

    def record(self, rel: str, entry: dict) -> None:
        """Set the entry of ``rel`` and store the whole manifest atomically."""
        self.files[rel] = entry
        self._encoded.pop(rel, None)
        self.save()

    def save(self) -> None:
        """Write the manifest atomically (readers see the old one or the new one, never half).

        One entry per line, sorted by path.  Each entry is encoded once and kept: the manifest is
        rewritten after every file, and encoding every entry each time made a 200-file run
        spend most of its time in ``json.dumps``.
        """
        lines = []
        for rel in sorted(self.files):
            if rel not in self._encoded:
                self._encoded[rel] = json.dumps(self.files[rel], ensure_ascii=False, separators=(",", ":"))
            lines.append(f"{json.dumps(rel, ensure_ascii=False)}:{self._encoded[rel]}")
        text = f'{{"version":{MANIFEST_VERSION},"files":{{\n' + ",\n".join(lines) + "\n}}\n"
        write_text_atomic(self.path, text)
