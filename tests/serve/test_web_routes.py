"""The web page's own JSON routes (``/web/...``) over a socket, against ``tarjama serve``.

``server`` (tests/serve/conftest.py) is the real server with the tiny random-weight model, so
every answer here went through the real pipeline.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

import docx
import httpx
import pytest
from serving import Server, running_server

from tarjama.checks import FLAG_CODES
from tarjama.document import Translation
from tarjama.serve.web import FLAG_HELP, KINDS, WebResult, WebStore
from tarjama.translator import Translator

pytestmark = pytest.mark.timeout(300)

ARABIC = "قال الرئيس إن الاجتماع سيعقد غداً في القاهرة. وأضاف أن الوفد سيصل صباحاً."
XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


def post(client: httpx.Client, **kwargs: Any) -> httpx.Response:
    return client.post("/web/translate", **kwargs)


def segments(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [segment for block in data["blocks"] for segment in block["segments"]]


def test_the_page_and_its_assets(client: httpx.Client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for asset, media in (("app.css", "text/css"), ("app.js", "text/javascript")):
        assert f'"/web/static/{asset}"' in page.text
        response = client.get(f"/web/static/{asset}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media)
    # nothing from outside: the page works offline
    assert not re.search(r"(src|href)=\"(https?:)?//", page.text)
    assert "http" not in client.get("/web/static/app.js").text
    for name in ("index.html", "web.py", "secret.txt"):
        missing = client.get(f"/web/static/{name}")
        assert missing.status_code == 404
        assert "no such file" in missing.json()["error"]
    assert client.get("/web/static/..%2Fweb.py").status_code == 404


def test_pasted_text_comes_back_as_sentence_pairs(client: httpx.Client) -> None:
    response = post(client, data={"text": f"{ARABIC}\r\n\r\nالطقس حار اليوم."})
    assert response.status_code == 200
    data = response.json()
    assert (data["format"], data["name"]) == ("text", None)
    assert [block["id"] for block in data["blocks"]] == ["p1", "p2"]
    first = data["blocks"][0]["segments"]
    assert [s["source"] for s in first] == [
        "قال الرئيس إن الاجتماع سيعقد غداً في القاهرة.",
        "وأضاف أن الوفد سيصل صباحاً.",
    ]
    for block in data["blocks"]:
        assert {s["block"] for s in block["segments"]} == {block["id"]}
    shown = segments(data)
    assert all(s["target"] and s["engine"] in ("ctranslate2", "memory") for s in shown)
    flags = {code for s in shown for code in s["flags"]}
    assert flags, "the tiny model's nonsense is flagged"
    assert data["flag_help"] == {code: FLAG_HELP[code] for code in sorted(flags)}
    assert data["downloads"] == {k: f"/web/download/{data['id']}.{k}" for k in KINDS}
    assert data["warnings"] == []
    # CRLF from the browser's form encoding is not carried into the English
    assert b"\r" not in client.get(data["downloads"]["txt"]).content


def test_every_check_has_an_explanation() -> None:
    assert set(FLAG_CODES) <= set(FLAG_HELP)
    assert all(text.endswith(".") and len(text) < 90 for text in FLAG_HELP.values())


def test_markdown_upload_downloads_in_its_own_shape(client: httpx.Client) -> None:
    markdown = f"# عاجل\n\n{ARABIC}\n".encode()
    files = {"file": ("note.md", markdown, "text/markdown")}
    data = post(client, files=files).json()
    assert (data["format"], data["name"]) == ("markdown", "note.md")
    heading, body = (segments(data)[0], segments(data)[1:])
    text = client.get(data["downloads"]["txt"])
    assert text.headers["content-disposition"] == 'attachment; filename="note.en.txt"'
    assert text.text == f"# {heading['target']}\n\n{' '.join(s['target'] for s in body)}\n"
    html = client.get(data["downloads"]["html"])
    assert html.headers["content-type"].startswith("text/html")
    assert '<html lang="en" dir="ltr">' in html.text
    assert re.findall(r"<h2>(.*?)</h2>", html.text) == [escape(heading["target"])]
    assert re.findall(r"<p>(.*?)</p>", html.text) == [escape(" ".join(s["target"] for s in body))]


def test_docx_with_a_table_keeps_its_tables(client: httpx.Client) -> None:
    word = docx.Document()
    word.add_paragraph(ARABIC)
    table = word.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "روسيا"
    table.cell(0, 1).text = "موسكو"
    buffer = io.BytesIO()
    word.save(buffer)
    files = {"file": ("tables.docx", buffer.getvalue(), "application/octet-stream")}
    data = post(client, files=files).json()
    assert data["format"] == "docx"
    assert [b["id"] for b in data["blocks"]] == ["p1", "t1.r1c1.p1", "t1.r1c2.p1"]
    english = client.get(data["downloads"]["docx"])
    assert english.headers["content-type"] == KINDS["docx"]
    assert english.headers["content-disposition"] == 'attachment; filename="tables.en.docx"'
    out = docx.Document(io.BytesIO(english.content))
    cells = [cell.text for cell in out.tables[0].rows[0].cells]
    by_block = {b["id"]: " ".join(s["target"] for s in b["segments"]) for b in data["blocks"]}
    assert cells == [by_block["t1.r1c1.p1"], by_block["t1.r1c2.p1"]]
    assert out.paragraphs[0].text == by_block["p1"]


def test_pair_downloads(client: httpx.Client) -> None:
    data = post(client, data={"text": ARABIC}).json()
    shown = segments(data)
    tmx = client.get(data["downloads"]["tmx"])
    assert tmx.headers["content-disposition"] == 'attachment; filename="article.tmx"'
    units = ET.fromstring(tmx.content).findall("./body/tu")
    assert [[seg.text for seg in tu.iter("seg")] for tu in units] == [
        [s["source"], s["target"]] for s in shown
    ]
    xliff = ET.fromstring(client.get(data["downloads"]["xliff"]).content)
    assert [
        (seg.findtext(f"{XLIFF}source"), seg.findtext(f"{XLIFF}target"))
        for seg in xliff.iter(f"{XLIFF}segment")
    ] == [(s["source"], s["target"]) for s in shown]


def test_the_glossary_is_applied(client: httpx.Client) -> None:
    plain = post(client, data={"text": ARABIC}).json()
    rows = '[{"ar": "القاهرة", "en": "Cairo"}, {"ar": "الوفد", "en": ""}]'
    with_terms = post(client, data={"text": ARABIC, "glossary": rows}).json()
    first, second = segments(with_terms)
    assert "glossary_violation" not in segments(plain)[0]["flags"]
    assert ("glossary_violation" in first["flags"]) == ("Cairo" not in first["target"])
    assert "glossary_violation" not in second["flags"]  # no Cairo there; الوفد had no English
    assert with_terms["warnings"] == []


@pytest.mark.parametrize(
    ("request_kwargs", "message"),
    [
        ({"data": {"text": "  \n "}}, "Nothing to translate"),
        ({"data": {"text": ARABIC, "glossary": "{not json"}}, "not valid JSON"),
        ({"data": {"text": ARABIC, "glossary": '{"ar": "x"}'}}, "must be a list"),
        (
            {
                "data": {
                    "text": ARABIC,
                    "glossary": '[{"ar": "", "en": ""}, {"ar": "Cairo", "en": "القاهرة"}]',
                }
            },
            "Glossary row 2: the Arabic 'Cairo' has no Arabic letter (are the columns swapped?)",
        ),
        ({"files": {"file": ("broken.docx", b"PK\x03\x04 not a zip", "x/y")}}, "Word"),
        ({"files": {"file": ("bad.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "text/plain")}}, "binary"),
    ],
)
def test_bad_input_is_a_clear_400(
    client: httpx.Client, request_kwargs: dict[str, Any], message: str
) -> None:
    response = post(client, **request_kwargs)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert message in error and "Traceback" not in error and error.strip()


def test_an_input_over_the_limit_is_413(tiny_marian_ct2: Path, tmp_path: Path) -> None:
    env = {"TARJAMA_MAX_INPUT_BYTES": "200"}
    with running_server(tiny_marian_ct2, tmp_path / "home", env) as small, small.client() as c:
        pasted = post(c, data={"text": ARABIC * 3})
        uploaded = post(c, files={"file": ("long.txt", (ARABIC * 3).encode(), "text/plain")})
        fits = post(c, data={"text": ARABIC[:40]})
    assert pasted.status_code == uploaded.status_code == 413
    assert "input limit" in pasted.json()["error"]
    assert "long.txt" in uploaded.json()["error"]
    assert fits.status_code == 200


def test_downloads_that_do_not_exist_are_404(client: httpx.Client) -> None:
    data = post(client, data={"text": ARABIC}).json()
    unknown_kind = client.get(f"/web/download/{data['id']}.pdf")
    assert unknown_kind.status_code == 404 and "pdf" in unknown_kind.json()["error"]
    forgotten = client.get("/web/download/0123456789abcdef.txt")
    assert forgotten.status_code == 404
    assert "translate it again" in forgotten.json()["error"]


def test_the_store_forgets_the_oldest(tiny_marian_ct2: Path) -> None:
    translator = Translator(model=str(tiny_marian_ct2), beam=1)
    results = [
        WebResult(translator.translate_document(f"{word} {ARABIC}".encode(), format="text"))
        for word in ("أولاً", "ثانياً", "ثالثاً")
    ]
    store = WebStore(size=2)
    first, second = store.add(results[0]), store.add(results[1])
    assert store.get(first) is results[0]  # now the most recently used
    third = store.add(results[2])
    assert len(store) == 2
    assert store.get(second) is None
    assert store.get(first) is results[0] and store.get(third) is results[2]
    assert all(isinstance(t, Translation) for t in results[2].translated.translations)
