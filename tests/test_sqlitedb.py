"""One way to open SQLite, and what a locked, full or damaged file becomes: a StorageError.

Every test uses a real file; the memory, the key store and the glossary store are each tried
against the same three failures.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from support.damage import damage_table, garble, holding_write_lock
from tarjama.errors import (
    StorageBusyError,
    StorageCorruptError,
    StorageFullError,
)
from tarjama.memory import Entry, TranslationMemory
from tarjama.serve.glossaries import GlossaryEntry, GlossaryStore
from tarjama.serve.keys import KeyStore
from tarjama.sqlitedb import Database

SOURCE = "قال الرئيس إن المفاوضات ستستأنف الأسبوع المقبل."


def _setup(conn: sqlite3.Connection) -> str:
    conn.execute("CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v BLOB)")
    return "ready"


def test_every_connection_is_wal_with_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    db = Database(tmp_path / "a" / "b.sqlite", setup=_setup, timeout=1.5)
    try:
        assert db.setup_result == "ready"
        seen: list[tuple[object, ...]] = []

        def look() -> None:
            conn = db.connection()
            assert conn is db.connection()  # one per thread, kept
            seen.append(
                (
                    conn.execute("PRAGMA journal_mode").fetchone()[0],
                    conn.execute("PRAGMA busy_timeout").fetchone()[0],
                    conn.execute("PRAGMA foreign_keys").fetchone()[0],
                    id(conn),
                )
            )

        look()
        worker = threading.Thread(target=look)
        worker.start()
        worker.join()
        assert [s[:3] for s in seen] == [("wal", 1500, 1), ("wal", 1500, 1)]
        assert seen[0][3] != seen[1][3]  # the thread had its own connection
    finally:
        db.close()
    with pytest.raises(ValueError, match="closed"):
        db.connection()


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    with Database(tmp_path / "x.sqlite", setup=_setup) as db:
        with pytest.raises(RuntimeError), db.write() as conn:
            conn.execute("INSERT INTO t VALUES ('a', 1)")
            raise RuntimeError("half-way")
        with db.read() as conn:
            assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 0
        with db.write() as conn:
            conn.execute("INSERT INTO t VALUES ('a', 1)")
        # a bug (here a duplicate key) is not disguised as storage trouble
        with pytest.raises(sqlite3.IntegrityError), db.write() as conn:
            conn.execute("INSERT INTO t VALUES ('a', 2)")


def test_locked_waits_the_busy_timeout_then_is_busy_and_reads_go_on(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite"
    with Database(path, setup=_setup, timeout=0.3) as db:
        with db.write() as conn:
            conn.execute("INSERT INTO t VALUES ('a', 1)")
        with holding_write_lock(path):
            started = time.monotonic()
            with pytest.raises(StorageBusyError, match="locked") as caught, db.write():
                pass
            assert 0.25 < time.monotonic() - started < 5
            started = time.monotonic()
            with pytest.raises(StorageBusyError), db.write(wait=False):
                pass
            assert time.monotonic() - started < 0.25  # gave up at once
            with db.read() as conn:  # WAL: a reader never waits for the writer
                assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 1
        assert caught.value.retry_after > 0
        with db.write() as conn:  # and once the lock is gone, writes go through again
            conn.execute("INSERT INTO t VALUES ('b', 2)")


def test_full_is_storage_full_and_rolled_back(tmp_path: Path) -> None:
    with Database(tmp_path / "x.sqlite", setup=_setup) as db:
        conn = db.connection()
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StorageFullError, match="full"), db.write() as conn:
            conn.executemany(
                "INSERT INTO t VALUES (?, ?)", [(str(i), b"x" * 2000) for i in range(50)]
            )
        with db.read() as conn:
            assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 0


def test_a_damaged_or_foreign_file_is_storage_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite"
    garble(path)
    with pytest.raises(StorageCorruptError, match="not a database"):
        Database(path, setup=_setup)
    path.unlink()
    with Database(path, setup=_setup) as db, db.write() as conn:
        conn.executemany("INSERT INTO t VALUES (?, ?)", [(str(i), b"x" * 500) for i in range(40)])
    damage_table(path, "t")
    damaged = Database(path, setup=_setup)  # the header is fine: it opens ...
    try:
        with pytest.raises(StorageCorruptError, match=r"malformed|damaged"), damaged.read() as c:
            c.execute("SELECT * FROM t WHERE k = '7'").fetchall()  # ... and fails on reading
    finally:
        damaged.close()


# -- the three stores, each against the three failures -----------------------------------

Opener = Callable[[Path, float], object]
Write = Callable[[object], object]


def _memory(path: Path, timeout: float) -> TranslationMemory:
    return TranslationMemory(path, timeout=timeout)


def _memory_write(store: object) -> object:
    assert isinstance(store, TranslationMemory)
    return store.store_many(Entry(f"{SOURCE} {i}", "x" * 900, "human") for i in range(60))


def _memory_read(store: object) -> object:
    assert isinstance(store, TranslationMemory)
    return store.lookup_many([SOURCE], "m")


def _keys_write(store: object) -> object:
    assert isinstance(store, KeyStore)
    return [store.add("k" * 900 + str(i)) for i in range(60)]


def _keys_read(store: object) -> object:
    assert isinstance(store, KeyStore)
    return store.lookup("tj_nothing")


def _glossary_write(store: object) -> object:
    assert isinstance(store, GlossaryStore)
    return store.create("desk", [GlossaryEntry(f"كلمة {i}", "w" * 900) for i in range(60)])


def _glossary_read(store: object) -> object:
    assert isinstance(store, GlossaryStore)
    return store.get(1)


STORES = {
    "memory": ("memory.sqlite", _memory, _memory_write, _memory_read, "entries"),
    "keys": (
        "keys.sqlite",
        lambda p, t: KeyStore(p, timeout=t),
        _keys_write,
        _keys_read,
        "api_keys",
    ),
    "glossaries": (
        "glossaries.sqlite",
        lambda p, t: GlossaryStore(p, timeout=t),
        _glossary_write,
        _glossary_read,
        "glossaries",
    ),
}


def _close(store: object) -> None:
    store.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", sorted(STORES))
def test_each_store_reports_locked_full_and_corrupt(kind: str, tmp_path: Path) -> None:
    name, open_store, write, read, table = STORES[kind]
    path = tmp_path / name

    store = open_store(path, 0.2)
    try:
        with holding_write_lock(path):
            with pytest.raises(StorageBusyError):
                write(store)
            read(store)  # reading is not held up by the writer
        conn = store._db.connection()  # type: ignore[attr-defined]
        conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
        with pytest.raises(StorageFullError):
            write(store)
    finally:
        _close(store)

    write_ok = open_store(path, 0.2)
    try:
        write(write_ok)  # nothing above was half-written: the full write goes in whole
        read(write_ok)
    finally:
        _close(write_ok)
    damage_table(path, table)
    damaged = open_store(path, 0.2)
    try:
        with pytest.raises(StorageCorruptError):
            read(damaged)
            write(damaged)
    finally:
        _close(damaged)
    garble(path)
    with pytest.raises(StorageCorruptError) as caught:
        open_store(path, 0.2)
    assert str(path) in str(caught.value)
