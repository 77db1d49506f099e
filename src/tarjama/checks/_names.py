"""The lexicon seen from the English side: which known names does a translation mention?

:class:`EnglishNames` indexes every canonical English form of the lexicon, its ``also`` forms
and, for people, the surname alone ("Putin" for Vladimir Putin, "Assad" and "al-Assad" for
Bashar al-Assad), keyed by tuples of folded words. Finding the names of a segment is then one
pass over its words with a few dictionary look-ups each, whatever the size of the lexicon (no
regex or loop per entity). Built once per lexicon and cached.

Not indexed, because ordinary English would match them: one-letter names ("X") and the
single words of :data:`~._vocabulary.AMBIGUOUS_NAMES` ("May", "Said", "Time"). All-capital
forms (UN, US, WHO, IS) match only when written in capitals; every match must start with a
capital letter (or a digit: "G7" is "G7" either way).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from tarjama.checks._english import Word, fold_words
from tarjama.checks._vocabulary import AMBIGUOUS_NAMES, FUNCTION_WORDS, TITLES
from tarjama.terms import Entity, EntityMatch, Lexicon

__all__ = [
    "EnglishNames",
    "NameMention",
    "english_names",
    "entity_forms",
    "sourced_ids",
    "surnames",
]

Key = tuple[str, ...]

_PARTICLES = ("al-", "el-", "ad-", "as-", "ash-", "at-", "az-", "an-", "ar-")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii"})


def surnames(name: str) -> list[str]:
    """A person's surname forms: "Vladimir Putin" → Putin; "Bashar al-Assad" → al-Assad,
    Assad; "Robert F. Kennedy Jr." → Kennedy. Names of one word have none."""
    parts = [p for p in name.split() if p.rstrip(".").lower() not in _SUFFIXES]
    if len(parts) < 2:
        return []
    last = parts[-1]
    found = [last]
    lowered = last.lower()
    for particle in _PARTICLES:
        if lowered.startswith(particle) and len(last) > len(particle) + 2:
            found.append(last[len(particle) :])
    return [s for s in found if len(s) >= 3]


def entity_forms(entity: Entity) -> list[str]:
    """Every English form a translation may use for ``entity``: canonical, also, surname."""
    forms = [entity.english, *entity.also]
    if entity.type == "person":
        forms.extend(surnames(entity.english))
    return list(dict.fromkeys(f for f in forms if f.strip()))


@dataclass(frozen=True)
class NameMention:
    """A known English name found in a translation."""

    start: int
    end: int
    text: str
    key: Key
    ids: frozenset[str]
    first_word: int
    """Index of its first word in the word list it was found in."""
    standalone: bool
    """False when glued to other capitalised words ("Washington Post", "Ministry of Foreign
    Affairs"): then it is probably part of a longer name the lexicon does not know."""


class EnglishNames:
    """Folded word tuples of every English form of the lexicon → the entities they name."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        index: dict[Key, set[str]] = defaultdict(set)
        capitals: set[Key] = set()
        self._forms: dict[str, set[Key]] = defaultdict(set)
        for entity in entities:
            if not entity.is_entity:
                continue
            for form in entity_forms(entity):
                key = fold_words(form)
                if not key:
                    continue
                self._forms[entity.id].add(key)
                if len(key) == 1 and (len(key[0]) < 2 or key[0] in AMBIGUOUS_NAMES):
                    continue
                index[key].add(entity.id)
                if not any(c.islower() for c in form):
                    capitals.add(key)
        self._index = {key: frozenset(ids) for key, ids in index.items()}
        self._capitals = frozenset(capitals)
        self._longest: dict[str, int] = {}
        for key in self._index:
            self._longest[key[0]] = max(self._longest.get(key[0], 0), len(key))

    def __len__(self) -> int:
        return len(self._index)

    def forms_of(self, entity_id: str) -> frozenset[Key]:
        """The folded forms of one entity (canonical, also, surname)."""
        return frozenset(self._forms.get(entity_id, ()))

    def ids_of(self, key: Key) -> frozenset[str]:
        """The entities a folded form names (empty if it names none)."""
        return self._index.get(key, frozenset())

    def find(self, text: str, text_words: Sequence[Word]) -> list[NameMention]:
        """Known names among the words of ``text``, left to right, longest first, disjoint."""
        found: list[NameMention] = []
        i = 0
        while i < len(text_words):
            match = self._longest_at(text_words, i)
            if match is None:
                i += 1
                continue
            length, key = match
            first, last = text_words[i], text_words[i + length - 1]
            standalone = not _inside_longer_name(text_words, i, i + length)
            found.append(
                NameMention(
                    first.start,
                    last.end,
                    text[first.start : last.end],
                    key,
                    self._index[key],
                    i,
                    standalone,
                )
            )
            i += length
        return found

    def _longest_at(self, text_words: Sequence[Word], i: int) -> tuple[int, Key] | None:
        word = text_words[i]
        longest = self._longest.get(word.folded, 0)
        if not longest or not (word.capitalised or word.text[:1].isdigit()):
            return None
        reach = 1
        while (
            reach < longest and i + reach < len(text_words) and text_words[i + reach].tight_before
        ):
            reach += 1
        for length in range(reach, 0, -1):
            run = text_words[i : i + length]
            key = tuple(w.folded for w in run)
            if key not in self._index:
                continue
            if key in self._capitals and any(w.text != w.text.upper() for w in run):
                continue
            return length, key
        return None


def _name_part(word: Word) -> bool:
    return word.capitalised and word.folded not in TITLES and word.folded not in FUNCTION_WORDS


def _inside_longer_name(text_words: Sequence[Word], start: int, end: int) -> bool:
    """Whether a name is glued to other capitalised words ("Washington Post", "George
    Washington", "Ministry of Foreign Affairs"): then it is part of a name the lexicon lacks."""
    if end < len(text_words):
        after = text_words[end]
        if after.tight_before and not after.sentence_start and _name_part(after):
            return True
    if start == 0 or text_words[start].sentence_start or not text_words[start].tight_before:
        return False
    before = text_words[start - 1]
    if before.folded == "of" and start >= 2 and before.tight_before:
        return _name_part(text_words[start - 2])  # Bank of England, Ministry of Foreign Affairs
    return end - start == 1 and _name_part(before)


@lru_cache(maxsize=4)
def english_names(lexicon: Lexicon) -> EnglishNames:
    """The English-side index of ``lexicon`` (built once per lexicon object)."""
    return EnglishNames(lexicon)


def sourced_ids(matches: Iterable[EntityMatch]) -> set[str]:
    """Entities a source names: what it matched, the other readings of an ambiguous spelling,
    and the country of a nisba (الروسي makes "Russia" legitimate)."""
    ids: set[str] = set()
    for match in matches:
        ids.add(match.entity.id)
        ids.update(match.alternatives)
        if match.entity.related:
            ids.add(match.entity.related)
    return ids
