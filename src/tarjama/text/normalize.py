"""Arabic normalisation that never changes a word.

Arabic arrives from the web with invisible baggage: presentation-form glyphs copied out of PDFs,
tatweel stretching letters for layout, bidi marks and zero-width joiners from editors. None of it
is part of the words, all of it hurts a translation model (and exact-match lookups), so
:func:`normalize_arabic` removes it while leaving every letter of every word as it was.

:func:`normalize_for_match` goes further (alef variants, ta marbuta …); it changes spelling and
is only for building lookup keys, never for text a reader or an engine will see.
"""

from __future__ import annotations

import re
import unicodedata

from tarjama.text._chars import (
    ARABIC_DIGITS,
    BIDI_CONTROLS,
    PERSIAN_DIGITS,
    TATWEEL,
    ZERO_WIDTH,
)

__all__ = [
    "normalize_arabic",
    "normalize_for_match",
    "to_ascii_digits",
]

_PRESENTATION_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]")
_INVISIBLE_RE = re.compile(f"[{TATWEEL}{BIDI_CONTROLS}{ZERO_WIDTH}]")
#: Harakat (fathatan … sukun), the rarer vowel signs after them, and the superscript alef.
#: Hamza and madda marks (U+0653–0655) are not here: they are part of letters.
_DIACRITICS_RE = re.compile("[\u064b-\u0652\u0656-\u065e\u0670]")

_DIGITS_TABLE = str.maketrans(
    {
        **{d: str(i) for i, d in enumerate(ARABIC_DIGITS)},
        **{d: str(i) for i, d in enumerate(PERSIAN_DIGITS)},
        "\u066b": ".",  # ٫ Arabic decimal separator
        "\u066c": ",",  # ٬ Arabic thousands separator
        "\u066a": "%",  # ٪ Arabic percent sign
    }
)

_MATCH_TABLE = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",  # alef wasla
        "ى": "ي",
        "ی": "ي",  # Farsi yeh
        "ک": "ك",  # keheh
        "ة": "ه",
    }
)
_SPACES_RE = re.compile(r"\s+")


def _unpresent(match: re.Match[str]) -> str:
    """Map one presentation-form character to the letters it draws (ﻻ → لا)."""
    char = match.group()
    decomposed = unicodedata.normalize("NFKC", char)
    # Isolated harakat (U+FE70 …) decompose to "space + mark"; the space is not text.
    if len(decomposed) > 1 and decomposed[0] == " " and unicodedata.combining(decomposed[1]):
        decomposed = decomposed[1:]
    return decomposed


def normalize_arabic(text: str, *, strip_diacritics: bool = False) -> str:
    """Remove what is not part of any word: presentation forms, tatweel, bidi and zero-width.

    Presentation forms (U+FB50–FDFF, U+FE70–FEFE) become their base letters (NFKC applied to
    those characters only, so the ligature ﻻ becomes لا); the result is NFC so that the same
    word is always the same string. Harakat are kept unless ``strip_diacritics`` is set, because
    they are sometimes the only thing that tells two words apart. Idempotent.
    """
    text = _PRESENTATION_RE.sub(_unpresent, text)
    text = _INVISIBLE_RE.sub("", text)
    if strip_diacritics:
        text = _DIACRITICS_RE.sub("", text)
    return unicodedata.normalize("NFC", text)


def to_ascii_digits(text: str) -> str:
    """Write Arabic-Indic and Persian digits, ٫ ٬ and ٪ the ASCII way (٣٫٥٪ → 3.5%).

    Engines and number checks only need to understand one way of writing a number.
    """
    return text.translate(_DIGITS_TABLE)


def normalize_for_match(text: str) -> str:
    """A lossy key for lexicon and memory lookups; never show its result to anyone.

    On top of :func:`normalize_arabic` with diacritics stripped, it folds the spellings that
    writers mix freely: alef variants أ إ آ ٱ → ا, ى → ي, ة → ه, Persian ی/ک → ي/ك; digits
    become ASCII, Latin letters are case-folded and whitespace runs become one space.
    """
    text = normalize_arabic(text, strip_diacritics=True)
    text = to_ascii_digits(text).translate(_MATCH_TABLE).casefold()
    return _SPACES_RE.sub(" ", text).strip()
