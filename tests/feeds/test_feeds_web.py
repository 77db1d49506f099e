"""The feeds page, end to end: a real server publishing what ``tarjama feeds run`` stored,
Debian's Chromium driven by Playwright.

Everything the page shows is compared with the JSON the server sent for it: the items in the
feed's order, the item that is not Arabic marked as passed through, and an opened item's Arabic
and English side by side, sentence by sentence, with a badge for every flag.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from feed_data import arabic_entry, english_entry, rss
from feed_server import FeedServer
from feeds_command import tarjama
from playwright.sync_api import Browser, Page

sys.path.insert(0, str(Path(__file__).parents[1] / "serve"))
from serving import Server, running_server

pytestmark = pytest.mark.timeout(300)

ENTRIES = [arabic_entry(0), english_entry(1), arabic_entry(2)]


@pytest.fixture
def watched(server: FeedServer, tmp_path: Path, tiny_marian_ct2: Path) -> Iterator[Server]:
    """A server whose store holds one polled feed (polled by its own process)."""
    home = tmp_path / "home"
    url = server.serve("/news.rss", rss(ENTRIES))
    assert tarjama(home, "add", "news", url).returncode == 0
    ran = tarjama(home, "run", "--once", "--model", str(tiny_marian_ct2))
    assert ran.returncode == 0, ran.stderr
    with running_server(tiny_marian_ct2, home) as running:
        yield running


@pytest.fixture
def page(browser: Browser, watched: Server) -> Iterator[Page]:
    context = browser.new_context(base_url=watched.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def test_the_feeds_page_lists_the_items_and_opens_one_side_by_side(page: Page) -> None:
    page.goto("/")
    with page.expect_response("**/web/feeds/list") as listed:
        page.click("text=Feeds →")
    data: dict[str, Any] = listed.value.json()
    page.wait_for_selector(".feed-item")

    (feed,) = data["feeds"]
    rows = page.locator(".feed-item")
    assert rows.count() == 3
    keys = page.eval_on_selector_all(".feed-item", "els => els.map(e => e.dataset.key)")
    assert keys == [e.guid for e in ENTRIES]
    assert "not Arabic: passed through" in rows.nth(1).inner_text()
    assert rows.nth(0).locator(".item-ar").inner_text() == ENTRIES[0].title
    assert rows.nth(0).locator(".item-en").inner_text() == feed["latest"][0]["title_en"]
    english = page.locator(".feed-links a").first
    assert english.get_attribute("href") == "/feeds/news.xml"

    with page.expect_response("**/web/feeds/item?**") as opened:
        rows.nth(0).locator("summary").click()
    item: dict[str, Any] = opened.value.json()
    page.wait_for_selector(".feed-item[open] .item-body .pair:not(.pair-head)")
    body = rows.nth(0).locator(".item-body")

    sources = body.locator(".pair:not(.pair-head) .src").all_inner_texts()
    assert [s.strip() for s in sources] == [b["source"] for b in item["blocks"]]
    segments = [s for b in item["blocks"] for s in b["segments"]]
    shown = body.locator(".tgt .seg .seg-text").all_inner_texts()
    assert shown == [s["target"] for s in segments]
    badges = body.locator(".tgt .flag").count()
    assert badges == sum(len(s["flags"]) for s in segments)
    # the Arabic of a sentence lights up its English
    body.locator(".src .seg").first.hover()
    assert body.locator(".tgt .seg.hl").count() == 1
