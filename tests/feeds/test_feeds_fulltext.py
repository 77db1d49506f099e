"""``--full-text``: each new Arabic item's article fetched from its link, its main text extracted
(trafilatura) and translated; a page that fails is recorded against its item, never the poll."""

from __future__ import annotations

from dataclasses import replace
from html import escape

from engine_counter import Counting
from feed_data import SENTENCES, arabic_entry, rss
from feed_server import FeedServer

from tarjama import Translator
from tarjama.feeds import FeedStore, Fetcher, Poller, full_text_step

NOW = 1_700_000_000.0
MENU = "الرئيسية سياسة اقتصاد رياضة اتصل بنا"
FOOTER = "جميع الحقوق محفوظة لموقع الأخبار"


def article_page(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        '<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f"<title>خبر</title></head><body><nav><a href='/'>{MENU}</a></nav>"
        f"<article><h1>{escape(paragraphs[0])}</h1>{body}</article>"
        f"<footer>{FOOTER}</footer></body></html>"
    )


def test_full_text_items_get_their_article_translated_and_a_broken_link_is_noted(
    server: FeedServer,
    store: FeedStore,
    fetcher: Fetcher,
    translator: Translator,
    counting: Counting,
) -> None:
    paragraphs = [" ".join(SENTENCES[i : i + 3]) for i in range(0, 6, 2)]
    page = server.serve("/story/0", article_page(paragraphs), content_type="text/html")
    entries = [
        replace(arabic_entry(0), link=page),
        replace(arabic_entry(1), link=server.url + "/story/gone"),
    ]
    url = server.serve("/news.rss", rss(entries))
    store.add("news", url, every=900, full_text=True, now=NOW)
    poller = Poller(
        store,
        fetcher,
        translator,
        clock=lambda: NOW,
        on_translated=full_text_step(store, fetcher, translator),
    )

    report = poller(store.get("news"))

    assert report.status == "updated" and report.translated == 2
    story = store.item("news", "urn:news:0")
    assert story is not None and story.full_text is not None
    assert all(p in story.full_text for p in paragraphs)
    assert MENU not in story.full_text and FOOTER not in story.full_text
    assert story.full_text_en and story.full_text_en.count("\n\n") >= 2  # paragraph for paragraph
    assert SENTENCES[5] in counting.seen  # a sentence only the article has
    gone = store.item("news", "urn:news:1")
    assert gone is not None and gone.full_text is None
    assert gone.full_text_error is not None and "404" in gone.full_text_error
    assert gone.title_en  # the item's own English is there all the same

    # unchanged on the next poll: neither the feed's items nor the article go to the engine
    calls = counting.calls
    server.serve("/news.rss", rss(entries), conditional=False)
    assert poller(store.get("news")).translated == 0
    assert counting.calls == calls and len(server.requests("/story/0")) == 1


def test_feeds_without_full_text_never_fetch_the_links(
    server: FeedServer, store: FeedStore, fetcher: Fetcher, translator: Translator
) -> None:
    page = server.serve("/story/0", article_page(SENTENCES[:2]), content_type="text/html")
    url = server.serve("/news.rss", rss([replace(arabic_entry(0), link=page)]))
    store.add("news", url, every=900, full_text=False, now=NOW)
    poller = Poller(
        store, fetcher, translator, on_translated=full_text_step(store, fetcher, translator)
    )
    assert poller(store.get("news")).translated == 1
    assert server.requests("/story/0") == []
    item = store.item("news", "urn:news:0")
    assert item is not None and item.full_text is None and item.full_text_error is None
