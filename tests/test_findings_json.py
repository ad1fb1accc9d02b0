"""Finding.to_json (the fast path validate --json writes) gives the very text the careful path,
json.dumps of to_dict, gives."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from captions.findings import Finding, FindingCode, Severity

_INTS = st.none() | st.integers(min_value=-(10**20), max_value=10**20)
_MEASURES = _INTS | st.floats(allow_nan=True, allow_infinity=True) | st.text() | st.booleans()


@given(code=st.sampled_from(FindingCode), severity=st.sampled_from(Severity), message=st.text(),
       line=_INTS, column=_INTS, cue=_INTS, value=_MEASURES, limit=_MEASURES, preset=st.text(max_size=12),
       source=st.text(max_size=12))
def test_to_json_is_json_dumps_of_to_dict(code: FindingCode, severity: Severity, message: str, line: int | None,
                                          column: int | None, cue: int | None, value: object, limit: object,
                                          preset: str, source: str) -> None:
    finding = Finding(code, severity, message, line=line, column=column, cue=cue, value=value,  # type: ignore[arg-type]
                      limit=limit, preset=preset, source=source)  # type: ignore[arg-type]
    assert finding.to_json() == json.dumps(finding.to_dict(), ensure_ascii=False)


def test_to_json_reads_back_as_to_dict() -> None:
    finding = Finding(FindingCode.CHAIN_GAP, Severity.WARNING, 'gap "of" 500 ms\u2028', line=4, cue=2,
                      value=500, limit=83.5, preset="fr-tv")
    assert json.loads(finding.to_json()) == finding.to_dict()
