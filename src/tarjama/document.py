"""Plain data passed between the stages: documents, blocks, segments, translations.

A news article is a document, not a bag of strings: readers cut it into blocks that remember
where they live, the segmenter cuts blocks into sentences that remember their offsets, and a
writer puts the English back in the same places. Everything here is frozen so stages cannot
quietly change what an earlier stage produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Block",
    "Document",
    "ProtectedSpan",
    "Segment",
    "Suggestion",
    "Translation",
]


@dataclass(frozen=True)
class Block:
    """One translatable unit of a document (paragraph, heading, HTML text node, JSON field …).

    ``locator`` is opaque to everyone but the format that made it: it is how the writer finds
    the place to put the English back.
    """

    id: str
    text: str
    kind: str = "paragraph"
    locator: Any = None
    protect: tuple[tuple[int, int], ...] = ()
    """Character ranges of ``text`` the format says must pass through untouched
    (Markdown inline code and link targets, for example)."""


@dataclass(frozen=True)
class Document:
    """A parsed input: its blocks in reading order plus what the writer needs to rebuild it."""

    blocks: tuple[Block, ...]
    format: str
    original: str = ""
    name: str | None = None
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def block(self, block_id: str) -> Block:
        for block in self.blocks:
            if block.id == block_id:
                return block
        raise KeyError(block_id)


@dataclass(frozen=True)
class ProtectedSpan:
    """A piece of the source that must reach the English unchanged (URL, number, handle …).

    ``start``/``end`` are offsets into the segment's source text; ``placeholder`` is what the
    engine sees in its place (empty when the engine is given the text verbatim). ``target`` is
    set on names the engine is given already in English (an Arabic name replaced by its
    canonical form from the lexicon or a glossary): that English is what the output must hold.
    """

    start: int
    end: int
    text: str
    kind: str
    placeholder: str = ""
    target: str = ""


@dataclass(frozen=True)
class Segment:
    """One sentence of one block, with offsets back into the block's text."""

    id: str
    block_id: str
    index: int
    source: str
    start: int
    end: int
    spans: tuple[ProtectedSpan, ...] = ()
    masked: str | None = None

    @property
    def engine_text(self) -> str:
        """What the engine should translate: the masked text where spans were replaced."""
        return self.masked if self.masked is not None else self.source


@dataclass(frozen=True)
class Suggestion:
    """A fuzzy match from the translation memory, shown to a person beside the sentence as CAT
    tools show them: the stored source and English, how alike the sources are (0–100) and
    whose English it is (``human`` or ``engine``)."""

    source: str
    target: str
    score: int
    origin: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "score": self.score,
            "origin": self.origin,
        }


@dataclass(frozen=True)
class Translation:
    """The English for one segment and where it came from (provenance travels with results)."""

    segment_id: str
    source: str
    target: str
    engine: str
    model: str
    score: float | None = None
    flags: tuple[str, ...] = ()
    start: int = 0
    end: int = 0
    block_id: str = ""
    suggestions: tuple[Suggestion, ...] = ()
    """Memory matches at or above the fuzzy threshold, best first (see
    :mod:`tarjama.retrieval`); empty when no memory was used."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.segment_id,
            "block": self.block_id,
            "source": self.source,
            "target": self.target,
            "start": self.start,
            "end": self.end,
            "score": self.score,
            "engine": self.engine,
            "model": self.model,
            "flags": list(self.flags),
            "suggestions": [suggestion.to_dict() for suggestion in self.suggestions],
        }
