"""Translation with a chat model, whatever serves it (llama.cpp in process, or an HTTP endpoint).

Small chat models are fluent but unruly: they merge sentences, answer in Arabic, add notes, or
loop. So a paragraph is sent as numbered sentences with the English so far as context, the answer
is checked (English, complete, one line per sentence) and, when it is not right, each sentence is
asked for on its own. Generation is greedy (temperature 0) so a run can be repeated.

Nothing may overflow the context window: the translator declares how long a segment can be
(:meth:`ChatTranslator.input_budget`: the window less the fixed prompt, room for name hints and
room for an answer twice the source's length), groups sentences only while they fit it, and an
answer that stopped at its token limit is never taken for a translation: it is asked for again
and, if it is cut again, flagged :data:`~tarjama.engines.base.TRUNCATED` so the pipeline cuts the
sentence smaller.

The prompt's layout (a fixed prefix a server computes once, then what varies) is
:mod:`tarjama.engines.chat_prompt`. When the pipeline offers a ``retrieve`` hook, each paragraph
is shown up to ``retrieved_examples`` pairs most like it (the user's memory, the shipped pool),
as one numbered exchange; they are the first thing dropped when the context window is tight.

Paragraphs translated without the running context (``document_context=False``) do not wait for
one another, so with ``parallel`` > 1 they are asked for concurrently, from a pool of threads
(the backend must be thread-safe: the HTTP one is); the answers are the same as one by one. With
the context, each paragraph needs the English of the one before, so they go in order.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Protocol

from tarjama.document import Segment
from tarjama.engines.base import TRUNCATED, Hypothesis, TranslationContext
from tarjama.engines.chat_prompt import (
    BUILTIN_EXAMPLES,
    CAREFUL_RULE,
    Message,
    build_messages,
    exchange,
    fixed_messages,
    number_sentences,
    prompt_version,
    request_message,
)
from tarjama.errors import TarjamaError
from tarjama.text import arabic_ratio

__all__ = [
    "BUILTIN_EXAMPLES",
    "CAREFUL_RULE",
    "ChatBackend",
    "ChatTranslator",
    "Completion",
    "Message",
    "build_messages",
    "fixed_messages",
    "number_sentences",
    "parse_numbered",
    "prompt_version",
]

logger = logging.getLogger(__name__)

#: Tokens a message costs beyond its text (role markers), as the prompt is sized.
_MESSAGE_TOKENS = 8
#: Tokens set aside in the budget for "Use these names: …" (at most 12 hints are sent).
_HINT_ROOM = 160
#: Tokens of "[n] " numbering per sentence, for the most sentences one request holds.
_NUMBER_TOKENS = 4
#: An answer may be this many tokens beyond twice its source's (see ``_max_tokens``).
_ANSWER_MARGIN = 48
#: The smallest budget declared, however small the window (the prompt then drops its examples).
_MIN_BUDGET = 16

_NUMBERED = re.compile(r"^\s*[\[(]?\s*(\d{1,3})\s*[\])\.:-]\s*(.*)$")
_LONE_NUMBER = re.compile(r"^\[1\]\s*")
_CHATTER = re.compile(
    r"^(here is|here's|translation:|english translation:|sure[,!])[^\n]*\n?", re.IGNORECASE
)


@dataclass(frozen=True)
class Completion:
    """A model's answer: its text, mean token log-probability (when known) and token count.

    ``truncated``: the answer stopped at its token limit (``finish_reason: "length"``), or the
    prompt could not fit the context window at all; either way it is not a whole translation.
    """

    text: str
    score: float | None = None
    tokens: int = 0
    truncated: bool = False


class ChatBackend(Protocol):
    """What a chat model server must do for :class:`ChatTranslator`."""

    model_id: str
    context_window: int

    def complete(
        self, messages: Sequence[Message], *, max_tokens: int, stop: Sequence[str] = ()
    ) -> Completion:
        """Greedy answer to ``messages``; it ends at any of ``stop`` (which is left out)."""
        ...

    def count_tokens(self, text: str) -> int: ...


def parse_numbered(answer: str, expected: int) -> list[str] | None:
    """Split a numbered answer back into sentences, or ``None`` when it does not line up."""
    found: dict[int, list[str]] = {}
    current: int | None = None
    for line in answer.splitlines():
        match = _NUMBERED.match(line)
        if match and 1 <= int(match.group(1)) <= expected and int(match.group(1)) not in found:
            current = int(match.group(1))
            found[current] = [match.group(2).strip()]
        elif current is not None and line.strip():
            found[current].append(line.strip())
    if sorted(found) != list(range(1, expected + 1)):
        return None
    parts = [" ".join(found[i]).strip() for i in range(1, expected + 1)]
    return parts if all(parts) else None


def clean_answer(answer: str, source: str = "") -> str:
    """Drop the chatter small models put around a translation, and the "[1]" a model shown
    numbered examples may put before the English of one unnumbered sentence."""
    text = _CHATTER.sub("", answer.strip()).strip()
    if not _LONE_NUMBER.match(source) and "\n[2]" not in text:
        text = _LONE_NUMBER.sub("", text, count=1)
    if len(text) >= 2 and text[0] == text[-1] == '"' and text.count('"') == 2:
        text = text[1:-1].strip()
    return text


def is_acceptable(english: str, source: str) -> bool:
    """English, not empty, and not wildly longer than the source (a loop or a lecture)."""
    if not english.strip():
        return False
    if arabic_ratio(english) > 0.2:
        return False
    return len(english) <= 4 * len(source) + 80


class ChatTranslator:
    """Paragraph-at-a-time translation with validation and sentence-by-sentence fallback.

    ``history_paragraphs``: paragraphs of the document kept in the conversation each request
    extends (-1: all that fit the context window; 0: none, each paragraph asked alone);
    ``retrieved_examples``: how many pairs the ``retrieve`` hook may add (0: none).
    """

    def __init__(
        self,
        backend: ChatBackend,
        *,
        history_paragraphs: int = -1,
        retrieved_examples: int = 3,
        max_sentences: int = 8,
        examples: Sequence[tuple[str, str]] = BUILTIN_EXAMPLES,
        parallel: int = 1,
    ) -> None:
        self.backend = backend
        self.history_paragraphs = history_paragraphs if history_paragraphs >= 0 else -1
        self.retrieved_examples = max(0, retrieved_examples)
        self.max_sentences = max_sentences
        self.parallel = max(1, parallel)
        self.examples = tuple(examples)
        self.prompt_version = prompt_version(
            self.examples, retrieved=self.retrieved_examples, history=self.history_paragraphs
        )
        self.budget = self.input_budget()

    def fixed_messages(self) -> list[Message]:
        """The prompt start every request shares (a backend may compute its state once)."""
        return fixed_messages(self.examples)

    def input_budget(self) -> int:
        """Most tokens one segment may have: the prompt at its leanest (rules, no examples or
        history), name hints, the numbering and an answer of twice its length must all fit the
        context window (examples and history are dropped for it when they do not)."""
        skeleton = build_messages("", examples=(), careful=True)
        fixed = sum(self.backend.count_tokens(m["content"]) + _MESSAGE_TOKENS for m in skeleton)
        numbering = _NUMBER_TOKENS * self.max_sentences
        room = self.backend.context_window - fixed - _HINT_ROOM - numbering - _ANSWER_MARGIN
        return max(_MIN_BUDGET, room // 3)

    def translate(
        self, segments: Sequence[Segment], context: TranslationContext | None = None
    ) -> list[Hypothesis]:
        context = context or TranslationContext()
        examples = context.examples or self.examples
        results: list[Hypothesis] = []
        count = self.backend.count_tokens
        paragraphs = _paragraphs(segments, self.max_sentences, self.budget, count)
        if not context.document_context and self.parallel > 1 and len(paragraphs) > 1:
            return self._translate_apart(paragraphs, context, examples)
        conversation = _Conversation(self.history_paragraphs if context.document_context else 0)
        for paragraph in paragraphs:
            results.extend(self._translate_paragraph(paragraph, conversation, examples, context))
            context.advance(len(paragraph))
        return results

    def _translate_apart(
        self,
        paragraphs: Sequence[Sequence[Segment]],
        context: TranslationContext,
        examples: Sequence[tuple[str, str]],
    ) -> list[Hypothesis]:
        """Paragraphs with no context between them, ``parallel`` requests at a time; progress
        is reported from the calling thread, in order."""
        results: list[Hypothesis] = []
        with ThreadPoolExecutor(min(self.parallel, len(paragraphs))) as pool:
            futures = [
                pool.submit(self._translate_paragraph, p, _Conversation(0), examples, context)
                for p in paragraphs
            ]
            try:
                for paragraph, future in zip(paragraphs, futures, strict=True):
                    results.extend(future.result())
                    context.advance(len(paragraph))
            except BaseException:
                for future in futures:  # a failed paragraph fails the call: ask nothing more
                    future.cancel()
                raise
        return results

    def _retrieved(
        self, texts: Sequence[str], context: TranslationContext
    ) -> tuple[tuple[str, str], ...]:
        """Up to ``retrieved_examples`` pairs like ``texts`` (never one of them: that would
        hand the model its answer), ordered best last, next to the text they help with.

        Retrieval is help, not a need: a store that fails is logged and the paragraph is
        translated without examples."""
        if not self.retrieved_examples or context.retrieve is None:
            return ()
        try:
            found = context.retrieve(texts)
        except TarjamaError as exc:
            logger.warning("no retrieved examples for this paragraph: %s", exc)
            return ()
        own = {" ".join(t.split()) for t in texts}
        chosen: list[tuple[str, str]] = []
        for found_arabic, found_english in found:
            # one line each, as the numbered exchange shows them
            arabic, english = " ".join(found_arabic.split()), " ".join(found_english.split())
            if not arabic or not english or arabic in own:
                continue
            if (arabic, english) not in chosen:
                chosen.append((arabic, english))
            if len(chosen) == self.retrieved_examples:
                break
        return tuple(reversed(chosen))

    def _translate_paragraph(
        self,
        paragraph: Sequence[Segment],
        conversation: _Conversation,
        examples: Sequence[tuple[str, str]],
        context: TranslationContext,
    ) -> list[Hypothesis]:
        """The paragraph's English; when it is all good English, the paragraph joins the
        ``conversation`` as it was asked (its retrieved examples, its request) and answered."""
        texts = [s.engine_text for s in paragraph]
        if not any(t.strip() for t in texts):
            return [Hypothesis("") for _ in texts]
        request = _Request(
            examples=examples,
            retrieved=self._retrieved([t for t in texts if t.strip()], context),
            hints=context.hints,
            careful=context.careful,
        )
        if len(texts) == 1:
            hyp, turn = self._one(texts[0], conversation, request)
            if turn and not hyp.flags:
                conversation.add(turn)
            return [hyp]
        completion, sent = self._ask(number_sentences(texts), conversation, request, len(texts))
        parts = None if completion.truncated else parse_numbered(completion.text, len(texts))
        if parts is not None and all(
            is_acceptable(p, t) for p, t in zip(parts, texts, strict=True)
        ):
            conversation.add((*sent, _answer(completion.text)))
            return [Hypothesis(p, completion.score) for p in parts]
        logger.info("paragraph answer did not line up; translating its %d sentences", len(texts))
        hyps: list[Hypothesis] = []
        local: list[Message] = []  # the sentences before, as asked and answered: context too
        for text in texts:
            hyp, turn = self._one(text, conversation, request, local)
            hyps.append(hyp)
            if turn and not hyp.flags and self.history_paragraphs:
                local.extend(turn[-2:])
        if sent and not any(h.flags for h in hyps):
            # The paragraph enters the conversation in the numbered form the next one is
            # asked in, answered with its sentences' English.
            conversation.add((*sent, _answer(number_sentences([h.text for h in hyps]))))
        return hyps

    def _one(
        self,
        text: str,
        conversation: _Conversation,
        request: _Request,
        local: Sequence[Message] = (),
    ) -> tuple[Hypothesis, tuple[Message, ...]]:
        """One sentence asked alone, and the messages that asked and answered it (none when
        nothing was asked)."""
        if not text.strip():
            return Hypothesis(""), ()
        completion, sent = self._ask(text, conversation, request, local=local)
        english = clean_answer(completion.text, text)
        if completion.truncated:
            return _cut_short(english, completion), ()
        if is_acceptable(english, text):
            hyp = Hypothesis(_one_sentence_block(english, text), completion.score)
            return hyp, (*sent, _answer(completion.text))
        # One retry, asked differently (careful; or, already careful, without the retrieved
        # examples) after the same conversation, which the cache keeps: greedy decoding of the
        # same prompt would only say the same again.
        if not request.careful:
            again = replace(request, careful=True)
        elif request.retrieved:
            again = replace(request, retrieved=())
        else:
            return Hypothesis(english, completion.score, flags=("engine_invalid",)), ()
        retry, sent = self._ask(text, conversation, again, local=local)
        retry_english = clean_answer(retry.text, text)
        if retry.truncated:
            return _cut_short(retry_english or english, retry), ()
        if is_acceptable(retry_english, text):
            hyp = Hypothesis(_one_sentence_block(retry_english, text), retry.score)
            return hyp, (*sent, _answer(retry.text))
        return Hypothesis(retry_english or english, retry.score, flags=("engine_invalid",)), ()

    def _ask(
        self,
        source: str,
        conversation: _Conversation,
        request: _Request,
        sentences: int = 0,
        local: Sequence[Message] = (),
    ) -> tuple[Completion, tuple[Message, ...]]:
        """One request for ``source``: ``sentences`` numbered ones, or one unnumbered (0); and
        the messages it added after the conversation (its retrieved examples, ``local`` turns,
        the request), as sent.

        A model shown numbered examples may run on into a next numbered line, so the answer
        ends where a number past the last one (or any, after one sentence) would begin."""
        max_tokens = self._max_tokens(source)
        stop = (f"\n[{sentences + 1}]",) if sentences else ("\n[1]",)
        retrieved = list(request.retrieved)
        local = list(local)
        examples = request.examples
        # Only the names this request contains: a long glossary distracts a small model.
        hints = list(dict.fromkeys(h for h in request.hints if h[0] in source))[:12]
        count = self._count
        while True:
            own = [
                *exchange(retrieved),
                *local,
                request_message(source, hints=hints, careful=request.careful),
            ]
            fixed = count(fixed_messages(examples))
            alone = fixed + count(own) + max_tokens  # without the conversation
            if alone + conversation.tokens(count) <= self.backend.context_window:
                break
            # Respect the context window: retrieved examples that could not fit even without
            # the conversation go first (the weakest, shown first, first); then the oldest half
            # of the conversation at once (a cache of the prompt is then rebuilt rarely); then
            # the sentences before in this paragraph, the built-in examples and the last
            # hints; a source too long even alone is not sent at all.
            if retrieved and alone > self.backend.context_window:
                retrieved.pop(0)
            elif conversation.turns:
                conversation.halve()
            elif local:
                del local[:2]
            elif examples:
                examples = ()
            elif hints:
                hints.pop()
            else:
                logger.info("%d tokens do not fit the context window with their answer", alone)
                return Completion("", truncated=True), ()
        messages = [*fixed_messages(examples), *conversation.messages(), *own]
        return self.backend.complete(messages, max_tokens=max_tokens, stop=stop), tuple(own)

    def _count(self, messages: Sequence[Message]) -> int:
        return sum(self.backend.count_tokens(m["content"]) + _MESSAGE_TOKENS for m in messages)

    def _max_tokens(self, source: str) -> int:
        # Arabic tokenises more densely than English on most vocabularies; 2x + margin is roomy
        # for a faithful translation and cuts a repetition loop short.
        return 2 * self.backend.count_tokens(source) + 48


class _Conversation:
    """A document's paragraphs as the model was asked them and answered, after the fixed prefix.

    Only ever appended to, so each request starts with the one before and its answer, and a
    cache of the last prompt (llama.cpp's KV cache, a server's prefix cache) covers all but the
    newest paragraph. When it must shrink (more than ``limit`` paragraphs, or a full context
    window) the oldest half goes at once, so that cache is rebuilt rarely.

    ``limit``: paragraphs kept (-1: all that fit the window; 0: none, nothing is kept).
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.turns: list[tuple[Message, ...]] = []
        self._sizes: list[int] = []

    def add(self, turn: tuple[Message, ...]) -> None:
        if self.limit == 0:
            return
        self.turns.append(turn)
        if 0 < self.limit < len(self.turns):
            self._drop(len(self.turns) - (self.limit + 1) // 2)

    def halve(self) -> None:
        """Drop the oldest half (rounded up) of the turns."""
        self._drop((len(self.turns) + 1) // 2)

    def _drop(self, n: int) -> None:
        del self.turns[:n]
        del self._sizes[:n]

    def messages(self) -> list[Message]:
        return [message for turn in self.turns for message in turn]

    def tokens(self, count: Callable[[Sequence[Message]], int]) -> int:
        """Tokens of the conversation as ``count`` counts a turn's messages (each counted once)."""
        while len(self._sizes) < len(self.turns):
            self._sizes.append(count(self.turns[len(self._sizes)]))
        return sum(self._sizes)


def _answer(text: str) -> Message:
    return {"role": "assistant", "content": text}


@dataclass(frozen=True)
class _Request:
    """What every request for one paragraph shares, whatever sentences it asks for."""

    examples: Sequence[tuple[str, str]]
    retrieved: Sequence[tuple[str, str]]
    hints: Sequence[tuple[str, str]]
    careful: bool


def _paragraphs(
    segments: Sequence[Segment],
    max_sentences: int,
    budget: int | None = None,
    count: Callable[[str], int] | None = None,
) -> list[list[Segment]]:
    """Group consecutive segments of one block; a long block is cut into windows of at most
    ``max_sentences`` sentences and ``budget`` tokens (as ``count`` counts them)."""
    groups: list[list[Segment]] = []
    sizes: list[int] = []
    for segment in segments:
        size = count(segment.engine_text) if budget is not None and count is not None else 0
        last = groups[-1] if groups else None
        if (
            last
            and last[0].block_id == segment.block_id
            and len(last) < max_sentences
            and (budget is None or sizes[-1] + size <= budget)
        ):
            last.append(segment)
            sizes[-1] += size
        else:
            groups.append([segment])
            sizes.append(size)
    return groups


def _cut_short(english: str, completion: Completion) -> Hypothesis:
    """An answer that stopped at its limit is never passed off as a translation: flagged at
    once (asking the same again costs the most a request can), so the pipeline asks for the
    text in smaller pieces."""
    return Hypothesis(english, completion.score, flags=(TRUNCATED,))


def _one_sentence_block(english: str, source: str) -> str:
    """Keep the answer on one line when the source was one line (models like to wrap)."""
    return english if "\n" in source else " ".join(english.split())
