"""The database layout, its version, and how an older file is brought up to date.

``meta`` holds ``schema_version``. A file is created on first use; a file from an older
tarjama is migrated step by step through :data:`MIGRATIONS` (``MIGRATIONS[n]`` turns version
``n`` into ``n + 1``) inside the same write transaction, so two processes opening it at once
cannot both migrate; a file from a newer tarjama is refused rather than damaged.

``entries`` is keyed by (normalised source, model, glossary version, origin). Human entries
are stored with an empty model and glossary version: a correction applies whatever model runs.
An engine entry also records its ``recipe`` (:func:`~tarjama.memory.recipe.memory_recipe`: the
lexicon, prompt and checks that shaped its English); it answers only for the same recipe, and
is replaced when the engine translates the sentence again under a new one.

Opening a file that is already up to date only reads: the write lock is taken only to create
or migrate, so a busy writer elsewhere never stops a process from opening the memory.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from tarjama.errors import ConfigurationError

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "ensure_schema", "schema_version"]

SCHEMA_VERSION = 2

_CREATE = (
    """CREATE TABLE IF NOT EXISTS meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS entries (
        id       INTEGER PRIMARY KEY,
        source   TEXT NOT NULL,
        model    TEXT NOT NULL DEFAULT '',
        glossary TEXT NOT NULL DEFAULT '',
        origin   TEXT NOT NULL CHECK (origin IN ('engine', 'human')),
        target   TEXT NOT NULL,
        score    REAL,
        flags    TEXT NOT NULL DEFAULT '[]',
        engine   TEXT NOT NULL DEFAULT '',
        recipe   TEXT NOT NULL DEFAULT '',
        created  TEXT NOT NULL,
        updated  TEXT NOT NULL,
        hits     INTEGER NOT NULL DEFAULT 0,
        last_hit TEXT,
        UNIQUE (source, model, glossary, origin),
        CHECK (origin = 'engine' OR (model = '' AND glossary = ''))
    )""",
    "CREATE INDEX IF NOT EXISTS entries_by_model ON entries (model, origin)",
)

Migration = Callable[[sqlite3.Connection], None]


def _add_recipe(conn: sqlite3.Connection) -> None:
    """1 → 2: engine entries record their recipe. Those made before get one no caller asks
    for, so they are never served again: nobody knows which lexicon or checks passed them. (They
    stay, for export, until the engine translates their sentence again.)"""
    conn.execute("ALTER TABLE entries ADD COLUMN recipe TEXT NOT NULL DEFAULT ''")
    conn.execute("UPDATE entries SET recipe = 'unknown (schema 1)' WHERE origin = 'engine'")


MIGRATIONS: dict[int, Migration] = {1: _add_recipe}
"""``MIGRATIONS[n]`` upgrades a version-``n`` file to ``n + 1``."""


def schema_version(conn: sqlite3.Connection) -> int | None:
    """The file's schema version, or ``None`` for a file tarjama has not set up yet."""
    has_meta = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
    ).fetchone()
    if not has_meta:
        return None
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else None


def ensure_schema(conn: sqlite3.Connection, path: str = "") -> int:
    """Create or migrate the schema; returns the version the file is now at.

    ``conn`` must be in autocommit mode (``isolation_level=None``). A file already at
    :data:`SCHEMA_VERSION` is only read; otherwise the work happens in one ``BEGIN IMMEDIATE``
    transaction, so a concurrent opener waits and then finds it done.
    """
    if schema_version(conn) == SCHEMA_VERSION:
        return SCHEMA_VERSION
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = schema_version(conn)
        if version is None:
            for statement in _CREATE:
                conn.execute(statement)
            _set_version(conn, SCHEMA_VERSION)
            version = SCHEMA_VERSION
        elif version > SCHEMA_VERSION:
            raise ConfigurationError(
                f"{path or 'the memory'} has schema version {version}, newer than this tarjama "
                f"understands ({SCHEMA_VERSION}); upgrade tarjama or use another TARJAMA_HOME"
            )
        while version < SCHEMA_VERSION:
            step = MIGRATIONS.get(version)
            if step is None:
                raise ConfigurationError(
                    f"{path or 'the memory'} has schema version {version} and tarjama has no "
                    "migration from it; move the file aside to start a new memory"
                )
            step(conn)
            version += 1
            _set_version(conn, version)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return version


def _set_version(conn: sqlite3.Connection, version: int) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (str(version),),
    )
