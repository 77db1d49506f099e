"""Repairs for the unambiguous cases: a person the Arabic names, spelled a little wrong.

"Kaia Kallas" for كايا كالاس, "Vladimir Zelensky" or "Zelenskiy" for زيلينسكي: the Arabic
says which person it is, the lexicon says how the name is written, and the English is a near
miss of it. And where the Arabic writes a person's full name but the English gives the surname
alone, the first mention gets the full canonical name ("Trump" → "Donald Trump").

Rule, for each *person* the lexicon finds in the Arabic (certain matches, not
covered by a glossary term):

1. every capitalised English word that is the canonical surname, or a near miss of it (same
   first letter, similarity ≥ 0.8, surname of four letters or more, and not itself the name
   of another lexicon entity), gets the canonical surname;
2. the capitalised words glued before such a surname are compared with the canonical given
   names, right to left: one that differs but is close (same first letter, similarity ≥ 0.6:
   Kaia/Kaja, Vladimir/Volodymyr) gets the canonical given name; the walk stops at the first
   word that is neither equal nor close (a title: "President Zelensky" stays).

Places and organisations are not repaired: a near miss there is as often a different,
real name (Austria/Australia, Iraq/Iraqi) as a misspelling. Names are not repaired without a
lexicon.

Dates need no lexicon: a transliterated Levantine month ("Tammuz", "Tishreen al-Awal") becomes
the Gregorian month the Arabic names, and "Hijri year 1445" or "1445 H" becomes "1445 AH"
when the Arabic has that Hijri year (:func:`~._dates.date_repairs`). Their ``entity_id`` is
``date:<month>`` or ``date:<year>-ah``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from tarjama.checks._context import NameContext
from tarjama.checks._dates import date_repairs
from tarjama.checks._english import Word, fold_words
from tarjama.checks._names import surnames
from tarjama.checks._translit import english_skeleton, fold_latin
from tarjama.checks._vocabulary import FUNCTION_WORDS, TITLES
from tarjama.terms import Entity, Lexicon

__all__ = ["Repair", "repair"]

_SURNAME_CLOSE = 0.8
_GIVEN_CLOSE = 0.6
_SOUND_CLOSE = 0.5
_MIN_SURNAME = 4


@dataclass(frozen=True)
class Repair:
    """One replacement made in the English (offsets into the English before repair)."""

    start: int
    end: int
    before: str
    after: str
    entity_id: str


def _similarity(a: str, b: str) -> float:
    """1 − Levenshtein distance / longer length, on folded strings."""
    return float(Levenshtein.normalized_similarity(a, b))


def _close(word: str, canonical: str, threshold: float) -> bool:
    """Same first letter, and similar in letters, or in sound with a looser letter match
    (Khameini/Khamenei, Vladimir/Volodymyr have the same consonant skeleton)."""
    a, b = fold_latin(word), fold_latin(canonical)
    if a[:1] != b[:1]:
        return False
    similarity = _similarity(a, b)
    if similarity >= threshold:
        return True
    same_sound = english_skeleton(a) == english_skeleton(b) and len(english_skeleton(a)) >= 3
    return same_sound and similarity >= _SOUND_CLOSE


def _person_repairs(ctx: NameContext, entity: Entity) -> list[Repair]:
    names = surnames(entity.english)
    if not names or ctx.index is None:
        return []
    surname = names[0]
    parts = entity.english.split()
    given = parts[: parts.index(surname)] if surname in parts else parts[:-1]
    folded_surname = fold_latin(surname)
    repairs: list[Repair] = []
    ws = ctx.english_words
    for i, word in enumerate(ws):
        if not word.capitalised:
            continue
        if word.folded != folded_surname:
            if len(folded_surname) < _MIN_SURNAME or not _close(word.text, surname, _SURNAME_CLOSE):
                continue
            if ctx.index.ids_of((word.folded,)) - {entity.id} or _other_name_before(ws, i, given):
                continue  # another known name, or part of one ("Rio Grande" is no Grandi)
            repairs.append(Repair(word.start, word.end, word.text, surname, entity.id))
        repairs.extend(_given_repairs(ws, i, given, entity.id))
    return repairs


def _other_name_before(ws: list[Word], i: int, given: list[str]) -> bool:
    """Whether a capitalised word glued before word ``i`` is a name but not the given name."""
    if i == 0 or not ws[i].tight_before:
        return False
    before = ws[i - 1]
    if not before.capitalised or before.folded in TITLES | FUNCTION_WORDS:
        return False
    return not (given and _close(before.text, given[-1], _GIVEN_CLOSE))


def _given_repairs(ws: list[Word], i: int, given: list[str], entity_id: str) -> list[Repair]:
    """Near-miss given names glued before the surname at word ``i``, right to left."""
    repairs: list[Repair] = []
    k = 1
    while k <= len(given) and i - k >= 0 and ws[i - k + 1].tight_before:
        word, canonical = ws[i - k], given[-k]
        if not word.capitalised or word.folded in TITLES | FUNCTION_WORDS:
            break
        if word.folded != fold_latin(canonical):
            if not _close(word.text, canonical, _GIVEN_CLOSE):
                break
            repairs.append(Repair(word.start, word.end, word.text, canonical, entity_id))
        k += 1
    return repairs


def _first_mentions(
    ctx: NameContext, lexicon: Lexicon, done: Mapping[tuple[int, int], Repair]
) -> list[Repair]:
    """The full name at the first mention of a person the Arabic names in full.

    «الرئيس الأمريكي دونالد ترمب» rendered "the US President Trump" loses what the reader of a
    first mention needs; the Arabic says exactly who it is, so the surname standing alone (no
    given name or other name glued before it) becomes the canonical full name, once.
    """
    fixes: list[Repair] = []
    seen: set[str] = set()
    for match in ctx.lexicon_matches:
        entity = match.entity
        if entity.type != "person" or entity.id in seen or not lexicon.certain(match):
            continue
        if len(match.surface.split()) < 2 or ctx.index is None:
            continue  # the Arabic itself gives only one name
        seen.add(entity.id)
        full = fold_words(entity.english)
        names = surnames(entity.english)
        if len(full) < 2 or not names or ctx.has_form(full):
            continue
        if any(ctx.has_form(fold_words(form)) for form in entity.also):
            continue
        folded = fold_latin(names[0])
        ws = ctx.english_words
        for i, word in enumerate(ws):
            if not word.capitalised or word.folded != folded:
                continue
            before = ws[i - 1] if i and word.tight_before else None
            if (
                before is not None
                and before.capitalised
                and before.folded not in (TITLES | FUNCTION_WORDS)
            ):
                break  # "Ivanka Trump", or a given name already there: not ours to change
            if any(word.start < r.end and r.start < word.end for r in done.values()):
                break
            english = entity.english if word.text == names[0] else word.text
            if english != word.text:
                fixes.append(Repair(word.start, word.end, word.text, english, entity.id))
            break
    return fixes


def repair(
    source: str,
    target: str,
    *,
    lexicon: Lexicon | None,
    glossary: Mapping[str, str] | None = None,
) -> tuple[str, tuple[Repair, ...]]:
    """The English with near-miss spellings of the Arabic's people and dates put right.

    See the module doc for the rules. Returns ``(target, ())`` when nothing needs repairing.
    """
    if not target.strip():
        return target, ()
    repairs: dict[tuple[int, int], Repair] = {}
    if lexicon is not None:
        ctx = NameContext(source, target, lexicon, glossary or {})
        for match in ctx.lexicon_matches:
            if match.entity.type != "person" or not lexicon.certain(match):
                continue
            if not fold_words(match.entity.english):
                continue
            for fix in _person_repairs(ctx, match.entity):
                repairs.setdefault((fix.start, fix.end), fix)
        for fix in _first_mentions(ctx, lexicon, repairs):
            repairs[(fix.start, fix.end)] = fix
    for start, end, before, after, what in date_repairs(source, target):
        if not any(start < r.end and r.start < end for r in repairs.values()):
            repairs[(start, end)] = Repair(start, end, before, after, what)
    if not repairs:
        return target, ()
    ordered = sorted(repairs.values(), key=lambda r: r.start)
    parts: list[str] = []
    cursor = 0
    for fix in ordered:
        parts += [target[cursor : fix.start], fix.after]
        cursor = fix.end
    parts.append(target[cursor:])
    return "".join(parts), tuple(ordered)
