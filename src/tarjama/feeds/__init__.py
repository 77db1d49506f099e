"""Watching feeds: Arabic RSS, Atom and JSON Feed polled, each new item translated once.

``tarjama feeds add|list|remove|run`` and ``tarjama serve --feeds`` are thin over this room:
:class:`FeedStore` (SQLite: feeds, poll state, items and their English), :class:`Fetcher`
(conditional GET, bounded, retried), :func:`poll_feed` (one poll of one feed: fetch, read,
translate only new or changed Arabic items, store, render the English feed) and
:class:`Scheduler` (every feed on its own schedule, failing ones backed off). See docs/feeds.md.
"""

from tarjama.feeds.fetch import Fetched, Fetcher, FetchError, check_url
from tarjama.feeds.schedule import (
    PollReport,
    Scheduler,
    backoff,
    format_every,
    parse_every,
)
from tarjama.feeds.store import Feed, FeedStore, StoredBlock, StoredItem, check_name

__all__ = [
    "Feed",
    "FeedStore",
    "FetchError",
    "Fetched",
    "Fetcher",
    "PollReport",
    "Scheduler",
    "StoredBlock",
    "StoredItem",
    "backoff",
    "check_name",
    "check_url",
    "format_every",
    "parse_every",
]
