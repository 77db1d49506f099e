"""Retrieval: the stored pairs most like a sentence, from the translation memory and the
example pool tarjama ships, by an SQLite FTS5 trigram index and a 0–100 fuzzy score.

::

    retriever = Retriever(memory, load_pool(), k=4, threshold=75, exclude=eval_sources)
    retriever.examples(paragraph_sentences)   # [(arabic, english), ...] for a chat engine
    retriever.suggestions(sentence)           # memory matches >= 75 for a person

See ``docs/retrieval.md`` for how candidates are found and scored, and what it costs.
"""

from __future__ import annotations

from tarjama.retrieval._index import TrigramIndex, fts_phrase, trigrams
from tarjama.retrieval._pool import ExamplePool, PoolPair, load_pool, read_pool_file
from tarjama.retrieval._retriever import DEFAULT_EXAMPLES, DEFAULT_THRESHOLD, Match, Retriever
from tarjama.retrieval._score import fold, match_score

__all__ = [
    "DEFAULT_EXAMPLES",
    "DEFAULT_THRESHOLD",
    "ExamplePool",
    "Match",
    "PoolPair",
    "Retriever",
    "TrigramIndex",
    "fold",
    "fts_phrase",
    "load_pool",
    "match_score",
    "read_pool_file",
    "trigrams",
]
