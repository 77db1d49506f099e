"""Length: an English far shorter or longer than the Arabic has usually lost or invented text.

English written from Arabic is longer in characters (Arabic omits short vowels and joins
articles and prepositions to words). On the 997 FLORES-200 dev pairs (references as
targets) the English/Arabic character ratio has a median of 1.15, a 0.5th percentile of
0.741 and a 99.5th of 1.769: that is the normal band, :data:`RATIO_BAND`. Short segments
(headlines, datelines) swing more, so a fixed allowance of :data:`LENGTH_SLACK` characters is added
on both sides; with it no FLORES dev reference falls outside, and 0.9 % of TICO-19 test and
0.8 % of UN dev references do (other domains). The check is meant for truncated or looping
output (a 1.5B model's 2.1× "July 7, 1812" sentence, a 0.56× half-sentence), not for
style.
"""

from __future__ import annotations

from tarjama.checks._flag import LENGTH_RATIO, Flag

__all__ = ["LENGTH_SLACK", "RATIO_BAND", "check_length", "length_ratio"]

#: English/Arabic character ratio band: FLORES-200 dev 0.5th and 99.5th percentiles.
RATIO_BAND = (0.74, 1.77)
#: Characters allowed beyond the band on either side, for short segments.
LENGTH_SLACK = 10


def length_ratio(source: str, target: str) -> float | None:
    """English/Arabic character-length ratio (surrounding whitespace ignored)."""
    source_length = len(source.strip())
    return len(target.strip()) / source_length if source_length else None


def check_length(source: str, target: str) -> Flag | None:
    """``length_ratio``: the English is outside the normal band for this source's length."""
    source_length, target_length = len(source.strip()), len(target.strip())
    if not source_length or not target_length:
        return None  # empty output is the ``empty`` flag's business
    low, high = RATIO_BAND
    if low * source_length - LENGTH_SLACK <= target_length <= high * source_length + LENGTH_SLACK:
        return None
    ratio = target_length / source_length
    side = "short" if ratio < low else "long"
    return Flag(
        LENGTH_RATIO,
        f"English {ratio:.2f}× the Arabic's length (too {side}; normal {low}–{high})",
        (f"{ratio:.2f}",),
    )
