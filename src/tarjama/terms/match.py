"""Finding lexicon entries in Arabic text: one pass over the words, longest match first.

The index is keyed by tuples of folded words (not one regex per entry), so a 1,000-word article
costs a few dictionary look-ups per word whatever the size of the lexicon. At each word the
matcher tries the word bare and with its proclitics peeled off (:mod:`.keys`), takes the entry
with the most words (الاتحاد الأوروبي beats الاتحاد), and moves past it: matches never overlap
and never start or end inside a word.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from tarjama.terms.entity import Entity, EntityMatch
from tarjama.terms.keys import (
    Token,
    form_tokens,
    joinable,
    original_cut,
    prefix_readings,
    suffix_readings,
    tokenize,
)

__all__ = [
    "Key",
    "Resolution",
    "TermIndex",
    "form_keys",
]

Key = tuple[str, ...]


@dataclass(frozen=True)
class Resolution:
    """What a spelling stands for: an entry (or nothing, for a declared non-name), and doubts."""

    entity: Entity | None
    ambiguous: bool = False
    alternatives: tuple[str, ...] = ()


def form_keys(form: str) -> set[Key]:
    """The index keys of one written form, with the usual joined/split spellings of compounds.

    Raises ``ValueError`` for a spelling the matcher could never find (see
    :func:`~tarjama.terms.keys.form_tokens`).

    «عبد الله» is also written «عبدالله» and «نصر الله» «نصرالله»; both spellings get a key.
    """
    words = tuple(token.key for token in form_tokens(form))
    if not words:
        return set()
    keys = {words}
    joined: list[str] = []
    for word in words:
        if joined and (joined[-1] == "عبد" or word == "الله"):
            joined[-1] += word
        else:
            joined.append(word)
    keys.add(tuple(joined))
    split: list[str] = []
    for word in words:
        if word.startswith("عبد") and len(word) > 4:
            split.extend(["عبد", word[3:]])
        elif word.endswith("الله") and len(word) > 5 and not word.startswith("ال"):
            split.extend([word[:-4], "الله"])
        else:
            split.append(word)
    keys.add(tuple(split))
    return keys


class TermIndex:
    """Folded word tuples → what they stand for, and the matcher that walks a text."""

    def __init__(self, resolutions: dict[Key, Resolution]) -> None:
        self._entries = resolutions
        self._longest: dict[str, int] = {}
        self._suffixed: set[Key] = set()
        self._max_words = max((len(key) for key in resolutions), default=0)
        for key, resolution in resolutions.items():
            self._longest[key[0]] = max(self._longest.get(key[0], 0), len(key))
            if resolution.entity is not None and resolution.entity.suffixes:
                self._suffixed.add(key)

    def __len__(self) -> int:
        return len(self._entries)

    def resolve(self, key: Key) -> Resolution | None:
        """What an exact key stands for, if anything."""
        return self._entries.get(key)

    def find(self, text: str, consumed: list[tuple[int, int]] | None = None) -> list[EntityMatch]:
        """Every entry in ``text``, left to right, longest first, with offsets into ``text``.

        ``consumed``, when given, receives the span of every key found, declared ordinary
        words included (which match nothing but are no name either), for the name layer.
        """
        tokens = tokenize(text)
        links = [joinable(text, a, b) for a, b in pairwise(tokens)]
        matches: list[EntityMatch] = []
        i = 0
        while i < len(tokens):
            found = self._longest_at(tokens, links, i)
            if found is None:
                i += 1
                continue
            length, prefix_cut, suffix_cut, resolution = found
            if consumed is not None:
                consumed.append((tokens[i].start, tokens[i + length - 1].end))
            if resolution.entity is not None:
                last = tokens[i + length - 1]
                matches.append(_match(text, tokens[i], last, prefix_cut, suffix_cut, resolution))
            i += length
        return matches

    def _longest_at(
        self, tokens: list[Token], links: list[bool], i: int
    ) -> tuple[int, int, int, Resolution] | None:
        """The longest entry starting at token ``i``: (words, prefix cut, suffix cut, what)."""
        best: tuple[int, int, int, Resolution] | None = None
        reach = 1  # how many tokens from i are joined into one run (no more than any key)
        while reach < self._max_words and i + reach - 1 < len(links) and links[i + reach - 1]:
            reach += 1
        for reading in prefix_readings(tokens[i].key):
            longest = min(self._longest.get(reading.key, 0), reach)
            if self._suffixed:
                longest = max(longest, 1)
            floor = best[0] if best else 0
            for length in range(longest, floor, -1):
                rest = tuple(token.key for token in tokens[i + 1 : i + length])
                key = (reading.key, *rest)
                resolution = self._entries.get(key)
                suffix_cut = 0
                if resolution is None and self._suffixed:
                    resolution, suffix_cut = self._with_suffix(key)
                if resolution is not None:
                    best = (length, reading.cut, suffix_cut, resolution)
                    break
        return best

    def _with_suffix(self, key: Key) -> tuple[Resolution | None, int]:
        """The entry ``key`` names once an attached pronoun is peeled off its last word."""
        for reading in suffix_readings(key[-1]):
            stem_key = (*key[:-1], reading.key)
            if stem_key in self._suffixed:
                return self._entries[stem_key], reading.cut
        return None, 0


def _match(
    text: str,
    first: Token,
    last: Token,
    prefix_cut: int,
    suffix_cut: int,
    resolution: Resolution,
) -> EntityMatch:
    """Turn folded-letter cuts back into offsets of the original text."""
    assert resolution.entity is not None
    start = first.start + original_cut(first.text, prefix_cut)
    end = last.end - original_cut(last.text, suffix_cut, from_end=True)
    return EntityMatch(
        start=start,
        end=end,
        surface=text[start:end],
        entity=resolution.entity,
        prefix=text[first.start : start],
        suffix=text[end : last.end],
        ambiguous=resolution.ambiguous,
        alternatives=resolution.alternatives,
    )
