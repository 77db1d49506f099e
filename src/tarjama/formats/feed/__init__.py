"""Feeds as a format: RSS 2.0 (and 0.9x), RSS 1.0 (RDF), Atom 1.0 and JSON Feed 1.x.

Translated: the feed's title and description (Atom: subtitle); each item's title, description
(Atom: summary), content (``content:encoded``, Atom ``content``, JSON ``content_html`` — as
HTML, tags kept — and ``content_text``) and every ``media:title`` / ``media:description``.
Everything else (guids, ids, links, dates, enclosures, authors, categories, namespaces) is kept
byte for byte: the English is spliced into the original, so an identity render gives back the
input exactly. ``language`` / ``xml:lang`` become ``en`` where something was translated. Items
that are not Arabic (their own ``dc:language`` / ``xml:lang`` / ``language`` says another
language, or their text is not mostly Arabic) get no blocks, pass through untouched and are
marked (:attr:`FeedItem.arabic`, :attr:`FeedItem.reason`, and a warning).

XML is read under the project's policy (:mod:`tarjama.xmlpolicy`: no entity declarations, no
external references, bounded depth). A feed that is not well-formed is read as a feed reader
would: a wrong declared charset, stray bytes, undeclared HTML entities, bare ``&`` / ``<`` and
control characters are repaired in place, and every repair is a warning of the document
(``Document.meta["warnings"]``). The English is always UTF-8.

The API a feed watcher uses::

    document = read_feed(data, name=url, charset=http_charset)   # bytes (or str)
    for item in feed_items(document):   # key, content_hash, arabic, block_ids, prefix …
        ...                              # translate only new or changed items' blocks
    english = render_feed_bytes(document, targets)   # targets for any subset of blocks

Block ids are ``feed.<field>`` for the feed itself and ``<prefix><field>`` for an item, where
``prefix`` is ``i<n>.`` and ``<field>`` (``title``, ``content.t2`` for the second text node of
an HTML content, ``media:title#2`` for a second one) does not depend on the item's position:
English stored under an item's key and field can be put back into a later poll of the feed.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping, Sequence

from tarjama.document import Document
from tarjama.errors import InputError
from tarjama.formats.base import FormatSpec
from tarjama.formats.feed._decode import declared_utf8, decode_feed
from tarjama.formats.feed._fields import FEED_META, FeedItem, FeedState
from tarjama.formats.feed._json import read_json_feed
from tarjama.formats.feed._rebuild import rebuild_feed
from tarjama.formats.feed._render import render_feed
from tarjama.formats.feed._repair import refuse_hostile, repair_xml
from tarjama.formats.feed._xml import read_xml_feed
from tarjama.xmlpolicy import XMLInputError

__all__ = [
    "FORMAT",
    "FeedItem",
    "feed_head",
    "feed_items",
    "feed_kind_of",
    "feed_title",
    "read_feed",
    "read_feed_bytes",
    "render_feed",
    "render_feed_bytes",
    "sniff_feed",
]

_SNIFF = 65536
_XML_ROOT = re.compile(
    r"\A\ufeff?\s*(?:(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)\s*)*"
    r"<((?:[\w.-]+:)?([\w.-]+))\b",
    re.S | re.I,
)
_JSON_VERSION = re.compile(r'"version"\s*:\s*"https?://jsonfeed\.org/version/1')


def sniff_feed(text: str) -> bool:
    """An RSS, RDF or Atom root element, or a JSON object with a JSON Feed version."""
    head = text[:_SNIFF]
    if head.lstrip("\ufeff \t\r\n").startswith("{"):
        return _JSON_VERSION.search(text) is not None
    found = _XML_ROOT.match(head)
    if found is None:
        return False
    local = found.group(2).lower()
    return (
        local == "rss"
        or (local == "rdf" and "purl.org/rss/1.0" in head)
        or (local == "feed" and "http://www.w3.org/2005/Atom" in head)
    )


def feed_head(data: bytes) -> str:
    """The start of a feed's bytes as text, good enough to sniff (UTF-16 by its byte-order
    mark, anything else as Latin-1, which never fails)."""
    head = data[:_SNIFF]
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[2:].decode(encoding, errors="replace")
    return head.decode("latin-1")


def _read_xml(text: str, name: str | None, label: str, notes: list[str]) -> Document:
    text, said = declared_utf8(text)
    if said:
        notes.append(said)
    try:
        return read_xml_feed(text, name, notes, label=label)
    except XMLInputError as exc:
        if not exc.reason.startswith("not well-formed"):
            raise  # the policy refused it: an entity bomb, an external reference, too deep
        first = exc
    refuse_hostile(text, label)
    repaired, repairs = repair_xml(text, label)
    if repaired != text:
        try:
            return read_xml_feed(repaired, name, [*notes, *repairs], label=label)
        except XMLInputError as exc:
            if not exc.reason.startswith("not well-formed"):
                raise
            first = exc
    rebuilt, count = rebuild_feed(repaired, label)
    where = f"line {first.line}" + (f", column {first.column}" if first.column else "")
    said = (
        f"{first.reason} at {where}: rebuilt as a well-formed feed from what a tolerant reader "
        f"(feedparser) read, {count} item(s); elements it does not know are left out"
    )
    try:
        return read_xml_feed(rebuilt, name, [*notes, *repairs, said], label=label)
    except XMLInputError as exc:  # pragma: no cover - the rebuilt feed is written well-formed
        raise InputError(f"{first} (and it could not be rebuilt)") from exc


def _read_text(text: str, name: str | None, notes: list[str]) -> Document:
    label = name or "input"
    if not text.strip():
        raise InputError(f"{label} is empty")
    if text.lstrip("\ufeff \t\r\n").startswith("{"):
        return read_json_feed(text, name, notes, label=label)
    return _read_xml(text, name, label, notes)


def read_feed(
    data: str | bytes,
    name: str | None = None,
    fields: Sequence[str] = (),
    *,
    charset: str | None = None,
) -> Document:
    """A feed from its bytes as fetched, or from text already decoded (then the declared
    charset no longer matters). ``charset`` is the HTTP ``Content-Type`` charset, if any: it
    wins over the XML declaration. InputError for what cannot be read even tolerantly, and for
    hostile XML; ``fields`` is accepted for the format protocol and means nothing here."""
    if isinstance(data, bytes):
        decoded = decode_feed(data, name or "input", charset)
        return _read_text(decoded.text, name, list(decoded.notes))
    return _read_text(data, name, [])


def read_feed_bytes(
    data: bytes, name: str | None = None, *, charset: str | None = None
) -> Document:
    """:func:`read_feed` for bytes."""
    return read_feed(data, name, charset=charset)


def render_feed_bytes(document: Document, targets: Mapping[str, str]) -> bytes:
    """:func:`render_feed` as UTF-8 bytes, the encoding its declaration says."""
    return render_feed(document, targets).encode("utf-8")


def _state(document: Document) -> FeedState:
    state = document.meta.get(FEED_META)
    if document.format != "feed" or not isinstance(state, FeedState):
        raise ValueError(f"not a feed document (format {document.format!r})")
    return state


def feed_items(document: Document) -> tuple[FeedItem, ...]:
    """The feed's items in order, Arabic or not, with their keys, hashes and block ids."""
    return _state(document).items


def feed_kind_of(document: Document) -> str:
    """``rss``, ``rdf``, ``atom`` or ``json``: the flavour the English is written in."""
    return _state(document).kind


def feed_title(document: Document) -> str:
    """The feed's own title as plain text ('' when it has none)."""
    return _state(document).title


FORMAT = FormatSpec(
    name="feed",
    extensions=(".rss", ".atom"),
    read=read_feed,
    render=render_feed,
    sniff=sniff_feed,
    description="RSS 2.0/1.0, Atom 1.0 or JSON Feed 1.1 (titles, descriptions, HTML content)",
)
