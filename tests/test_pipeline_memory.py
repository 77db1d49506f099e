"""The translation memory inside the pipeline: an exact hit skips the engine.

A real tiny CTranslate2 model and a real SQLite file: the first run fills the memory, the
second is answered from it, segment for segment, without one engine call.

The tiny model's weights are random: its English is nonsense that the checks rightly flag
(untranslated Arabic, repetition …), and the memory never serves flagged English. Where a
test needs hits, :func:`pass_checks` clears the stored flags, standing for English a real
model wrote and the checks passed; the test that the flags stop the memory uses them as made.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tarjama import Translator
from tarjama.checks import FACT_FLAGS
from tarjama.memory import MEMORY_ENGINE, TranslationMemory, memory_recipe

ARTICLE_LINES = 3


def pass_checks(path: Path) -> int:
    """Clear the flags of the engine entries in the memory at ``path``; returns how many."""
    with sqlite3.connect(path) as db:
        return db.execute("UPDATE entries SET flags = '[]' WHERE origin = 'engine'").rowcount


def set_column(path: Path, column: str, value: str) -> None:
    with sqlite3.connect(path) as db:
        db.execute(f"UPDATE entries SET {column} = ? WHERE origin = 'engine'", (value,))


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
        assert pass_checks(path) > 0
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
    assert all(t.flags == () for t in second.translations if t.engine == MEMORY_ENGINE)

    with TranslationMemory(path) as memory:  # the file on disk holds what the engine made
        assert len(memory) == len({t.source for t in arabic})
        assert memory.stats().hits == len(arabic)


def test_the_memory_is_keyed_by_model_and_recipe(
    tiny_marian_ct2: Path, tmp_path: Path, article: bytes
) -> None:
    path = tmp_path / "memory.sqlite"
    with Translator(model=str(tiny_marian_ct2), beam=1, memory=path) as translator:
        translator.translate_document(article, format="text")
        recipe = memory_recipe(translator.engine)
    pass_checks(path)
    with TranslationMemory(path) as memory:
        entries = list(memory.iter_entries())
        model = entries[0].model
        assert {e.recipe for e in entries} == {recipe}
        assert recipe.startswith("lex=") and " code=" in recipe
        sources = [e.source for e in entries]
        hits = memory.lookup_many(sources, model, recipe=recipe)
        other = memory.lookup_many(sources, "another-model", recipe=recipe)
        new_lexicon = memory.lookup_many(sources, model, recipe=recipe.replace("lex=", "lex=x"))
    assert len(hits) == len(entries)
    assert other == {} and new_lexicon == {}


def test_english_made_under_another_recipe_is_translated_again(
    tiny_marian_ct2: Path, tmp_path: Path, article: bytes
) -> None:
    """A changed lexicon, prompt or checks: the memory's old English is not served."""
    path = tmp_path / "memory.sqlite"
    with Translator(model=str(tiny_marian_ct2), beam=1, memory=path) as translator:
        translator.translate_document(article, format="text")
        pass_checks(path)
        set_column(path, "recipe", "lex=0ld code=0ld")
        again = translator.translate_document(article, format="text")
        recipe = memory_recipe(translator.engine)
    assert again.meta["cache_hits"] == 0 and again.meta["engine_segments"] > 0
    with TranslationMemory(path) as memory:  # replaced, not kept beside the old
        assert {e.recipe for e in memory.iter_entries()} == {recipe}


def test_flagged_english_is_kept_with_its_flags_and_translated_again(
    tiny_marian_ct2: Path, tmp_path: Path, article: bytes
) -> None:
    path = tmp_path / "memory.sqlite"
    with Translator(model=str(tiny_marian_ct2), beam=1, memory=path) as translator:
        first = translator.translate_document(article, format="text")
        second = translator.translate_document(article, format="text")
    made = [t for t in first.translations if t.engine == "ctranslate2"]
    assert made and all(FACT_FLAGS & set(t.flags) for t in made)  # nonsense, and flagged so
    assert second.meta["cache_hits"] == 0
    assert second.meta["engine_segments"] == len(made)
    with TranslationMemory(path) as memory:
        stored = {e.source: e.flags for e in memory.iter_entries()}
    assert stored and all(FACT_FLAGS & set(flags) for flags in stored.values())


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
        pass_checks(path)
        same = translator.translate_document(article, format="text", glossary=first)
        other = translator.translate_document(article, format="text", glossary=changed)
        none = translator.translate_document(article, format="text")
    assert same.meta["engine_segments"] == 0 and same.meta["cache_hits"] > 0
    assert other.meta["cache_hits"] == 0 and other.meta["engine_segments"] > 0
    assert none.meta["cache_hits"] == 0
