"""Real ways an SQLite file goes wrong, for the storage-error tests: nothing here is mocked.

- :func:`holding_write_lock`: another connection holds ``BEGIN EXCLUSIVE`` (a long writer).
- :func:`damage_table`: garbage over the root pages of a table and its indexes, the header and
  schema left intact, so the file opens and the first query that reads the table fails, as a
  bad disk sector would make it.
- :func:`garble`: the whole file overwritten with text (not a database at all).
- :func:`disk_limit`: a process may not write files past a size (``RLIMIT_FSIZE``): its
  writes fail with ``EFBIG`` as they would with ``ENOSPC`` on a full disk (Python ignores
  ``SIGXFSZ``, so the write error is reported, not the process killed).
- :func:`fill_wal`: grow a file's write-ahead log and keep it from being checkpointed, so the
  next write by a process under :func:`disk_limit` must write past the limit.
"""

from __future__ import annotations

import resource
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

GARBAGE = b"this is not an sqlite page; a disk sector went bad here. " * 80


@contextmanager
def holding_write_lock(path: Path) -> Iterator[sqlite3.Connection]:
    """Another connection holds the file's write lock for the duration."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN EXCLUSIVE")
        yield conn
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def damage_table(path: Path, table: str) -> None:
    """Overwrite the root pages of ``table`` and its indexes with garbage (file closed)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        roots = [
            row[0]
            for row in conn.execute(
                "SELECT rootpage FROM sqlite_master WHERE tbl_name = ? AND rootpage > 1", (table,)
            )
        ]
    finally:
        conn.close()
    assert roots, f"no pages of {table} in {path}"
    with open(path, "r+b") as file:
        for root in roots:
            file.seek((root - 1) * page_size)
            file.write(GARBAGE[:page_size])


def garble(path: Path) -> None:
    """Replace the file (and its WAL) with text."""
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(GARBAGE)


def disk_limit(max_bytes: int) -> Callable[[], None]:
    """A ``preexec_fn``: the child may not write any file past ``max_bytes``."""

    def limit() -> None:
        hard = _hard_limit()
        resource.setrlimit(resource.RLIMIT_FSIZE, (_within(max_bytes, hard), hard))

    return limit


def limit_disk(pid: int, max_bytes: int | None) -> None:
    """Apply :func:`disk_limit` to a running process (``None``: lift it again). Only the soft
    limit changes, so no privilege is needed to lift it."""
    hard = _hard_limit()
    soft = hard if max_bytes is None else _within(max_bytes, hard)
    resource.prlimit(pid, resource.RLIMIT_FSIZE, (soft, hard))


def _hard_limit() -> int:
    return resource.getrlimit(resource.RLIMIT_FSIZE)[1]


def _within(soft: int, hard: int) -> int:
    return soft if hard == resource.RLIM_INFINITY else min(soft, hard)


def fill_wal(path: Path, rows: int = 300) -> sqlite3.Connection:
    """Write ``rows`` pages' worth into the WAL of ``path`` and hold it open, uncheckpointed.

    The caller closes the returned connection when done. Returns with the WAL at least
    ``rows`` × 4 KiB long; its size is ``Path(f"{path}-wal").stat().st_size``.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE IF NOT EXISTS ballast (blob BLOB)")
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO ballast VALUES (?)", [(b"\0" * 4000,) for _ in range(rows)])
    conn.execute("COMMIT")
    conn.execute("SELECT count(*) FROM ballast").fetchone()
    return conn
