"""Fixtures for the checks: the built-in lexicon, real model outputs, the example article.

``qwen_flores_dev.jsonl`` holds lines copied verbatim from an evaluation run of the default
model (Qwen2.5-1.5B-Instruct, Q4) on FLORES-200 dev (``tarjama eval`` writes
``segments.jsonl``): ``index`` is the FLORES dev line, ``source`` the Arabic, ``reference`` the
human English, ``target`` the model's English, ``score`` its mean token log-probability and
``flags`` what the pipeline flagged then (before these checks existed). Each line is used by a
test for the failure it shows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tarjama.terms import Lexicon

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return Lexicon.load_builtin()


@pytest.fixture(scope="session")
def qwen() -> dict[int, dict[str, Any]]:
    """Real Qwen2.5-1.5B outputs on FLORES-200 dev, by FLORES line."""
    with (HERE / "qwen_flores_dev.jsonl").open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    return {record["index"]: record for record in records}


@pytest.fixture(scope="session")
def article(shared_dir: Path) -> list[tuple[str, str]]:
    """The example article: (Arabic, published English) paragraph pairs."""
    folder = shared_dir / "examples"
    arabic = (folder / "article-01.ar.txt").read_text(encoding="utf-8").split("\n\n")
    english = (folder / "article-01.en.txt").read_text(encoding="utf-8").split("\n\n")
    assert len(arabic) == len(english) == 8
    return [(a.strip(), e.strip()) for a, e in zip(arabic, english, strict=True)]


@pytest.fixture(scope="session")
def flores_dev(shared_dir: Path) -> list[tuple[str, str]]:
    """The 997 FLORES-200 dev pairs (Arabic, reference English)."""
    folder = shared_dir / "data" / "eval"
    arabic = (folder / "flores200.dev.ar").read_text(encoding="utf-8").splitlines()
    english = (folder / "flores200.dev.en").read_text(encoding="utf-8").splitlines()
    assert len(arabic) == len(english) == 997
    return list(zip(arabic, english, strict=True))
