"""Feeds on the server: ``/feeds/NAME.xml``, the feeds page, and ``--feeds`` polling.

- ``GET /feeds/NAME.xml`` is the English feed, in its source's syntax (the splice of
  :mod:`tarjama.formats.feed`), or another one with ``?format=rss|atom|json``
  (:mod:`tarjama.feeds.convert`). It carries an ETag and answers ``If-None-Match`` with 304,
  so feed readers re-poll it for nothing. A feed reader cannot send a header: with keys on, the
  key goes in the URL (``?api_key=…``), as for downloads.
- ``GET /web/feeds`` is the feeds page (``static/feeds.html``, ``feeds.js``): each feed's latest
  items, each opening its Arabic and English side by side with the checks' flags;
  ``/web/feeds/list`` and ``/web/feeds/item`` are its JSON.
- ``tarjama serve --feeds`` (``TARJAMA_SERVE_FEEDS``) runs a :class:`~tarjama.feeds.Scheduler`
  on a background thread for the server's life, translating through the server's own engine
  (its batching, its metrics). Without it the routes still publish what a ``tarjama feeds run``
  process beside the server writes: both use ``$TARJAMA_HOME/feeds.sqlite``.

The routes read the store only; nothing here polls or translates on a request.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from importlib import resources
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from tarjama.errors import ConfigurationError
from tarjama.feeds.convert import FORMATS, MEDIA_TYPES, convert_feed
from tarjama.feeds.store import FeedStore, feeds_path
from tarjama.serve.errors import ERROR_RESPONSES
from tarjama.serve.runtime import app_singleton, server_state
from tarjama.serve.web import FLAG_HELP
from tarjama.settings import Settings
from tarjama.translator import Translator

__all__ = ["LATEST", "FeedWatch", "feed_store", "router"]

logger = logging.getLogger(__name__)

router = APIRouter(tags=["feeds"])

LATEST = 30
"""Items per feed the page lists (the feed's own order: newest first, as feeds are written)."""

_SOURCE_TYPES = {
    "rss": MEDIA_TYPES["rss"],
    "rdf": "application/rdf+xml; charset=utf-8",
    "atom": MEDIA_TYPES["atom"],
    "json": MEDIA_TYPES["json"],
}
_STATIC = {"feeds.html": "text/html; charset=utf-8", "feeds.js": "text/javascript; charset=utf-8"}


def feed_store(request: Request) -> FeedStore:
    """The app's feed store, opened on first use (one per app)."""
    settings: Settings = server_state(request).settings
    return app_singleton(
        request,
        "feed_store",
        lambda: FeedStore(feeds_path(settings), timeout=settings.db_timeout),
    )


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


@router.get(
    "/feeds/{name}.xml",
    responses={
        **ERROR_RESPONSES,
        200: {
            "description": "The English feed",
            "content": {media.split(";")[0]: {} for media in _SOURCE_TYPES.values()},
        },
        304: {"description": "Unchanged since the ETag the client sent"},
        404: {**ERROR_RESPONSES[400], "description": "No such feed, or not polled yet"},
    },
)
def english_feed(request: Request, name: str, format: str | None = None) -> Response:
    """The English feed, in its source's syntax or ``format`` (rss, atom, json)."""
    server_state(request).access.check(request, None, characters=0)
    if format is not None and format not in FORMATS:
        return _error(400, f"unknown feed format {format!r}; one of {', '.join(FORMATS)}")
    try:
        feed, _source, english = feed_store(request).english(name)
    except ConfigurationError as exc:
        return _error(404, str(exc))
    if english is None or feed.kind is None:
        return _error(404, f"the feed {name!r} has not been polled yet; try again shortly")
    if format is None or format == feed.kind or (format == "rss" and feed.kind == "rdf"):
        body, media = english, _SOURCE_TYPES.get(feed.kind, MEDIA_TYPES["rss"])
    else:
        self_url = str(request.url)
        body, media = (
            convert_feed(english, feed.kind, format, self_url=self_url),
            MEDIA_TYPES[format],
        )
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media, headers=headers)


@router.get("/web/feeds", include_in_schema=False)
def page() -> Response:
    return _static("feeds.html")


@router.get("/web/feeds/static/{name}", include_in_schema=False)
def static_file(name: str) -> Response:
    if name not in _STATIC or name.endswith(".html"):
        return _error(404, f"no such file: {name}")
    return _static(name)


@router.get("/web/feeds/list", include_in_schema=False)
def feeds_list(request: Request, limit: int = LATEST) -> Response:
    """Every feed with its latest items (titles and flags; the blocks come with ``item``)."""
    server_state(request).access.check(request, None, characters=0)
    store = feed_store(request)
    feeds: list[dict[str, Any]] = []
    for feed in store.feeds():
        items = store.items(feed.name, present_only=True, limit=max(1, min(limit, 500)))
        feeds.append(
            feed.to_dict()
            | {
                "english_url": f"/feeds/{feed.name}.xml",
                "latest": [item.to_dict(blocks=False) for item in items],
            }
        )
    return JSONResponse({"feeds": feeds, "flag_help": FLAG_HELP})


@router.get("/web/feeds/item", include_in_schema=False)
def feed_item(request: Request, feed: str, key: str) -> Response:
    """One item: its blocks' Arabic and English, sentence by sentence, with their flags."""
    server_state(request).access.check(request, None, characters=0)
    item = feed_store(request).item(feed, key)
    if item is None:
        return _error(404, f"no item {key!r} in the feed {feed!r}")
    return JSONResponse(item.to_dict())


def _static(name: str) -> Response:
    folder = resources.files("tarjama.serve").joinpath("static")
    text = folder.joinpath(name).read_text("utf-8")
    return Response(text, media_type=_STATIC[name], headers={"Cache-Control": "no-cache"})


class FeedWatch:
    """The ``--feeds`` poller: a scheduler on its own thread, for the life of the server."""

    def __init__(self, settings: Settings, translator: Translator) -> None:
        from tarjama.feeds.fetch import Fetcher
        from tarjama.feeds.fulltext import full_text_step
        from tarjama.feeds.poll import Poller
        from tarjama.feeds.schedule import Scheduler

        self.store = FeedStore(feeds_path(settings), timeout=settings.db_timeout)
        self.fetcher = Fetcher()
        poller = Poller(
            self.store,
            self.fetcher,
            translator,
            on_translated=full_text_step(self.store, self.fetcher, translator),
        )
        self.scheduler = Scheduler(self.store, poller)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tarjama-feeds", daemon=True)

    def start(self) -> FeedWatch:
        self._thread.start()
        return self

    def _run(self) -> None:
        self.scheduler.run(self._stop, on_report=lambda r: logger.info("%s", r.describe()))

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the polls under way (a feed mid-translation finishes, or its claim runs
        out and another poller takes it up)."""
        self._stop.set()
        self._thread.join(timeout)
        if not self._thread.is_alive():  # else it still uses them; the process is ending
            self.fetcher.close()
            self.store.close()
