"""The chat-model path under load: requests queue one at a time, and beyond the queue the
answer is 503 with Retry-After at once, never a hang.

The server runs the real Gemma-3-270M GGUF through llama.cpp (a base model: its English is
poor, which does not matter here); two requests are let in, the rest turned away.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from serving import ARABIC, Server, running_server

# one translating, one waiting; everything else is turned away
QUEUE_ENV = {"TARJAMA_SERVE_QUEUE_SIZE": "1", "TARJAMA_SERVE_TIMEOUT": "300"}


@pytest.fixture(scope="module")
def server(gemma_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("serve-llm")
    with running_server(gemma_gguf, home, QUEUE_ENV, "--no-memory") as running:
        yield running


def test_chat_requests_queue_and_the_overflow_is_503_with_retry_after(server: Server) -> None:
    def send(i: int) -> tuple[httpx.Response, float]:
        started = time.monotonic()
        answer = httpx.post(
            f"{server.url}/v1/translate", json={"text": f"{ARABIC} ({i})"}, timeout=300
        )
        return answer, time.monotonic() - started

    with ThreadPoolExecutor(5) as pool:
        results = list(pool.map(send, range(5)))
    statuses = sorted(answer.status_code for answer, _ in results)
    assert statuses.count(200) >= 2, statuses  # the one translating and the one queued
    assert set(statuses) <= {200, 503}, statuses
    assert 503 in statuses, statuses
    translated = [answer for answer, _ in results if answer.status_code == 200]
    slowest = max(seconds for answer, seconds in results if answer.status_code == 200)
    for answer, seconds in results:
        if answer.status_code == 503:
            assert int(answer.headers["retry-after"]) >= 1
            assert "error" in answer.json()
            assert seconds < slowest  # turned away at once, not after waiting its turn
    for answer in translated:
        body = answer.json()
        assert body["segments"] and body["segments"][0]["engine"] == "llama"

    metrics = httpx.get(f"{server.url}/metrics").text
    rejected = sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("tarjama_rejected_total{")
    )
    assert rejected >= statuses.count(503)
