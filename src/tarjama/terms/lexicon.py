"""The news entity lexicon: every Arabic spelling of a name → one canonical English form.

A translation that writes "Zelenskiy" in one paragraph and "Zelensky" in the next, or "Kaia
Kallas" for Kaja Kallas, is wrong in a way BLEU barely sees. The lexicon tells checks and
engines which names a text contains and how each must come out in English.

Ambiguity policy: a spelling belongs to one entry. Where a spelling really is shared (جورجيا:
the country or the US state; عمان: Oman or Amman; الأسد: the Assads or "the lion"),
``ambiguous.tsv`` must say so, listing the candidates and, where one reading dominates news
use, a default. A match on such a spelling carries ``ambiguous=True`` and the other candidates;
without a default it is not reported at all (but still stops a shorter name matching inside
it). Loading refuses a spelling claimed by two entries and not declared ambiguous.

A user glossary outranks all of this: :meth:`Lexicon.with_glossary` lays its terms over the
index, so a spelling the glossary lists means the glossary's entry, ambiguous or not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from tarjama.terms.entity import Entity, EntityMatch
from tarjama.terms.glossary import Glossary
from tarjama.terms.keys import nisba_forms, tokenize
from tarjama.terms.match import Key, Resolution, TermIndex, form_keys
from tarjama.terms.names.layer import NameLayer
from tarjama.terms.store import (
    WORD,
    Ambiguity,
    LexiconError,
    builtin_files,
    parse_ambiguities,
    parse_entities,
    read_files,
    slug,
)

__all__ = [
    "Lexicon",
    "entity_matcher",
]


class Lexicon:
    """Entries, their spellings, and a matcher over them; see the module doc for ambiguity."""

    def __init__(self, entities: Iterable[Entity], ambiguities: Iterable[Ambiguity] = ()) -> None:
        self._by_id: dict[str, Entity] = {}
        for entity in entities:
            if entity.id in self._by_id:
                raise LexiconError(f"duplicate id {entity.id!r} ({entity.source})")
            self._by_id[entity.id] = entity
        self.ambiguities: tuple[Ambiguity, ...] = tuple(ambiguities)
        self._resolutions = self._resolve()
        self._index = TermIndex(self._resolutions)
        self._names: NameLayer | None = None
        self._compose = False

    def _resolve(self) -> dict[Key, Resolution]:
        """Key → entry, refusing spellings shared by two entries unless declared ambiguous."""
        owners: dict[Key, list[str]] = {}
        derived: dict[Key, str] = {}  # nisba forms made by rule: they yield to listed spellings
        for entity in self._by_id.values():
            for form in entity.arabic:
                try:
                    keys = form_keys(form)
                except ValueError as exc:
                    raise LexiconError(f"{entity.id} ({entity.source}): {exc}") from None
                for key in keys:
                    ids = owners.setdefault(key, [])
                    if entity.id not in ids:
                        ids.append(entity.id)
                if entity.type == "nisba":
                    for extra in nisba_forms(form)[1:]:
                        for key in form_keys(extra):
                            derived.setdefault(key, entity.id)
        declared: dict[Key, Ambiguity] = {}
        for ambiguity in self.ambiguities:
            unknown = [c for c in ambiguity.candidates if c != WORD and c not in self._by_id]
            if unknown:
                raise LexiconError(f"{ambiguity.arabic}: unknown candidates {unknown}")
            try:
                keys = form_keys(ambiguity.arabic)
            except ValueError as exc:
                raise LexiconError(f"ambiguous.tsv: {exc}") from None
            for key in keys:
                declared[key] = ambiguity
        for key, entity_id in derived.items():
            if key not in declared:
                owners.setdefault(key, [entity_id])
        resolutions: dict[Key, Resolution] = {}
        for key, ids in owners.items():
            if key in declared:
                continue
            if len(ids) > 1:
                raise LexiconError(f"{' '.join(key)} is claimed by {ids}: declare it ambiguous")
            resolutions[key] = Resolution(self._by_id[ids[0]])
        for key, ambiguity in declared.items():
            missing = set(owners.get(key, ())) - set(ambiguity.candidates)
            if missing:
                raise LexiconError(f"{ambiguity.arabic}: also claimed by {sorted(missing)}")
            others = tuple(c for c in ambiguity.candidates if c != ambiguity.default)
            default = self._by_id[ambiguity.default] if ambiguity.default else None
            resolutions[key] = Resolution(default, ambiguous=True, alternatives=others)
        return resolutions

    @classmethod
    def load_builtin(cls) -> Lexicon:
        """The lexicon shipped with tarjama (loaded once per process, then shared)."""
        return _builtin()

    @classmethod
    def from_files(cls, paths: Iterable[str | Path]) -> Lexicon:
        """A lexicon from TSV files in the built-in format (for tests and user lexicons)."""
        entities, ambiguities = read_files(paths)
        return cls(entities, ambiguities)

    def with_glossary(self, glossary: Glossary) -> Lexicon:
        """A new lexicon in which every glossary term is an entry and wins over built-in ones.

        Each term becomes an entity (``source="glossary"``, attached pronouns allowed, as for
        common nouns) claiming its spellings; where a spelling was a built-in entry's, the
        glossary entity takes that entry's type and role and points at it through ``related``
        (glossary «ترامب → President Trump» replaces Donald Trump for «ترامب», while «دونالد
        ترامب» stays Donald Trump: the longest spelling still wins). Later terms win over
        earlier ones that fold to the same key. The built-in index is copied, not rebuilt, so
        this is cheap enough per request, and ``self`` is left untouched: one request's glossary
        never reaches another's.
        """
        if not glossary.entries:
            return self
        by_id = dict(self._by_id)
        resolutions = dict(self._resolutions)
        for entry in glossary.entries:
            keys = form_keys(entry.arabic)
            replaced = [
                resolution.entity
                for key in sorted(keys)
                if (resolution := self._resolutions.get(key)) and resolution.entity is not None
            ]
            base = replaced[0] if replaced else None
            entity_id = stem = f"glossary:{slug(entry.english) or 'term'}"
            number = 1
            while entity_id in by_id:
                number += 1
                entity_id = f"{stem}-{number}"
            entity = Entity(
                id=entity_id,
                english=entry.english,
                type=base.type if base else "term",
                arabic=(entry.arabic,),
                kind=base.kind if base else "",
                role=base.role if base else "",
                related=base.id if base else "",
                source="glossary",
                suffixes=True,
            )
            by_id[entity_id] = entity
            for key in keys:
                resolutions[key] = Resolution(entity)
        lexicon = Lexicon.__new__(Lexicon)
        lexicon._by_id = by_id
        lexicon.ambiguities = self.ambiguities
        lexicon._resolutions = resolutions
        lexicon._index = TermIndex(resolutions)
        lexicon._names = self._names
        lexicon._compose = self._compose
        return lexicon

    def with_names(self, layer: NameLayer | None = None, *, compose: bool = False) -> Lexicon:
        """A new lexicon that also finds the names the name layer knows (the built-in layer
        by default) wherever no entry of this one matched: entries always win over the layer.

        Layer names come back from :meth:`find` as matches of entities with ``source="names"``
        (``kind`` ``whole`` or ``composed``), so engines, hints, checks and repairs treat them
        like lexicon names; ``compose`` also puts names together from name tokens (see
        :meth:`NameLayer.find`). ``self`` is left untouched.
        """
        lexicon = Lexicon.__new__(Lexicon)
        lexicon.__dict__.update(self.__dict__)
        lexicon._names = layer if layer is not None else NameLayer.load_builtin()
        lexicon._compose = compose
        return lexicon

    @property
    def names(self) -> NameLayer | None:
        """The name layer this lexicon consults after its own entries, if any."""
        return self._names

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Entity]:
        return iter(self._by_id.values())

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._by_id

    def get(self, entity_id: str) -> Entity | None:
        """The entry with this id, if any."""
        return self._by_id.get(entity_id)

    def count_by_type(self) -> dict[str, int]:
        """How many entries of each type (nisba adjectives included, under ``nisba``)."""
        return dict(sorted(Counter(entity.type for entity in self).items()))

    def find(self, text: str) -> list[EntityMatch]:
        """Every entry named in ``text``: left to right, longest first, never inside a word;
        then, with a name layer, the layer's names among the words no entry took."""
        if self._names is None:
            return self._index.find(text)
        consumed: list[tuple[int, int]] = []
        matches = self._index.find(text, consumed)
        extra = self._names.matches(text, consumed, compose=self._compose)
        return sorted([*matches, *extra], key=lambda m: m.start) if extra else matches

    def certain(self, match: EntityMatch) -> bool:
        """Whether a match is a named entity whose English does not depend on the reading.

        True for unambiguous entity matches, and for ambiguous ones whose every candidate has
        the same English (طرابلس is "Tripoli" in Libya and in Lebanon).
        """
        if not match.entity.is_entity:
            return False
        if not match.ambiguous:
            return True
        others = [self._by_id.get(other) for other in match.alternatives]
        return all(other is not None and other.english == match.english for other in others)

    def lookup(self, arabic: str) -> Entity | None:
        """The entry one written name stands for (clitics allowed: «وبوتين» is Putin)."""
        matches = self._index.find(arabic)
        if len(matches) != 1:
            return None
        match = matches[0]
        whole = arabic.strip()
        written = arabic[match.start - len(match.prefix) : match.end + len(match.suffix)]
        return match.entity if written == whole else None

    def candidates(self, arabic: str) -> tuple[Entity, ...]:
        """Every entry a spelling (as written, without clitics) may stand for, default first."""
        key = tuple(token.key for token in tokenize(arabic))
        resolution = self._index.resolve(key)
        if resolution is None:
            return ()
        ids = ([resolution.entity.id] if resolution.entity else []) + list(resolution.alternatives)
        return tuple(self._by_id[i] for i in ids if i in self._by_id)


@lru_cache(maxsize=1)
def _builtin() -> Lexicon:
    entities: list[Entity] = []
    ambiguities: list[Ambiguity] = []
    for name, text in builtin_files():
        if name == "ambiguous.tsv":
            ambiguities.extend(parse_ambiguities(text, name))
        else:
            entities.extend(parse_entities(text, name))
    return Lexicon(entities, ambiguities)


def entity_matcher() -> Callable[[str], list[tuple[str, str]]]:
    """``text → [(arabic as written, canonical English), …]`` for evaluation's entity figure.

    Only named entities count: nisba adjectives (الروسي → Russian) and ambiguous spellings are
    left out (unless every reading has the same English, as طرابلس does), so the share measures
    names whose right English is certain.
    """
    lexicon = Lexicon.load_builtin()

    def match(text: str) -> list[tuple[str, str]]:
        return [(m.surface, m.english) for m in lexicon.find(text) if lexicon.certain(m)]

    return match
