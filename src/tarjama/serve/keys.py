"""API keys, stored hashed in SQLite (``$TARJAMA_HOME/keys.sqlite``).

A key is shown once, when it is made; the database keeps only its SHA-256 (keys are 32 random
bytes, so a slow password hash would add nothing) and the first characters, so ``tarjama keys
list`` can tell keys apart. Each key may carry its own request-rate and character limits.
The file is opened through :class:`tarjama.sqlitedb.Database` (WAL, so checking a key never
waits for a writer; a damaged or busy file is a :class:`~tarjama.errors.StorageError`).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from tarjama.errors import ConfigurationError
from tarjama.sqlitedb import DEFAULT_TIMEOUT, Database

__all__ = ["ApiKey", "KeyStore", "hash_key"]

_PREFIX = "tj_"
_SHOWN = 10  # characters of a key kept in clear to recognise it

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    rate_limit INTEGER,
    char_limit INTEGER,
    created TEXT NOT NULL,
    revoked TEXT
)
"""


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class ApiKey:
    """One key as stored (never the key itself)."""

    id: int
    name: str
    prefix: str
    rate_limit: int | None
    """requests per minute; None = the server's default"""
    char_limit: int | None
    """characters per minute; None = the server's default"""
    created: str
    revoked: str | None

    @property
    def active(self) -> bool:
        return self.revoked is None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class KeyStore:
    """Create, look up, list and revoke keys in one SQLite file (safe across threads)."""

    def __init__(self, path: Path, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.path = path
        self._db = Database(path, what="key database", setup=_create, timeout=timeout)

    def close(self) -> None:
        self._db.close()

    def add(
        self, name: str, *, rate_limit: int | None = None, char_limit: int | None = None
    ) -> tuple[ApiKey, str]:
        """Make a key; returns its record and the key itself, which is not stored."""
        if not name.strip():
            raise ConfigurationError("a key needs a name")
        for value, what in ((rate_limit, "rate limit"), (char_limit, "character limit")):
            if value is not None and value < 0:
                raise ConfigurationError(f"the {what} must be 0 (none) or more")
        secret = _PREFIX + secrets.token_urlsafe(32)
        with self._db.write() as db:
            cursor = db.execute(
                "INSERT INTO api_keys (name, prefix, hash, rate_limit, char_limit, created) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (name, secret[:_SHOWN], hash_key(secret), rate_limit, char_limit, _now()),
            )
            row = db.execute("SELECT * FROM api_keys WHERE id = ?", (cursor.lastrowid,)).fetchone()
        return _record(row), secret

    def lookup(self, secret: str) -> ApiKey | None:
        """The record of ``secret`` (revoked or not), or None for an unknown key."""
        with self._db.read() as db:
            row = db.execute(
                "SELECT * FROM api_keys WHERE hash = ?", (hash_key(secret),)
            ).fetchone()
        return _record(row) if row else None

    def list(self) -> list[ApiKey]:
        with self._db.read() as db:
            rows = db.execute("SELECT * FROM api_keys ORDER BY id").fetchall()
        return [_record(row) for row in rows]

    def revoke(self, which: str) -> ApiKey | None:
        """Revoke a key by id, name or shown prefix; None when nothing matches."""
        with self._db.write() as db:
            rows = db.execute(
                "SELECT * FROM api_keys WHERE (CAST(id AS TEXT) = ? OR name = ? OR prefix = ?) "
                "AND revoked IS NULL",
                (which, which, which),
            ).fetchall()
            if len(rows) > 1:
                raise ConfigurationError(f"{which!r} matches {len(rows)} keys; give the key's id")
            if not rows:
                return None
            db.execute("UPDATE api_keys SET revoked = ? WHERE id = ?", (_now(), rows[0]["id"]))
            row = db.execute("SELECT * FROM api_keys WHERE id = ?", (rows[0]["id"],)).fetchone()
        return _record(row)

    def count_active(self) -> int:
        with self._db.read() as db:
            (count,) = db.execute("SELECT COUNT(*) FROM api_keys WHERE revoked IS NULL").fetchone()
        return int(count)


def _create(db: sqlite3.Connection) -> None:
    exists = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'api_keys'").fetchone()
    if not exists:  # opening an existing file takes no write lock
        db.execute(_SCHEMA)


def _record(row: sqlite3.Row) -> ApiKey:
    return ApiKey(
        id=row["id"],
        name=row["name"],
        prefix=row["prefix"],
        rate_limit=row["rate_limit"],
        char_limit=row["char_limit"],
        created=row["created"],
        revoked=row["revoked"],
    )
