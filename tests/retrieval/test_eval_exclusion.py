"""``tarjama eval`` never shows a model its own test set: every pool pair and memory entry whose
source is in the set is left out of the examples, and the report says how many. Gemma-3-270M
in process, a real memory file, the real evaluation loop."""

from __future__ import annotations

import json
from pathlib import Path

from test_pipeline_retrieval import Watching

from tarjama import Translator
from tarjama.engines.base import open_engine
from tarjama.evaluate.run import evaluate
from tarjama.memory import Entry, TranslationMemory
from tarjama.retrieval import fold, load_pool
from tarjama.settings import Settings


def test_the_set_being_scored_is_never_an_example(gemma_gguf: Path, tmp_path: Path) -> None:
    pool = load_pool()
    pairs = [pool.pairs[3], pool.pairs[700]]
    # the set, written as an evaluation file might write it: harakat and tatweel added
    sources = [pairs[0].arabic.replace("ال", "الـ", 1), pairs[1].arabic + "َ"]
    references = [pair.english for pair in pairs]
    path = tmp_path / "memory.sqlite"
    with TranslationMemory(path) as memory:
        memory.store_many([Entry(pairs[0].arabic, "A person's English.", "human")])
    engine = Watching(open_engine("llama", gemma_gguf, threads=2, n_ctx=2048))
    pooled = Settings(chat_example_pool=True)
    with Translator(engine=engine, memory=path, settings=pooled) as translator:  # type: ignore[arg-type]
        result = evaluate(translator, sources, references, tmp_path / "eval", plots=False)
    assert engine.offered, "the chat engine was offered no examples"
    scored = {fold(source) for source in sources}
    offered = [arabic for examples in engine.offered for arabic, _ in examples]
    assert offered and not scored & {fold(arabic) for arabic in offered}
    assert result.retrieval == {"examples": True, "excluded_pool": 2, "excluded_memory": 1}
    report = json.loads((tmp_path / "eval" / "report.json").read_text(encoding="utf-8"))
    assert report["retrieval"]["excluded_pool"] == 2
    markdown = (tmp_path / "eval" / "report.md").read_text(encoding="utf-8")
    assert "2 example-pool pairs, 1 memory pairs" in markdown
