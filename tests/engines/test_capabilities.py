"""Engines say what they need on their own class; the server's wrappers pass it on unchanged.

Nothing outside an engine keeps lists of engine names: the pipeline masks, hints, asks again
and cuts to a budget by what :class:`~tarjama.Capabilities` says, and the server merges calls
only into an engine that declares them mergeable.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tarjama import Capabilities, Segment
from tarjama.engines.base import capabilities_of, engine_class, engine_names
from tarjama.engines.ctranslate2_engine import CTranslate2Engine
from tarjama.engines.openai_engine import OpenAIEngine
from tarjama.pipeline import segment_document
from tarjama.serve.batching import BatchingEngine, QueuedEngine, wrap_engine
from tarjama.translator import load_document

WRAP = {"window": 0.01, "max_segments": 64, "max_waiting": 4, "queue_size": 4}


@pytest.mark.parametrize("name", engine_names())
def test_every_registered_engine_declares_its_capabilities(name: str) -> None:
    declared = engine_class(name).capabilities
    assert isinstance(declared, Capabilities)
    assert capabilities_of(name) is declared
    assert "format" in declared.masked_kinds  # what a format protects is hidden from every engine
    # a model's budget is known only once it is open
    assert declared.input_budget is None


def test_sentence_and_chat_engines_are_fed_differently() -> None:
    sentence, chat = capabilities_of("ctranslate2"), capabilities_of("llama")
    assert sentence.names_in_english and sentence.batchable
    assert not (sentence.name_hints or sentence.second_opinion)
    assert chat.name_hints and chat.second_opinion
    assert not (chat.names_in_english or chat.batchable)
    assert capabilities_of("openai") == chat
    # the segmenter hides handles from a sentence model, not from a chat model
    document = load_document("تابعونا على @tarjama_news".encode(), format="text")
    (for_marian,) = segment_document(document, "ctranslate2")
    (for_chat,) = segment_document(document, "llama")
    assert "@tarjama_news" not in for_marian.engine_text
    assert "@tarjama_news" in for_chat.engine_text


def test_an_engine_that_declares_nothing_gets_the_defaults() -> None:
    class Bare:
        name = "bare"
        model_id = "bare"

    assert capabilities_of(Bare()) == Capabilities()  # type: ignore[arg-type]
    assert capabilities_of("") == Capabilities()


def test_the_server_wrappers_forward_the_capabilities_of_what_they_wrap(
    tiny_marian_ct2: Path,
) -> None:
    with CTranslate2Engine(tiny_marian_ct2, max_decoding_length=12) as inner:
        batching = wrap_engine(inner, **WRAP)
        try:
            assert isinstance(batching, BatchingEngine)
            assert batching.capabilities == inner.capabilities
            assert batching.capabilities.input_budget == inner.capabilities.input_budget
            assert batching.count_tokens("السلام عليكم") == inner.count_tokens("السلام عليكم")
            segment = Segment("s0", "b0", 0, "السلام عليكم", 0, 12)
            assert batching.translate([segment]) == inner.translate([segment])
        finally:
            batching.close()
    chat = OpenAIEngine(base_url="http://127.0.0.1:1/v1", model="m", context_window=2048)
    queued = wrap_engine(chat, **WRAP)
    assert isinstance(queued, QueuedEngine)
    assert queued.capabilities == chat.capabilities
    assert queued.count_tokens("نص") == chat.count_tokens("نص")
    chat.close()
