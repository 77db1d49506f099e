"""Nothing dropped: a paragraph far longer than any engine takes comes back whole.

UN prose with its full stops removed is one sentence to the segmenter, thousands of tokens long:
CTranslate2 used to read its first 512 tokens and drop the rest without a word, and a chat model
refused the prompt. Now each engine declares an input budget, the pipeline cuts the segment to
it at clause boundaries, and the pieces' English is joined back into the segment's one
translation. The engines here are real (the tests' tiny random Marian, the Gemma-3-270M GGUF);
the recorder around them only notes what they were given, so the tests can check that every
piece fit, that together the pieces are the source, and that what truncation would lose (the
end of the text: its numbers and names) got through.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tarjama import Hypothesis, Segment, TranslationContext, Translator
from tarjama.checks import RATIO_BAND, length_ratio
from tarjama.engines.base import TRUNCATED, Capabilities, Engine
from tarjama.engines.ctranslate2_engine import CTranslate2Engine
from tarjama.pipeline import segment_document
from tarjama.terms import Lexicon
from tarjama.text import find_spans, unkept_spans
from tarjama.translator import load_document

# A full stop (or ! ? ؟ …) at the end of a sentence, before any closing quote or bracket.
_STOPS = re.compile(r"[.!?؟…۔]+(?=[\"'”»)\]]*(?:\s|$))")


def long_paragraph(shared: Path, words: int) -> str:
    """UN sentences with their full stops removed, joined with «،» into one paragraph."""
    parts: list[str] = []
    count = 0
    with (shared / "data" / "pool" / "un.dev.ar").open(encoding="utf-8") as lines:
        for line in lines:
            sentence = _STOPS.sub("", line.strip()).strip()
            if sentence:
                parts.append(sentence)
                count += len(sentence.split())
            if count >= words:
                break
    return "، ".join(parts)


class Recorder:
    """A real engine, with a note of every segment it is given (it changes nothing)."""

    def __init__(self, inner: Engine) -> None:
        self.inner = inner
        self.name = inner.name
        self.model_id = inner.model_id
        self.capabilities: Capabilities = inner.capabilities
        self.seen: list[Segment] = []

    def translate(
        self, segments: Sequence[Segment], context: TranslationContext | None = None
    ) -> list[Hypothesis]:
        self.seen += segments
        return self.inner.translate(segments, context)

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)

    def close(self) -> None:
        self.inner.close()


def _owner(piece_id: str) -> str:
    return piece_id.rsplit("/", 1)[-1].split("@", 1)[0]


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _translate_whole(text: str, engine: Recorder) -> Any:
    document = load_document(text.encode("utf-8"), format="text")
    assert len(segment_document(document)) == 1, "the paragraph should be one sentence"
    result = Translator(engine=engine).translate_document(document)
    (translation,) = result.translations
    return result, translation


def _assert_nothing_dropped(
    text: str, engine: Recorder, result: Any, translation: Any, *, min_numbers: int
) -> None:
    """The properties both engines must show, whatever their English is like."""
    # One translation whose offsets slice the whole paragraph.
    block = result.document.blocks[0]
    assert block.text[translation.start : translation.end] == text.strip()
    # Every piece fit the engine's budget, and together the pieces are the source.
    budget = engine.capabilities.input_budget
    assert budget is not None
    # A piece's id is its segment's (under its document's number when documents are merged)
    # and where in the segment it starts: "0/p1:0@276".
    pieces = [s for s in engine.seen if _owner(s.id) == translation.segment_id]
    assert len(pieces) > 1
    assert all(engine.count_tokens(p.engine_text) <= budget for p in pieces)
    first_round = []
    for piece in pieces:  # pieces asked again (second opinion, cut-short answers) come later
        if _squeeze("".join(p.source for p in first_round)) == _squeeze(translation.source):
            break
        first_round.append(piece)
    assert _squeeze("".join(p.source for p in first_round)) == _squeeze(translation.source)
    # Nothing was cut short, so the English is not short of the Arabic.
    assert TRUNCATED not in translation.flags
    ratio = length_ratio(translation.source, translation.target)
    assert ratio is not None and ratio >= RATIO_BAND[0]
    # Every number of the source, first to last, is in the English.
    numbers = [span for span in find_spans(translation.source) if span.kind == "number"]
    assert len(numbers) >= min_numbers
    assert unkept_spans(translation.target, numbers) == ()


def test_a_3000_word_paragraph_reaches_a_sentence_model_in_pieces_and_comes_back_whole(
    tiny_marian_ct2: Path, shared_dir: Path
) -> None:
    text = long_paragraph(shared_dir, 3000)
    assert len(text.split()) >= 3000
    with CTranslate2Engine(tiny_marian_ct2, beam_size=1, threads=1) as inner:
        engine = Recorder(inner)
        result, translation = _translate_whole(text, engine)
        # What used to happen: the whole sentence at once is cut at the model's input limit.
        (whole,) = inner.translate([translation_segment(translation.source)])

    _assert_nothing_dropped(text, engine, result, translation, min_numbers=10)
    assert inner.capabilities.input_budget is not None
    assert inner.capabilities.input_budget <= inner.input_limit() < inner.count_tokens(text)
    # ... flagged now, and its English far too short: what the length check would have caught.
    assert TRUNCATED in whole.flags
    whole_ratio = length_ratio(translation.source, whole.text)
    assert whole_ratio is not None and whole_ratio < RATIO_BAND[0]
    # The names the lexicon knows reached the model, in English, up to the last one.
    lexicon = Lexicon.load_builtin()
    names = {m.entity.english for m in lexicon.find(translation.source) if lexicon.certain(m)}
    seen = " ".join(p.engine_text for p in engine.seen)
    assert names and all(name in seen for name in names)
    # (Random weights write English of random length, so a "too long" length_ratio may be
    # flagged here; "too short", the mark of truncation, is ruled out above.)


def translation_segment(source: str) -> Segment:
    return Segment(id="whole", block_id="b0", index=0, source=source, start=0, end=len(source))


@pytest.mark.slow
def test_a_long_paragraph_fits_a_small_chat_context_in_pieces(
    gemma_gguf: Path, shared_dir: Path
) -> None:
    from tarjama.engines.llama_engine import LlamaEngine

    # A 512-token window holds ~50 tokens of source with its prompt and answer: ~10 pieces.
    text = long_paragraph(shared_dir, 250)
    # No retrieved examples: the text is the example pool's own UN sentences, which retrieval
    # would show the model with their English (that is tested in tests/retrieval).
    with LlamaEngine(gemma_gguf, threads=2, n_ctx=512, chat_examples=0) as inner:
        engine = Recorder(inner)
        # Asking doubtful sentences again is not what this test is about, and on a base model
        # (every sentence doubtful) it costs minutes.
        engine.capabilities = replace(engine.capabilities, second_opinion=False)
        assert inner.count_tokens(text) > 4 * (inner.capabilities.input_budget or 0)
        result, translation = _translate_whole(text, engine)
        _assert_nothing_dropped(text, engine, result, translation, min_numbers=5)
    # The names the lexicon knows are in the English, or the segment says one is missing.
    lexicon = Lexicon.load_builtin()
    names = {m.entity.english for m in lexicon.find(translation.source) if lexicon.certain(m)}
    assert names
    missing = [name for name in names if name not in translation.target]
    assert not missing or "lexicon_violation" in translation.flags
