"""Names in the English that the Arabic never mentioned: what small models make up.

A 1.5B model writes "Obama" for ترمب, "Albania" for أوكرانيا, "Eliad Ben-Gurion" for
إيذلريد. Two kinds of name are looked at:

- **lexicon names** (via :class:`~._names.EnglishNames`): a canonical form, ``also`` form or
  surname of a lexicon entity, standing on its own. It is invented unless the Arabic names the
  same entity (the lexicon finds it, ambiguous readings and a nisba's country included), or
  the name can be traced another way (:meth:`~._context.NameContext.traced`: a licensed form
  containing it or contained in it, the source's Latin letters, the sound of a source word);
- **unknown capitalised names**: runs of two or more capitalised words (particles such as
  "al", "bin", "de" inside), a sentence's first word left out, whose words are all
  distinctive (none a title, month or common institutional word from
  :data:`~._vocabulary.COMMON_CAPITALS`) and none of which has a trace in the source. Names
  with a common word in them ("Supreme Court", "Grand Prix") are left alone: they are
  usually translated, not transliterated, and cannot be traced by sound.
"""

from __future__ import annotations

import re

from tarjama.checks._context import NameContext
from tarjama.checks._flag import INVENTED_ENTITY, Flag
from tarjama.checks._vocabulary import COMMON_CAPITALS, FUNCTION_WORDS, NAME_CONNECTORS, TITLES

__all__ = ["check_invented"]

_EVIDENCE = 5
_NOT_NAMES = COMMON_CAPITALS | FUNCTION_WORDS | TITLES
#: Endings of English words that transliterated names rarely have ("Prevention", "Whirling",
#: "Parenthood", "Horticultural"), plural "s" allowed.
_ENGLISH_ENDING_RE = re.compile(
    r"(?:tion|sion|ment|ness|hood|ity|ous|ive|ing|ism|ist|ship|ance|ence|able|ible|ics|ure"
    r"|ery|ful|less|ward|ural|ical|onal|tial|ology|ography|ated|ized|ised)s?$"
)


def _common(word: str) -> bool:
    """A common English word, by list or by an ending foreign names rarely have."""
    return word in _NOT_NAMES or _ENGLISH_ENDING_RE.search(word) is not None


def _capitalised_runs(ctx: NameContext, taken: set[int]) -> list[tuple[int, int]]:
    """Word ranges of capitalised multi-word names, a sentence's first word left out."""
    runs: list[tuple[int, int]] = []
    ws = ctx.english_words
    i = 0
    while i < len(ws):
        if i in taken or not ws[i].capitalised or ws[i].sentence_start:
            i += 1
            continue
        j = i + 1
        while j < len(ws) and j not in taken and ws[j].tight_before and not ws[j].sentence_start:
            connector = (
                ws[j].folded in NAME_CONNECTORS
                and j + 1 < len(ws)
                and ws[j + 1].capitalised
                and ws[j + 1].tight_before
            )
            if not (ws[j].capitalised or connector):
                break
            j += 1
        while j - i > 1 and ws[j - 1].folded in NAME_CONNECTORS:
            j -= 1  # "Heck and" Johnson: a run does not end on a particle
        if j - i >= 2:
            runs.append((i, j))
        i = max(j, i + 1)
    return runs


def _portfolio(ctx: NameContext, after: int, ids: frozenset[str]) -> bool:
    """Whether a name is the portfolio of the title after it ("Foreign Policy Secretary",
    "Health Minister"): the words of an office, not the magazine or body of that name. Never
    for people and places ("Albania Foreign Minister" still names a country)."""
    ws = ctx.english_words
    if after >= len(ws) or not ws[after].tight_before or not ws[after].capitalised:
        return False
    if ws[after].folded not in TITLES:
        return False
    return not any(i.startswith(("person:", "place:", "country:", "region:")) for i in ids)


def check_invented(ctx: NameContext) -> Flag | None:
    """``invented_entity``: names in the English that cannot be traced to the source."""
    invented: list[str] = []
    taken: set[int] = set()
    if ctx.index is not None:
        for mention in ctx.index.find(ctx.target, ctx.english_words):
            taken.update(range(mention.first_word, mention.first_word + len(mention.key)))
            if not mention.standalone or mention.ids & ctx.sourced:
                continue
            if _portfolio(ctx, mention.first_word + len(mention.key), mention.ids):
                continue
            if not ctx.traced(mention.key) and mention.text not in invented:
                invented.append(mention.text)
    for start, end in _capitalised_runs(ctx, taken):
        run = ctx.english_words[start:end]
        names = [w for w in run if w.folded not in NAME_CONNECTORS]
        if len(names) < 2 or any(_common(w.folded) or w.text[:1].isdigit() for w in names):
            continue
        if any(w.text.isupper() and len(w.text) > 1 for w in names):
            continue  # an acronym: an organisation's, usually spelled out in the source
        if not any(ctx.traced_word(w.folded) for w in names):
            text = ctx.target[run[0].start : run[-1].end]
            if text not in invented:
                invented.append(text)
    if not invented:
        return None
    shown = tuple(invented[:_EVIDENCE])
    return Flag(INVENTED_ENTITY, f"not in the source: {', '.join(shown)}", shown)
