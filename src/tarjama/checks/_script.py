"""Empty output and Arabic left in the English.

An engine that gives up returns nothing, or copies the source, or leaves a word it could not
translate in Arabic script ("Loksmبورgh"). Each is easy to see by script alone. Arabic that is
kept on purpose (an Arabic #hashtag, a protected span) is passed in ``kept`` and ignored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tarjama.checks._flag import EMPTY, UNTRANSLATED_ARABIC, Flag
from tarjama.text import has_arabic

__all__ = [
    "check_empty",
    "check_untranslated",
    "without_kept",
]

# Arabic letters with the marks and joiners that live inside Arabic words, as whole runs
# (a run may be glued to Latin letters: "Soubliسي").
_ARABIC_RUN_RE = re.compile(
    "[\u0620-\u063f\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff"
    "\u0750-\u077f\u08a0-\u08c9\ufb50-\ufdff\ufe70-\ufefc]"
    "[\u0610-\u061a\u0620-\u065f\u066e-\u06d3\u06d5-\u06ed\u06fa-\u06ff\u0750-\u077f"
    "\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc\u200c\u200d]*"
)
_EVIDENCE = 5


def without_kept(text: str, kept: Sequence[str]) -> str:
    """``text`` with every kept substring blanked out (longest first, so none hides another)."""
    for piece in sorted({k for k in kept if k}, key=len, reverse=True):
        text = text.replace(piece, " ")
    return text


def check_empty(source: str, target: str) -> Flag | None:
    """``empty``: the source has text and the English has none."""
    if source.strip() and not target.strip():
        return Flag(EMPTY, "the translation is empty")
    return None


def check_untranslated(target: str, kept: Sequence[str] = ()) -> Flag | None:
    """``untranslated_arabic``: Arabic letters in the English outside the ``kept`` substrings."""
    rest = without_kept(target, kept)
    if not has_arabic(rest):
        return None
    runs = list(dict.fromkeys(m.group() for m in _ARABIC_RUN_RE.finditer(rest)))
    return Flag(
        UNTRANSLATED_ARABIC,
        f"Arabic left in the English: {' '.join(runs[:_EVIDENCE])}",
        tuple(runs[:_EVIDENCE]),
    )
