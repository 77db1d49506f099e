"""``tarjama serve --feeds`` and ``/feeds/NAME.xml``: a real server polling a real feed server.

The server is a ``tarjama serve`` subprocess on loopback (``tests/serve/serving.py``) with the
tiny Marian model; its engine calls are read from ``/metrics``. A second test runs the poller
as its own process (``tarjama feeds run --once``) beside a server started without ``--feeds``:
both work on the same SQLite store.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import feedparser
import httpx
from feed_data import arabic_entry, english_entry, rss
from feed_server import FeedServer
from feeds_command import tarjama

from tarjama.feeds import FeedStore

sys.path.insert(0, str(Path(__file__).parents[1] / "serve"))
from serving import running_server

ENTRIES = [arabic_entry(0), english_entry(1), arabic_entry(2)]
GUIDS = [e.guid for e in ENTRIES]


def _metric(text: str, name: str) -> float:
    match = re.search(rf"^{name} ([0-9.e+]+)$", text, re.M)
    assert match, f"{name} not in /metrics"
    return float(match[1])


def _wait_for(http: httpx.Client, path: str, seconds: float = 90) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        response = http.get(path)
        if response.status_code == 200 or time.monotonic() > deadline:
            return response
        time.sleep(0.3)


def _check_english(data: bytes) -> None:
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [e.id for e in parsed.entries] == GUIDS


def test_serve_feeds_polls_in_the_background_and_publishes_the_english_feed(
    server: FeedServer, tmp_path: Path, tiny_marian_ct2: Path
) -> None:
    home = tmp_path / "home"
    # a server that ignores conditional requests: every poll downloads and reads the feed
    url = server.serve("/news.rss", rss(ENTRIES), conditional=False)
    with FeedStore(home / "feeds.sqlite") as store:
        store.add("news", url, every=10, full_text=False, now=time.time())

    with (
        running_server(tiny_marian_ct2, home, None, "--feeds") as running,
        running.client() as http,
    ):
        english = _wait_for(http, "/feeds/news.xml")
        assert english.status_code == 200, english.text
        assert english.headers["content-type"].startswith("application/rss+xml")
        _check_english(english.content)
        assert (
            http.get("/feeds/news.xml", headers={"If-None-Match": english.headers["etag"]})
        ).status_code == 304

        atom = http.get("/feeds/news.xml", params={"format": "atom"})
        assert atom.headers["content-type"].startswith("application/atom+xml")
        _check_english(atom.content)
        assert feedparser.parse(atom.content).version == "atom10"
        as_json = http.get("/feeds/news.xml", params={"format": "json"})
        assert [i["id"] for i in as_json.json()["items"]] == GUIDS
        assert http.get("/feeds/news.xml", params={"format": "csv"}).status_code == 400
        assert http.get("/feeds/nothing.xml").status_code == 404

        # the next poll (10 s later) reads the same feed again: not one engine call
        calls = _metric(http.get("/metrics").text, "tarjama_engine_calls_total")
        assert calls >= 1
        with FeedStore(home / "feeds.sqlite") as store:
            first = store.get("news").last_poll
            deadline = time.monotonic() + 60
            while store.get("news").last_poll == first and time.monotonic() < deadline:
                time.sleep(0.5)
            assert store.get("news").last_poll != first, "no second poll"
        assert len(server.requests("/news.rss")) >= 2
        assert _metric(http.get("/metrics").text, "tarjama_engine_calls_total") == calls
        assert http.get("/feeds/news.xml").content == english.content


def test_feeds_run_beside_a_server_fills_the_store_the_server_publishes(
    server: FeedServer, tmp_path: Path, tiny_marian_ct2: Path
) -> None:
    home = tmp_path / "home"
    url = server.serve("/news.rss", rss(ENTRIES))
    assert tarjama(home, "add", "news", url).returncode == 0

    with running_server(tiny_marian_ct2, home) as running, running.client() as http:
        assert http.get("/feeds/news.xml").status_code == 404  # not polled yet
        ran = tarjama(home, "run", "--once", "--model", str(tiny_marian_ct2))
        assert ran.returncode == 0, ran.stderr
        _check_english(http.get("/feeds/news.xml").content)

        listed = http.get("/web/feeds/list").json()
        (feed,) = listed["feeds"]
        assert [i["key"] for i in feed["latest"]] == GUIDS
        assert [i["arabic"] for i in feed["latest"]] == [True, False, True]
        item = http.get("/web/feeds/item", params={"feed": "news", "key": GUIDS[0]}).json()
        assert item["blocks"][0]["source"] == ENTRIES[0].title
        assert item["blocks"][0]["target"] and item["blocks"][0]["segments"]
        missing = http.get("/web/feeds/item", params={"feed": "news", "key": "nope"})
        assert missing.status_code == 404 and "error" in missing.json()
        assert http.get("/web/feeds").headers["content-type"].startswith("text/html")
