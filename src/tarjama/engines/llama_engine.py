"""GGUF chat models in process, through llama-cpp-python.

We drive generation ourselves (greedy, token by token) rather than through
``create_chat_completion`` or ``Llama.generate``: the log-probability of each chosen token gives
a translation score without ``logits_all`` (which would slow every prompt), and each request
evaluates only the tokens after the longest start it shares with what the KV cache holds, which
is counted (:attr:`LlamaChatBackend.prompt_tokens_evaluated`, for benchmarks).

Every prompt starts with the same fixed prefix (system text and built-in examples). Its state is
computed once per loaded model and kept on disk (:mod:`tarjama.engines.prefix_state`), so a
fresh process loads it instead of evaluating a few hundred tokens again.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import numpy as np

from tarjama.document import Segment
from tarjama.engines.base import (
    Capabilities,
    Hypothesis,
    TranslationContext,
    register_engine,
    usable_cores,
)
from tarjama.engines.chat import ChatTranslator, Completion, Message
from tarjama.engines.prefix_state import (
    PrefixKey,
    read_state,
    state_name,
    state_path,
    write_state,
)
from tarjama.errors import ModelError
from tarjama.settings import get_settings

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
# What may follow the fixed prefix (a numbered exchange, a sentence, a rule): the tokens every
# probe shares after it are the prefix as the tokenizer cuts it in every real request.
_PROBES = ("[1] ا", "ا", "Use")
# After the prefix a prompt is evaluated (and its cached state reused) in pieces that start where
# the prefix ends and where each earlier answer starts, cut into chunks of this many tokens (see
# LlamaChatBackend._feed). Smaller
# chunks reuse more of a similar prompt but evaluate slower: a 512-token prompt took 0.73 s in
# one batch, 0.73 s in chunks of 256, 0.86 s of 128 and 0.92 s of 64 (Gemma-3-270M, 2 threads).
_CHUNK = 256


class LlamaChatBackend:
    """Greedy chat completion on a llama.cpp model, with per-token log-probabilities."""

    def __init__(
        self,
        model_path: Path,
        *,
        n_ctx: int = 4096,
        threads: int = 0,
        seed: int = 0,
        state_dir: Path | None = None,
    ) -> None:
        """``state_dir``: where the prefix's state is kept; ``None``: beside the model when its
        folder is writable, else in tarjama's cache folder."""
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
                n_threads=threads or usable_cores(),
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
        self._answer_start = self._generation_prompt(template, eos_id, bos_id)
        self._stop_ids = {eos_id, *self._single_tokens(_END_MARKERS)}
        self._n_vocab = self.llm.n_vocab()
        self._model_path = model_path
        self._state_dir = state_dir
        self._prefix: list[int] = []
        self._prefix_ready = True
        self._prompt_held = 0  # tokens of the last prompt whose state the KV cache holds
        #: Prompt tokens evaluated by this model (prefix included) and those the KV cache
        #: already held; ``prefix_state`` says whether the prefix was "loaded" or "computed";
        #: ``last_prompt_tokens``: the size of the last request's prompt (a document's
        #: conversation grows with it).
        self.prompt_tokens_evaluated = 0
        self.prompt_tokens_reused = 0
        self.last_prompt_tokens = 0
        self.requests = 0
        self.prefix_state: str | None = None

    def _generation_prompt(self, template: str, eos_id: int, bos_id: int) -> list[int]:
        """The tokens the template puts before an answer ("<|im_start|>assistant\\n"): in a
        conversation each earlier answer starts after them, where the prompt that asked for it
        ended (none: a template that does not mark it)."""
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        bare = Jinja2ChatFormatter(
            template=template,
            eos_token=self._piece(eos_id),
            bos_token=self._piece(bos_id),
            add_generation_prompt=False,
        )
        probe: list[Any] = [{"role": "user", "content": "x"}]
        asking = self._formatter(messages=probe).prompt
        plain = bare(messages=probe).prompt
        if not asking.startswith(plain) or asking == plain:
            return []
        text = asking[len(plain) :].encode("utf-8")
        return list(self.llm.tokenize(text, add_bos=False, special=True))

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

    def use_prefix(self, messages: Sequence[Message]) -> None:
        """Make ``messages`` (the start every request shares) the prefix whose state is computed
        once, or loaded from disk, before the first request."""
        probes = [self.prompt_tokens([*messages, {"role": "user", "content": p}]) for p in _PROBES]
        self._prefix = probes[0][: _common(probes[0], *probes[1:])]
        self._prefix_ready = not self._prefix

    @property
    def prefix_tokens(self) -> int:
        """Tokens of the fixed prefix whose state is computed once (0: none set)."""
        return len(self._prefix)

    def state_file(self) -> Path:
        """Where this model's prefix state is kept (see :func:`state_path`)."""
        if self._state_dir is not None:
            return self._state_dir / state_name(self._model_path, self.context_window)
        return state_path(self._model_path, self.context_window, get_settings().cache_dir)

    def _ensure_prefix(self) -> None:
        if self._prefix_ready:
            return
        self._prefix_ready = True
        key = PrefixKey.of(
            self._model_path, self._lib.__version__, self.context_window, self._prefix
        )
        path = self.state_file()
        payload = read_state(path, key)
        if payload is not None and self._restore(payload):
            self.prefix_state = "loaded"
            logger.debug("prompt prefix: %d tokens loaded from %s", len(self._prefix), path)
            return
        self._lib.llama_memory_clear(self._lib.llama_get_memory(self.llm.ctx), True)
        self.llm.n_tokens = 0
        self.llm.eval(self._prefix)  # one batch, as _feed evaluates it
        self._prompt_held = len(self._prefix)
        self.prompt_tokens_evaluated += len(self._prefix)
        self.prefix_state = "computed"
        if write_state(path, key, self._snapshot()):
            logger.debug("prompt prefix: %d tokens computed, kept in %s", len(self._prefix), path)

    def _restore(self, payload: bytes) -> bool:
        """Put a saved prefix state into sequence 0 of the (cleared) KV cache."""
        lib, ctx = self._lib, self.llm.ctx
        lib.llama_memory_clear(lib.llama_get_memory(ctx), True)
        self.llm.n_tokens = 0
        buffer = (ctypes.c_uint8 * len(payload)).from_buffer_copy(payload)
        if lib.llama_state_seq_set_data(ctx, buffer, len(payload), 0) != len(payload):
            logger.warning("llama.cpp refused the saved prompt state; computing it again")
            lib.llama_memory_clear(lib.llama_get_memory(ctx), True)
            return False
        n = len(self._prefix)
        self.llm.input_ids[:n] = self._prefix
        self.llm.n_tokens = self._prompt_held = n
        return True

    def _snapshot(self) -> bytes:
        lib, ctx = self._lib, self.llm.ctx
        size = lib.llama_state_seq_get_size(ctx, 0)
        buffer = (ctypes.c_uint8 * size)()
        written = lib.llama_state_seq_get_data(ctx, buffer, size, 0)
        return ctypes.string_at(buffer, written)

    def _feed(self, tokens: Sequence[int]) -> None:
        """Evaluate ``tokens`` as the whole context, reusing what the KV cache holds of them.

        A prompt is evaluated in pieces that depend on its own tokens only, so that its state
        never depends on what was asked before it: the fixed prefix as one batch, then pieces
        that start where each earlier answer of the conversation starts (where the request
        that asked for it ended), cut into chunks of :data:`_CHUNK` tokens; and only whole
        pieces the cache already holds are kept. llama.cpp's kernels differ in their last bits
        with the batch size, so a prompt evaluated in other pieces could tip a greedy choice;
        this way the same prompt gives the same English whatever came before it, and a request
        that extends the last one (a document's conversation) evaluates only what it adds.
        The last token is always evaluated, for the logits that choose the first answer token.
        """
        held: list[int] = self.llm.input_ids[: self._prompt_held].tolist()
        size = len(self._prefix)
        anchor = size if 0 < size < len(tokens) and list(tokens[:size]) == self._prefix else 0
        starts = self._starts(tokens, anchor)
        limit = min(_common(held, tokens), len(tokens) - 1)
        keep = max((s for s in starts if s <= limit), default=0) if limit >= anchor else 0
        memory = self._lib.llama_get_memory(self.llm.ctx)
        if keep > 0 and not self._lib.llama_memory_seq_rm(memory, -1, keep, -1):
            keep = 0  # a model whose cache cannot be cut (recurrent): start afresh
        if keep == 0:
            self._lib.llama_memory_clear(memory, True)
        self.llm.n_tokens = keep
        pieces = [*([0] if keep < anchor else []), *(s for s in starts if s >= keep)]
        for low, high in zip(pieces, [*pieces[1:], len(tokens)], strict=True):
            self.llm.eval(tokens[low:high])
        self._prompt_held = len(tokens)
        self.prompt_tokens_evaluated += len(tokens) - keep
        self.prompt_tokens_reused += keep
        logger.debug("prompt of %d tokens: %d evaluated", len(tokens), len(tokens) - keep)

    def _starts(self, tokens: Sequence[int], anchor: int) -> list[int]:
        """Where the pieces after the fixed prefix start (see :meth:`_feed`): at the prefix's
        end, after every answer marker past it, and every :data:`_CHUNK` tokens between."""
        marks = [anchor]
        marker = self._answer_start
        if marker:
            array = np.asarray(tokens)
            found = np.flatnonzero(array[anchor:] == marker[0]) + anchor
            n = len(marker)
            marks += [
                int(i) + n
                for i in found
                if int(i) + n < len(tokens) and list(tokens[int(i) : int(i) + n]) == marker
            ]
        starts: list[int] = []
        for low, high in zip(marks, [*marks[1:], len(tokens)], strict=True):
            starts.extend(range(low, high, _CHUNK))
        return starts

    def complete(
        self, messages: Sequence[Message], *, max_tokens: int, stop: Sequence[str] = ()
    ) -> Completion:
        tokens = self.prompt_tokens(messages)
        stops = (*self._stops, *stop)
        if len(tokens) + max_tokens > self.context_window:
            max_tokens = self.context_window - len(tokens)
            if max_tokens <= 0:  # nothing to answer with: cut the source smaller instead
                logger.info(
                    "a prompt of %d tokens leaves no room in the context window of %d",
                    len(tokens),
                    self.context_window,
                )
                return Completion("", truncated=True)
        self._ensure_prefix()
        self._feed(tokens)
        self.requests += 1
        self.last_prompt_tokens = len(tokens)
        out: list[int] = []
        logprobs: list[float] = []
        truncated = False
        while True:
            token, logprob = self._choose()
            logprobs.append(logprob)
            if token in self._stop_ids:
                break
            out.append(token)
            if self._stopped(out, stops):
                break
            if len(out) >= max_tokens:
                truncated = True  # stopped by the limit, not by the model
                break
            self.llm.eval([token])
        text = self.llm.detokenize(out).decode("utf-8", errors="replace")
        for marker in stops:
            text = text.split(marker, 1)[0]
        score = float(np.mean(logprobs)) if logprobs else None
        return Completion(text=text.strip(), score=score, tokens=len(out), truncated=truncated)

    def _stopped(self, out: list[int], stops: Sequence[str]) -> bool:
        tail = self.llm.detokenize(out[-8:]).decode("utf-8", errors="ignore")
        return any(stop in tail for stop in stops)

    def _choose(self) -> tuple[int, float]:
        """The greedy next token and its log-probability, from the last evaluated logits."""
        pointer = self._lib.llama_get_logits_ith(self.llm.ctx, -1)
        logits = np.ctypeslib.as_array(pointer, shape=(self._n_vocab,))
        token = int(logits.argmax())
        top = float(logits[token])
        return token, float(-np.log(np.exp(logits - top).sum()))

    def close(self) -> None:
        logger.debug(
            "%s: %d prompt tokens evaluated, %d reused from the cache (prefix %s)",
            self.model_id,
            self.prompt_tokens_evaluated,
            self.prompt_tokens_reused,
            self.prefix_state,
        )
        self.llm.close()


def _common(first: Sequence[int], *others: Sequence[int]) -> int:
    """Length of the start ``first`` shares with every one of ``others``."""
    n = len(first)
    for other in others:
        n = min(n, len(other))
        a = np.asarray(first[:n])
        b = np.asarray(other[:n])
        differ = np.flatnonzero(a != b)
        n = int(differ[0]) if differ.size else n
    return n


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
        chat_examples: int | None = None,
        chat_history: int | None = None,
        state_dir: Path | str | None = None,
        **_: Any,
    ) -> None:
        """``chat_examples`` and ``chat_history`` default to the settings of the same names;
        ``state_dir`` is where the prompt prefix's state is kept (see :class:`LlamaChatBackend`)."""
        if model_path is None:
            raise ModelError("the llama engine needs a .gguf model file")
        self.backend = LlamaChatBackend(
            Path(model_path),
            n_ctx=n_ctx,
            threads=threads,
            state_dir=Path(state_dir) if state_dir is not None else None,
        )
        self.model_id = model_id or self.backend.model_id
        self._chat = ChatTranslator(
            self.backend,
            retrieved_examples=(
                get_settings().chat_examples if chat_examples is None else chat_examples
            ),
            history_paragraphs=get_settings().chat_history
            if chat_history is None
            else chat_history,
        )
        self.backend.use_prefix(self._chat.fixed_messages())
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
