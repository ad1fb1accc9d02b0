"""Run the benchmarks: ``python benchmarks/run.py [NAME ...]``.

Each ``benchmarks/bench_NAME.py`` has a ``main()`` that prints its tables (medians and
ratios against the peers: pysrt, srt, pysubs2, webvtt-py, a bare regex loop).
Install the peers with ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent))
    names = argv or sorted(p.stem[len("bench_"):] for p in HERE.glob("bench_*.py"))
    for name in names:
        print(f"\n## {name}")
        importlib.import_module(f"bench_{name}").main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
