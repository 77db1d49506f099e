"""The llama.cpp engine end to end on a real GGUF: Gemma-3-270M from the PyPI package.

Gemma-3-270M is a tiny base model: its English is poor, so these tests check what the engine
and pipeline guarantee whatever the model says: structure, order, offsets, scores, validation.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tarjama import Translator
from tarjama.document import Segment
from tarjama.engines.base import TranslationContext, open_engine
from tarjama.engines.chat import prompt_version
from tarjama.engines.llama_engine import LlamaEngine
from tarjama.errors import ModelError
from tarjama.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def gemma(gemma_gguf: Path) -> LlamaEngine:
    engine = open_engine("llama", gemma_gguf, threads=2, n_ctx=2048)
    assert isinstance(engine, LlamaEngine)
    return engine


def _segments(texts: list[tuple[str, str]]) -> list[Segment]:
    out: list[Segment] = []
    for i, (block, text) in enumerate(texts):
        out.append(Segment(f"{block}:{i}", block, i, text, 0, len(text)))
    return out


def test_one_hypothesis_per_segment_with_scores(gemma: LlamaEngine) -> None:
    segments = _segments(
        [("p1", "قال الرئيس إن الحرب ستنتهي قريباً."), ("p1", "ورفض الوزير التعليق."),
         ("p2", "ارتفعت الأسعار بنسبة 5%.")]
    )  # fmt: skip
    seen: list[int] = []
    hyps = gemma.translate(segments, TranslationContext(on_progress=seen.append))
    assert len(hyps) == 3
    assert sum(seen) == 3
    for hyp in hyps:
        assert hyp.score is not None and math.isfinite(hyp.score) and hyp.score <= 0
    assert gemma.model_id == "gemma-3-270m-q4_k_m"


def test_greedy_generation_is_repeatable(gemma: LlamaEngine) -> None:
    segments = _segments([("p1", "وصل الوفد إلى القاهرة صباح اليوم.")])
    first = gemma.translate(segments)
    second = gemma.translate(segments)
    assert first == second


def test_empty_segments_are_not_sent(gemma: LlamaEngine) -> None:
    hyps = gemma.translate(_segments([("p1", "   ")]))
    assert hyps[0].text == "" and hyps[0].score is None


def test_the_context_window_is_respected(gemma_gguf: Path) -> None:
    engine = LlamaEngine(gemma_gguf, threads=2, n_ctx=512)
    long_paragraph = "وقال المتحدث إن المفاوضات مستمرة بين الطرفين منذ أشهر طويلة. " * 12
    hyps = engine.translate(_segments([("p1", long_paragraph)]))
    assert len(hyps) == 1
    engine.close()
    # llama.cpp frees the model on close: using it afterwards is an error, not a crashed process.
    with pytest.raises(ModelError, match="closed"):
        engine.count_tokens("نص")
    with pytest.raises(ModelError, match="closed"):
        engine.translate(_segments([("p1", "نص")]))
    engine.close()  # twice is harmless


def test_article_keeps_its_paragraphs_in_order(gemma: LlamaEngine, shared_dir: Path) -> None:
    article = (shared_dir / "examples" / "article-01.ar.txt").read_text(encoding="utf-8")
    # The first sentence of each of three paragraphs: the order is what is tested, and a base
    # model of 270M parameters rambles to its token limit on whole paragraphs (minutes each).
    first_three = "\n\n".join(p.split(".")[0] + "." for p in article.split("\n\n")[:3])
    translator = Translator(engine=gemma)
    result = translator.translate_document(first_three.encode("utf-8"))
    paragraphs = result.output.split("\n\n")
    assert len(paragraphs) == 3
    blocks = [t.block_id for t in result.translations]
    assert blocks == sorted(blocks, key=lambda b: int(b[1:]))
    for t in result.translations:
        assert t.engine == "llama"
        source_block = result.document.block(t.block_id).text
        assert source_block[t.start : t.end].strip()


def test_a_missing_file_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        LlamaEngine(tmp_path / "nope.gguf")


def test_the_translator_gives_the_llama_engine_its_chat_settings(gemma_gguf: Path) -> None:
    settings = Settings(chat_examples=1, chat_history=0)
    with Translator(model=str(gemma_gguf), settings=settings) as translator:
        assert isinstance(translator.engine, LlamaEngine)
        assert translator.engine.prompt_version == prompt_version(retrieved=1, history=0)
