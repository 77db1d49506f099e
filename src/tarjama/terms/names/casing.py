"""English case for names that the source data writes in lower case.

Wikidata tokens and Wikipedia titles reach tarjama as "mcnamara", "o'brien", "abd al-qadir
al-husayni", "piacenza calcio 1919". A translation must write McNamara, O'Brien, Abd
al-Qadir al-Husayni: a name in the wrong case reads as a typo. The rules are the ones English
news style uses: every word capitalised; particles (van, der, de, bin, al-) lower case inside a
name and capitalised when they open it; Mc and O' capitalise the letter after them; club
abbreviations and Roman numerals in capitals.
"""

from __future__ import annotations

import re

__all__ = ["english_case"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words written in lower case inside a name ("Ludwig van Beethoven", "Mohammed bin Salman").
PARTICLES = _words(
    "van von der den de del della dei degli di da das dos do du le la les ter ten zu zum zur"
    " y e bin ibn bint ben ould of the and on upon at in en et und"
)
#: Arabic articles joined with a hyphen ("al-Husayni"): lower case inside a name.
_ARTICLE_RE = re.compile(r"^(al|el|ad|ash|as|at|az|an|ar|ud|ul)-(?=\w)")
#: Sports-club and company abbreviations written in capitals ("Pontevedra CF", "USC Heidelberg").
ABBREVIATIONS = _words(
    "fc cf sc ac afc sk fk bk if ik cd ud sd sv tsv vfb vfl bsc rc rcd cp cs fcsb psv aek paok"
    " ofk nk hnk gnk pfc jk sv ssc as us usc tsc tus rb cfr ca cr csd sl ec se aa bc ifk uk usa"
    " uae bbc cnn nba nfl nhl fifa uefa nasa"
)
_ROMAN_RE = re.compile(r"^(?=[ivxlc]+$)m*(c[md]|d?c{0,3})(x[cl]|l?x{0,3})(i[xv]|v?i{0,3})$")
_HYPHEN_RE = re.compile(r"([\-–])")


def _cap(word: str) -> str:
    """One word with its first letter capitalised (and the letter after Mc, O', D')."""
    if not word:
        return word
    if re.match(r"^mc[a-z]", word) and len(word) > 3:
        return "Mc" + word[2].upper() + word[3:]
    if re.match(r"^[od]'[^\W\d_]", word):
        return word[0].upper() + "'" + word[2].upper() + word[3:]
    if word.startswith("'") and len(word) > 1:  # 'Ndrangheta
        return "'" + word[1].upper() + word[2:]
    return word[0].upper() + word[1:]


def _case_word(word: str, first: bool) -> str:
    """One space-separated word; hyphenated parts are cased one by one (Aix-en-Provence)."""
    if word in ABBREVIATIONS and not (first and word in PARTICLES):
        return word.upper()
    if _ROMAN_RE.match(word) and len(word) > 1 and not first:
        return word.upper()
    article = _ARTICLE_RE.match(word)
    if article:
        head = article.group(0)
        rest = _case_word(word[len(head) :], first=False)
        return (head.capitalize() if first else head) + rest
    if word in PARTICLES and not first:
        return word
    if word.startswith("d'") and not first:
        return "d'" + _cap(word[2:])
    parts = _HYPHEN_RE.split(word)
    if len(parts) == 1:
        return _cap(word)
    return "".join(
        part if i % 2 or (i and part in PARTICLES) else _cap(part) for i, part in enumerate(parts)
    )


def english_case(name: str) -> str:
    """``name`` (lower case, as the source data has it) in the case English news writes it.

    A name that already has capitals is returned unchanged: someone chose them.
    """
    words = name.split()
    if any(c.isupper() for c in name):
        return " ".join(words)
    return " ".join(_case_word(word, i == 0) for i, word in enumerate(words))
