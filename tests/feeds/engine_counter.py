"""A real engine behind a counter: how many calls, and which sentences it was given."""

from __future__ import annotations

from collections.abc import Sequence

from tarjama import Hypothesis, Segment, TranslationContext
from tarjama.engines.base import Capabilities, Engine


class Counting:
    """A real engine with a count of its calls and a note of what it was given."""

    def __init__(self, inner: Engine) -> None:
        self.inner = inner
        self.name = inner.name
        self.model_id = inner.model_id
        self.capabilities: Capabilities = inner.capabilities
        self.calls = 0
        self.seen: list[str] = []

    def translate(
        self, segments: Sequence[Segment], context: TranslationContext | None = None
    ) -> list[Hypothesis]:
        self.calls += 1
        self.seen += [s.source for s in segments]
        return self.inner.translate(segments, context)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def close(self) -> None:
        self.inner.close()
