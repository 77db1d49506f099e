"""Prometheus metrics for ``/metrics``: requests, latency, segments, characters, cache, engine.

Each app gets its own :class:`~prometheus_client.CollectorRegistry`, so several apps in one
process (tests, the web page's own app) never clash. With ``--workers N`` every worker answers
for itself; scrape each or run one worker per port.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client import generate_latest as _generate_latest

__all__ = ["Metrics", "install_metrics"]

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)


class Metrics:
    """The server's counters and histograms, in one registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "tarjama_http_requests", "HTTP requests answered", ["route", "method", "status"],
            registry=r,
        )  # fmt: skip
        self.latency = Histogram(
            "tarjama_http_request_seconds", "Time to answer a request", ["route"],
            buckets=_LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.segments = Counter("tarjama_segments", "Segments translated", registry=r)
        self.characters = Counter("tarjama_characters", "Source characters translated", registry=r)
        self.cache_hits = Counter(
            "tarjama_cache_hits", "Segments answered from the translation memory", registry=r
        )
        self.engine_calls = Counter("tarjama_engine_calls", "Calls made to the engine", registry=r)
        self.engine_requests = Counter(
            "tarjama_engine_requests", "Translate calls served by those engine calls", registry=r
        )
        self.engine_seconds = Histogram(
            "tarjama_engine_seconds", "Time spent in one engine call",
            buckets=_LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.rejected = Counter(
            "tarjama_rejected", "Requests turned away (busy, limits, timeouts)", ["reason"],
            registry=r,
        )  # fmt: skip

    def engine_call(self, requests: int, segments: int, seconds: float) -> None:
        """Hook for the engine wrappers in :mod:`tarjama.serve.batching`."""
        self.engine_calls.inc()
        self.engine_requests.inc(requests)
        self.engine_seconds.observe(seconds)

    def translated(self, segments: int, characters: int, cache_hits: int) -> None:
        self.segments.inc(segments)
        self.characters.inc(characters)
        self.cache_hits.inc(cache_hits)

    def render(self) -> Response:
        return Response(_generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


def _route_of(request: Request) -> str:
    """The route's path template (``/v1/glossaries/{glossary_id}``), not the raw path."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


def install_metrics(app: FastAPI, metrics: Metrics) -> None:
    """Count and time every request on ``app``."""

    @app.middleware("http")
    async def measure(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            route = _route_of(request)
            metrics.requests.labels(route, request.method, str(status)).inc()
            metrics.latency.labels(route).observe(time.perf_counter() - started)
