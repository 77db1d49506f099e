"""The page at ``/``, end to end: a real server, a real model, Debian's Chromium driven by
Playwright.

The server is ``tarjama serve`` in a subprocess, started as a user starts it, with the tiny
random-weight CTranslate2 Marian model: its English is nonsense, but real nonsense that goes
through every stage (and gets real quality flags). Every check compares what the page shows
or downloads with the JSON the server sent for that very translation.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from playwright.sync_api import Browser, Page
from serving import Server

XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

pytestmark = pytest.mark.timeout(300)


# --- the server and the browser ---------------------------------------------------------------


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh browser context (empty localStorage) on the page of ``tarjama serve``, which
    ``server`` (tests/serve/conftest.py) runs with the tiny model and its own TARJAMA_HOME."""
    context = browser.new_context(
        base_url=server.url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.goto("/")
    yield page
    context.close()


@pytest.fixture(scope="module")
def article(shared_dir: Path) -> str:
    """The first three paragraphs of a real article (the third has two sentences)."""
    text = (shared_dir / "examples" / "article-01.ar.txt").read_text(encoding="utf-8")
    return "\n\n".join(text.split("\n\n")[:3])


def translate(page: Page) -> dict[str, Any]:
    """Click Translate and return the JSON the page received and drew."""
    with page.expect_response("**/web/translate") as response:
        page.click("#translate-button")
    assert response.value.ok, response.value.text()
    data: dict[str, Any] = response.value.json()
    page.wait_for_selector("#result:not([hidden]) .pair")
    return data


def segments(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [segment for block in data["blocks"] for segment in block["segments"]]


def seg_ids(page: Page, side: str) -> list[str]:
    return page.eval_on_selector_all(f"#pairs .{side} .seg", "els => els.map(e => e.dataset.seg)")


def download(page: Page, kind: str) -> bytes:
    with page.expect_download() as info:
        page.click(f"#download-{kind}")
    path = info.value.path()
    assert path is not None
    return Path(path).read_bytes()


# --- the page ---------------------------------------------------------------------------------


def test_paste_translate_side_by_side(page: Page, article: str, tmp_path: Path) -> None:
    page.fill("#source-text", article)
    data = translate(page)
    ids = [s["id"] for s in segments(data)]
    assert len(ids) >= 4 and len(set(ids)) == len(ids)
    # one row per paragraph, the same sentences in the same order on both sides
    assert page.locator("#pairs .pair").count() == len(data["blocks"]) == 3
    assert seg_ids(page, "src") == seg_ids(page, "tgt") == ids
    assert page.locator("#pairs .src").first.get_attribute("dir") == "rtl"
    assert page.locator("#pairs .src").first.get_attribute("lang") == "ar"
    assert page.locator("#pairs .tgt").first.get_attribute("lang") == "en"
    sources = page.locator("#pairs .src .seg .seg-text").all_inner_texts()
    assert sources == [s["source"] for s in segments(data)]
    assert all(s["source"] in article for s in segments(data))

    # hovering a sentence lights up its twin, from either side
    first, last = ids[0], ids[-1]
    page.hover(f'#pairs .src .seg[data-seg="{first}"]')
    assert "hl" in page.get_attribute(f'#pairs .tgt .seg[data-seg="{first}"]', "class")
    assert page.locator("#pairs .seg.hl").count() == 2
    page.hover(f'#pairs .tgt .seg[data-seg="{last}"] .seg-text')
    assert "hl" in page.get_attribute(f'#pairs .src .seg[data-seg="{last}"]', "class")
    assert page.locator(f'#pairs .seg.hl[data-seg="{first}"]').count() == 0

    # and so does focusing it from the keyboard (the mouse moved away, so only focus counts)
    page.mouse.move(1, 1)  # the page margin: no sentence there, whatever the scroll
    assert page.locator("#pairs .seg.hl").count() == 0
    page.focus(f'#pairs .src .seg[data-seg="{ids[1]}"]')
    assert "hl" in page.get_attribute(f'#pairs .tgt .seg[data-seg="{ids[1]}"]', "class")

    # every flag of every segment is a badge on its English, with the server's explanation
    flagged = [s for s in segments(data) if s["flags"]]
    assert flagged, "the tiny model's nonsense should be flagged"
    for segment in segments(data):
        badges = page.locator(f'#pairs .tgt .seg[data-seg="{segment["id"]}"] .flag')
        assert badges.evaluate_all("els => els.map(e => e.dataset.flag)") == segment["flags"]
        tips = badges.evaluate_all("els => els.map(e => e.dataset.tip)")
        assert tips == [data["flag_help"][code] for code in segment["flags"]]
    assert page.locator("#pairs .src .flag").count() == 0
    assert f"{len(ids)} sentences, {len(flagged)} flagged" in page.inner_text("#status")

    page.hover(f'#pairs .src .seg[data-seg="{ids[2]}"]')
    # the test's own screenshot (docs/screenshots/ is made with a real model by
    # scripts/web_screenshot.py; a test run never writes into the repository)
    shot = tmp_path / "web-ui.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000


def test_downloads_match_what_was_shown(page: Page, article: str) -> None:
    page.fill("#source-text", article)
    data = translate(page)
    shown = segments(data)
    targets = [s["target"] for s in shown]

    text = download(page, "txt").decode("utf-8")
    assert [p for p in text.split("\n\n") if p.strip()] == [
        " ".join(s["target"] for s in block["segments"]) for block in data["blocks"]
    ]

    html = download(page, "html").decode("utf-8")
    assert all(target in html for target in targets)

    word = docx.Document(io.BytesIO(download(page, "docx")))
    paragraphs = [p.text for p in word.paragraphs if p.text.strip()]
    assert paragraphs == [
        " ".join(s["target"] for s in block["segments"]) for block in data["blocks"]
    ]

    tmx = ET.fromstring(download(page, "tmx"))
    pairs = [
        {tuv.get(XML_LANG): tuv.findtext("seg") for tuv in tu.iter("tuv")} for tu in tmx.iter("tu")
    ]
    assert pairs == [{"ar": s["source"], "en": s["target"]} for s in shown]

    xliff = ET.fromstring(download(page, "xliff"))
    assert (xliff.get("srcLang"), xliff.get("trgLang")) == ("ar", "en")
    units = xliff.iter(f"{XLIFF}segment")
    assert [
        (unit.findtext(f"{XLIFF}source"), unit.findtext(f"{XLIFF}target")) for unit in units
    ] == [(s["source"], s["target"]) for s in shown]


def test_upload_html_then_docx(page: Page, article: str, tmp_path: Path) -> None:
    first, second, _third = article.split("\n\n")
    page_html = tmp_path / "story.html"
    page_html.write_text(
        f'<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">'
        f"<title>خبر</title></head><body><h1>روسيا وأوكرانيا</h1><p>{first}</p>"
        f"<p>{second}</p></body></html>",
        encoding="utf-8",
    )
    page.set_input_files("#source-file", str(page_html))
    assert page.is_visible("#clear-file")
    data = translate(page)
    assert (data["format"], data["name"]) == ("html", "story.html")
    assert seg_ids(page, "src") == seg_ids(page, "tgt") == [s["id"] for s in segments(data)]
    shown_sources = page.locator("#pairs .src .seg-text").all_inner_texts()
    assert "روسيا وأوكرانيا" in shown_sources and first in " ".join(shown_sources)
    english = download(page, "html").decode("utf-8")
    assert '<html lang="en"' in english and "<h1>" in english  # the page's own shape, in English

    word = docx.Document()
    word.add_heading("روسيا وأوكرانيا", level=1)
    word.add_paragraph(first)
    word.add_paragraph(second)
    buffer = io.BytesIO()
    word.save(buffer)
    (tmp_path / "story.docx").write_bytes(buffer.getvalue())
    page.set_input_files("#source-file", str(tmp_path / "story.docx"))
    data = translate(page)
    assert (data["format"], data["name"]) == ("docx", "story.docx")
    assert [block["id"] for block in data["blocks"]] == ["p1", "p2", "p3"]
    assert page.locator("#pairs .pair").count() == 3
    assert seg_ids(page, "src") == seg_ids(page, "tgt") == [s["id"] for s in segments(data)]
    # the Word download is the uploaded file with its paragraphs in English
    english_word = docx.Document(io.BytesIO(download(page, "docx")))
    assert english_word.paragraphs[0].style.name == "Heading 1"
    assert [p.text for p in english_word.paragraphs] == [
        " ".join(s["target"] for s in block["segments"]) for block in data["blocks"]
    ]

    # removing the file goes back to the pasted text
    page.click("#clear-file")
    assert page.input_value("#source-file") == ""
    page.fill("#source-text", first)
    data = translate(page)
    assert data["name"] is None and len(data["blocks"]) == 1


def test_glossary_is_edited_kept_and_sent(page: Page, article: str) -> None:
    page.click("#glossary-panel summary")
    page.click("#glossary-add")
    page.fill('#glossary-rows input[aria-label="Arabic term 1"]', "بوتين")
    page.fill('#glossary-rows input[aria-label="English term 1"]', "Putin")
    page.click("#glossary-add")
    page.fill('#glossary-rows input[aria-label="Arabic term 2"]', "زيلينسكي")
    page.fill('#glossary-rows input[aria-label="English term 2"]', "Zelensky")
    page.fill('#glossary-rows input[aria-label="English term 2"]', "Zelenskyy")  # edited
    assert page.inner_text("#glossary-count") == "2"

    # kept in this browser: a reload shows the same rows
    page.reload()
    assert page.get_attribute("#glossary-panel", "open") is not None  # open: it has terms
    assert page.input_value('#glossary-rows input[aria-label="English term 2"]') == "Zelenskyy"
    page.click('#glossary-rows button[aria-label="Delete term 1"]')
    assert page.locator("#glossary-rows tr").count() == 1
    assert page.input_value('#glossary-rows input[aria-label="Arabic term 1"]') == "زيلينسكي"
    assert page.inner_text("#glossary-count") == "1"

    page.fill("#source-text", article)
    page.click("#glossary-add")  # a row left half-typed is sent but not used
    page.fill('#glossary-rows input[aria-label="Arabic term 2"]', "بوتين")
    with page.expect_request("**/web/translate") as request:
        data = translate(page)
    rows = [{"ar": "زيلينسكي", "en": "Zelenskyy"}, {"ar": "بوتين", "en": ""}]
    assert json.dumps(rows, ensure_ascii=False, separators=(",", ":")) in (
        request.value.post_data or ""
    )
    assert json.loads(page.evaluate("localStorage.getItem('tarjama.glossary.v1')")) == rows
    assert page.inner_text("#glossary-count") == "1"
    # the glossary was applied: every sentence naming him without "Zelenskyy" is flagged
    naming = [s for s in segments(data) if "زيلينسكي" in s["source"]]
    assert naming and data["warnings"] == []
    for segment in naming:
        assert ("glossary_violation" in segment["flags"]) == ("Zelenskyy" not in segment["target"])
        badges = page.locator(f'#pairs .tgt .seg[data-seg="{segment["id"]}"] .flag')
        assert badges.evaluate_all("els => els.map(e => e.dataset.flag)") == segment["flags"]


def test_errors_show_in_the_alert_region(page: Page) -> None:
    page.fill("#source-text", "   ")
    with page.expect_response("**/web/translate") as response:
        page.click("#translate-button")
    assert response.value.status == 400
    alert = page.locator("#alert")
    alert.wait_for(state="visible")
    assert alert.get_attribute("role") == "alert"
    assert alert.inner_text() == response.value.json()["error"]
    assert "Nothing to translate" in alert.inner_text()
    assert page.is_hidden("#result")
    assert page.is_enabled("#translate-button")  # the busy state is over
