"""Watching feeds: Arabic RSS, Atom and JSON Feed polled, each new item translated once.

``tarjama feeds add|list|remove|run`` and ``tarjama serve --feeds`` are thin over this room:
:class:`FeedStore` (SQLite: feeds, poll state, items and their English), :class:`Fetcher`
(conditional GET, bounded, retried), :func:`poll_feed` (one poll of one feed: fetch, read,
translate only new or changed Arabic items, store, render the English feed) and
:class:`Scheduler` (every feed on its own schedule, failing ones backed off). See docs/feeds.md.
"""

from tarjama.feeds.convert import convert_feed
from tarjama.feeds.fetch import Fetched, Fetcher, FetchError, check_url
from tarjama.feeds.fulltext import extract_article, full_text_step
from tarjama.feeds.poll import Poller, poll_feed
from tarjama.feeds.schedule import (
    PollReport,
    Scheduler,
    backoff,
    format_every,
    parse_every,
)
from tarjama.feeds.store import (
    Feed,
    FeedStore,
    StoredBlock,
    StoredItem,
    check_name,
    feeds_path,
)

__all__ = [
    "Feed",
    "FeedStore",
    "FetchError",
    "Fetched",
    "Fetcher",
    "PollReport",
    "Poller",
    "Scheduler",
    "StoredBlock",
    "StoredItem",
    "backoff",
    "check_name",
    "check_url",
    "convert_feed",
    "extract_article",
    "feeds_path",
    "format_every",
    "full_text_step",
    "parse_every",
    "poll_feed",
]
