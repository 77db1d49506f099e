"""``tarjama feeds add|list|remove|run --once`` as a user runs them, against a real feed server."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
from feed_data import arabic_entry, english_entry, rss
from feed_server import FeedServer
from feeds_command import tarjama

from tarjama.feeds import FeedStore


def test_add_list_run_once_and_remove(
    server: FeedServer, tmp_path: Path, tiny_marian_ct2: Path
) -> None:
    good = server.serve("/news.rss", rss([arabic_entry(0), english_entry(1)]))
    down = server.serve("/down.rss", "", status=500)

    added = tarjama(tmp_path, "add", "news", good, "--every", "30m")
    assert added.returncode == 0, added.stderr
    assert "watching news every 30m" in added.stderr
    assert tarjama(tmp_path, "add", "down", down, "--every", "1h").returncode == 0

    ran = tarjama(tmp_path, "run", "--once", "--model", str(tiny_marian_ct2))
    # one feed failed: reported, the other polled all the same, and the exit code says so
    assert ran.returncode == 1, ran.stderr
    assert "news: 2 new, 0 changed, 0 gone, 1 translated" in ran.stderr
    assert f"down: failed: {down} answered 500" in ran.stderr
    assert "Traceback" not in ran.stderr

    listed = tarjama(tmp_path, "list", "--json")
    feeds = {f["name"]: f for f in json.loads(listed.stdout)}
    assert feeds["news"]["items"] == 2 and feeds["news"]["last_status"] == "updated"
    assert feeds["news"]["every"] == 1800
    assert feeds["down"]["failures"] == 1 and feeds["down"]["last_status"] == "failed"
    # backed off: twice its interval after one failure
    assert feeds["down"]["next_poll"] - feeds["down"]["last_poll"] == 7200

    table = tarjama(tmp_path, "list")
    assert table.returncode == 0 and "news" in table.stdout and "failed ×1" in table.stdout

    with FeedStore(tmp_path / "feeds.sqlite") as store:
        _feed, _source, english = store.english("news")
    assert english is not None
    parsed = feedparser.parse(english)
    assert not parsed.bozo and [e.id for e in parsed.entries] == ["urn:news:0", "urn:news:en:1"]

    again = tarjama(tmp_path, "run", "--once", "--json", "--model", str(tiny_marian_ct2))
    reports = {r["name"]: r for r in json.loads(again.stdout)}
    assert reports["news"]["status"] == "not modified"

    assert tarjama(tmp_path, "remove", "down").returncode == 0
    gone = tarjama(tmp_path, "remove", "down")
    assert gone.returncode == 5 and "no feed called 'down' (watched: news)" in gone.stderr


def test_bad_names_urls_and_intervals_are_one_line_each(tmp_path: Path) -> None:
    cases = [
        (("add", "a/b", "http://x/feed"), "feed name 'a/b' is not usable"),
        (("add", "ok", "file:///etc/passwd"), "is not an http:// or https:// URL"),
        (("add", "ok", "http://x/feed", "--every", "often"), "is not an interval"),
        (("add", "ok", "http://x/feed", "--every", "1s"), "too short"),
    ]
    for args, message in cases:
        result = tarjama(tmp_path, *args)
        assert result.returncode == 5, result.stderr
        assert message in result.stderr and "Traceback" not in result.stderr
    assert tarjama(tmp_path, "add", "ok", "http://x/feed").returncode == 0
    twice = tarjama(tmp_path, "add", "ok", "http://x/other")
    assert twice.returncode == 5 and "already watched" in twice.stderr
