"""The OpenAI-compatible engine keeps several requests in flight (issue 10 item 4).

A local ``ThreadingHTTPServer`` on 127.0.0.1 speaks the chat-completions API: it "translates"
each Arabic sentence into a fixed English word string derived from the sentence (so an answer
put back in the wrong place shows), takes a while over each request, and records how many
requests it was serving at once. The engine, a ``Translator`` and a real ``tarjama job run``
process are pointed at it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tarjama import Translator
from tarjama.document import Segment
from tarjama.engines.base import TranslationContext
from tarjama.engines.openai_engine import OpenAIEngine
from tarjama.errors import EngineError
from tarjama.settings import Settings

_NUMBERED = re.compile(r"^\[(\d+)\] (.*)$")
_WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot",
          "golf", "hotel", "india", "juliet", "kilo", "lima")  # fmt: skip

# Arabic paragraphs without digits (so no number check asks the model a second time).
PARAGRAPHS = [
    "قال الوزير إن المحادثات كانت صريحة.",
    "ورفض المتحدث التعليق على التقارير.",
    "وأعلنت الحكومة خطة جديدة للنقل العام.",
    "وشارك آلاف الأشخاص في المسيرة.",
    "وقالت المنظمة إن الوضع الإنساني صعب.",
    "وأكد الرئيس دعم بلاده للمبادرة.",
    "وتستمر الأمطار الغزيرة في المنطقة.",
]


def english(arabic: str) -> str:
    """What the stand-in answers for one Arabic sentence: words picked by its hash."""
    digest = hashlib.sha256(arabic.strip().encode("utf-8")).digest()
    return "The " + " ".join(_WORDS[b % len(_WORDS)] for b in digest[:4]) + "."


class Translating:
    """The stand-in server: a translation per request after ``delay`` seconds, and the most
    requests it has served at once."""

    def __init__(self, delay: float = 0.25, refuse: str | None = None) -> None:
        self.delay = delay
        self.refuse = refuse
        self.lock = threading.Lock()
        self.active = 0
        self.most = 0
        self.bodies: list[dict[str, Any]] = []
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with server.lock:
                    server.bodies.append(body)
                    server.active += 1
                    server.most = max(server.most, server.active)
                try:
                    server.release.wait(server.delay)
                    status, reply = server.reply(body)
                finally:
                    with server.lock:
                        server.active -= 1
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def reply(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        text = body["messages"][-1]["content"].split("Text:\n")[-1]
        if self.refuse and self.refuse in text:
            return 400, {"error": {"message": "this request is refused"}}
        lines = text.splitlines()
        numbered = [_NUMBERED.match(line) for line in lines]
        if len(lines) > 1 and all(numbered):
            answer = "\n".join(f"[{m[1]}] {english(m[2])}" for m in numbered if m)
        else:
            answer = english(text)
        choice = {"index": 0, "message": {"role": "assistant", "content": answer},
                  "finish_reason": "stop"}  # fmt: skip
        return 200, {"choices": [choice], "usage": {"completion_tokens": 8}}


@pytest.fixture
def server() -> Iterator[Translating]:
    stand_in = Translating()
    stand_in.thread.start()
    yield stand_in
    stand_in.release.set()
    stand_in.server.shutdown()
    stand_in.server.server_close()


def _blocks(texts: list[str]) -> list[Segment]:
    """One segment per block: each is a paragraph of its own."""
    return [Segment(f"b{i}:0", f"b{i}", 0, t, 0, len(t)) for i, t in enumerate(texts)]


def test_paragraphs_without_context_are_asked_for_together(server: Translating) -> None:
    segments = _blocks(PARAGRAPHS)
    with OpenAIEngine(model="stand-in", base_url=server.url, parallel=4) as engine:
        assert engine.capabilities.parallel == 4
        done: list[int] = []
        context = TranslationContext(document_context=False, on_progress=done.append)
        hyps = engine.translate(segments, context)
    assert server.most == 4
    assert [h.text for h in hyps] == [english(t) for t in PARAGRAPHS]  # each in its place
    assert sum(done) == len(PARAGRAPHS)


def test_one_request_at_a_time_when_parallel_is_one(server: Translating) -> None:
    with OpenAIEngine(model="stand-in", base_url=server.url, parallel=1) as engine:
        hyps = engine.translate(_blocks(PARAGRAPHS[:3]), TranslationContext(document_context=False))
    assert server.most == 1
    assert [h.text for h in hyps] == [english(t) for t in PARAGRAPHS[:3]]


def test_paragraphs_with_context_go_in_order(server: Translating) -> None:
    """Each paragraph carries the English of the one before, so none can be sent early."""
    with OpenAIEngine(model="stand-in", base_url=server.url, parallel=4) as engine:
        hyps = engine.translate(_blocks(PARAGRAPHS[:3]), TranslationContext())
    assert server.most == 1
    assert [h.text for h in hyps] == [english(t) for t in PARAGRAPHS[:3]]
    second = [m["content"] for m in server.bodies[1]["messages"]]
    assert PARAGRAPHS[0] in second and english(PARAGRAPHS[0]) in second


def test_a_failed_paragraph_fails_the_call(server: Translating) -> None:
    server.refuse = PARAGRAPHS[1]
    with (
        OpenAIEngine(model="stand-in", base_url=server.url, parallel=3, retries=0) as engine,
        pytest.raises(EngineError, match="400"),
    ):
        engine.translate(_blocks(PARAGRAPHS), TranslationContext(document_context=False))


def test_the_setting_reaches_the_engine(server: Translating) -> None:
    settings = Settings(openai_base_url=server.url, openai_parallel=3)
    with Translator("openai:stand-in", settings=settings) as translator:
        assert translator.engine.capabilities.parallel == 3
    with Translator("openai:stand-in", settings=Settings(openai_base_url=server.url)) as default:
        assert default.engine.capabilities.parallel == 4
    with pytest.raises(EngineError, match="at least 1"):
        OpenAIEngine(model="stand-in", base_url=server.url, parallel=0)


def _job(tree: Path, out: Path, server: Translating, parallel: int) -> dict[str, Any]:
    env = {
        **os.environ,
        "TARJAMA_HOME": str(out.parent / "home"),
        "TARJAMA_OPENAI_BASE_URL": server.url,
        "TARJAMA_OPENAI_PARALLEL": str(parallel),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tarjama.cli", "job", "run", str(tree), "-o", str(out),
         "--model", "openai:stand-in", "--json", "--quiet"],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    summary: dict[str, Any] = json.loads(done.stdout)
    summary["exit"] = done.returncode
    return summary


def _tree(root: Path, documents: int) -> Path:
    for i in range(documents):
        first, second = PARAGRAPHS[i % 7], PARAGRAPHS[(i + 3) % 7]
        (root / f"doc-{i}.txt").parent.mkdir(parents=True, exist_ok=True)
        (root / f"doc-{i}.txt").write_text(f"{first}\n\n{second}\n", encoding="utf-8")
    return root


def test_a_job_keeps_documents_in_flight_and_writes_the_same_english(
    server: Translating, tmp_path: Path
) -> None:
    tree = _tree(tmp_path / "tree", 6)
    together = _job(tree, tmp_path / "three" / "out", server, 3)
    assert together["exit"] == 0 and together["done"] == 6
    assert server.most == 3  # three documents at once, each one paragraph at a time
    server.most = 0
    alone = _job(tree, tmp_path / "one" / "out", server, 1)
    assert alone["exit"] == 0 and server.most == 1
    for i in range(6):
        name = f"doc-{i}.txt"
        text = (tmp_path / "three" / "out" / name).read_text(encoding="utf-8")
        assert text == (tmp_path / "one" / "out" / name).read_text(encoding="utf-8")
        first, second = PARAGRAPHS[i % 7], PARAGRAPHS[(i + 3) % 7]
        assert text == f"{english(first)}\n\n{english(second)}\n"


def test_a_document_the_server_refuses_fails_alone(server: Translating, tmp_path: Path) -> None:
    server.refuse = PARAGRAPHS[6]  # doc-3's second paragraph, and no other document's
    tree = _tree(tmp_path / "tree", 6)
    summary = _job(tree, tmp_path / "job" / "out", server, 3)
    assert summary["exit"] == 1
    assert (summary["done"], summary["failed"]) == (5, 1)
    assert summary["errors"] == {"engine": 1}
    assert not (tmp_path / "job" / "out" / "doc-3.txt").exists()
