"""Hostile uploads to a real ``tarjama serve``: both upload routes refuse a zip bomb and a Word
file whose text expands past the input limit with a clear JSON error, quickly, and stay up."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from serving import ARABIC, Server

from support.hostile_files import varied_text, word_file, zip_bomb

LIMIT = 2_000_000  # the server's default TARJAMA_MAX_INPUT_BYTES
ARTICLE = Path(__file__).parents[1] / "formats" / "data" / "article-01.ar.txt"


@pytest.fixture(scope="module")
def uploads() -> dict[str, tuple[bytes, int, str]]:
    """name → (bytes, expected status, words the error must hold)."""
    long_text = word_file(varied_text(ARTICLE.read_text(encoding="utf-8"), 3_000_000))
    return {
        "bomb.docx": (zip_bomb(), 400, "zip bomb"),
        "long.docx": (long_text, 413, "input limit"),
    }


def _post(server: Server, route: str, name: str, data: bytes) -> tuple[int, dict[str, str], float]:
    fields = {"source": "ar", "target": "en"} if route == "/translate_file" else {}
    started = time.perf_counter()
    with server.client() as http:
        answer = http.post(route, data=fields, files={"file": (name, data)})
    return answer.status_code, answer.json(), time.perf_counter() - started


@pytest.mark.parametrize("name", ["bomb.docx", "long.docx"])
@pytest.mark.parametrize("route", ["/translate_file", "/web/translate"])
def test_both_upload_routes_refuse_them(
    server: Server, uploads: dict[str, tuple[bytes, int, str]], route: str, name: str
) -> None:
    data, status, words = uploads[name]
    assert len(data) < LIMIT
    code, body, seconds = _post(server, route, name, data)
    assert code == status, body
    assert name in body["error"] and words in body["error"], body
    assert seconds < 10, f"{route} took {seconds:.1f} s to refuse {name}"
    # the server is unharmed and still translates
    with server.client() as http:
        assert http.get("/health").status_code == 200
        answer = http.post("/translate", json={"q": ARABIC, "source": "ar", "target": "en"})
    assert answer.status_code == 200, answer.text
