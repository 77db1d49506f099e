"""Names and terms the Arabic has must be in the English, in the form the user or lexicon asks.

- ``glossary_violation``: a user glossary term found in the Arabic (clitics allowed, as for
  lexicon names) whose required English is not in the translation (case and accents aside).
- ``lexicon_violation``: a lexicon entity found in the Arabic (certain matches only: no nisba
  adjectives, no ambiguous spelling whose readings differ in English) whose English is not in
  the translation in an accepted form. Accepted: the canonical form, an ``also`` form, a
  country's demonym (الصين → "Chinese exports"), an adjective on the name ("Ecuadorian",
  "Balkan"), a spelling one or two letters off for places and organisations ("Sevilla",
  "Valetta": the lexicon is a style, not a spell-checker for foreign place names), and for a
  person the surname alone ("Putin", "President Putin"). A person's surname after a
  *different* given name ("Kaia Kallas", "Vladimir Zelensky") is a wrong form: flagged, and
  :func:`~tarjama.checks.repair` fixes it.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from functools import lru_cache

from tarjama.checks._context import NameContext
from tarjama.checks._english import fold_words
from tarjama.checks._flag import GLOSSARY_VIOLATION, LEXICON_VIOLATION, Flag
from tarjama.checks._names import surnames
from tarjama.checks._vocabulary import FUNCTION_WORDS, GENERIC_NAME_WORDS, TITLES
from tarjama.terms import Entity, Lexicon

__all__ = [
    "check_glossary",
    "check_lexicon",
    "person_rendered",
]

_EVIDENCE = 5
_CLOSE = 0.8


def check_glossary(ctx: NameContext) -> Flag | None:
    """``glossary_violation``: glossary terms of the source whose English is missing."""
    missing: list[str] = []
    for match in ctx.glossary_matches:
        required = fold_words(match.english)
        if required and not ctx.has_form(required) and match.english not in missing:
            missing.append(match.english)
    if not missing:
        return None
    shown = tuple(missing[:_EVIDENCE])
    return Flag(GLOSSARY_VIOLATION, f"glossary terms not used: {', '.join(shown)}", shown)


def person_rendered(ctx: NameContext, entity: Entity) -> bool:
    """Whether a person is named right: full name, an ``also`` form, or the surname with no
    other given name glued before it ("President Putin", "Putin said"; not "Kaia Kallas")."""
    full = fold_words(entity.english)
    if ctx.has_form(full) or any(ctx.has_form(fold_words(f)) for f in entity.also):
        return True
    given = set(full[:-1])
    for surname in (fold_words(s) for s in surnames(entity.english)):
        for i in ctx.positions(surname):
            if i == 0 or not ctx.english_words[i].tight_before:
                return True
            before = ctx.english_words[i - 1]
            if not before.capitalised or before.folded in given | TITLES | FUNCTION_WORDS:
                return True
            if before.folded in GENERIC_NAME_WORDS:
                return True
    return False


@lru_cache(maxsize=4)
def _demonyms(lexicon: Lexicon) -> dict[str, tuple[str, ...]]:
    """Country id → the English of its nisba adjectives ("country:cn" → ("Chinese",))."""
    table: dict[str, list[str]] = {}
    for entity in lexicon:
        if entity.type == "nisba" and entity.related:
            table.setdefault(entity.related, []).extend([entity.english, *entity.also])
    return {key: tuple(forms) for key, forms in table.items()}


def _close_in(ctx: NameContext, form: tuple[str, ...]) -> bool:
    """A run of English words a letter or two off ``form`` ("Sevilla" for Seville), or an
    adjective made on a one-word name ("Ecuadorian", "Balkan")."""
    joined = " ".join(form)
    if len(form) == 1 and len(joined) >= 4:
        stem = joined[: max(4, len(joined) - 1)]
        if any(w.startswith(stem) for w in ctx.folded):
            return True
    folded = ctx.folded
    for size in {len(form), len(form) + 1, max(1, len(form) - 1)}:
        for i in range(len(folded) - size + 1):
            if not ctx.english_words[i].capitalised or folded[i][:1] != joined[:1]:
                continue
            candidate = " ".join(folded[i : i + size])
            if SequenceMatcher(None, candidate, joined).ratio() >= _CLOSE:
                return True
    return False


def _rendered(ctx: NameContext, entity: Entity, lexicon: Lexicon) -> bool:
    if entity.type == "person":
        return person_rendered(ctx, entity)
    forms = (entity.english, *entity.also, *_demonyms(lexicon).get(entity.id, ()))
    for form in forms:
        key = fold_words(form)
        if key and ctx.has_form(key, capitals=not any(c.islower() for c in form)):
            return True
    return any(_close_in(ctx, fold_words(form)) for form in forms if any(c.islower() for c in form))


def check_lexicon(ctx: NameContext) -> Flag | None:
    """``lexicon_violation``: lexicon names of the source whose English is missing or wrong."""
    lexicon = ctx.lexicon
    if lexicon is None:
        return None
    missing: list[str] = []
    for match in ctx.lexicon_matches:
        if not lexicon.certain(match) or match.english in missing:
            continue
        if not _rendered(ctx, match.entity, lexicon):
            missing.append(match.english)
    if not missing:
        return None
    shown = tuple(missing[:_EVIDENCE])
    return Flag(LEXICON_VIOLATION, f"expected in the English: {', '.join(shown)}", shown)
