"""Many documents, one engine call: what a corpus job needs from the pipeline.

A sentence engine translates each segment on its own, so the fresh segments of many documents
can go to it in one call, which it sorts by length and cuts into token-budget batches (a corpus
of short articles fills batches that one article cannot). The English must not change for it:
the tests' tiny random Marian in CTranslate2 translates a mixed set of documents (memory hits
shared across documents, a glossary, names, URLs, a segment over the budget, an HTML page, an
empty and a non-Arabic document) merged and one by one, and every translation, output and
memory entry must be the same. The recorder around the real engine only counts its calls.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tarjama import Document, Hypothesis, Segment, TranslationContext, Translator
from tarjama.engines.base import Capabilities, Engine
from tarjama.engines.ctranslate2_engine import CTranslate2Engine
from tarjama.formats import read_document
from tarjama.memory import Entry, TranslationMemory
from tarjama.pipeline import TranslatedDocument, translate_document, translate_documents
from tarjama.terms import Glossary

_STOPS = re.compile(r"[.!?؟…]+(?=\s|$)")


class Recorder:
    """A real engine, with a count of its calls and of the segments it is given."""

    def __init__(self, inner: Engine, capabilities: Capabilities | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.model_id = inner.model_id
        self.memory_model = getattr(inner, "memory_model", "")
        self.capabilities: Capabilities = capabilities or inner.capabilities
        self.calls: list[int] = []

    def translate(
        self, segments: Sequence[Segment], context: TranslationContext | None = None
    ) -> list[Hypothesis]:
        self.calls.append(len(segments))
        return self.inner.translate(segments, context)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture(scope="module")
def engine(tiny_marian_ct2: Path) -> Any:
    with CTranslate2Engine(tiny_marian_ct2, threads=1) as opened:
        yield opened


@pytest.fixture(scope="module")
def un_lines(shared_dir: Path) -> list[str]:
    with (shared_dir / "data" / "pool" / "un.dev.ar").open(encoding="utf-8") as lines:
        return [line.strip() for _, line in zip(range(80), lines, strict=False) if line.strip()]


SHARED_SENTENCE = "وقال الأمين العام للأمم المتحدة إن المفاوضات ستستأنف في جنيف."
GLOSSARY = Glossary.from_pairs([("جنيف", "Geneva (Switzerland)"), ("الأمم المتحدة", "the UN")])


def corpus(lines: list[str]) -> list[Document]:
    """Documents of every kind a job meets, none of them sharing a sentence the engine makes."""
    long_paragraph = "، ".join(_STOPS.sub("", line) for line in lines[40:60])  # over the budget
    texts = [
        "\n".join(lines[0:4]),
        f"{lines[4]}\n\n{SHARED_SENTENCE}\n\n{lines[5]}",
        "",  # empty
        "The talks resume in Geneva on Monday.",  # no Arabic
        f"{lines[6]} انظر https://www.un.org/ar/about-us و@UN_Arabic #الأمم_المتحدة 2024",
        lines[7],
        long_paragraph,
        f"{SHARED_SENTENCE}\n{lines[8]}\n{lines[9]}",
        "\n\n".join(lines[10:20]),
        SHARED_SENTENCE,  # all from memory
    ]
    documents = [read_document(text, "text") for text in texts]
    page = f"<html><body><h1>{lines[20]}</h1><p>{lines[21]} <b>{lines[22]}</b></p></body></html>"
    documents.insert(3, read_document(page, "html"))
    return documents


def seeded_memory(folder: Path, lines: list[str]) -> tuple[Path, Path]:
    """Two copies of one memory with human entries, one of them in two documents."""
    first = folder / "merged.sqlite"
    with TranslationMemory(first) as memory:
        memory.store_many(
            [
                Entry(SHARED_SENTENCE, "The UN chief said talks resume in Geneva.", "human"),
                Entry(lines[12], "A sentence a translator did.", "human"),
            ]
        )
    second = folder / "alone.sqlite"
    shutil.copy(first, second)
    return first, second


def same(result: TranslatedDocument) -> tuple[Any, ...]:
    """Everything a result says except how long it took."""
    meta = {k: v for k, v in result.meta.items() if k != "engine_seconds"}
    return result.translations, result.output, result.output_bytes, result.warnings, meta


def test_one_call_gives_the_english_of_one_document_at_a_time(
    engine: Engine, un_lines: list[str], tmp_path: Path
) -> None:
    documents = corpus(un_lines)
    merged_path, alone_path = seeded_memory(tmp_path, un_lines)
    together, apart = Recorder(engine), Recorder(engine)
    progress: list[int] = []

    with TranslationMemory(merged_path) as memory:
        merged = translate_documents(
            documents, together, glossary=GLOSSARY, memory=memory, on_progress=progress.append
        )
    with TranslationMemory(alone_path) as memory:
        alone = [
            translate_document(document, apart, glossary=GLOSSARY, memory=memory)
            for document in documents
        ]

    assert [same(result) for result in merged] == [same(result) for result in alone]
    assert len(together.calls) == 1, together.calls  # the long segment's pieces included
    assert len(apart.calls) == len(documents) - 3  # the empty, English and all-memory ones
    assert together.calls[0] == sum(apart.calls)
    fresh = sum(r.meta["engine_segments"] for r in merged)
    assert fresh < together.calls[0]  # the long segment went in pieces
    assert sum(progress) == sum(len(r.translations) for r in merged)

    hits = [r.meta["cache_hits"] for r in merged]
    assert hits == [0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1]
    assert merged[3].document.format == "html" and "<h1>" in merged[3].output
    assert merged[2].translations == () and merged[2].output == ""
    assert merged[4].output == "The talks resume in Geneva on Monday."
    assert merged[4].warnings == ("no Arabic text found; the input was passed through unchanged",)
    assert "https://www.un.org/ar/about-us" in merged[5].output
    assert all(r.meta["engine_seconds"] > 0 for r in merged if r.meta["engine_segments"])
    with TranslationMemory(merged_path) as one, TranslationMemory(alone_path) as other:
        stored = [
            sorted((e.source, e.target, e.model, e.glossary_version) for e in m.iter_entries())
            for m in (one, other)
        ]
    assert stored[0] == stored[1] and len(stored[0]) > 2


def test_a_chat_engine_gets_one_document_at_a_time(engine: Engine, un_lines: list[str]) -> None:
    """Its context is the document: an engine that is not batchable is never handed two."""
    documents = [read_document(line, "text") for line in un_lines[:4]]
    chat_like = Recorder(engine, replace(engine.capabilities, batchable=False))

    results = translate_documents(documents, chat_like)

    assert chat_like.calls == [1, 1, 1, 1]
    assert [same(r) for r in results] == [same(translate_document(d, engine)) for d in documents]


def test_the_translator_takes_many_documents(
    tiny_marian_ct2: Path, un_lines: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "one.txt"
    path.write_text(un_lines[30], encoding="utf-8")
    sources: list[Path | bytes | Document] = [
        path,
        un_lines[31].encode("utf-8"),
        read_document(un_lines[32], "text"),
    ]
    with Translator(model=str(tiny_marian_ct2), threads=1) as translator:
        recorder = Recorder(translator.engine)
        with Translator(engine=recorder) as counted:
            results = counted.translate_documents(sources, format="text")
            one = counted.translate_document(un_lines[31].encode("utf-8"), format="text")

    assert len(recorder.calls) == 2  # one for the three documents, one for the one
    assert all(r.meta["engine_segments"] for r in results)
    assert [r.document.blocks[0].text for r in results] == un_lines[30:33]
    assert same(results[1]) == same(one)


def test_nothing_to_translate_asks_nothing(engine: Engine) -> None:
    recorder = Recorder(engine)
    assert translate_documents([], recorder) == []
    results = translate_documents(
        [read_document("", "text"), read_document("Hi.", "text")], recorder
    )
    assert recorder.calls == []
    assert [r.output for r in results] == ["", "Hi."]
