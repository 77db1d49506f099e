"""Does an English name sound like some Arabic word of the source? Consonant skeletons.

A name the lexicon does not know (a mayor of São Paulo, a sealer called Pittman) is still
written in the Arabic, transliterated: «روبرتو جيفرسون» for Roberto Jefferson. Arabic script
writes consonants and long vowels, so both sides are reduced to a *skeleton* of consonant
classes (b/p → B, t/d/th → T, s/z/sh/ch → S, k/g/q/j/kh/gh → K, f/v/ph → F, l, m, n, r), with
vowels, h, w, y, ع and hamza dropped and repeats collapsed: "Jefferson" → KFRSN and
«جيفرسون» → KFRSN. Close enough is close enough: skeletons of four classes or more may
differ by one edit. This is a cheap excuse, not a proof: it only ever stops a name from being
reported as invented.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from itertools import pairwise

from tarjama.terms import key_of, prefix_readings

__all__ = [
    "SkeletonIndex",
    "arabic_skeleton",
    "arabic_skeletons",
    "english_skeleton",
    "fold_latin",
]

_ARABIC_CLASSES = str.maketrans(
    {
        "ب": "B",
        "پ": "B",
        "ت": "T",
        "ط": "T",
        "د": "T",
        "ض": "T",
        "ث": "T",
        "ذ": "T",
        "ظ": "S",
        "س": "S",
        "ص": "S",
        "ز": "S",
        "ش": "S",
        "ج": "K",
        "چ": "K",
        "غ": "K",
        "ق": "K",
        "ك": "K",
        "گ": "K",
        "خ": "K",
        "ف": "F",
        "ڤ": "F",
        "ل": "L",
        "م": "M",
        "ن": "N",
        "ر": "R",
    }
)
_ARABIC_DROPPED_RE = re.compile("[^BTSKFLMNR]")
_ENGLISH_DIGRAPHS = (
    ("sch", "S"),
    ("tch", "S"),
    ("th", "T"),
    ("dh", "T"),
    ("sh", "S"),
    ("zh", "S"),
    ("ch", "S"),
    ("ph", "F"),
    ("kh", "K"),
    ("gh", "K"),
    ("ck", "K"),
    ("qu", "K"),
    ("ts", "S"),
    ("tz", "S"),
    ("x", "KS"),
)
_ENGLISH_CLASSES = str.maketrans(
    {
        "b": "B",
        "p": "B",
        "t": "T",
        "d": "T",
        "s": "S",
        "z": "S",
        "c": "K",
        "k": "K",
        "g": "K",
        "q": "K",
        "j": "K",
        "f": "F",
        "v": "F",
        "l": "L",
        "m": "M",
        "n": "N",
        "r": "R",
    }
)
_SOFT_C_RE = re.compile(r"c(?=[eiy])")
_LATIN_EXTRA = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d"})
_REPEAT_RE = re.compile(r"(.)\1+")
_ARTICLE_RE = re.compile(r"^(?:al|el|ad|an|ar|as|at|ash|az)-", re.IGNORECASE)


def fold_latin(text: str) -> str:
    """Latin text without accents and case: "Erdoğan" → "erdogan", "Støre" → "store"."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_LATIN_EXTRA))
    return "".join(c for c in text if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def english_skeleton(word: str) -> str:
    """The consonant-class skeleton of one Latin-script word ("al-Assad" → "SS" → "S")."""
    word = _REPEAT_RE.sub(r"\1", fold_latin(_ARTICLE_RE.sub("", word)))  # Picchu → Pichu
    word = _SOFT_C_RE.sub("s", word)
    for digraph, cls in _ENGLISH_DIGRAPHS:
        word = word.replace(digraph, cls.lower())
    skeleton = word.translate(_ENGLISH_CLASSES)
    skeleton = re.sub("[^BTSKFLMNR]", "", skeleton)
    return _REPEAT_RE.sub(r"\1", skeleton)


@lru_cache(maxsize=65536)
def arabic_skeletons(word: str) -> tuple[str, ...]:
    """The skeletons of one Arabic word, bare and without each proclitic chain (و، ب، ال …).

    «تش» is one sound (ch), as in «ماتشو بيتشو» for Machu Picchu.
    """
    found: list[str] = []
    for reading in prefix_readings(key_of(word)):
        key = reading.key
        for stem in (key, key[2:]) if key.startswith("ال") and len(key) > 3 else (key,):
            skeleton = stem.replace("تش", "ش").translate(_ARABIC_CLASSES)
            found.append(_REPEAT_RE.sub(r"\1", _ARABIC_DROPPED_RE.sub("", skeleton)))
    return tuple(dict.fromkeys(s for s in found if s))


def arabic_skeleton(word: str) -> str:
    """The skeleton of one Arabic word with its article (if any) left out."""
    skeletons = arabic_skeletons(word)
    return skeletons[-1] if skeletons else ""


def _within_one(a: str, b: str) -> bool:
    """Whether two strings are at most one insertion, deletion or substitution apart."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


class SkeletonIndex:
    """The skeletons of a source's Arabic words, and of adjacent pairs ("Abu Dhabi")."""

    def __init__(self, words: Iterable[str]) -> None:
        per_word = [arabic_skeletons(w) for w in words]
        exact = {s for found in per_word for s in found}
        for left, right in pairwise(per_word):
            # "Abu Dhabi" for «أبو ظبي»; one-letter skeletons (في، لا) would pair with anything
            exact.update(a + b for a in left for b in right[:1] if len(a) > 1 and len(b) > 1)
        self._exact = exact
        self._long = [s for s in self._exact if len(s) >= 3]

    def sounds_like(self, english_word: str) -> bool:
        """Whether ``english_word`` could be a transliteration of a word of the source.

        Skeletons of one class prove nothing and never match; two or three classes must match
        exactly; four or more may be one edit apart.
        """
        skeleton = english_skeleton(english_word)
        if len(skeleton) < 2:
            return False
        if skeleton in self._exact:
            return True
        if len(skeleton) < 4:
            return False
        return any(_within_one(skeleton, s) for s in self._long)
