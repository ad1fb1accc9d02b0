"""``python -m captions``: the same command line as the ``captions`` script."""

from .cli import run

if __name__ == "__main__":  # pragma: no cover - exercised by the subprocess test
    run()
