"""Fixtures for the formats tests: real Arabic news text (article-01 from shared/examples)."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def article() -> str:
    """The whole Arabic article, a copy of shared/examples/article-01.ar.txt."""
    return (DATA / "article-01.ar.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def paragraphs(article: str) -> list[str]:
    """The article's paragraphs, all Arabic."""
    found = [p.strip() for p in article.split("\n\n") if p.strip()]
    assert len(found) >= 5
    return found
