"""One exception tree for everything tarjama raises on purpose.

::

    TarjamaError
    ├── InputError            the input cannot be read or parsed (empty, binary, bad encoding …)
    ├── ConfigurationError    an option or setting is wrong (unknown engine, bad field …)
    ├── ModelError            a model is missing, broken, or cannot be installed
    │   └── ModelNotFoundError
    ├── EngineError           an engine failed while translating
    └── StorageError          a database file (memory, keys, glossaries) cannot be used
        ├── StorageBusyError     another writer held it past the busy timeout: try later
        ├── StorageFullError     the disk (or the database's page limit) is full, or refuses writes
        └── StorageCorruptError  the file is not a database, or is damaged

Errors from libraries are converted where they enter our code (``raise … from exc``). The CLI
maps this tree to exit codes in one place, the server to HTTP statuses in one place.
"""

from __future__ import annotations

__all__ = [
    "ConfigurationError",
    "EngineError",
    "InputError",
    "ModelError",
    "ModelNotFoundError",
    "StorageBusyError",
    "StorageCorruptError",
    "StorageError",
    "StorageFullError",
    "TarjamaError",
]


class TarjamaError(Exception):
    """Root of every error tarjama raises deliberately."""


class InputError(TarjamaError):
    """The input cannot be read or parsed."""


class ConfigurationError(TarjamaError):
    """An option, setting or name is not valid."""


class ModelError(TarjamaError):
    """A model is missing, broken, or cannot be installed."""


class ModelNotFoundError(ModelError):
    """The requested model is not installed and cannot be fetched."""

    def __init__(self, name: str, hint: str = "") -> None:
        self.name = name
        message = f"model {name!r} is not installed"
        if hint:
            message += f". {hint}"
        super().__init__(message)


class EngineError(TarjamaError):
    """An engine failed while translating."""


class StorageError(TarjamaError):
    """A database file cannot be used. The failed write was rolled back: nothing is half-stored.

    Its own exit code and HTTP status, so an operator can tell a sick disk from bad input or a
    failing model.
    """


class StorageBusyError(StorageError):
    """Another process held the write lock for longer than the busy timeout."""

    retry_after = 2
    """Seconds a client should wait before trying again (sent as ``Retry-After``)."""


class StorageFullError(StorageError):
    """The disk, or the database's page limit, is full; or the disk refused the write."""


class StorageCorruptError(StorageError):
    """The file is not an SQLite database, or its pages are damaged."""
