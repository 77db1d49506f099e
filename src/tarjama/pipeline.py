"""The only place that knows the order of the stages.

read → segment → protect → translate → restore → check → render

The CLI, the server and batch jobs all come through :func:`translate_documents` (one document:
:func:`translate_document`), so a document is translated the same way whichever door it came in
by, alone or with a corpus batch. What differs between engines (what to
hide from them, what to tell them, how long a segment they can take) each engine declares in its
:class:`~tarjama.engines.base.Capabilities`; nothing here knows an engine by name.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from tarjama.checks import FACT_FLAGS, flag_codes, repair
from tarjama.document import Document, ProtectedSpan, Segment, Translation
from tarjama.engines.base import Engine, TranslationContext, capabilities_of, memory_model
from tarjama.engines.fitting import Part, join_parts, translate_fitted
from tarjama.formats import render_document, render_document_bytes
from tarjama.memory import Hit, hit_translation, memory_recipe
from tarjama.terms import Lexicon, date_hints
from tarjama.text import (
    has_arabic,
    mask,
    postedit_english,
    segment_block,
    unkept_spans,
)

if TYPE_CHECKING:
    from tarjama.memory import TranslationMemory
    from tarjama.retrieval import Retriever
    from tarjama.terms import Glossary

__all__ = [
    "TranslatedDocument",
    "block_targets",
    "name_spans",
    "segment_document",
    "translate_document",
    "translate_documents",
]

logger = logging.getLogger(__name__)

# The flags that say a fact is wrong: asked again (second opinion), never served from memory.
_FACT_FLAGS = FACT_FLAGS
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
    output_bytes: bytes = field(default=b"", repr=False)
    """The English as a file: a ``.docx`` for a Word document, else ``output`` in UTF-8.
    (For a Word document ``output`` is its English paragraphs as plain text.)"""

    @property
    def text(self) -> str:
        return self.output

    def block_targets(self) -> dict[str, str]:
        """Each block's English: its sentences joined as the source joined them."""
        return block_targets(self.document, self.translations)

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


def segment_document(
    document: Document, engine: Engine | str = "", lexicon: Lexicon | None = None
) -> list[Segment]:
    """Cut every block into sentences and hide from the engine what must pass through.

    ``engine`` (an open engine or a registered name) says what to hide, by its capabilities.
    With a ``lexicon``, an engine that wants names in English sees each name it is sure of in
    its canonical English instead of the Arabic (see :func:`name_spans`).
    """
    capabilities = capabilities_of(engine)
    kinds = capabilities.masked_kinds
    names = lexicon is not None and capabilities.names_in_english
    segments: list[Segment] = []
    for block in document.blocks:
        for segment in segment_block(block):
            spans = segment.spans
            if names:
                spans = _merge_spans(spans, name_spans(segment.source, lexicon))  # type: ignore[arg-type]
            masked, spans = mask(segment.source, spans, kinds=kinds | {"name"})
            segments.append(replace(segment, spans=spans, masked=masked))
    return segments


def name_spans(text: str, lexicon: Lexicon) -> list[ProtectedSpan]:
    """The names in ``text`` the lexicon is sure of, as spans to give the engine in English.

    Sentence models (Marian, NLLB) copy Latin-script words through far more reliably than they
    transliterate a name they barely saw in training, and unlike a placeholder the English name
    keeps the sentence readable to them. The clitics stay Arabic (و، ب، ال …) so the grammar
    around the name is intact. Nisba adjectives and ambiguous spellings are left to the model.
    """
    spans: list[ProtectedSpan] = []
    for match in lexicon.find(text):
        if lexicon.certain(match) and match.entity.english:
            surface = text[match.start : match.end]
            spans.append(
                ProtectedSpan(match.start, match.end, surface, "name", target=match.entity.english)
            )
    return spans


def _merge_spans(
    spans: Sequence[ProtectedSpan], extra: Sequence[ProtectedSpan]
) -> tuple[ProtectedSpan, ...]:
    """``spans`` plus those of ``extra`` that overlap none of them (the first set wins)."""
    taken = [(s.start, s.end) for s in spans]
    kept = [e for e in extra if all(e.end <= a or e.start >= b for a, b in taken)]
    return tuple(sorted((*spans, *kept), key=lambda span: span.start))


def translate_document(
    document: Document,
    engine: Engine,
    *,
    context: TranslationContext | None = None,
    on_progress: Callable[[int], None] | None = None,
    glossary: Glossary | None = None,
    memory: TranslationMemory | None = None,
    retriever: Retriever | None = None,
) -> TranslatedDocument:
    """Translate ``document`` with ``engine`` and render the English in the document's shape.

    ``glossary`` entries win over the built-in lexicon everywhere names are handled (engine
    hints, names given in English, checks, repair). With a ``memory``, a segment it already
    holds for this model and glossary version is taken from it and never reaches the engine;
    what the engine makes is stored back. A ``retriever`` shows a chat engine examples like
    each paragraph and attaches the memory's fuzzy matches to each sentence as suggestions.
    The one-document case of :func:`translate_documents`.
    """
    (translated,) = translate_documents(
        [document],
        engine,
        context=context,
        on_progress=on_progress,
        glossary=glossary,
        memory=memory,
        retriever=retriever,
    )
    return translated


def translate_documents(
    documents: Sequence[Document],
    engine: Engine,
    *,
    context: TranslationContext | None = None,
    on_progress: Callable[[int], None] | None = None,
    glossary: Glossary | None = None,
    memory: TranslationMemory | None = None,
    retriever: Retriever | None = None,
) -> list[TranslatedDocument]:
    """Translate ``documents`` as :func:`translate_document` would, one result each, in order.

    A sentence engine (``capabilities.batchable``) gets the fresh segments of all of them in
    one call, which it sorts by length and cuts into token-budget batches: a corpus of short
    articles fills batches that one article alone cannot, with the same English. The memory is
    asked once and written once. A chat engine's context is the document, so it gets one document
    after another, each finished (and stored) before the next. ``on_progress`` counts segments
    of all the documents. Any failure raises for the whole call; a caller that must keep the
    other documents (a corpus job) tries them one by one then.
    """
    if not capabilities_of(engine).batchable:
        return [
            translated
            for document in documents
            for translated in _translate_together(
                [document], engine, context, on_progress, glossary, memory, retriever
            )
        ]
    return _translate_together(documents, engine, context, on_progress, glossary, memory, retriever)


@dataclass
class _Plan:
    """One document on its way through the stages."""

    document: Document
    segments: list[Segment]
    todo: list[Segment]
    """the segments with Arabic in them"""
    warnings: list[str]
    fresh: list[Segment] = field(default_factory=list)
    """the segments the memory could not answer: the engine's"""
    context: TranslationContext = field(default_factory=TranslationContext)
    answered: dict[str, list[Part]] = field(default_factory=dict)
    engine_seconds: float = 0.0


def _plan(document: Document, engine: Engine, lexicon: Lexicon) -> _Plan:
    """segment → protect, and what is Arabic enough to translate."""
    segments = segment_document(document, engine, lexicon)
    todo = [s for s in segments if has_arabic(s.source)]
    warnings: list[str] = list(document.meta.get("warnings", ()))  # what the reader repaired
    if segments and not todo:
        warnings.append("no Arabic text found; the input was passed through unchanged")
    return _Plan(document, segments, todo, warnings)


def _translate_together(
    documents: Sequence[Document],
    engine: Engine,
    context: TranslationContext | None,
    on_progress: Callable[[int], None] | None,
    glossary: Glossary | None,
    memory: TranslationMemory | None,
    retriever: Retriever | None = None,
) -> list[TranslatedDocument]:
    """``documents`` through the stages side by side: one memory lookup, one engine call per
    distinct context (one in all, unless the engine is told each document's names), one store.
    """
    lexicon = _lexicon(glossary)
    capabilities = capabilities_of(engine)
    plans = [_plan(document, engine, lexicon) for document in documents]
    version = glossary.version if glossary is not None else ""
    who = memory_model(engine)
    recipe = memory_recipe(engine) if memory is not None else ""
    hits = (
        memory.lookup_many([s.source for p in plans for s in p.todo], who, version, recipe=recipe)
        if memory is not None
        else {}
    )
    base = context or TranslationContext()
    base = replace(base, on_progress=on_progress) if on_progress is not None else base
    if retriever is not None and capabilities.name_hints and base.retrieve is None:
        base = replace(base, retrieve=retriever.examples)  # chat engines imitate examples
    for plan in plans:
        plan.fresh = [s for s in plan.todo if s.source not in hits]
        plan.context = base
        if plan.fresh and capabilities.name_hints:
            hints = (*base.hints, *_hints(plan.fresh, lexicon))
            plan.context = replace(base, hints=tuple(dict.fromkeys(hints)))
    if on_progress is not None:
        on_progress(sum(len(p.segments) - len(p.fresh) for p in plans))
    _ask_engine(plans, engine)
    terms = glossary.as_mapping() if glossary is not None else None
    made: list[Translation] = []
    results: list[TranslatedDocument] = []
    for plan in plans:
        translations = [
            _from_memory(segment, hits[segment.source], engine)
            if segment.source in hits
            else _finish(segment, plan.answered.get(segment.id), engine, lexicon, terms)
            for segment in plan.segments
        ]
        if capabilities.second_opinion:
            translations, again_seconds = _second_opinion(
                plan.segments, translations, engine, plan.context, lexicon, terms
            )
            plan.engine_seconds += again_seconds
        if retriever is not None:  # before the store: a sentence is no suggestion for itself
            translations = retriever.attach(translations)
        made += [replace(t, model=who) for t in translations if t.segment_id in plan.answered]
        results.append(_result(plan, translations, hits, version))
    if memory is not None and made:
        memory.store_translations(made, version, recipe)
    return results


def _ask_engine(plans: Sequence[_Plan], engine: Engine) -> None:
    """The engine's answers for every plan's fresh segments, one call per distinct context;
    each plan is charged the call's seconds in proportion to its share of the segments."""
    calls: dict[TranslationContext, list[int]] = {}
    for index, plan in enumerate(plans):
        if plan.fresh:
            calls.setdefault(plan.context, []).append(index)
    for ctx, indices in calls.items():
        # Segment ids are unique within a document only: tagged with the document's place.
        owners = {f"{i}/{s.id}": (i, s.id) for i in indices for s in plans[i].fresh}
        tagged = [replace(s, id=f"{i}/{s.id}") for i in indices for s in plans[i].fresh]
        answered, seconds = _timed_translate(engine, tagged, ctx)
        for tag, parts in answered.items():
            i, segment_id = owners[tag]
            plans[i].answered[segment_id] = parts
        for i in indices:
            plans[i].engine_seconds += seconds * len(plans[i].fresh) / len(tagged)


def _result(
    plan: _Plan, translations: list[Translation], hits: Mapping[str, Hit], version: str
) -> TranslatedDocument:
    """check → render: the document's English in its own shape, with what it cost."""
    document = plan.document
    output, output_bytes = _render(document, block_targets(document, translations))
    meta = {
        "cache_hits": sum(1 for s in plan.todo if s.source in hits),
        "engine_segments": len(plan.fresh),
        "engine_seconds": plan.engine_seconds,
        "glossary_version": version,
    }
    return TranslatedDocument(
        document, tuple(translations), output, tuple(plan.warnings), meta, output_bytes
    )


def _finish(
    segment: Segment,
    answered: Sequence[Part] | None,
    engine: Engine,
    lexicon: Lexicon,
    glossary: Mapping[str, str] | None,
) -> Translation:
    """restore → join → post-edit → repair → check, for one segment."""
    if not answered:  # nothing to translate: passed through as it is
        return Translation(
            segment.id, segment.source, segment.source, "passthrough", "",
            None, (), segment.start, segment.end, segment.block_id,
        )  # fmt: skip
    target, missing, hyp = join_parts(answered)
    visible = [span for span in segment.spans if not span.placeholder]
    dropped = unkept_spans(target, visible, kinds=_CHECKED_KINDS)
    if dropped:  # numbers, handles, hashtags the engine lost: appended, never silently gone
        target = " ".join([target.rstrip(), *(f"({span.text})" for span in dropped)]).strip()
    target = postedit_english(target)
    target, _repairs = repair(segment.source, target, lexicon=lexicon, glossary=glossary)
    flags = list(hyp.flags)
    if missing or dropped:
        flags.append("protected_span_missing")
    # Protected numbers stay visible to the number checks; other kept spans (an Arabic
    # #hashtag put back on purpose) are no untranslated Arabic.
    # Names given in English are checked like any other name, not excused as kept text.
    kept = [span.text for span in segment.spans if span.kind not in ("number", "name")]
    flags += flag_codes(
        segment.source, target, lexicon=lexicon, glossary=glossary, kept=kept, score=hyp.score
    )
    return Translation(
        segment.id, segment.source, target, engine.name, engine.model_id,
        hyp.score, tuple(dict.fromkeys(flags)), segment.start, segment.end, segment.block_id,
    )  # fmt: skip


def _from_memory(segment: Segment, hit: Hit, engine: Engine) -> Translation:
    """A memory hit as a translation: ``model`` names the model (or ``human``), not the
    memory's key, which also carries decoding options."""
    translation = hit_translation(segment, hit)
    if translation.model == "human":
        return translation
    return replace(translation, model=engine.model_id)


def _doubts(flags: Sequence[str]) -> int:
    """How many of a translation's flags say a fact is wrong (not merely style)."""
    return sum(1 for flag in flags if flag in _FACT_FLAGS)


def _second_opinion(
    segments: Sequence[Segment],
    translations: list[Translation],
    engine: Engine,
    ctx: TranslationContext,
    lexicon: Lexicon,
    glossary: Mapping[str, str] | None,
) -> tuple[list[Translation], float]:
    """Ask again, carefully, for the sentences whose English got a fact wrong; keep the new
    English only where it gets fewer facts wrong.

    Small chat models invent a name or drop a figure in about one sentence in six; asked again
    with a reminder, they often do not. The second answer must earn its place, so a sentence is
    never made worse, and only flagged sentences pay for a second call.
    """
    doubtful = [t for t in translations if t.engine == engine.name and _doubts(t.flags)]
    if not doubtful:
        return translations, 0.0
    by_id = {segment.id: segment for segment in segments}
    again = [by_id[t.segment_id] for t in doubtful]
    # Each asked on its own (its examples, the careful rule): the other doubtful sentences are
    # no context for it, and a request that shares no history costs only its own tokens.
    careful = replace(ctx, careful=True, document_context=False, on_progress=None)
    answers, seconds = _timed_translate(engine, again, careful)
    better: dict[str, Translation] = {}
    for old, segment in zip(doubtful, again, strict=True):
        new = _finish(segment, answers[segment.id], engine, lexicon, glossary)
        if _doubts(new.flags) < _doubts(old.flags):
            better[segment.id] = new
    logger.info("second opinion: %d of %d doubtful sentences improved", len(better), len(again))
    return [better.get(t.segment_id, t) for t in translations], seconds


def _timed_translate(
    engine: Engine, segments: Sequence[Segment], ctx: TranslationContext
) -> tuple[dict[str, list[Part]], float]:
    """Each segment's answered parts and the seconds the engine took (no call for nothing).

    A segment over the engine's input budget reaches it in pieces that fit, and comes back as
    one (see :mod:`tarjama.engines.fitting`).
    """
    if not segments:
        return {}, 0.0
    started = time.perf_counter()
    answered = translate_fitted(engine, segments, ctx)
    return answered, time.perf_counter() - started


def _hints(segments: Sequence[Segment], lexicon: Lexicon) -> list[tuple[str, str]]:
    """(Arabic as written, English) for the names the lexicon is sure of and the dates in the
    text: weekdays, months of either naming system, Hijri dates (kept Hijri, with AH)."""
    hints: list[tuple[str, str]] = []
    for segment in segments:
        hints += [
            (match.surface, match.entity.english)
            for match in lexicon.find(segment.source)
            if lexicon.certain(match)
        ]
        hints += date_hints(segment.source)
    return hints


def _builtin_lexicon() -> Lexicon:
    """The news lexicon, with its name layer unless ``TARJAMA_NAMES=false``."""
    from tarjama.settings import get_settings

    return _loaded_lexicon(get_settings().names)


@lru_cache(maxsize=2)
def _loaded_lexicon(names: bool) -> Lexicon:
    """Loaded once per process: the name layer takes about a second."""
    lexicon = Lexicon.load_builtin()
    return lexicon.with_names() if names else lexicon


def _lexicon(glossary: Glossary | None) -> Lexicon:
    """The built-in lexicon, overlaid with the request's glossary when there is one."""
    lexicon = _builtin_lexicon()
    return lexicon.with_glossary(glossary) if glossary else lexicon


def _render(document: Document, targets: Mapping[str, str]) -> tuple[str, bytes]:
    """The English as text and as a file (the same bytes, except for Word documents)."""
    if document.format == "docx":
        text = "\n\n".join(targets.get(block.id, block.text) for block in document.blocks)
        return text, render_document_bytes(document, targets)
    output = render_document(document, targets)
    return output, output.encode("utf-8")


def block_targets(document: Document, translations: Sequence[Translation]) -> dict[str, str]:
    """Join each block's sentences back, keeping the source's line breaks between them."""
    by_block: dict[str, list[Translation]] = {}
    for translation in translations:
        by_block.setdefault(translation.block_id, []).append(translation)
    targets: dict[str, str] = {}
    for block in document.blocks:
        items = by_block.get(block.id)
        if not items:
            continue
        parts: list[str] = []
        for i, item in enumerate(items):
            if i:
                gap = block.text[items[i - 1].end : item.start]
                parts.append("\n" * gap.count("\n") if "\n" in gap else " ")
            parts.append(item.target)
        lead = block.text[: items[0].start]
        trail = block.text[items[-1].end :]
        targets[block.id] = _edge(lead) + "".join(parts) + _edge(trail)
    return targets


def _edge(whitespace: str) -> str:
    """Leading/trailing whitespace of a block survives (HTML text nodes depend on it)."""
    return whitespace if not whitespace.strip() else ""
