"""JSON Feed 1.0 and 1.1: the feed's title and description, each item's title, summary,
``content_html`` (as HTML) and ``content_text``; ``language`` becomes ``en``.

The JSON format's scanner (:func:`tarjama.formats.jsondoc.string_literals`) says where every
string literal sits, so only the translated values are rewritten and the rest of the file
(key order, spacing, escapes) is kept byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tarjama.document import Document
from tarjama.errors import InputError
from tarjama.formats.feed._fields import FeedBuilder, is_arabic_language
from tarjama.formats.jsondoc import StringLiteral, parse_json, string_literals

__all__ = ["JSON_FEED_VERSION", "is_json_feed", "read_json_feed"]

JSON_FEED_VERSION = re.compile(r"^https?://jsonfeed\.org/version/1(?:\.\d+)?/?$")
_TEXT_FIELDS = ("title", "summary", "content_text")


def is_json_feed(value: object) -> bool:
    """A parsed JSON value whose ``version`` is a JSON Feed version URL."""
    return isinstance(value, dict) and bool(JSON_FEED_VERSION.match(str(value.get("version", ""))))


def read_json_feed(
    text: str, name: str | None, notes: Sequence[str] = (), *, label: str = ""
) -> Document:
    """A JSON Feed's document; InputError for invalid JSON or JSON that is not a feed."""
    where = label or name or "input"
    value = parse_json(text, where)
    if not is_json_feed(value):
        raise InputError(
            f"{where} is JSON but not a JSON Feed: it has no "
            '"version": "https://jsonfeed.org/version/1.1"'
        )
    assert isinstance(value, dict)
    literals = {literal.path: literal for literal in string_literals(text)}
    builder = FeedBuilder("json")

    def add(scope: int, path: tuple[str | int, ...], name: str, html: bool) -> None:
        literal = literals.get(path)
        if literal is None or not literal.value.strip():
            return
        raw = text[literal.start : literal.end]
        builder.add_field(
            scope,
            name,
            literal.start,
            literal.end,
            syntax="json",
            html=html,
            value=literal.value,
            ascii_only=raw.isascii() and not literal.value.isascii(),
        )

    def language(scope: int, literal: StringLiteral | None) -> str:
        if literal is None:
            return ""
        if is_arabic_language(literal.value):
            builder.rewrite(scope, literal.start, literal.end, '"en"')
        return literal.value

    add(0, ("title",), "title", False)
    add(0, ("description",), "description", False)
    language(0, literals.get(("language",)))
    items = value.get("items")
    for index, item in enumerate(items if isinstance(items, list) else [], start=1):
        at: tuple[str | int, ...] = ("items", index - 1)
        item = item if isinstance(item, dict) else {}
        builder.item(
            index,
            key=str(item.get("id") or ""),
            link=str(item.get("url") or ""),
            date=str(item.get("date_modified") or item.get("date_published") or ""),
            language=language(index, literals.get((*at, "language"))),
        )
        for field_name in _TEXT_FIELDS:
            add(index, (*at, field_name), field_name, False)
        add(index, (*at, "content_html"), "content_html", True)
    return builder.build(text, name, notes)
