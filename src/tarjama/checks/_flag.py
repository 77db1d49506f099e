"""What a check reports: a flag code, a sentence for people, and the evidence behind it.

Codes are stable strings (they end up in ``Translation.flags``, JSON output and evaluation
reports); messages are for readers and may change. Evidence is the text that made the check
fire (the number that went missing, the name that appeared from nowhere), so a reviewer can
see at a glance whether the flag is right.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DATE_CHANGED",
    "EMPTY",
    "FLAG_CODES",
    "GLOSSARY_VIOLATION",
    "INVENTED_ENTITY",
    "LENGTH_RATIO",
    "LEXICON_VIOLATION",
    "LOW_SCORE",
    "NUMBER_CHANGED",
    "NUMBER_MISSING",
    "REPETITION",
    "UNTRANSLATED_ARABIC",
    "Flag",
]

EMPTY = "empty"
UNTRANSLATED_ARABIC = "untranslated_arabic"
NUMBER_MISSING = "number_missing"
NUMBER_CHANGED = "number_changed"
DATE_CHANGED = "date_changed"
LEXICON_VIOLATION = "lexicon_violation"
GLOSSARY_VIOLATION = "glossary_violation"
INVENTED_ENTITY = "invented_entity"
REPETITION = "repetition"
LENGTH_RATIO = "length_ratio"
LOW_SCORE = "low_score"

#: Every code the checks can raise, in the order :func:`~tarjama.checks.check_segment` runs.
FLAG_CODES = (
    EMPTY,
    UNTRANSLATED_ARABIC,
    NUMBER_MISSING,
    NUMBER_CHANGED,
    DATE_CHANGED,
    GLOSSARY_VIOLATION,
    LEXICON_VIOLATION,
    INVENTED_ENTITY,
    REPETITION,
    LENGTH_RATIO,
    LOW_SCORE,
)


@dataclass(frozen=True)
class Flag:
    """One quality problem found in one segment's English."""

    code: str
    message: str
    evidence: tuple[str, ...] = ()
    """The pieces of text (source or English) that made the check fire."""

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "evidence": list(self.evidence)}
