"""Engines wrapped for a server: one engine call for many requests, or one request at a time.

An engine whose segments stand alone (``capabilities.batchable``: CTranslate2) is fastest when
it sees many segments at once, so :class:`BatchingEngine` collects the segments of concurrent
``translate`` calls for a short window and makes one call, then hands each caller its own
hypotheses. Chat engines (llama.cpp, OpenAI-compatible) translate one paragraph after another
and hold a lot of memory per request, so :class:`QueuedEngine` lets one request in at a time
and a bounded number wait. Either way,
beyond capacity the caller gets :class:`~tarjama.serve.errors.Overloaded` at once (a 503 with
``Retry-After``), never an unbounded wait.

Both keep plain counters (``calls``, ``requests``, ``segments``, ``engine_seconds``) that
``/metrics`` reads, so a test can see that two HTTP requests became one engine call.
Closing a wrapper stops its worker but leaves the wrapped engine to whoever opened it. A wrapper
is an engine to the pipeline: it forwards the wrapped engine's name, capabilities and token
count, so the pipeline treats it exactly as the engine inside.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, replace

from tarjama.document import Segment
from tarjama.engines.base import (
    Capabilities,
    Engine,
    Hypothesis,
    TranslationContext,
    capabilities_of,
    memory_model,
)
from tarjama.serve.errors import Overloaded

__all__ = ["BatchingEngine", "EngineCounters", "QueuedEngine", "wrap_engine"]


@dataclass
class EngineCounters:
    """What the wrapper has done since it was opened (read by ``/metrics``)."""

    calls: int = 0
    """calls made to the wrapped engine"""
    requests: int = 0
    """``translate`` calls answered (several may share one engine call)"""
    segments: int = 0
    engine_seconds: float = 0.0
    rejected: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, requests: int, segments: int, seconds: float) -> None:
        with self.lock:
            self.calls += 1
            self.requests += requests
            self.segments += segments
            self.engine_seconds += seconds


@dataclass
class _Job:
    segments: Sequence[Segment]
    context: TranslationContext
    future: Future[list[Hypothesis]] = field(default_factory=Future)


def _merge_key(context: TranslationContext) -> TranslationContext:
    """Calls may share an engine call when they ask for the same hints and examples."""
    return replace(context, on_progress=None)


class BatchingEngine:
    """Merge the segments of concurrent calls into one call of a sentence engine.

    ``window`` is how long (seconds) the first waiting call holds the door for others;
    ``max_segments`` caps one engine call; ``max_waiting`` caps the calls waiting for a turn.
    """

    def __init__(
        self,
        inner: Engine,
        *,
        window: float = 0.01,
        max_segments: int = 512,
        max_waiting: int = 64,
        on_call: Callable[[int, int, float], None] | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.inner = inner
        self.name = inner.name  # provenance: translations name the engine
        self.model_id = inner.model_id
        self.capabilities: Capabilities = capabilities_of(inner)
        self.memory_model = memory_model(inner)
        self.prompt_version = getattr(inner, "prompt_version", "")
        self.counters = EngineCounters()
        self._window = window
        self._max_segments = max(1, max_segments)
        self._max_waiting = max(1, max_waiting)
        self._on_call = on_call
        self._clock = clock
        self._pending: list[_Job] = []
        self._cond = threading.Condition()
        self._closed = False
        self._worker = threading.Thread(target=self._run, name="tarjama-batcher", daemon=True)
        self._worker.start()

    def translate(
        self, segments: Sequence[Segment], context: TranslationContext | None = None
    ) -> list[Hypothesis]:
        if not segments:
            return []
        job = _Job(segments, context or TranslationContext())
        with self._cond:
            if self._closed:
                raise Overloaded("the server is shutting down", retry_after=5)
            if len(self._pending) >= self._max_waiting:
                self.counters.rejected += 1
                raise Overloaded(f"{len(self._pending)} requests are already waiting")
            self._pending.append(job)
            self._cond.notify_all()
        return job.future.result()

    def _take(self) -> list[_Job]:
        """Wait for work, hold the window open, then take one mergeable batch."""
        with self._cond:
            while not self._pending and not self._closed:
                self._cond.wait()
            if self._closed and not self._pending:
                return []
            deadline = self._clock() + self._window
            while (left := deadline - self._clock()) > 0 and self._size() < self._max_segments:
                self._cond.wait(left)
            key = _merge_key(self._pending[0].context)
            batch: list[_Job] = []
            total = 0
            for job in list(self._pending):
                fits = not batch or total + len(job.segments) <= self._max_segments
                if fits and _merge_key(job.context) == key:
                    batch.append(job)
                    total += len(job.segments)
                    self._pending.remove(job)
            return batch

    def _size(self) -> int:
        return sum(len(job.segments) for job in self._pending)

    def _run(self) -> None:
        while True:
            batch = self._take()
            if not batch:
                return
            self._call(batch)

    def _call(self, batch: list[_Job]) -> None:
        merged = [segment for job in batch for segment in job.segments]
        started = self._clock()
        try:
            hypotheses = self.inner.translate(merged, _merge_key(batch[0].context))
        except BaseException as exc:  # every caller hears about it; the worker carries on
            for job in batch:
                job.future.set_exception(exc)
            return
        seconds = self._clock() - started
        self.counters.record(len(batch), len(merged), seconds)
        if self._on_call is not None:
            self._on_call(len(batch), len(merged), seconds)
        at = 0
        for job in batch:
            n = len(job.segments)
            job.context.advance(n)
            job.future.set_result(hypotheses[at : at + n])
            at += n

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._worker.join(timeout=5)


class QueuedEngine:
    """One call at a time into a chat engine; at most ``max_waiting`` calls wait their turn."""

    def __init__(
        self,
        inner: Engine,
        *,
        max_waiting: int = 8,
        on_call: Callable[[int, int, float], None] | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.model_id = inner.model_id
        self.capabilities: Capabilities = capabilities_of(inner)
        self.memory_model = memory_model(inner)
        self.prompt_version = getattr(inner, "prompt_version", "")
        self.counters = EngineCounters()
        self._max_waiting = max(0, max_waiting)
        self._on_call = on_call
        self._clock = clock
        self._turn = threading.Lock()
        self._waiting = 0
        self._count = threading.Lock()

    def translate(
        self, segments: Sequence[Segment], context: TranslationContext | None = None
    ) -> list[Hypothesis]:
        with self._count:
            if self._waiting > self._max_waiting:
                self.counters.rejected += 1
                raise Overloaded(f"{self._waiting} requests are already queued", retry_after=10)
            self._waiting += 1
        try:
            with self._turn:
                started = self._clock()
                hypotheses = self.inner.translate(segments, context)
                seconds = self._clock() - started
        finally:
            with self._count:
                self._waiting -= 1
        self.counters.record(1, len(segments), seconds)
        if self._on_call is not None:
            self._on_call(1, len(segments), seconds)
        return hypotheses

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def close(self) -> None:
        """Nothing to stop; the wrapped engine belongs to whoever opened it."""


def wrap_engine(
    engine: Engine,
    *,
    window: float,
    max_segments: int,
    max_waiting: int,
    queue_size: int,
    on_call: Callable[[int, int, float], None] | None = None,
) -> BatchingEngine | QueuedEngine:
    """The right wrapper for ``engine``: batching where its capabilities allow merging calls
    (sentence engines), a queue for the rest."""
    if capabilities_of(engine).batchable:
        return BatchingEngine(
            engine,
            window=window,
            max_segments=max_segments,
            max_waiting=max_waiting,
            on_call=on_call,
        )
    return QueuedEngine(engine, max_waiting=queue_size, on_call=on_call)
