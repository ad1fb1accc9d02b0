"""The package stays typed and its functions small enough to change safely (docs/architecture.md).

These run the tools the project's own configuration names: mypy strict (pyproject.toml) and
radon's cyclomatic complexity, at most 20 (grade C) per function, except the inner loops listed
in ``LOOPS`` (each with a comment at its definition saying why it is one loop).
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "captions"
MAX_COMPLEXITY = 20
# function -> the highest complexity it may have
LOOPS = {
    "segment.py:_CueEnds._search": 30,   # the shortest-path search over cue ends (docs/convert.md)
}


def test_mypy_strict_finds_nothing() -> None:
    api = pytest.importorskip("mypy.api", reason="mypy is in the test extra: pip install -e '.[test]'")
    stdout, stderr, status = api.run(["--config-file", str(REPO / "pyproject.toml"), str(PACKAGE)])
    assert status == 0, stdout + stderr


def test_no_function_above_grade_c() -> None:
    complexity = pytest.importorskip("radon.complexity", reason="radon is in the test extra")
    too_complex = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        for block in complexity.cc_visit(path.read_text(encoding="utf-8")):
            items = [block, *getattr(block, "closures", ())]
            if hasattr(block, "methods"):
                items += list(block.methods)
            for item in items:
                name = f"{rel}:{item.classname + '.' if getattr(item, 'classname', None) else ''}{item.name}"
                if item.complexity > LOOPS.get(name, MAX_COMPLEXITY):
                    too_complex.append(f"{name} ({item.complexity})")
    assert too_complex == []
