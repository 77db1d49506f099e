"""Fixtures for engine tests: real Arabic segments and tiny NLLB / M2M-100 models."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tarjama.document import Segment


def _segments(text: str) -> list[Segment]:
    sentences = [
        sentence
        for paragraph in text.split("\n")
        for sentence in re.split(r"(?<=[.!؟])\s+", paragraph.strip())
        if sentence
    ]
    return [
        Segment(id=f"s{i}", block_id="b0", index=i, source=s, start=0, end=len(s))
        for i, s in enumerate(sentences)
    ]


@pytest.fixture(scope="session")
def article_segments(shared_dir: Path) -> list[Segment]:
    """The sentences of a real Arabic news article, long and short mixed."""
    path = shared_dir / "examples" / "article-01.ar.txt"
    segments = _segments(path.read_text(encoding="utf-8"))
    assert len(segments) > 5
    return segments


@pytest.fixture(scope="session")
def tiny_nllb_hf(tiny_marian_hf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An NLLB-200-shaped folder (depends on ``tiny_marian_hf`` for its skips)."""
    from support.tiny_marian import build_tiny_nllb

    return build_tiny_nllb(tmp_path_factory.mktemp("tiny-nllb") / "tiny-nllb-hf")


@pytest.fixture(scope="session")
def tiny_m2m100_hf(tiny_marian_hf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An M2M-100-shaped folder (depends on ``tiny_marian_hf`` for its skips)."""
    from support.tiny_marian import build_tiny_m2m100

    return build_tiny_m2m100(tmp_path_factory.mktemp("tiny-m2m100") / "tiny-m2m100-hf")
