"""Under load: beyond capacity the answer is 503 with Retry-After at once, a slow translation
times out with 503, and a short locust run with 10 % malformed requests gets no 5xx at all."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from serving import ARABIC, Server, running_server

ROOT = Path(__file__).resolve().parents[2]
TIGHT_ENV = {"TARJAMA_SERVE_MAX_INFLIGHT": "1", "TARJAMA_SERVE_TIMEOUT": "1.5"}
# 400 distinct paragraphs: 120 copies of one paragraph finished inside 1.5 s on a quiet machine.
LONG_DOCUMENT = "\n\n".join(f"{ARABIC} {i}" for i in range(400))


@pytest.fixture(scope="module")
def server(tiny_marian_ct2: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("serve-load")
    with running_server(tiny_marian_ct2, home, TIGHT_ENV, "--no-memory") as running:
        yield running


def wait_idle(server: Server) -> None:
    deadline = time.monotonic() + 60
    while httpx.get(f"{server.url}/health").json()["inflight"] and time.monotonic() < deadline:
        time.sleep(0.1)


def test_a_translation_over_the_time_limit_is_503_not_a_hang(server: Server) -> None:
    started = time.monotonic()
    answer = httpx.post(f"{server.url}/v1/translate", json={"text": LONG_DOCUMENT}, timeout=60)
    elapsed = time.monotonic() - started
    assert answer.status_code == 503, answer.text
    assert "longer than 1.5 s" in answer.json()["error"]
    assert int(answer.headers["retry-after"]) >= 1
    assert elapsed < 5
    wait_idle(server)


def test_beyond_capacity_requests_are_turned_away_with_retry_after(server: Server) -> None:
    wait_idle(server)
    document = "\n\n".join(f"{ARABIC} {i}" for i in range(15))

    def send(i: int) -> httpx.Response:
        return httpx.post(f"{server.url}/v1/translate", json={"text": document}, timeout=60)

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(send, range(6)))
    statuses = sorted(a.status_code for a in answers)
    assert 200 in statuses and 503 in statuses, statuses
    assert set(statuses) <= {200, 503}
    for answer in answers:
        if answer.status_code == 503:
            assert answer.headers["retry-after"] == "1"
            assert "already running" in answer.json()["error"]
    metrics = httpx.get(f"{server.url}/metrics").text
    assert 'tarjama_rejected_total{reason="busy"}' in metrics


def test_short_load_run_answers_no_5xx(tiny_marian_ct2: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "loadtest.py"), "--users", "6", "--seconds", "6",
         "--model", str(tiny_marian_ct2), "--out", str(out), "--work", str(tmp_path)],
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    result = json.loads((out / "loadtest.json").read_text())
    assert result["requests"] > 20
    assert result["server_errors_5xx"] == 0
    assert result["malformed"] >= 1
    assert result["malformed_answered_4xx"] == result["malformed"]
    assert result["p99_ms"] >= result["p50_ms"] > 0
    assert "server_errors_5xx | 0" in (out / "loadtest.md").read_text()
