"""validate --fix on a corpus of our own, one folder per repair rule and per problem seen in real
files (tests/data/fix/<case>/): the file written (or the refusal), the repairs listed with their
lines, and the findings left are goldens (``pytest --update-goldens``, then read the diff)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from captions.formats import read_captions
from captions.presets import get_preset
from captions.validate import fix_document, format_finding, format_repair
from conftest import check_golden
from fixchecks import assert_kept

CASES = Path(__file__).resolve().parent / "data" / "fix"


def _input(case: Path) -> Path:
    return next(case.glob("input.*"))


def _options(case: Path) -> dict:
    path = case / "options.json"
    return json.loads(path.read_text("utf-8")) if path.exists() else {}


def _fix(case: Path):
    options = _options(case)
    overrides = {k: options[k] for k in ("max_chars", "min_gap_ms") if k in options}
    preset = get_preset(options.get("preset", "fr-tv")).with_overrides(**overrides)
    doc = read_captions(_input(case), encoding=options.get("encoding"))
    fixed = fix_document(doc, preset, target=f"expected{_input(case).suffix}", lang=options.get("lang"),
                         drop_unreadable=options.get("drop_unreadable", False))
    return doc, fixed


def _check_bytes(path: Path, data: bytes, update: bool) -> None:
    if update:
        path.write_bytes(data)
    assert path.exists(), f"golden {path} is missing: run pytest --update-goldens and review it"
    assert data == path.read_bytes(), f"output differs from golden {path}"


@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_fix_golden(case: Path, update_goldens: bool) -> None:
    doc, fixed = _fix(case)
    name = _input(case).name
    repairs = "".join(format_repair(name, r) + "\n" for r in fixed.repairs)
    if fixed.refused:
        check_golden(case / "refused.txt", "".join(f"{b}\n" for b in fixed.unreadable), update_goldens)
        assert not (case / f"expected{_input(case).suffix}").exists()
        return
    check_golden(case / "repairs.txt", repairs, update_goldens)
    _check_bytes(case / f"expected{_input(case).suffix}", fixed.data, update_goldens)
    left = "".join(format_finding("expected", f) + "\n" for f in fixed.remaining.findings)
    check_golden(case / "remaining.txt", left, update_goldens)
    assert_kept(doc, fixed.data, fixed.encoding)
