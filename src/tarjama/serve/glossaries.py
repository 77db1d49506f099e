"""Glossaries for the native API, stored in SQLite (``$TARJAMA_HOME/glossaries.sqlite``).

A glossary is a named list of (Arabic, English, note) entries a newsroom wants respected: its
house spellings of names, its titles. The server stores them; the pipeline applies them when
:meth:`tarjama.translator.Translator.translate_document` takes ``glossary=`` (see
:func:`to_glossary`). The file is opened through :class:`tarjama.sqlitedb.Database`; a
replace is one transaction, so a reader never sees a glossary half rewritten.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tarjama.errors import ConfigurationError
from tarjama.sqlitedb import DEFAULT_TIMEOUT, Database

__all__ = ["GlossaryEntry", "GlossaryRecord", "GlossaryStore", "to_glossary"]

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS glossaries (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        created TEXT NOT NULL,
        updated TEXT NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1
    )""",
    """CREATE TABLE IF NOT EXISTS glossary_entries (
        glossary_id INTEGER NOT NULL REFERENCES glossaries(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        arabic TEXT NOT NULL,
        english TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (glossary_id, position)
    )""",
)


@dataclass(frozen=True)
class GlossaryEntry:
    arabic: str
    english: str
    note: str = ""


@dataclass(frozen=True)
class GlossaryRecord:
    id: int
    name: str
    entries: tuple[GlossaryEntry, ...]
    created: str
    updated: str
    revision: int


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _clean(entries: Sequence[GlossaryEntry]) -> list[GlossaryEntry]:
    cleaned = []
    for i, entry in enumerate(entries):
        arabic, english = entry.arabic.strip(), entry.english.strip()
        if not arabic or not english:
            raise ConfigurationError(f"glossary entry {i}: arabic and english must not be empty")
        cleaned.append(GlossaryEntry(arabic, english, entry.note.strip()))
    return cleaned


class GlossaryStore:
    """Create, read, update (replace) and delete glossaries."""

    def __init__(self, path: Path, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.path = path
        self._db = Database(path, what="glossary database", setup=_create, timeout=timeout)

    def close(self) -> None:
        self._db.close()

    def create(self, name: str, entries: Sequence[GlossaryEntry]) -> GlossaryRecord:
        rows = _clean(entries)
        now = _now()
        with self._db.write() as db:
            cursor = db.execute(
                "INSERT INTO glossaries (name, created, updated) VALUES (?, ?, ?)",
                (name.strip(), now, now),
            )
            glossary_id = int(cursor.lastrowid or 0)
            self._write_entries(db, glossary_id, rows)
        record = self.get(glossary_id)
        assert record is not None
        return record

    def get(self, glossary_id: int) -> GlossaryRecord | None:
        with self._db.read() as db:
            # one read transaction: the row and its entries from the same moment
            db.execute("BEGIN")
            try:
                row = db.execute("SELECT * FROM glossaries WHERE id = ?", (glossary_id,)).fetchone()
                entries = db.execute(
                    "SELECT arabic, english, note FROM glossary_entries WHERE glossary_id = ? "
                    "ORDER BY position",
                    (glossary_id,),
                ).fetchall()
            finally:
                db.execute("COMMIT")
        return None if row is None else _record(row, entries)

    def list(self) -> list[GlossaryRecord]:
        with self._db.read() as db:
            ids = [row["id"] for row in db.execute("SELECT id FROM glossaries ORDER BY id")]
        return [record for i in ids if (record := self.get(i)) is not None]

    def replace(
        self, glossary_id: int, name: str, entries: Sequence[GlossaryEntry]
    ) -> GlossaryRecord | None:
        rows = _clean(entries)
        with self._db.write() as db:
            cursor = db.execute(
                "UPDATE glossaries SET name = ?, updated = ?, revision = revision + 1 WHERE id = ?",
                (name.strip(), _now(), glossary_id),
            )
            if cursor.rowcount == 0:
                return None
            db.execute("DELETE FROM glossary_entries WHERE glossary_id = ?", (glossary_id,))
            self._write_entries(db, glossary_id, rows)
        return self.get(glossary_id)

    def delete(self, glossary_id: int) -> bool:
        with self._db.write() as db:
            cursor = db.execute("DELETE FROM glossaries WHERE id = ?", (glossary_id,))
        return cursor.rowcount > 0

    @staticmethod
    def _write_entries(
        db: sqlite3.Connection, glossary_id: int, entries: Sequence[GlossaryEntry]
    ) -> None:
        db.executemany(
            "INSERT INTO glossary_entries (glossary_id, position, arabic, english, note) "
            "VALUES (?, ?, ?, ?, ?)",
            [(glossary_id, i, e.arabic, e.english, e.note) for i, e in enumerate(entries)],
        )


def _create(db: sqlite3.Connection) -> None:
    with_tables = db.execute(
        "SELECT count(*) FROM sqlite_master WHERE name IN ('glossaries', 'glossary_entries')"
    ).fetchone()[0]
    if with_tables == len(_SCHEMA):
        return  # opening an existing file takes no write lock
    for statement in _SCHEMA:
        db.execute(statement)


def _record(row: sqlite3.Row, entries: Sequence[sqlite3.Row]) -> GlossaryRecord:
    return GlossaryRecord(
        id=row["id"],
        name=row["name"],
        entries=tuple(GlossaryEntry(e["arabic"], e["english"], e["note"]) for e in entries),
        created=row["created"],
        updated=row["updated"],
        revision=row["revision"],
    )


def to_glossary(record: GlossaryRecord) -> Any:
    """The pipeline's :class:`tarjama.terms.Glossary` for ``record``, or None before it exists."""
    from tarjama import terms

    glossary_class = getattr(terms, "Glossary", None)
    if glossary_class is None:
        return None
    return glossary_class.from_pairs([(e.arabic, e.english) for e in record.entries])
