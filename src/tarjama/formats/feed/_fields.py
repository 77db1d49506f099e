"""A feed's translatable fields, its items and the blocks they become; shared by every syntax.

The XML and JSON readers find each field (a title, a description, a content …): where its
value sits in the original and how it is written (XML character data, one CDATA section, XHTML
markup, a JSON string). :class:`FeedBuilder` turns them into blocks: a text field is one block,
an HTML field is read by the HTML format and its text nodes and attributes become blocks, so
tags survive and an engine never sees HTML. It also decides which items are Arabic and keys
and hashes every item, so a watcher can tell new and changed items from known ones.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from tarjama.document import Block, Document
from tarjama.formats.base import ARABIC_LETTER
from tarjama.formats.htmlfile import read_html

__all__ = [
    "FEED_META",
    "FeedBuilder",
    "FeedItem",
    "FeedState",
    "FieldBlock",
    "FieldPlace",
    "is_arabic_language",
    "looks_like_html",
]

FEED_META = "feed"
"""The key of :class:`FeedState` in ``Document.meta``."""

#: Below this share of Arabic letters an item is taken for a foreign-language item that quotes
#: some Arabic (a name, a slogan): an Arabic-to-English model would garble the rest of it.
ARABIC_SHARE = 0.4
_TAG = re.compile(r"<[^>]*>")
_MARKUP = re.compile(r"<[a-zA-Z/!]|&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")


@dataclass(frozen=True)
class FieldPlace:
    """One field's value in the original text.

    ``scope`` is 0 for the feed itself, ``n`` for item ``n``; ``name`` is the field's id within
    its scope (``title``, ``content``, ``media:title#2``). ``syntax`` says how the value is
    written there: ``text`` (XML character data), ``cdata`` (inside one CDATA section: the range
    excludes the markers), ``markup`` (XML elements: XHTML, whose raw text *is* the HTML) or
    ``json`` (a string literal, quotes included). ``html`` says whether the value is HTML.
    """

    scope: int
    name: str
    start: int
    end: int
    syntax: str
    html: bool
    value: str
    ascii_only: bool = False
    guessed: bool = False
    """the feed does not say whether the value is HTML (RSS): readers guess from its look"""


@dataclass(frozen=True)
class FieldBlock:
    """A block's locator: its field, and for HTML fields the HTML document and the block of
    it this one is."""

    field: FieldPlace
    part: str | None = None
    markup: Document | None = None


@dataclass(frozen=True)
class FeedItem:
    """One item (RSS ``item``, Atom ``entry``, JSON Feed item) as a feed watcher sees it.

    ``key`` is stable across polls (guid or id, else link, else a hash of title and date);
    ``content_hash`` changes when the text of a translatable field changes; ``arabic`` is False
    for items passed through untouched (``reason`` says why); ``block_ids`` are the item's
    blocks, each ``prefix`` + a field id that does not depend on the item's position.
    """

    index: int
    key: str
    content_hash: str
    arabic: bool
    block_ids: tuple[str, ...]
    language: str = ""
    reason: str = ""
    title: str = ""
    link: str = ""

    @property
    def prefix(self) -> str:
        """What the item's block ids start with (``i3.``); the rest names the field."""
        return f"i{self.index}."


@dataclass(frozen=True)
class FeedState:
    """What rendering needs besides the blocks: the flavour (``rss``, ``rdf``, ``atom``,
    ``json``), language rewrites per scope, and the items."""

    kind: str
    rewrites: tuple[tuple[int, int, int, str], ...]
    """``(scope, start, end, text)``: done when something in that scope is translated"""
    items: tuple[FeedItem, ...]
    arabic_scopes: frozenset[int] = frozenset()
    title: str = ""
    """the feed's own title, as plain text"""


def is_arabic_language(code: str) -> bool:
    """``ar``, ``ar-SA``, ``ar_EG``, ``ara``, ``Arabic`` …"""
    value = code.strip().lower().replace("_", "-")
    return value in ("ar", "ara", "arb", "arabic") or value.startswith("ar-")


def looks_like_html(value: str) -> bool:
    """A tag or an entity reference in a field's decoded value: RSS leaves it to the reader to
    guess, and feed readers guess HTML on exactly these."""
    return _MARKUP.search(value) is not None


def plain_text(place: FieldPlace) -> str:
    """A field's words without tags or entities, to weigh how Arabic an item is."""
    if not place.html:
        return place.value
    return html.unescape(_TAG.sub(" ", place.value))


def _arabic_share(text: str) -> float:
    letters = sum(1 for char in text if char.isalpha())
    return len(ARABIC_LETTER.findall(text)) / letters if letters else 0.0


def _digest(payload: object) -> str:
    raw = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass
class _Scope:
    key: str = ""
    link: str = ""
    date: str = ""
    language: str = ""
    fields: list[FieldPlace] = field(default_factory=list)


class FeedBuilder:
    """Collects fields, item identities and language rewrites as a reader finds them; builds
    the document."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._scopes: dict[int, _Scope] = {0: _Scope()}
        self._rewrites: list[tuple[int, int, int, str]] = []
        self._names: dict[tuple[int, str], int] = {}

    def item(self, index: int, *, key: str, link: str, date: str, language: str) -> None:
        """Item ``index`` (1-based) exists, with what identifies it and its own language."""
        self._scopes[index] = _Scope(key.strip(), link.strip(), date.strip(), language.strip())

    def add_field(
        self,
        scope: int,
        name: str,
        start: int,
        end: int,
        *,
        syntax: str,
        html: bool,
        value: str,
        ascii_only: bool = False,
        guessed: bool = False,
    ) -> None:
        """A translatable field; a second field of the same name gets ``#2`` and so on."""
        count = self._names.get((scope, name), 0) + 1
        self._names[(scope, name)] = count
        unique = name if count == 1 else f"{name}#{count}"
        place = FieldPlace(scope, unique, start, end, syntax, html, value, ascii_only, guessed)
        self._scopes[scope].fields.append(place)

    def rewrite(self, scope: int, start: int, end: int, text: str) -> None:
        """Replace ``start:end`` with ``text`` when anything in ``scope`` is translated."""
        self._rewrites.append((scope, start, end, text))

    def build(self, original: str, name: str | None, notes: Sequence[str]) -> Document:
        blocks: list[Block] = []
        items: list[FeedItem] = []
        arabic_scopes: set[int] = set()
        passed: list[str] = []
        for index in sorted(self._scopes):
            scope = self._scopes[index]
            reason = self._foreign(scope)
            ids: list[str] = []
            if not reason:
                arabic_scopes.add(index)
                for place in scope.fields:
                    ids.extend(self._blocks(index, place, blocks))
            if index == 0:
                continue
            items.append(self._feed_item(index, scope, reason, ids))
            if reason:
                passed.append(f"i{index} ({reason})")
        warnings = list(notes)
        if passed:
            shown = ", ".join(passed[:5]) + (f" and {len(passed) - 5} more" if passed[5:] else "")
            warnings.append(
                f"{len(passed)} of {len(items)} items are not Arabic and pass through "
                f"untouched: {shown}"
            )
        title = next((plain_text(p) for p in self._scopes[0].fields if p.name == "title"), "")
        markup = [
            (p.start, p.end)
            for s in self._scopes.values()
            for p in s.fields
            if p.syntax == "markup"
        ]  # an xml:lang inside XHTML is the HTML format's to switch, when that field is rendered
        rewrites = [r for r in self._rewrites if not any(a <= r[1] < b for a, b in markup)]
        state = FeedState(
            self.kind,
            tuple(rewrites),
            tuple(items),
            frozenset(arabic_scopes),
            " ".join(title.split()),
        )
        return Document(
            blocks=tuple(blocks),
            format="feed",
            original=original,
            name=name,
            meta={FEED_META: state, "warnings": tuple(warnings)},
        )

    @staticmethod
    def _foreign(scope: _Scope) -> str:
        """Why a scope is passed through, or '' when it is Arabic enough to translate."""
        if scope.language and not is_arabic_language(scope.language):
            return f"language {scope.language}"
        text = " ".join(plain_text(place) for place in scope.fields)
        if not ARABIC_LETTER.search(text):
            return "no Arabic text"
        if _arabic_share(text) < ARABIC_SHARE:
            return "mostly not Arabic"
        return ""

    @staticmethod
    def _blocks(index: int, place: FieldPlace, blocks: list[Block]) -> list[str]:
        prefix = "feed." if index == 0 else f"i{index}."
        kind = place.name.split("#")[0]
        if not place.html:
            if not ARABIC_LETTER.search(place.value):
                return []
            block_id = prefix + place.name
            blocks.append(Block(block_id, place.value, kind, FieldBlock(place)))
            return [block_id]
        markup = read_html(place.value)
        ids = []
        for part in markup.blocks:
            block_id = f"{prefix}{place.name}.{part.id}"
            part_kind = part.kind if part.kind.startswith("attribute") else kind
            blocks.append(Block(block_id, part.text, part_kind, FieldBlock(place, part.id, markup)))
            ids.append(block_id)
        return ids

    def _feed_item(self, index: int, scope: _Scope, reason: str, ids: list[str]) -> FeedItem:
        texts = {place.name: place.value for place in scope.fields}
        title = next((plain_text(p) for p in scope.fields if p.name == "title"), "")
        key = scope.key or scope.link or "sha256:" + _digest([title, scope.date])[:32]
        return FeedItem(
            index=index,
            key=key,
            content_hash=_digest(texts),
            arabic=not reason,
            block_ids=tuple(ids),
            language=scope.language,
            reason=reason,
            title=" ".join(title.split()),
            link=scope.link,
        )
