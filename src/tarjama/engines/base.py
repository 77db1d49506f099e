"""The one protocol every engine speaks, and the registry that finds engines by name.

An engine turns segments into English. Sentence engines (CTranslate2) translate each segment on
its own, in large sorted batches; document engines (LLMs) see a paragraph at a time with the
English so far. Either way the answer is one :class:`Hypothesis` per input segment, in order.
Heavy libraries are imported only when an engine is opened.

What an engine needs from the pipeline (which spans to hide, whether it is told the names,
whether it is asked twice, whether a server may merge calls, how long a segment it can take)
it says itself, in its :class:`Capabilities`: nobody else keeps lists of engine names.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from tarjama.document import Segment
from tarjama.errors import ConfigurationError

__all__ = [
    "TRUNCATED",
    "Capabilities",
    "Engine",
    "Hypothesis",
    "TranslationContext",
    "capabilities_of",
    "engine_names",
    "memory_model",
    "open_engine",
    "register_engine",
    "usable_cores",
]


@dataclass(frozen=True)
class Hypothesis:
    """One engine answer: the English and a normalised score (mean log-probability per token)."""

    text: str
    score: float | None = None
    flags: tuple[str, ...] = ()


#: Hypothesis flag: the answer (or the input the engine read) was cut short. The pipeline cuts
#: such a segment smaller and asks again; a flag that survives means it could not be helped.
TRUNCATED = "engine_truncated"


@dataclass(frozen=True)
class Capabilities:
    """What an engine needs from the pipeline and what a server may do with it.

    Declared on the engine class (``capabilities = Capabilities(...)``); an engine whose budget
    depends on the model it opened sets an instance copy with ``input_budget`` filled in.
    Wrappers (the server's batching) forward the capabilities of the engine they wrap.
    """

    masked_kinds: frozenset[str] = frozenset({"url", "email", "format"})
    """Protected-span kinds the engine sees as placeholders (``⟨0⟩``); the rest it sees as
    written. Chat models copy nearly everything, so only what a format insists on is hidden."""
    names_in_english: bool = False
    """Names the lexicon is sure of reach the engine already in their canonical English
    (sentence models copy Latin script far better than they transliterate)."""
    name_hints: bool = False
    """The engine is told, per request, the English of the names and dates it translates."""
    second_opinion: bool = False
    """A sentence whose English got a fact wrong is asked for once more, carefully."""
    batchable: bool = False
    """Each segment is translated on its own, so concurrent calls can share one engine call."""
    input_budget: int | None = None
    """Most tokens (as :meth:`Engine.count_tokens` counts them) one segment may have; a longer
    one is cut into pieces that fit before the engine sees it. ``None``: no limit."""
    parallel: int = 1
    """Calls the engine serves at once with profit (an HTTP engine keeps that many requests in
    flight for its server to batch): a corpus job translates that many documents at a time."""


@dataclass(frozen=True)
class TranslationContext:
    """What an engine may know beyond the segments themselves.

    ``hints`` are (arabic, english) pairs the engine must respect (glossary, lexicon);
    ``examples`` are (arabic, english) pairs to imitate; ``on_progress`` is called with the
    number of segments just finished so a caller can drive a progress bar;
    ``document_context=False`` makes document engines translate each block on its own, as an
    evaluation on independent lines needs. ``careful`` marks a second attempt at sentences
    whose first English failed a check (an invented name, a lost number): chat engines are
    reminded to add nothing, so greedy decoding does not simply repeat itself.
    ``retrieve`` gives, for one paragraph's source sentences (as the engine sees them), the
    (arabic, english) pairs most like them, best first: chat engines show the model how similar
    sentences were translated (from the user's memory and the shipped example pool).
    """

    hints: tuple[tuple[str, str], ...] = ()
    examples: tuple[tuple[str, str], ...] = ()
    document_context: bool = True
    careful: bool = False
    on_progress: Callable[[int], None] | None = field(default=None, compare=False)
    retrieve: Callable[[Sequence[str]], Sequence[tuple[str, str]]] | None = field(
        default=None, compare=False
    )

    def advance(self, n: int) -> None:
        if self.on_progress is not None and n:
            self.on_progress(n)


@runtime_checkable
class Engine(Protocol):
    """What the pipeline needs from an engine."""

    model_id: str
    capabilities: Capabilities

    @property
    def name(self) -> str:
        """The registered engine name (a class attribute; a wrapper forwards its engine's)."""
        ...

    def translate(
        self, segments: Sequence[Segment], context: TranslationContext | None = None
    ) -> list[Hypothesis]:
        """Translate ``segments`` (using ``segment.engine_text``), one hypothesis each, in order."""
        ...

    def count_tokens(self, text: str) -> int:
        """Tokens ``text`` takes of the engine's input budget (asked only when it has one)."""
        ...

    def close(self) -> None:
        """Release the model."""
        ...


def capabilities_of(engine: Engine | str) -> Capabilities:
    """An engine's capabilities; for a registered name, those its class declares. An engine
    written before capabilities existed (or ``""``) gets the defaults rather than an error."""
    if isinstance(engine, str):
        return engine_class(engine).capabilities if engine else Capabilities()
    declared = getattr(engine, "capabilities", None)
    return declared if isinstance(declared, Capabilities) else Capabilities()


def memory_model(engine: Engine) -> str:
    """Whose output a translation-memory entry is: the model id, plus any decoding option that
    changes the English (an engine says so in an optional ``memory_model`` attribute), so a
    beam-4 run never serves a greedy one's output."""
    return str(getattr(engine, "memory_model", "") or engine.model_id)


_REGISTRY: dict[str, str] = {
    # name -> module that defines and registers it; imported only when asked for.
    "ctranslate2": "tarjama.engines.ctranslate2_engine",
    "llama": "tarjama.engines.llama_engine",
    "openai": "tarjama.engines.openai_engine",
}
_CLASSES: dict[str, type[Any]] = {}


def register_engine(name: str) -> Callable[[type[Any]], type[Any]]:
    """Class decorator: make an engine class available under ``name``."""

    def decorate(cls: type[Any]) -> type[Any]:
        cls.name = name
        _CLASSES[name] = cls
        return cls

    return decorate


def engine_names() -> list[str]:
    return sorted(_REGISTRY)


def engine_class(name: str) -> type[Any]:
    if name not in _REGISTRY:
        known = ", ".join(engine_names())
        raise ConfigurationError(f"unknown engine {name!r}; known engines: {known}")
    if name not in _CLASSES:
        importlib.import_module(_REGISTRY[name])
    return _CLASSES[name]


def open_engine(name: str, model_path: Path | str | None = None, **options: Any) -> Engine:
    """Open engine ``name`` on ``model_path`` with engine-specific ``options``."""
    cls = engine_class(name)
    engine: Engine = cls(model_path, **options)
    return engine


def usable_cores() -> int:
    """Cores this process may run on, which ``threads=0`` ("all") means everywhere in tarjama.

    The affinity mask, not ``os.cpu_count()``: under ``taskset`` or a container's CPU set the
    machine's count would oversubscribe the cores we have (and CTranslate2's own 0 means 4)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1
