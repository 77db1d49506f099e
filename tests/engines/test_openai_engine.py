"""The OpenAI-compatible engine over real HTTP.

Two kinds of server answer here. A real one: llama-cpp-python's OpenAI-compatible server
(``python -m llama_cpp.server``) started in a subprocess on the Gemma-3-270M GGUF, which the
engine and ``Translator(model="openai:NAME")`` translate real Arabic through. Gemma-3-270M is a
tiny base model and a poor translator, so those tests check the contract (one string per
segment, in order, scores as the server gives them), not quality.

And a stand-in: a small ``ThreadingHTTPServer`` on 127.0.0.1 that stands in for a remote
endpoint misbehaving in ways a real one only does by accident (503 then 200, persistent 500,
answering too slowly, refusing ``logprobs``, answering garbage). It records every request it
gets, so the tests count attempts and read what the engine sent.
"""

from __future__ import annotations

import json
import math
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tarjama import Translator
from tarjama.document import Segment
from tarjama.engines.base import TRUNCATED, TranslationContext, open_engine
from tarjama.engines.chat import CAREFUL_RULE, fixed_messages, number_sentences, prompt_version
from tarjama.engines.openai_engine import OpenAIEngine
from tarjama.errors import EngineError, StorageError
from tarjama.settings import Settings

MODEL_ALIAS = "gemma-3-270m"
SERVER_START_TIMEOUT = 90.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _segments(texts: list[str], block: str = "p1") -> list[Segment]:
    return [Segment(f"{block}:{i}", block, i, t, 0, len(t)) for i, t in enumerate(texts)]


# --- a real OpenAI-compatible server: llama-cpp-python's, on Gemma-3-270M -------------------


@dataclass(frozen=True)
class Served:
    url: str
    log: Path
    """The server's output: llama-cpp-python is verbose by default and says there how many
    prompt tokens each request found in its cache ("prefix-match hit")."""


@pytest.fixture(scope="module")
def llama_server(served: Served) -> str:
    """The real server's ``/v1`` base URL."""
    return served.url


@pytest.fixture(scope="module")
def served(gemma_gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``python -m llama_cpp.server`` on the Gemma GGUF."""
    pytest.importorskip("llama_cpp")
    pytest.importorskip("uvicorn", reason="llama-cpp-python[server] is not installed")
    pytest.importorskip("fastapi", reason="llama-cpp-python[server] is not installed")
    pytest.importorskip("sse_starlette", reason="llama-cpp-python[server] is not installed")
    port = _free_port()
    log_path = tmp_path_factory.mktemp("llama-server") / "server.log"
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(gemma_gguf), "--model_alias", MODEL_ALIAS,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "2048", "--n_threads", "1",
    ]  # fmt: skip
    base_url = f"http://127.0.0.1:{port}/v1"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"llama_cpp.server exited with {process.returncode}:\n"
                    + log_path.read_text(errors="replace")[-3000:]
                )
            try:
                if httpx.get(f"{base_url}/models", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"llama_cpp.server did not answer within {SERVER_START_TIMEOUT:g} s:\n"
                    + log_path.read_text(errors="replace")[-3000:]
                )
            time.sleep(0.25)
        yield Served(base_url, log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.mark.slow
def test_the_real_server_lists_the_model(llama_server: str) -> None:
    models = httpx.get(f"{llama_server}/models", timeout=5.0).json()
    assert MODEL_ALIAS in [m["id"] for m in models["data"]]


@pytest.mark.slow
def test_real_server_ignores_logprobs_without_top_logprobs(llama_server: str) -> None:
    """What the engine relies on: llama-cpp-python accepts ``logprobs: true`` but returns null.

    Its chat handler passes ``logprobs=top_logprobs if logprobs else None`` to the completion,
    so without ``top_logprobs`` there are none; hypotheses from it have no score.
    """
    answer = httpx.post(
        f"{llama_server}/chat/completions",
        json={
            "model": MODEL_ALIAS,
            "messages": [{"role": "user", "content": "ورفض الوزير التعليق."}],
            "temperature": 0,
            "max_tokens": 4,
            "logprobs": True,
        },
        timeout=60.0,
    )
    assert answer.status_code == 200
    choice = answer.json()["choices"][0]
    assert isinstance(choice["message"]["content"], str)
    assert choice["logprobs"] is None


@pytest.mark.slow
def test_engine_translates_article_sentences_through_the_real_server(
    llama_server: str, article_segments: list[Segment]
) -> None:
    segments = article_segments[9:11]  # two short consecutive sentences of one paragraph
    with OpenAIEngine(base_url=llama_server, model=MODEL_ALIAS, timeout=60.0) as engine:
        assert engine.model_id == MODEL_ALIAS
        hyps = engine.translate(segments)
        assert len(hyps) == len(segments)
        for hyp in hyps:
            assert isinstance(hyp.text, str)
            # llama-cpp-python's server sends no logprobs (see above), so no score. A server that
            # does send them gives a finite mean log-probability (the stand-in tests below).
            assert hyp.score is None
        # The server accepted ``logprobs`` (no 400), so the engine still asks for them.
        assert engine.backend._logprobs is True


@pytest.mark.slow
def test_translator_uses_the_real_server_from_settings(
    llama_server: str, article_segments: list[Segment]
) -> None:
    source = article_segments[3].source  # the article's shortest sentence
    settings = Settings(openai_base_url=llama_server, openai_api_key=None)
    with Translator(model=f"openai:{MODEL_ALIAS}", settings=settings) as translator:
        assert isinstance(translator.engine, OpenAIEngine)
        result = translator.translate_document(source.encode("utf-8"))
    assert [t.source for t in result.translations] == [source]
    (translation,) = result.translations
    assert isinstance(translation.target, str)
    assert translation.engine == "openai" and translation.model == MODEL_ALIAS
    assert translation.score is None
    assert isinstance(result.output, str)


class Recording(httpx.HTTPTransport):
    """httpx's own transport, keeping the JSON of every request it sends."""

    def __init__(self) -> None:
        super().__init__()
        self.bodies: list[dict[str, Any]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(json.loads(request.content))
        return super().handle_request(request)


@pytest.mark.slow
def test_retrieved_examples_reach_the_real_server_after_its_cached_prefix(
    served: Served, article_segments: list[Segment]
) -> None:
    """The retrieve hook's pairs go out as one numbered exchange right after the fixed prefix,
    the answers come back, and the server finds the prefix in its cache on the next request."""
    pairs = [
        ("وقال المتحدث إن المحادثات مستمرة.", "The spokesman said the talks were continuing."),
        ("ورفض الوزير التعليق.", "The minister declined to comment."),
    ]
    asked: list[list[str]] = []

    def retrieve(texts: Sequence[str]) -> list[tuple[str, str]]:
        asked.append(list(texts))
        return pairs

    segments = [
        Segment(f"b{i}:0", f"b{i}", 0, s.source, 0, len(s.source))
        for i, s in enumerate(article_segments[9:11])
    ]
    transport = Recording()
    start = served.log.stat().st_size
    engine = OpenAIEngine(
        base_url=served.url, model=MODEL_ALIAS, timeout=60.0, chat_examples=2, transport=transport
    )
    with engine:
        hyps = engine.translate(segments, TranslationContext(retrieve=retrieve))
    assert len(hyps) == 2 and all(isinstance(h.text, str) for h in hyps)
    assert asked[:2] == [[segments[0].source], [segments[1].source]]
    first = transport.bodies[0]["messages"]
    assert first[:3] == fixed_messages()
    assert first[3:5] == [
        {"role": "user", "content": number_sentences([a for a, _ in reversed(pairs)])},
        {"role": "assistant", "content": number_sentences([e for _, e in reversed(pairs)])},
    ]
    assert all(body["messages"][:3] == fixed_messages() for body in transport.bodies)
    log = served.log.read_bytes()[start:].decode("utf-8", errors="replace")
    hits = [int(n) for n in re.findall(r"(\d+) prefix-match hit", log)]
    assert hits and max(hits) > 100  # the system message and built-in examples, not recomputed


# --- a stand-in for a remote endpoint ------------------------------------------------------


@dataclass
class Reply:
    """What the stand-in answers to one request."""

    status: int = 200
    body: bytes | dict[str, Any] = field(default_factory=dict)
    delay: float = 0.0


def ok(
    text: str = "The minister declined to comment.", logprobs: list[float] | None = None
) -> Reply:
    choice: dict[str, Any] = {
        "index": 0,
        "message": {"role": "assistant", "content": text},
        "finish_reason": "stop",
        "logprobs": None
        if logprobs is None
        else {"content": [{"token": "x", "logprob": lp} for lp in logprobs]},
    }
    return Reply(200, {"choices": [choice], "usage": {"completion_tokens": 7}})


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class StandIn:
    """A local HTTP server standing in for a remote OpenAI-compatible endpoint.

    ``answer`` maps each request (in arrival order) to a :class:`Reply`; every request is
    recorded in ``requests``.
    """

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.answer: Callable[[int, dict[str, Any]], Reply] = lambda n, body: ok()
        self.stopping = threading.Event()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                body = json.loads(raw or b"{}")
                n = len(stand_in.requests)
                stand_in.requests.append(Recorded(self.path, dict(self.headers), body))
                reply = stand_in.answer(n, body)
                if reply.delay and stand_in.stopping.wait(reply.delay):
                    return
                data = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body)
                payload = data.encode() if isinstance(data, str) else data
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up (a timeout test)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def script(self, *replies: Reply) -> None:
        """Answer with ``replies`` in turn, then keep repeating the last one."""
        self.answer = lambda n, body: replies[min(n, len(replies) - 1)]


@pytest.fixture
def stand_in() -> Iterator[StandIn]:
    server = StandIn()
    server.thread.start()
    yield server
    server.stopping.set()
    server.server.shutdown()
    server.server.server_close()


ONE = _segments(["ورفض الوزير التعليق."])


def _engine(url: str, **options: Any) -> OpenAIEngine:
    options = {"timeout": 5.0, "retries": 3, "backoff": 0.01, **options}
    return OpenAIEngine(base_url=url, model="stand-in", **options)


def test_a_503_is_retried_and_then_succeeds(stand_in: StandIn) -> None:
    stand_in.script(Reply(503, b"busy"), ok("The minister declined to comment.", [-0.5, -1.5]))
    with _engine(stand_in.url) as engine:
        hyps = engine.translate(ONE)
    assert [h.text for h in hyps] == ["The minister declined to comment."]
    score = hyps[0].score
    assert score is not None and math.isfinite(score) and score == pytest.approx(-1.0)
    assert len(stand_in.requests) == 2
    assert all(r.path == "/v1/chat/completions" for r in stand_in.requests)
    body = stand_in.requests[-1].body
    assert body["model"] == "stand-in" and body["temperature"] == 0
    assert body["messages"][-1] == {"role": "user", "content": "ورفض الوزير التعليق."}
    assert isinstance(body["max_tokens"], int) and body["max_tokens"] > 0


@pytest.mark.parametrize("retries", [0, 2])
def test_a_persistent_500_fails_after_the_configured_attempts(
    stand_in: StandIn, retries: int
) -> None:
    stand_in.script(Reply(500, b"model crashed"))
    with _engine(stand_in.url, retries=retries) as engine, pytest.raises(EngineError) as err:
        engine.translate(ONE)
    assert "500" in str(err.value) and "model crashed" in str(err.value)
    assert len(stand_in.requests) == retries + 1


def test_a_client_error_is_not_retried(stand_in: StandIn) -> None:
    stand_in.script(Reply(404, b"no such model"))
    with _engine(stand_in.url, retries=3) as engine, pytest.raises(EngineError, match="404"):
        engine.translate(ONE)
    # 404 with logprobs is not a logprobs refusal: one request, no retries.
    assert len(stand_in.requests) == 1


def test_a_server_slower_than_the_timeout_fails(stand_in: StandIn) -> None:
    stand_in.script(Reply(delay=5.0, body=ok().body))
    started = time.monotonic()
    engine = _engine(stand_in.url, timeout=0.5, retries=1)
    with engine, pytest.raises(EngineError, match=r"within 0\.5 s \(2 attempts\)"):
        engine.translate(ONE)
    assert len(stand_in.requests) == 2  # a timeout is transient: tried once more
    assert time.monotonic() - started < 3.0


def test_a_closed_port_cannot_be_reached() -> None:
    url = f"http://127.0.0.1:{_free_port()}/v1"
    with _engine(url, retries=1) as engine, pytest.raises(EngineError, match="cannot reach"):
        engine.translate(ONE)


def test_an_endpoint_refusing_logprobs_is_asked_without_them(stand_in: StandIn) -> None:
    def answer(n: int, body: dict[str, Any]) -> Reply:
        if "logprobs" in body:
            return Reply(400, {"error": {"message": "logprobs is not supported"}})
        return ok()

    stand_in.answer = answer
    with _engine(stand_in.url) as engine:
        first = engine.translate(ONE)
        second = engine.translate(ONE)
    assert first == second
    assert [h.text for h in first] == ["The minister declined to comment."]
    assert first[0].score is None
    # Asked with logprobs, refused, asked again without; the next call does not ask at all.
    assert ["logprobs" in r.body for r in stand_in.requests] == [True, False, False]


def test_a_bad_request_that_is_not_about_logprobs_keeps_logprobs(stand_in: StandIn) -> None:
    stand_in.script(Reply(400, b"bad stop sequence"), Reply(400, b"bad stop sequence"), ok())
    with _engine(stand_in.url) as engine:
        with pytest.raises(EngineError, match="400"):
            engine.translate(ONE)
        engine.translate(ONE)
    # The 400 came back without logprobs too, so they were not the trouble: still asked for.
    assert ["logprobs" in r.body for r in stand_in.requests] == [True, False, True]


@pytest.mark.parametrize(
    "body",
    [
        b"<html>502 Bad Gateway</html>",
        b'{"choices": [{"message": {"role": "assis',
        b'{"object": "error"}',
        b'{"choices": []}',
        b'{"choices": [{"message": {"content": ["not", "text"]}}]}',
        b"[1, 2, 3]",
    ],
)
def test_a_malformed_answer_is_an_engine_error(stand_in: StandIn, body: bytes) -> None:
    stand_in.script(Reply(200, body))
    with _engine(stand_in.url) as engine, pytest.raises(EngineError, match="answer"):
        engine.translate(ONE)
    assert len(stand_in.requests) == 1


def test_the_api_key_is_sent_as_a_bearer_token(stand_in: StandIn) -> None:
    with _engine(stand_in.url, api_key="sk-test-123") as engine:
        engine.translate(ONE)
    with _engine(stand_in.url) as engine:
        engine.translate(ONE)
    assert stand_in.requests[0].headers.get("Authorization") == "Bearer sk-test-123"
    assert "Authorization" not in stand_in.requests[1].headers


def test_translator_passes_settings_to_the_engine(stand_in: StandIn) -> None:
    settings = Settings(openai_base_url=stand_in.url, openai_api_key="sk-settings")
    with Translator(model="openai:remote-model", settings=settings) as translator:
        assert translator.translate("ورفض الوزير التعليق.") == "The minister declined to comment."
    (request,) = stand_in.requests
    assert request.headers.get("Authorization") == "Bearer sk-settings"
    assert request.body["model"] == "remote-model"


def test_odd_logprobs_are_ignored_not_fatal(stand_in: StandIn) -> None:
    choice = ok().body["choices"][0]  # type: ignore[index]
    choice["logprobs"] = {"content": [{"logprob": None}, {"logprob": "x"}, {"token": "a"}]}
    stand_in.script(Reply(200, {"choices": [choice], "usage": {"completion_tokens": "many"}}))
    with _engine(stand_in.url) as engine:
        (hyp,) = engine.translate(ONE)
    assert hyp.text == "The minister declined to comment." and hyp.score is None


def test_open_engine_finds_it_and_checks_its_options() -> None:
    engine = open_engine("openai", None, model="m", base_url="http://127.0.0.1:1/v1")
    assert isinstance(engine, OpenAIEngine) and engine.model_id == "m"
    engine.close()
    with pytest.raises(EngineError, match="model name"):
        OpenAIEngine(base_url="http://127.0.0.1:1/v1")
    with pytest.raises(EngineError, match="retries"):
        OpenAIEngine(base_url="http://127.0.0.1:1/v1", model="m", retries=-1)


def _cut(text: str = "The minister declined") -> Reply:
    """An answer that stopped at ``max_tokens``."""
    reply = ok(text)
    reply.body["choices"][0]["finish_reason"] = "length"  # type: ignore[index]
    return reply


def test_an_answer_cut_by_max_tokens_is_flagged_not_taken(stand_in: StandIn) -> None:
    stand_in.script(_cut())
    with _engine(stand_in.url) as engine:
        (hyp,) = engine.translate(ONE)
    assert hyp.flags == (TRUNCATED,)
    assert len(stand_in.requests) == 1  # asking the same again would be cut again


def test_a_request_refused_as_too_long_for_the_context_is_a_cut_short_answer(
    stand_in: StandIn,
) -> None:
    stand_in.script(Reply(400, {"error": {"message": "Requested tokens exceed context window"}}))
    with _engine(stand_in.url) as engine:
        (hyp,) = engine.translate(ONE)
    assert hyp.flags == (TRUNCATED,)


def test_the_budget_follows_the_context_window_setting(stand_in: StandIn) -> None:
    with _engine(stand_in.url, context_window=1024) as small, _engine(stand_in.url) as large:
        assert small.capabilities.input_budget is not None
        assert large.capabilities.input_budget is not None
        assert 16 < small.capabilities.input_budget < large.capabilities.input_budget
        assert small.capabilities.name_hints and small.capabilities.second_opinion
    settings = Settings(openai_base_url=stand_in.url, openai_context_window=1024)
    with Translator(model="openai:m", settings=settings) as translator:
        assert translator.engine.capabilities == small.capabilities


def test_a_sentence_whose_answers_keep_getting_cut_is_asked_for_in_smaller_pieces(
    stand_in: StandIn,
) -> None:
    """The stand-in cuts every answer to a request longer than 80 characters: the pipeline
    halves the sentence until its pieces are answered whole, and joins them back."""

    def answer(n: int, body: dict[str, Any]) -> Reply:
        text = body["messages"][-1]["content"]
        return _cut() if len(text) > 80 else ok(f"Part {n}.")

    stand_in.answer = answer
    source = (
        "وقال المتحدث باسم الحكومة إن المفاوضات مستمرة بين الطرفين منذ أشهر طويلة "
        "وإن الجولة المقبلة ستعقد في العاصمة بعد انتهاء المشاورات الجارية مع الوسطاء"
    )
    settings = Settings(openai_base_url=stand_in.url)
    with Translator(model="openai:m", settings=settings) as translator:
        result = translator.translate_document(source.encode("utf-8"))
    (translation,) = result.translations
    assert TRUNCATED not in translation.flags
    parts = re.findall(r"Part \d+\.", translation.target)
    assert len(parts) > 1 and translation.target == " ".join(parts)
    assert (translation.start, translation.end) == (0, len(source))
    asked = [r.body["messages"][-1]["content"] for r in stand_in.requests]
    answered = "".join(text for text in asked if len(text) <= 80).replace(" ", "")
    # the pieces answered whole are the sentence (then again, if a second opinion was asked)
    assert answered.startswith(source.replace(" ", ""))


# --- retrieved examples ----------------------------------------------------------------------

RETRIEVED = [
    ("رفض المتحدث التعليق على الخبر.", "The spokesman declined to comment on the report."),
    ("ورفض الوزير التعليق.", "(the sentence itself: never shown)"),
    ("ورفض الرئيس التعليق.", "The president declined to comment."),
    ("رفضت الوزارة التعليق.", "The ministry declined to comment."),
    ("وامتنع الوزير عن الرد.", "The minister did not answer."),
]


def test_retrieved_examples_are_one_numbered_exchange_best_last(stand_in: StandIn) -> None:
    asked: list[list[str]] = []

    def retrieve(texts: Sequence[str]) -> list[tuple[str, str]]:
        asked.append(list(texts))
        return RETRIEVED

    with _engine(stand_in.url, chat_examples=3) as engine:
        engine.translate(ONE, TranslationContext(retrieve=retrieve))
    assert asked == [["ورفض الوزير التعليق."]]
    (request,) = stand_in.requests
    messages = request.body["messages"]
    assert messages[:3] == fixed_messages()  # the prefix first, unchanged
    shown = [RETRIEVED[3], RETRIEVED[2], RETRIEVED[0]]  # the best three but itself, best last
    assert messages[3:] == [
        {"role": "user", "content": number_sentences([a for a, _ in shown])},
        {"role": "assistant", "content": number_sentences([e for _, e in shown])},
        {"role": "user", "content": "ورفض الوزير التعليق."},
    ]


def test_a_paragraph_asks_once_with_all_its_sentences(stand_in: StandIn) -> None:
    stand_in.script(ok("[1] The minister declined to comment.\n[2] The talks resumed."))
    asked: list[list[str]] = []

    def retrieve(texts: Sequence[str]) -> list[tuple[str, str]]:
        asked.append(list(texts))
        return RETRIEVED[:1]

    with _engine(stand_in.url, chat_examples=3) as engine:
        hyps = engine.translate(
            _segments(["ورفض الوزير التعليق.", "واستؤنفت المحادثات."]),
            TranslationContext(retrieve=retrieve),
        )
    assert [h.text for h in hyps] == ["The minister declined to comment.", "The talks resumed."]
    assert asked == [["ورفض الوزير التعليق.", "واستؤنفت المحادثات."]]
    messages = stand_in.requests[0].body["messages"]
    assert messages[3]["content"] == "[1] " + RETRIEVED[0][0]
    assert messages[-1]["content"] == "[1] ورفض الوزير التعليق.\n[2] واستؤنفت المحادثات."
    assert stand_in.requests[0].body["stop"] == ["\n[3]"]  # a run-on third line ends the answer


def test_no_retrieved_examples_when_the_setting_is_zero(stand_in: StandIn) -> None:
    asked: list[Sequence[str]] = []
    context = TranslationContext(retrieve=lambda texts: asked.append(texts) or RETRIEVED)
    with _engine(stand_in.url, chat_examples=0) as engine:
        assert engine.prompt_version != _engine(stand_in.url, chat_examples=3).prompt_version
        engine.translate(ONE, context)
    assert asked == []
    assert len(stand_in.requests[0].body["messages"]) == len(fixed_messages()) + 1


def test_retrieved_examples_go_first_when_the_window_is_tight(stand_in: StandIn) -> None:
    """Long examples that do not fit are dropped before the running context is."""
    long_pairs = [
        ((f"جملة طويلة رقم {i} " * 60).strip(), (f"Long sentence number {i} " * 40).strip())
        for i in range(3)
    ]
    paragraphs = [*_segments(["ورفض الوزير التعليق."], "p1"), *_segments(["وغادر."], "p2")]
    context = TranslationContext(retrieve=lambda texts: long_pairs)
    with _engine(stand_in.url, chat_examples=3, context_window=1000) as engine:
        engine.translate(paragraphs, context)
    first, second = (r.body["messages"] for r in stand_in.requests)
    assert first == [*fixed_messages(), {"role": "user", "content": "ورفض الوزير التعليق."}]
    assert second[3:] == [
        {"role": "user", "content": "ورفض الوزير التعليق."},  # the context is kept
        {"role": "assistant", "content": "The minister declined to comment."},
        {"role": "user", "content": "وغادر."},
    ]
    with _engine(stand_in.url, chat_examples=3, context_window=8192) as roomy:
        roomy.translate(paragraphs[:1], context)
    assert number_sentences([a for a, _ in reversed(long_pairs)]) in [
        m["content"] for m in stand_in.requests[-1].body["messages"]
    ]


def test_a_failing_retrieval_costs_the_examples_not_the_translation(
    stand_in: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    def retrieve(texts: Sequence[str]) -> list[tuple[str, str]]:
        raise StorageError("the memory database is locked")

    with _engine(stand_in.url) as engine, caplog.at_level("WARNING"):
        (hyp,) = engine.translate(ONE, TranslationContext(retrieve=retrieve))
    assert hyp.text == "The minister declined to comment."
    assert len(stand_in.requests[0].body["messages"]) == len(fixed_messages()) + 1
    assert "no retrieved examples for this paragraph: the memory database is locked" in caplog.text


def test_a_retrieved_example_is_one_line_of_the_numbered_exchange(stand_in: StandIn) -> None:
    pairs = [("قال المتحدث\nإن المحادثات مستمرة.", "The spokesman said\n the talks went on.")]
    with _engine(stand_in.url, chat_examples=3) as engine:
        engine.translate(ONE, TranslationContext(retrieve=lambda texts: pairs))
    messages = stand_in.requests[0].body["messages"]
    assert messages[3:5] == [
        {"role": "user", "content": "[1] قال المتحدث إن المحادثات مستمرة."},
        {"role": "assistant", "content": "[1] The spokesman said the talks went on."},
    ]


@pytest.mark.parametrize("history", [0, 1])
def test_the_running_context_follows_chat_history(stand_in: StandIn, history: int) -> None:
    """With ``chat_history=0`` no earlier paragraph (nor, when a paragraph's answer does not
    line up, no earlier sentence of it) is shown; with 1, the one before."""
    stand_in.script(ok("The minister declined to comment."))  # never lines up as [1] [2]
    paragraphs = [
        *_segments(["ورفض الوزير التعليق."], "p1"),
        *_segments(["وغادر.", "ثم عاد."], "p2"),
    ]
    with _engine(stand_in.url, chat_history=history) as engine:
        engine.translate(paragraphs)
    contexts = [len(r.body["messages"]) - len(fixed_messages()) - 1 for r in stand_in.requests]
    # p1; p2 numbered; then p2's sentences one by one
    assert contexts == ([0, 0, 0, 0] if history == 0 else [0, 2, 2, 4])


# --- the conversation: each request extends the one before -----------------------------------


def _answering(replies: list[str]) -> Callable[[int, dict[str, Any]], Reply]:
    """English for every sentence a request asks for (numbered when it is numbered), each answer
    kept in ``replies``."""

    def answer(n: int, body: dict[str, Any]) -> Reply:
        text = body["messages"][-1]["content"].split("Text:\n")[-1]
        numbers = re.findall(r"^\[(\d+)\] ", text, re.MULTILINE)
        reply = "\n".join(f"[{i}] Sentence {i} of request {n}." for i in numbers)
        replies.append(reply or f"The sentence of request {n}.")
        return ok(replies[-1])

    return answer


def _extends(before: list[dict[str, str]], after: list[dict[str, str]], reply: str) -> bool:
    return after[: len(before) + 1] == [*before, {"role": "assistant", "content": reply}]


def test_each_request_extends_the_one_before_with_its_answer(stand_in: StandIn) -> None:
    """A document is one conversation: paragraph i is asked after paragraphs 1..i-1 exactly as
    they were sent (their retrieved examples and requests) and answered, then its own examples
    and request, so a server's prefix cache holds all but the newest paragraph."""
    replies: list[str] = []
    stand_in.answer = _answering(replies)
    paragraphs = [
        *_segments(["ورفض الوزير التعليق."], "p1"),
        *_segments(["وغادر.", "ثم عاد."], "p2"),
        *_segments(["واستؤنفت المحادثات."], "p3"),
    ]
    with _engine(stand_in.url, chat_examples=2) as engine:
        hyps = engine.translate(paragraphs, TranslationContext(retrieve=lambda t: RETRIEVED))
    assert [h.text for h in hyps] == [
        "The sentence of request 0.", "Sentence 1 of request 1.", "Sentence 2 of request 1.",
        "The sentence of request 2.",
    ]  # fmt: skip
    bodies = [r.body["messages"] for r in stand_in.requests]
    assert len(bodies) == 3
    for before, after, reply in zip(bodies, bodies[1:], replies, strict=False):
        assert _extends(before, after, reply)
        # then this paragraph's own retrieved examples (one exchange), then its request
        assert [m["role"] for m in after[len(before) + 1 :]] == ["user", "assistant", "user"]
        assert after[len(before) + 1]["content"].startswith("[1] ")
    assert bodies[1][-1]["content"] == "[1] وغادر.\n[2] ثم عاد."
    assert bodies[2][-1] == {"role": "user", "content": "واستؤنفت المحادثات."}


def test_a_paragraph_asked_sentence_by_sentence_joins_in_numbered_form(stand_in: StandIn) -> None:
    """When a paragraph's numbered answer does not line up, its sentences are asked one by one
    (each after the ones before), and the paragraph enters the conversation as its numbered
    request answered with their English, the form the next paragraph is asked in."""

    def answer(n: int, body: dict[str, Any]) -> Reply:
        asked = body["messages"][-1]["content"]
        return ok("[1] Both merged." if asked.startswith("[1]") else f"English {n}.")

    stand_in.answer = answer
    paragraphs = [*_segments(["وغادر.", "ثم عاد."], "p1"), *_segments(["وانتهى."], "p2")]
    with _engine(stand_in.url, chat_examples=0) as engine:
        hyps = engine.translate(paragraphs)
    assert [h.text for h in hyps] == ["English 1.", "English 2.", "English 3."]
    numbered, first, second, last = (r.body["messages"] for r in stand_in.requests)
    assert first == [*numbered[:-1], {"role": "user", "content": "وغادر."}]
    assert _extends(first, second, "English 1.")
    assert last[3:] == [
        {"role": "user", "content": "[1] وغادر.\n[2] ثم عاد."},
        {"role": "assistant", "content": "[1] English 1.\n[2] English 2."},
        {"role": "user", "content": "وانتهى."},
    ]


def test_a_full_window_drops_the_oldest_half_of_the_conversation_at_once(
    stand_in: StandIn,
) -> None:
    """The conversation grows until the window is full; then half of it goes at once (never
    the fixed prefix), so the cache is rebuilt rarely, and every request fits."""
    replies: list[str] = []
    stand_in.answer = _answering(replies)
    texts = [f"وقال المتحدث باسم الوزارة إن الاجتماع رقم {i} انتهى دون اتفاق." for i in range(16)]
    paragraphs = [s for i, t in enumerate(texts) for s in _segments([t], f"p{i}")]
    with _engine(stand_in.url, chat_examples=0, context_window=800) as engine:
        engine.translate(paragraphs)
        count = engine.backend.count_tokens
    bodies = [r.body["messages"] for r in stand_in.requests]
    assert len(bodies) == 16
    restarts = 0
    for before, after, reply in zip(bodies, bodies[1:], replies, strict=False):
        assert after[:3] == fixed_messages()
        if _extends(before, after, reply):
            continue
        restarts += 1
        kept, grown = after[3:-1], [*before[3:], {"role": "assistant", "content": reply}]
        assert kept == grown[len(grown) - len(kept) :]  # the newest turns, as they were
        assert len(kept) // 2 <= len(grown) // 4  # half of the turns (or more) went
    assert 1 <= restarts <= 4
    for messages, body in zip(bodies, stand_in.requests, strict=True):
        used = sum(count(m["content"]) + 8 for m in messages) + body.body["max_tokens"]
        assert used <= 800


def test_chat_history_keeps_at_most_that_many_paragraphs(stand_in: StandIn) -> None:
    """``chat_history=3``: never more than three earlier paragraphs; past them, the oldest
    half goes at once (the newest two stay), so most requests still extend the one before."""
    replies: list[str] = []
    stand_in.answer = _answering(replies)
    paragraphs = [s for i in range(8) for s in _segments([f"وغادر الوفد رقم {i}."], f"p{i}")]
    with _engine(stand_in.url, chat_examples=0, chat_history=3) as engine:
        engine.translate(paragraphs)
    turns = [(len(r.body["messages"]) - 4) // 2 for r in stand_in.requests]
    assert turns == [0, 1, 2, 3, 2, 3, 2, 3]


def test_the_second_opinion_asks_each_doubtful_sentence_without_the_conversation(
    stand_in: StandIn,
) -> None:
    """A sentence asked again carefully is asked after the fixed prefix alone: the document's
    other doubtful sentences are no context for it (and cost tokens)."""
    zelensky = "قال الرئيس الأوكراني فولوديمير زيلينسكي يوم الثلاثاء إن 3 أشخاص قتلوا."

    def answer(n: int, body: dict[str, Any]) -> Reply:
        asked = body["messages"][-1]["content"]
        if "زيلينسكي" not in asked:
            return ok("The minister declined to comment.")
        if asked.startswith(CAREFUL_RULE):
            return ok("Ukrainian President Volodymyr Zelensky said on Tuesday 3 were killed.")
        return ok("President Obama said on Tuesday that 3 people were killed.")  # invented

    stand_in.answer = answer
    source = f"{zelensky}\n\nورفض الوزير التعليق.\n\n{zelensky}\n"
    settings = Settings(openai_base_url=stand_in.url, chat_examples=0)
    with Translator(model="openai:m", settings=settings) as translator:
        result = translator.translate_document(source.encode("utf-8"))
    assert [t.target.split()[0] for t in result.translations] == ["Ukrainian", "The", "Ukrainian"]
    careful = [r.body["messages"] for r in stand_in.requests[3:]]
    assert len(careful) == 2
    for messages in careful:
        assert messages[:3] == fixed_messages() and len(messages) == 4
        assert messages[-1]["content"].startswith(CAREFUL_RULE)


def test_the_translator_gives_its_engine_its_own_chat_settings(stand_in: StandIn) -> None:
    """Settings passed to a Translator reach the engine it opens (not only the process's)."""
    paragraphs = "ورفض الوزير التعليق.\n\nوغادر.\n"
    settings = Settings(openai_base_url=stand_in.url, chat_examples=0, chat_history=0)
    with Translator(model="openai:m", settings=settings) as translator:
        assert isinstance(translator.engine, OpenAIEngine)
        assert translator.engine.prompt_version == prompt_version(retrieved=0, history=0)
        translator.translate_document(paragraphs.encode("utf-8"))
    assert [len(r.body["messages"]) for r in stand_in.requests] == [4, 4]
