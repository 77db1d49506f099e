"""The SQLite translation memory: an exact-match cache of engine output plus human translations.

One file (``Settings.memory_path``), opened through :class:`tarjama.sqlitedb.Database` (WAL, busy
timeout, a connection per thread, short ``BEGIN IMMEDIATE`` writes, errors as
:class:`~tarjama.errors.StorageError`), so a ``translate`` run and a server can share it.

Lookups are exact on :func:`~tarjama.memory.keys.memory_key`. A human entry for a source wins
over engine entries and applies to every model, glossary version and recipe; an engine entry
only answers for the model, glossary version and :func:`~tarjama.memory.recipe.memory_recipe`
that produced it, and only when the checks found no wrong fact in it
(:func:`~tarjama.memory.translations.serveable`).

A lookup never waits for a writer: the hit counts it adds are kept in this process and written
at most once a second (and by ``stats`` and ``close``) by a best-effort transaction that gives
up at once when another writer holds the lock, so counting never holds up a busy server's
writes (counts not yet written are kept for the next try, or lost at worst: they are
statistics). A write (``store_many``, an
import) is all or nothing: the rows are staged in a temporary table first, then merged in one
short transaction, so a malformed unit 5,000 of 10,000 leaves the memory as it was, and the
write lock is held for the merge only, not while a file is parsed.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, suppress
from pathlib import Path
from typing import Any

from tarjama.document import Translation
from tarjama.errors import ConfigurationError, StorageError
from tarjama.memory.keys import collapse_spaces, memory_key, now_iso
from tarjama.memory.records import ORIGINS, Entry, Hit, ImportResult, MemoryStats, Origin
from tarjama.memory.schema import ensure_schema
from tarjama.memory.translations import serveable, translation_entries
from tarjama.sqlitedb import DEFAULT_TIMEOUT, Database

__all__ = ["TranslationMemory", "open_memory"]

logger = logging.getLogger(__name__)

_CHUNK = 500  # keys per IN (...) query, well under SQLite's variable limit
_STAGE_BATCH = 2000  # rows per insert into the staging table
_MAX_PENDING = 100_000  # entries whose uncounted hits are remembered at most
_FLUSH_EVERY = 1.0  # seconds between attempts to write hit counts (and at stats(), close())
_FLUSH_AT = 1000  # ... or as soon as this many entries wait to be counted
_COLUMNS = (
    "id, source, model, glossary, origin, target, score, flags, engine, recipe, "
    "created, updated, hits, last_hit"
)
_FIELDS = "source, model, glossary, origin, target, score, flags, engine, recipe, created, updated"
_STAGE = f"CREATE TEMP TABLE IF NOT EXISTS staged ({_FIELDS})"
_STAGE_ROW = f"INSERT INTO temp.staged ({_FIELDS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
# "WHERE true" keeps SQLite from reading ON CONFLICT as part of the SELECT's join
_MERGE = (
    f"INSERT INTO entries ({_FIELDS}) SELECT {_FIELDS} FROM temp.staged WHERE true "
    "ORDER BY rowid "
    "ON CONFLICT (source, model, glossary, origin) DO UPDATE SET "
    "target = excluded.target, score = excluded.score, flags = excluded.flags, "
    "engine = excluded.engine, recipe = excluded.recipe, updated = excluded.updated "
    "WHERE excluded.updated >= entries.updated"
)


class TranslationMemory:
    """A translation memory file; safe to share between threads, and between processes.

    Create it with a path (made on first use, with its parent folders) or use
    :func:`open_memory` for the configured one. Use it as a context manager or call
    :meth:`close`. ``timeout``: seconds a write waits for another process's lock before it is
    a :class:`~tarjama.errors.StorageBusyError`.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.path = Path(path)
        self._pending: dict[int, int] = {}
        self._pending_stamp = ""
        self._pending_lock = threading.Lock()
        self._next_flush = 0.0
        self._version = 0
        self._db = Database(
            self.path, what="translation memory", setup=self._setup, timeout=timeout
        )

    def _setup(self, conn: sqlite3.Connection) -> None:
        self._version = ensure_schema(conn, str(self.path))

    def close(self) -> None:
        """Write the hit counts still pending (if the file is free), then close every thread's
        connection (the file stays; the last one out checkpoints the WAL)."""
        if not self._db.closed:
            self._flush_hits()
        self._db.close()

    def __enter__(self) -> TranslationMemory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"TranslationMemory({str(self.path)!r})"

    @property
    def schema_version(self) -> int:
        return self._version

    # -- lookups -------------------------------------------------------------------------

    def lookup_many(
        self,
        sources: Iterable[str],
        model: str,
        glossary_version: str = "",
        *,
        recipe: str = "",
        count_hits: bool = True,
    ) -> dict[str, Hit]:
        """Exact hits for ``sources``: ``{source: Hit}`` for those the memory may answer.

        A human entry answers for any ``model``/``glossary_version``/``recipe``; otherwise only a
        serveable engine entry made by ``model`` under ``glossary_version`` and ``recipe`` does.
        Sources missing from the result need the engine. ``count_hits`` adds one to each entry's
        hit count per source served (best effort, never waiting for a lock).
        """
        by_key: dict[str, list[str]] = {}
        for source in sources:
            key = memory_key(source)
            if key:
                by_key.setdefault(key, []).append(source)
        best: dict[str, sqlite3.Row] = {}
        keys = list(by_key)
        with self._db.read() as conn:
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                marks = ", ".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT {_COLUMNS} FROM entries WHERE source IN ({marks}) AND "
                    "(origin = 'human' OR (model = ? AND glossary = ? AND recipe = ?))",
                    (*chunk, model, glossary_version, recipe),
                ).fetchall()
                for row in rows:
                    if not serveable(row["origin"], _flags(row["flags"])):
                        continue
                    if row["source"] not in best or row["origin"] == "human":
                        best[row["source"]] = row
        hits: dict[str, Hit] = {}
        for key, row in best.items():
            for source in by_key[key]:
                hits[source] = _hit(source, row)
        if count_hits and best:
            self._count_hits({int(row["id"]): len(by_key[key]) for key, row in best.items()})
        return hits

    def lookup(
        self, source: str, model: str, glossary_version: str = "", *, recipe: str = ""
    ) -> Hit | None:
        """One source's hit, or ``None`` (see :meth:`lookup_many`)."""
        return self.lookup_many([source], model, glossary_version, recipe=recipe).get(source)

    def reading(self) -> AbstractContextManager[sqlite3.Connection]:
        """This thread's connection for read-only queries: how :mod:`tarjama.retrieval` searches
        the ``sources`` trigram index (see :mod:`.schema`) without a copy of it in memory."""
        return self._db.read()

    def engine_targets(self, sources: Iterable[str]) -> dict[str, set[str]]:
        """Every target any engine produced for each source (by key; whitespace collapsed).

        How an XLIFF import without tarjama's metadata tells machine output from an edit.
        """
        keys = list({memory_key(s) for s in sources} - {""})
        found: dict[str, set[str]] = {}
        with self._db.read() as conn:
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                marks = ", ".join("?" * len(chunk))
                for row in conn.execute(
                    f"SELECT source, target FROM entries WHERE origin = 'engine' "
                    f"AND source IN ({marks})",
                    chunk,
                ):
                    found.setdefault(row["source"], set()).add(collapse_spaces(row["target"]))
        return found

    def iter_entries(
        self, *, model: str | None = None, origin: Origin | None = None
    ) -> Iterator[Entry]:
        """Every entry (optionally of one engine model, or one origin), oldest first."""
        where, params = _where(model, origin)
        with self._db.read() as conn:
            cursor = conn.execute(
                f"SELECT {_COLUMNS} FROM entries {where} ORDER BY created, id", params
            )
            while rows := cursor.fetchmany(1000):
                for row in rows:
                    yield _entry(row)

    def __len__(self) -> int:
        with self._db.read() as conn:
            return int(conn.execute("SELECT count(*) FROM entries").fetchone()[0])

    # -- hit counts ----------------------------------------------------------------------

    def _count_hits(self, counts: dict[int, int]) -> None:
        with self._pending_lock:
            for entry_id, count in counts.items():
                if entry_id in self._pending or len(self._pending) < _MAX_PENDING:
                    self._pending[entry_id] = self._pending.get(entry_id, 0) + count
            self._pending_stamp = now_iso()
            due = time.monotonic() >= self._next_flush or len(self._pending) >= _FLUSH_AT
        if due:
            self._flush_hits()

    def _flush_hits(self) -> None:
        """Write the pending hit counts if the write lock is free right now; else keep them."""
        with self._pending_lock:
            pending, stamp = self._pending, self._pending_stamp
            self._pending = {}
            self._next_flush = time.monotonic() + _FLUSH_EVERY
        if not pending:
            return
        try:
            with self._db.write(wait=False) as conn:
                conn.executemany(
                    "UPDATE entries SET hits = hits + ?, last_hit = ? WHERE id = ?",
                    [(count, stamp, entry_id) for entry_id, count in pending.items()],
                )
        except StorageError as exc:
            logger.debug("hit counts not written yet: %s", exc)
            self._count_back(pending)
        except BaseException:
            self._count_back(pending)
            raise

    def _count_back(self, pending: dict[int, int]) -> None:
        with self._pending_lock:
            for entry_id, count in pending.items():
                self._pending[entry_id] = self._pending.get(entry_id, 0) + count

    # -- writes --------------------------------------------------------------------------

    def store_many(self, entries: Iterable[Entry]) -> int:
        """Insert or update entries, all or none; returns how many rows were written.

        An entry with an empty source key or target is ignored. An entry older (by
        ``updated``) than the one already stored under the same key leaves it alone, so
        re-importing an old file never undoes a newer correction. Engine entries need a model.
        If reading ``entries`` raises (a malformed unit in a file being imported), nothing is
        written. The write lock is held only while the staged rows are merged.
        """
        stamp = now_iso()
        with self._db.read() as conn:
            conn.execute(_STAGE)
            conn.execute("DELETE FROM temp.staged")
            try:
                batch: list[tuple[Any, ...]] = []
                for entry in entries:
                    row = _row(entry, stamp)
                    if row is None:
                        continue
                    batch.append(row)
                    if len(batch) >= _STAGE_BATCH:
                        conn.executemany(_STAGE_ROW, batch)
                        batch = []
                if batch:
                    conn.executemany(_STAGE_ROW, batch)
                with self._db.write() as wconn:
                    return int(wconn.execute(_MERGE).rowcount)
            finally:
                with suppress(sqlite3.Error):
                    conn.execute("DELETE FROM temp.staged")

    def store_translations(
        self, translations: Iterable[Translation], glossary_version: str = "", recipe: str = ""
    ) -> int:
        """Keep what an engine produced (see :func:`translation_entries`); returns rows written."""
        return self.store_many(translation_entries(translations, glossary_version, recipe))

    def delete(self, *, model: str | None = None, origin: Origin | None = None) -> int:
        """Remove entries (all, or one model's, or one origin's); returns how many."""
        where, params = _where(model, origin)
        with self._db.write() as conn:
            return int(conn.execute(f"DELETE FROM entries {where}", params).rowcount)

    # -- reporting, files ----------------------------------------------------------------

    def stats(self) -> MemoryStats:
        """Counts for ``tarjama memory stats`` (hits include those not yet written)."""
        self._flush_hits()
        with self._pending_lock:
            unwritten = sum(self._pending.values())
        by_origin: dict[str, int] = {origin: 0 for origin in ORIGINS}
        with self._db.read() as conn:
            for row in conn.execute("SELECT origin, count(*) FROM entries GROUP BY origin"):
                by_origin[row[0]] = int(row[1])
            by_model = {
                row[0]: int(row[1])
                for row in conn.execute(
                    "SELECT model, count(*) FROM entries WHERE origin = 'engine' "
                    "GROUP BY model ORDER BY count(*) DESC, model"
                )
            }
            total, hits, hit_entries, oldest, newest = conn.execute(
                "SELECT count(*), coalesce(sum(hits), 0), coalesce(sum(hits > 0), 0), "
                "min(created), max(updated) FROM entries"
            ).fetchone()
        size = 0
        for suffix in ("", "-wal"):
            with suppress(OSError):
                size += os.path.getsize(f"{self.path}{suffix}")
        return MemoryStats(
            path=str(self.path),
            schema_version=self._version,
            entries=int(total),
            by_origin=by_origin,
            by_model=by_model,
            hits=int(hits) + unwritten,
            hit_entries=int(hit_entries),
            file_size=size,
            oldest=oldest,
            newest=newest,
        )

    def export_tmx(
        self,
        path: str | os.PathLike[str],
        *,
        model: str | None = None,
        origin: Origin | None = None,
    ) -> int:
        """Write the memory (or one model's / one origin's part) as TMX 1.4b; returns the count."""
        from tarjama.memory.tmx import write_tmx

        return write_tmx(self.iter_entries(model=model, origin=origin), path)

    def import_file(self, path: str | os.PathLike[str]) -> ImportResult:
        """Import a ``.tmx``, ``.xlf``/``.xliff`` or ``.tsv`` file (see :mod:`.importing`)."""
        from tarjama.memory.importing import import_file

        return import_file(self, path)


def _where(model: str | None, origin: Origin | None) -> tuple[str, list[Any]]:
    """The WHERE clause (and its parameters) selecting one model's and/or one origin's entries."""
    clauses: list[str] = []
    params: list[Any] = []
    if model is not None:
        clauses.append("model = ?")
        params.append(model)
    if origin is not None:
        _check_origin(origin)
        clauses.append("origin = ?")
        params.append(origin)
    return (f"WHERE {' AND '.join(clauses)}" if clauses else ""), params


def open_memory(
    path: str | os.PathLike[str] | None = None, *, timeout: float | None = None
) -> TranslationMemory:
    """The memory at ``path``, or the configured one (``$TARJAMA_HOME/memory.sqlite``); a write
    waits ``timeout`` seconds for another's lock (default ``TARJAMA_DB_TIMEOUT``)."""
    if path is None or timeout is None:
        from tarjama.settings import get_settings

        settings = get_settings()
        path = settings.memory_path if path is None else path
        timeout = settings.db_timeout if timeout is None else timeout
    return TranslationMemory(path, timeout=timeout)


def _check_origin(origin: str) -> None:
    if origin not in ORIGINS:
        raise ConfigurationError(f"unknown origin {origin!r}; expected one of {', '.join(ORIGINS)}")


def _row(entry: Entry, stamp: str) -> tuple[Any, ...] | None:
    """The database row for ``entry``, or ``None`` when there is nothing to store."""
    _check_origin(entry.origin)
    key = memory_key(entry.source)
    target = entry.target.strip()
    if not key or not target:
        return None
    if entry.origin == "human":
        model = glossary = ""
    else:
        if not entry.model:
            raise ValueError(f"an engine entry needs the model that made it: {entry.source!r}")
        model, glossary = entry.model, entry.glossary_version
    updated = entry.updated or stamp
    created = entry.created or updated
    recipe = entry.recipe if entry.origin == "engine" else ""
    return (
        key, model, glossary, entry.origin, target, entry.score,
        json.dumps(list(entry.flags)), entry.engine, recipe, created, updated,
    )  # fmt: skip


def _flags(text: str) -> tuple[str, ...]:
    try:
        value = json.loads(text)
    except ValueError:
        return ()
    return tuple(str(flag) for flag in value) if isinstance(value, list) else ()


def _hit(source: str, row: sqlite3.Row) -> Hit:
    return Hit(
        source=source,
        key=row["source"],
        target=row["target"],
        origin=row["origin"],
        model=row["model"],
        glossary_version=row["glossary"],
        engine=row["engine"],
        score=row["score"],
        flags=_flags(row["flags"]),
        created=row["created"],
        updated=row["updated"],
        hits=int(row["hits"]),
    )


def _entry(row: sqlite3.Row) -> Entry:
    return Entry(
        source=row["source"],
        target=row["target"],
        origin=row["origin"],
        model=row["model"],
        glossary_version=row["glossary"],
        engine=row["engine"],
        score=row["score"],
        flags=_flags(row["flags"]),
        created=row["created"],
        updated=row["updated"],
        hits=int(row["hits"]),
        last_hit=row["last_hit"],
        recipe=row["recipe"],
    )
