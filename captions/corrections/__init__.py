"""Correction dictionaries: read and find them (:mod:`.fixes`), lint them (:mod:`.lint`), compile
them into one matcher (:mod:`.matcher`), and apply them to transcripts and caption files with a
record of every change (:mod:`.apply`)."""

from .apply import (
    CorrectedSource,
    apply_to_transcript,
    correct_caption_source,
    correct_source,
    correct_transcript_source,
    replay,
    replay_segments,
    replay_transcript,
)
from .fixes import (
    DICTIONARY_SUFFIXES,
    CaseMode,
    Fix,
    MatchMode,
    dictionaries_for,
    discover_dictionaries,
    key_tokens,
    parse_dictionary,
    read_dictionaries,
    read_dictionary,
    word_identity,
    written_form,
)
from .lint import check_dictionaries, lint_fixes
from .matcher import Change, ChangeKind, ChangeRecord, Dictionary, apply_to_segments, load_dictionaries

__all__ = [
    "Fix", "CaseMode", "MatchMode", "DICTIONARY_SUFFIXES", "key_tokens", "word_identity", "written_form",
    "parse_dictionary", "read_dictionary", "read_dictionaries", "discover_dictionaries", "dictionaries_for",
    "lint_fixes", "check_dictionaries", "Change", "ChangeKind", "ChangeRecord", "Dictionary", "apply_to_segments",
    "load_dictionaries", "apply_to_transcript", "replay", "replay_segments", "replay_transcript", "CorrectedSource",
    "correct_source", "correct_transcript_source", "correct_caption_source",
]
