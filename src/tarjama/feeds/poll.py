"""One poll of one feed: fetch → read → translate what is new → store → render the English.

The feed is read by the feed format (:mod:`tarjama.formats.feed`), which lists its items with a
stable key (guid, else link), a hash of their translatable text, whether they are Arabic and
their blocks. Only the blocks of items whose key is new or whose hash changed go to the
Translator, all in one document, so a sentence engine fills its batches with the sentences of
every new item at once and the memory is asked once; the items already known keep the English
the store holds for them. The feed's own title and description are treated the same way. The
English feed is then rendered from the whole source with every Arabic block's English, and
stored with the items in one transaction: a poll that fails anywhere leaves the store as it was.

So a re-poll costs: nothing for a 304; one download and a parse, and no engine call, for a feed
whose items are unchanged; and the new items' sentences otherwise.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from tarjama.document import Block, Document, Translation
from tarjama.feeds.fetch import Fetcher
from tarjama.feeds.schedule import PollReport
from tarjama.feeds.store import Feed, FeedStore, ItemRecord, StoredBlock
from tarjama.formats.base import has_arabic
from tarjama.formats.feed import feed_items, feed_kind_of, read_feed, render_feed_bytes
from tarjama.translator import Translator

__all__ = ["Poller", "english_targets", "poll_feed"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Item:
    """An item of the fetched feed, as the poll needs it."""

    key: str
    hash: str
    arabic: bool
    title: str
    link: str
    blocks: tuple[Block, ...]


def _items(document: Document) -> list[_Item]:
    """The feed's items, in the feed's order, each with its blocks."""
    by_id = {block.id: block for block in document.blocks}
    return [
        _Item(
            key=item.key,
            hash=item.content_hash,
            arabic=item.arabic,
            title=item.title,
            link=item.link,
            blocks=tuple(by_id[i] for i in item.block_ids if i in by_id),
        )
        for item in feed_items(document)
    ]


def _channel(document: Document, items: Sequence[_Item]) -> tuple[Block, ...]:
    """The blocks outside every item: the feed's own title and description."""
    inside = {block.id for item in items for block in item.blocks}
    return tuple(block for block in document.blocks if block.id not in inside)


def _title(channel: Sequence[Block]) -> str | None:
    """The feed's own title, as the source has it."""
    return next((b.text for b in channel if b.id == "feed.title"), None)


def _hash(blocks: Sequence[Block]) -> str:
    digest = hashlib.sha256()
    for block in blocks:
        digest.update(block.text.encode("utf-8") + b"\x00")
    return digest.hexdigest()


def _reusable(stored: Sequence[StoredBlock], blocks: Sequence[Block]) -> bool:
    """The stored English fits these blocks: the same Arabic, block for block."""
    arabic = [b for b in blocks if has_arabic(b.text)]
    return len(stored) == len(arabic) and all(
        s.source == b.text for s, b in zip(stored, arabic, strict=True)
    )


def _stored_blocks(
    blocks: Sequence[Block],
    translations: Mapping[str, list[Translation]],
    targets: Mapping[str, str],
) -> tuple[StoredBlock, ...]:
    """The English of ``blocks`` as the store keeps it (blocks without Arabic are left out)."""
    kept: list[StoredBlock] = []
    for block in blocks:
        if block.id not in targets or not has_arabic(block.text):
            continue
        pieces = translations.get(block.id, [])
        kept.append(
            StoredBlock(
                kind=block.kind,
                source=block.text,
                target=targets[block.id],
                flags=tuple(sorted({flag for t in pieces for flag in t.flags})),
                segments=tuple(t.to_dict() for t in pieces),
            )
        )
    return tuple(kept)


def english_targets(blocks: Sequence[Block], stored: Sequence[StoredBlock]) -> dict[str, str]:
    """Stored English put back on the blocks it was made for (Arabic blocks, in order)."""
    arabic = [b for b in blocks if has_arabic(b.text)]
    return {b.id: s.target for b, s in zip(arabic, stored, strict=False) if s.source == b.text}


def poll_feed(
    feed: Feed,
    *,
    store: FeedStore,
    fetcher: Fetcher,
    translator: Translator,
    clock: Callable[[], float] = time.time,
    on_translated: Callable[[Feed, Sequence[str]], None] | None = None,
) -> PollReport:
    """Poll ``feed`` once and record the result in ``store`` (a failure raises, and leaves the
    store untouched: the scheduler records it and backs off).

    ``on_translated(feed, keys)`` is told which items were translated, after they are stored
    (the full-text step hangs there).
    """
    started = time.monotonic()
    fetched = fetcher.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
    if fetched.not_modified:
        next_poll = clock() + feed.every
        store.record_not_modified(feed.name, now=clock(), next_poll=next_poll)
        return PollReport(
            feed.name, "not modified", next_poll=next_poll, seconds=time.monotonic() - started
        )

    document = read_feed(fetched.body, name=feed.url, charset=fetched.charset)
    items = _items(document)
    channel = _channel(document, items)
    known = store.hashes(feed.name)
    unchanged = [i for i in items if i.arabic and known.get(i.key) == i.hash]
    stored = {s.key: s for s in store.items(feed.name, keys=[i.key for i in unchanged])}
    reused: dict[str, dict[str, str]] = {}
    for item in unchanged:
        held = stored.get(item.key)
        if held is not None and _reusable(held.blocks, item.blocks):
            reused[item.key] = english_targets(item.blocks, held.blocks)
    fresh = [i for i in items if i.arabic and i.key not in reused]
    # one item listed twice (a feed with a repeated guid) is translated once
    fresh = list({i.key: i for i in fresh}.values())

    channel_hash = _hash(channel)
    old_hash, old_channel = store.channel(feed.name)
    channel_fresh = old_hash != channel_hash or not _reusable(old_channel, channel)
    to_translate = [b for b in channel if has_arabic(b.text)] if channel_fresh else []
    to_translate += [b for item in fresh for b in item.blocks if has_arabic(b.text)]

    targets: dict[str, str] = {}
    by_block: dict[str, list[Translation]] = {}
    model = ""
    if to_translate:
        part = Document(
            blocks=tuple(to_translate),
            format=document.format,
            original=document.original,
            name=document.name,
            meta=document.meta,
        )
        translated = translator.translate_document(part)
        targets = translated.block_targets()
        for translation in translated.translations:
            by_block.setdefault(translation.block_id, []).append(translation)
        model = translator.model

    all_targets = dict(targets)
    for kept in reused.values():
        all_targets.update(kept)
    if not channel_fresh:
        all_targets.update(english_targets(channel, old_channel))
    english = render_feed_bytes(document, all_targets)

    fresh_keys = {i.key for i in fresh}
    records = [
        ItemRecord(
            key=item.key,
            hash=item.hash,
            arabic=item.arabic,
            position=position,
            title=item.title,
            link=item.link,
            blocks=_stored_blocks(item.blocks, by_block, targets)
            if item.key in fresh_keys or known.get(item.key) != item.hash
            else None,
            model=model if item.key in fresh_keys else "",
        )
        for position, item in enumerate(items)
    ]
    now = clock()
    next_poll = now + feed.every
    outcome = store.record_poll(
        feed.name,
        list({r.key: r for r in records}.values()),
        now=now,
        next_poll=next_poll,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        source=fetched.body,
        english=english,
        title=_title(channel),
        kind=feed_kind_of(document),
        warnings=document_warnings(document),
        channel_hash=channel_hash,
        channel=_stored_blocks(channel, by_block, targets) if channel_fresh else None,
    )
    if fresh and on_translated is not None:
        on_translated(feed, [i.key for i in fresh])
    return PollReport(
        feed.name,
        "updated",
        new=outcome.new,
        changed=outcome.changed,
        removed=outcome.removed,
        translated=len(fresh),
        next_poll=next_poll,
        seconds=time.monotonic() - started,
    )


def document_warnings(document: Document) -> tuple[str, ...]:
    """What the reader repaired or noticed (a wrong charset, an undeclared entity …)."""
    warnings = document.meta.get("warnings", ())
    return tuple(str(w) for w in warnings)


class Poller:
    """:func:`poll_feed` with its world bound: what a :class:`~tarjama.feeds.Scheduler` calls."""

    def __init__(
        self,
        store: FeedStore,
        fetcher: Fetcher,
        translator: Translator,
        *,
        clock: Callable[[], float] = time.time,
        on_translated: Callable[[Feed, Sequence[str]], None] | None = None,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.translator = translator
        self.clock = clock
        self.on_translated = on_translated

    def __call__(self, feed: Feed) -> PollReport:
        return poll_feed(
            feed,
            store=self.store,
            fetcher=self.fetcher,
            translator=self.translator,
            clock=self.clock,
            on_translated=self.on_translated,
        )
