"""How alike two sources are, on the 0–100 scale translators know from CAT tools.

Both texts are folded first (:func:`fold`: harakat, tatweel and alef forms do not count, as
:func:`tarjama.text.normalize_for_match` says), then compared character by character with
rapidfuzz's normalised Indel similarity. Characters rather than words, because Arabic glues
clitics to words: «والرئيس» and «الرئيس» differ by one letter, not by one word in ten.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from tarjama.text import normalize_for_match

__all__ = ["fold", "match_score"]


def fold(text: str) -> str:
    """The form sources are matched in (never shown to anyone)."""
    return normalize_for_match(text)


def match_score(folded: str, other: str) -> int:
    """0–100: 100 for the same folded text, about 40 for unrelated sentences of one domain."""
    return round(fuzz.ratio(folded, other))
