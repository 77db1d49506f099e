"""Character classes and small patterns shared by the ``text`` modules.

Kept in one place so that segmentation, protection and post-editing agree on what a digit, an
Arabic letter or a URL is. Private: nothing outside ``tarjama.text`` should import it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator

__all__ = [
    "ARABIC_DIGITS",
    "ARABIC_LETTER",
    "ARABIC_LETTER_RE",
    "ARABIC_MARK",
    "BIDI_CONTROLS",
    "DIGIT",
    "EMAIL_RE",
    "LATIN_LETTER",
    "LATIN_LETTER_RE",
    "PERSIAN_DIGITS",
    "TATWEEL",
    "URL_RE",
    "ZERO_WIDTH",
    "Intervals",
    "url_and_email_ranges",
]

#: Arabic-Indic (U+0660–0669) and Extended Arabic-Indic / Persian (U+06F0–06F9) digits.
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
#: Every digit we treat as a digit, for use inside ``[...]``.
DIGIT = "0-9" + "\u0660-\u0669" + "\u06f0-\u06f9"

#: Arabic-script letters (base, supplement, extended-A, presentation forms) without the
#: Arabic punctuation, digits and marks that share those blocks. For use inside ``[...]``.
ARABIC_LETTER = (
    "\u0620-\u063f\u0641-\u064a"  # hamza-seat letters … yeh, without tatweel (U+0640)
    "\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff"
    "\u0750-\u077f\u08a0-\u08c9"
    # Presentation forms that draw letters: not the isolated or medial harakat (U+FE70–FE7F)
    # and ligatures of harakat alone (U+FC5E–FC63, FCF2–FCF4), which normalise to marks;
    # the rial sign ﷼ (U+FDFC) normalises to the letters ریال.
    "\ufb50-\ufbb1\ufbd3-\ufc5d\ufc64-\ufcf1\ufcf5-\ufd3d\ufd50-\ufdc7\ufdf0-\ufdfc"
    "\ufe80-\ufefc"
)
#: Combining Arabic marks (harakat, Quranic marks) and tatweel: they live inside words.
ARABIC_MARK = "\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
#: Latin letters including the accented ranges (Õ, é, ł …).
LATIN_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"

#: Invisible directional controls: LRM, RLM, embeddings/overrides, isolates, Arabic letter mark.
BIDI_CONTROLS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
#: Zero-width characters that carry no text: ZWSP, ZWNJ, ZWJ, BOM/ZWNBSP, word joiner.
ZERO_WIDTH = "\u200b\u200c\u200d\ufeff\u2060"
TATWEEL = "\u0640"

ARABIC_LETTER_RE = re.compile(f"[{ARABIC_LETTER}]")
LATIN_LETTER_RE = re.compile(f"[{LATIN_LETTER}]")

_URL_TAIL = r"[^\s<>\"«»“”،؛]*[^\s<>\"«»“”،؛.,:;!?'’)\]}؟…]"
_TLDS = (
    "com|org|net|edu|gov|int|mil|info|io|co|ai|app|dev|news|tv|me|ly|uk|us|eu|de|fr|ru|cn|"
    "sa|ae|eg|qa|kw|bh|om|jo|lb|sy|iq|ps|ye|ma|dz|tn|sd|tr|ir|il"
)
#: Absolute URLs (scheme or ``www.``) and bare domains with a well-known TLD.
URL_RE = re.compile(
    rf"(?:(?i:https?|ftp)://|(?i:www)\.){_URL_TAIL}"
    rf"|(?<![\w@.\-])[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
    rf"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.(?:{_TLDS})(?![A-Za-z0-9\-])"
    rf"(?:/{_URL_TAIL}|/)?"
)
EMAIL_RE = re.compile(
    r"(?<![\w.+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+"
)


def url_and_email_ranges(text: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping character ranges of URLs and e-mail addresses in ``text``."""
    found = sorted(
        [m.span() for m in URL_RE.finditer(text)] + [m.span() for m in EMAIL_RE.finditer(text)]
    )
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


class Intervals:
    """Disjoint half-open ``[start, end)`` intervals, sorted, queried by bisection.

    Keeps span resolution and "is this position protected?" linear-ish on long texts.
    """

    def __init__(self, ranges: Iterable[tuple[int, int]] = ()) -> None:
        """Merge ``ranges`` (overlapping or touching ones become one interval; empty ones go)."""
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in sorted(r for r in ranges if r[0] < r[1]):
            if self._ends and start <= self._ends[-1]:
                self._ends[-1] = max(end, self._ends[-1])
            else:
                self._starts.append(start)
                self._ends.append(end)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` shares a position with any interval."""
        i = bisect_right(self._ends, start)
        return i < len(self._starts) and self._starts[i] < end

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self._starts, self._ends, strict=True)

    def __contains__(self, pos: int) -> bool:
        return self.overlaps(pos, pos + 1)

    def add(self, start: int, end: int) -> None:
        """Insert an interval that overlaps none of the others."""
        i = bisect_right(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)
