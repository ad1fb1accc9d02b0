"""Finding the inputs of a batch run (never following a link out of INPUT_DIR) and planning their outputs."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from ..audio import MEDIA_SUFFIXES
from ..errors import CaptionsError
from ..model import Format
from .manifest import Kind
from .settings import FileSettings

#: The inputs a run takes, by suffix (compared in lower case).
INPUT_SUFFIXES = {".txt": Kind.TRANSCRIPT, ".srt": Kind.CAPTIONS, ".vtt": Kind.CAPTIONS}

# --------------------------------------------------------------------------------------------
# Discovery and planning.


@dataclass(frozen=True, slots=True)
class Found:
    """An input file found under INPUT_DIR.

    Attributes:
        rel: its path relative to INPUT_DIR, POSIX style (the manifest key).
        path: where to read it (a symbolic link inside INPUT_DIR is resolved).
        kind: transcript or caption file.
        problem: why it cannot be processed (a link out of INPUT_DIR, not a regular file...).
    """

    rel: str
    path: Path
    kind: Kind
    problem: str | None = None


def discover(input_dir: str | os.PathLike[str]) -> list[Found]:
    """Every ``.txt``, ``.srt`` and ``.vtt`` below ``input_dir`` (suffix case ignored), sorted.

    Symbolic links to directories are not descended (no loops, no escape); a link to a file
    is read when its target is inside ``input_dir`` and reported as a problem otherwise, as is
    a broken link or anything that is not a regular file (a FIFO, a socket...).
    """
    root = Path(input_dir).resolve()
    found: list[Found] = []
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        base = Path(folder)
        for name in sorted(filenames + [d for d in dirnames if (base / d).is_symlink()]):
            kind = INPUT_SUFFIXES.get(Path(name).suffix.lower())
            if kind is None:
                continue
            path = base / name
            rel = path.relative_to(root).as_posix()
            found.append(_found(rel, path, root, kind))
    return found


def _found(rel: str, path: Path, root: Path, kind: Kind) -> Found:
    target = path
    if path.is_symlink():
        target = Path(os.path.realpath(path))
        if not target.is_relative_to(root):
            return Found(rel, path, kind, f"symbolic link to {target} outside INPUT_DIR: not followed")
        if not target.exists():
            return Found(rel, path, kind, f"broken symbolic link (its target {target} does not exist)")
    try:
        mode = target.stat().st_mode
    except OSError as exc:
        return Found(rel, path, kind, f"cannot read the file: {exc.strerror or exc}")
    if not stat.S_ISREG(mode):
        what = "a directory" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else "not a regular file"
        return Found(rel, path, kind, f"cannot read the file: it is {what}, expected a regular text file")
    return Found(rel, target, kind)


class MediaFinder:
    """The replay beside each transcript: the regular file of the same stem with a media suffix
    (``show.txt`` -> ``show.mp4``; suffix case ignored; the first of MEDIA_SUFFIXES when several).
    Each folder is listed once.

    >>> MediaFinder().media_of(Path("/nonexistent/show.txt")) is None
    True
    """

    def __init__(self) -> None:
        self.folders: dict[Path, dict[str, Path]] = {}

    def media_of(self, transcript: Path) -> Path | None:
        folder = transcript.parent
        if folder not in self.folders:
            try:
                self.folders[folder] = {p.name.lower(): p for p in folder.iterdir()
                                        if p.suffix.lower() in MEDIA_SUFFIXES and p.is_file()}
            except OSError:
                self.folders[folder] = {}
        names = self.folders[folder]
        stem = transcript.stem.lower()
        return next((names[stem + suffix] for suffix in MEDIA_SUFFIXES if stem + suffix in names), None)


def count_media_pairs(input_dir: str | os.PathLike[str]) -> int:
    """How many transcripts below ``input_dir`` have a replay beside them."""
    finder, root = MediaFinder(), Path(input_dir).resolve()
    return sum(1 for f in discover(input_dir) if f.kind is Kind.TRANSCRIPT and not f.problem
               and finder.media_of(root / f.rel) is not None)


@dataclass(frozen=True, slots=True)
class Planned:
    """An input with its settings and outputs (relative to OUTPUT_DIR), or why it cannot run."""

    found: Found
    settings: FileSettings | None
    outputs: tuple[str, ...] = ()
    problem: str | None = None


def output_rel(rel: str, fmt: Format) -> str:
    """The output of input ``rel`` in ``fmt``: same relative path, suffix replaced.

    >>> output_rel("2026/mars/show.txt", Format.VTT)
    '2026/mars/show.vtt'
    """
    return PurePosixPath(rel).with_suffix("." + Format(fmt).value).as_posix()


def plan_inputs(found: Iterable[Found], settings_for: Callable[[Found], FileSettings]) -> list[Planned]:
    """Settings and outputs of each input; two inputs that would write one output are both refused
    (nothing is written for either), so that nothing is ever silently overwritten."""
    planned: list[Planned] = []
    owners: dict[str, list[str]] = {}
    for item in found:
        if item.problem:
            planned.append(Planned(item, None, problem=item.problem))
            continue
        try:
            settings = settings_for(item)
        except CaptionsError as exc:
            planned.append(Planned(item, None, problem=str(exc)))
            continue
        except Exception as exc:  # a bug must cost the inputs it touches, not the run
            planned.append(Planned(item, None, problem=f"internal error {type(exc).__name__}: {exc}"))
            continue
        outputs = tuple(output_rel(item.rel, fmt) for fmt in settings.formats)
        for out in outputs:
            owners.setdefault(out, []).append(item.rel)
        planned.append(Planned(item, settings, outputs))
    result: list[Planned] = []
    for plan in planned:
        clashes = sorted({other for out in plan.outputs for other in owners[out] if other != plan.found.rel})
        if clashes:
            shared = [out for out in plan.outputs if len(owners[out]) > 1]
            plan = replace(plan, problem=f"output collision: {', '.join(shared)} would also be written for "
                                         f"{', '.join(clashes)}; rename one of them (nothing written for either)")
        result.append(plan)
    return result
