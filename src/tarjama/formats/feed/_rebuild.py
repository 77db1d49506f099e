"""A feed that no repair in place makes well-formed, read by feedparser and written afresh.

Mismatched or unclosed tags (``<br>`` in a title, a truncated download) stop an XML parser for
good, but feed readers still show such feeds, and feedparser, the maintained reference for
reading feeds tolerantly, is what they use. Its reading is written out again as a well-formed
RSS 2.0 (or Atom 1.0, for an Atom source) holding what it found: the feed's title, link,
description and language; each item's title, link, guid, date, author, categories, summary,
content and enclosures. What it did not understand is dropped, and the warning says so.

feedparser is only ever given bytes that have passed :func:`._repair.refuse_hostile` (no
entity declarations, no internal DTD subset, no nesting deeper than the policy's): it keeps
some entity declarations and hands the document to a SAX parser, which is not the project's
XML policy, and takes most of a minute over 100,000 nested elements. It is given a byte stream,
never a string, which it could take for a file name or a URL.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import feedparser

from tarjama.errors import InputError

__all__ = ["rebuild_feed"]

_RSS_OPEN = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>\n'
)


def _text(value: object) -> str:
    return escape(str(value or ""))


def _element(name: str, value: object, attributes: str = "") -> str:
    return f"<{name}{attributes}>{_text(value)}</{name}>\n" if value else ""


def _html_type(detail: Any) -> bool:
    kind = str((detail or {}).get("type", "text/plain"))
    return kind in ("text/html", "application/xhtml+xml")


def _rss(parsed: Any) -> str:
    feed = parsed.feed
    out = [_RSS_OPEN]
    out.append(_element("title", feed.get("title")))
    out.append(_element("link", feed.get("link")))
    out.append(_element("description", feed.get("subtitle")))
    out.append(_element("language", feed.get("language")))
    for entry in parsed.entries:
        out.append("<item>\n")
        out.append(_element("title", entry.get("title")))
        out.append(_element("link", entry.get("link")))
        if entry.get("id"):
            out.append(_element("guid", entry["id"], ' isPermaLink="false"'))
        out.append(_element("pubDate", entry.get("published") or entry.get("updated")))
        out.append(_element("dc:creator", entry.get("author")))
        out.append(_element("dc:language", entry.get("language")))
        for tag in entry.get("tags", []):
            out.append(_element("category", tag.get("term")))
        out.append(_element("description", entry.get("summary")))
        for content in entry.get("content", [])[:1]:
            if content.get("value") and content.get("value") != entry.get("summary"):
                out.append(_element("content:encoded", content["value"]))
        for enclosure in entry.get("enclosures", []):
            if enclosure.get("href"):
                attributes = "".join(
                    f" {key}={quoteattr(str(enclosure[name]))}"
                    for key, name in (("url", "href"), ("length", "length"), ("type", "type"))
                    if enclosure.get(name)
                )
                out.append(f"<enclosure{attributes}/>\n")
        out.append("</item>\n")
    out.append("</channel>\n</rss>\n")
    return "".join(out)


def _atom_text(name: str, value: object, detail: Any) -> str:
    if not value:
        return ""
    kind = ' type="html"' if _html_type(detail) else ""
    return f"<{name}{kind}>{_text(value)}</{name}>\n"


def _atom(parsed: Any) -> str:
    feed = parsed.feed
    language = feed.get("language")
    lang = f" xml:lang={quoteattr(language)}" if language else ""
    out = [
        f'<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"{lang}>\n'
    ]
    out.append(_atom_text("title", feed.get("title"), feed.get("title_detail")))
    out.append(_atom_text("subtitle", feed.get("subtitle"), feed.get("subtitle_detail")))
    out.append(_element("id", feed.get("id")))
    if feed.get("link"):
        out.append(f"<link href={quoteattr(feed['link'])}/>\n")
    out.append(_element("updated", feed.get("updated")))
    for entry in parsed.entries:
        entry_lang = entry.get("language")
        attributes = f" xml:lang={quoteattr(entry_lang)}" if entry_lang else ""
        out.append(f"<entry{attributes}>\n")
        out.append(_atom_text("title", entry.get("title"), entry.get("title_detail")))
        out.append(_element("id", entry.get("id")))
        if entry.get("link"):
            out.append(f"<link href={quoteattr(entry['link'])}/>\n")
        out.append(_element("published", entry.get("published")))
        out.append(_element("updated", entry.get("updated")))
        if entry.get("author"):
            out.append(f"<author>{_element('name', entry['author'])}</author>\n")
        for tag in entry.get("tags", []):
            if tag.get("term"):
                out.append(f"<category term={quoteattr(str(tag['term']))}/>\n")
        out.append(_atom_text("summary", entry.get("summary"), entry.get("summary_detail")))
        for content in entry.get("content", [])[:1]:
            out.append(_atom_text("content", content.get("value"), content))
        out.append("</entry>\n")
    out.append("</feed>\n")
    return "".join(out)


def rebuild_feed(text: str, label: str) -> tuple[str, int]:
    """A well-formed feed holding what feedparser reads in ``text``, and how many items.

    InputError when feedparser finds neither a title nor an item: nothing worth translating.
    """
    parsed = feedparser.parse(
        io.BytesIO(text.encode("utf-8")),
        resolve_relative_uris=False,
        response_headers={"content-type": "application/xml; charset=utf-8"},
    )
    if not parsed.entries and not parsed.feed.get("title"):
        raise InputError(f"{label} cannot be read as a feed, even tolerantly")
    version = str(parsed.get("version") or "")
    rebuilt = _atom(parsed) if version.startswith("atom") else _rss(parsed)
    return rebuilt, len(parsed.entries)
