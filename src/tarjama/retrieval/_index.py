"""Candidates from an FTS5 trigram index: which stored sources share the rarest trigrams.

The memory file (``sources``, see :mod:`tarjama.memory.schema`) and the example pool (an
in-memory copy) hold the same kind of table: an FTS5 ``tokenize='trigram'`` index of folded
sources whose ``rowid`` names the pair. A quoted three-character string is one trigram token,
so user text never reaches FTS5's query syntax except as a quoted, doubled-quote-escaped phrase.

FTS5's own ``ORDER BY rank`` over an OR of trigrams scores every entry that holds any of them,
which on a 100,000-pair memory of news costs ~25 ms per sentence for 8 trigrams (measured). So
the query reads posting lists itself, rarest trigram first, up to a budget of postings, and
adds each trigram's idf to the entries holding it: a bm25 without length normalisation, which
the fuzzy re-score that follows (:func:`~tarjama.retrieval.match_score`) makes up for.
How many entries hold a trigram comes from ``fts5vocab`` and is cached, since a stale count
only changes which rare trigrams are read first; a large index (the memory) counts only the
trigrams its ``prior`` (the pool) finds rarest, since each count costs a posting-list read.
"""

from __future__ import annotations

import math
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager

__all__ = ["TrigramIndex", "fts_phrase", "trigrams"]

Reader = Callable[[], AbstractContextManager[sqlite3.Connection]]

POSTINGS_BUDGET = 2000
"""Posting-list entries read per query at most (the rarest trigram is always read)."""
SHORTLIST = 32
"""Trigrams of a sentence counted in an index that has a ``prior`` (see ``_shortlist``)."""
_CACHE_LIMIT = 200_000


def trigrams(folded: str) -> list[str]:
    """The distinct trigrams inside the words of ``folded`` (shorter words have none)."""
    grams: dict[str, None] = {}
    for word in folded.split():
        for i in range(len(word) - 2):
            grams[word[i : i + 3]] = None
    return list(grams)


def fts_phrase(text: str) -> str:
    """``text`` as one FTS5 string: quoted, inner quotes doubled (FTS5's only escape), so
    operators, brackets, ``NEAR`` or a stray quote in user text are just characters."""
    return '"' + text.replace('"', '""') + '"'


class TrigramIndex:
    """Search one FTS5 trigram table (``table``) and its ``fts5vocab`` row table (``vocab``).

    ``reader`` opens a connection for reading (the memory's, or the pool's in-memory one).
    Thread-safe: the counts cache has its own lock; queries use the reader's connection.
    """

    def __init__(
        self,
        reader: Reader,
        table: str = "sources",
        vocab: str = "sources_vocab",
        *,
        prior: TrigramIndex | None = None,
    ):
        self._reader = reader
        self._table = table
        self._vocab = vocab
        self._prior = prior
        self._counts: dict[str, int] = {}
        self._size = 0
        self._lock = threading.Lock()

    def counts(self, grams: Sequence[str]) -> dict[str, int]:
        """How many entries hold each of ``grams`` (cached)."""
        with self._reader() as conn:
            return self._doc_counts(conn, grams)[0]

    def _shortlist(self, grams: list[str]) -> list[str]:
        """The trigrams worth counting here: with a ``prior`` index (the small pool, whose
        counts are cheap), the :data:`SHORTLIST` rarest there; a trigram rare in Arabic text at
        large is rare in a memory too, and each count read from a large index costs ~0.1 ms."""
        if self._prior is None or len(grams) <= SHORTLIST:
            return grams
        prior = self._prior.counts(grams)
        return sorted(grams, key=lambda gram: prior.get(gram, 0))[:SHORTLIST]

    def candidates(
        self, folded: str, limit: int, budget: int = POSTINGS_BUDGET
    ) -> list[tuple[int, str]]:
        """(rowid, folded source) of at most ``limit`` entries sharing the most idf with
        ``folded``, best first."""
        grams = self._shortlist(trigrams(folded))
        if not grams or limit <= 0:
            return []
        with self._reader() as conn:
            counts, size = self._doc_counts(conn, grams)
            scores: Counter[int] = Counter()
            used = 0
            for gram in sorted((g for g in grams if counts.get(g)), key=counts.__getitem__):
                n = counts[gram]
                if used and used + n > budget:
                    break
                used += n
                weight = math.log(1 + size / n)
                for (rowid,) in conn.execute(
                    f"SELECT rowid FROM {self._table} WHERE {self._table} MATCH ?",
                    (fts_phrase(gram),),
                ):
                    scores[rowid] += weight  # type: ignore[assignment]
            best = [rowid for rowid, _ in scores.most_common(limit)]
            if not best:
                return []
            marks = ", ".join("?" * len(best))
            texts = dict(
                conn.execute(
                    f"SELECT rowid, text FROM {self._table} WHERE rowid IN ({marks})", best
                ).fetchall()
            )
        return [(rowid, texts[rowid]) for rowid in best if rowid in texts]

    def _doc_counts(
        self, conn: sqlite3.Connection, grams: Sequence[str]
    ) -> tuple[dict[str, int], int]:
        """How many entries hold each trigram (cached), and about how many entries there are."""
        size = int(conn.execute(f"SELECT coalesce(max(rowid), 0) FROM {self._table}").fetchone()[0])
        with self._lock:
            if (
                size > 1.1 * self._size + 100
                or size < self._size
                or len(self._counts) > _CACHE_LIMIT
            ):
                self._counts, self._size = {}, size  # grew (or shrank) a lot: counts redone
            missing = [g for g in grams if g not in self._counts]
        found: dict[str, int] = {}
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            found.update(
                conn.execute(
                    f"SELECT term, doc FROM {self._vocab} WHERE term IN ({marks})", chunk
                ).fetchall()
            )
        with self._lock:
            for gram in missing:
                self._counts[gram] = int(found.get(gram, 0))
            return {g: self._counts.get(g, 0) for g in grams}, max(size, 1)
