"""Fetching feeds from a real HTTP server on loopback: conditional, bounded, retried."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from feed_server import FeedServer, feed_server

from tarjama.errors import ConfigurationError
from tarjama.feeds import Fetcher, FetchError


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with feed_server() as running:
        yield running


def test_a_second_fetch_is_conditional_and_a_304_has_no_body(server: FeedServer) -> None:
    url = server.serve("/a.xml", "<rss/>")
    with Fetcher(backoff=0) as fetcher:
        first = fetcher.fetch(url)
        second = fetcher.fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert first.status == 200 and first.body == b"<rss/>" and first.etag
    assert second.not_modified and second.body == b""
    asked = server.requests("/a.xml")
    assert "If-None-Match" not in asked[0].headers
    assert asked[1].headers["If-None-Match"] == first.etag
    assert asked[1].headers["If-Modified-Since"] == first.last_modified


def test_last_modified_alone_is_enough_for_a_304(server: FeedServer) -> None:
    url = server.serve("/a.xml", "<rss/>")
    with Fetcher(backoff=0) as fetcher:
        first = fetcher.fetch(url)
        again = fetcher.fetch(url, last_modified=first.last_modified)
    assert again.not_modified


def test_a_500_is_tried_again_then_reported_with_its_url(server: FeedServer) -> None:
    url = server.serve("/down.xml", "", status=500)
    with Fetcher(attempts=3, backoff=0) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(url)
    assert caught.value.status == 500 and url in str(caught.value)
    assert len(server.requests("/down.xml")) == 3


def test_a_404_is_not_tried_again(server: FeedServer) -> None:
    with Fetcher(attempts=3, backoff=0) as fetcher, pytest.raises(FetchError, match="404"):
        fetcher.fetch(server.url + "/missing.xml")
    assert len(server.requests("/missing.xml")) == 1


def test_a_slow_answer_is_cut_off_at_the_timeout(server: FeedServer) -> None:
    url = server.serve("/slow.xml", "<rss/>", delay=3)
    started = time.monotonic()
    with Fetcher(timeout=0.5, attempts=1) as fetcher, pytest.raises(FetchError, match="longer"):
        fetcher.fetch(url)
    assert time.monotonic() - started < 2.5


def test_a_5_mb_feed_is_read_and_a_50_mb_one_refused_unread(server: FeedServer) -> None:
    five = b"<rss>" + b"x" * 5_000_000 + b"</rss>"
    ok = server.serve("/five.xml", five)
    big = server.serve("/fifty.xml", b"y" * 50_000_000)
    with Fetcher(backoff=0) as fetcher:
        assert fetcher.fetch(ok).body == five
        with pytest.raises(FetchError, match="larger than the 20 MB"):
            fetcher.fetch(big)
    assert len(server.requests("/fifty.xml")) == 1  # refused, not retried


def test_redirects_are_followed_and_the_final_url_kept(server: FeedServer) -> None:
    target = server.serve("/new.xml", "<feed/>")
    old = server.serve("/old.xml", "", status=301, conditional=False, headers={"Location": target})
    with Fetcher(backoff=0) as fetcher:
        got = fetcher.fetch(old)
    assert got.body == b"<feed/>" and got.url == target


def test_a_redirect_to_a_local_file_is_refused(server: FeedServer) -> None:
    sly = server.serve(
        "/sly.xml", "", status=302, conditional=False, headers={"Location": "file:///etc/passwd"}
    )
    with Fetcher(backoff=0) as fetcher, pytest.raises(FetchError, match="not http"):
        fetcher.fetch(sly)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/feed", "feed.xml"])
def test_only_http_urls_are_fetched(url: str) -> None:
    with Fetcher() as fetcher, pytest.raises(ConfigurationError, match="http"):
        fetcher.fetch(url)


def test_nobody_listening_is_a_fetch_error() -> None:
    with (
        Fetcher(attempts=2, backoff=0, timeout=2) as fetcher,
        pytest.raises(FetchError, match="cannot be reached"),
    ):
        fetcher.fetch("http://127.0.0.1:9/feed.xml")
