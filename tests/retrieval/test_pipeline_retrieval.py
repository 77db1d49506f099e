"""The pipeline with retrieval: chat engines are offered examples, every engine's sentences get
the memory's fuzzy matches as suggestions. Real models (the tiny Marian, Gemma-3-270M in
process), real memory files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tarjama import Translator
from tarjama.document import Segment
from tarjama.engines.base import Engine, Hypothesis, TranslationContext, open_engine
from tarjama.memory import Entry, TranslationMemory
from tarjama.retrieval import fold, load_pool
from tarjama.settings import Settings

STORED = "قال الرئيس إن المفاوضات ستستأنف الأسبوع المقبل في جنيف."
STORED_EN = "The president said the negotiations would resume next week in Geneva."
ASKED = "قال الرئيس إن المفاوضات ستستأنف الشهر المقبل في جنيف."
OTHER = "وأعلنت وزارة الصحة تسجيل إصابات جديدة بفيروس كورونا."
TEXT = f"{ASKED} {OTHER}"


class Watching:
    """An engine around a real one (as the server's batching queue is) that keeps what the
    pipeline offered it through ``TranslationContext.retrieve``."""

    def __init__(self, inner: Engine) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.capabilities = inner.capabilities
        self.offered: list[list[tuple[str, str]]] = []

    @property
    def name(self) -> str:
        return self.inner.name

    def translate(
        self, segments: Sequence[Segment], context: TranslationContext | None = None
    ) -> list[Hypothesis]:
        if context is not None and context.retrieve is not None:
            self.offered.append(list(context.retrieve([s.engine_text for s in segments])))
        return self.inner.translate(segments, context)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def close(self) -> None:
        self.inner.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def remember(path: Path) -> None:
    with TranslationMemory(path) as memory:
        memory.store_many([Entry(STORED, STORED_EN, "human")])


def test_a_chat_engine_is_offered_examples_and_sentences_get_suggestions(
    gemma_gguf: Path, tmp_path: Path
) -> None:
    path = tmp_path / "memory.sqlite"
    remember(path)
    engine = Watching(open_engine("llama", gemma_gguf, threads=2, n_ctx=2048))
    pooled = Settings(chat_example_pool=True)
    with Translator(engine=engine, memory=path, settings=pooled) as translator:  # type: ignore[arg-type]
        assert translator.retriever is not None and translator.retriever.pool is load_pool()
        result = translator.translate_document(ASKED.encode(), format="text")
    assert engine.offered, "the pipeline gave the chat engine no retrieve hook"
    offered = engine.offered[0]
    assert offered[0] == (STORED, STORED_EN)  # the person's near match, best first
    pool_sources = {fold(pair.arabic) for pair in load_pool().pairs}
    assert any(fold(arabic) in pool_sources for arabic, _ in offered[1:])  # and the pool's
    (asked,) = result.translations
    assert [(s.target, s.origin) for s in asked.suggestions] == [(STORED_EN, "human")]
    assert 75 <= asked.suggestions[0].score < 100
    assert result.to_dict()["segments"][0]["suggestions"][0]["target"] == STORED_EN


def test_a_sentence_engine_gets_suggestions_but_no_examples(
    tiny_marian_ct2: Path, tmp_path: Path
) -> None:
    path = tmp_path / "memory.sqlite"
    remember(path)
    with Translator(model=str(tiny_marian_ct2), beam=1, memory=path) as translator:
        retriever = translator.retriever
        assert retriever is not None and retriever.pool is None  # the pool is never loaded
        first = translator.translate_document(TEXT.encode(), format="text")
        # the second run is answered by the memory: its own English is no suggestion
        second = translator.translate_document(TEXT.encode(), format="text")
    assert [s.target for s in first.translations[0].suggestions] == [STORED_EN]
    assert [s.target for s in second.translations[0].suggestions] == [STORED_EN]
    assert second.translations[1].suggestions == ()
    with Translator(model=str(tiny_marian_ct2), beam=1) as translator:  # no memory: nothing
        assert translator.retriever is None
        plain = translator.translate_document(TEXT.encode(), format="text")
    assert all(t.suggestions == () for t in plain.translations)


def test_with_the_pool_off_a_chat_engine_is_offered_the_memory_alone(
    gemma_gguf: Path, tmp_path: Path
) -> None:
    path = tmp_path / "memory.sqlite"
    remember(path)
    settings = Settings(chat_example_pool=False)
    engine = Watching(open_engine("llama", gemma_gguf, threads=2, n_ctx=2048))
    with Translator(engine=engine, memory=path, settings=settings) as translator:  # type: ignore[arg-type]
        assert translator.retriever is not None and translator.retriever.pool is None
        translator.translate_document(ASKED.encode(), format="text")
    assert engine.offered == [[(STORED, STORED_EN)]]
    with Translator(engine=engine, settings=settings) as translator:  # type: ignore[arg-type]
        assert translator.retriever is None  # no memory and no pool: nothing to offer
