"""The chat prompt's fixed prefix, computed once: its llama.cpp state kept on disk and read back.

The file format is tested on its own (missing, damaged, foreign or mismatched files are never
used); the rest runs the real Gemma-3-270M GGUF: a fresh model loads the state instead of
evaluating the prefix, evaluates fewer prompt tokens and answers exactly as the model that
computed it; a damaged file is recomputed and written again; each request evaluates only what
follows the part of its prompt the KV cache already holds.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from tarjama.document import Segment
from tarjama.engines.base import TranslationContext
from tarjama.engines.llama_engine import LlamaEngine
from tarjama.engines.prefix_state import PrefixKey, read_state, state_path, write_state

KEY = PrefixKey(1000, 42, "0.3.36", 2048, "ab" * 32)
SENTENCE = [Segment("p1:0", "p1", 0, "ورفض الوزير التعليق.", 0, 20)]


def _written(tmp_path: Path, payload: bytes = b"kv cache bytes" * 10) -> Path:
    path = tmp_path / ".model.ctx2048.prefix-state"
    assert write_state(path, KEY, payload)
    return path


def test_a_state_reads_back_under_its_own_key(tmp_path: Path) -> None:
    path = _written(tmp_path, b"\x00\x01state\n\xff")
    assert read_state(path, KEY) == b"\x00\x01state\n\xff"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary left behind


def test_a_missing_file_is_simply_not_there(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="tarjama.engines.prefix_state"):
        assert read_state(tmp_path / "none", KEY) is None
    assert caplog.records == []


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda data: data[:-1] + bytes([data[-1] ^ 0xFF]), "damaged"),
        (lambda data: data[: len(data) - 5], "damaged"),
        (lambda data: b"GGUF" + data[4:], "not a tarjama prompt state"),
        (lambda data: data.replace(b'"size"', b'"sise"'), "damaged header"),
        (lambda data: b"", "not a tarjama prompt state"),
    ],
)
def test_a_damaged_file_is_not_used_and_says_so_in_one_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, damage: object, reason: str
) -> None:
    path = _written(tmp_path)
    assert callable(damage)
    path.write_bytes(damage(path.read_bytes()))
    with caplog.at_level(logging.INFO, logger="tarjama.engines.prefix_state"):
        assert read_state(path, KEY) is None
    (record,) = caplog.records
    assert reason in record.getMessage() and record.levelno == logging.WARNING


def test_the_state_of_another_model_prompt_or_library_is_not_used(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = _written(tmp_path)
    others = [
        PrefixKey(1001, 42, "0.3.36", 2048, "ab" * 32),  # the model file changed
        PrefixKey(1000, 42, "0.3.37", 2048, "ab" * 32),  # another llama-cpp-python
        PrefixKey(1000, 42, "0.3.36", 4096, "ab" * 32),  # another context size
        PrefixKey(1000, 42, "0.3.36", 2048, "cd" * 32),  # another prompt prefix
    ]
    with caplog.at_level(logging.INFO, logger="tarjama.engines.prefix_state"):
        assert [read_state(path, key) for key in others] == [None] * 4
    assert len(caplog.records) == 4
    assert all("another model file, prompt" in r.getMessage() for r in caplog.records)


def test_a_state_that_cannot_be_written_is_only_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with caplog.at_level(logging.WARNING, logger="tarjama.engines.prefix_state"):
        assert not write_state(blocker / "state", KEY, b"bytes")
    assert "cannot keep the prompt state" in caplog.text


def test_the_state_lives_beside_the_model_when_it_can_else_in_the_cache(tmp_path: Path) -> None:
    model = tmp_path / "models" / "m.gguf"
    model.parent.mkdir()
    beside = state_path(model, 4096, tmp_path / "cache")
    assert beside == model.parent / ".m.ctx4096.prefix-state"  # hidden: no manifest lists it
    unwritable = tmp_path / "no-such-folder" / "m.gguf"
    cached = state_path(unwritable, 4096, tmp_path / "cache")
    assert cached.parent == tmp_path / "cache" / "prefix-state"
    assert cached.name.endswith(".m.ctx4096.prefix-state")
    assert cached != state_path(tmp_path / "other" / "m.gguf", 4096, tmp_path / "cache")


# --- with a real model ------------------------------------------------------------------------


def _engine(gguf: Path, state_dir: Path) -> LlamaEngine:
    return LlamaEngine(
        gguf, threads=2, n_ctx=1024, state_dir=state_dir, chat_examples=3, chat_history=2
    )


@pytest.mark.slow
def test_a_fresh_model_loads_the_prefix_instead_of_evaluating_it(
    gemma_gguf: Path, tmp_path: Path
) -> None:
    with _engine(gemma_gguf, tmp_path) as first:
        computed = first.translate(SENTENCE)
        assert first.backend.prefix_state == "computed"
        prefix = first.backend.prefix_tokens
        evaluated = first.backend.prompt_tokens_evaluated
    assert prefix > 100
    (state,) = tmp_path.iterdir()
    assert state.name == ".gemma-3-270m-q4_k_m.ctx1024.prefix-state"
    with _engine(gemma_gguf, tmp_path) as second:
        loaded = second.translate(SENTENCE)
        assert second.backend.prefix_state == "loaded"
        assert second.backend.prompt_tokens_evaluated == evaluated - prefix
    assert loaded == computed  # the same greedy English, token for token


@pytest.mark.slow
def test_a_damaged_or_foreign_state_is_computed_again_and_rewritten(
    gemma_gguf: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with _engine(gemma_gguf, tmp_path) as first:
        expected = first.translate(SENTENCE)
    (state,) = tmp_path.iterdir()
    data = bytearray(state.read_bytes())
    data[len(data) // 2] ^= 0xFF
    state.write_bytes(bytes(data))
    with (
        caplog.at_level(logging.INFO, logger="tarjama.engines"),
        _engine(gemma_gguf, tmp_path) as second,
    ):
        assert second.translate(SENTENCE) == expected
        assert second.backend.prefix_state == "computed"
    assert [r.getMessage() for r in caplog.records if "prompt state" in r.getMessage()] == [
        f"prompt state {state} is damaged (its bytes do not match their checksum); "
        "computing it again"
    ]
    # Bytes with a right checksum that llama.cpp cannot read: refused by it, never a crash.
    write_state(state, _key_of(state), b"\x07" * 64)
    with _engine(gemma_gguf, tmp_path) as third:
        assert third.translate(SENTENCE) == expected
        assert third.backend.prefix_state == "computed"
    with _engine(gemma_gguf, tmp_path) as fourth:  # the rewritten file serves the next process
        assert fourth.translate(SENTENCE) == expected
        assert fourth.backend.prefix_state == "loaded"


def _key_of(state: Path) -> PrefixKey:
    """The key a state file was saved under (its header's second line)."""
    header = state.read_bytes().split(b"\n", 2)[1]
    return PrefixKey(**json.loads(header)["key"])


@pytest.mark.slow
def test_each_request_evaluates_only_what_follows_the_cached_prefix(
    gemma_gguf: Path, tmp_path: Path
) -> None:
    """Plain, careful and with retrieved examples: every request after the first reuses at
    least the whole fixed prefix (the careful rule no longer changes the prompt's start)."""
    pairs = [("وصل الوفد إلى القاهرة.", "The delegation arrived in Cairo.")]
    contexts = [
        TranslationContext(),
        TranslationContext(careful=True),
        TranslationContext(retrieve=lambda texts: pairs),
    ]
    with _engine(gemma_gguf, tmp_path) as engine:
        backend = engine.backend
        prefix = backend.prefix_tokens
        answers = []
        for context in contexts:
            before = (backend.requests, backend.prompt_tokens_reused)
            answers.append(engine.translate(SENTENCE, context))
            requests = backend.requests - before[0]
            assert requests >= 1
            assert backend.prompt_tokens_reused - before[1] >= prefix * requests
        # the same prompt again gives the same English, whatever was asked in between
        assert engine.translate(SENTENCE) == answers[0]
