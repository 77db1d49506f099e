"""Text utilities for Arabic→English news: pure functions, no I/O.

Normalisation (:mod:`.normalize`), sentence segmentation (:mod:`.segment`), protected spans
(:mod:`.protect`), English post-editing (:mod:`.english`) and script detection
(:mod:`.detect`). Nothing here imports any other part of tarjama except ``tarjama.document``.
"""

from __future__ import annotations

from tarjama.text.detect import arabic_ratio, has_arabic, looks_english
from tarjama.text.english import postedit_english
from tarjama.text.normalize import normalize_arabic, normalize_for_match, to_ascii_digits
from tarjama.text.protect import (
    DEFAULT_MASK_KINDS,
    DEFAULT_PLACEHOLDER,
    SPAN_KINDS,
    find_spans,
    mask,
    restore,
    unkept_spans,
)
from tarjama.text.segment import segment_block, split_sentences, split_to_fit

__all__ = [
    "DEFAULT_MASK_KINDS",
    "DEFAULT_PLACEHOLDER",
    "SPAN_KINDS",
    "arabic_ratio",
    "find_spans",
    "has_arabic",
    "looks_english",
    "mask",
    "normalize_arabic",
    "normalize_for_match",
    "postedit_english",
    "restore",
    "segment_block",
    "split_sentences",
    "split_to_fit",
    "to_ascii_digits",
    "unkept_spans",
]
