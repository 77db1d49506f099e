"""The Python API: ``Translator(model=...).translate(text)``.

The model is opened once, on first use, under a lock, so one Translator can be shared by the
threads of a web server; engines that are not thread-safe serialise their own calls.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarjama.document import Document
from tarjama.engines.base import Engine, TranslationContext, capabilities_of, open_engine
from tarjama.errors import InputError
from tarjama.formats import read_document, read_document_bytes
from tarjama.memory import TranslationMemory, open_memory
from tarjama.pipeline import TranslatedDocument, translate_document, translate_documents
from tarjama.settings import Settings, get_settings

if TYPE_CHECKING:
    from tarjama.retrieval import Retriever
    from tarjama.terms import Glossary

__all__ = ["DEFAULT_MAX_INPUT_BYTES", "Translator", "load_document"]

#: The default of ``Settings.max_input_bytes`` (``TARJAMA_MAX_INPUT_BYTES``): a 2 MB text is a
#: few hundred articles, a long run better split into files. ``0`` = no limit.
DEFAULT_MAX_INPUT_BYTES = Settings.model_fields["max_input_bytes"].default


def _input_limit(settings: Settings, max_bytes: int | None) -> int:
    if max_bytes is not None:
        return max_bytes
    return settings.max_input_bytes


def _check_size(size: int, limit: int, label: str) -> None:
    if limit and size > limit:
        raise InputError(
            f"{label} is larger than the {limit / 1e6:.1f} MB input limit; "
            "split it into smaller files (a directory is translated file by file) "
            "or raise TARJAMA_MAX_INPUT_BYTES"
        )


def _open_memory(
    memory: TranslationMemory | str | Path | bool, settings: Settings
) -> TranslationMemory | None:
    if memory is False:
        return None
    if memory is True:
        return open_memory(settings.memory_path)
    if isinstance(memory, (str, Path)):
        return open_memory(memory)
    return memory


def load_document(
    source: str | Path | bytes,
    *,
    format: str = "auto",
    fields: Sequence[str] = (),
    name: str | None = None,
    max_bytes: int | None = None,
) -> Document:
    """Read a file path or bytes into a :class:`Document` (the read stage).

    Inputs over ``max_bytes`` (default: the settings' limit, see
    :data:`DEFAULT_MAX_INPUT_BYTES`; ``0`` = none) are an :class:`InputError`.
    """
    limit = _input_limit(get_settings(), max_bytes)
    if isinstance(source, bytes):
        _check_size(len(source), limit, name or "input")
        return read_document_bytes(source, format, name=name, fields=fields, max_bytes=limit)
    path = Path(source)
    try:
        if path.is_file():
            _check_size(path.stat().st_size, limit, str(path))
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path} is a directory") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    _check_size(len(data), limit, str(path))  # pipes and devices have no size up front
    return read_document_bytes(data, format, name=str(path), fields=fields, max_bytes=limit)


class Translator:
    """Arabic → English translation with one model, loaded once."""

    def __init__(
        self,
        model: str | None = None,
        *,
        engine: Engine | None = None,
        beam: int | None = None,
        threads: int | None = None,
        settings: Settings | None = None,
        max_input_bytes: int | None = None,
        memory: TranslationMemory | str | Path | bool = False,
        parallel_batches: int = 1,
    ) -> None:
        """``memory``: ``True`` for the configured translation memory (``$TARJAMA_HOME/
        memory.sqlite``), a path or an open :class:`TranslationMemory`; off by default, so a
        library call translates afresh unless the caller opts into reuse. ``parallel_batches``:
        for throughput callers (corpus jobs), a CTranslate2 model decodes that many batches at
        once, each on its share of the threads; other engines ignore it."""
        self.settings = settings or get_settings()
        self.model = model or self.settings.model
        self._engine = engine
        self._options: dict[str, Any] = {}
        if beam is not None:
            self._options["beam_size"] = beam
        threads = threads if threads is not None else self.settings.threads
        if threads:
            self._options["threads"] = threads
        self._parallel_batches = max(1, parallel_batches)
        self.max_input_bytes = _input_limit(self.settings, max_input_bytes)
        self._lock = threading.Lock()
        self._owns_memory = memory is True or isinstance(memory, (str, Path))
        self.memory: TranslationMemory | None = _open_memory(memory, self.settings)
        self._retriever: Retriever | None = None
        self._retriever_made = False

    @property
    def engine(self) -> Engine:
        """The open engine; opening it is the slow part, done once."""
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = self._open()
        return self._engine

    def _open(self) -> Engine:
        if self.model.startswith("openai:"):
            return open_engine(
                "openai",
                None,
                model=self.model.removeprefix("openai:"),
                base_url=self.settings.openai_base_url,
                api_key=self.settings.openai_api_key,
                context_window=self.settings.openai_context_window,
                parallel=self.settings.openai_parallel,
                **self._chat_options(),
            )
        from tarjama.models import open_model, resolve_model

        options = dict(self._options)
        engine = resolve_model(self.model, self.settings).engine
        # A chat engine (one told the names) is given this Translator's prompt settings; the
        # engines' own default, the process's settings, may not be these.
        if capabilities_of(engine).name_hints:
            options.update(self._chat_options())
        if engine == "ctranslate2" and self._parallel_batches > 1:
            options["parallel_batches"] = self._parallel_batches
        return open_model(self.model, settings=self.settings, **options)

    def _chat_options(self) -> dict[str, int]:
        return {
            "chat_examples": self.settings.chat_examples,
            "chat_history": self.settings.chat_history,
        }

    def make_retriever(self, exclude: Iterable[str] = ()) -> Retriever | None:
        """What finds examples and suggestions for this Translator, leaving out ``exclude``
        (an evaluation's sources): the memory's fuzzy matches (when it has a memory) and, for a
        chat engine, the shipped example pool unless ``chat_example_pool`` is off; ``None`` when
        there is neither.

        The chat engine picks ``chat_examples`` of what it is offered; a few more are offered,
        since it also drops any that repeat the paragraph."""
        from tarjama.retrieval import Retriever, load_pool

        chat = capabilities_of(self.engine).name_hints and self.settings.chat_examples > 0
        pool = chat and self.settings.chat_example_pool
        if self.memory is None and not pool:
            return None
        return Retriever(
            self.memory,
            load_pool() if pool else None,
            k=self.settings.chat_examples + 2 if chat else 0,
            threshold=self.settings.fuzzy_threshold,
            exclude=exclude,
        )

    @property
    def retriever(self) -> Retriever | None:
        """The retriever every call uses (made once: it caches what it learns of the index)."""
        if not self._retriever_made:
            _ = self.engine  # opened first (outside the lock it takes): the engine decides
            with self._lock:
                if not self._retriever_made:
                    self._retriever = self.make_retriever()
                    self._retriever_made = True
        return self._retriever

    def translate(
        self, text: str, *, format: str = "text", glossary: Glossary | None = None
    ) -> str:
        """Translate a string and return the English in the same shape."""
        _check_size(len(text.encode("utf-8")), self.max_input_bytes, "text")
        document = read_document(text, format)
        return self.translate_document(document, glossary=glossary).output

    def translate_document(
        self,
        source: str | Path | bytes | Document,
        *,
        format: str = "auto",
        fields: Sequence[str] = (),
        context: TranslationContext | None = None,
        on_progress: Callable[[int], None] | None = None,
        glossary: Glossary | None = None,
        retriever: Retriever | None = None,
    ) -> TranslatedDocument:
        """Translate a document (a path, bytes or a parsed Document) with per-segment results.

        ``glossary`` (per request or per document) wins over the built-in lexicon.
        ``retriever`` replaces :attr:`retriever` (an evaluation's excludes its own set).
        """
        return translate_document(
            self._document(source, format, fields),
            self.engine,
            context=context,
            on_progress=on_progress,
            glossary=glossary,
            memory=self.memory,
            retriever=retriever or self.retriever,
        )

    def translate_documents(
        self,
        sources: Iterable[str | Path | bytes | Document],
        *,
        format: str = "auto",
        fields: Sequence[str] = (),
        context: TranslationContext | None = None,
        on_progress: Callable[[int], None] | None = None,
        glossary: Glossary | None = None,
    ) -> list[TranslatedDocument]:
        """Translate many documents, one result each, in order: a sentence engine gets all their
        segments in one call, far faster for a corpus of short articles than one call each.

        One document that cannot be read or translated fails the call; ``tarjama job`` is the
        way through a corpus that records bad documents and goes on.
        """
        return translate_documents(
            [self._document(source, format, fields) for source in sources],
            self.engine,
            context=context,
            on_progress=on_progress,
            glossary=glossary,
            memory=self.memory,
            retriever=self.retriever,
        )

    def _document(
        self, source: str | Path | bytes | Document, format: str, fields: Sequence[str]
    ) -> Document:
        if isinstance(source, Document):
            return source
        return load_document(source, format=format, fields=fields, max_bytes=self.max_input_bytes)

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.close()
                self._engine = None
            self._retriever, self._retriever_made = None, False
            if self.memory is not None and self._owns_memory:
                self.memory.close()
                self.memory = None

    def __enter__(self) -> Translator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
