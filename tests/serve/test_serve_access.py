"""One access check for every route that translates or hands back a translation.

One real ``tarjama serve`` with keys on. Every such route is tried with no key, a wrong key, a
revoked key, a good key, a key over its request rate, a key over its character rate and one
request alone over it, and must answer the status docs/serve.md gives ("Who may call what").
Keys are made and revoked in the server's own key database (``$TARJAMA_HOME/keys.sqlite``) while
it runs, as ``tarjama keys`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from serving import ARABIC, Server, running_server

from tarjama.serve.keys import KeyStore

FILE = ("news.txt", f"{ARABIC}\n".encode())


@dataclass(frozen=True)
class Route:
    """How one route is called, and how many characters one call costs."""

    name: str
    libre: bool  # LibreTranslate's routes answer a missing key with 400, as LibreTranslate does
    characters: int
    call: Callable[[httpx.Client, str | None, dict[str, str]], httpx.Response]
    ok: int = 200  # what the route answers a caller it lets in


def _headers(key: str | None) -> dict[str, str]:
    return {"X-API-Key": key} if key else {}


def _libre_body(key: str | None) -> dict[str, str]:
    return {"api_key": key} if key else {}


GLOSSARY = {"name": "desk", "entries": [{"arabic": "العاصمة", "english": "the capital"}]}


def _delete_a_fresh_glossary(
    http: httpx.Client, key: str | None, made: dict[str, str]
) -> httpx.Response:
    """Each call deletes a glossary of its own (made with another key), so a second call is
    refused for the caller's key or limits, never because the first one deleted it."""
    fresh = http.post("/v1/glossaries", json=GLOSSARY, headers=_headers(made["key"]))
    assert fresh.status_code == 201, fresh.text
    return http.delete(f"/v1/glossaries/{fresh.json()['id']}", headers=_headers(key))


ROUTES = [
    Route(
        "POST /translate", True, len(ARABIC),
        lambda http, key, made: http.post(
            "/translate", json={"q": ARABIC, "source": "ar", "target": "en", **_libre_body(key)}
        ),
    ),
    Route(
        "POST /translate_file", True, len(FILE[1]),
        lambda http, key, made: http.post(
            "/translate_file", data={"source": "ar", "target": "en", **_libre_body(key)},
            files={"file": FILE},
        ),
    ),
    Route(
        "GET /download_file/{name}", True, 0,
        lambda http, key, made: http.get(made["download_file"], headers=_headers(key)),
    ),
    Route(
        "POST /detect", True, len(ARABIC),
        lambda http, key, made: http.post("/detect", data={"q": ARABIC, **_libre_body(key)}),
    ),
    Route(
        "POST /v1/translate", False, len(ARABIC),
        lambda http, key, made: http.post(
            "/v1/translate", json={"text": ARABIC}, headers=_headers(key)
        ),
    ),
    Route(
        "POST /web/translate", False, len(ARABIC),
        lambda http, key, made: http.post(
            "/web/translate", data={"text": ARABIC}, headers=_headers(key)
        ),
    ),
    Route(
        "GET /web/download/{id}.txt", False, 0,
        lambda http, key, made: http.get(made["web_download"], headers=_headers(key)),
    ),
    Route(
        "POST /v1/glossaries", False, 0,
        lambda http, key, made: http.post("/v1/glossaries", json=GLOSSARY, headers=_headers(key)),
        ok=201,
    ),
    Route(
        "GET /v1/glossaries", False, 0,
        lambda http, key, made: http.get("/v1/glossaries", headers=_headers(key)),
    ),
    Route(
        "GET /v1/glossaries/{id}", False, 0,
        lambda http, key, made: http.get(made["glossary"], headers=_headers(key)),
    ),
    Route(
        "PUT /v1/glossaries/{id}", False, 0,
        lambda http, key, made: http.put(made["glossary"], json=GLOSSARY, headers=_headers(key)),
    ),
    Route("DELETE /v1/glossaries/{id}", False, 0, _delete_a_fresh_glossary, ok=204),
    Route(
        "GET /v1/models", False, 0,
        lambda http, key, made: http.get("/v1/models", headers=_headers(key)),
    ),
]  # fmt: skip

CASES = ["no key", "wrong key", "revoked key", "good key", "over the request rate",
         "over the character rate", "one request over the character rate"]  # fmt: skip


def expected(route: Route, case: str) -> int:
    """The documented status (docs/serve.md, "Who may call what")."""
    if case == "no key":
        return 400 if route.libre else 401
    if case in ("wrong key", "revoked key"):
        return 403
    if case == "over the request rate":
        return 429
    if case == "over the character rate":
        return 429 if route.characters else route.ok  # a download costs no characters
    if case == "one request over the character rate":  # waiting would not help: too large
        return 413 if route.characters else route.ok
    return route.ok


@pytest.fixture(scope="module")
def server(tiny_marian_ct2: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("serve-access")
    with running_server(tiny_marian_ct2, home, {"TARJAMA_SERVE_API_KEYS": "on"}) as running:
        yield running


@pytest.fixture(scope="module")
def store(server: Server) -> KeyStore:
    return KeyStore(server.home / "keys.sqlite")


@pytest.fixture(scope="module")
def made(server: Server, store: KeyStore) -> dict[str, str]:
    """A file translated by /translate_file and a page translation, to download; a glossary to
    read and replace; and the key that made them, to make more."""
    _, key = store.add("maker", rate_limit=0, char_limit=0)
    with server.client() as http:
        upload = http.post(
            "/translate_file", data={"source": "ar", "target": "en", "api_key": key},
            files={"file": FILE},
        )  # fmt: skip
        page = http.post("/web/translate", data={"text": ARABIC}, headers=_headers(key))
        glossary = http.post("/v1/glossaries", json=GLOSSARY, headers=_headers(key))
    assert upload.status_code == 200 and page.status_code == 200, (upload.text, page.text)
    assert glossary.status_code == 201, glossary.text
    url = httpx.URL(upload.json()["translatedFileUrl"])
    return {
        "download_file": url.path,
        "web_download": page.json()["downloads"]["txt"],
        "glossary": f"/v1/glossaries/{glossary.json()['id']}",
        "key": key,
    }


def _key_for(case: str, route: Route, store: KeyStore, index: int) -> str | None:
    if case == "no key":
        return None
    if case == "wrong key":
        return "tj_" + "x" * 43
    name = f"{case}-{index}"
    if case == "over the request rate":
        return store.add(name, rate_limit=1, char_limit=0)[1]
    if case == "over the character rate":  # one request fits, a second does not
        return store.add(name, rate_limit=0, char_limit=route.characters * 3 // 2 or 1)[1]
    if case == "one request over the character rate":
        return store.add(name, rate_limit=0, char_limit=route.characters // 2 or 1)[1]
    _, key = store.add(name, rate_limit=0, char_limit=0)
    if case == "revoked key":
        assert store.revoke(name) is not None
    return key


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_every_route_answers_the_documented_status(
    server: Server, store: KeyStore, made: dict[str, str], route: Route, case: str
) -> None:
    index = ROUTES.index(route)
    key = _key_for(case, route, store, index)
    with server.client() as http:
        if case.startswith("over the"):  # the first call spends the minute's allowance
            first = route.call(http, key, made)
            assert first.status_code == route.ok, first.text
        answer = route.call(http, key, made)
    want = expected(route, case)
    assert answer.status_code == want, f"{route.name} with {case}: {answer.text}"
    if want >= 400:
        assert set(answer.json()) == {"error"}  # never a traceback, always a message
    if want == 429:
        assert 1 <= int(answer.headers["retry-after"]) <= 60
    if want == 401:
        assert answer.headers["www-authenticate"].startswith("Bearer")


def test_public_routes_need_no_key(server: Server) -> None:
    """What docs/serve.md lists as public answers without a key (``/metrics``: on loopback)."""
    with server.client() as http:
        statuses = {
            path: http.get(path).status_code
            for path in ("/health", "/metrics", "/languages", "/frontend/settings", "/",
                         "/web/static/app.js", "/web/static/app.css", "/openapi.json", "/docs",
                         "/redoc")
        }  # fmt: skip
        keyed = http.get("/v1/models")
    assert statuses == dict.fromkeys(statuses, 200)
    assert keyed.status_code == 401


def test_the_page_sees_that_a_key_is_needed(server: Server) -> None:
    with server.client() as http:
        settings = http.get("/frontend/settings").json()
        page = http.get("/").text
    assert settings["keyRequired"] is True
    assert 'id="api-key"' in page
