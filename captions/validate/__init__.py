"""Caption validation: the checks (:mod:`.checks`), a file's findings and summary
(:mod:`.report`), and repairs that keep the words (:mod:`.repair`).

Never raises for bad content: what the readers meet and what the checks find are both
:class:`~captions.findings.Finding` values.
"""

from .checks import check_cues
from .repair import FixResult, Repair, RepairCode, fix_cues, fix_document, format_repair
from .report import Summary, ValidationResult, check_document, check_text, format_result, summarize, validate_file

__all__ = [
    "Summary", "ValidationResult", "RepairCode", "Repair", "FixResult",
    "check_cues", "check_document", "check_text", "validate_file", "fix_cues", "fix_document", "summarize",
    "format_result", "format_repair",
]
