"""Settings: the one place that reads the environment (``TARJAMA_*``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import platformdirs
from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from tarjama.errors import ConfigurationError

__all__ = ["Settings", "get_settings", "load_settings"]


def _default_home() -> Path:
    return Path(platformdirs.user_data_dir("tarjama", appauthor=False))


class Settings(BaseSettings):
    """Where state lives and which model is the default; every field has a ``TARJAMA_`` variable."""

    model_config = SettingsConfigDict(env_prefix="TARJAMA_", extra="ignore")

    home: Path = Field(default_factory=_default_home)
    model: str = "qwen2.5-coder-1.5b-instruct"
    threads: int = Field(0, ge=0)
    data: Path | None = None
    hub_url: str | None = None
    """The hub (or mirror) models download from; unset: ``HF_ENDPOINT``, else huggingface.co."""
    hub_token: str | None = None
    """A token for private or gated repos; unset: ``HF_TOKEN``, else a stored ``hf`` login."""
    hub_cache: Path | None = None
    """huggingface_hub's cache of downloaded model files; unset: ``$TARJAMA_HOME/hub``."""
    openai_base_url: str = "http://127.0.0.1:11434/v1"
    openai_api_key: str | None = None
    openai_context_window: int = Field(8192, ge=256)
    """Tokens the OpenAI-compatible model's context holds (prompt and answer): segments are cut
    to fit it. No portable route tells a client, so set it to what the server runs with."""
    openai_parallel: int = Field(4, ge=1)
    """Requests kept in flight to the OpenAI-compatible server (vLLM, Ollama and llama.cpp's
    server batch concurrent requests): paragraphs of different documents, or of one document
    translated without its running context. 1: one request at a time."""
    chat_examples: int = Field(3, ge=0)
    """Examples like each paragraph (from the translation memory and the shipped pool) shown to
    a chat model before it; 0: none. See docs/prompt.md."""
    chat_example_pool: bool = False
    """Whether a chat model's examples may also come from the pool shipped with tarjama (UN, UD PUD,
    TICO-19 sentences), not only from the translation memory. Off: on FLORES dev the pool's
    examples lowered chrF++ and raised fact flags (docs/benchmarks.md)."""
    chat_history: int = Field(-1, ge=-1)
    """Earlier paragraphs of the document a chat model sees as it was asked and answered them
    (-1: all that fit its context window; 0: none). See docs/prompt.md."""
    names: bool = True
    """Whether the name layer (75,000 spellings built from Wikidata and Wikipedia, docs/names.md)
    proposes names beside the lexicon's 2,500 entities. Off: the lexicon's alone, as before the
    layer; for measuring what the layer does, or where its hints mislead. Read from the
    process's settings (``TARJAMA_NAMES``): a ``Settings`` given to one ``Translator`` does
    not change it."""
    fuzzy_threshold: int = Field(75, ge=0, le=100)
    """Least 0–100 match score of a translation-memory suggestion shown beside a sentence
    (``--json``, ``/v1/translate``, the web page); 100 shows exact matches only."""
    offline: bool = False
    max_input_bytes: int = Field(2_000_000, ge=0)
    """Largest input accepted (0 = no limit): a bigger file is refused with a clear error
    before it is read, rather than tying a CPU up for hours; split it or raise the limit."""
    db_timeout: float = Field(10.0, ge=0)
    """Seconds a write to an SQLite file (memory, keys, glossaries) waits for another process's
    lock before it fails as busy (exit code 6; HTTP 503 with ``Retry-After``)."""

    # tarjama serve (see docs/serve.md)
    serve_host: str = "127.0.0.1"
    serve_api_keys: str = "auto"
    """``auto``: API keys are required unless the server listens on loopback; ``on``; ``off``."""
    serve_max_request_bytes: int = 4_000_000
    serve_char_limit: int = 20_000
    """Longest text one LibreTranslate-style request may carry (-1 = no limit)."""
    serve_timeout: float = 120.0
    serve_rate_limit: int = 0
    """Requests per minute for a key (or, with keys off, a client address); 0 = no limit."""
    serve_char_rate_limit: int = 0
    """Characters per minute for a key (or client address); 0 = no limit."""
    serve_max_inflight: int = 32
    serve_queue_size: int = 8
    serve_batch_window_ms: float = 10.0
    serve_batch_max_segments: int = 512
    serve_memory: bool = True
    """Let the server answer sentences it has translated before from the translation memory."""
    serve_files_max_count: int = 1000
    """Translated files kept for ``/download_file`` at most (the oldest go first)."""
    serve_files_max_bytes: int = 500_000_000
    """Bytes of translated files kept for ``/download_file`` at most (the oldest go first)."""
    serve_rate_identities: int = 10_000
    """Keys or client addresses the rate limiter remembers at once (idle ones are forgotten)."""
    serve_metrics_public: bool = False
    """Answer ``/metrics`` to any client; off: only to clients on loopback (403 otherwise)."""
    serve_feeds: bool = False
    """Poll the watched feeds (``tarjama feeds add``) in the background while serving."""

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def hub_cache_dir(self) -> Path:
        return self.hub_cache if self.hub_cache is not None else self.home / "hub"

    @property
    def memory_path(self) -> Path:
        return self.home / "memory.sqlite"

    @property
    def cache_dir(self) -> Path:
        """Files tarjama can always recompute (a chat model's prompt state when the model's
        own folder is read-only)."""
        return self.home / "cache"


def load_settings(**overrides: object) -> Settings:
    """The settings from the environment (and ``overrides``), checked.

    A bad value (``TARJAMA_THREADS=abc``) is a :class:`ConfigurationError` naming the variable,
    so every command reports it in one line with the configuration exit code.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigurationError(_describe(exc)) from exc


def _describe(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors(include_url=False):
        field = ".".join(str(part) for part in error["loc"])
        name = f"TARJAMA_{field.upper()}" if field else "settings"
        problems.append(f"{name}={error.get('input')!r} is not valid: {error['msg']}")
    return "; ".join(problems)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
