"""Caption validation: the checks (:mod:`.checks`), a file's findings and summary
(:mod:`.report`), repairs that keep the words (:mod:`.repair` for cues, :mod:`.fix` for a whole
file written back).

Never raises for bad content: what the readers meet and what the checks find are both
:class:`~captions.findings.Finding` values.  The submodules load on first use, so that a job
that only checks cues (``captions convert``'s report) does not pay for the reports and repairs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .checks import check_cues
    from .fix import FixResult, Unreadable, fix_document, format_repair
    from .repair import Repair, RepairCode, fix_cues
    from .report import (Streamed, Summary, ValidationResult, check_document, check_text, format_finding,
                         format_result, format_summary, stream_document, summarize, validate_file)

_LAZY = {
    "check_cues": "checks",
    "Repair": "repair", "RepairCode": "repair", "fix_cues": "repair",
    "FixResult": "fix", "Unreadable": "fix", "fix_document": "fix", "format_repair": "fix",
    "Summary": "report", "ValidationResult": "report", "check_document": "report", "check_text": "report",
    "format_result": "report", "summarize": "report", "validate_file": "report", "Streamed": "report",
    "stream_document": "report", "format_finding": "report", "format_summary": "report",
}

__all__ = [
    "Summary", "ValidationResult", "RepairCode", "Repair", "FixResult", "Unreadable", "Streamed",
    "check_cues", "check_document", "check_text", "validate_file", "fix_cues", "fix_document", "summarize",
    "format_result", "format_repair", "stream_document", "format_finding", "format_summary",
]


def __getattr__(name: str) -> Any:  # PEP 562; Any: the names above are typed by their modules
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
