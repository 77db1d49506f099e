"""The translation memory inside the pipeline: an exact hit skips the engine.

A real tiny CTranslate2 model and a real SQLite file: the first run fills the memory, the
second is answered from it, segment for segment, without one engine call.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tarjama import Translator
from tarjama.memory import MEMORY_ENGINE, TranslationMemory

ARTICLE_LINES = 3


@pytest.fixture()
def article(shared_dir: Path) -> bytes:
    text = (shared_dir / "examples" / "article-01.ar.txt").read_text(encoding="utf-8")
    paragraphs = [p for p in text.split("\n\n") if p.strip()][:ARTICLE_LINES]
    return "\n\n".join(paragraphs).encode("utf-8")


def test_a_second_run_is_answered_from_memory(
    tiny_marian_ct2: Path, tmp_path: Path, article: bytes
) -> None:
    path = tmp_path / "memory.sqlite"
    with Translator(model=str(tiny_marian_ct2), beam=1, memory=path) as translator:
        first = translator.translate_document(article, format="text")
        second = translator.translate_document(article, format="text")

    arabic = [t for t in first.translations if t.engine != "passthrough"]
    assert arabic and all(t.engine == "ctranslate2" for t in arabic)
    assert first.meta["cache_hits"] == 0
    assert first.meta["engine_segments"] == len(arabic)

    assert second.meta["cache_hits"] == len(arabic)
    assert second.meta["engine_segments"] == 0
    assert second.meta["engine_seconds"] == 0.0
    assert {t.engine for t in second.translations if t.engine != "passthrough"} == {MEMORY_ENGINE}
    assert [t.target for t in second.translations] == [t.target for t in first.translations]
    assert second.output == first.output

    with TranslationMemory(path) as memory:  # the file on disk holds what the engine made
        assert len(memory) == len({t.source for t in arabic})
        assert memory.stats().hits == len(arabic)


def test_the_memory_is_keyed_by_model(
    tiny_marian_ct2: Path, tmp_path: Path, article: bytes
) -> None:
    path = tmp_path / "memory.sqlite"
    with Translator(model=str(tiny_marian_ct2), beam=1, memory=path) as translator:
        translator.translate_document(article, format="text")
    with TranslationMemory(path) as memory:
        entries = list(memory.iter_entries())
        model = entries[0].model
        hits = memory.lookup_many([e.source for e in entries], model)
        other = memory.lookup_many([e.source for e in entries], "another-model")
    assert len(hits) == len(entries)
    assert other == {}


def test_without_a_memory_nothing_is_stored_and_every_segment_reaches_the_engine(
    tiny_marian_ct2: Path, tmp_path: Path, article: bytes
) -> None:
    translator = Translator(model=str(tiny_marian_ct2), beam=1)
    assert translator.memory is None
    for _ in range(2):
        result = translator.translate_document(article, format="text")
        assert result.meta["cache_hits"] == 0
        assert result.meta["engine_segments"] > 0


def test_a_changed_glossary_is_a_memory_miss(
    tiny_marian_ct2: Path, tmp_path: Path, article: bytes
) -> None:
    from tarjama.terms import Glossary

    first = Glossary.from_pairs([("الراغبين", "the Willing")])
    changed = Glossary.from_pairs([("الراغبين", "the willing")])
    path = tmp_path / "memory.sqlite"
    with Translator(model=str(tiny_marian_ct2), beam=1, memory=path) as translator:
        translator.translate_document(article, format="text", glossary=first)
        same = translator.translate_document(article, format="text", glossary=first)
        other = translator.translate_document(article, format="text", glossary=changed)
        none = translator.translate_document(article, format="text")
    assert same.meta["engine_segments"] == 0 and same.meta["cache_hits"] > 0
    assert other.meta["cache_hits"] == 0 and other.meta["engine_segments"] > 0
    assert none.meta["cache_hits"] == 0
