"""Cheap script detection: is this Arabic, is this English?

Used to pass English-only input through (with a warning) instead of "translating" it, and to
reject engine output that is still Arabic or is not English at all. Counting letters by script is
enough for both and needs no model.
"""

from __future__ import annotations

import re

from tarjama.text._chars import ARABIC_LETTER_RE, LATIN_LETTER, LATIN_LETTER_RE

__all__ = [
    "arabic_ratio",
    "has_arabic",
    "looks_english",
]

_LETTER_RE = re.compile(r"[^\W\d_]")
_LATIN_WORD_RE = re.compile(f"[{LATIN_LETTER}]+")
#: Frequent English words that are rare in the other Latin-script languages.
_ENGLISH_TEXT = """
    the and of to in a with that this these those is are was were be been being has have had
    it its for from by at on which who whom what when where will would could should shall may
    might must can cannot they them their he she his her him we our us you your my me not but or
    an as said after into about than also there here over more some other only just such any
    like one two all during while though although until despite including below outside often
    usually then later even near if so do does did how why because people year years week
    wouldn shouldn didn doesn isn aren don won think"""
_ENGLISH_WORDS = frozenset(_ENGLISH_TEXT.split())
#: Frequent function words of the Latin-script languages an engine may drift into
#: (Spanish, French, German, Italian, Portuguese, Dutch, Indonesian, Turkish).
_OTHER_TEXT = """
    el la los las del que y en por para con una es se su al como pero más le les des du et
    est une pour dans sur qui pas au aux avec ce cette sont der die das und ist nicht mit dem
    ein eine sich auf zu von dass für wird werden il di che della per non sono os da das dos em
    na não um uma com het een van dat zijn niet voor met ook yang dan pada dengan untuk akan ini
    itu dari bahwa ve bir bu için ile"""
_OTHER_WORDS = frozenset(_OTHER_TEXT.split())


def arabic_ratio(text: str) -> float:
    """Share of the letters in ``text`` that are Arabic script (0.0 when there are none)."""
    letters = len(_LETTER_RE.findall(text))
    if not letters:
        return 0.0
    return len(ARABIC_LETTER_RE.findall(text)) / letters


def has_arabic(text: str) -> bool:
    """Whether ``text`` contains at least one Arabic-script letter."""
    return ARABIC_LETTER_RE.search(text) is not None


def looks_english(text: str) -> bool:
    """Whether ``text`` reads as English: Latin letters, and English rather than other words.

    At least 90% of the letters must be Latin, and the text must not contain more function
    words of Spanish, French, German … than of English. A text of eight words or more must also
    contain English function words (at least one word in sixteen). Short texts (headlines,
    names) with no function words at all pass on script alone.
    """
    letters = _LETTER_RE.findall(text)
    if not letters:
        return False
    latin = len(LATIN_LETTER_RE.findall(text))
    if latin < 0.9 * len(letters):
        return False
    words = [word.lower() for word in _LATIN_WORD_RE.findall(text)]
    english = sum(word in _ENGLISH_WORDS for word in words)
    other = sum(word in _OTHER_WORDS for word in words)
    if other > english:
        return False
    return len(words) < 8 or english * 16 >= len(words)
