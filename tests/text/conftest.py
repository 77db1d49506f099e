"""Real Arabic for the text tests: the example article and the FLORES-200 dev set."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def _read(shared_dir: Path) -> Callable[[str], str]:
    return lambda relative: (shared_dir / relative).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def article_paragraphs(_read: Callable[[str], str]) -> list[str]:
    """The eight paragraphs of examples/article-01.ar.txt."""
    paragraphs = [p.strip() for p in _read("examples/article-01.ar.txt").split("\n\n")]
    return [p for p in paragraphs if p]


@pytest.fixture(scope="session")
def flores_ar(_read: Callable[[str], str]) -> list[str]:
    """The 997 Arabic lines of the FLORES-200 dev set."""
    return _read("data/eval/flores200.dev.ar").splitlines()


@pytest.fixture(scope="session")
def flores_en(_read: Callable[[str], str]) -> list[str]:
    """The 997 English lines of the FLORES-200 dev set."""
    return _read("data/eval/flores200.dev.en").splitlines()
