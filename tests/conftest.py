"""Shared test switches and paths.

``pytest --update-goldens`` rewrites every golden file from the current behaviour, so a change
of behaviour shows up as a reviewed diff in git instead of a hand-edited expectation.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite golden files from the current output instead of comparing")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


def check_golden(path: Path, actual, update: bool) -> None:
    """Compare ``actual`` (str, or JSON-able data) with the golden file; rewrite it on update."""
    text = actual if isinstance(actual, str) else json.dumps(actual, ensure_ascii=False, indent=1) + "\n"
    if update or not path.exists():
        if not update:
            pytest.fail(f"golden file {path} is missing: run pytest --update-goldens and review the diff")
        path.write_text(text, encoding="utf-8")
        return
    assert text == path.read_text(encoding="utf-8"), f"output differs from golden {path}"


@pytest.fixture
def shared_dir() -> Path:
    """``../shared`` beside the checkout (real-world corpora we may not copy); skip when absent."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: the shared corpora are not in this clone")
    return SHARED
