"""Plain text: one block per paragraph, paragraphs separated by blank lines.

The whitespace around and between paragraphs (blank lines, indentation, CRLF endings) stays in
the original and is never part of a block, so the English lands between the same separators.
A paragraph may hold single line breaks; they stay in the block text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from tarjama.document import Block, Document
from tarjama.formats.base import FormatSpec, one_paragraph, splice

__all__ = ["FORMAT", "read_text", "render_text"]

# A line break followed by one or more lines holding only spaces/tabs, then a line break:
# that is a paragraph separator.
_SEPARATOR = re.compile(r"(?:\r\n|\r|\n)(?:[^\S\r\n]*(?:\r\n|\r|\n))+")


def read_text(text: str, name: str | None = None, fields: Sequence[str] = ()) -> Document:
    """Cut ``text`` into paragraph blocks ``p1``, ``p2`` … with their (start, end) offsets."""
    blocks: list[Block] = []
    pos = 0
    bounds = [(m.start(), m.end()) for m in _SEPARATOR.finditer(text)]
    bounds.append((len(text), len(text)))
    for sep_start, sep_end in bounds:
        chunk = text[pos:sep_start]
        stripped = chunk.strip()
        if stripped:
            start = pos + (len(chunk) - len(chunk.lstrip()))
            end = start + len(stripped)
            blocks.append(
                Block(
                    id=f"p{len(blocks) + 1}", text=stripped, kind="paragraph", locator=(start, end)
                )
            )
        pos = sep_end
    return Document(blocks=tuple(blocks), format="text", original=text, name=name)


def render_text(document: Document, targets: Mapping[str, str]) -> str:
    """Put each paragraph's English where the Arabic was; separators stay as they were."""
    replacements = []
    for block in document.blocks:
        target = targets.get(block.id)
        if target is None or target == block.text:
            continue
        start, end = block.locator
        replacements.append((start, end, one_paragraph(target)))
    return splice(document.original, replacements)


def _sniff(text: str) -> bool:
    return True


FORMAT = FormatSpec(
    name="text",
    extensions=(".txt", ".text"),
    read=read_text,
    render=render_text,
    sniff=_sniff,
    description="plain text, paragraphs separated by blank lines",
)
