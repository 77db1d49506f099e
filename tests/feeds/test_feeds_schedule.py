"""Every feed on its own schedule: failing feeds back off and never stop the others; hostile,
broken, mis-declared and large feeds against the real poller and a real server."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import feedparser
import pytest
from feed_data import arabic_entry, english_entry, rss
from feed_server import FeedServer

from tarjama import Translator
from tarjama.feeds import FeedStore, Fetcher, Poller, Scheduler, backoff, parse_every

EVERY = 600.0


class Clock:
    """Wall time the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def _scheduler(
    store: FeedStore, fetcher: Fetcher, translator: Translator, clock: Clock, owner: str = "a"
) -> Scheduler:
    poller = Poller(store, fetcher, translator, clock=clock)
    return Scheduler(store, poller, clock=clock, owner=owner, workers=2)


def test_a_failing_feed_backs_off_exponentially_and_the_others_keep_their_schedule(
    server: FeedServer, store: FeedStore, fetcher: Fetcher, translator: Translator
) -> None:
    clock = Clock()
    good = server.serve("/good.rss", rss([arabic_entry(0)]))
    bad = server.serve("/bad.rss", "", status=500)
    store.add("good", good, every=EVERY, full_text=False, now=clock.now)
    store.add("bad", bad, every=EVERY, full_text=False, now=clock.now)
    scheduler = _scheduler(store, fetcher, translator, clock)

    waits = []
    for _ in range(4):
        reports = {r.name: r for r in scheduler.run_once(due_only=True)}
        assert reports["bad"].status == "failed" and "answered 500" in (reports["bad"].error or "")
        bad_feed = store.get("bad")
        waits.append(bad_feed.next_poll - clock.now)
        assert store.get("good").last_status in ("updated", "not modified")
        clock.now = bad_feed.next_poll  # the next time the bad feed is due
    assert waits == [2 * EVERY, 4 * EVERY, 8 * EVERY, 16 * EVERY]
    assert store.get("bad").failures == 4

    server.serve("/bad.rss", rss([arabic_entry(1)]))  # back up
    (report,) = [r for r in scheduler.run_once(due_only=True) if r.name == "bad"]
    assert report.status == "updated"
    healed = store.get("bad")
    assert healed.failures == 0 and healed.last_error is None
    assert healed.next_poll == clock.now + EVERY


def test_the_back_off_is_capped() -> None:
    assert backoff(EVERY, 0) == EVERY
    assert backoff(EVERY, 40) == 6 * 3600
    assert backoff(2 * 86400, 3) == 2 * 86400  # never sooner than the feed's own interval
    assert parse_every("15m") == 900 and parse_every("2h") == 7200 and parse_every("90s") == 90


def test_a_feed_another_poller_holds_is_left_to_it(
    server: FeedServer, store: FeedStore, fetcher: Fetcher, translator: Translator
) -> None:
    clock = Clock()
    url = server.serve("/news.rss", rss([arabic_entry(0)]))
    store.add("news", url, every=EVERY, full_text=False, now=clock.now)
    (held,) = store.claim(clock.now, "other-process", lease=60)
    assert held.name == "news"

    mine = _scheduler(store, fetcher, translator, clock, owner="me")
    assert mine.run_once() == [] and server.requests("/news.rss") == []
    clock.now += 61  # the other poller died: its claim runs out
    assert [r.status for r in mine.run_once()] == ["updated"]


def test_the_running_scheduler_polls_what_is_due_and_stops_when_told(
    server: FeedServer, store: FeedStore, fetcher: Fetcher, translator: Translator
) -> None:
    url = server.serve("/news.rss", rss([arabic_entry(0)]))
    store.add("news", url, every=EVERY, full_text=False, now=time.time())
    scheduler = Scheduler(store, Poller(store, fetcher, translator))
    stop = threading.Event()
    seen = []
    thread = threading.Thread(target=scheduler.run, args=(stop, seen.append))
    thread.start()
    deadline = time.monotonic() + 30
    while not seen and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join(5)
    assert not thread.is_alive()
    assert [r.status for r in seen] == ["updated"]
    assert store.get("news").next_poll > time.time() + EVERY - 60


# -- what real and hostile servers send ----------------------------------------------------

SECRET = "TOP-SECRET-51c7"
_LAUGHS = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))


def _hostile(kind: str, server: FeedServer, secret: Path) -> str:
    doctype = {
        "billion laughs": f'<!DOCTYPE rss [<!ENTITY l0 "lol">{_LAUGHS}]>',
        "external entity (file)": f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>',
        "external entity (URL)": f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{server.url}/leak">]>',
        "external DTD": f'<!DOCTYPE rss SYSTEM "{server.url}/evil.dtd">',
    }[kind]
    use = "&l9;" if kind == "billion laughs" else "&xxe;"
    feed = rss([arabic_entry(0)])
    feed = feed.replace("<rss ", doctype + "\n<rss ", 1)
    return feed.replace("<title>أخبار اليوم</title>", f"<title>{use}</title>", 1)


@pytest.mark.parametrize(
    "kind", ["billion laughs", "external entity (file)", "external entity (URL)", "external DTD"]
)
def test_hostile_feeds_fail_alone_reading_no_file_and_fetching_nothing(
    kind: str,
    server: FeedServer,
    store: FeedStore,
    fetcher: Fetcher,
    translator: Translator,
    tmp_path: Path,
) -> None:
    clock = Clock()
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    server.serve("/leak", "<!ENTITY leak 'fetched'>")
    server.serve("/evil.dtd", "<!ENTITY xxe 'fetched'>")
    hostile = server.serve("/hostile.rss", _hostile(kind, server, secret))
    good = server.serve("/good.rss", rss([arabic_entry(1)]))
    store.add("hostile", hostile, every=EVERY, full_text=False, now=clock.now)
    store.add("good", good, every=EVERY, full_text=False, now=clock.now)

    started = time.monotonic()
    reports = {r.name: r for r in _scheduler(store, fetcher, translator, clock).run_once()}

    assert time.monotonic() - started < 30
    assert reports["hostile"].status == "failed", reports["hostile"]
    assert "cannot be read as a feed" in (reports["hostile"].error or "")
    assert "refused" in (reports["hostile"].error or "")
    assert reports["good"].status == "updated"
    assert server.requests("/leak") == [] and server.requests("/evil.dtd") == []
    assert SECRET.encode() not in store.path.read_bytes()
    _feed, source, english = store.english("hostile")
    assert source is None and english is None
    assert store.items("hostile") == []


def test_a_wrong_charset_and_bare_ampersands_are_repaired_and_said(
    server: FeedServer, store: FeedStore, fetcher: Fetcher, translator: Translator
) -> None:
    clock = Clock()
    messy = rss([arabic_entry(0), arabic_entry(1)], encoding="ISO-8859-1")  # bytes are UTF-8
    messy = messy.replace("<title>أخبار اليوم</title>", "<title>أخبار & تقارير</title>")
    url = server.serve("/messy.rss", messy, content_type="application/rss+xml")
    store.add("messy", url, every=EVERY, full_text=False, now=clock.now)

    (report,) = _scheduler(store, fetcher, translator, clock).run_once()

    assert report.status == "updated" and report.translated == 2
    feed = store.get("messy")
    said = " ".join(feed.warnings).lower()
    assert "iso-8859-1" in said and "&" in said
    _feed, _source, english = store.english("messy")
    parsed = feedparser.parse(english)
    assert not parsed.bozo and [e.id for e in parsed.entries] == ["urn:news:0", "urn:news:1"]


def test_a_5_mb_feed_is_polled(
    server: FeedServer, store: FeedStore, fetcher: Fetcher, translator: Translator
) -> None:
    clock = Clock()
    entries = [arabic_entry(0)] + [english_entry(n, repeat=70) for n in range(1, 2_600)]
    big = rss(entries)
    assert len(big.encode()) > 5_000_000
    url = server.serve("/big.rss", big)
    store.add("big", url, every=EVERY, full_text=False, now=clock.now)

    (report,) = _scheduler(store, fetcher, translator, clock).run_once()

    assert (report.status, report.new, report.translated) == ("updated", 2_600, 1)
    _feed, _source, english = store.english("big")
    assert english is not None and len(feedparser.parse(english).entries) == 2_600
