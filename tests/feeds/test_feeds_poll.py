"""One poll of one feed against a real HTTP server whose feed changes between polls.

The engine is the tests' tiny Marian (real CTranslate2, random weights) behind a counter: a
re-poll of an unchanged feed must make no engine call at all, and a changed feed must send the
engine the new and edited items' sentences only.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace

import feedparser
import pytest
from engine_counter import Counting
from feed_data import SENTENCES, arabic_entry, atom, english_entry, json_feed, rss
from feed_server import FeedServer

from tarjama import Translator
from tarjama.feeds import FeedStore, Fetcher, PollReport, poll_feed

NOW = 1_700_000_000.0


def _poll(name: str, store: FeedStore, fetcher: Fetcher, translator: Translator) -> PollReport:
    return poll_feed(
        store.get(name), store=store, fetcher=fetcher, translator=translator, clock=lambda: NOW
    )


def _english(store: FeedStore, name: str) -> bytes:
    _feed, _source, english = store.english(name)
    assert english is not None
    return english


def _parsed(data: bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_the_first_poll_translates_every_arabic_item_and_publishes_the_english_feed(
    server: FeedServer,
    store: FeedStore,
    fetcher: Fetcher,
    translator: Translator,
    counting: Counting,
) -> None:
    entries = [arabic_entry(0), english_entry(1), arabic_entry(2)]
    url = server.serve("/news.rss", rss(entries))
    store.add("news", url, every=900, full_text=False, now=NOW)

    report = _poll("news", store, fetcher, translator)

    assert (report.status, report.new, report.translated) == ("updated", 3, 2)
    assert counting.calls == 1  # every new item's sentences in one engine call
    assert SENTENCES[0] in counting.seen and "Markets" not in " ".join(counting.seen)
    english = _parsed(_english(store, "news"))
    assert [e.id for e in english.entries] == [e.guid for e in entries]
    assert english.entries[1].title == entries[1].title  # not Arabic: passed through as is
    assert english.feed.language == "en"
    items = {i.key: i for i in store.items("news")}
    assert items["urn:news:0"].arabic and items["urn:news:0"].title_en
    assert items["urn:news:0"].blocks[0].source == SENTENCES[0]
    assert not items["urn:news:en:1"].arabic and items["urn:news:en:1"].blocks == ()
    feed = store.get("news")
    assert feed.etag and feed.next_poll == NOW + 900 and feed.kind == "rss"


def test_a_second_poll_of_an_unchanged_feed_makes_no_engine_call(
    server: FeedServer,
    store: FeedStore,
    fetcher: Fetcher,
    translator: Translator,
    counting: Counting,
) -> None:
    url = server.serve("/news.rss", rss([arabic_entry(0), arabic_entry(1)]))
    store.add("news", url, every=900, full_text=False, now=NOW)
    _poll("news", store, fetcher, translator)
    first = _english(store, "news")
    calls = counting.calls

    again = _poll("news", store, fetcher, translator)

    assert again.status == "not modified" and counting.calls == calls
    assert server.requests("/news.rss")[-1].status == 304
    assert _english(store, "news") == first


def test_a_server_that_ignores_conditional_requests_costs_a_download_but_no_engine_call(
    server: FeedServer,
    store: FeedStore,
    fetcher: Fetcher,
    translator: Translator,
    counting: Counting,
) -> None:
    url = server.serve("/news.rss", rss([arabic_entry(0), arabic_entry(1)]), conditional=False)
    store.add("news", url, every=900, full_text=False, now=NOW)
    _poll("news", store, fetcher, translator)
    first = _english(store, "news")
    calls = counting.calls

    again = _poll("news", store, fetcher, translator)

    assert (again.status, again.new, again.changed, again.translated) == ("updated", 0, 0, 0)
    assert counting.calls == calls
    assert _english(store, "news") == first  # the stored English, put back block for block


def test_a_new_an_edited_and_a_removed_item_send_only_the_new_and_edited_ones(
    server: FeedServer,
    store: FeedStore,
    fetcher: Fetcher,
    translator: Translator,
    counting: Counting,
) -> None:
    url = server.serve("/news.rss", rss([arabic_entry(0), arabic_entry(1), arabic_entry(2)]))
    store.add("news", url, every=900, full_text=False, now=NOW)
    _poll("news", store, fetcher, translator)
    kept = store.item("news", "urn:news:1")
    counting.seen.clear()
    calls = counting.calls

    changed = [arabic_entry(3), arabic_entry(0, edited=True), arabic_entry(1)]  # 2 is gone
    server.serve("/news.rss", rss(changed))
    report = _poll("news", store, fetcher, translator)

    assert (report.new, report.changed, report.removed, report.translated) == (1, 1, 1, 2)
    assert counting.calls == calls + 1
    # title, description and two HTML paragraphs of each of the two items: nothing else
    assert len(counting.seen) == 8 and "عاجل: " + SENTENCES[0] in counting.seen
    english = _parsed(_english(store, "news"))
    assert [e.id for e in english.entries] == ["urn:news:3", "urn:news:0", "urn:news:1"]
    # unchanged: its English untouched, only its place in the feed moved
    assert kept is not None and store.item("news", "urn:news:1") == replace(kept, position=2)
    gone = store.item("news", "urn:news:2")
    assert gone is not None and not gone.present and gone.blocks  # kept, marked gone
    assert [i.key for i in store.items("news", present_only=True)] == [
        "urn:news:3",
        "urn:news:0",
        "urn:news:1",
    ]


@pytest.mark.parametrize(
    ("path", "build", "kind"),
    [("/news.atom", atom, "atom"), ("/news.json", json_feed, "json")],
)
def test_atom_and_json_feeds_are_watched_alike(
    path: str,
    build: object,
    kind: str,
    server: FeedServer,
    store: FeedStore,
    fetcher: Fetcher,
    translator: Translator,
    counting: Counting,
) -> None:
    entries = [arabic_entry(0), english_entry(1), arabic_entry(2)]
    url = server.serve(path, build(entries), content_type="application/xml")  # type: ignore[operator]
    store.add("news", url, every=900, full_text=False, now=NOW)

    report = _poll("news", store, fetcher, translator)

    assert (report.new, report.translated) == (3, 2) and store.get("news").kind == kind
    english = _english(store, "news")
    ids = (
        [i["id"] for i in json.loads(english)["items"]]
        if kind == "json"
        else [e.id for e in _parsed(english).entries]
    )
    assert ids == [e.guid for e in entries]
    calls = counting.calls
    server.serve(path, build(entries), conditional=False)  # type: ignore[operator]
    assert _poll("news", store, fetcher, translator).translated == 0
    assert counting.calls == calls


def test_a_feed_that_is_not_xml_fails_and_the_store_keeps_the_last_good_english(
    server: FeedServer, store: FeedStore, fetcher: Fetcher, translator: Translator
) -> None:
    url = server.serve("/news.rss", rss([arabic_entry(0)]))
    store.add("news", url, every=900, full_text=False, now=NOW)
    _poll("news", store, fetcher, translator)
    good = _english(store, "news")

    server.serve("/news.rss", "<html><body>Service unavailable</body></html>")
    from tarjama.errors import InputError

    with pytest.raises(InputError):
        _poll("news", store, fetcher, translator)
    assert _english(store, "news") == good
    assert [i.key for i in store.items("news", present_only=True)] == ["urn:news:0"]


def test_a_slow_server_is_a_failed_poll_not_a_hang(
    server: FeedServer, store: FeedStore, translator: Translator
) -> None:
    url = server.serve("/slow.rss", rss([arabic_entry(0)]), delay=3)
    store.add("slow", url, every=900, full_text=False, now=NOW)
    started = time.monotonic()
    from tarjama.feeds import FetchError

    with Fetcher(timeout=0.5, attempts=1) as quick, pytest.raises(FetchError):
        _poll("slow", store, quick, translator)
    assert time.monotonic() - started < 2.5
