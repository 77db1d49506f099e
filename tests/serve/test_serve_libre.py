"""The LibreTranslate-compatible routes, driven by the unmodified ``libretranslatepy`` client
and by plain HTTP, compared with the shapes LibreTranslate documents."""

from __future__ import annotations

import io
import json
import urllib.error

import docx
import pytest
from libretranslatepy import LibreTranslateAPI
from serving import ARABIC, ARABIC_2, Server


def test_libretranslatepy_client_translates_detects_and_lists(server: Server) -> None:
    client = LibreTranslateAPI(server.url)
    english = client.translate(ARABIC, source="ar", target="en")
    assert isinstance(english, str) and english.strip()
    assert client.detect(ARABIC)[0] == {"confidence": 100.0, "language": "ar"}
    languages = client.languages()
    assert {"code": "ar", "name": "Arabic", "targets": ["en"]} in languages


def test_libretranslatepy_client_sees_the_error_body(server: Server) -> None:
    client = LibreTranslateAPI(server.url)
    with pytest.raises(urllib.error.HTTPError) as caught:
        client.translate(ARABIC, source="fr", target="en")
    assert caught.value.code == 400
    assert json.loads(caught.value.read()) == {"error": "fr is not supported"}


def test_json_and_form_bodies_give_the_same_answer(server: Server) -> None:
    body = {"q": ARABIC, "source": "ar", "target": "en"}
    with server.client() as http:
        as_json = http.post("/translate", json=body)
        as_form = http.post("/translate", data=body)
    assert as_json.status_code == as_form.status_code == 200
    assert set(as_json.json()) == {"translatedText"}
    assert as_json.json() == as_form.json()


def test_a_list_of_texts_answers_a_list_with_detections(server: Server) -> None:
    body = {"q": [ARABIC, ARABIC_2], "source": "auto", "target": "en", "alternatives": 2}
    with server.client() as http:
        answer = http.post("/translate", json=body).json()
    assert set(answer) == {"translatedText", "detectedLanguage", "alternatives"}
    assert len(answer["translatedText"]) == 2
    assert all(isinstance(t, str) and t for t in answer["translatedText"])
    assert answer["detectedLanguage"] == [{"confidence": 100.0, "language": "ar"}] * 2
    # one list of other translations per text (CTranslate2's n-best; see test_serve_alternatives)
    assert len(answer["alternatives"]) == 2
    for english, others in zip(answer["translatedText"], answer["alternatives"], strict=True):
        assert len(others) <= 2 and english not in others


def test_auto_on_a_single_text_gives_one_detection(server: Server) -> None:
    with server.client() as http:
        answer = http.post("/translate", json={"q": ARABIC, "source": "auto", "target": "en"})
    assert answer.json()["detectedLanguage"] == {"confidence": 100.0, "language": "ar"}


def test_html_keeps_its_markup(server: Server) -> None:
    body = {"q": f"<p>{ARABIC}</p>", "source": "ar", "target": "en", "format": "html"}
    with server.client() as http:
        text = http.post("/translate", json=body).json()["translatedText"]
    assert text.startswith("<p>") and text.endswith("</p>")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"source": "ar", "target": "en"}, "Invalid request: missing q parameter"),
        ({"q": ARABIC, "target": "en"}, "Invalid request: missing source parameter"),
        ({"q": ARABIC, "source": "ar"}, "Invalid request: missing target parameter"),
        ({"q": ARABIC, "source": "ar", "target": "fr"}, "fr is not supported"),
        ({"q": ARABIC, "source": "ar", "target": "en", "format": "pdf"},
         "pdf format is not supported"),
        ({"q": ARABIC, "source": "ar", "target": "en", "alternatives": "many"},
         "Invalid request: alternatives parameter is not a number"),
        ({"q": ARABIC, "source": "ar", "target": "en", "alternatives": "1.5"},
         "Invalid request: alternatives parameter is not a number"),
        ({"q": ARABIC, "source": "ar", "target": "en", "alternatives": [2]},
         "Invalid request: alternatives parameter is not a number"),
        ({"q": ARABIC, "source": "ar", "target": "en", "alternatives": True},
         "Invalid request: alternatives parameter is not a number"),
        ({"q": ARABIC, "source": "ar", "target": "en", "alternatives": 4},
         "Invalid request: alternatives parameter must be <= 3"),
    ],
)  # fmt: skip
def test_bad_requests_are_400_with_libretranslate_messages(
    server: Server, body: dict[str, object], message: str
) -> None:
    with server.client() as http:
        answer = http.post("/translate", json=body)
    assert answer.status_code == 400
    assert answer.json() == {"error": message}


def test_malformed_json_and_too_long_text_are_400(server: Server) -> None:
    with server.client() as http:
        broken = http.post(
            "/translate", content=b"{q:", headers={"content-type": "application/json"}
        )
        not_object = http.post("/translate", json=["q"])
        long = http.post("/translate", json={"q": "ب" * 20_001, "source": "ar", "target": "en"})
    assert (broken.status_code, broken.json()) == (400, {"error": "Invalid JSON format"})
    assert (not_object.status_code, not_object.json()) == (400, {"error": "Invalid JSON format"})
    assert long.status_code == 400
    assert long.json() == {"error": "Invalid request: request (20001) exceeds text limit (20000)"}


def test_detect_lists_candidates_and_needs_q(server: Server) -> None:
    with server.client() as http:
        english = http.post("/detect", data={"q": "The talks will resume tomorrow."}).json()
        missing = http.post("/detect", json={})
    assert english[0]["language"] == "en" and english[0]["confidence"] == 100.0
    assert missing.status_code == 400
    assert missing.json() == {"error": "Invalid request: missing q parameter"}


def test_frontend_settings_has_libretranslates_fields(server: Server) -> None:
    with server.client() as http:
        settings = http.get("/frontend/settings").json()
    assert set(settings) == {
        "charLimit", "frontendTimeout", "apiKeys", "keyRequired", "suggestions",
        "filesTranslation", "supportedFilesFormat", "language",
    }  # fmt: skip
    assert settings["language"]["source"] == {"code": "ar", "name": "Arabic"}
    assert settings["keyRequired"] is False  # loopback: keys off by default
    assert {".txt", ".html", ".md", ".docx"} <= set(settings["supportedFilesFormat"])


def _translate_file(server: Server, name: str, data: bytes) -> bytes:
    with server.client() as http:
        answer = http.post(
            "/translate_file",
            data={"source": "ar", "target": "en"},
            files={"file": (name, data)},
        )
        assert answer.status_code == 200, answer.text
        url = answer.json()["translatedFileUrl"]
        assert set(answer.json()) == {"translatedFileUrl"}
        assert url.startswith(f"{server.url}/download_file/") and url.endswith(name)
        download = http.get(url)
    assert download.status_code == 200
    assert name in download.headers["content-disposition"]
    return download.content


@pytest.mark.parametrize(
    ("name", "text", "keeps"),
    [
        ("news.txt", f"{ARABIC}\n\n{ARABIC_2}\n", "\n\n"),
        ("news.html", f"<html><body><h1>{ARABIC}</h1><p>{ARABIC_2}</p></body></html>", "<h1>"),
        ("news.md", f"# {ARABIC}\n\n- {ARABIC_2}\n", "# "),
    ],
)
def test_text_files_come_back_in_their_own_shape(
    server: Server, name: str, text: str, keeps: str
) -> None:
    english = _translate_file(server, name, text.encode("utf-8")).decode("utf-8")
    assert keeps in english
    assert english != text


def test_a_word_file_comes_back_as_a_word_file(server: Server) -> None:
    document = docx.Document()
    document.add_heading(ARABIC, level=1)
    document.add_paragraph(ARABIC_2)
    document.add_paragraph("Reuters")
    buffer = io.BytesIO()
    document.save(buffer)
    english = docx.Document(io.BytesIO(_translate_file(server, "article.docx", buffer.getvalue())))
    paragraphs = [p.text for p in english.paragraphs]
    assert len(paragraphs) == 3
    assert paragraphs[0] != ARABIC and paragraphs[1] != ARABIC_2
    assert paragraphs[2] == "Reuters"  # no Arabic: passed through


def test_file_errors_are_400_and_downloads_cannot_escape(server: Server) -> None:
    with server.client() as http:
        pdf = http.post(
            "/translate_file", data={"source": "ar", "target": "en"},
            files={"file": ("a.pdf", b"%PDF-1.4")},
        )  # fmt: skip
        no_file = http.post("/translate_file", data={"source": "ar", "target": "en"})
        binary = http.post(
            "/translate_file", data={"source": "ar", "target": "en"},
            files={"file": ("a.txt", b"\x00\x01\x02\xff" * 50)},
        )  # fmt: skip
        escape = http.get("/download_file/..%2F..%2Fkeys.sqlite")
        unknown = http.get("/download_file/0123456789abcdef0123456789abcdef.x.txt")
    assert (pdf.status_code, pdf.json()) == (
        400,
        {"error": "Invalid request: file format not supported"},
    )
    assert no_file.json() == {"error": "Invalid request: missing file parameter"}
    assert binary.status_code == 400 and "error" in binary.json()
    assert escape.status_code == 404 and unknown.status_code == 404
    assert unknown.json() == {"error": "Invalid filename"}
