"""The SQLite translation memory: an exact-match cache of engine output plus human translations.

One file (``Settings.memory_path``) in WAL mode, so readers never wait for a writer and two
processes (a ``translate`` run and a server, say) can share it. Each thread gets its own
connection (sqlite3 connections must not be shared between threads mid-transaction), closed
when the thread ends. Each write is one short ``BEGIN IMMEDIATE`` transaction, which takes the
write lock up front so two writers queue on the busy timeout instead of failing with a
lock-upgrade deadlock.

Lookups are exact on :func:`~tarjama.memory.keys.memory_key`. A human entry for a source wins
over engine entries and applies to every model and glossary version; an engine entry only
answers for the model and glossary version that produced it.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, cast

from tarjama.document import Translation
from tarjama.errors import ConfigurationError, TarjamaError
from tarjama.memory.keys import collapse_spaces, memory_key, now_iso
from tarjama.memory.records import ORIGINS, Entry, Hit, ImportResult, MemoryStats, Origin
from tarjama.memory.schema import ensure_schema
from tarjama.memory.translations import translation_entries

__all__ = ["TranslationMemory", "open_memory"]

_CHUNK = 500  # keys per IN (...) query, well under SQLite's variable limit
_WRITE_BATCH = 5000  # rows per write transaction, so a long import lets others in between
_COLUMNS = (
    "id, source, model, glossary, origin, target, score, flags, engine, "
    "created, updated, hits, last_hit"
)
_UPSERT = (
    "INSERT INTO entries (source, model, glossary, origin, target, score, flags, engine, "
    "created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (source, model, glossary, origin) DO UPDATE SET "
    "target = excluded.target, score = excluded.score, flags = excluded.flags, "
    "engine = excluded.engine, updated = excluded.updated "
    "WHERE excluded.updated >= entries.updated"
)


class TranslationMemory:
    """A translation memory file; safe to share between threads, and between processes.

    Create it with a path (made on first use, with its parent folders) or use
    :func:`open_memory` for the configured one. Use it as a context manager or call
    :meth:`close`.
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self._timeout = timeout
        self._lock = threading.Lock()
        self._local = threading.local()
        self._handles: weakref.WeakSet[_Handle] = weakref.WeakSet()
        self._pid = os.getpid()
        self._version = 0
        self._closed = False
        self._conn()  # fail here, not at the first lookup, if the file is not usable

    # -- connections ---------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        """This thread's connection, opened (and the schema checked) on first use."""
        if self._pid != os.getpid():  # a forked child must not touch its parent's connections
            self._lock = threading.Lock()
            self._local = threading.local()
            self._handles = weakref.WeakSet()
            self._pid = os.getpid()
        handle = cast("_Handle | None", getattr(self._local, "handle", None))
        if handle is not None:
            return handle.conn
        if self._closed:
            raise ValueError(f"translation memory {self.path} is closed")
        handle = _Handle(self._connect())
        # when the thread ends its local storage goes, and with it the connection
        weakref.finalize(handle, handle.conn.close)
        with self._lock:
            self._handles.add(handle)
        self._local.handle = handle
        return handle.conn

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigurationError(f"cannot create {self.path.parent}: {exc}") from exc
        conn: sqlite3.Connection | None = None
        try:
            # check_same_thread=False only so close() may close every thread's connection;
            # each connection is still used by the one thread that opened it.
            conn = sqlite3.connect(
                self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")  # durable enough in WAL mode
            self._version = ensure_schema(conn, str(self.path))
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            raise ConfigurationError(
                f"{self.path} is not a usable translation memory ({exc}); "
                "move it aside and tarjama will start a new one"
            ) from exc
        except BaseException:
            if conn is not None:
                conn.close()
            raise
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction on this thread's connection."""
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TarjamaError(
                f"translation memory {self.path} stayed locked by another writer for "
                f"{self._timeout:g} s ({exc})"
            ) from exc
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        """Close every thread's connection (the file stays; WAL is checkpointed by SQLite)."""
        with self._lock:
            self._closed = True
            handles = list(self._handles)
        for handle in handles:
            handle.conn.close()
        self._local = threading.local()

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
        count_hits: bool = True,
    ) -> dict[str, Hit]:
        """Exact hits for ``sources``: ``{source: Hit}`` for those the memory knows.

        A human entry answers for any ``model``/``glossary_version``; otherwise only an engine
        entry made by ``model`` under ``glossary_version`` does. Sources missing from the result
        need the engine. ``count_hits`` adds one to each entry's hit count per source served.
        """
        by_key: dict[str, list[str]] = {}
        for source in sources:
            key = memory_key(source)
            if key:
                by_key.setdefault(key, []).append(source)
        best: dict[str, sqlite3.Row] = {}
        conn = self._conn()
        keys = list(by_key)
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM entries WHERE source IN ({marks}) "
                "AND (origin = 'human' OR (model = ? AND glossary = ?))",
                (*chunk, model, glossary_version),
            ).fetchall()
            for row in rows:
                if row["source"] not in best or row["origin"] == "human":
                    best[row["source"]] = row
        hits: dict[str, Hit] = {}
        for key, row in best.items():
            for source in by_key[key]:
                hits[source] = _hit(source, row)
        if count_hits and best:
            stamp = now_iso()
            with self._write() as wconn:
                wconn.executemany(
                    "UPDATE entries SET hits = hits + ?, last_hit = ? WHERE id = ?",
                    [(len(by_key[key]), stamp, row["id"]) for key, row in best.items()],
                )
        return hits

    def lookup(self, source: str, model: str, glossary_version: str = "") -> Hit | None:
        """One source's hit, or ``None`` (see :meth:`lookup_many`)."""
        return self.lookup_many([source], model, glossary_version).get(source)

    def engine_targets(self, sources: Iterable[str]) -> dict[str, set[str]]:
        """Every target any engine produced for each source (by key; whitespace collapsed).

        How an XLIFF import without tarjama's metadata tells machine output from an edit.
        """
        keys = list({memory_key(s) for s in sources} - {""})
        found: dict[str, set[str]] = {}
        conn = self._conn()
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
        cursor = self._conn().execute(
            f"SELECT {_COLUMNS} FROM entries {where} ORDER BY created, id", params
        )
        while rows := cursor.fetchmany(1000):
            for row in rows:
                yield _entry(row)

    def __len__(self) -> int:
        return int(self._conn().execute("SELECT count(*) FROM entries").fetchone()[0])

    # -- writes --------------------------------------------------------------------------

    def store_many(self, entries: Iterable[Entry]) -> int:
        """Insert or update entries; returns how many rows were written.

        An entry with an empty source key or target is ignored. An entry older (by
        ``updated``) than the one already stored under the same key leaves it alone, so
        re-importing an old file never undoes a newer correction. Engine entries need a model.
        """
        stamp = now_iso()
        written = 0
        batch: list[tuple[Any, ...]] = []
        for entry in entries:
            row = _row(entry, stamp)
            if row is None:
                continue
            batch.append(row)
            if len(batch) >= _WRITE_BATCH:
                written += self._upsert(batch)
                batch = []
        if batch:
            written += self._upsert(batch)
        return written

    def store_translations(
        self, translations: Iterable[Translation], glossary_version: str = ""
    ) -> int:
        """Keep what an engine produced (see :func:`translation_entries`); returns rows written."""
        return self.store_many(translation_entries(translations, glossary_version))

    def _upsert(self, rows: Sequence[tuple[Any, ...]]) -> int:
        with self._write() as conn:
            return conn.executemany(_UPSERT, rows).rowcount

    def delete(self, *, model: str | None = None, origin: Origin | None = None) -> int:
        """Remove entries (all, or one model's, or one origin's); returns how many."""
        where, params = _where(model, origin)
        with self._write() as conn:
            return conn.execute(f"DELETE FROM entries {where}", params).rowcount

    # -- reporting, files ----------------------------------------------------------------

    def stats(self) -> MemoryStats:
        """Counts for ``tarjama memory stats``."""
        conn = self._conn()
        by_origin: dict[str, int] = {origin: 0 for origin in ORIGINS}
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
            hits=int(hits),
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


class _Handle:
    """A thread's connection, in a box a weak reference can point at (sqlite3's cannot)."""

    __slots__ = ("__weakref__", "conn")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn


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


def open_memory(path: str | os.PathLike[str] | None = None) -> TranslationMemory:
    """The memory at ``path``, or the configured one (``$TARJAMA_HOME/memory.sqlite``)."""
    if path is None:
        from tarjama.settings import get_settings

        path = get_settings().memory_path
    return TranslationMemory(path)


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
    return (
        key, model, glossary, entry.origin, target, entry.score,
        json.dumps(list(entry.flags)), entry.engine, created, updated,
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
    )
