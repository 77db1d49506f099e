"""The page at ``/`` when the server wants API keys: Debian's Chromium driven by Playwright.

The page is held to the same access check as the APIs, so it must ask for a key, keep it in
localStorage, send it with the translation and with every download (a link cannot carry a
header: the page fetches the file itself and hands it to the browser).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from serving import ARABIC, ARABIC_2, Server, running_server

from tarjama.serve.keys import KeyStore

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def server(tiny_marian_ct2: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("serve-web-keys")
    with running_server(tiny_marian_ct2, home, {"TARJAMA_SERVE_API_KEYS": "on"}) as running:
        yield running


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    context = browser.new_context(base_url=server.url, accept_downloads=True)
    page = context.new_page()
    page.goto("/")
    yield page
    context.close()


def test_the_page_asks_for_a_key_then_translates_and_downloads_with_it(
    page: Page, server: Server
) -> None:
    _, key = KeyStore(server.home / "keys.sqlite").add("newsroom", rate_limit=0, char_limit=0)
    page.wait_for_selector("#key-panel[open]")  # /frontend/settings said a key is required
    page.fill("#source-text", f"{ARABIC} {ARABIC_2}")

    with page.expect_response("**/web/translate") as refused:
        page.click("#translate-button")
    assert refused.value.status == 401
    page.locator("#alert").wait_for(state="visible")
    assert page.inner_text("#alert") == "an API key is required"

    page.fill("#api-key", key)
    with page.expect_response("**/web/translate") as answered:
        page.click("#translate-button")
    assert answered.value.status == 200, answered.value.text()
    assert answered.value.request.headers["x-api-key"] == key
    page.wait_for_selector("#result:not([hidden]) .pair")
    english = " ".join(s["target"] for b in answered.value.json()["blocks"] for s in b["segments"])

    with page.expect_download() as info:
        page.click("#download-txt")
    path = info.value.path()
    assert path is not None and Path(path).read_text(encoding="utf-8").strip() == english
    assert info.value.suggested_filename == "article.en.txt"

    page.reload()  # the key stays in this browser
    assert page.input_value("#api-key") == key


def test_a_revoked_key_shows_the_servers_message(page: Page, server: Server) -> None:
    store = KeyStore(server.home / "keys.sqlite")
    _, key = store.add("leaver", rate_limit=0, char_limit=0)
    assert store.revoke("leaver") is not None
    page.fill("#api-key", key)
    page.fill("#source-text", ARABIC)
    with page.expect_response("**/web/translate") as refused:
        page.click("#translate-button")
    assert refused.value.status == 403
    page.locator("#alert").wait_for(state="visible")
    assert page.inner_text("#alert") == "This API key has been revoked"
    assert page.locator("#key-panel[open]").count() == 1
