"""Limits that keep one client from taking the server: request size, rate, characters, time.

* the request body size is checked before the body is read (``Content-Length``) and while it
  streams in (a chunked upload cannot slip past): 413;
* per key (or per client address when keys are off), requests and characters per minute in a
  sliding window: 429 with ``Retry-After``; the limiter forgets idle identities and holds at
  most :data:`MAX_IDENTITIES`, so its memory does not grow with the number of clients;
* every translation runs under a per-request timeout and an admission limit on translations in
  flight: 503 with ``Retry-After`` (see :mod:`tarjama.serve.service`).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tarjama.serve.errors import ApiError

__all__ = ["MAX_IDENTITIES", "BodySizeLimit", "RateLimiter"]

WINDOW = 60.0  # seconds: limits are "per minute"
#: Identities (keys, or client addresses with keys off) the limiter remembers at once; the one
#: seen least recently is forgotten first. Idle ones (nothing in the last minute) are forgotten
#: anyway, so this only bites when more clients than this are active in the same minute.
MAX_IDENTITIES = 10_000
_STEP = 1.0  # seconds: requests in the same second share one counter


class RateLimiter:
    """Sliding one-minute windows of requests and characters, per identity (in memory).

    Memory is bounded twice over: an identity holds at most one counter per second of the
    window (requests in the same second are added up), and the limiter holds at most
    ``max_identities`` identities, forgetting idle ones first. ``clock`` is a parameter so
    tests can move time instead of sleeping.
    """

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, max_identities: int = MAX_IDENTITIES
    ) -> None:
        self._clock = clock
        self.max_identities = max(1, max_identities)
        # identity -> [second, requests, characters] counters, oldest first; the dict is kept
        # in the order identities were last seen, so the idle ones are at the front
        self._events: OrderedDict[str, deque[list[float]]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._events)

    def check(self, who: str, characters: int, *, rate: int, chars: int) -> None:
        """Count one request of ``characters`` for ``who``, or raise a 429 ApiError.

        ``rate`` (requests) and ``chars`` (characters) per minute; 0 means no limit.
        """
        if not rate and not chars:
            return
        now = self._clock()
        with self._lock:
            self._forget_idle(now)
            events = self._events.get(who)
            if events is None:
                events = self._events[who] = deque()
                while len(self._events) > self.max_identities:
                    self._events.popitem(last=False)
            else:
                self._events.move_to_end(who)
            while events and events[0][0] <= now - WINDOW:
                events.popleft()
            if rate and sum(e[1] for e in events) >= rate:
                raise _slow_down(f"more than {rate} requests a minute", events[0][0] + WINDOW - now)
            used = sum(e[2] for e in events)
            if chars and used + characters > chars:
                if characters > chars:
                    raise ApiError(
                        413, f"the request has {characters} characters; this key may send {chars}"
                        " a minute",
                    )  # fmt: skip
                wait = self._wait_for(events, used + characters - chars, now)
                raise _slow_down(f"more than {chars} characters a minute", wait)
            second = now - now % _STEP
            if events and events[-1][0] == second:
                events[-1][1] += 1
                events[-1][2] += characters
            else:
                events.append([second, 1, characters])

    def _forget_idle(self, now: float) -> None:
        """Drop identities at the front (least recently seen) whose window is empty."""
        while self._events:
            who, events = next(iter(self._events.items()))
            if events and events[-1][0] > now - WINDOW:
                return
            del self._events[who]

    @staticmethod
    def _wait_for(events: deque[list[float]], excess: float, now: float) -> float:
        freed = 0.0
        for at, _requests, n in events:
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
