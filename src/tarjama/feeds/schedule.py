"""Every feed on its own schedule: poll what is due, back off what fails, never stop.

A feed is polled every ``every`` seconds. A poll that fails (the server is down, answers 500,
sends something that is not a feed) is tried again later and later: after ``n`` failures in a
row the wait is ``every × 2ⁿ``, capped at :data:`MAX_BACKOFF` (or ``every`` when that is
longer), so a dead feed is asked a few times a day instead of hammered, and is back on its
schedule at its first success. One feed's failure, even a bug, is recorded against that feed
and the others go on.

Feeds are claimed in the store before they are polled (:meth:`FeedStore.claim`), so a
``tarjama feeds run`` process and a ``tarjama serve --feeds`` server sharing the store never
poll the same feed at once. Polls run on a few threads: a slow server holds one thread up to its
timeout, not every feed.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from tarjama.errors import ConfigurationError, StorageError, TarjamaError
from tarjama.feeds.store import Feed, FeedStore

__all__ = [
    "DEFAULT_EVERY",
    "MAX_BACKOFF",
    "MIN_EVERY",
    "PollReport",
    "Scheduler",
    "backoff",
    "format_every",
    "parse_every",
]

logger = logging.getLogger(__name__)

DEFAULT_EVERY = 15 * 60.0
MIN_EVERY = 10.0
"""Shortest interval accepted: a feed is a page someone else serves, not a socket to spin on."""
MAX_BACKOFF = 6 * 3600.0
LEASE = 30 * 60.0
"""How long a claim holds a feed: longer than any poll, short enough that a feed a crashed
poller held is taken up again the same half hour."""
IDLE_CHECK = 30.0
"""Seconds a running scheduler sleeps at most, so it sees feeds added meanwhile."""

_EVERY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNITS = {"": 60.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_every(text: str) -> float:
    """``15m``, ``90s``, ``2h``, ``1d`` (a bare number is minutes) → seconds."""
    match = _EVERY.match(text)
    if match is None:
        raise ConfigurationError(
            f"--every {text!r} is not an interval; write it like 15m, 90s, 2h or 1d"
        )
    seconds = float(match[1]) * _UNITS[match[2].lower()]
    if seconds < MIN_EVERY:
        raise ConfigurationError(f"--every {text!r} is too short; at least {MIN_EVERY:g} s")
    return seconds


def format_every(seconds: float) -> str:
    """The shortest exact way to write an interval (``900`` → ``15m``)."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def backoff(every: float, failures: int) -> float:
    """Seconds until the next try of a feed that has failed ``failures`` times in a row."""
    if failures <= 0:
        return every
    return min(every * 2.0 ** min(failures, 30), max(every, MAX_BACKOFF))


@dataclass(frozen=True)
class PollReport:
    """What one poll of one feed did."""

    name: str
    status: str
    """``updated``, ``not modified`` or ``failed``"""
    new: int = 0
    changed: int = 0
    removed: int = 0
    translated: int = 0
    """items sent to the engine (new or changed, and Arabic)"""
    error: str | None = None
    next_poll: float | None = None
    seconds: float = 0.0

    def describe(self) -> str:
        if self.status == "failed":
            return f"{self.name}: failed: {self.error}"
        if self.status == "not modified":
            return f"{self.name}: not modified"
        return (
            f"{self.name}: {self.new} new, {self.changed} changed, {self.removed} gone, "
            f"{self.translated} translated ({self.seconds:.1f} s)"
        )


Poll = Callable[[Feed], PollReport]
"""Poll one claimed feed and record its success in the store (:func:`tarjama.feeds.poll_feed`)."""


class Scheduler:
    """Polls a store's feeds when they are due, on ``workers`` threads.

    ``poll`` does one feed and records its success; a failure it raises is recorded here, with
    the back-off. ``clock`` is wall time (Unix seconds: the schedule is kept in the store, so
    other processes read it too).
    """

    def __init__(
        self,
        store: FeedStore,
        poll: Poll,
        *,
        clock: Callable[[], float] = time.time,
        workers: int = 4,
        owner: str | None = None,
        lease: float = LEASE,
    ) -> None:
        self.store = store
        self.poll = poll
        self.clock = clock
        self.workers = max(workers, 1)
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.lease = lease

    def run_once(
        self, names: Sequence[str] | None = None, *, due_only: bool = False
    ) -> list[PollReport]:
        """Poll the feeds (all, or ``names``; due or not) once; those another poller holds are
        skipped. Reports come in the order the feeds were claimed."""
        feeds = self.store.claim(
            self.clock(), self.owner, lease=self.lease, names=names, due_only=due_only
        )
        if not feeds:
            return []
        if len(feeds) == 1 or self.workers == 1:
            return [self._poll(feed) for feed in feeds]
        with ThreadPoolExecutor(self.workers, thread_name_prefix="tarjama-feed") as pool:
            return list(pool.map(self._poll, feeds))

    def run(
        self,
        stop: threading.Event,
        on_report: Callable[[PollReport], None] | None = None,
    ) -> None:
        """Poll what is due until ``stop`` is set; sleep until the next feed is due."""
        while not stop.is_set():
            try:
                for report in self.run_once(due_only=True):
                    if on_report is not None:
                        on_report(report)
                due = self.store.next_due()
            except StorageError as exc:  # the store is busy or sick: wait and try again
                logger.warning("feeds: %s", exc)
                due = None
            now = self.clock()
            wait = IDLE_CHECK if due is None else min(max(due - now, 0.05), IDLE_CHECK)
            stop.wait(wait)

    def _poll(self, feed: Feed) -> PollReport:
        started = time.monotonic()
        try:
            return self.poll(feed)
        except TarjamaError as exc:
            message = str(exc)
        except Exception as exc:  # a bug must not stop the other feeds: record it, log it
            logger.exception("feeds: polling %s failed", feed.name)
            message = f"internal error ({type(exc).__name__}: {exc})"
        failures = feed.failures + 1
        now = self.clock()
        next_poll = now + backoff(feed.every, failures)
        self.store.record_failure(
            feed.name, message, now=now, next_poll=next_poll, failures=failures
        )
        return PollReport(
            feed.name,
            "failed",
            error=message,
            next_poll=next_poll,
            seconds=time.monotonic() - started,
        )
