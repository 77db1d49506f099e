"""Names and terms: the built-in news entity lexicon and matching that survives Arabic clitics.

:class:`Lexicon` maps every Arabic spelling of a person, place, organisation, armed group,
medium or platform to one canonical English form (:mod:`.lexicon`); :meth:`Lexicon.find`
locates them in text with offsets into the original string (:mod:`.match`, :mod:`.keys`); the
data is TSV under ``tarjama/data/lexicon`` (:mod:`.store`), described in its ``SOURCES.md``.
:class:`Glossary` holds a user's terms (TSV, CSV, TBX; :mod:`.glossary`), which
:meth:`Lexicon.with_glossary` lays over the lexicon.
:func:`find_dates` finds weekdays, months and Hijri dates and the English each must
become (:mod:`.dates`); :func:`date_hints` gives them to a chat prompt.
:func:`entity_matcher` is the hook evaluation uses for "known entities rendered canonically".
Imports nothing of tarjama but ``tarjama.text`` and the shared exception tree.
"""

from __future__ import annotations

from tarjama.terms.dates import DateMention, date_hints, find_dates
from tarjama.terms.entity import ENTITY_TYPES, Entity, EntityMatch
from tarjama.terms.glossary import Glossary, GlossaryEntry, GlossaryError
from tarjama.terms.keys import (
    Reading,
    Token,
    form_tokens,
    joinable,
    key_of,
    nisba_forms,
    original_cut,
    prefix_readings,
    suffix_readings,
    tokenize,
)
from tarjama.terms.lexicon import Lexicon, entity_matcher
from tarjama.terms.match import Key, Resolution, TermIndex, form_keys
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
    "ENTITY_TYPES",
    "WORD",
    "Ambiguity",
    "DateMention",
    "Entity",
    "EntityMatch",
    "Glossary",
    "GlossaryEntry",
    "GlossaryError",
    "Key",
    "Lexicon",
    "LexiconError",
    "Reading",
    "Resolution",
    "TermIndex",
    "Token",
    "builtin_files",
    "date_hints",
    "entity_matcher",
    "find_dates",
    "form_keys",
    "form_tokens",
    "joinable",
    "key_of",
    "nisba_forms",
    "original_cut",
    "parse_ambiguities",
    "parse_entities",
    "prefix_readings",
    "read_files",
    "slug",
    "suffix_readings",
    "tokenize",
]
