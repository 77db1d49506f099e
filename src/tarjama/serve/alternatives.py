"""LibreTranslate's ``alternatives``: other whole translations of ``q``, where the engine can
make them.

A CTranslate2 model keeps its ``n`` best beams for every sentence (``translate_n_best``); chat
engines (llama.cpp, OpenAI-compatible) give one answer and no alternatives. An alternative is a
translation of the whole ``q``, never of one sentence: the ``k``-th alternative takes each
sentence's ``k``-th best hypothesis (its best, when the beam kept fewer distinct ones), as
Argos Translate, which LibreTranslate runs, joins its per-sentence hypotheses. Each goes through
the whole pipeline (restore, post-edit, repair), so numbers and names are put back as in the
main translation; alternatives equal to it, or to each other, are dropped, so there may be fewer
than asked for.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from typing import Any, Protocol, TypeGuard, runtime_checkable

from tarjama.document import Segment
from tarjama.engines.base import Engine, Hypothesis, TranslationContext
from tarjama.formats import read_document
from tarjama.pipeline import translate_document

__all__ = ["LIMIT", "NBestEngine", "alternatives", "supports_alternatives"]

#: Alternatives one request may ask for (LibreTranslate's own default limit).
LIMIT = 3


@runtime_checkable
class NBestEngine(Protocol):
    """An engine that can say what else it considered (CTranslate2)."""

    model_id: str

    @property
    def name(self) -> str: ...

    def translate_n_best(
        self, segments: Sequence[Segment], n: int, context: TranslationContext | None = None
    ) -> list[list[Hypothesis]]: ...


def supports_alternatives(engine: Engine | None) -> TypeGuard[NBestEngine]:
    return engine is not None and isinstance(engine, NBestEngine)


class _KthBest:
    """An engine that answers each segment with its ``k``-th best hypothesis, all ``k`` sharing
    one n-best call per segment (the pipeline asks once per alternative)."""

    def __init__(self, inner: NBestEngine, n: int) -> None:
        self.inner = inner
        self.n = n
        self.k = 0
        self.name = inner.name
        self.model_id = inner.model_id
        self._found: dict[str, list[Hypothesis]] = {}
        self._lock = threading.Lock()

    def __getattr__(self, attribute: str) -> Any:  # what the engine declares about itself
        return getattr(self.inner, attribute)

    def translate(
        self, segments: Sequence[Segment], context: TranslationContext | None = None
    ) -> list[Hypothesis]:
        with self._lock:
            missing = {s.engine_text: s for s in segments if s.engine_text not in self._found}
            if missing:
                unique = list(missing.values())
                answers = self.inner.translate_n_best(unique, self.n, context)
                for segment, found in zip(unique, answers, strict=True):
                    self._found[segment.engine_text] = found
            return [self._pick(self._found[s.engine_text]) for s in segments]

    def _pick(self, found: list[Hypothesis]) -> Hypothesis:
        return found[self.k] if self.k < len(found) else found[0]

    def close(self) -> None:
        """The inner engine belongs to the server."""


def alternatives(engine: NBestEngine, text: str, count: int, main: str) -> list[str]:
    """Up to ``count`` other translations of the whole ``text``, none equal to ``main``."""
    if count <= 0 or not text.strip():
        return []
    kth = _KthBest(engine, count + 1)
    found: list[str] = []
    for k in range(1, count + 1):
        kth.k = k
        carrier = read_document(json.dumps([text], ensure_ascii=False), "json")
        english = json.loads(translate_document(carrier, kth).output)[0]
        if isinstance(english, str) and english.strip() and english not in (main, *found):
            found.append(english)
    return found
