"""The bridge from async routes to the (blocking) Translator: admission, timeout, counting.

Routes call :meth:`TranslationService.translate`; it refuses at once when as many translations
as the server allows are already running (503, ``Retry-After``), runs the pipeline in a worker
thread under the per-request timeout, and counts segments, characters and cache hits. A timed-out
translation keeps its slot until its thread finishes, so the limit on work in flight is real.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TypeVar

from tarjama.document import Document
from tarjama.errors import EngineError
from tarjama.pipeline import TranslatedDocument
from tarjama.serve.alternatives import NBestEngine, alternatives
from tarjama.serve.errors import Overloaded, RequestTimeout
from tarjama.serve.metrics import Metrics
from tarjama.terms import Glossary
from tarjama.translator import Translator, load_document

__all__ = ["TranslationService", "translate_strings"]

_T = TypeVar("_T")


class TranslationService:
    """Runs translations for the server, never more than ``max_inflight`` at once."""

    def __init__(
        self,
        translator: Translator,
        metrics: Metrics,
        *,
        timeout: float,
        max_inflight: int,
    ) -> None:
        self.translator = translator
        self.metrics = metrics
        self.timeout = timeout
        self.max_inflight = max(1, max_inflight)
        self._inflight = 0
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(self.max_inflight, thread_name_prefix="tarjama-translate")

    @property
    def inflight(self) -> int:
        return self._inflight

    async def translate(
        self,
        source: bytes | Document,
        *,
        format: str = "auto",
        fields: Sequence[str] = (),
        name: str | None = None,
        glossary: Glossary | None = None,
    ) -> TranslatedDocument:
        """Translate ``source`` (bytes in ``format``, or a parsed Document) with the pipeline.

        Bytes are parsed in the worker thread too: a big document never blocks the event loop.
        """
        job = partial(self._run, source, format, tuple(fields), name, glossary)
        result: TranslatedDocument = await self._admitted(job)
        self.metrics.translated(
            segments=len(result.translations),
            characters=sum(len(t.source) for t in result.translations),
            cache_hits=int(result.meta.get("cache_hits", 0) or 0),
        )
        return result

    async def alternatives(
        self, engine: NBestEngine, texts: Sequence[str], count: int, main: Sequence[str]
    ) -> list[list[str]]:
        """Up to ``count`` other translations of each text (see :mod:`.alternatives`), under
        the same admission limit and timeout as a translation."""

        def job() -> list[list[str]]:
            try:
                return [
                    alternatives(engine, text, count, english)
                    for text, english in zip(texts, main, strict=True)
                ]
            finally:
                self._release()

        found: list[list[str]] = await self._admitted(job)
        return found

    async def _admitted(self, job: Callable[[], _T]) -> _T:
        """Run ``job`` (which releases its slot when done) in the pool, or refuse it at once."""
        with self._lock:
            if self._inflight >= self.max_inflight:
                self.metrics.rejected.labels("busy").inc()
                raise Overloaded(f"{self._inflight} translations are already running")
            self._inflight += 1
        try:
            future = self._pool.submit(job)
        except RuntimeError:  # the pool is shut down: the server is stopping
            self._release()
            raise Overloaded("the server is shutting down", retry_after=5) from None
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except asyncio.TimeoutError:
            self.metrics.rejected.labels("timeout").inc()
            raise RequestTimeout(self.timeout) from None
        except Overloaded:  # the engine's own queue or batch was full
            self.metrics.rejected.labels("engine_queue").inc()
            raise

    def _run(
        self,
        source: bytes | Document,
        format: str,
        fields: tuple[str, ...],
        name: str | None,
        glossary: Glossary | None,
    ) -> TranslatedDocument:
        try:
            document = (
                source
                if isinstance(source, Document)
                else load_document(
                    source,
                    format=format,
                    fields=fields,
                    name=name,
                    max_bytes=self.translator.max_input_bytes,
                )
            )
            return self.translator.translate_document(document, glossary=glossary)
        finally:
            self._release()

    def _release(self) -> None:
        with self._lock:
            self._inflight -= 1

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


async def translate_strings(service: TranslationService, texts: list[str]) -> list[str]:
    """Translate several short texts as one document (one request, one engine call).

    The texts travel as the strings of a JSON array, so each comes back on its own however the
    sentence splitter would have joined or cut them as plain text.
    """
    from tarjama.formats import read_document

    carrier = read_document(json.dumps(texts, ensure_ascii=False), "json")
    result = await service.translate(carrier)
    english = json.loads(result.output)
    if not isinstance(english, list) or len(english) != len(texts):  # a format bug, not input
        raise EngineError("the translated texts did not come back one for one")
    return [str(text) for text in english]
