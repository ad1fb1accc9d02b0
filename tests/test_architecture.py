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


# The layers of docs/architecture.md, lowest first: a module may import from its own layer or a
# lower one, never a higher one.  A package (transcript/, formats/...) is one entry: its modules
# share its layer.  ``__main__`` is the ``python -m captions`` face of the command line.
LAYERS = (
    ("errors", "timecode"),
    ("findings", "model"),
    ("files", "presets", "language", "langdata"),
    ("typography", "linebreak"),
    ("transcript", "timing", "segment", "formats", "quality"),
    ("corrections", "validate"),
    ("convert", "review_html"),
    ("batch",),
    ("cli", "__main__"),
)
LAYER = {name: rank for rank, names in enumerate(LAYERS) for name in names}
# The package root is the public API: it loads the library (eagerly or on first use), and the
# library takes only the version from it.
ROOT_NAMES = {"__version__"}


def _module_of(path: Path) -> str:
    """``captions/batch/driver.py`` -> ``captions.batch.driver``; a package's ``__init__`` is the package."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _captions_imports(path: Path) -> list[tuple[str, tuple[str, ...], int]]:
    """Every import of a captions module in ``path``, at any depth (inside functions and
    ``if TYPE_CHECKING:`` too): (absolute module, names taken from it, line)."""
    module = _module_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, (), node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((target, tuple(alias.name for alias in node.names), node.lineno))
    return [(target, names, line) for target, names, line in found
            if target == "captions" or target.startswith("captions.")]


def _layer(module: str) -> int:
    top = module.split(".")[1]
    assert top in LAYER, f"{module} has no layer: add it to LAYERS (and to docs/architecture.md)"
    return LAYER[top]


def _sources() -> list[tuple[str, Path]]:
    return sorted((path.relative_to(PACKAGE).as_posix(), path) for path in PACKAGE.rglob("*.py"))


def test_layers_import_one_way_only() -> None:
    offenders = []
    for rel, path in _sources():
        importer = _module_of(path)
        for target, names, line in _captions_imports(path):
            if importer == "captions":
                ok = not target.startswith("captions.cli")
            elif target == "captions":
                # ``from captions import x`` may name a submodule: that module's layer decides
                ok = all(n in ROOT_NAMES or n in LAYER and LAYER[n] <= _layer(importer) for n in names)
            else:
                ok = _layer(target) <= _layer(importer)
            if not ok:
                offenders.append(f"{rel}:{line} imports {target} {', '.join(names)}".strip())
    assert offenders == []


def test_no_module_imports_another_modules_private_names() -> None:
    offenders = []
    for rel, path in _sources():
        for target, names, line in _captions_imports(path):
            private = [n for n in names if n.startswith("_") and not n.endswith("__")]
            if private:
                offenders.append(f"{rel}:{line} imports {', '.join(private)} from {target}")
    assert offenders == []
