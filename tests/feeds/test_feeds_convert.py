"""The English feed in another syntax: what every syntax shares survives each conversion."""

from __future__ import annotations

import json

import feedparser
import pytest
from feed_data import arabic_entry, atom, english_entry, json_feed, rss

from tarjama.errors import ConfigurationError
from tarjama.feeds import convert_feed

ENTRIES = [arabic_entry(0), english_entry(1)]
SOURCES = {"rss": rss(ENTRIES), "atom": atom(ENTRIES), "json": json_feed(ENTRIES)}


def _read(data: bytes, kind: str) -> list[tuple[str, str, str]]:
    """(id, title, link) of each item, read back the way a feed reader would."""
    if kind == "json":
        return [(i["id"], i["title"], i["url"]) for i in json.loads(data)["items"]]
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return [(e.id, e.title, e.link) for e in parsed.entries]


@pytest.mark.parametrize("source", list(SOURCES))
@pytest.mark.parametrize("target", ["rss", "atom", "json"])
def test_ids_titles_and_links_survive_every_conversion(source: str, target: str) -> None:
    data = SOURCES[source].encode("utf-8")
    converted = convert_feed(data, source, target, self_url="http://127.0.0.1/feeds/news.xml")
    assert _read(converted, target) == [(e.guid, e.title, e.link) for e in ENTRIES]


def test_content_and_dates_are_carried_over() -> None:
    converted = convert_feed(rss(ENTRIES).encode(), "rss", "json")
    first = json.loads(converted)["items"][0]
    assert first["date_published"] == "2024-01-02T10:00:00Z"
    assert "<p>" in first["content_html"] and first["summary"] == ENTRIES[0].description
    assert json.loads(converted)["version"] == "https://jsonfeed.org/version/1.1"


def test_an_unknown_syntax_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="rss, atom, json"):
        convert_feed(rss(ENTRIES).encode(), "rss", "csv")
