"""Arabic words as lookup keys: tokens with offsets, and the clitics a name can carry.

A lexicon lists «بوتين» once, but news writes «وبوتين», «لبوتين», «للناتو», «وبالاتحاد».
Rather than listing every inflected spelling, the matcher cuts text into tokens (keeping their
offsets in the original text), folds each with :func:`~tarjama.text.normalize_for_match`, and
asks which readings of the token (bare, or with a proclitic peeled off) are keys it knows.

Only *proclitics* are peeled off names: the conjunctions و ف, the prepositions ب ل ك, the
article ال and their combinations (وبال، فلل، وكال …). Names are definite already, so they do
not take possessive suffixes; suffix readings (حكومته → حكومة) are offered only for entries
that ask for them (common-noun glossary terms). The nisba ending ـي is never peeled off:
«إيرانيين» is not «إيران» (the lexicon lists nisbas as entries of their own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tarjama.text import normalize_for_match

__all__ = [
    "Reading",
    "Token",
    "form_tokens",
    "joinable",
    "key_of",
    "nisba_forms",
    "original_cut",
    "prefix_readings",
    "suffix_readings",
    "tokenize",
]

# Arabic letters (base block without punctuation, digits and tatweel; supplement; extended-A;
# presentation forms) and the marks that live inside words (harakat, Quranic marks, tatweel).
_LETTER = (
    "\u0620-\u063f\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff"
    "\u0750-\u077f\u08a0-\u08c9\ufb50-\ufbb1\ufbd3-\ufd3d\ufd50-\ufdc7\ufdf0-\ufdfb"
    "\ufe70-\ufe74\ufe76-\ufefc"
)
_MARK = "\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
_JOINER = "\u200c\u200d"  # ZWNJ / ZWJ: sometimes typed inside a word, never between words
_DIGIT = "0-9\u0660-\u0669\u06f0-\u06f9"
_TOKEN_RE = re.compile(
    f"[{_LETTER}][{_LETTER}{_MARK}]*(?:[{_JOINER}]+[{_LETTER}][{_LETTER}{_MARK}]*)*|[{_DIGIT}]+"
)
# What may stand between two words of one name: spaces (a single line break included, so a name
# wrapped at the end of a line still matches), invisible bidi/zero-width marks, or one hyphen.
_GAP_RE = re.compile(
    "[ \t\u00a0\u2009\u202f\u200b-\u200f\u2066-\u2069\u061c]*"
    "(?:\r?\n|[-\u2010\u2011])?"
    "[ \t\u00a0\u2009\u202f\u200b-\u200f\u2066-\u2069\u061c]*"
)
_MARK_RE = re.compile(f"[{_MARK}{_JOINER}]")

_CONJUNCTIONS = ("", "و", "ف")
_PREPOSITIONS = ("", "ب", "ل", "ك")
#: Attached pronouns, longest first. ``ي`` (my) is left out: it is also the nisba ending.
_SUFFIXES = ("هما", "كما", "هم", "هن", "ها", "كم", "كن", "نا", "ه", "ك")
_MIN_STEM = 2


@dataclass(frozen=True)
class Token:
    """One Arabic word of a text: where it is in the original string and its lookup key."""

    start: int
    end: int
    text: str
    key: str


@dataclass(frozen=True)
class Reading:
    """One way to read a token: ``key`` after peeling ``cut`` folded letters off its edge."""

    key: str
    cut: int


@lru_cache(maxsize=65536)
def key_of(word: str) -> str:
    """The folded key of one word (alef/hamza forms, ى/ي, ة/ه, harakat, tatweel all folded)."""
    return normalize_for_match(word).replace(" ", "")


def tokenize(text: str) -> list[Token]:
    """Arabic words (and digit runs) of ``text``, with offsets into ``text`` itself."""
    return [
        Token(m.start(), m.end(), m.group(), key_of(m.group())) for m in _TOKEN_RE.finditer(text)
    ]


def form_tokens(form: str) -> list[Token]:
    """The tokens of a lexicon spelling; ``ValueError`` if it could never match as written.

    A spelling with punctuation or Latin letters between its words («بي.بي.سي») would never be
    found in text, because the matcher does not join words across them.
    """
    tokens = tokenize(form)
    edges = [0, *(edge for token in tokens for edge in (token.start, token.end)), len(form)]
    gaps = [form[a:b] for a, b in zip(edges[::2], edges[1::2], strict=True)]
    inner_ok = all(_GAP_RE.fullmatch(gap) for gap in gaps[1:-1])
    if not tokens or not inner_ok or gaps[0].strip() or gaps[-1].strip():
        raise ValueError(f"spelling {form!r} has characters the matcher cannot match")
    return tokens


def joinable(text: str, left: Token, right: Token) -> bool:
    """Whether two tokens are neighbours inside one name (no punctuation, no paragraph break)."""
    return _GAP_RE.fullmatch(text, left.end, right.start) is not None


@lru_cache(maxsize=65536)
def prefix_readings(key: str) -> tuple[Reading, ...]:
    """The token bare and with each possible proclitic chain peeled off, bare reading first.

    ``لل`` is read as ل + ال (the alef of the article is not written after ل), so «للعراق»
    yields the key of «العراق». Readings leave at least two letters.
    """
    readings = [Reading(key, 0)]
    seen = {key}
    for conj in _CONJUNCTIONS:
        for prep in _PREPOSITIONS:
            head = conj + prep
            if not head or not key.startswith(head):
                continue
            rest = key[len(head) :]
            candidates = [rest]
            if prep == "ل" and rest.startswith("ل"):
                candidates.append("ا" + rest)  # لل = ل + (ا)ل
            for candidate in candidates:
                if len(candidate) >= _MIN_STEM and candidate not in seen:
                    seen.add(candidate)
                    readings.append(Reading(candidate, len(head)))
    return tuple(readings)


@lru_cache(maxsize=65536)
def suffix_readings(key: str) -> tuple[Reading, ...]:
    """The token with an attached pronoun peeled off (حكومته → حكومه, the folded حكومة).

    A stem that ends in ت before the pronoun may be a ta marbuta, so it is also offered with
    ه (the folded ة). Readings leave at least two letters.
    """
    readings: list[Reading] = []
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= _MIN_STEM:
            stem = key[: -len(suffix)]
            readings.append(Reading(stem, len(suffix)))
            if stem.endswith("ت"):
                readings.append(Reading(stem[:-1] + "ه", len(suffix)))
    return tuple(readings)


def nisba_forms(form: str) -> list[str]:
    """The regular forms of a one-word nisba adjective: «الروسي» → الروسية، روسي، الروسيين …

    Feminine ـة, dual ـان, sound plurals ـون/ـين/ـات, each with and without the article.
    Multi-word or non-ـي spellings come back unchanged: their forms must be listed.
    """
    if " " in form.strip() or not form.endswith("ي"):
        return [form]
    bare = form[2:] if form.startswith("ال") else form
    stems = [bare + ending for ending in ("", "ة", "ان", "ين", "ون", "ات")]
    return [*stems, *("ال" + stem for stem in stems)]


def original_cut(word: str, folded_letters: int, *, from_end: bool = False) -> int:
    """How many characters of ``word`` hold its first (or last) ``folded_letters`` letters.

    Harakat and tatweel belong to the letter before them, so a peeled proclitic keeps its own
    vowel and the name's span starts on a letter of the name.
    """
    starts: list[int] = []  # index in ``word`` where each folded letter begins
    for index, char in enumerate(word):
        if not _MARK_RE.fullmatch(char):
            starts.extend([index] * (len(key_of(char)) or 1))
    if folded_letters <= 0:
        return 0
    if folded_letters >= len(starts):
        return len(word)
    if from_end:
        return len(word) - starts[len(starts) - folded_letters]
    return starts[folded_letters]
