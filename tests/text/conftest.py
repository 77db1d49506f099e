"""Real Arabic for the text tests: the example article and the FLORES-200 dev set."""

from __future__ import annotations

from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[2]
_SHARED = next(
    (p for p in (_ROOT / "shared", _ROOT.parent / "shared") if (p / "examples").is_dir()),
    _ROOT / "shared",
)


def _read(relative: str) -> str:
    path = _SHARED / relative
    if not path.is_file():
        pytest.skip(f"{relative} not found under {_SHARED}")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def article_paragraphs() -> list[str]:
    """The eight paragraphs of examples/article-01.ar.txt."""
    paragraphs = [p.strip() for p in _read("examples/article-01.ar.txt").split("\n\n")]
    return [p for p in paragraphs if p]


@pytest.fixture(scope="session")
def flores_ar() -> list[str]:
    """The 997 Arabic lines of the FLORES-200 dev set."""
    return _read("data/eval/flores200.dev.ar").splitlines()


@pytest.fixture(scope="session")
def flores_en() -> list[str]:
    """The 997 English lines of the FLORES-200 dev set."""
    return _read("data/eval/flores200.dev.en").splitlines()
