"""Plain records the memory hands out and takes in: entries, hits, statistics, import results.

They are frozen dataclasses (like :mod:`tarjama.document`) so a caller holding a hit cannot
change what the database said, and each has ``to_dict`` for ``--json`` output.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["ORIGINS", "Entry", "Hit", "ImportResult", "MemoryStats", "Origin"]

Origin = Literal["engine", "human"]
"""``engine``: what a model produced (a cache, keyed by model and glossary version);
``human``: post-edited or imported from a translator's file (model-independent)."""

ORIGINS: tuple[Origin, ...] = ("engine", "human")


@dataclass(frozen=True)
class Entry:
    """One source → target pair, as stored or about to be stored.

    ``source`` is the text as written; the memory keys it by :func:`memory_key`. For ``human``
    entries ``model`` and ``glossary_version`` are ignored (stored empty): a person's
    translation does not depend on which model would otherwise have been used. ``engine`` says
    who made the target (an engine name, or the tool/file kind a human entry came from).
    Timestamps are ISO 8601 UTC strings (``2025-01-31T12:00:00Z``); ``None`` means now.
    ``flags`` are the checks' verdict on an engine target: one that names a wrong fact is kept
    (to export and inspect) but never served. ``recipe`` is the
    :func:`~tarjama.memory.recipe.memory_recipe` an engine entry was made under (human: none).
    """

    source: str
    target: str
    origin: Origin = "engine"
    model: str = ""
    glossary_version: str = ""
    engine: str = ""
    score: float | None = None
    flags: tuple[str, ...] = ()
    created: str | None = None
    updated: str | None = None
    hits: int = 0
    last_hit: str | None = None
    recipe: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["flags"] = list(self.flags)
        return data


@dataclass(frozen=True)
class Hit:
    """An exact match for one source: what the pipeline uses instead of calling the engine.

    ``source`` is the caller's string (the key of the dict :meth:`lookup_many` returns),
    ``key`` the normalised form it matched under.
    """

    source: str
    key: str
    target: str
    origin: Origin
    model: str
    glossary_version: str
    engine: str
    score: float | None
    flags: tuple[str, ...]
    created: str
    updated: str
    hits: int = 0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["flags"] = list(self.flags)
        return data


@dataclass(frozen=True)
class MemoryStats:
    """What ``tarjama memory stats`` shows: sizes, where entries came from, how often they hit."""

    path: str
    schema_version: int
    entries: int
    by_origin: dict[str, int] = field(default_factory=dict)
    by_model: dict[str, int] = field(default_factory=dict)
    """Engine entries per model id (human entries have no model)."""
    hits: int = 0
    """Exact hits served since the file was created (each source looked up counts once)."""
    hit_entries: int = 0
    """Entries that were hit at least once."""
    file_size: int = 0
    """Bytes on disk: the database plus its write-ahead log."""
    oldest: str | None = None
    newest: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ImportResult:
    """What an import did, counted per pair read (``tarjama memory import`` prints it).

    ``stored`` were written; ``unchanged`` were XLIFF segments still as the engine made them
    (not a human translation); ``skipped`` had no Arabic source or no English target;
    ``outdated`` were older than the entry already in the memory and left it alone.
    """

    path: str
    format: str
    read: int = 0
    stored: int = 0
    unchanged: int = 0
    skipped: int = 0
    outdated: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
