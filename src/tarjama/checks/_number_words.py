"""Numbers written in words, in English and in Arabic, as values.

A translation may spell out what the source wrote in digits ("three" for 3, "the 21st" for
21) and write in digits what the source spelled out (خمس نقاط → 5 points, التاسع عشر → 19th,
عشرة ملايين → 10 million). These readers turn words into the values they may stand for, so
that :mod:`._numbers` can compare numbers however they are written.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from tarjama.terms import key_of, prefix_readings, tokenize

__all__ = [
    "arabic_number_words",
    "english_number_words",
    "scale_value",
]

Value = Decimal


def _value(number: int | Decimal) -> Value:
    return Decimal(number).normalize()


_ENGLISH_SCALES = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "mn": 1_000_000,
    "billion": 1_000_000_000,
    "bn": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}


def scale_value(word: str) -> int:
    """The factor a scale word stands for: "million" → 1,000,000, «آلاف» → 1,000."""
    word = word.lower()
    if word in _ENGLISH_SCALES:
        return _ENGLISH_SCALES[word]
    return _ARABIC_SCALES[key_of(word)]


# --- English number words -------------------------------------------------------------------


def _split(text: str) -> list[str]:
    return text.split()


_ONES = _split(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
_TENS = _split("twenty thirty forty fifty sixty seventy eighty ninety")
_ORDINAL_ONES = _split(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
)
_ORDINAL_TENS = _split(
    "twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth"
)
_ENGLISH_WORDS: dict[str, int] = {
    **{w: i for i, w in enumerate(_ONES)},
    **{w: 20 + 10 * i for i, w in enumerate(_TENS)},
    **{w: i for i, w in enumerate(_ORDINAL_ONES)},
    **{w: 20 + 10 * i for i, w in enumerate(_ORDINAL_TENS)},
    "once": 1,
    "twice": 2,
    "single": 1,
    "hundredth": 100,
    "thousandth": 1000,
}
_ENGLISH_WORD_RE = re.compile(r"[A-Za-z]+")


def english_number_words(text: str) -> set[Value]:
    """Values of the numbers ``text`` spells out: "three", "twenty-five", "two million", "fifth".

    Halves too: "one and a half" is 1.5, "one and a half million" 1,500,000 and "half a
    million" 500,000 (an English writer's way with «مليون ونصف» and «نصف مليون»).
    """
    values: set[Value] = set()
    words = [w.lower() for w in _ENGLISH_WORD_RE.findall(text)]
    current: Value | None = None
    for i, word in enumerate(words):
        if word in _ENGLISH_WORDS:
            number = _ENGLISH_WORDS[word]
            if current is not None and current >= 20 and current % 10 == 0 and number < 10:
                current += number  # twenty-five
            elif current is not None and current >= 100 and number < 100:
                current += number  # one hundred twenty
            else:
                current = _value(number)
            values.add(_value(current))
        elif word == "dozen" or (word in _ENGLISH_SCALES and word not in {"mn", "bn"}):
            factor = 12 if word == "dozen" else _ENGLISH_SCALES[word]
            # "a million" is one million, "four dozen" 48
            current = (current or Decimal(1)) * factor
            values.add(_value(current))
        elif word == "half":
            and_a = current is not None and words[i - 2 : i] == ["and", "a"]
            current = current + _HALF if and_a and current is not None else _HALF
            values.add(_value(current))
        elif word == "and" and current is not None and current >= 100:
            continue  # one hundred and twenty
        elif word in {"and", "a"} and current is not None and _before_half(words, i):
            continue  # one and a half; half a million
        else:
            current = None
    return values


_HALF = Decimal("0.5")


def _before_half(words: list[str], i: int) -> bool:
    """Whether ``words[i]`` is the "and"/"a" of "and a half", or the "a" of "half a million"."""
    if words[i] == "and":
        return words[i + 1 : i + 3] == ["a", "half"]
    if words[i - 1 : i] == ["half"]:
        return words[i + 1 : i + 2] != [] and words[i + 1] in _ENGLISH_SCALES
    return words[i - 1 : i] == ["and"] and words[i + 1 : i + 2] == ["half"]


# --- Arabic number words ---------------------------------------------------------------------

_UNIT_STEMS = {
    "ثلاث": 3,
    "اربع": 4,
    "خمس": 5,
    "ست": 6,
    "سبع": 7,
    "ثمان": 8,
    "تسع": 9,
}
_ARABIC_UNITS: dict[str, int] = {
    "صفر": 0,
    "واحد": 1,
    "واحده": 1,
    "احد": 1,
    "احدي": 1,
    "حادي": 1,
    "اثنان": 2,
    "اثنين": 2,
    "اثنتان": 2,
    "اثنتين": 2,
    "اثنا": 2,
    "اثني": 2,
    "اثنتا": 2,
    "اثنتي": 2,
    "ثمانيه": 8,
    "ثماني": 8,
    "عشر": 10,
    "عشره": 10,
    **{stem: n for stem, n in _UNIT_STEMS.items()},
    **{stem + "ه": n for stem, n in _UNIT_STEMS.items()},
}
_ARABIC_ORDINALS: dict[str, int] = {
    "اول": 1,
    "اولي": 1,
    "ثاني": 2,
    "ثانيه": 2,
    "ثان": 2,
    "ثالث": 3,
    "رابع": 4,
    "خامس": 5,
    "سادس": 6,
    "سابع": 7,
    "ثامن": 8,
    "تاسع": 9,
    "عاشر": 10,
}
_ARABIC_ORDINALS |= {word + "ه": n for word, n in list(_ARABIC_ORDINALS.items()) if n > 2}
_TEN_STEMS = {
    "عشر": 20,
    "ثلاث": 30,
    "اربع": 40,
    "خمس": 50,
    "ست": 60,
    "سبع": 70,
    "ثمان": 80,
    "تسع": 90,
}
_ARABIC_TENS: dict[str, int] = {}
for _stem, _n in _TEN_STEMS.items():
    for _ending in ("ون", "ين", "ينيات", "ينات"):  # cardinal and decade (السبعينيات)
        _ARABIC_TENS[_stem + _ending] = _n
_ARABIC_HUNDREDS: dict[str, int] = {
    "مئه": 100,
    "مائه": 100,
    "مئتان": 200,
    "مئتين": 200,
    "مائتان": 200,
    "مائتين": 200,
    **{stem + h: 100 * n for stem, n in _UNIT_STEMS.items() for h in ("مئه", "مائه")},
}
_ARABIC_SCALES: dict[str, int] = {
    "الف": 1_000,
    "الاف": 1_000,
    "الفان": 2_000,
    "الفين": 2_000,
    "مليون": 1_000_000,
    "ملايين": 1_000_000,
    "مليونان": 2_000_000,
    "مليونين": 2_000_000,
    "مليار": 1_000_000_000,
    "مليارات": 1_000_000_000,
    "بليون": 1_000_000_000,
    "تريليون": 1_000_000_000_000,
}
_ARABIC_FRACTIONS = {"نصف": Decimal("0.5"), "ربع": Decimal("0.25")}


_DUAL_ENDINGS = ("ين", "ان")


def _stems(key: str) -> list[str]:
    """The folded word without its proclitics, and without the article too (الخامسة → خامسه)."""
    stems: list[str] = []
    for reading in prefix_readings(key):
        stems.append(reading.key)
        if reading.key.startswith("ال") and len(reading.key) > 3:
            stems.append(reading.key[2:])
    return stems


@lru_cache(maxsize=32768)
def _arabic_word(key: str) -> tuple[str, Value] | None:
    """(kind, value) of a folded Arabic word that names a number, trying it without clitics."""
    stems = _stems(key)
    for word in stems:
        for kind, table in (
            ("unit", _ARABIC_UNITS),
            ("unit", _ARABIC_ORDINALS),
            ("ten", _ARABIC_TENS),
            ("hundred", _ARABIC_HUNDREDS),
            ("scale", _ARABIC_SCALES),  # الف/مليون also multiply the number before them
        ):
            if word in table:
                return kind, Decimal(table[word])
        if word in _ARABIC_FRACTIONS:
            return "fraction", _ARABIC_FRACTIONS[word]
    if any(w.endswith(_DUAL_ENDINGS) and len(w) >= 5 for w in stems):
        return "dual", Decimal(2)  # ساعتين "two hours", هدفين "two goals" (or a plural)
    return None


def _unit_of(scale: Value) -> Value:
    """The scale a fraction after ``scale`` is a fraction of: مليونين ونصف is 2.5 million."""
    return Decimal(10) ** scale.adjusted()


def arabic_number_words(text: str) -> set[Value]:
    """Values the Arabic of ``text`` spells out, singly and combined.

    خمسة → 5; خمسة وعشرون → 25; التاسع عشر → 19; ثلاثة آلاف → 3,000; عشرة ملايين → 10,000,000;
    السبعينيات → 70; ساعة ونصف → 1.5; a dual noun (ساعتين) → 2. A scale closes a group that
    later parts add to: مليون ونصف → 1,500,000, مليون وخمسمئة ألف and مليون و500 ألف →
    1,500,000, نصف مليون → 500,000 (digits count only in such a chain: alone they are
    :mod:`._numbers`' business). Generous on purpose: these values only *excuse* English
    digits, they are never required in the English.
    """
    values: set[Value] = set()
    total: Value | None = None  # the groups a scale has closed (مليون in مليون وخمسمئة ألف)
    group: Value | None = None  # the number being read since then
    last_scale: Value | None = None
    previous_unit = False
    and_word = False  # a lone «و» token: «مليون و 500 ألف»
    for token in tokenize(text):
        if token.key == "و":
            and_word = True
            continue
        joined, and_word = and_word or token.key.startswith("و"), False
        if token.key.isdigit():
            found = ("digits", Decimal(token.key)) if joined and total is not None else None
        else:
            found = _arabic_word(token.key)
        if found is None or found[0] == "dual":
            if found is not None:
                values.add(found[1])  # ساعتين "two hours", هدفين "two goals" (or a plural)
            total = group = last_scale = None
            previous_unit = False
            continue
        kind, number = found
        if kind == "scale":
            if total is not None and last_scale is not None and number < last_scale:
                total += (group if group is not None else 1) * number  # مليون وخمسمئة ألف
            elif total is not None:
                total = (total + (group or 0)) * number  # ألف مليون
            else:
                total = (group if group is not None else 1) * number
            group, last_scale = None, number
        elif kind == "fraction":
            if joined and group is None and total is not None and last_scale is not None:
                total += number * _unit_of(last_scale)  # مليون ونصف
            elif joined:
                group = (group if group is not None else Decimal(1)) + number  # ساعة ونصف
            else:
                total, group, last_scale = None, number, None  # نصف مليون
            values.add(number)
        elif previous_unit and group is not None and group < 10 and number == 10:
            group += 10  # ثلاثة عشر، الحادي عشر
        elif joined and group is not None and (kind == "ten" or group >= 100):
            group += number  # خمسة وعشرون، مئة وخمسون
        elif joined and group is None and total is not None:
            group = number  # مليون وخمسمئة ألف, ألف وعشرون
        else:
            total, group, last_scale = None, number, None
        previous_unit = kind == "unit"
        values.add(_value((total or 0) + (group or 0)))
        values.add(_value(number))
    return values
