"""Fidelity figures from per-segment records: what BLEU does not see.

A translation can score well and still drop a casualty figure, spell a minister three ways or
trip the quality checks. These figures are computed from the records an evaluation run writes
(``source``, ``reference``, ``target``, ``flags``), so they can be recomputed from
``segments.jsonl`` at any time without translating again.

Known entities need a lexicon. Until :mod:`tarjama.terms` provides one, the figure is "n/a";
the hook is an :data:`EntityMatcher`, and :func:`default_entity_matcher` picks up
``tarjama.terms.entity_matcher()`` as soon as it exists.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from tarjama.text import find_spans, unkept_spans

__all__ = [
    "EntityMatcher",
    "default_entity_matcher",
    "entity_fidelity",
    "fidelity",
    "flag_rates",
    "number_fidelity",
]

logger = logging.getLogger(__name__)

#: Finds the known entities of an Arabic text: ``[(arabic as written, canonical English), …]``.
EntityMatcher = Callable[[str], Sequence[tuple[str, str]]]

Record = Mapping[str, Any]

_EXAMPLES = 5


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _numbers_of(text: str) -> list[Any]:
    return [span for span in find_spans(text) if span.kind == "number"]


def number_fidelity(records: Iterable[Record]) -> dict[str, Any]:
    """How many of the source's numbers reach the English, as numbers (١٬٥٠٠ = 1,500).

    The same share for the human reference is given beside it: references spell out some
    numbers ("two"), so it is the ceiling to compare with, not 100 %.
    """
    total = kept = ref_kept = with_numbers = losing = 0
    examples: list[dict[str, Any]] = []
    for record in records:
        spans = _numbers_of(str(record.get("source", "")))
        if not spans:
            continue
        with_numbers += 1
        total += len(spans)
        lost = unkept_spans(str(record.get("target", "")), spans, kinds={"number"})
        kept += len(spans) - len(lost)
        reference = record.get("reference")
        if reference is not None:
            ref_kept += len(spans) - len(unkept_spans(str(reference), spans, kinds={"number"}))
        if lost:
            losing += 1
            if len(examples) < _EXAMPLES:
                examples.append({"index": record.get("index"), "lost": [s.text for s in lost]})
    return {
        "source_numbers": total,
        "kept": kept,
        "share": _share(kept, total),
        "reference_share": _share(ref_kept, total),
        "segments_with_numbers": with_numbers,
        "segments_losing_numbers": losing,
        "examples": examples,
    }


def _rendered(canonical: str, target: str) -> bool:
    """``canonical`` appears in ``target`` as written, not inside a longer word."""
    pattern = rf"(?<!\w){re.escape(canonical.strip())}(?!\w)"
    return bool(canonical.strip()) and re.search(pattern, target) is not None


def entity_fidelity(
    records: Iterable[Record], matcher: EntityMatcher | None = None
) -> dict[str, Any]:
    """Share of known entities in the sources whose canonical English is in the target.

    Without a ``matcher`` (no lexicon yet) the share is ``None`` and ``available`` is false:
    the report prints "n/a" rather than a number nobody measured.
    """
    if matcher is None:
        return {"available": False, "entities": 0, "canonical": 0, "share": None, "examples": []}
    total = canonical = 0
    examples: list[dict[str, Any]] = []
    for record in records:
        target = str(record.get("target", ""))
        for arabic, english in matcher(str(record.get("source", ""))):
            total += 1
            if _rendered(english, target):
                canonical += 1
            elif len(examples) < _EXAMPLES:
                examples.append(
                    {"index": record.get("index"), "arabic": arabic, "expected": english}
                )
    return {
        "available": True,
        "entities": total,
        "canonical": canonical,
        "share": _share(canonical, total),
        "examples": examples,
    }


def flag_rates(records: Iterable[Record]) -> dict[str, Any]:
    """Quality flags per 100 segments, per flag name and in total (a segment may have several)."""
    counts: Counter[str] = Counter()
    segments = flagged = 0
    for record in records:
        segments += 1
        flags = set(record.get("flags") or ())
        flagged += bool(flags)
        counts.update(flags)

    def per_100(n: int) -> float | None:
        return round(100 * n / segments, 2) if segments else None

    return {
        "segments": segments,
        "counts": dict(sorted(counts.items())),
        "per_100": {name: per_100(n) for name, n in sorted(counts.items())},
        "total_per_100": per_100(sum(counts.values())),
        "flagged_segments_per_100": per_100(flagged),
    }


def fidelity(records: Sequence[Record], matcher: EntityMatcher | None = None) -> dict[str, Any]:
    """All fidelity figures of a run: numbers kept, entities rendered canonically, flags."""
    return {
        "numbers": number_fidelity(records),
        "entities": entity_fidelity(records, matcher),
        "flags": flag_rates(records),
    }


def default_entity_matcher() -> EntityMatcher | None:
    """The lexicon's matcher, once ``tarjama.terms`` offers ``entity_matcher()``; else ``None``.

    Contract for :mod:`tarjama.terms`: a module-level ``entity_matcher()`` returning an
    :data:`EntityMatcher` (or ``None`` when no lexicon is installed). A broken terms package
    must not sink an hour-long evaluation, so failures are logged and read as "no lexicon".
    """
    try:
        terms = importlib.import_module("tarjama.terms")
        factory = getattr(terms, "entity_matcher", None)
        return factory() if callable(factory) else None
    except Exception as exc:  # any failure means "no lexicon", said in the log
        logger.warning("entity lexicon unavailable: %s", exc)
        return None
