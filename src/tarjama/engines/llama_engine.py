"""GGUF chat models in process, through llama-cpp-python.

We drive generation ourselves (greedy, token by token) rather than through
``create_chat_completion`` for two reasons: the log-probability of each chosen token gives a
translation score without ``logits_all`` (which would slow every prompt), and the fixed start of
every prompt (system text and examples) stays in the KV cache between requests.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import numpy as np

from tarjama.document import Segment
from tarjama.engines.base import Capabilities, Hypothesis, TranslationContext, register_engine
from tarjama.engines.chat import ChatTranslator, Completion, Message
from tarjama.errors import ModelError

__all__ = ["LlamaChatBackend", "LlamaEngine"]

logger = logging.getLogger(__name__)

# A GGUF with no chat template is a base model: give it the chat as a plain few-shot text,
# which base models continue well, and stop where the next example would begin.
_PLAIN = (
    "{% for m in messages %}{% if m.role == 'system' %}{{ m.content }}\n\n"
    "{% elif m.role == 'user' %}Arabic: {{ m.content }}\n"
    "{% else %}English: {{ m.content }}\n\n{% endif %}{% endfor %}English:"
)
_PLAIN_STOPS = ("\n\n", "\nArabic:", "\nEnglish:")
_END_MARKERS = ("<|im_end|>", "<end_of_turn>", "<|eot_id|>", "<|endoftext|>", "</s>")


class LlamaChatBackend:
    """Greedy chat completion on a llama.cpp model, with per-token log-probabilities."""

    def __init__(
        self, model_path: Path, *, n_ctx: int = 4096, threads: int = 0, seed: int = 0
    ) -> None:
        try:
            import llama_cpp
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter
        except ImportError as exc:
            raise ModelError(
                "the llama engine needs llama-cpp-python: pip install 'tarjama[llama]'"
            ) from exc
        if not model_path.is_file():
            raise ModelError(f"GGUF file not found: {model_path}")
        self._lib = llama_cpp
        try:
            self.llm = llama_cpp.Llama(
                model_path=str(model_path),
                n_ctx=n_ctx,
                n_batch=512,
                n_threads=threads or os.cpu_count() or 1,
                seed=seed,
                verbose=False,
            )
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"llama.cpp cannot load {model_path}: {exc}") from exc
        self.model_id = model_path.stem
        self.context_window = self.llm.n_ctx()
        meta = self.llm.metadata
        template = meta.get("tokenizer.chat_template") or _PLAIN
        self._stops = _END_MARKERS if template != _PLAIN else (*_END_MARKERS, *_PLAIN_STOPS)
        eos_id = self.llm.token_eos()
        bos_id = self.llm.token_bos()
        self._bos = self._piece(bos_id)
        self._formatter = Jinja2ChatFormatter(
            template=template,
            eos_token=self._piece(eos_id),
            bos_token=self._piece(bos_id),
            stop_token_ids=[eos_id],
        )
        self._stop_ids = {eos_id, *self._single_tokens(_END_MARKERS)}
        self._n_vocab = self.llm.n_vocab()

    def _piece(self, token: int) -> str:
        if token < 0:
            return ""
        return self.llm.detokenize([token], special=True).decode("utf-8", errors="ignore")

    def _single_tokens(self, markers: Sequence[str]) -> set[int]:
        ids: set[int] = set()
        for marker in markers:
            tokens = self.llm.tokenize(marker.encode(), add_bos=False, special=True)
            if len(tokens) == 1:
                ids.add(tokens[0])
        return ids

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def prompt_tokens(self, messages: Sequence[Message]) -> list[int]:
        # Our messages are plain role/content dicts: what llama.cpp's message TypedDicts describe.
        prompt = self._formatter(messages=cast(Any, list(messages))).prompt
        # add_bos only adds one where the model wants it; a template may already start with it.
        add_bos = not (self._bos and prompt.startswith(self._bos))
        return list(self.llm.tokenize(prompt.encode("utf-8"), add_bos=add_bos, special=True))

    def complete(self, messages: Sequence[Message], *, max_tokens: int) -> Completion:
        tokens = self.prompt_tokens(messages)
        if len(tokens) + max_tokens > self.context_window:
            max_tokens = self.context_window - len(tokens)
            if max_tokens <= 0:  # nothing to answer with: cut the source smaller instead
                logger.info(
                    "a prompt of %d tokens leaves no room in the context window of %d",
                    len(tokens),
                    self.context_window,
                )
                return Completion("", truncated=True)
        out: list[int] = []
        logprobs: list[float] = []
        truncated = False
        for token in self.llm.generate(tokens, temp=0.0, top_k=1, repeat_penalty=1.0):
            logprobs.append(self._logprob(token))
            if token in self._stop_ids:
                break
            out.append(token)
            if self._stopped(out):
                break
            if len(out) >= max_tokens:
                truncated = True  # stopped by the limit, not by the model
                break
        text = self.llm.detokenize(out).decode("utf-8", errors="replace")
        for marker in self._stops:
            text = text.split(marker, 1)[0]
        score = float(np.mean(logprobs)) if logprobs else None
        return Completion(text=text.strip(), score=score, tokens=len(out), truncated=truncated)

    def _stopped(self, out: list[int]) -> bool:
        tail = self.llm.detokenize(out[-8:]).decode("utf-8", errors="ignore")
        return any(stop in tail for stop in self._stops)

    def _logprob(self, token: int) -> float:
        # The logits that chose ``token`` are still the context's last output at yield time.
        pointer = self._lib.llama_get_logits_ith(self.llm.ctx, -1)
        logits = np.ctypeslib.as_array(pointer, shape=(self._n_vocab,))
        top = float(logits.max())
        return float(logits[token] - top - np.log(np.exp(logits - top).sum()))

    def close(self) -> None:
        self.llm.close()


@register_engine("llama")
class LlamaEngine:
    """A document engine on a local GGUF chat model; one request at a time (llama.cpp state)."""

    name = "llama"
    # Chat models copy nearly everything, so only what a format insists on is hidden; they are
    # told the names and dates, and asked again when a fact came out wrong. The budget follows
    # the context window (set when the model opens).
    capabilities: Capabilities = Capabilities(name_hints=True, second_opinion=True)

    def __init__(
        self,
        model_path: Path | str | None,
        *,
        threads: int = 0,
        n_ctx: int = 4096,
        model_id: str | None = None,
        **_: Any,
    ) -> None:
        if model_path is None:
            raise ModelError("the llama engine needs a .gguf model file")
        self.backend = LlamaChatBackend(Path(model_path), n_ctx=n_ctx, threads=threads)
        self.model_id = model_id or self.backend.model_id
        self._chat = ChatTranslator(self.backend)
        self.capabilities = replace(type(self).capabilities, input_budget=self._chat.budget)
        self.prompt_version = self._chat.prompt_version  # part of the memory's key
        self._lock = threading.Lock()
        self._closed = False

    def _open(self) -> None:
        # llama.cpp frees the model on close; touching it afterwards crashes the process.
        if self._closed:
            raise ModelError(f"the llama engine on {self.model_id} is closed")

    def translate(
        self, segments: Sequence[Segment], context: TranslationContext | None = None
    ) -> list[Hypothesis]:
        with self._lock:
            self._open()
            return self._chat.translate(segments, context)

    def count_tokens(self, text: str) -> int:
        self._open()
        return self.backend.count_tokens(text)

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self.backend.close()

    def __enter__(self) -> LlamaEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
