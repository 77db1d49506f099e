"""One way to use SQLite: the translation memory, the API keys and the glossaries all open their
file through :class:`Database`, so they behave alike under load, under a full disk and on a
damaged file.

- **WAL**: readers never wait for a writer, so a lookup keeps answering while an import or
  another process writes; two processes (a ``translate`` run and a server) can share a file.
- **Busy timeout**: a writer that finds the file locked waits for it (``timeout`` seconds)
  instead of failing at once; past the timeout it is a :class:`~tarjama.errors.StorageBusyError`.
- **Foreign keys on** (SQLite leaves them off unless asked, per connection).
- **One connection per thread**: an sqlite3 connection must not be shared by two threads
  mid-transaction. Each thread's connection is closed when the thread ends, or by
  :meth:`Database.close`; a forked child opens its own rather than touching its parent's.
- **Short write transactions**: :meth:`Database.write` is ``BEGIN IMMEDIATE`` … ``COMMIT``,
  which takes the write lock up front, so two writers queue on the busy timeout instead of
  deadlocking on a lock upgrade; any error rolls the whole transaction back.
- **Errors of our tree**: an sqlite3 error that crosses out of here is a
  :class:`~tarjama.errors.StorageError` naming the file: busy/locked, full (or a disk that
  refuses writes), corrupt (not a database, malformed). Bugs (constraint violations, wrong SQL)
  are not disguised as storage trouble.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import cast

from tarjama.errors import StorageBusyError, StorageCorruptError, StorageError, StorageFullError

__all__ = ["DEFAULT_TIMEOUT", "Database", "storage_error"]

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
"""Seconds a writer waits for another's lock before giving up (``TARJAMA_DB_TIMEOUT``)."""

# SQLite's primary result codes (the low byte of an extended code)
_BUSY, _LOCKED, _IOERR, _CORRUPT, _FULL, _NOTADB = 5, 6, 10, 11, 13, 26


def storage_error(exc: sqlite3.Error, path: str | os.PathLike[str], what: str) -> StorageError:
    """The :class:`StorageError` subclass for an sqlite3 error on ``path`` (a ``what`` file)."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc)
    if primary in (_BUSY, _LOCKED) or "locked" in text:
        return StorageBusyError(
            f"the {what} {path} is locked by another writer ({text}); try again shortly"
        )
    if primary == _FULL or "full" in text:
        return StorageFullError(
            f"the {what} {path} cannot grow ({text}); free some disk space and try again"
        )
    if primary == _IOERR or "disk I/O" in text:
        return StorageFullError(
            f"the {what} {path} cannot be written ({text}); is the disk full or failing?"
        )
    if primary in (_CORRUPT, _NOTADB) or "malformed" in text or "not a database" in text:
        return StorageCorruptError(
            f"the {what} {path} is damaged or not a database ({text}); move it aside "
            "(tarjama starts a new one) or restore a backup"
        )
    return StorageError(f"the {what} {path} cannot be used ({text})")


def _is_storage(exc: BaseException) -> bool:
    """An error about the file or the disk, not a bug in our SQL or our data."""
    return isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError


Setup = Callable[[sqlite3.Connection], object]


class Database:
    """An SQLite file opened the one way (see the module docstring); share it between threads.

    ``setup`` runs once, on the first connection (create tables, migrate); what it returns is
    kept in :attr:`setup_result`. ``what`` names the file in error messages ("translation
    memory", "key database"). The file and its folders are made on first use; a file that
    cannot be used fails here, not at the first query.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        what: str = "database",
        setup: Setup | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.path = Path(path)
        self.what = what
        self.timeout = timeout
        self.setup_result: object = None
        self._setup = setup
        self._ready = False
        self._lock = threading.Lock()
        self._local = threading.local()
        self._handles: weakref.WeakSet[_Handle] = weakref.WeakSet()
        self._pid = os.getpid()
        self._closed = False
        self.connection()

    # -- connections ---------------------------------------------------------------------

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (autocommit; rows as :class:`sqlite3.Row`)."""
        if self._pid != os.getpid():  # a forked child must not touch its parent's connections
            self._lock = threading.Lock()
            self._local = threading.local()
            self._handles = weakref.WeakSet()
            self._pid = os.getpid()
        handle = cast("_Handle | None", getattr(self._local, "handle", None))
        if handle is not None:
            return handle.conn
        if self._closed:
            raise ValueError(f"the {self.what} {self.path} is closed")
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
            raise StorageError(
                f"cannot create {self.path.parent} for the {self.what}: {exc}"
            ) from exc
        conn: sqlite3.Connection | None = None
        try:
            # check_same_thread=False only so close() may close every thread's connection;
            # each connection is still used by the one thread that opened it.
            conn = sqlite3.connect(
                self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")  # durable enough in WAL mode
            with self._lock:
                if not self._ready:
                    if self._setup is not None:
                        self.setup_result = self._setup(conn)
                    self._ready = True
        except BaseException as exc:
            if conn is not None:
                conn.close()
            if _is_storage(exc):
                raise storage_error(cast(sqlite3.Error, exc), self.path, self.what) from exc
            raise
        return conn

    # -- transactions --------------------------------------------------------------------

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection for reading; sqlite3 errors become StorageErrors.

        In WAL mode a read takes no lock another writer waits on, nor waits on one.
        """
        conn = self.connection()
        try:
            yield conn
        except sqlite3.Error as exc:
            if _is_storage(exc):
                raise storage_error(exc, self.path, self.what) from exc
            raise

    @contextmanager
    def write(self, *, wait: bool = True) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction: committed at the end, rolled back on any error.

        ``wait=False`` gives up at once (:class:`StorageBusyError`) when another writer holds the
        lock, for best-effort writes that must never hold their caller up.
        """
        conn = self.connection()
        try:
            if wait:
                conn.execute("BEGIN IMMEDIATE")
            else:
                conn.execute("PRAGMA busy_timeout = 0")
                try:
                    conn.execute("BEGIN IMMEDIATE")
                finally:
                    conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            if _is_storage(exc):
                raise storage_error(cast(sqlite3.Error, exc), self.path, self.what) from exc
            raise

    # -- lifetime ------------------------------------------------------------------------

    def close(self) -> None:
        """Close every thread's connection (the last one out checkpoints the WAL)."""
        with self._lock:
            self._closed = True
            handles = list(self._handles)
        for handle in handles:
            with suppress(sqlite3.Error):
                handle.conn.close()
        self._local = threading.local()

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Database({str(self.path)!r}, what={self.what!r})"


class _Handle:
    """A thread's connection, in a box a weak reference can point at (sqlite3's cannot)."""

    __slots__ = ("__weakref__", "conn")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
