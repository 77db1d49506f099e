"""What the lexicon knows about a name, and where a name was found in a text.

Frozen data, like everything passed between stages: a check or an engine that holds an
:class:`EntityMatch` cannot change the lexicon under another stage's feet.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ENTITY_TYPES",
    "Entity",
    "EntityMatch",
]

#: The types an entry may have. ``nisba`` entries (الروسي → Russian) are adjectives, not
#: entities: they help checks but are left out of entity counts and of :func:`entity_matcher`.
ENTITY_TYPES = frozenset(
    {
        "person",
        "place",
        "org",
        "group",
        "party",
        "media",
        "platform",
        "grouping",
        "agreement",
        "event",
        "nisba",
        "term",  # a user glossary's own entry (see terms.glossary)
    }
)


@dataclass(frozen=True)
class Entity:
    """One named thing: its Arabic spellings and the one English form a translation should use.

    ``kind`` refines ``type`` (a place may be a country, city, region, sea …); ``role`` says
    who a person is or was; ``also`` lists English forms a reader would also accept (Türkiye
    for Turkey); ``related`` points at another entry (a nisba's country); ``source`` names the
    data file the entry came from, so every entry can be traced to where it was written.
    """

    id: str
    english: str
    type: str
    arabic: tuple[str, ...]
    kind: str = ""
    role: str = ""
    also: tuple[str, ...] = ()
    related: str = ""
    source: str = ""
    suffixes: bool = False
    """Whether attached pronouns may follow the last word (for common-noun glossary terms)."""

    @property
    def is_entity(self) -> bool:
        """Nisba adjectives are lexicon entries but not named entities."""
        return self.type != "nisba"


@dataclass(frozen=True)
class EntityMatch:
    """A lexicon entry found in a text.

    ``start``/``end`` are offsets into the text as it was given (not a normalised copy) and
    cover the name only: a proclitic before it (و، بال، لل …) is in ``prefix`` and an attached
    pronoun after it in ``suffix``, so ``text[start - len(prefix):end + len(suffix)]`` is the
    whole written word. ``ambiguous`` matches were resolved to the spelling's default entry;
    ``alternatives`` lists the ids it could also have meant.
    """

    start: int
    end: int
    surface: str
    entity: Entity
    prefix: str = ""
    suffix: str = ""
    ambiguous: bool = False
    alternatives: tuple[str, ...] = ()

    @property
    def entity_id(self) -> str:
        """The id of the entry found."""
        return self.entity.id

    @property
    def english(self) -> str:
        """The canonical English the translation should use."""
        return self.entity.english

    @property
    def type(self) -> str:
        """The entry's type (person, place, org …)."""
        return self.entity.type
