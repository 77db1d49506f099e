"""Translation-memory suggestions from a real ``tarjama serve``: in ``/v1/translate``'s answer
and beside the sentence on the web page (Debian's Chromium driven by Playwright), while the
LibreTranslate routes answer exactly as before. The memory is a real file in the server's home,
filled before it starts."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import sync_playwright
from serving import Server, running_server

from tarjama.memory import Entry, TranslationMemory

STORED = "قال الرئيس إن المفاوضات ستستأنف الأسبوع المقبل في جنيف."
STORED_EN = "The president said the negotiations would resume next week in Geneva."
ASKED = "قال الرئيس إن المفاوضات ستستأنف الشهر المقبل في جنيف."
OTHER = "وأعلنت وزارة الصحة تسجيل إصابات جديدة بفيروس كورونا."
TEXT = f"{ASKED}\n\n{OTHER}"

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def server(tiny_marian_ct2: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("serve-suggestions")
    with TranslationMemory(home / "memory.sqlite") as memory:
        memory.store_many([Entry(STORED, STORED_EN, "human", engine="tsv")])
    with running_server(tiny_marian_ct2, home) as running:
        yield running


def check_suggestions(segments: list[dict[str, Any]]) -> dict[str, Any]:
    asked, other = segments
    (suggestion,) = asked["suggestions"]
    assert set(suggestion) == {"source", "target", "score", "origin"}
    assert (suggestion["source"], suggestion["target"]) == (STORED, STORED_EN)
    assert suggestion["origin"] == "human" and 75 <= suggestion["score"] < 100
    assert other["suggestions"] == []
    return dict(suggestion)


def test_v1_translate_answers_with_suggestions(server: Server) -> None:
    with server.client() as http:
        answer = http.post("/v1/translate", json={"text": TEXT, "format": "text"})
        assert answer.status_code == 200, answer.text
        check_suggestions(answer.json()["segments"])
        # the LibreTranslate route is unchanged: the English only
        libre = http.post("/translate", json={"q": ASKED, "source": "ar", "target": "en"})
    assert libre.status_code == 200 and set(libre.json()) == {"translatedText"}


def test_the_web_page_shows_suggestions_beside_the_sentence(server: Server, tmp_path: Path) -> None:
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is not installed (make test-deps installs it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True)
        page = browser.new_page(base_url=server.url, viewport={"width": 1280, "height": 900})
        page.goto("/")
        page.fill("#source-text", TEXT)
        with page.expect_response("**/web/translate") as response:
            page.click("#translate-button")
        data = response.value.json()
        page.wait_for_selector("#result:not([hidden]) .pair")
        segments = [s for block in data["blocks"] for s in block["segments"]]
        suggestion = check_suggestions(segments)
        first, second = (s["id"] for s in segments)

        notes = page.locator(f'#pairs .tgt .seg[data-seg="{first}"] .suggestion')
        assert notes.count() == 1
        assert notes.get_attribute("data-score") == str(suggestion["score"])
        assert notes.get_attribute("data-origin") == "human"
        assert notes.locator(".suggestion-target").inner_text() == STORED_EN
        assert notes.locator(".suggestion-score").inner_text().startswith(f"{suggestion['score']}%")
        source = notes.locator(".suggestion-source")
        assert not source.is_visible()  # the stored Arabic shows on hover, as a CAT tool's does
        notes.hover()
        assert source.is_visible() and source.inner_text() == STORED
        assert page.locator(f'#pairs .tgt .seg[data-seg="{second}"] .suggestion').count() == 0
        assert page.locator("#pairs .src .suggestion").count() == 0
        assert "1 with memory matches" in page.inner_text("#status")
        page.screenshot(path=str(tmp_path / "suggestions.png"), full_page=True)
        browser.close()
