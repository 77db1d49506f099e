"""The only place that knows the order of the stages.

read → segment → protect → translate → restore → check → render

The CLI, the server and batch jobs all come through :func:`translate_document`, so a document
is translated the same way whichever door it came in by.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from tarjama.checks import flag_codes, repair
from tarjama.document import Document, Segment, Translation
from tarjama.engines.base import Engine, Hypothesis, TranslationContext
from tarjama.formats import render_document
from tarjama.terms import Lexicon
from tarjama.text import (
    has_arabic,
    mask,
    postedit_english,
    restore,
    segment_block,
    unkept_spans,
)

__all__ = ["TranslatedDocument", "segment_document", "translate_document"]

logger = logging.getLogger(__name__)

# What each engine is shown as a placeholder instead of verbatim. Sentence models (Marian,
# NLLB) garble URLs and handles but copy digits and names well enough; chat models copy
# nearly everything, so they only get placeholders for what a format insists on.
_MASKED_KINDS: dict[str, frozenset[str]] = {
    "ctranslate2": frozenset({"url", "email", "handle", "hashtag", "format"}),
}
_DEFAULT_MASKED = frozenset({"url", "email", "format"})
# Chat models are told the canonical English of the names found in what they translate.
_HINTED_ENGINES = frozenset({"llama", "openai"})
# What the engine saw verbatim and must still be in the English: a number, handle or hashtag it
# dropped is appended, as a dropped placeholder is. (Latin names may be legitimately respelled.)
_CHECKED_KINDS = frozenset({"number", "handle", "hashtag"})


@dataclass(frozen=True)
class TranslatedDocument:
    """A translated document: its segments' translations, the rendered English, and warnings."""

    document: Document
    translations: tuple[Translation, ...]
    output: str
    warnings: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def text(self) -> str:
        return self.output

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.document.format,
            "name": self.document.name,
            "output": self.output,
            "warnings": list(self.warnings),
            # the text segment offsets point into, so --json users can map them back
            "blocks": [{"id": b.id, "kind": b.kind, "text": b.text} for b in self.document.blocks],
            "segments": [t.to_dict() for t in self.translations],
        }


def segment_document(document: Document, engine_name: str = "") -> list[Segment]:
    """Cut every block into sentences and hide from the engine what must pass through."""
    kinds = _MASKED_KINDS.get(engine_name, _DEFAULT_MASKED)
    segments: list[Segment] = []
    for block in document.blocks:
        for segment in segment_block(block):
            masked, spans = mask(segment.source, segment.spans, kinds=kinds)
            segments.append(replace(segment, spans=spans, masked=masked))
    return segments


def translate_document(
    document: Document,
    engine: Engine,
    *,
    context: TranslationContext | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> TranslatedDocument:
    """Translate ``document`` with ``engine`` and render the English in the document's shape."""
    segments = segment_document(document, engine.name)
    warnings: list[str] = []
    todo = [s for s in segments if has_arabic(s.source)]
    if segments and not todo:
        warnings.append("no Arabic text found; the input was passed through unchanged")
    if on_progress is not None:
        on_progress(len(segments) - len(todo))
    base = context or TranslationContext()
    ctx = replace(base, on_progress=on_progress) if on_progress is not None else base
    lexicon = _builtin_lexicon() if todo else None
    if lexicon is not None and engine.name in _HINTED_ENGINES:
        ctx = replace(ctx, hints=tuple(dict.fromkeys((*ctx.hints, *_lexicon_hints(todo, lexicon)))))
    hypotheses = dict(zip((s.id for s in todo), engine.translate(todo, ctx), strict=True))
    translations = [
        _finish(segment, hypotheses.get(segment.id), engine, lexicon) for segment in segments
    ]
    output = render_document(document, _block_targets(document, segments, translations))
    return TranslatedDocument(document, tuple(translations), output, tuple(warnings))


def _finish(
    segment: Segment, hyp: Hypothesis | None, engine: Engine, lexicon: Lexicon | None
) -> Translation:
    """restore → post-edit → repair → check, for one segment."""
    if hyp is None:  # nothing to translate: passed through as it is
        return Translation(
            segment.id, segment.source, segment.source, "passthrough", "",
            None, (), segment.start, segment.end, segment.block_id,
        )  # fmt: skip
    target, missing = restore(hyp.text, segment.spans)
    visible = [span for span in segment.spans if not span.placeholder]
    dropped = unkept_spans(target, visible, kinds=_CHECKED_KINDS)
    if dropped:  # numbers, handles, hashtags the engine lost: appended, never silently gone
        target = " ".join([target.rstrip(), *(f"({span.text})" for span in dropped)]).strip()
    target = postedit_english(target)
    target, _repairs = repair(segment.source, target, lexicon=lexicon)
    flags = list(hyp.flags)
    if missing or dropped:
        flags.append("protected_span_missing")
    # Protected numbers stay visible to the number checks; other kept spans (an Arabic
    # #hashtag put back on purpose) are no untranslated Arabic.
    kept = [span.text for span in segment.spans if span.kind != "number"]
    flags += flag_codes(segment.source, target, lexicon=lexicon, kept=kept, score=hyp.score)
    return Translation(
        segment.id, segment.source, target, engine.name, engine.model_id,
        hyp.score, tuple(dict.fromkeys(flags)), segment.start, segment.end, segment.block_id,
    )  # fmt: skip


def _lexicon_hints(segments: Sequence[Segment], lexicon: Lexicon) -> list[tuple[str, str]]:
    """(Arabic as written, canonical English) for every certain lexicon entity in the text."""
    return [
        (match.surface, match.entity.english)
        for segment in segments
        for match in lexicon.find(segment.source)
        if lexicon.certain(match)
    ]


@lru_cache(maxsize=1)
def _builtin_lexicon() -> Lexicon:
    """The news lexicon, loaded once per process (about half a second)."""
    return Lexicon.load_builtin()


def _block_targets(
    document: Document, segments: Sequence[Segment], translations: Sequence[Translation]
) -> dict[str, str]:
    """Join each block's sentences back, keeping the source's line breaks between them."""
    by_block: dict[str, list[tuple[Segment, Translation]]] = {}
    for segment, translation in zip(segments, translations, strict=True):
        by_block.setdefault(segment.block_id, []).append((segment, translation))
    targets: dict[str, str] = {}
    for block in document.blocks:
        pairs = by_block.get(block.id)
        if not pairs:
            continue
        parts: list[str] = []
        for i, (segment, translation) in enumerate(pairs):
            if i:
                gap = block.text[pairs[i - 1][0].end : segment.start]
                parts.append("\n" * gap.count("\n") if "\n" in gap else " ")
            parts.append(translation.target)
        lead = block.text[: pairs[0][0].start]
        trail = block.text[pairs[-1][0].end :]
        targets[block.id] = _edge(lead) + "".join(parts) + _edge(trail)
    return targets


def _edge(whitespace: str) -> str:
    """Leading/trailing whitespace of a block survives (HTML text nodes depend on it)."""
    return whitespace if not whitespace.strip() else ""
