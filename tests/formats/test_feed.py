"""Feeds as a format: the four hand-written Arabic feeds in ``data/feeds`` read and rendered.

Each feed is what a news site publishes: RSS 2.0 with ``content:encoded``, Media RSS, CDATA,
HTML in a title and a per-item ``dc:language`` (one item English); RSS 1.0 (RDF); Atom 1.0
with ``xml:lang`` and html/xhtml content; JSON Feed 1.1. The English is checked by reading it
back with feedparser (JSON Feed: with :mod:`json`, feedparser 6 does not read it).
"""

from __future__ import annotations

import html
import io
import json
from pathlib import Path

import feedparser
import pytest

from tarjama.document import Document
from tarjama.errors import ConfigurationError, InputError
from tarjama.formats import (
    detect_format,
    read_document,
    read_document_bytes,
    render_document,
    render_document_bytes,
)
from tarjama.formats.feed import feed_items, feed_kind_of, feed_title, read_feed, render_feed

from .helpers import english, identity

FEEDS = Path(__file__).parent / "data" / "feeds"
XML_FEEDS = ["rss2.xml", "rss1.rdf", "atom.xml"]
ALL_FEEDS = [*XML_FEEDS, "jsonfeed.json"]


def load(name: str) -> tuple[bytes, Document]:
    data = (FEEDS / name).read_bytes()
    return data, read_document_bytes(data, name=name)


def parsed(data: bytes) -> feedparser.FeedParserDict:
    result = feedparser.parse(io.BytesIO(data))
    assert not result.bozo, result.get("bozo_exception")
    return result


@pytest.mark.parametrize("name", ALL_FEEDS)
def test_an_identity_render_gives_back_the_same_bytes(name: str) -> None:
    data, document = load(name)
    assert document.format == "feed"
    assert document.blocks
    assert render_document_bytes(document, identity(document)) == data
    assert render_document_bytes(document, {}) == data


@pytest.mark.parametrize("name", XML_FEEDS)
def test_english_xml_feeds_parse_back_with_the_same_items(name: str) -> None:
    data, document = load(name)
    source = parsed(data)
    out = parsed(render_document_bytes(document, english(document)))
    assert out.version == source.version
    assert len(out.entries) == len(source.entries)
    for before, after in zip(source.entries, out.entries, strict=True):
        assert (after.get("id"), after.get("link")) == (before.get("id"), before.get("link"))
        assert after.get("published") == before.get("published")
        assert after.get("enclosures") == before.get("enclosures")
        assert [t.term for t in after.get("tags", [])] == [t.term for t in before.get("tags", [])]
    arabic = [i for i in feed_items(document) if i.arabic]
    for item in arabic:
        entry = out.entries[item.index - 1]
        assert "EN:" in entry.title
        text = entry.get("summary", "") + "".join(c.value for c in entry.get("content", []))
        assert "EN:" in text
    assert out.feed.title.startswith("EN:")
    assert out.feed.get("language", "en") == "en"


def test_rss2_fields_blocks_and_html_kept() -> None:
    _, document = load("rss2.xml")
    ids = [block.id for block in document.blocks]
    assert ids[:3] == ["feed.title", "feed.description", "i1.title"]
    assert {"i1.content.t1", "i1.content.a1", "i1.media:title", "i1.media:description.t1"} <= set(
        ids
    )
    by_id = {block.id: block for block in document.blocks}
    assert by_id["i1.content.a1"].kind == "attribute:alt"
    assert by_id["i1.title"].kind == "title"
    # HTML in a title (escaped <b>) is read as HTML: its words are blocks, the tag is not
    assert by_id["i2.title.t1"].text == "عاجل:"
    assert "&" in by_id["i2.title.t2"].text
    english_feed = render_document(document, english(document))
    assert '<p dir="ltr">EN:كشفت' in english_feed  # tags kept, direction switched
    assert 'alt="EN:بوتين خلال اجتماع في الكرملين"' in english_feed
    assert "&lt;b&gt;EN:عاجل:&lt;/b&gt;" in english_feed
    assert "<language>en</language>" in english_feed
    assert '<enclosure url="https://news.example.com/audio/118342.mp3" length="2387412"' in (
        english_feed
    )
    assert "<category>أوكرانيا</category>" in english_feed  # category terms are kept


def test_items_that_are_not_arabic_pass_through_untouched_and_are_marked() -> None:
    data, document = load("rss2.xml")
    items = feed_items(document)
    english_item = items[2]
    assert (english_item.arabic, english_item.reason, english_item.language) == (
        False,
        "language en",
        "en",
    )
    assert english_item.block_ids == ()
    assert not any(block.id.startswith(english_item.prefix) for block in document.blocks)
    assert document.meta["warnings"] == (
        "1 of 4 items are not Arabic and pass through untouched: i3 (language en)",
    )
    text = data.decode()
    start = text.index("<item>", text.index("news-example-118339-en") - 300)
    end = text.index("</item>", start)
    assert text[start:end] in render_document(document, english(document))
    _, atom = load("atom.xml")
    assert [i.reason for i in feed_items(atom)] == ["", "", "language en"]
    _, json_feed = load("jsonfeed.json")
    assert [i.arabic for i in feed_items(json_feed)] == [True, True, False]


def test_an_item_without_a_language_but_without_arabic_is_not_arabic() -> None:
    feed = (
        '<rss version="2.0"><channel><title>أخبار</title>'
        "<item><title>Markets close higher</title><guid>a</guid></item>"
        "<item><title>Talks in Cairo: «وقف إطلاق النار» is the goal of all sides</title>"
        "<guid>b</guid></item>"
        "<item><title>قال الرئيس</title><guid>c</guid></item></channel></rss>"
    )
    document = read_document(feed, "feed")
    assert [(i.key, i.arabic, i.reason) for i in feed_items(document)] == [
        ("a", False, "no Arabic text"),
        ("b", False, "mostly not Arabic"),
        ("c", True, ""),
    ]
    assert [block.id for block in document.blocks] == ["feed.title", "i3.title"]


def test_atom_xml_lang_and_xhtml_content() -> None:
    _, document = load("atom.xml")
    by_id = {block.id: block for block in document.blocks}
    assert by_id["i2.content.t2"].text == "ثلاث دول"
    assert by_id["i2.content.a1"].text == "الوزير لدى وصوله"
    out = render_document(document, english(document))
    assert '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media' in out
    assert 'xml:lang="en">' in out.splitlines()[1]
    assert "<strong>EN:ثلاث دول</strong>" in out  # XHTML spliced as markup
    assert '<entry xml:lang="en">\n    <title>Foreign minister arrives in Amman</title>' in out
    assert '<category term="politics" label="سياسة"/>' in out  # not a translated field


def test_an_xhtml_field_switches_its_own_language_and_direction() -> None:
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar"><entry><id>e</id>'
        '<title>عنوان</title><content type="xhtml">'
        '<div xmlns="http://www.w3.org/1999/xhtml" xml:lang="ar" dir="rtl"><p>نص الخبر</p></div>'
        "</content></entry></feed>"
    )
    document = read_document(atom, "feed")
    everything = render_feed(document, {b.id: "EN" for b in document.blocks})
    assert '<div xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" dir="ltr"><p>EN</p>' in (
        everything
    )
    title_only = render_feed(document, {"i1.title": "EN"})
    assert title_only.startswith('<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">')
    assert '<div xmlns="http://www.w3.org/1999/xhtml" xml:lang="ar" dir="rtl">' in title_only


def test_json_feed_english_keeps_everything_else() -> None:
    data, document = load("jsonfeed.json")
    source = json.loads(data)
    out = json.loads(render_document_bytes(document, english(document)))
    assert out["language"] == "en"
    assert out["title"].startswith("EN:")
    assert len(out["items"]) == len(source["items"])
    for before, after in zip(source["items"], out["items"], strict=True):
        assert {k: v for k, v in after.items() if k not in _TRANSLATED} == {
            k: v for k, v in before.items() if k not in _TRANSLATED
        }
        assert after.get("language") == {"ar": "en"}.get(
            before.get("language"), before.get("language")
        )
    assert out["items"][0]["content_html"].startswith("<p>EN:افتتح")
    assert "<strong>EN:600 دار نشر</strong>" in out["items"][0]["content_html"]
    assert out["items"][1]["content_text"].startswith("EN:أعلن")
    assert out["items"][2] == source["items"][2]


_TRANSLATED = {"title", "summary", "content_html", "content_text", "language"}


def test_rendering_a_subset_of_blocks_leaves_the_rest_as_source() -> None:
    data, document = load("rss2.xml")
    fourth = feed_items(document)[3]
    targets = {block_id: "EN" for block_id in fourth.block_ids}
    out = parsed(render_document_bytes(document, targets))
    assert [e.title for e in out.entries] == [
        parsed(data).entries[0].title,
        parsed(data).entries[1].title,
        "Zelensky: security guarantees are the key to peace",
        "EN",
    ]
    assert out.feed.title == "الأخبار - العالم"
    assert out.feed.language == "en"  # something in the feed is English now
    first = feed_items(document)[0]
    dc = "<dc:language>ar</dc:language>"
    assert dc in render_feed(document, targets)  # item 1 was not translated: still Arabic
    assert dc not in render_feed(document, {first.block_ids[0]: "EN"})


def test_cdata_text_and_english_that_needs_escaping() -> None:
    feed = (
        '<rss version="2.0"><channel><item><guid>g</guid>'
        "<title>  <![CDATA[قال الرئيس]]>  </title>"
        "<description>قال &amp; الرئيس &#1575;</description></item></channel></rss>"
    )
    document = read_document(feed, "feed")
    assert [block.text for block in document.blocks] == ["قال الرئيس", "قال & الرئيس ا"]
    nasty = "a ]]> b & <c> \x01"
    out = render_feed(document, {block.id: nasty for block in document.blocks})
    # RSS leaves readers to guess HTML, and "<c>" looks like a tag: the English is written as
    # HTML text (inside the CDATA, or escaped once more outside it)
    assert "<title>  <![CDATA[a ]]&gt; b &amp; &lt;c&gt; ]]>  </title>" in out
    assert "<description>a ]]&amp;gt; b &amp;amp; &amp;lt;c&amp;gt; </description>" in out
    entry = parsed(out.encode()).entries[0]
    shown = {html.unescape(entry.title).strip(), html.unescape(entry.summary).strip()}
    assert shown == {"a ]]> b & <c>"}  # what a reader shows for both
    # a field the feed says is text keeps its CDATA; "]]>" is split across two sections
    atom = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>e</id>'
        "<title><![CDATA[قال الرئيس]]></title></entry></feed>"
    )
    document = read_document(atom, "feed")
    out = render_feed(document, {document.blocks[0].id: nasty})
    assert "<title><![CDATA[a ]]]]><![CDATA[> b & <c> ]]></title>" in out
    assert parsed(out.encode()).entries[0].title == "a ]]> b & <c>"


def test_items_have_stable_keys_and_content_hashes() -> None:
    _, document = load("rss2.xml")
    items = feed_items(document)
    assert [i.key for i in items] == [
        "news-example-118342",
        "https://news.example.com/world/2025/08/19/trump-guarantees",
        "news-example-118339-en",
        "news-example-118339",
    ]
    assert items[0].link == "https://news.example.com/world/2025/08/19/putin-zelensky"
    assert items[0].title == "بوتين يقترح لقاء زيلينسكي في موسكو"
    assert all(b.startswith("i1.") for b in items[0].block_ids)
    assert feed_title(document) == "الأخبار - العالم"
    assert feed_kind_of(document) == "rss"
    _, rdf = load("rss1.rdf")
    assert feed_items(rdf)[0].key == "https://agency.example.org/ar/economy/5501"  # rdf:about
    # a new item on top: the old items keep their keys and hashes, their fields their names
    text = (FEEDS / "rss2.xml").read_text(encoding="utf-8")
    newer = text.replace(
        "<item>",
        "<item><title>خبر جديد</title><guid>new-1</guid></item>\n    <item>",
        1,
    )
    moved = feed_items(read_document(newer, "feed"))
    assert [(i.key, i.content_hash) for i in moved[1:]] == [(i.key, i.content_hash) for i in items]
    assert [b.removeprefix(moved[1].prefix) for b in moved[1].block_ids] == [
        b.removeprefix(items[0].prefix) for b in items[0].block_ids
    ]
    edited = feed_items(read_document(text.replace("رفض ذلك", "وافق على ذلك"), "feed"))
    assert edited[0].content_hash != items[0].content_hash
    assert [i.content_hash for i in edited[1:]] == [i.content_hash for i in items[1:]]


def test_an_item_without_guid_or_link_is_keyed_by_title_and_date() -> None:
    feed = (
        '<rss version="2.0"><channel><item><title>قال الرئيس</title>'
        "<pubDate>Tue, 19 Aug 2025 08:15:00 +0300</pubDate></item></channel></rss>"
    )
    key = feed_items(read_feed(feed))[0].key
    assert key.startswith("sha256:")
    assert (
        key == feed_items(read_feed(feed.replace("<channel>", "<channel><title>x</title>")))[0].key
    )
    assert key != feed_items(read_feed(feed.replace("08:15", "08:16")))[0].key


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("news.rss", "anything", "feed"),
        ("news.atom", "anything", "feed"),
        ("news.xml", '<?xml version="1.0"?>\n<!-- hi -->\n<rss version="2.0">', "feed"),
        ("feed", '<feed xmlns="http://www.w3.org/2005/Atom">', "feed"),
        ("x.xml", '<rdf:RDF xmlns="http://purl.org/rss/1.0/">', "feed"),
        ("f.json", '{"version": "https://jsonfeed.org/version/1.1", "items": []}', "feed"),
        ("f.json", '{"version": "1.1", "items": []}', "json"),
        ("page.html", "<html><body><p>rss</p></body></html>", "html"),
        ("x.xml", '<feed xmlns="urn:something-else">', "text"),
        ("a.txt", '<rss version="2.0">', "text"),
    ],
)
def test_feeds_are_detected_by_extension_and_content(name: str, text: str, expected: str) -> None:
    assert detect_format(name, text) == expected


def test_format_feed_by_name_and_what_it_refuses() -> None:
    data = (FEEDS / "jsonfeed.json").read_bytes()
    assert read_document_bytes(data, "feed", name="x.txt").format == "feed"
    assert read_document(data.decode(), "feed").format == "feed"
    with pytest.raises(ConfigurationError, match="not to feed"):
        read_document_bytes(data, "feed", fields=["title"])
    # fields name JSON keys: a JSON Feed given with fields is read as the JSON it also is
    as_json = read_document_bytes(data, name="culture.json", fields=["title"])
    assert as_json.format == "json"
    assert [block.id for block in as_json.blocks][:2] == ["/title", "/items/0/title"]
    with pytest.raises(InputError, match="not a JSON Feed"):
        read_document('{"version": "1", "items": []}', "feed", name="x.json")
    with pytest.raises(InputError, match="root element is <html>, not <rss>"):
        read_document("<html><body>قال</body></html>", "feed", name="page.xml")
    with pytest.raises(InputError, match="empty"):
        read_document_bytes(b"  \n", "feed", name="empty.rss")
