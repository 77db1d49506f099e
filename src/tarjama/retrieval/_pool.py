"""The example pool tarjama ships: clean Arabic–English sentence pairs, searchable by trigram.

``data/pool/pool.tsv.gz`` (built by ``scripts/build_pool.py``; licences in ``SOURCES.md``
beside it) is read once per process into an in-memory SQLite FTS5 trigram table of the same
shape as the memory's (``sources``), so one search (:class:`TrigramIndex`) serves both. A gzip
TSV and an index built on load, rather than a prebuilt index in the package: a fifth of the
bytes to ship, and the index is built in a fraction of a second, only when a chat engine asks
for examples.
"""

from __future__ import annotations

import gzip
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from tarjama.errors import ConfigurationError
from tarjama.retrieval._index import TrigramIndex
from tarjama.retrieval._score import fold

__all__ = ["ExamplePool", "PoolPair", "load_pool"]


@dataclass(frozen=True)
class PoolPair:
    """One shipped example: the Arabic, its English, and the set it came from (SOURCES.md)."""

    arabic: str
    english: str
    set: str


class ExamplePool:
    """Pairs and their trigram index; ``pairs[rowid - 1]`` is the pair of index row ``rowid``."""

    def __init__(self, pairs: list[PoolPair]) -> None:
        self.pairs = tuple(pairs)
        self.folded = tuple(fold(pair.arabic) for pair in pairs)
        self._conn = sqlite3.connect(":memory:", check_same_thread=False)
        self._lock = threading.Lock()
        self._conn.execute(
            "CREATE VIRTUAL TABLE sources USING fts5(text, tokenize='trigram', detail='none')"
        )
        self._conn.execute("CREATE VIRTUAL TABLE sources_vocab USING fts5vocab(sources, 'row')")
        self._conn.executemany(
            "INSERT INTO sources (rowid, text) VALUES (?, ?)", enumerate(self.folded, start=1)
        )
        self._conn.commit()
        self.index = TrigramIndex(self._reading)

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:  # one in-memory connection, shared by the server's threads
            yield self._conn

    def __len__(self) -> int:
        return len(self.pairs)

    def pair(self, rowid: int) -> PoolPair:
        return self.pairs[rowid - 1]


def read_pool_file() -> list[PoolPair]:
    """The shipped pairs, in file order."""
    path = resources.files("tarjama") / "data" / "pool" / "pool.tsv.gz"
    try:
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"the example pool ({path}) cannot be read: {exc}") from exc
    pairs: list[PoolPair] = []
    for line in text.splitlines():
        arabic, english, name = line.split("\t")
        pairs.append(PoolPair(arabic, english, name))
    return pairs


@lru_cache(maxsize=1)
def load_pool() -> ExamplePool:
    """The shipped pool, read and indexed once per process."""
    return ExamplePool(read_pool_file())
