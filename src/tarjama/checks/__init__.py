"""Per-segment quality checks: what a reader of the English should be warned about.

Pure functions over one segment's Arabic and English (no models, no I/O). The pipeline calls
:func:`flag_codes` (or :func:`check_segment` for messages and evidence) after restoring and
post-editing each segment, and may call :func:`repair` first to put right the names the
lexicon can vouch for, and the transliterated months and Hijri years the Arabic's dates vouch
for. Flags, in order:

``empty`` · ``untranslated_arabic`` · ``number_missing`` · ``number_changed`` · ``date_changed`` ·
``glossary_violation`` · ``lexicon_violation`` · ``invented_entity`` · ``repetition`` ·
``length_ratio`` · ``low_score``

Each module says what its check flags and why; :func:`normalized_score` maps an engine's mean
token log-probability to 0..1. ``kept`` is for text passed through verbatim on purpose (URLs,
handles, hashtags, format spans): never pass protected *numbers* there, or the number checks
would not see them. Imports nothing of tarjama but ``tarjama.text`` and ``tarjama.terms``.
"""

from __future__ import annotations

from tarjama.checks._dates import check_dates
from tarjama.checks._flag import (
    DATE_CHANGED,
    EMPTY,
    FLAG_CODES,
    GLOSSARY_VIOLATION,
    INVENTED_ENTITY,
    LENGTH_RATIO,
    LEXICON_VIOLATION,
    LOW_SCORE,
    NUMBER_CHANGED,
    NUMBER_MISSING,
    REPETITION,
    UNTRANSLATED_ARABIC,
    Flag,
)
from tarjama.checks._length import LENGTH_SLACK, RATIO_BAND, check_length, length_ratio
from tarjama.checks._names import EnglishNames, NameMention, english_names
from tarjama.checks._number_words import arabic_number_words, english_number_words
from tarjama.checks._numbers import NumberMention, check_numbers, number_mentions
from tarjama.checks._repair import Repair, repair
from tarjama.checks._repetition import check_repetition, repeated_phrase
from tarjama.checks._score import LOW_SCORE_THRESHOLD, check_score, normalized_score
from tarjama.checks._script import check_empty, check_untranslated, without_kept
from tarjama.checks._segment import check_segment, flag_codes

#: The flags that say a fact of the English is wrong, not merely its style: the pipeline asks a
#: chat engine again for such a sentence, and the translation memory never serves one.
FACT_FLAGS = frozenset(
    {
        EMPTY,
        UNTRANSLATED_ARABIC,
        NUMBER_MISSING,
        NUMBER_CHANGED,
        DATE_CHANGED,
        GLOSSARY_VIOLATION,
        LEXICON_VIOLATION,
        INVENTED_ENTITY,
        REPETITION,
    }
)

__all__ = [
    "DATE_CHANGED",
    "EMPTY",
    "FACT_FLAGS",
    "FLAG_CODES",
    "GLOSSARY_VIOLATION",
    "INVENTED_ENTITY",
    "LENGTH_RATIO",
    "LENGTH_SLACK",
    "LEXICON_VIOLATION",
    "LOW_SCORE",
    "LOW_SCORE_THRESHOLD",
    "NUMBER_CHANGED",
    "NUMBER_MISSING",
    "RATIO_BAND",
    "REPETITION",
    "UNTRANSLATED_ARABIC",
    "EnglishNames",
    "Flag",
    "NameMention",
    "NumberMention",
    "Repair",
    "arabic_number_words",
    "check_dates",
    "check_empty",
    "check_length",
    "check_numbers",
    "check_repetition",
    "check_score",
    "check_segment",
    "check_untranslated",
    "english_names",
    "english_number_words",
    "flag_codes",
    "length_ratio",
    "normalized_score",
    "number_mentions",
    "repair",
    "repeated_phrase",
    "without_kept",
]
