"""Any OpenAI-compatible chat endpoint (Ollama, vLLM, llama.cpp server, LM Studio …) over HTTP.

Servers differ in what they support: some return token log-probabilities, some reject the
``logprobs`` field, some have no tokenizer endpoint. We ask for log-probabilities and stop asking
once a server refuses them (400/422 on a request that then succeeds without them), and estimate
token counts from characters. Some servers accept ``logprobs`` and answer ``"logprobs": null``
(llama-cpp-python's server does, unless ``top_logprobs`` is also sent, which costs it a sort of
the whole vocabulary per token): the hypotheses then have no score.

Transient failures (connection errors, timeouts, 408/429/5xx) are retried ``retries`` times with
exponential backoff (``backoff`` seconds, doubling, at most 8 s); every failure that reaches the
caller is an :class:`~tarjama.errors.EngineError`.

The context window is a setting (``context_window``, ``TARJAMA_OPENAI_CONTEXT_WINDOW``): no
portable route tells a client how large a served model's window is. An answer cut by its
token limit (``finish_reason: "length"``) and a request the server refuses as too long for its
context (a 400 that says so) come back as truncated completions, which the chat logic and the
pipeline answer by cutting the text smaller, never by accepting half a translation.

Every request starts with the same fixed prefix (system message and built-in examples, see
:mod:`tarjama.engines.chat_prompt`), and what varies (retrieved examples, running context, the
careful rule, name hints, the text) comes after it, so a server that keeps the common prompt
prefix (llama.cpp's server, ``llama_cpp.server``, vLLM's prefix caching) computes it once.

A server that batches (vLLM, Ollama, llama.cpp's server) is fastest with several requests in
flight, so the engine keeps up to ``parallel`` (``TARJAMA_OPENAI_PARALLEL``, default 4): the
paragraphs of a document translated without its running context go out together, and the
engine declares ``parallel`` in its capabilities, so a corpus job translates that many documents
at once. The client is thread-safe and holds that many connections open.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
from tenacity import (
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
    wait_none,
)

from tarjama.document import Segment
from tarjama.engines.base import Capabilities, Hypothesis, TranslationContext, register_engine
from tarjama.engines.chat import ChatTranslator, Completion, Message
from tarjama.errors import EngineError
from tarjama.settings import get_settings

__all__ = ["OpenAIChatBackend", "OpenAIEngine"]

logger = logging.getLogger(__name__)


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, httpx.UnsupportedProtocol):
        return False  # a base URL without http(s)://: trying again cannot help
    if isinstance(exc, httpx.TransportError):
        return True
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code in (408, 429, 500, 502, 503, 504)
    return False


class OpenAIChatBackend:
    """The ``/chat/completions`` call, with timeouts and retries on transient failures.

    ``timeout`` bounds each request (connecting: at most 10 s); ``retries`` is how many times a
    transient failure is tried again (so ``retries + 1`` attempts in all); ``backoff`` is the
    first wait between attempts, doubled each time up to 8 s. ``parallel`` requests may be in
    flight at once, from as many threads (connections kept open for them).
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout: float = 120.0,
        retries: int = 3,
        backoff: float = 0.5,
        context_window: int = 8192,
        parallel: int = 1,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if timeout <= 0:
            raise EngineError(f"the openai engine's timeout must be positive, not {timeout}")
        if retries < 0:
            raise EngineError(f"the openai engine's retries cannot be negative ({retries})")
        if parallel < 1:
            raise EngineError(f"the openai engine's parallel must be at least 1, not {parallel}")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            # httpx's own limits (100, 20 kept open), raised if ``parallel`` asks for more.
            limits=httpx.Limits(
                max_connections=max(parallel, 100), max_keepalive_connections=max(parallel, 20)
            ),
            transport=transport,
        )
        self.model_id = model
        self.context_window = context_window
        self.timeout = timeout
        self.retries = retries
        self._logprobs = True
        self._post = retry(
            retry=retry_if_exception(_retryable),
            stop=stop_after_attempt(retries + 1),
            wait=wait_exponential(multiplier=backoff, max=8) if backoff > 0 else wait_none(),
            reraise=True,
        )(self._post_once)

    @property
    def url(self) -> str:
        return str(self._client.base_url.join("chat/completions"))

    def _post_once(self, payload: dict[str, Any]) -> httpx.Response:
        response = self._client.post("chat/completions", json=payload)
        response.raise_for_status()
        return response

    def _request(self, payload: dict[str, Any]) -> httpx.Response:
        """POST with retries; the first 400/422 while asking for logprobs drops them."""
        try:
            return self._post(payload)
        except httpx.HTTPStatusError as exc:
            if not ("logprobs" in payload and exc.response.status_code in (400, 422)):
                raise
            response = self._post({k: v for k, v in payload.items() if k != "logprobs"})
            # Only now is it clear that logprobs were the trouble, not the request itself.
            logger.info("%s refused logprobs; asking without them from now on", self.url)
            self._logprobs = False
            return response

    def complete(
        self, messages: Sequence[Message], *, max_tokens: int, stop: Sequence[str] = ()
    ) -> Completion:
        payload: dict[str, Any] = {
            "model": self.model_id,
            "messages": list(messages),
            "temperature": 0,
            "max_tokens": max_tokens,
        }
        if stop:
            payload["stop"] = list(stop)
        if self._logprobs:
            payload["logprobs"] = True
        try:
            response = self._request(payload)
        except httpx.HTTPStatusError as exc:
            body = exc.response.text[:200]
            if exc.response.status_code == 400 and "context" in body.lower():
                # llama.cpp, vLLM and OpenAI all say "context" when a prompt is too long
                logger.info("%s: the request does not fit the context: %s", self.url, body)
                return Completion("", truncated=True)
            raise EngineError(f"{self.url} answered {exc.response.status_code}: {body}") from exc
        except httpx.TimeoutException as exc:
            attempts = self.retries + 1
            raise EngineError(
                f"no answer from {self.url} within {self.timeout:g} s "
                f"({attempts} attempt{'s' if attempts > 1 else ''})"
            ) from exc
        except httpx.HTTPError as exc:
            raise EngineError(f"cannot reach {self.url}: {exc}") from exc
        return _parse_completion(response, self.url)

    def count_tokens(self, text: str) -> int:
        # No portable tokenizer endpoint: about 3 characters a token is a safe overestimate
        # for Arabic and English on today's vocabularies.
        return max(1, math.ceil(len(text) / 3))

    def close(self) -> None:
        self._client.close()


def _parse_completion(response: httpx.Response, url: str) -> Completion:
    """The first choice of an answer, or an :class:`EngineError` that shows what came back."""
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise EngineError(
            f"{url} answered something that is not JSON: {response.text[:200]!r}"
        ) from exc
    try:
        choice = data["choices"][0]
        text = choice["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise EngineError(f"unexpected answer from {url}: {str(data)[:200]}") from exc
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise EngineError(f"unexpected answer from {url}: content is {type(text).__name__}")
    return Completion(
        text=text,
        score=_mean_logprob(choice),
        tokens=_completion_tokens(data),
        truncated=choice.get("finish_reason") == "length",
    )


def _mean_logprob(choice: dict[str, Any]) -> float | None:
    """Mean token log-probability of the answer, or ``None`` when the server gave none."""
    logprobs = choice.get("logprobs")
    content = logprobs.get("content") if isinstance(logprobs, dict) else None
    if not isinstance(content, list):
        return None
    values = [
        float(item["logprob"])
        for item in content
        if isinstance(item, dict)
        and isinstance(item.get("logprob"), (int, float))
        and not isinstance(item["logprob"], bool)
        and math.isfinite(item["logprob"])
    ]
    return min(0.0, sum(values) / len(values)) if values else None


def _completion_tokens(data: dict[str, Any]) -> int:
    usage = data.get("usage")
    tokens = usage.get("completion_tokens") if isinstance(usage, dict) else None
    return tokens if isinstance(tokens, int) and tokens >= 0 else 0


@register_engine("openai")
class OpenAIEngine:
    """A document engine backed by a remote chat model."""

    name = "openai"
    # Like every chat engine: only format ranges hidden, names and dates told, a second opinion
    # on wrong facts; the budget follows ``context_window`` (set when the engine opens).
    capabilities: Capabilities = Capabilities(name_hints=True, second_opinion=True)

    def __init__(
        self,
        model_path: Path | str | None = None,
        *,
        base_url: str = "http://127.0.0.1:11434/v1",
        model: str | None = None,
        api_key: str | None = None,
        timeout: float = 120.0,
        retries: int = 3,
        backoff: float = 0.5,
        context_window: int = 8192,
        parallel: int = 4,
        chat_examples: int | None = None,
        chat_history: int | None = None,
        transport: httpx.BaseTransport | None = None,
        **_: Any,
    ) -> None:
        """``chat_examples`` and ``chat_history`` default to the settings of the same names;
        ``transport`` is httpx's (a proxy's, or one that records what is sent)."""
        model_name = model or (str(model_path) if model_path else "")
        if not model_name:
            raise EngineError("the openai engine needs a model name (openai:MODEL)")
        self.backend = OpenAIChatBackend(
            base_url,
            model_name,
            api_key=api_key,
            timeout=timeout,
            retries=retries,
            backoff=backoff,
            context_window=context_window,
            parallel=parallel,
            transport=transport,
        )
        self.model_id = model_name
        self._chat = ChatTranslator(
            self.backend,
            parallel=parallel,
            retrieved_examples=(
                get_settings().chat_examples if chat_examples is None else chat_examples
            ),
            history_paragraphs=get_settings().chat_history
            if chat_history is None
            else chat_history,
        )
        self.capabilities = replace(
            type(self).capabilities, input_budget=self._chat.budget, parallel=parallel
        )
        self.prompt_version = self._chat.prompt_version  # part of the memory's key

    def translate(
        self, segments: Sequence[Segment], context: TranslationContext | None = None
    ) -> list[Hypothesis]:
        return self._chat.translate(segments, context)

    def count_tokens(self, text: str) -> int:
        return self.backend.count_tokens(text)

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> OpenAIEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
