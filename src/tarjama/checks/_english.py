"""English words with offsets, folded for comparison, and what a capitalised word may be.

Every English-side check needs the same things: the words of the translation with where they
are (to quote and to repair), a folded form that ignores case and accents ("Erdogan" matches
"Erdoğan"), and whether a word starts a sentence (where capitals mean nothing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tarjama.checks._translit import fold_latin

__all__ = [
    "Word",
    "fold_words",
    "words",
]

_WORD_RE = re.compile(r"[^\W_]+")
_SENTENCE_END_RE = re.compile(r"[.!?:;…\n]")
_TIGHT_GAP_RE = re.compile(r"[ \u00a0\-‐‑.’']{1,3}")


@dataclass(frozen=True)
class Word:
    """One word of an English text."""

    start: int
    end: int
    text: str
    folded: str
    sentence_start: bool
    tight_before: bool
    """Only a space, hyphen, dot or apostrophe separates it from the word before."""

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


def words(text: str) -> list[Word]:
    """The words of ``text`` (letters and digits), with offsets, folded forms and context."""
    result: list[Word] = []
    previous_end = 0
    for match in _WORD_RE.finditer(text):
        gap = text[previous_end : match.start()]
        first = not result
        sentence_start = first or _SENTENCE_END_RE.search(gap) is not None
        tight = not first and _TIGHT_GAP_RE.fullmatch(gap) is not None
        if not first and gap.endswith(". ") and result[-1].text[:1].isupper():
            # "U.S. President" or "Mr. Putin": an abbreviation's dot does not end the sentence
            short = len(result[-1].text) <= 3
            sentence_start = not short
        result.append(
            Word(
                match.start(),
                match.end(),
                match.group(),
                fold_latin(match.group()),
                sentence_start,
                tight,
            )
        )
        previous_end = match.end()
    return result


def fold_words(text: str) -> tuple[str, ...]:
    """The folded words of ``text``: what a name is compared by."""
    return tuple(fold_latin(w) for w in _WORD_RE.findall(text))
