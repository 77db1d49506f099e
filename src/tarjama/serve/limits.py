"""Limits that keep one client from taking the server: request size, rate, characters, time.

* the request body size is checked before the body is read (``Content-Length``) and while it
  streams in (a chunked upload cannot slip past): 413;
* per key (or per client address when keys are off), requests and characters per minute in a
  sliding window: 429 with ``Retry-After``;
* every translation runs under a per-request timeout and an admission limit on translations in
  flight: 503 with ``Retry-After`` (see :mod:`tarjama.serve.service`).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tarjama.serve.errors import ApiError

__all__ = ["BodySizeLimit", "RateLimiter"]

WINDOW = 60.0  # seconds: limits are "per minute"


class RateLimiter:
    """Sliding one-minute windows of requests and characters, per identity (in memory).

    ``clock`` is a parameter so tests can move time instead of sleeping.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._events: dict[str, deque[tuple[float, int]]] = {}
        self._lock = threading.Lock()

    def check(self, who: str, characters: int, *, rate: int, chars: int) -> None:
        """Count one request of ``characters`` for ``who``, or raise a 429 ApiError.

        ``rate`` (requests) and ``chars`` (characters) per minute; 0 means no limit.
        """
        if not rate and not chars:
            return
        now = self._clock()
        with self._lock:
            events = self._events.setdefault(who, deque())
            while events and events[0][0] <= now - WINDOW:
                events.popleft()
            if rate and len(events) >= rate:
                raise _slow_down(f"more than {rate} requests a minute", events[0][0] + WINDOW - now)
            used = sum(n for _, n in events)
            if chars and used + characters > chars:
                if characters > chars:
                    raise ApiError(
                        413, f"the request has {characters} characters; this key may send {chars}"
                        " a minute",
                    )  # fmt: skip
                wait = self._wait_for(events, used + characters - chars, now)
                raise _slow_down(f"more than {chars} characters a minute", wait)
            events.append((now, characters))

    @staticmethod
    def _wait_for(events: deque[tuple[float, int]], excess: int, now: float) -> float:
        freed = 0
        for at, n in events:
            freed += n
            if freed >= excess:
                return at + WINDOW - now
        return WINDOW


def _slow_down(reason: str, wait: float) -> ApiError:
    seconds = max(1, int(wait + 0.999))
    return ApiError(429, f"Slowdown: {reason}", {"Retry-After": str(seconds)})


class BodySizeLimit:
    """ASGI middleware: refuse request bodies over ``max_bytes`` with a JSON 413."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.max_bytes <= 0:
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = (
            b'{"error":"the request is larger than the %d bytes this server accepts"}'
            % self.max_bytes
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass
