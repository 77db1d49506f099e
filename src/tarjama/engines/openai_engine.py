"""Any OpenAI-compatible chat endpoint (Ollama, vLLM, llama.cpp server, LM Studio …) over HTTP.

Servers differ in what they support: some return token log-probabilities, some reject the
``logprobs`` field, some have no tokenizer endpoint. We ask for log-probabilities once and stop
asking when refused, and estimate token counts from characters.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from tenacity import (
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from tarjama.document import Segment
from tarjama.engines.base import Hypothesis, TranslationContext, register_engine
from tarjama.engines.chat import ChatTranslator, Completion, Message
from tarjama.errors import EngineError

__all__ = ["OpenAIChatBackend", "OpenAIEngine"]

logger = logging.getLogger(__name__)


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, httpx.TransportError):
        return True
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code in (408, 429, 500, 502, 503, 504)
    return False


class OpenAIChatBackend:
    """The ``/chat/completions`` call, with timeouts and retries on transient failures."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout: float = 120.0,
        retries: int = 4,
        context_window: int = 8192,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=10.0),
            transport=transport,
        )
        self.model_id = model
        self.context_window = context_window
        self._logprobs = True
        self._post = retry(
            retry=retry_if_exception(_retryable),
            stop=stop_after_attempt(retries),
            wait=wait_exponential(multiplier=0.5, max=8),
            reraise=True,
        )(self._post_once)

    def _post_once(self, payload: dict[str, Any]) -> dict[str, Any]:
        response = self._client.post("chat/completions", json=payload)
        response.raise_for_status()
        data: dict[str, Any] = response.json()
        return data

    def complete(self, messages: Sequence[Message], *, max_tokens: int) -> Completion:
        payload: dict[str, Any] = {
            "model": self.model_id,
            "messages": list(messages),
            "temperature": 0,
            "max_tokens": max_tokens,
        }
        if self._logprobs:
            payload["logprobs"] = True
        try:
            try:
                data = self._post(payload)
            except httpx.HTTPStatusError as exc:
                if not (self._logprobs and exc.response.status_code in (400, 422)):
                    raise
                logger.info("endpoint refused logprobs; asking without them from now on")
                self._logprobs = False
                payload.pop("logprobs")
                data = self._post(payload)
        except httpx.HTTPStatusError as exc:
            body = exc.response.text[:200]
            raise EngineError(
                f"{self._client.base_url} answered {exc.response.status_code}: {body}"
            ) from exc
        except httpx.HTTPError as exc:
            raise EngineError(f"cannot reach {self._client.base_url}: {exc}") from exc
        try:
            choice = data["choices"][0]
            text = choice["message"]["content"] or ""
        except (KeyError, IndexError, TypeError) as exc:
            raise EngineError(f"unexpected answer from the endpoint: {str(data)[:200]}") from exc
        return Completion(text=text, score=_mean_logprob(choice), tokens=_completion_tokens(data))

    def count_tokens(self, text: str) -> int:
        # No portable tokenizer endpoint: about 3 characters a token is a safe overestimate
        # for Arabic and English on today's vocabularies.
        return max(1, math.ceil(len(text) / 3))

    def close(self) -> None:
        self._client.close()


def _mean_logprob(choice: dict[str, Any]) -> float | None:
    content = (choice.get("logprobs") or {}).get("content") or []
    values = [item["logprob"] for item in content if isinstance(item, dict) and "logprob" in item]
    return sum(values) / len(values) if values else None


def _completion_tokens(data: dict[str, Any]) -> int:
    usage = data.get("usage") or {}
    return int(usage.get("completion_tokens") or 0)


@register_engine("openai")
class OpenAIEngine:
    """A document engine backed by a remote chat model."""

    name = "openai"

    def __init__(
        self,
        model_path: Path | str | None = None,
        *,
        base_url: str = "http://127.0.0.1:11434/v1",
        model: str | None = None,
        api_key: str | None = None,
        timeout: float = 120.0,
        retries: int = 4,
        context_window: int = 8192,
        **_: Any,
    ) -> None:
        model_name = model or (str(model_path) if model_path else "")
        if not model_name:
            raise EngineError("the openai engine needs a model name (openai:MODEL)")
        self.backend = OpenAIChatBackend(
            base_url,
            model_name,
            api_key=api_key,
            timeout=timeout,
            retries=retries,
            context_window=context_window,
        )
        self.model_id = model_name
        self._chat = ChatTranslator(self.backend)

    def translate(
        self, segments: Sequence[Segment], context: TranslationContext | None = None
    ) -> list[Hypothesis]:
        return self._chat.translate(segments, context)

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> OpenAIEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
