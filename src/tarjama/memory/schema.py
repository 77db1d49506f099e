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

``sources`` (schema 3) is an FTS5 index with the trigram tokenizer over every entry's source,
folded for matching (:func:`fold_sql`: harakat dropped, alef/yeh/kaf and ta marbuta forms
merged, Latin lower-cased): the candidates of fuzzy matches and retrieved examples
(:mod:`tarjama.retrieval`). Triggers keep it in step with every insert, update and delete, so no
write path (store, import, delete) can forget it; ``rowid`` is the entry's ``id``.

Opening a file that is already up to date only reads: the write lock is taken only to create
or migrate, so a busy writer elsewhere never stops a process from opening the memory.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from tarjama.errors import ConfigurationError

__all__ = [
    "FOLD_CHARS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ensure_schema",
    "fold_sql",
    "schema_version",
]

SCHEMA_VERSION = 3

#: What matching ignores, as (character, replacement): harakat and the superscript alef go, and
#: the spellings writers mix freely become one (the same folds as
#: :func:`tarjama.text.normalize_for_match`, which a test keeps equal on memory keys).
FOLD_CHARS: tuple[tuple[str, str], ...] = (
    *((chr(code), "") for code in (*range(0x064B, 0x0653), *range(0x0656, 0x065F), 0x0670)),
    ("أ", "ا"),
    ("إ", "ا"),
    ("آ", "ا"),
    ("ٱ", "ا"),
    ("ى", "ي"),
    ("ی", "ي"),
    ("ک", "ك"),
    ("ة", "ه"),
)


def fold_sql(column: str) -> str:
    """An SQL expression folding ``column`` (a memory key) as :data:`FOLD_CHARS` says; triggers
    use it, so the index is right whoever writes the row."""
    expression = f"lower({column})"
    for char, replacement in FOLD_CHARS:
        expression = f"replace({expression}, '{char}', '{replacement}')"
    return expression


# detail='none': the index answers "which entries hold this trigram", all retrieval asks, at a
# fraction of the size of positions.
_SOURCES = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS sources "
    "USING fts5(text, tokenize='trigram', detail='none')",
    # how many entries hold each trigram: retrieval reads the rarest first
    "CREATE VIRTUAL TABLE IF NOT EXISTS sources_vocab USING fts5vocab(sources, 'row')",
    f"""CREATE TRIGGER IF NOT EXISTS sources_insert AFTER INSERT ON entries BEGIN
        INSERT INTO sources (rowid, text) VALUES (new.id, {fold_sql("new.source")});
    END""",
    """CREATE TRIGGER IF NOT EXISTS sources_delete AFTER DELETE ON entries BEGIN
        DELETE FROM sources WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS sources_update AFTER UPDATE OF source ON entries BEGIN
        DELETE FROM sources WHERE rowid = old.id;
        INSERT INTO sources (rowid, text) VALUES (new.id, {fold_sql("new.source")});
    END""",
)

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
    *_SOURCES,
)

Migration = Callable[[sqlite3.Connection], None]


def _add_recipe(conn: sqlite3.Connection) -> None:
    """1 → 2: engine entries record their recipe. Those made before get one no caller asks
    for, so they are never served again: nobody knows which lexicon or checks passed them. (They
    stay, for export, until the engine translates their sentence again.)"""
    conn.execute("ALTER TABLE entries ADD COLUMN recipe TEXT NOT NULL DEFAULT ''")
    conn.execute("UPDATE entries SET recipe = 'unknown (schema 1)' WHERE origin = 'engine'")


def _add_sources(conn: sqlite3.Connection) -> None:
    """2 → 3: the trigram index of sources, filled from the entries already there."""
    for statement in _SOURCES:
        conn.execute(statement)
    conn.execute(f"INSERT INTO sources (rowid, text) SELECT id, {fold_sql('source')} FROM entries")


MIGRATIONS: dict[int, Migration] = {1: _add_recipe, 2: _add_sources}
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
