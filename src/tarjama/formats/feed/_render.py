"""English back into the feed: only the translated fields' values are replaced.

Each changed field is written the way its original was: escaped character data, inside its
CDATA section (a ``]]>`` in the English split across two sections), as XHTML markup, or as a
JSON string. An HTML field is rendered by the HTML format first (tags kept, ``dir``/``lang``
switched), then written. ``language`` / ``xml:lang`` become ``en`` only in a scope (the feed, an
item) where something was translated, so an identity render changes nothing at all.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping

from tarjama.document import Document
from tarjama.formats.base import splice
from tarjama.formats.feed._fields import (
    FEED_META,
    FeedState,
    FieldBlock,
    FieldPlace,
    looks_like_html,
)
from tarjama.formats.htmlfile import render_html

__all__ = ["encode_value", "render_feed"]

#: What XML 1.0 cannot hold: an engine's stray control character would make the feed
#: unreadable, so it is left out of the English.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def encode_value(place: FieldPlace, value: str) -> str:
    """``value`` written where ``place`` is, in the syntax the original used there."""
    if place.syntax == "json":
        return json.dumps(value, ensure_ascii=place.ascii_only)
    value = _NOT_XML.sub("", value)
    if place.syntax == "cdata":
        return value.replace("]]>", "]]]]><![CDATA[>")
    if place.syntax == "markup":
        return value  # the HTML format escaped it for markup already
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _new_value(place: FieldPlace, parts: dict[str | None, str], markup: Document | None) -> str:
    if markup is None:
        value = parts[None]
        if place.guessed and looks_like_html(value):
            # RSS readers would take "a <b" or "&copy;" in a text title for HTML: say it in HTML
            value = html.escape(value, quote=False)
        return value
    targets = {part: text for part, text in parts.items() if part is not None}
    return render_html(markup, targets)


def render_feed(document: Document, targets: Mapping[str, str]) -> str:
    """The original feed with each changed block's English spliced in; blocks missing from
    ``targets`` (or given their own text) keep their source."""
    state: FeedState = document.meta[FEED_META]
    changed: dict[FieldPlace, dict[str | None, str]] = {}
    markups: dict[FieldPlace, Document | None] = {}
    for block in document.blocks:
        target = targets.get(block.id)
        if target is None or target == block.text:
            continue
        locator: FieldBlock = block.locator
        changed.setdefault(locator.field, {})[locator.part] = target
        markups[locator.field] = locator.markup
    replacements = []
    scopes = {place.scope for place in changed}
    for place, parts in changed.items():
        value = _new_value(place, parts, markups[place])
        replacements.append((place.start, place.end, encode_value(place, value)))
    if scopes:
        scopes.add(0)
    replacements.extend(
        (start, end, text) for scope, start, end, text in state.rewrites if scope in scopes
    )
    return splice(document.original, replacements)
