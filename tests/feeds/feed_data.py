"""Arabic news feeds written for the tests: RSS 2.0, Atom 1.0 and JSON Feed, item by item.

Each item is an :class:`Entry`; a test builds a feed, serves it, changes an entry (a new one, an
edited title, one removed) and serves it again. The Arabic is real news prose (the shared
examples' style), so the tiny model's English is nonsense but the pipeline is the real one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape

SENTENCES = [
    "قال الرئيس إن المحادثات ستستأنف غداً في العاصمة.",
    "أعلنت وزارة الصحة تسجيل إصابات جديدة اليوم.",
    "ارتفعت أسعار النفط في الأسواق العالمية بعد قرار أوبك.",
    "افتتح وزير التعليم مدرسة جديدة في مدينة الإسكندرية.",
    "وصل وفد من الأمم المتحدة إلى بيروت لبحث الأوضاع الإنسانية.",
    "سجلت درجات الحرارة أرقاماً قياسية في عدة مدن هذا الأسبوع.",
    "وقعت الحكومة اتفاقية تعاون اقتصادي مع عدد من الدول المجاورة.",
    "أكد المتحدث باسم الجيش أن الوضع تحت السيطرة.",
]


@dataclass(frozen=True)
class Entry:
    guid: str
    title: str
    description: str = ""
    content: str = ""
    """HTML"""
    language: str = ""
    link: str = ""


def arabic_entry(n: int, *, edited: bool = False) -> Entry:
    title = SENTENCES[n % len(SENTENCES)]
    if edited:
        title = "عاجل: " + title
    return Entry(
        guid=f"urn:news:{n}",
        title=title,
        description=SENTENCES[(n + 1) % len(SENTENCES)],
        content=f"<p>{escape(SENTENCES[(n + 2) % len(SENTENCES)])}</p>"
        f"<p><b>{escape(SENTENCES[(n + 3) % len(SENTENCES)])}</b></p>",
        link=f"https://news.example/{n}",
    )


def english_entry(n: int, *, repeat: int = 1) -> Entry:
    return Entry(
        guid=f"urn:news:en:{n}",
        title="Markets close higher after a quiet session",
        description=" ".join(["Stocks rose in thin trading."] * repeat),
        language="en",
        link=f"https://news.example/en/{n}",
    )


def rss(
    entries: list[Entry], *, title: str = "أخبار اليوم", encoding: str = "UTF-8", extra: str = ""
) -> str:
    items = []
    for e in entries:
        lang = f"<dc:language>{e.language}</dc:language>" if e.language else ""
        content = f"<content:encoded><![CDATA[{e.content}]]></content:encoded>" if e.content else ""
        items.append(
            f"<item><title>{escape(e.title)}</title><link>{escape(e.link)}</link>"
            f'<guid isPermaLink="false">{escape(e.guid)}</guid>'
            f"<pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate>"
            f"<description>{escape(e.description)}</description>{content}{lang}</item>"
        )
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n<channel>'
        f"<title>{escape(title)}</title><link>https://news.example/</link>"
        f"<description>آخر الأخبار من المنطقة</description><language>ar</language>{extra}\n"
        + "\n".join(items)
        + "\n</channel>\n</rss>\n"
    )


def atom(entries: list[Entry], *, title: str = "أخبار اليوم") -> str:
    parts = []
    for e in entries:
        lang = f' xml:lang="{e.language}"' if e.language else ""
        parts.append(
            f"<entry{lang}><title>{escape(e.title)}</title><id>{escape(e.guid)}</id>"
            f'<link href="{escape(e.link)}"/><updated>2024-01-02T10:00:00Z</updated>'
            f"<summary>{escape(e.description)}</summary>"
            f'<content type="html">{escape(e.content)}</content></entry>'
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar">'
        f"<title>{escape(title)}</title><id>urn:feed:1</id>"
        '<link href="https://news.example/"/><updated>2024-01-02T10:00:00Z</updated>\n'
        + "\n".join(parts)
        + "\n</feed>\n"
    )


def json_feed(entries: list[Entry], *, title: str = "أخبار اليوم") -> str:
    items = [
        {
            "id": e.guid,
            "url": e.link,
            "title": e.title,
            "summary": e.description,
            "content_html": e.content or f"<p>{escape(e.description)}</p>",
            "date_published": "2024-01-02T10:00:00Z",
            **({"language": e.language} if e.language else {}),
        }
        for e in entries
    ]
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "home_page_url": "https://news.example/",
        "language": "ar",
        "items": items,
    }
    return json.dumps(document, ensure_ascii=False, indent=2)
