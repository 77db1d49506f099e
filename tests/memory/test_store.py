"""The SQLite memory: exact keys, who wins, schema versioning, threads and processes.

Everything runs against a real file in WAL mode; nothing is mocked.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.damage import holding_write_lock
from tarjama.document import Segment, Translation
from tarjama.errors import ConfigurationError, InputError, StorageCorruptError
from tarjama.memory import (
    MEMORY_ENGINE,
    MIGRATIONS,
    SCHEMA_VERSION,
    Entry,
    TranslationMemory,
    hit_translation,
    memory_key,
    open_memory,
)

SOURCE = "قال الرئيس إن المفاوضات ستستأنف الأسبوع المقبل."
TARGET = "The president said negotiations would resume next week."


def engine_entry(source: str = SOURCE, target: str = TARGET, **kw: object) -> Entry:
    fields: dict = {"model": "opus-mt-ar-en", "glossary_version": "g1", "engine": "ctranslate2"}
    fields.update(kw)
    return Entry(source, target, "engine", **fields)


def test_file_is_created_versioned_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "memory.sqlite"
    with TranslationMemory(path) as tm:
        assert tm.schema_version == SCHEMA_VERSION
    assert path.is_file()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        assert version == (str(SCHEMA_VERSION),)
    finally:
        conn.close()


def test_open_memory_uses_tarjama_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tarjama.settings import get_settings

    monkeypatch.setenv("TARJAMA_HOME", str(tmp_path / "th"))
    get_settings.cache_clear()
    try:
        with open_memory() as tm:
            assert tm.path == tmp_path / "th" / "memory.sqlite"
    finally:
        get_settings.cache_clear()


def test_hit_only_for_the_same_model_and_glossary_version(memory: TranslationMemory) -> None:
    assert memory.store_many([engine_entry()]) == 1
    other = "وأضاف أن الوضع الإنساني صعب."
    hits = memory.lookup_many([SOURCE, other], "opus-mt-ar-en", "g1")
    assert set(hits) == {SOURCE}
    hit = hits[SOURCE]
    assert (hit.target, hit.origin, hit.model, hit.engine) == (
        TARGET, "engine", "opus-mt-ar-en", "ctranslate2",
    )  # fmt: skip
    assert memory.lookup_many([SOURCE], "nllb-200-distilled-600m", "g1") == {}
    assert memory.lookup_many([SOURCE], "opus-mt-ar-en", "g2") == {}
    assert memory.lookup(SOURCE, "opus-mt-ar-en", "g1") is not None


def test_visually_identical_sources_share_one_key(memory: TranslationMemory) -> None:
    source = "أعلنت وزارة الصحة تسجيل ٢٥ إصابة جديدة"
    memory.store_many([engine_entry(source, "The health ministry recorded 25 new cases")])
    variants = [
        "أعلـــنت وزارة الصحة تسجيل ٢٥ إصابة جديدة",  # tatweel
        "\u200fأعلنت وزارة\u200c الصحة تسجيل ٢٥ إصابة جديدة\u202c",  # bidi + zero-width marks
        "أعلنت وزارة الصحة تسجيل 25 إصابة جديدة",  # ASCII digits, as the segmenter writes them
        "  أعلنت   وزارة الصحة\nتسجيل ٢٥ إصابة جديدة ",  # whitespace runs
        "ﺃﻋﻠﻨﺖ ﻭﺯﺍﺭﺓ ﺍﻟﺼﺤﺔ ﺗﺴﺠﻴﻞ ٢٥ ﺇﺻﺎﺑﺔ ﺟﺪﻳﺪﺓ",  # presentation forms (copied from a PDF)
    ]
    assert len({memory_key(v) for v in [source, *variants]}) == 1
    hits = memory.lookup_many(variants, "opus-mt-ar-en", "g1")
    assert set(hits) == set(variants)  # keyed by the caller's own strings
    assert all(h.target == "The health ministry recorded 25 new cases" for h in hits.values())
    # a different letter (hamza-less alef) is a different sentence for an exact cache
    assert (
        memory.lookup_many(["اعلنت وزارة الصحة تسجيل ٢٥ اصابة جديدة"], "opus-mt-ar-en", "g1") == {}
    )


def test_human_entry_beats_engine_for_every_model(memory: TranslationMemory) -> None:
    memory.store_many([engine_entry(), engine_entry(model="nllb", target="The president said …")])
    human = "The president said talks would resume next week."
    memory.store_many([Entry(SOURCE, human, "human", model="ignored", glossary_version="x")])
    for model, glossary in (("opus-mt-ar-en", "g1"), ("nllb", "g1"), ("never-used", "")):
        hit = memory.lookup_many([SOURCE], model, glossary)[SOURCE]
        assert (hit.target, hit.origin, hit.model, hit.glossary_version) == (human, "human", "", "")
    assert memory.stats().by_origin == {"engine": 2, "human": 1}


def test_updates_keep_created_and_older_imports_lose(memory: TranslationMemory) -> None:
    memory.store_many([Entry(SOURCE, "v1", "human", updated="2024-05-01T10:00:00Z")])
    memory.store_many([Entry(SOURCE, "v2", "human", updated="2025-05-01T10:00:00Z")])
    assert memory.store_many([Entry(SOURCE, "old", "human", updated="2023-01-01T00:00:00Z")]) == 0
    [entry] = memory.iter_entries()
    assert (entry.target, entry.created, entry.updated) == (
        "v2", "2024-05-01T10:00:00Z", "2025-05-01T10:00:00Z",
    )  # fmt: skip


def test_engine_entries_need_a_model_and_empty_pairs_are_ignored(
    memory: TranslationMemory,
) -> None:
    with pytest.raises(ValueError, match="model"):
        memory.store_many([Entry(SOURCE, TARGET, "engine")])
    assert memory.store_many([engine_entry(target="  "), engine_entry(source="\u200f ")]) == 0
    with pytest.raises(ConfigurationError, match="origin"):
        memory.store_many([Entry(SOURCE, TARGET, "robot")])  # type: ignore[arg-type]


def test_stats_count_origins_models_hits_and_size(memory: TranslationMemory) -> None:
    memory.store_many(
        [
            engine_entry(),
            engine_entry("خبر ثان.", "A second story."),
            engine_entry("خبر ثالث.", "A third story.", model="nllb"),
            Entry("خبر رابع.", "A fourth story.", "human", engine="tmx"),
        ]
    )
    memory.lookup_many([SOURCE, SOURCE, "خبر ثان."], "opus-mt-ar-en", "g1")
    memory.lookup_many(["خبر رابع."], "nllb", "")
    memory.lookup_many([SOURCE], "opus-mt-ar-en", "g1", count_hits=False)
    stats = memory.stats()
    assert stats.entries == 4 == len(memory)
    assert stats.by_origin == {"engine": 3, "human": 1}
    assert stats.by_model == {"opus-mt-ar-en": 2, "nllb": 1}
    assert (stats.hits, stats.hit_entries) == (4, 3)
    assert stats.file_size > 0 and stats.schema_version == SCHEMA_VERSION
    assert stats.to_dict()["by_origin"]["human"] == 1
    assert memory.delete(model="nllb") == 1 and len(memory) == 3


def test_pipeline_bridge_stores_engine_output_and_serves_hits(memory: TranslationMemory) -> None:
    segment = Segment("b1:0", "b1", 0, SOURCE, 4, 4 + len(SOURCE))
    made = Translation("b1:0", SOURCE, TARGET, "ctranslate2", "opus", -0.2, ("x",), 4, 52, "b1")
    passthrough = Translation("b2:0", "2024", "2024", "passthrough", "", None, (), 0, 4, "b2")
    empty = Translation("b3:0", "نص.", "", "ctranslate2", "opus", None, ("empty",), 0, 3, "b3")
    assert memory.store_translations([made, passthrough, empty], "g1") == 1
    hit = memory.lookup_many([segment.source], "opus", "g1")[segment.source]
    served = hit_translation(segment, hit)
    assert (served.target, served.engine, served.model, served.score, served.flags) == (
        TARGET, MEMORY_ENGINE, "opus", -0.2, ("x",),
    )  # fmt: skip
    assert (served.segment_id, served.block_id, served.start, served.end) == (
        "b1:0", "b1", segment.start, segment.end,
    )  # fmt: skip
    memory.store_many([Entry(SOURCE, "Edited.", "human")])
    human = hit_translation(segment, memory.lookup_many([SOURCE], "opus", "g1")[SOURCE])
    assert (human.target, human.model) == ("Edited.", "human")


def test_newer_schema_is_refused_and_migrations_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "memory.sqlite"
    TranslationMemory(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION + 1,))
    conn.commit()
    with pytest.raises(ConfigurationError, match="newer"):
        TranslationMemory(path)

    # pretend the file is one version behind and register the step that upgrades it
    conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION - 1,))
    conn.commit()
    conn.close()
    ran: list[int] = []

    def step(c: sqlite3.Connection) -> None:
        c.execute("ALTER TABLE entries ADD COLUMN note TEXT")
        ran.append(1)

    monkeypatch.setitem(MIGRATIONS, SCHEMA_VERSION - 1, step)
    with TranslationMemory(path) as tm:
        assert tm.schema_version == SCHEMA_VERSION
        assert tm.store_many([engine_entry()]) == 1
    with TranslationMemory(path) as tm:  # migrated once, not again
        assert len(tm) == 1
    assert ran == [1]


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite"
    path.write_bytes(b"this is not sqlite, just text that happens to be here\n" * 40)
    with pytest.raises(StorageCorruptError, match=r"translation memory .* not a database"):
        TranslationMemory(path)


def test_threads_write_and_read_concurrently(memory: TranslationMemory) -> None:
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for i in range(40):
                source = f"خبر رقم {i} من العامل {worker}"
                memory.store_many([engine_entry(source, f"story {i} from worker {worker}")])
                assert memory.lookup_many([source], "opus-mt-ar-en", "g1")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(memory) == 160
    assert memory.stats().hits == 160


def test_two_processes_share_one_file(memory: TranslationMemory) -> None:
    script = (
        "import sys\n"
        "from tarjama.memory import Entry, TranslationMemory\n"
        "tm = TranslationMemory(sys.argv[1])\n"
        "print('ready', flush=True)\n"
        "for i in range(150):\n"
        "    e = Entry(f'خبر من العملية الأخرى {i}', f'other {i}', 'engine', model='m')\n"
        "    tm.store_many([e])\n"
        "    tm.lookup_many([f'خبر من هذه العملية {i}'], 'm')\n"
        "tm.close()\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(memory.path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "ready\n"  # both write now
        for i in range(150):
            memory.store_many([Entry(f"خبر من هذه العملية {i}", f"this {i}", "engine", model="m")])
            memory.lookup_many([f"خبر من العملية الأخرى {i}"], "m")
    finally:
        assert child.wait(timeout=60) == 0
    assert len(memory) == 300
    assert memory.lookup_many(["خبر من العملية الأخرى 149"], "m")["خبر من العملية الأخرى 149"]


# -- what may be served --------------------------------------------------------------------


def test_flagged_engine_english_is_kept_but_never_served(memory: TranslationMemory) -> None:
    wrong = engine_entry(
        target="The president said talks resume in 2019.", flags=("number_changed",)
    )
    styled = engine_entry("خبر ثان.", "A second story, long.", flags=("length_ratio", "low_score"))
    memory.store_many([wrong, styled])
    hits = memory.lookup_many([SOURCE, "خبر ثان."], "opus-mt-ar-en", "g1")
    assert set(hits) == {"خبر ثان."}  # style flags are served, a wrong fact is not
    assert hits["خبر ثان."].flags == ("length_ratio", "low_score")
    [kept] = [e for e in memory.iter_entries() if e.source == memory_key(SOURCE)]
    assert kept.flags == ("number_changed",)  # kept with its flags, for export and review
    memory.store_many([Entry(SOURCE, TARGET, "human", flags=("number_changed",))])
    assert memory.lookup(SOURCE, "opus-mt-ar-en", "g1").target == TARGET  # a person's English


def test_the_recipe_is_part_of_an_engine_entry_key(memory: TranslationMemory) -> None:
    memory.store_many([engine_entry(recipe="lex=a code=b")])
    assert memory.lookup(SOURCE, "opus-mt-ar-en", "g1", recipe="lex=a code=b") is not None
    assert memory.lookup(SOURCE, "opus-mt-ar-en", "g1", recipe="lex=NEW code=b") is None
    assert memory.lookup(SOURCE, "opus-mt-ar-en", "g1") is None
    # translated again under the new recipe: the stale entry is replaced, not kept beside it
    memory.store_many([engine_entry(target="Newer.", recipe="lex=NEW code=b")])
    assert memory.lookup(SOURCE, "opus-mt-ar-en", "g1", recipe="lex=NEW code=b").target == "Newer."
    assert len(memory) == 1
    assert [e.recipe for e in memory.iter_entries()] == ["lex=NEW code=b"]


def test_a_version_1_file_is_migrated_and_its_engine_entries_retire(tmp_path: Path) -> None:
    path = tmp_path / "memory.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    conn.executemany(
        "INSERT INTO entries (source, model, glossary, origin, target, flags, engine, created, "
        "updated) VALUES (?, ?, '', ?, ?, '[]', '', '2025-01-01T00:00:00Z', "
        "'2025-01-01T00:00:00Z')",
        [
            (memory_key(SOURCE), "opus-mt-ar-en", "engine", TARGET),
            (memory_key("خبر ثان."), "", "human", "A second story."),
        ],
    )
    conn.commit()
    conn.close()
    with TranslationMemory(path) as tm:
        assert tm.schema_version == SCHEMA_VERSION == 3
        assert len(tm) == 2  # nothing lost
        # nobody knows which lexicon or checks passed the old engine English: not served
        assert tm.lookup(SOURCE, "opus-mt-ar-en", "") is None
        assert tm.lookup("خبر ثان.", "opus-mt-ar-en", "").target == "A second story."


def test_a_lookup_never_waits_for_a_writer_and_its_hits_are_counted_later(
    tmp_path: Path,
) -> None:
    path = tmp_path / "memory.sqlite"
    with TranslationMemory(path, timeout=5) as tm:
        tm.store_many([engine_entry()])
        with holding_write_lock(path):
            started = time.monotonic()
            for _ in range(3):
                assert tm.lookup(SOURCE, "opus-mt-ar-en", "g1") is not None
            assert time.monotonic() - started < 1  # far below the 5 s busy timeout
            assert tm.stats().hits == 3  # counted, though not written yet
        with sqlite3.connect(path) as other:
            assert other.execute("SELECT hits FROM entries").fetchone() == (0,)
        tm.lookup(SOURCE, "opus-mt-ar-en", "g1")
    # the lock is gone: all four are written (at the latest when the memory is closed)
    with sqlite3.connect(path) as other:
        assert other.execute("SELECT hits FROM entries").fetchone() == (4,)


def test_store_many_is_all_or_nothing(memory: TranslationMemory) -> None:
    memory.store_many([engine_entry()])

    def entries_breaking_half_way() -> Iterator[Entry]:
        for i in range(10_000):
            if i == 5_000:
                raise InputError("unit 5001 is malformed")
            yield Entry(f"خبر رقم {i}", f"story {i}", "human")

    with pytest.raises(InputError, match="5001"):
        memory.store_many(entries_breaking_half_way())
    assert [(e.source, e.target) for e in memory.iter_entries()] == [(memory_key(SOURCE), TARGET)]
    assert memory.store_many(Entry(f"خبر رقم {i}", f"story {i}", "human") for i in range(3)) == 3


V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1');
CREATE TABLE entries (
    id INTEGER PRIMARY KEY, source TEXT NOT NULL, model TEXT NOT NULL DEFAULT '',
    glossary TEXT NOT NULL DEFAULT '', origin TEXT NOT NULL CHECK (origin IN ('engine', 'human')),
    target TEXT NOT NULL, score REAL, flags TEXT NOT NULL DEFAULT '[]',
    engine TEXT NOT NULL DEFAULT '', created TEXT NOT NULL, updated TEXT NOT NULL,
    hits INTEGER NOT NULL DEFAULT 0, last_hit TEXT,
    UNIQUE (source, model, glossary, origin),
    CHECK (origin = 'engine' OR (model = '' AND glossary = ''))
);
CREATE INDEX entries_by_model ON entries (model, origin);
"""
