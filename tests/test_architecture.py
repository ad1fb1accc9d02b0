"""Keep the architecture of docs/architecture.md: imports go one way, and the foreign libraries
stay behind their adapters."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "captions"

# module (relative to captions/) -> the only places it may be imported
CONFINED = {
    "pysrt": {"formats/srt.py"},
    "webvtt": {"formats/vtt.py"},
    "click": {"cli/"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_foreign_libraries_stay_behind_their_adapters() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        for module in _imports(path) & set(CONFINED):
            if not any(rel == allowed or (allowed.endswith("/") and rel.startswith(allowed))
                       for allowed in CONFINED[module]):
                offenders.append(f"{rel} imports {module}")
    assert offenders == []


def test_the_library_never_imports_the_cli() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel.startswith("cli/") or rel == "__main__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and "cli" in node.module.split("."):
                offenders.append(rel)
    assert offenders == []


def test_no_utils_module() -> None:
    assert not list(PACKAGE.rglob("utils.py"))


def test_every_public_name_resolves() -> None:
    import captions

    for name in captions.__all__:
        assert getattr(captions, name) is not None, name
