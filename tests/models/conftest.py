"""Fixtures for the model room: an isolated TARJAMA_HOME and a local stand-in for the HF hub."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from models_fake_hub import FakeHub, serve_hub

from tarjama.settings import Settings


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings whose home is a fresh temporary folder (nothing installed, online)."""
    home = tmp_path / "home"
    monkeypatch.setenv("TARJAMA_HOME", str(home))
    monkeypatch.delenv("TARJAMA_OFFLINE", raising=False)
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):  # only the tests' own tokens are sent
        monkeypatch.delenv(name, raising=False)
    return Settings(home=home, offline=False)


@pytest.fixture
def fake_hub() -> Iterator[FakeHub]:
    """A running ``FakeHub``: it stands in for huggingface.co, which tests cannot reach."""
    with serve_hub() as hub:
        yield hub


@pytest.fixture
def hub_settings(settings: Settings, fake_hub: FakeHub) -> Settings:
    """``settings`` pointing at the fake hub."""
    return settings.model_copy(update={"hub_url": fake_hub.url})


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the real retry policy but with millisecond back-off, so tests stay quick."""
    from tarjama.models import hub

    monkeypatch.setattr(hub, "DEFAULT_BACKOFF", 0.01)
