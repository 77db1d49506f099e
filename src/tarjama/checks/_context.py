"""One segment read once for every name check: source matches, English words, known names.

The glossary, lexicon and invented-name checks and :func:`~tarjama.checks.repair` all need
the same readings of a segment (lexicon matches in the Arabic, glossary matches, the English
words, what the source licenses); :class:`NameContext` computes each once, on first use.

The glossary wins over the lexicon: a lexicon name inside a glossary term of the source is
left to the glossary, both when checking and when repairing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from tarjama.checks._english import Word, fold_words, words
from tarjama.checks._names import EnglishNames, english_names, sourced_ids
from tarjama.checks._translit import SkeletonIndex
from tarjama.checks._vocabulary import GENERIC_NAME_WORDS
from tarjama.terms import Entity, EntityMatch, Lexicon, LexiconError, tokenize
from tarjama.text import normalize_for_match

__all__ = [
    "NameContext",
    "glossary_lexicon",
]

Key = tuple[str, ...]


@lru_cache(maxsize=32)
def glossary_lexicon(items: tuple[tuple[str, str], ...]) -> Lexicon:
    """A lexicon of glossary terms (Arabic → required English), matched like lexicon names.

    Terms may carry attached pronouns (حكومته is still حكومة). Of two terms with the same
    folded Arabic the first is kept; a term with no Arabic word in it is skipped.
    """
    entities: list[Entity] = []
    seen: set[str] = set()
    for i, (arabic, english) in enumerate(items):
        key = normalize_for_match(arabic)
        if not key or not english.strip() or key in seen or not tokenize(arabic):
            continue
        seen.add(key)
        entities.append(Entity(f"glossary:{i}", english.strip(), "term", (arabic,), suffixes=True))
    try:
        return Lexicon(entities)
    except LexiconError:  # spellings that fold to one key, or cannot be matched: keep the rest
        kept: list[Entity] = []
        for entity in entities:
            try:
                Lexicon([*kept, entity])
            except LexiconError:
                continue
            kept.append(entity)
        return Lexicon(kept)


def contains(longer: Key, shorter: Key) -> bool:
    """Whether the word tuple ``shorter`` occurs in ``longer`` as a run."""
    n = len(shorter)
    return 0 < n <= len(longer) and any(
        longer[i : i + n] == shorter for i in range(len(longer) - n + 1)
    )


@dataclass
class NameContext:
    """The readings of one segment the name checks share (each computed on first use)."""

    source: str
    target: str
    lexicon: Lexicon | None = None
    glossary: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def glossary_matches(self) -> list[EntityMatch]:
        """Glossary terms found in the source (their ``english`` is the required English)."""
        if not self.glossary:
            return []
        items = tuple((str(a), str(e)) for a, e in self.glossary.items())
        return glossary_lexicon(items).find(self.source)

    @cached_property
    def all_lexicon_matches(self) -> list[EntityMatch]:
        return self.lexicon.find(self.source) if self.lexicon is not None else []

    @cached_property
    def lexicon_matches(self) -> list[EntityMatch]:
        """Lexicon matches in the source that no glossary term covers (the glossary wins)."""
        covered = [(m.start, m.end) for m in self.glossary_matches]
        return [
            m
            for m in self.all_lexicon_matches
            if not any(m.start < end and start < m.end for start, end in covered)
        ]

    @cached_property
    def english_words(self) -> list[Word]:
        return words(self.target)

    @cached_property
    def folded(self) -> tuple[str, ...]:
        return tuple(w.folded for w in self.english_words)

    @cached_property
    def index(self) -> EnglishNames | None:
        return english_names(self.lexicon) if self.lexicon is not None else None

    @cached_property
    def sourced(self) -> set[str]:
        """Ids of the entities the source names (ambiguous readings and nisba countries too)."""
        return sourced_ids(self.all_lexicon_matches)

    @cached_property
    def sourced_forms(self) -> set[Key]:
        """Folded English forms the source licenses: its entities' and its glossary terms'."""
        forms: set[Key] = set()
        if self.index is not None:
            for entity_id in self.sourced:
                forms |= self.index.forms_of(entity_id)
        for match in self.glossary_matches:
            forms.add(fold_words(match.english))
        for match in self.all_lexicon_matches:
            if match.entity.source == "names":  # the name layer's: not in the English index
                forms.add(fold_words(match.english))
        return {f for f in forms if f}

    @cached_property
    def sourced_words(self) -> frozenset[str]:
        """Distinctive words of every licensed form, and the source's own Latin words."""
        found = {w for form in self.sourced_forms for w in form if w not in GENERIC_NAME_WORDS}
        found |= set(fold_words(self.source))
        return frozenset(found)

    @cached_property
    def skeletons(self) -> SkeletonIndex:
        return SkeletonIndex(token.text for token in tokenize(self.source))

    def positions(self, form: Key) -> list[int]:
        """Indexes of the English words where the folded words ``form`` start, in a row."""
        n = len(form)
        folded = self.folded
        if not n:
            return []
        return [i for i in range(len(folded) - n + 1) if folded[i : i + n] == form]

    def has_form(self, form: Key, *, capitals: bool = False) -> bool:
        """Whether the English has ``form`` (in capitals, when ``capitals``: "US" not "us")."""
        for i in self.positions(form):
            run = self.english_words[i : i + len(form)]
            if not capitals or all(w.text.isupper() or w.text.isdigit() for w in run):
                return True
        return False

    def traced_word(self, word: str) -> bool:
        """Whether one English word has a trace in the source (licensed, Latin, or sound)."""
        return word in self.sourced_words or self.skeletons.sounds_like(word)

    def traced(self, key: Key) -> bool:
        """Whether an English name (folded words) can be traced to the source: a licensed form
        contains it or is contained in it ("Gaza Strip" for غزة), or each of its distinctive
        words is licensed, in the source's Latin, or sounds like a source word."""
        if any(contains(key, form) or contains(form, key) for form in self.sourced_forms):
            return True
        distinctive = [w for w in key if w not in GENERIC_NAME_WORDS and not w.isdigit()]
        return all(self.traced_word(w) for w in distinctive)
