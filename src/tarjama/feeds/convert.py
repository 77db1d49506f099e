"""The English feed in another syntax: ``/feeds/NAME.xml?format=rss|atom|json``.

The English feed is published in its source's syntax, spliced byte for byte around the English
(:mod:`tarjama.formats.feed`): that is the faithful copy. A reader whose software takes only one
syntax asks for another, and gets a new feed built from what every syntax shares: the feed's
title, link, description and language; each item's id, title, link, dates, summary, content
(HTML), authors, categories and enclosures. Extensions (media, Dublin Core beyond the date,
podcast tags) are left out of a conversion.

An XML feed is read back with feedparser (the English feed is our own well-formed output, and
feedparser also cleans the HTML it carries); a JSON Feed with :mod:`json` (the released
feedparser does not read JSON Feed). RSS and Atom are written with ElementTree, which escapes
what it writes; JSON Feed with :mod:`json`.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any

from tarjama.errors import ConfigurationError, InputError

__all__ = ["FORMATS", "MEDIA_TYPES", "FeedData", "ItemData", "convert_feed", "read_feed_data"]

FORMATS = ("rss", "atom", "json")
MEDIA_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
_ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("content", "http://purl.org/rss/1.0/modules/content/")
ET.register_namespace("dc", "http://purl.org/dc/elements/1.1/")
_JSON_FEED = "https://jsonfeed.org/version/1.1"


@dataclass(frozen=True)
class ItemData:
    id: str
    title: str = ""
    link: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    summary: str = ""
    content: str = ""
    """HTML"""
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    enclosures: tuple[tuple[str, str, str], ...] = ()
    """(url, media type, length in bytes)"""


@dataclass(frozen=True)
class FeedData:
    title: str = ""
    link: str = ""
    description: str = ""
    language: str = "en"
    items: tuple[ItemData, ...] = field(default=())


def convert_feed(data: bytes, source_kind: str, to: str, *, self_url: str = "") -> bytes:
    """``data`` (a feed of syntax ``source_kind``) rewritten as ``to`` (rss, atom or json)."""
    if to not in FORMATS:
        raise ConfigurationError(f"unknown feed format {to!r}; one of {', '.join(FORMATS)}")
    feed = read_feed_data(data, source_kind)
    if to == "rss":
        return _rss(feed)
    if to == "atom":
        return _atom(feed, self_url)
    return _json(feed, self_url)


# -- reading -------------------------------------------------------------------------------


def read_feed_data(data: bytes, kind: str) -> FeedData:
    """What every syntax shares, read from a feed of syntax ``kind``."""
    if kind == "json":
        return _from_json(data)
    return _from_xml(data)


def _when(parsed: Any) -> datetime | None:
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc)


def _from_xml(data: bytes) -> FeedData:
    import feedparser  # type: ignore[import-untyped, unused-ignore]

    parsed = feedparser.parse(data)
    if parsed.get("bozo") and not parsed.entries and not parsed.feed:
        raise InputError(f"the English feed cannot be read back: {parsed.get('bozo_exception')}")
    head = parsed.feed
    items = []
    for entry in parsed.entries:
        content = entry.get("content") or []
        items.append(
            ItemData(
                id=str(entry.get("id") or entry.get("link") or ""),
                title=str(entry.get("title", "")),
                link=str(entry.get("link", "")),
                published=_when(entry.get("published_parsed")),
                updated=_when(dict.get(entry, "updated_parsed")),  # no fallback to published
                summary=str(entry.get("summary", "")),
                content=str(content[0].get("value", "")) if content else "",
                authors=tuple(
                    str(a.get("name") or a.get("email") or "")
                    for a in entry.get("authors", [])
                    if a.get("name") or a.get("email")
                ),
                tags=tuple(str(t.get("term")) for t in entry.get("tags", []) if t.get("term")),
                enclosures=tuple(
                    (str(e.get("href", "")), str(e.get("type", "")), str(e.get("length", "")))
                    for e in entry.get("enclosures", [])
                    if e.get("href")
                ),
            )
        )
    return FeedData(
        title=str(head.get("title", "")),
        link=str(head.get("link", "")),
        description=str(head.get("subtitle", "")),
        language=str(head.get("language") or "en"),
        items=tuple(items),
    )


def _iso(text: object) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _from_json(data: bytes) -> FeedData:
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"the English feed is not JSON: {exc}") from exc
    if not isinstance(document, Mapping):
        raise InputError("the English feed is not a JSON Feed object")
    items = []
    for item in document.get("items") or []:
        if not isinstance(item, Mapping):
            continue
        html = item.get("content_html")
        text = item.get("content_text")
        content = html if isinstance(html, str) else _paragraphs(text)
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        items.append(
            ItemData(
                id=str(item.get("id", "")),
                title=str(item.get("title", "")),
                link=str(item.get("url", "")),
                published=_iso(item.get("date_published")),
                updated=_iso(item.get("date_modified")),
                summary=str(item.get("summary", "")),
                content=content,
                authors=tuple(
                    str(a.get("name")) for a in authors if isinstance(a, Mapping) and a.get("name")
                ),
                tags=tuple(str(t) for t in item.get("tags") or [] if isinstance(t, str)),
                enclosures=tuple(
                    (
                        str(a.get("url", "")),
                        str(a.get("mime_type", "")),
                        str(a.get("size_in_bytes", "")),
                    )
                    for a in item.get("attachments") or []
                    if isinstance(a, Mapping) and a.get("url")
                ),
            )
        )
    return FeedData(
        title=str(document.get("title", "")),
        link=str(document.get("home_page_url", "")),
        description=str(document.get("description", "")),
        language=str(document.get("language") or "en"),
        items=tuple(items),
    )


def _paragraphs(text: object) -> str:
    """Plain text as HTML paragraphs (JSON Feed's ``content_text`` into RSS or Atom)."""
    if not isinstance(text, str) or not text.strip():
        return ""
    from html import escape

    return "".join(f"<p>{escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip())


# -- writing -------------------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, text: str = "", **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: v for k, v in attributes.items() if v})
    if text:
        element.text = text
    return element


def _xml(root: ET.Element) -> bytes:
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text + b"\n"


def _rss(feed: FeedData) -> bytes:
    content_tag = "{http://purl.org/rss/1.0/modules/content/}encoded"
    creator_tag = "{http://purl.org/dc/elements/1.1/}creator"
    rss = ET.Element("rss", {"version": "2.0"})
    channel = _sub(rss, "channel")
    _sub(channel, "title", feed.title)
    _sub(channel, "link", feed.link)
    _sub(channel, "description", feed.description or feed.title)
    _sub(channel, "language", feed.language)
    for item in feed.items:
        entry = _sub(channel, "item")
        _sub(entry, "title", item.title)
        _sub(entry, "link", item.link)
        if item.id:
            permalink = "true" if item.id == item.link else "false"
            _sub(entry, "guid", item.id, isPermaLink=permalink)
        when = item.published or item.updated
        if when is not None:
            _sub(entry, "pubDate", format_datetime(when, usegmt=True))
        _sub(entry, "description", item.summary or item.content)
        if item.content:
            _sub(entry, content_tag, item.content)
        for author in item.authors:
            _sub(entry, creator_tag, author)
        for tag in item.tags:
            _sub(entry, "category", tag)
        for url, media, length in item.enclosures[:1]:  # RSS allows one
            _sub(entry, "enclosure", url=url, type=media or "application/octet-stream",
                 length=length or "0")  # fmt: skip
    return _xml(rss)


def _rfc3339(when: datetime | None) -> str:
    moment = when or datetime.fromtimestamp(time.time(), tz=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _urn(text: str) -> str:
    return "urn:sha1:" + hashlib.sha1(text.encode("utf-8")).hexdigest()


def _atom(feed: FeedData, self_url: str) -> bytes:
    def tag(name: str) -> str:  # Atom's elements, in its default namespace declared below
        return name

    root = ET.Element("feed", {"xmlns": _ATOM, "xml:lang": feed.language})
    _sub(root, tag("title"), feed.title)
    if feed.description:
        _sub(root, tag("subtitle"), feed.description)
    _sub(root, tag("id"), self_url or feed.link or "urn:tarjama:feed")
    if feed.link:
        _sub(root, tag("link"), href=feed.link, rel="alternate")
    if self_url:
        _sub(root, tag("link"), href=self_url, rel="self")
    dates = [d for i in feed.items for d in (i.updated, i.published) if d is not None]
    _sub(root, tag("updated"), _rfc3339(max(dates) if dates else None))
    for item in feed.items:
        entry = _sub(root, tag("entry"))
        _sub(entry, tag("title"), item.title)
        _sub(entry, tag("id"), item.id or item.link or _urn(item.title))
        if item.link:
            _sub(entry, tag("link"), href=item.link, rel="alternate")
        _sub(entry, tag("updated"), _rfc3339(item.updated or item.published))
        if item.published is not None:
            _sub(entry, tag("published"), _rfc3339(item.published))
        for author in item.authors:
            _sub(_sub(entry, tag("author")), tag("name"), author)
        for term in item.tags:
            _sub(entry, tag("category"), term=term)
        if item.summary:
            _sub(entry, tag("summary"), item.summary, type="html")
        if item.content:
            _sub(entry, tag("content"), item.content, type="html")
        for url, media, length in item.enclosures:
            _sub(entry, tag("link"), href=url, rel="enclosure", type=media, length=length)
    return _xml(root)


def _json(feed: FeedData, self_url: str) -> bytes:
    document: dict[str, Any] = {"version": _JSON_FEED, "title": feed.title}
    if feed.link:
        document["home_page_url"] = feed.link
    if self_url:
        document["feed_url"] = self_url
    if feed.description:
        document["description"] = feed.description
    document["language"] = feed.language
    items = []
    for item in feed.items:
        entry: dict[str, Any] = {"id": item.id or item.link}
        if item.link:
            entry["url"] = item.link
        if item.title:
            entry["title"] = item.title
        entry["content_html"] = item.content or item.summary
        if item.summary and item.content:
            entry["summary"] = item.summary
        if item.published is not None:
            entry["date_published"] = _rfc3339(item.published)
        if item.updated is not None:
            entry["date_modified"] = _rfc3339(item.updated)
        if item.authors:
            entry["authors"] = [{"name": a} for a in item.authors]
        if item.tags:
            entry["tags"] = list(item.tags)
        if item.enclosures:
            entry["attachments"] = [
                {"url": url, "mime_type": media or "application/octet-stream"}
                | ({"size_in_bytes": int(length)} if length.isdigit() else {})
                for url, media, length in item.enclosures
            ]
        items.append(entry)
    document["items"] = items
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
