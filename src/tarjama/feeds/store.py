"""The feeds' SQLite store: which feeds are watched, their poll state, their items' English.

One file (``$TARJAMA_HOME/feeds.sqlite``) opened through :class:`tarjama.sqlitedb.Database`,
so ``tarjama feeds run`` and ``tarjama serve --feeds`` can work on it at once (WAL: the server
reads while the poller writes). What it keeps, and why:

- **poll state** per feed: ETag and Last-Modified (a conditional GET answered 304 costs
  nothing), when the next poll is due, how many polls failed in a row (the back-off), the last
  error;
- **a claim** per feed (``claimed_until``): a poller takes a due feed in one ``BEGIN
  IMMEDIATE`` transaction, so two processes never poll the same feed at once; a claim whose
  poller died runs out by itself;
- **items** keyed by guid (or link) with a hash of their content: an item whose hash is known
  is never sent to the engine again; its English and flags, block by block, are what the
  English feed is rendered from. An item gone from the feed is kept (``present = 0``): it may
  come back, and the reader may still want to read it;
- **the feed's latest bytes and its English rendering**, so the server publishes
  ``/feeds/NAME.xml`` without polling or translating anything itself.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tarjama.errors import ConfigurationError
from tarjama.settings import Settings
from tarjama.sqlitedb import DEFAULT_TIMEOUT, Database

__all__ = [
    "Feed",
    "FeedStore",
    "ItemRecord",
    "PollOutcome",
    "StoredBlock",
    "StoredItem",
    "check_name",
    "feeds_path",
]

SCHEMA_VERSION = 1
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS feeds (
    name TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    every REAL NOT NULL,
    full_text INTEGER NOT NULL DEFAULT 0,
    added REAL NOT NULL,
    etag TEXT,
    last_modified TEXT,
    next_poll REAL NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    last_poll REAL,
    last_status TEXT,
    claimed_until REAL NOT NULL DEFAULT 0,
    claimed_by TEXT,
    title TEXT,
    kind TEXT,
    source BLOB,
    english BLOB,
    warnings TEXT NOT NULL DEFAULT '[]',
    channel_hash TEXT,
    channel TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS items (
    feed TEXT NOT NULL REFERENCES feeds(name) ON DELETE CASCADE,
    key TEXT NOT NULL,
    hash TEXT NOT NULL,
    arabic INTEGER NOT NULL,
    position INTEGER NOT NULL,
    present INTEGER NOT NULL DEFAULT 1,
    title TEXT NOT NULL DEFAULT '',
    title_en TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    blocks TEXT NOT NULL DEFAULT '[]',
    flags TEXT NOT NULL DEFAULT '[]',
    model TEXT NOT NULL DEFAULT '',
    full_text TEXT,
    full_text_en TEXT,
    full_text_flags TEXT NOT NULL DEFAULT '[]',
    full_text_error TEXT,
    first_seen REAL NOT NULL,
    updated REAL NOT NULL,
    PRIMARY KEY (feed, key)
);
CREATE INDEX IF NOT EXISTS items_latest ON items (feed, present, position);
"""


def feeds_path(settings: Settings) -> Path:
    """Where the feed store lives: beside the translation memory."""
    return settings.home / "feeds.sqlite"


def check_name(name: str) -> str:
    """A feed's name, checked: it becomes a URL path (``/feeds/NAME.xml``) and a file name."""
    if not _NAME.match(name):
        raise ConfigurationError(
            f"feed name {name!r} is not usable: 1-64 letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    return name


@dataclass(frozen=True)
class Feed:
    """A watched feed and its poll state (times are Unix seconds)."""

    name: str
    url: str
    every: float
    full_text: bool
    added: float
    etag: str | None = None
    last_modified: str | None = None
    next_poll: float = 0.0
    failures: int = 0
    last_error: str | None = None
    last_poll: float | None = None
    last_status: str | None = None
    title: str | None = None
    kind: str | None = None
    items: int = 0
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "url": self.url,
            "every": self.every,
            "full_text": self.full_text,
            "added": self.added,
            "next_poll": self.next_poll,
            "failures": self.failures,
            "last_error": self.last_error,
            "last_poll": self.last_poll,
            "last_status": self.last_status,
            "title": self.title,
            "kind": self.kind,
            "items": self.items,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class StoredBlock:
    """One translated block of an item: its Arabic, its English, and the sentences between."""

    kind: str
    source: str
    target: str
    flags: tuple[str, ...] = ()
    segments: tuple[dict[str, Any], ...] = ()
    """The pipeline's sentence pairs (``Translation.to_dict()``), for the side-by-side view."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "target": self.target,
            "flags": list(self.flags),
            "segments": list(self.segments),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoredBlock:
        return cls(
            kind=str(data.get("kind", "")),
            source=str(data.get("source", "")),
            target=str(data.get("target", "")),
            flags=tuple(data.get("flags", ())),
            segments=tuple(data.get("segments", ())),
        )


@dataclass(frozen=True)
class ItemRecord:
    """What a poll saw of one item: every item of the feed, translated or not."""

    key: str
    hash: str
    arabic: bool
    position: int
    title: str = ""
    link: str = ""
    blocks: tuple[StoredBlock, ...] | None = None
    """The item's English, block by block; None: keep what is stored (the item is unchanged)."""
    model: str = ""


@dataclass(frozen=True)
class StoredItem:
    """An item as the store holds it."""

    feed: str
    key: str
    hash: str
    arabic: bool
    position: int
    present: bool
    title: str
    title_en: str
    link: str
    blocks: tuple[StoredBlock, ...]
    flags: tuple[str, ...]
    model: str
    first_seen: float
    updated: float
    full_text: str | None = None
    full_text_en: str | None = None
    full_text_flags: tuple[str, ...] = ()
    full_text_error: str | None = None

    def to_dict(self, *, blocks: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "feed": self.feed,
            "key": self.key,
            "arabic": self.arabic,
            "present": self.present,
            "title": self.title,
            "title_en": self.title_en,
            "link": self.link,
            "flags": list(self.flags),
            "model": self.model,
            "first_seen": self.first_seen,
            "updated": self.updated,
            "full_text_error": self.full_text_error,
        }
        if blocks:
            data["blocks"] = [b.to_dict() for b in self.blocks]
            data["full_text"] = self.full_text
            data["full_text_en"] = self.full_text_en
            data["full_text_flags"] = list(self.full_text_flags)
        return data


@dataclass(frozen=True)
class PollOutcome:
    """What one poll wrote (see :meth:`FeedStore.record_poll`)."""

    new: int = 0
    changed: int = 0
    removed: int = 0
    keys: tuple[str, ...] = field(default=())


def _setup(conn: sqlite3.Connection) -> None:
    conn.executescript(_SCHEMA)
    conn.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", (str(SCHEMA_VERSION),)
    )


class FeedStore:
    """The feeds and their items in one SQLite file; share it between threads and processes."""

    def __init__(self, path: str | Path, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.path = Path(path)
        self.db = Database(self.path, what="feed store", setup=_setup, timeout=timeout)

    # -- feeds -----------------------------------------------------------------------------

    def add(self, name: str, url: str, *, every: float, full_text: bool, now: float) -> Feed:
        """Watch a feed; its first poll is due at once. A name already used is refused."""
        check_name(name)
        with self.db.write() as conn:
            if conn.execute("SELECT 1 FROM feeds WHERE name = ?", (name,)).fetchone():
                raise ConfigurationError(
                    f"a feed called {name!r} is already watched; remove it first or pick "
                    "another name"
                )
            conn.execute(
                "INSERT INTO feeds (name, url, every, full_text, added, next_poll) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (name, url, every, int(full_text), now, now),
            )
        return self.get(name)

    def remove(self, name: str) -> bool:
        """Stop watching a feed and forget its items; False when there was no such feed."""
        with self.db.write() as conn:
            return conn.execute("DELETE FROM feeds WHERE name = ?", (name,)).rowcount > 0

    def get(self, name: str) -> Feed:
        """The feed called ``name``; a ConfigurationError naming the known ones if none."""
        with self.db.read() as conn:
            row = conn.execute(_FEED_SELECT + " WHERE f.name = ?", (name,)).fetchone()
        if row is None:
            known = ", ".join(f.name for f in self.feeds()) or "none yet"
            raise ConfigurationError(f"no feed called {name!r} (watched: {known})")
        return _feed(row)

    def feeds(self) -> list[Feed]:
        with self.db.read() as conn:
            rows = conn.execute(_FEED_SELECT + " ORDER BY f.name").fetchall()
        return [_feed(row) for row in rows]

    def english(self, name: str) -> tuple[Feed, bytes | None, bytes | None]:
        """The feed, its latest source bytes and its English rendering (None before a poll)."""
        feed = self.get(name)
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT source, english FROM feeds WHERE name = ?", (name,)
            ).fetchone()
        if row is None:
            return feed, None, None
        return feed, row["source"], row["english"]

    # -- claims and schedule ---------------------------------------------------------------

    def claim(
        self,
        now: float,
        owner: str,
        *,
        lease: float,
        names: Sequence[str] | None = None,
        due_only: bool = True,
    ) -> list[Feed]:
        """Take the feeds that are due (or ``names``) for polling, in one transaction.

        A feed another poller holds (its claim not yet run out) is skipped, so two processes
        sharing the store never poll one feed twice; ``lease`` seconds bound how long a poller
        that died keeps a feed from the others.
        """
        with self.db.write() as conn:
            query = "SELECT name FROM feeds WHERE claimed_until <= ?"
            args: list[Any] = [now]
            if due_only:
                query += " AND next_poll <= ?"
                args.append(now)
            rows = conn.execute(query + " ORDER BY next_poll, name", args).fetchall()
            taken = [row["name"] for row in rows if names is None or row["name"] in names]
            conn.executemany(
                "UPDATE feeds SET claimed_until = ?, claimed_by = ? WHERE name = ?",
                [(now + lease, owner, name) for name in taken],
            )
        return [self.get(name) for name in taken]

    def next_due(self) -> float | None:
        """When the earliest feed is next due (None when no feed is watched)."""
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT min(max(next_poll, claimed_until)) AS t FROM feeds"
            ).fetchone()
        value = row["t"] if row is not None else None
        return float(value) if value is not None else None

    def record_failure(
        self, name: str, error: str, *, now: float, next_poll: float, failures: int
    ) -> None:
        """A failed poll: the error, the failure count and the backed-off next poll."""
        with self.db.write() as conn:
            conn.execute(
                "UPDATE feeds SET last_error = ?, failures = ?, next_poll = ?, last_poll = ?, "
                "last_status = 'failed', claimed_until = 0, claimed_by = NULL WHERE name = ?",
                (error, failures, next_poll, now, name),
            )

    def record_not_modified(self, name: str, *, now: float, next_poll: float) -> None:
        """A 304: nothing changed; only the schedule moves."""
        with self.db.write() as conn:
            conn.execute(
                "UPDATE feeds SET failures = 0, last_error = NULL, next_poll = ?, last_poll = ?, "
                "last_status = 'not modified', claimed_until = 0, claimed_by = NULL "
                "WHERE name = ?",
                (next_poll, now, name),
            )

    def release(self, name: str) -> None:
        """Give a claimed feed back without polling it (the poller is stopping)."""
        with self.db.write() as conn:
            conn.execute(
                "UPDATE feeds SET claimed_until = 0, claimed_by = NULL WHERE name = ?", (name,)
            )

    # -- items -----------------------------------------------------------------------------

    def hashes(self, name: str) -> dict[str, str]:
        """Each known item's content hash, by key: what a poll compares the feed with."""
        with self.db.read() as conn:
            rows = conn.execute("SELECT key, hash FROM items WHERE feed = ?", (name,)).fetchall()
        return {row["key"]: row["hash"] for row in rows}

    def items(
        self,
        name: str,
        *,
        keys: Iterable[str] | None = None,
        present_only: bool = False,
        limit: int | None = None,
    ) -> list[StoredItem]:
        """Items of a feed in the feed's own order (the latest poll's), gone ones last."""
        query = "SELECT * FROM items WHERE feed = ?"
        args: list[Any] = [name]
        if present_only:
            query += " AND present = 1"
        if keys is not None:
            wanted = list(keys)
            query += f" AND key IN ({', '.join('?' * len(wanted))})"
            args += wanted
        query += " ORDER BY present DESC, position, first_seen DESC"
        if limit is not None:
            query += " LIMIT ?"
            args.append(limit)
        with self.db.read() as conn:
            rows = conn.execute(query, args).fetchall()
        return [_item(row) for row in rows]

    def item(self, name: str, key: str) -> StoredItem | None:
        found = self.items(name, keys=[key])
        return found[0] if found else None

    def record_poll(
        self,
        name: str,
        records: Sequence[ItemRecord],
        *,
        now: float,
        next_poll: float,
        etag: str | None,
        last_modified: str | None,
        source: bytes,
        english: bytes,
        title: str | None,
        kind: str | None,
        warnings: Sequence[str] = (),
        channel_hash: str = "",
        channel: Sequence[StoredBlock] | None = None,
    ) -> PollOutcome:
        """A successful poll, in one transaction: items, poll state, source and English feed.

        Items in ``records`` are present (in that order); known items missing from it are
        marked gone, not deleted. A record with ``blocks=None`` keeps the stored English, and
        so does ``channel=None`` for the feed's own title and description.
        """
        with self.db.write() as conn:
            if conn.execute("SELECT 1 FROM feeds WHERE name = ?", (name,)).fetchone() is None:
                raise ConfigurationError(f"the feed {name!r} was removed while it was polled")
            if channel is not None:
                conn.execute(
                    "UPDATE feeds SET channel_hash = ?, channel = ? WHERE name = ?",
                    (channel_hash, _blocks_json(channel), name),
                )
            known = {
                row["key"]: row["hash"]
                for row in conn.execute("SELECT key, hash FROM items WHERE feed = ?", (name,))
            }
            new = changed = 0
            for record in records:
                if record.key not in known:
                    new += 1
                elif known[record.key] != record.hash:
                    changed += 1
                _write_item(conn, name, record, now, record.key in known)
            present = {r.key for r in records}
            gone = [key for key in known if key not in present]
            conn.executemany(
                "UPDATE items SET present = 0 WHERE feed = ? AND key = ? AND present = 1",
                [(name, key) for key in gone],
            )
            conn.execute(
                "UPDATE feeds SET etag = ?, last_modified = ?, next_poll = ?, last_poll = ?, "
                "last_status = 'updated', failures = 0, last_error = NULL, claimed_until = 0, "
                "claimed_by = NULL, source = ?, english = ?, title = ?, kind = ?, warnings = ? "
                "WHERE name = ?",
                (
                    etag, last_modified, next_poll, now, source, english, title, kind,
                    json.dumps(list(warnings), ensure_ascii=False), name,
                ),
            )  # fmt: skip
        return PollOutcome(new=new, changed=changed, removed=len(gone))

    def channel(self, name: str) -> tuple[str | None, tuple[StoredBlock, ...]]:
        """The hash and English of the feed's own title and description, as last translated."""
        with self.db.read() as conn:
            row = conn.execute(
                "SELECT channel_hash, channel FROM feeds WHERE name = ?", (name,)
            ).fetchone()
        if row is None:
            return None, ()
        blocks = tuple(StoredBlock.from_dict(b) for b in json.loads(row["channel"]))
        return row["channel_hash"], blocks

    def record_full_text(
        self,
        name: str,
        key: str,
        *,
        text: str | None,
        english: str | None,
        flags: Sequence[str] = (),
        error: str | None = None,
    ) -> None:
        """An item's article, fetched from its link and translated (or why it could not be)."""
        with self.db.write() as conn:
            conn.execute(
                "UPDATE items SET full_text = ?, full_text_en = ?, full_text_flags = ?, "
                "full_text_error = ? WHERE feed = ? AND key = ?",
                (text, english, json.dumps(list(flags)), error, name, key),
            )

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> FeedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_FEED_SELECT = (
    "SELECT f.name, f.url, f.every, f.full_text, f.added, f.etag, f.last_modified, f.next_poll, "
    "f.failures, f.last_error, f.last_poll, f.last_status, f.title, f.kind, f.warnings, "
    "(SELECT count(*) FROM items i WHERE i.feed = f.name AND i.present = 1) AS items "
    "FROM feeds f"
)


def _feed(row: sqlite3.Row) -> Feed:
    return Feed(
        name=row["name"],
        url=row["url"],
        every=row["every"],
        full_text=bool(row["full_text"]),
        added=row["added"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        next_poll=row["next_poll"],
        failures=row["failures"],
        last_error=row["last_error"],
        last_poll=row["last_poll"],
        last_status=row["last_status"],
        title=row["title"],
        kind=row["kind"],
        items=row["items"],
        warnings=tuple(json.loads(row["warnings"] or "[]")),
    )


def _item(row: sqlite3.Row) -> StoredItem:
    return StoredItem(
        feed=row["feed"],
        key=row["key"],
        hash=row["hash"],
        arabic=bool(row["arabic"]),
        position=row["position"],
        present=bool(row["present"]),
        title=row["title"],
        title_en=row["title_en"],
        link=row["link"],
        blocks=tuple(StoredBlock.from_dict(b) for b in json.loads(row["blocks"])),
        flags=tuple(json.loads(row["flags"])),
        model=row["model"],
        first_seen=row["first_seen"],
        updated=row["updated"],
        full_text=row["full_text"],
        full_text_en=row["full_text_en"],
        full_text_flags=tuple(json.loads(row["full_text_flags"])),
        full_text_error=row["full_text_error"],
    )


def _blocks_json(blocks: Iterable[StoredBlock]) -> str:
    return json.dumps([b.to_dict() for b in blocks], ensure_ascii=False)


def _write_item(
    conn: sqlite3.Connection, feed: str, record: ItemRecord, now: float, known: bool
) -> None:
    if known and record.blocks is None:  # unchanged: only its place in the feed moves
        conn.execute(
            "UPDATE items SET position = ?, present = 1 WHERE feed = ? AND key = ?",
            (record.position, feed, record.key),
        )
        return
    blocks = record.blocks or ()
    flags = sorted({flag for block in blocks for flag in block.flags})
    title_en = next((b.target for b in blocks if b.kind == "title"), "")
    values = (
        record.hash, int(record.arabic), record.position, record.title, title_en, record.link,
        _blocks_json(blocks), json.dumps(flags),
        record.model,
    )  # fmt: skip
    if known:  # changed: its English is replaced, its article fetched again
        conn.execute(
            "UPDATE items SET hash = ?, arabic = ?, position = ?, title = ?, title_en = ?, "
            "link = ?, blocks = ?, flags = ?, model = ?, present = 1, updated = ?, "
            "full_text = NULL, full_text_en = NULL, full_text_flags = '[]', "
            "full_text_error = NULL WHERE feed = ? AND key = ?",
            (*values, now, feed, record.key),
        )
    else:
        conn.execute(
            "INSERT INTO items (hash, arabic, position, title, title_en, link, blocks, flags, "
            "model, feed, key, first_seen, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*values, feed, record.key, now, now),
        )
