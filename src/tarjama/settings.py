"""Settings: the one place that reads the environment (``TARJAMA_*``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


def _default_home() -> Path:
    return Path(platformdirs.user_data_dir("tarjama", appauthor=False))


class Settings(BaseSettings):
    """Where state lives and which model is the default; every field has a ``TARJAMA_`` variable."""

    model_config = SettingsConfigDict(env_prefix="TARJAMA_", extra="ignore")

    home: Path = Field(default_factory=_default_home)
    model: str = "qwen2.5-coder-1.5b-instruct"
    threads: int = 0
    data: Path | None = None
    hub_url: str = "https://huggingface.co"
    hub_token: str | None = None
    openai_base_url: str = "http://127.0.0.1:11434/v1"
    openai_api_key: str | None = None
    offline: bool = False
    max_input_bytes: int = 2_000_000
    """Largest input accepted (0 = no limit): a bigger file is refused with a clear error
    before it is read, rather than tying a CPU up for hours; split it or raise the limit."""

    @property
    def models_dir(self) -> Path:
        return self.home / "models"

    @property
    def memory_path(self) -> Path:
        return self.home / "memory.sqlite"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
