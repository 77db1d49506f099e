"""The bridge between the memory's records and the pipeline's :class:`Translation`.

The pipeline asks the memory before the engine: a hit becomes a Translation without a model
call (:func:`hit_translation`), and what the engine produced goes back in afterwards
(:func:`translation_entries`). Passed-through text and empty output are not worth keeping.
English the checks found a wrong fact in is kept with its flags but never served
(:func:`serveable`): a cache must not turn one bad sentence into a permanent one.
"""

from __future__ import annotations

from collections.abc import Iterable

from tarjama.checks import FACT_FLAGS
from tarjama.document import Segment, Translation
from tarjama.memory.records import Entry, Hit, Origin

__all__ = ["MEMORY_ENGINE", "hit_translation", "serveable", "translation_entries"]

MEMORY_ENGINE = "memory"
"""``Translation.engine`` for a segment the memory answered (its ``model`` says whose output it
was: the engine's model id, or ``human``)."""

_NOT_KEPT = frozenset({"passthrough", MEMORY_ENGINE})


def serveable(origin: Origin, flags: Iterable[str]) -> bool:
    """May the memory answer with this entry? A person's English always; an engine's only when
    the checks found no wrong fact in it (:data:`tarjama.checks.FACT_FLAGS`)."""
    return origin == "human" or FACT_FLAGS.isdisjoint(flags)


def hit_translation(segment: Segment, hit: Hit) -> Translation:
    """The Translation for ``segment`` served from ``hit`` (its target is already final English:
    restored and post-edited when the engine first made it, or written by a person)."""
    return Translation(
        segment_id=segment.id,
        source=segment.source,
        target=hit.target,
        engine=MEMORY_ENGINE,
        model=hit.model if hit.origin == "engine" else "human",
        score=hit.score,
        flags=hit.flags,
        start=segment.start,
        end=segment.end,
        block_id=segment.block_id,
    )


def translation_entries(
    translations: Iterable[Translation], glossary_version: str = "", recipe: str = ""
) -> list[Entry]:
    """Engine entries for what an engine produced (made under ``recipe``), leaving out
    pass-throughs, memory hits, translations without a model id and empty targets."""
    return [
        Entry(
            source=t.source,
            target=t.target,
            origin="engine",
            model=t.model,
            glossary_version=glossary_version,
            engine=t.engine,
            score=t.score,
            flags=t.flags,
            recipe=recipe,
        )
        for t in translations
        if t.engine not in _NOT_KEPT and t.model and t.target.strip() and "empty" not in t.flags
    ]
