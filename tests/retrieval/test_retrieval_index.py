"""The trigram index in the memory file and the retriever over it and the shipped pool.

Real SQLite files, real imports and deletes; nothing is mocked.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarjama.memory import SCHEMA_VERSION, Entry, TranslationMemory, memory_key
from tarjama.memory.schema import fold_sql
from tarjama.retrieval import Retriever, fold, fts_phrase, load_pool, match_score

SOURCE = "قال الرئيس إن المفاوضات ستستأنف الأسبوع المقبل في جنيف."
TARGET = "The president said the negotiations would resume next week in Geneva."
NEAR = "قال الرئيس إن المفاوضات ستستأنف الشهر المقبل في جنيف."  # one word differs


def engine(source: str, target: str, **kw: object) -> Entry:
    fields: dict = {"model": "opus-mt-ar-en", "engine": "ctranslate2"}
    fields.update(kw)
    return Entry(source, target, "engine", **fields)


@pytest.fixture
def memory(tmp_path: Path) -> TranslationMemory:
    with TranslationMemory(tmp_path / "memory.sqlite") as tm:
        yield tm


def indexed(path: Path) -> dict[int, str]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT rowid, text FROM sources").fetchall())


def entry_ids(path: Path) -> dict[int, str]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT id, source FROM entries").fetchall())


def test_the_index_follows_every_store_import_and_delete(memory: TranslationMemory) -> None:
    memory.store_many([engine(SOURCE, TARGET), Entry("خبر عاجل من دمشق اليوم.", "News.", "human")])
    tsv = memory.path.parent / "more.tsv"
    tsv.write_text("مَقالٌ جديدٌ عن الاقتصاد العالمي\tA new article on the world economy\n")
    assert memory.import_file(tsv).stored == 1
    ids = entry_ids(memory.path)
    assert len(ids) == 3
    # one row per entry, under its id, folded (harakat gone)
    assert indexed(memory.path) == {i: fold(source) for i, source in ids.items()}
    assert "مقال جديد عن الاقتصاد العالمي" in indexed(memory.path).values()
    retriever = Retriever(memory)
    assert [s.target for s in retriever.suggestions(NEAR)] == [TARGET]

    memory.delete(origin="engine")
    assert set(indexed(memory.path)) == set(entry_ids(memory.path))
    assert len(indexed(memory.path)) == 2
    assert Retriever(memory).suggestions(NEAR) == ()


def test_updating_an_entry_keeps_one_index_row(memory: TranslationMemory) -> None:
    memory.store_many([Entry(SOURCE, TARGET, "human", updated="2025-01-01T00:00:00Z")])
    memory.store_many([Entry(SOURCE, "Edited.", "human", updated="2025-02-01T00:00:00Z")])
    assert len(indexed(memory.path)) == 1
    (suggestion,) = Retriever(memory).suggestions(NEAR)
    assert (suggestion.target, suggestion.origin) == ("Edited.", "human")


def test_sql_fold_is_the_python_fold_on_memory_keys(memory: TranslationMemory) -> None:
    texts = [pair.arabic for pair in load_pool().pairs[::50]] + [
        "إِنَّ الأُمَمَ المُتَّحِدَةَ آمنت بِمُسْتَشْفى ٱلمدينة", "Kaja KALLAS في بروكسل",
    ]  # fmt: skip
    with sqlite3.connect(memory.path) as conn:
        for text in texts:
            key = memory_key(text)
            (folded,) = conn.execute(f"SELECT {fold_sql('?')}", (key,)).fetchone()
            assert " ".join(folded.split()) == fold(text), text


V2_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '2');
CREATE TABLE entries (
    id INTEGER PRIMARY KEY, source TEXT NOT NULL, model TEXT NOT NULL DEFAULT '',
    glossary TEXT NOT NULL DEFAULT '', origin TEXT NOT NULL CHECK (origin IN ('engine', 'human')),
    target TEXT NOT NULL, score REAL, flags TEXT NOT NULL DEFAULT '[]',
    engine TEXT NOT NULL DEFAULT '', recipe TEXT NOT NULL DEFAULT '', created TEXT NOT NULL,
    updated TEXT NOT NULL, hits INTEGER NOT NULL DEFAULT 0, last_hit TEXT,
    UNIQUE (source, model, glossary, origin),
    CHECK (origin = 'engine' OR (model = '' AND glossary = ''))
);
CREATE INDEX entries_by_model ON entries (model, origin);
"""


def test_a_version_2_file_gets_its_index_filled(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(V2_SCHEMA)
    conn.executemany(
        "INSERT INTO entries (source, origin, target, created, updated) "
        "VALUES (?, 'human', ?, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')",
        [(memory_key(SOURCE), TARGET), (memory_key("خبر ثان عن الطقس."), "A second story.")],
    )
    conn.commit()
    conn.close()
    with TranslationMemory(path) as tm:
        assert tm.schema_version == SCHEMA_VERSION == 3
        assert len(tm) == 2  # nothing lost
        assert [s.target for s in Retriever(tm).suggestions(NEAR)] == [TARGET]
        tm.store_many([Entry("خبر ثالث عن الطقس.", "A third.", "human")])  # triggers work
    assert set(indexed(path)) == set(entry_ids(path)) and len(indexed(path)) == 3


HOSTILE = [
    '"', '""', "'", 'قال "الرئيس', "NEAR(قال الرئيس, 2)", "قال AND OR NOT الرئيس", "الرئيس*",
    "^قال", "text: الرئيس", "(((", "{text}: x", "قال' OR 1=1; DROP TABLE entries; --", "-- ;",
    "\x00قال", "ـــــ", "   ", "",
]  # fmt: skip


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_query_text_is_only_text(memory: TranslationMemory, text: str) -> None:
    memory.store_many([Entry(SOURCE, TARGET, "human")])
    retriever = Retriever(memory, load_pool())
    retriever.examples([text, SOURCE])
    retriever.suggestions(text)
    assert len(memory) == 1


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_a_valid_fts_phrase(text: str) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='trigram')")
    conn.execute("INSERT INTO t VALUES (?)", (text,))
    if "\x00" not in text:
        found = conn.execute("SELECT count(*) FROM t WHERE t MATCH ?", (fts_phrase(text),))
        assert found.fetchone()[0] in (0, 1)


def test_a_person_first_at_equal_score_and_flagged_english_never(
    memory: TranslationMemory,
) -> None:
    memory.store_many(
        [
            engine(SOURCE, "Engine English.", model="m1"),
            Entry(SOURCE, TARGET, "human"),
            engine(NEAR, "Wrong number.", model="m1", flags=("number_missing",)),
            engine(
                "قال الوزير إن المفاوضات ستستأنف الأسبوع المقبل في جنيف.", "Minister.", model="m1"
            ),
        ]
    )
    suggestions = Retriever(memory, threshold=60).suggestions(NEAR)
    assert [(s.target, s.origin) for s in suggestions] == [
        (TARGET, "human"),
        ("Minister.", "engine"),
    ]
    assert suggestions[0].score == match_score(fold(NEAR), fold(SOURCE)) >= 75
    assert all(s.score >= 60 for s in suggestions)
    assert Retriever(memory).suggestions("جملة لا تشبه شيئا مما في الذاكرة أبدا") == ()


def test_examples_are_the_k_best_of_the_paragraph_without_duplicates(
    memory: TranslationMemory,
) -> None:
    memory.store_many([Entry(SOURCE, TARGET, "human")])
    pool = load_pool()
    retriever = Retriever(memory, pool, k=3)
    examples = retriever.examples([NEAR, NEAR, pool.pairs[10].arabic])
    assert len(examples) == 3
    assert len({fold(a) for a, _ in examples}) == 3
    assert examples[0] == (SOURCE, TARGET)  # the memory's near match
    # a pair that is one of the sentences themselves would be the answer, not an example
    assert fold(pool.pairs[10].arabic) not in {fold(a) for a, _ in examples}
    assert Retriever(memory, pool, k=0).examples([NEAR]) == []


def test_excluded_sources_are_never_matched(memory: TranslationMemory) -> None:
    pool = load_pool()
    memory.store_many([Entry(SOURCE, TARGET, "human")])
    pair = pool.pairs[42]
    # the evaluation set written differently (harakat, tatweel) still excludes them
    retriever = Retriever(memory, pool, exclude=[pair.arabic + "ــ", "قَالَ" + SOURCE[3:]])
    assert retriever.excluded_pool == 1
    examples = retriever.examples([pair.arabic, SOURCE])
    assert fold(pair.arabic) not in {fold(a) for a, _ in examples}
    assert SOURCE not in {a for a, _ in examples}
    assert retriever.suggestions(SOURCE) == ()
    assert examples  # other pairs still come
