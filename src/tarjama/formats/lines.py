"""Lines: one block per line, for sentence-aligned corpora (evaluation sets, subtitles …).

Every line is a block, blank ones included (with empty text), so block ``l<n>`` is always line
``n`` and the English stays aligned with its source line by line. Only chosen explicitly
(``format="lines"``); never detected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from tarjama.document import Block, Document
from tarjama.formats.base import FormatSpec, splice

__all__ = ["FORMAT", "read_lines", "render_lines"]

_BREAK = re.compile(r"[\r\n]")


def read_lines(text: str, name: str | None = None, fields: Sequence[str] = ()) -> Document:
    """Blocks ``l1``, ``l2`` … one per line; a final line break does not start a new line."""
    blocks: list[Block] = []
    pos = 0
    while pos < len(text) or not blocks:
        found = _BREAK.search(text, pos)
        end = found.start() if found else len(text)
        line = text[pos:end]
        stripped = line.strip()
        start = pos + (len(line) - len(line.lstrip()))
        blocks.append(
            Block(
                id=f"l{len(blocks) + 1}",
                text=stripped,
                kind="line",
                locator=(start, start + len(stripped)),
            )
        )
        if end >= len(text):
            break
        pos = end + (2 if text.startswith("\r\n", end) else 1)
    return Document(blocks=tuple(blocks), format="lines", original=text, name=name)


def render_lines(document: Document, targets: Mapping[str, str]) -> str:
    """Each line's English on that line (line breaks in a translation become spaces)."""
    replacements = []
    for block in document.blocks:
        target = targets.get(block.id)
        if target is None or target == block.text:
            continue
        start, end = block.locator
        replacements.append((start, end, " ".join(target.split())))
    return splice(document.original, replacements)


def _sniff(text: str) -> bool:
    return False


FORMAT = FormatSpec(
    name="lines",
    extensions=(),
    read=read_lines,
    render=render_lines,
    sniff=_sniff,
    description="one block per line (aligned corpora); never auto-detected",
)
