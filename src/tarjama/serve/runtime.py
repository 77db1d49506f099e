"""What a running server holds, set up in one place: state, middleware, handlers, lifespan.

:func:`install` is called by :func:`tarjama.serve.create_app`. The model is opened in the
lifespan (never at import), wrapped for concurrent use (:mod:`.batching`), and the app's
translator is replaced by one that speaks through the wrapper, so every router — LibreTranslate,
``/v1`` and the web page — shares the batching, the queue and the limits. Routes reach all of it
through :func:`server_state`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from fastapi import FastAPI, Request

from tarjama.engines.base import Engine
from tarjama.serve.access import Access, keys_required
from tarjama.serve.batching import BatchingEngine, QueuedEngine, wrap_engine
from tarjama.serve.errors import Overloaded, install_error_handlers
from tarjama.serve.files import FileStore
from tarjama.serve.glossaries import GlossaryStore
from tarjama.serve.heap import keep_releasing
from tarjama.serve.keys import KeyStore
from tarjama.serve.limits import BodySizeLimit, RateLimiter
from tarjama.serve.metrics import Metrics, install_metrics
from tarjama.serve.service import TranslationService
from tarjama.settings import Settings
from tarjama.translator import Translator

__all__ = ["ServerState", "app_singleton", "install", "keys_path", "server_state"]


def keys_path(settings: Settings) -> Path:
    return settings.home / "keys.sqlite"


@dataclass
class ServerState:
    """Everything the routes need, built once per app."""

    settings: Settings
    metrics: Metrics
    access: Access
    glossaries: GlossaryStore
    files: FileStore
    service: TranslationService | None = None
    engine: BatchingEngine | QueuedEngine | None = None
    base_engine: Engine | None = None
    """the engine itself, unwrapped: for what only it can do (n-best alternatives)"""

    def running(self) -> TranslationService:
        if self.service is None:  # only before startup or after shutdown
            raise Overloaded("the server is starting or stopping", retry_after=5)
        return self.service


def server_state(request: Request) -> ServerState:
    """FastAPI dependency: the running server's state."""
    state: ServerState = request.app.state.server
    return state


T = TypeVar("T")
_SINGLETON_LOCK = threading.Lock()


def app_singleton(request: Request, name: str, make: Callable[[], T]) -> T:
    """``app.state.<name>``, made by ``make`` on first use: one per app, so tests and apps never
    share, and nothing is opened for a route that is never asked."""
    state = request.app.state
    value: T | None = getattr(state, name, None)
    if value is None:
        with _SINGLETON_LOCK:
            value = getattr(state, name, None)
            if value is None:
                value = make()
                setattr(state, name, value)
    return value


def install(app: FastAPI, settings: Settings, *, owns_translator: bool = True) -> None:
    """Give ``app`` its state, error mapping, metrics, size limit and lifespan.

    ``owns_translator``: close ``app.state.translator`` at shutdown (it was made for the app).
    """
    timeout = settings.db_timeout
    keys = KeyStore(keys_path(settings), timeout=timeout) if keys_required(settings) else None
    state = ServerState(
        settings=settings,
        metrics=Metrics(),
        access=Access(settings, keys, RateLimiter(max_identities=settings.serve_rate_identities)),
        glossaries=GlossaryStore(settings.home / "glossaries.sqlite", timeout=timeout),
        files=FileStore(
            settings.home / "serve-files",
            max_files=settings.serve_files_max_count,
            max_bytes=settings.serve_files_max_bytes,
        ),
    )
    app.state.server = state
    app.state.owns_translator = owns_translator
    install_error_handlers(app)
    install_metrics(app, state.metrics)
    app.add_middleware(BodySizeLimit, max_bytes=settings.serve_max_request_bytes)
    app.router.lifespan_context = _lifespan


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    state: ServerState = app.state.server
    settings = state.settings
    base: Translator = app.state.translator
    engine = await asyncio.to_thread(lambda: base.engine)  # the slow part, done once
    wrapped = wrap_engine(
        engine,
        window=settings.serve_batch_window_ms / 1000,
        max_segments=settings.serve_batch_max_segments,
        max_waiting=max(settings.serve_max_inflight, 1),
        queue_size=settings.serve_queue_size,
        on_call=state.metrics.engine_call,
    )
    served = Translator(
        base.model,
        engine=wrapped,
        settings=base.settings,
        max_input_bytes=base.max_input_bytes,
        memory=base.memory if base.memory is not None else False,
    )
    state.engine = wrapped
    state.base_engine = engine
    state.service = TranslationService(
        served,
        state.metrics,
        timeout=settings.serve_timeout,
        max_inflight=settings.serve_max_inflight,
    )
    app.state.translator = served
    releasing = asyncio.create_task(keep_releasing())  # see heap.py: the RSS stays level
    watch = None
    if settings.serve_feeds:  # poll the watched feeds through the served engine (feeds.py)
        from tarjama.serve.feeds import FeedWatch

        watch = FeedWatch(settings, served).start()
    try:
        yield
    finally:
        if watch is not None:
            await asyncio.to_thread(watch.stop)
        releasing.cancel()
        with suppress(asyncio.CancelledError):
            await releasing
        state.service.close()
        state.service = None
        state.base_engine = None
        wrapped.close()
        app.state.translator = base
        if app.state.owns_translator:
            base.close()
