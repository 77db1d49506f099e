"""Stand-in translations for render tests."""

from __future__ import annotations

from tarjama.document import Document


def english(document: Document) -> dict[str, str]:
    """Every block prefixed with ``EN:``: visibly changed, still traceable to its source."""
    return {block.id: "EN:" + block.text for block in document.blocks}


def identity(document: Document) -> dict[str, str]:
    """Every block mapped to its own text: a render must give back the original."""
    return {block.id: block.text for block in document.blocks}
