"""What every format module shares: the format record, Arabic detection and splicing.

A format is a reader (text → :class:`~tarjama.document.Document`) and a renderer (document +
English per block → text). Renderers never rebuild a file from a tree: they splice the English
into the original text at the ranges the reader recorded, so everything else survives byte for
byte.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from tarjama.document import Document

__all__ = [
    "ARABIC_LETTER",
    "FormatSpec",
    "Reader",
    "Renderer",
    "has_arabic",
    "one_paragraph",
    "splice",
]

Reader = Callable[[str, "str | None", Sequence[str]], Document]
"""``read(text, name, fields)``: parse ``text`` into a document."""

Renderer = Callable[[Document, Mapping[str, str]], str]
"""``render(document, targets)``: the original text with each block's English put back."""

ARABIC_LETTER = re.compile(
    "[\u0620-\u063f\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc"
    "\u06ff\u0750-\u077f\u08a0-\u08c9"
    "\ufb50-\ufbb1\ufbd3-\ufc5d\ufc64-\ufcf1\ufcf5-\ufd3d\ufd50-\ufdc7\ufdf0-\ufdfc"
    "\ufe80-\ufefc]"
)
"""One Arabic-script letter (not a digit, diacritic, tatweel or punctuation mark, nor a
presentation form of one): the same letters as ``tarjama.text``'s, which formats cannot import."""


def has_arabic(text: str) -> bool:
    """True when ``text`` holds at least one Arabic letter: only those are worth translating."""
    return ARABIC_LETTER.search(text) is not None


@dataclass(frozen=True)
class FormatSpec:
    """One input format: how to recognise it, read it and write it back.

    ``sniff`` decides from content alone (used when the file name does not settle it);
    ``takes_fields`` says whether the ``fields`` option means anything to this format.
    """

    name: str
    extensions: tuple[str, ...]
    read: Reader
    render: Renderer
    sniff: Callable[[str], bool]
    description: str = ""
    takes_fields: bool = False


def splice(original: str, replacements: Iterable[tuple[int, int, str]]) -> str:
    """Replace ``original[start:end]`` by each new text; ranges must not overlap.

    Everything outside the ranges is copied as is, which is what makes identity renders exact.
    """
    pieces: list[str] = []
    pos = 0
    for start, end, new in sorted(replacements, key=lambda r: (r[0], r[1])):
        if start < pos:
            raise ValueError(f"overlapping replacement at {start}")
        pieces.append(original[pos:start])
        pieces.append(new)
        pos = end
    pieces.append(original[pos:])
    return "".join(pieces)


_BLANK_LINES = re.compile(r"(?:\r\n|\r|\n)[^\S\r\n]*(?:(?:\r\n|\r|\n)[^\S\r\n]*)+")


def one_paragraph(text: str) -> str:
    """Trim ``text`` and fold blank lines inside it into single line breaks.

    A translation that grew a blank line would otherwise split one block into two and change
    the document's structure on the next read.
    """
    return _BLANK_LINES.sub("\n", text.strip())
