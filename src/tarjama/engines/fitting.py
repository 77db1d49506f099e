"""Segments longer than an engine can take reach it in pieces, and come back as one.

CTranslate2 silently truncates input past its model's positions, a chat model's prompt can
outgrow its context window, and an answer can stop at its token limit: each loses the end of a
long sentence without a word. So every engine declares an input budget (in its own tokens,
:attr:`~tarjama.engines.base.Capabilities.input_budget`) and a segment over it is cut into
pieces that fit, at clause boundaries first (:func:`~tarjama.text.split_to_fit`), each masked
on its own; a piece whose answer came back cut short
(:data:`~tarjama.engines.base.TRUNCATED`) is cut in two and asked for again. The pieces'
English is joined back into one answer for the segment, so a segment stays one translation
with its own offsets whatever happened on the way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from tarjama.document import ProtectedSpan, Segment
from tarjama.engines.base import (
    TRUNCATED,
    Engine,
    Hypothesis,
    TranslationContext,
    capabilities_of,
)
from tarjama.text import mask, restore, split_to_fit

__all__ = ["SPLIT_RETRIES", "Part", "join_parts", "translate_fitted"]

logger = logging.getLogger(__name__)

#: How many times a piece whose answer came back cut short is cut in two and asked for again.
SPLIT_RETRIES = 3


@dataclass(frozen=True)
class Part:
    """One piece of a segment as the engine saw it, and its answer: ``start``/``end`` slice the
    segment's source; a segment that fits its engine's budget is one part, itself."""

    start: int
    end: int
    piece: Segment
    hyp: Hypothesis


def translate_fitted(
    engine: Engine, segments: Sequence[Segment], context: TranslationContext
) -> dict[str, list[Part]]:
    """Each segment's parts, in order, with the engine's answers (one part when it fit).

    Progress is reported to ``context.on_progress`` in segments, however many pieces there are.
    """
    capabilities = capabilities_of(engine)
    kinds = capabilities.masked_kinds | {"name"}
    budget = capabilities.input_budget
    owners = [(s, a, b) for s in segments for a, b in _fit(s, engine, kinds, budget)]
    pieces = [_piece(s, a, b, kinds) for s, a, b in owners]
    progress = _PieceProgress(len(segments), len(pieces), context.on_progress)
    answers = engine.translate(pieces, replace(context, on_progress=progress))
    answered: dict[str, list[Part]] = {s.id: [] for s in segments}
    for (segment, a, b), piece, hyp in zip(owners, pieces, answers, strict=True):
        answered[segment.id].append(Part(a, b, piece, hyp))
    by_id = {s.id: s for s in segments}
    for _ in range(SPLIT_RETRIES):
        answered, again = _split_truncated(answered, by_id, engine, kinds, context)
        if not again:
            break
    return answered


def _fit(
    segment: Segment, engine: Engine, kinds: frozenset[str], budget: int | None
) -> list[tuple[int, int]]:
    """Ranges of ``segment.source`` the engine can take whole: the whole source when it fits."""
    if budget is None or engine.count_tokens(segment.engine_text) <= budget:
        return [(0, len(segment.source))]
    return _cut(segment, engine, kinds, budget, 0, len(segment.source))


def _cut(
    segment: Segment, engine: Engine, kinds: frozenset[str], budget: int, start: int, end: int
) -> list[tuple[int, int]]:
    """``segment.source[start:end]`` cut into ranges of at most ``budget`` engine tokens, each
    measured as the engine will see it (masked, names in English); never inside a span."""

    def fits(a: int, b: int) -> bool:
        piece = _piece(segment, start + a, start + b, kinds)
        return engine.count_tokens(piece.engine_text) <= budget

    protect = [
        (span.start - start, span.end - start)
        for span in segment.spans
        if start <= span.start and span.end <= end
    ]
    cuts = split_to_fit(segment.source[start:end], fits, protect=protect)
    return [(start + a, start + b) for a, b in cuts] or [(start, end)]


def _piece(segment: Segment, start: int, end: int, kinds: frozenset[str]) -> Segment:
    """``segment.source[start:end]`` as a segment of its own, with its spans masked afresh
    (placeholders numbered from ⟨0⟩ again, so each piece restores on its own)."""
    if (start, end) == (0, len(segment.source)):
        return segment
    spans = [
        replace(span, start=span.start - start, end=span.end - start, placeholder="")
        for span in segment.spans
        if start <= span.start and span.end <= end
    ]
    source = segment.source[start:end]
    masked, masked_spans = mask(source, spans, kinds=kinds)
    return replace(
        segment, id=f"{segment.id}@{start}", source=source, spans=masked_spans, masked=masked
    )


def _split_truncated(
    answered: Mapping[str, list[Part]],
    segments: Mapping[str, Segment],
    engine: Engine,
    kinds: frozenset[str],
    ctx: TranslationContext,
) -> tuple[dict[str, list[Part]], bool]:
    """Cut every part whose answer came back cut short in two (by the same clause rules) and
    ask again; a part that cannot be cut keeps its flag. Says whether anything was asked."""
    again: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for segment_id, parts in answered.items():
        for index, part in enumerate(parts):
            if TRUNCATED not in part.hyp.flags:
                continue
            half = max(1, engine.count_tokens(part.piece.engine_text) // 2)
            ranges = _cut(segments[segment_id], engine, kinds, half, part.start, part.end)
            if len(ranges) > 1:
                again[(segment_id, index)] = ranges
    if not again:
        return dict(answered), False
    owners = [(key, a, b) for key, ranges in again.items() for a, b in ranges]
    pieces = [_piece(segments[key[0]], a, b, kinds) for key, a, b in owners]
    answers = engine.translate(pieces, replace(ctx, on_progress=None))
    fresh: dict[tuple[str, int], list[Part]] = {key: [] for key in again}
    for (key, a, b), piece, hyp in zip(owners, pieces, answers, strict=True):
        fresh[key].append(Part(a, b, piece, hyp))
    logger.info("%d pieces came back cut short; asked again in %d", len(again), len(pieces))
    return {
        segment_id: [
            new for index, part in enumerate(parts)
            for new in fresh.get((segment_id, index), [part])
        ]
        for segment_id, parts in answered.items()
    }, True  # fmt: skip


class _PieceProgress:
    """An engine's progress in pieces, told to the caller in segments (what it counts)."""

    def __init__(self, segments: int, pieces: int, report: Callable[[int], None] | None) -> None:
        self._segments, self._pieces, self._report = segments, max(1, pieces), report
        self._done = self._told = 0

    def __call__(self, n: int) -> None:
        if self._report is None:
            return
        self._done += n
        now = min(self._segments, self._done * self._segments // self._pieces)
        if now > self._told:
            self._report(now - self._told)
            self._told = now


def join_parts(answered: Sequence[Part]) -> tuple[str, tuple[ProtectedSpan, ...], Hypothesis]:
    """Each piece's English with its own spans put back, joined in order; the spans no piece
    kept; and the pieces' answer as one (score weighted by length, every flag)."""
    if len(answered) == 1:
        (part,) = answered
        target, missing = restore(part.hyp.text, part.piece.spans)
        return target, missing, part.hyp
    targets: list[str] = []
    lost: list[ProtectedSpan] = []
    flags: list[str] = []
    weighted = weight = 0.0
    for part in answered:
        text, missing = restore(part.hyp.text, part.piece.spans)
        targets.append(text.strip())
        lost += missing
        flags += part.hyp.flags
        if part.hyp.score is not None:
            weighted += part.hyp.score * len(part.piece.source)
            weight += len(part.piece.source)
    target = " ".join(t for t in targets if t)
    score = weighted / weight if weight else None
    return target, tuple(lost), Hypothesis(target, score, tuple(dict.fromkeys(flags)))
