"""A real memory file per test (SQLite in ``tmp_path``), closed afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tarjama.memory import TranslationMemory


@pytest.fixture
def memory(tmp_path: Path) -> Iterator[TranslationMemory]:
    tm = TranslationMemory(tmp_path / "home" / "memory.sqlite")
    yield tm
    tm.close()
