"""Per sentence, the stored pairs most like it: examples for chat engines, suggestions for people.

Two indexes are searched the same way (:class:`~tarjama.retrieval._index.TrigramIndex`, then a
0–100 fuzzy re-score): the user's translation memory (entries a person wrote, and engine entries
the checks found no wrong fact in: :func:`tarjama.memory.serveable`) and the shipped example pool.
At equal score a person's translation comes first, then the engine's, then the pool's.

* :meth:`Retriever.examples` is what the pipeline hands chat engines as
  ``TranslationContext.retrieve``: for one paragraph's sentences, the union of each sentence's
  best matches, deduplicated, the ``k`` best.
* :meth:`Retriever.suggestions` are the memory's matches (never the pool's) at or above the
  fuzzy threshold, attached to each sentence for a person to see.

An evaluation must never be shown its own answers: ``exclude`` holds sources (folded) that no
match may have; :attr:`Retriever.excluded_pool` and :attr:`Retriever.excluded_memory` say how
many pool pairs and memory entries that removed.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from tarjama.document import Suggestion, Translation
from tarjama.memory import MEMORY_ENGINE, serveable
from tarjama.retrieval._index import TrigramIndex
from tarjama.retrieval._score import fold, match_score

if TYPE_CHECKING:
    from tarjama.memory import TranslationMemory
    from tarjama.retrieval._pool import ExamplePool

__all__ = ["DEFAULT_EXAMPLES", "DEFAULT_THRESHOLD", "Match", "Retriever"]

DEFAULT_EXAMPLES = 4
DEFAULT_THRESHOLD = 75
_CANDIDATES = 16  # per index and sentence, re-scored by the fuzzy match
_CACHE = 4096  # sentences whose matches are remembered (a paragraph is asked again on retries)
_RANK = {"human": 0, "engine": 1, "pool": 2}


@dataclass(frozen=True)
class Match:
    """A stored pair like a sentence: its Arabic and English, the 0–100 score, and where it is
    from (``human`` or ``engine`` for memory entries, ``pool`` for the shipped examples)."""

    source: str
    target: str
    score: int
    origin: str

    def suggestion(self) -> Suggestion:
        return Suggestion(self.source, self.target, self.score, self.origin)


def _order(match: Match) -> tuple[int, int]:
    return (-match.score, _RANK.get(match.origin, 3))


class Retriever:
    """Matches from a ``memory`` and a ``pool`` (either may be ``None``); thread-safe.

    ``k`` examples per paragraph (``0``: none); ``threshold``: the least score of a suggestion;
    ``exclude``: sources (any form; they are folded) that no match may have.
    """

    def __init__(
        self,
        memory: TranslationMemory | None = None,
        pool: ExamplePool | None = None,
        *,
        k: int = DEFAULT_EXAMPLES,
        threshold: int = DEFAULT_THRESHOLD,
        exclude: Iterable[str] = (),
    ) -> None:
        self.memory = memory
        self.pool = pool
        self.k = k
        self.threshold = threshold
        self.exclude = frozenset(fold(source) for source in exclude) - {""}
        self.excluded_pool = (
            sum(1 for text in pool.folded if text in self.exclude) if pool and self.exclude else 0
        )
        self.excluded_memory = _count_in_memory(memory, self.exclude) if memory else 0
        self._memory_index = (
            TrigramIndex(memory.reading, prior=pool.index if pool is not None else None)
            if memory is not None
            else None
        )
        self._cache: dict[str, tuple[list[Match], list[Match]]] = {}
        self._lock = threading.Lock()

    def examples(self, sources: Sequence[str]) -> list[tuple[str, str]]:
        """(arabic, english) for one paragraph's sentences: the ``k`` best of the union of each
        sentence's matches in the memory and the pool, one per source, best first. A match that
        is one of the sentences itself is left out: it would hand the model its answer (the
        memory's exact hits are served before the engine is asked at all)."""
        if self.k <= 0:
            return []
        own = {fold(source) for source in sources}  # a sentence's own English is no example
        found: dict[str, Match] = {}
        for source in sources:
            memory, pool = self._matches(source)
            for match in (*memory, *pool):
                key = fold(match.source)
                if key in own:
                    continue
                if key not in found or _order(match) < _order(found[key]):
                    found[key] = match
        best = sorted(found.values(), key=_order)[: self.k]
        return [(match.source, match.target) for match in best]

    def suggestions(self, source: str) -> tuple[Suggestion, ...]:
        """The memory's matches for ``source`` at or above the threshold, best first."""
        memory, _pool = self._matches(source)
        return tuple(m.suggestion() for m in memory if m.score >= self.threshold)

    def forget(self) -> None:
        """Drop the matches remembered per sentence (what the index taught it stays): a long-
        lived retriever whose memory has changed, or a benchmark timing the searches."""
        with self._lock:
            self._cache.clear()

    def attach(self, translations: Sequence[Translation]) -> list[Translation]:
        """``translations`` with their :meth:`suggestions` (none without a memory). A match that
        is the very English a sentence was served from the memory is not suggested again."""
        if self.memory is None:
            return list(translations)
        attached: list[Translation] = []
        for t in translations:
            if t.engine == "passthrough":
                attached.append(t)
                continue
            served = t.engine == MEMORY_ENGINE
            found = tuple(
                s for s in self.suggestions(t.source) if not (served and s.target == t.target)
            )
            attached.append(replace(t, suggestions=found) if found else t)
        return attached

    def _matches(self, source: str) -> tuple[list[Match], list[Match]]:
        """(memory matches, pool matches) of one sentence, each best first."""
        folded = fold(source)
        with self._lock:
            cached = self._cache.get(folded)
        if cached is not None:
            return cached
        found = (self._from_memory(folded), self._from_pool(folded))
        with self._lock:
            if len(self._cache) >= _CACHE:
                self._cache.clear()
            self._cache[folded] = found
        return found

    def _from_pool(self, folded: str) -> list[Match]:
        if self.pool is None or not folded:
            return []
        matches = []
        for rowid, text in self.pool.index.candidates(folded, _CANDIDATES):
            if text in self.exclude:
                continue
            pair = self.pool.pair(rowid)
            matches.append(Match(pair.arabic, pair.english, match_score(folded, text), "pool"))
        return sorted(matches, key=_order)

    def _from_memory(self, folded: str) -> list[Match]:
        if self.memory is None or self._memory_index is None or not folded:
            return []
        candidates = [
            (rowid, text)
            for rowid, text in self._memory_index.candidates(folded, _CANDIDATES)
            if " ".join(text.split()) not in self.exclude
        ]
        if not candidates:
            return []
        scores = {rowid: match_score(folded, text) for rowid, text in candidates}
        marks = ", ".join("?" * len(scores))
        with self.memory.reading() as conn:
            rows = conn.execute(
                f"SELECT id, source, target, origin, flags, updated FROM entries "
                f"WHERE id IN ({marks})",
                list(scores),
            ).fetchall()
        best: dict[str, tuple[Match, str]] = {}  # one per source: a person's, else the newest
        for row in rows:
            if not serveable(row["origin"], _flags(row["flags"])):
                continue
            match = Match(row["source"], row["target"], scores[row["id"]], row["origin"])
            held = best.get(row["source"])
            if held is None or _preferred(match, row["updated"], *held):
                best[row["source"]] = (match, row["updated"])
        return sorted((match for match, _ in best.values()), key=_order)


def _count_in_memory(memory: TranslationMemory, folded: frozenset[str]) -> int:
    """How many memory entries have one of the ``folded`` sources (the index holds them
    folded the same way)."""
    texts = sorted(folded)
    count = 0
    with memory.reading() as conn:
        for start in range(0, len(texts), 500):
            chunk = texts[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            count += int(
                conn.execute(
                    f"SELECT count(*) FROM sources WHERE text IN ({marks})", chunk
                ).fetchone()[0]
            )
    return count


def _preferred(match: Match, updated: str, held: Match, held_updated: str) -> bool:
    """Of two entries for one source: a person's over an engine's, then the newer."""
    if match.origin != held.origin:
        return _RANK[match.origin] < _RANK[held.origin]
    return updated > held_updated


def _flags(text: str) -> list[str]:
    try:
        value = json.loads(text)
    except ValueError:
        return []
    return [str(flag) for flag in value] if isinstance(value, list) else []
