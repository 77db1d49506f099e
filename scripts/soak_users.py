"""Locust users for ``scripts/soak.py``: a newsroom's traffic with keys on, good and bad.

Each user mixes, at random: valid requests (LibreTranslate JSON and form, ``/v1``, the web
page's text and file uploads, ``/translate_file`` of txt, html and docx, and the downloads
that follow), malformed ones (broken JSON, missing fields, bad ``alternatives``, unknown file
types), oversized ones (text over the character limit, bodies over the request limit, files
over the input limit) and unauthorised ones (no key, a wrong key, a revoked key). A key with a
low request rate is used now and then, so 429s happen too. The keys come from the environment
(``SOAK_KEY_GOOD``, ``SOAK_KEY_REVOKED``, ``SOAK_KEY_SLOW``), made by ``soak.py``.

Every answer is recorded as (kind, status, seconds, expected, right) in a JSON tally
(``--summary-out``), where ``expected`` says which statuses the request may get: ``ok`` (200,
or 429/503 with ``Retry-After`` when the server sheds load), ``4xx`` (a refusal, never a
success), or the exact set for the access cases; ``right`` is the verdict, judged here where the
answer's headers are at hand. Any 5xx is a failure. ``soak.py`` reads only the tally: it never
imports this file, since locust patches the standard library (gevent) when it is imported.
"""

from __future__ import annotations

import io
import json
import os
import random
import threading
import time
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

SENTENCES = [
    "قال الرئيس إن المحادثات ستستأنف غداً في العاصمة.",
    "أعلنت وزارة الصحة تسجيل {n} إصابة جديدة اليوم.",
    "وصل الوفد إلى القاهرة مساء الأحد لإجراء مشاورات.",
    "ارتفعت أسعار النفط بنسبة {n} في المئة خلال الأسبوع الماضي.",
    "دعت الأمم المتحدة إلى وقف فوري لإطلاق النار في {n} منطقة.",
]
SHED = (429, 503)  # load shedding: counted on their own line, neither success nor failure

_lock = threading.Lock()
_records: list[tuple[str, int, float, str, bool]] = []  # (kind, status, seconds, expected, right)
_started = time.time()


@events.init_command_line_parser.add_listener
def _options(parser: Any) -> None:
    parser.add_argument("--summary-out", type=str, default="", help="JSON file for the tally")


@events.quitting.add_listener
def _write(environment: Any, **_: Any) -> None:
    out = environment.parsed_options.summary_out if environment.parsed_options else ""
    if not out:
        return
    with _lock:
        rows = list(_records)
    tally = {"started": _started, "ended": time.time(), "shed": SHED, "requests": rows}
    Path(out).write_text(json.dumps(tally))


def sentence() -> str:
    """A news sentence with a fresh number now and then, so the memory keeps being written."""
    return random.choice(SENTENCES).format(n=random.randint(2, 5000))


def article(sentences: int = 3) -> str:
    return " ".join(sentence() for _ in range(sentences))


def docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(sentence(), level=1)
    for paragraph in text.split("\n\n"):
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def a_file() -> tuple[str, bytes]:
    kind = random.choice(("txt", "html", "docx"))
    if kind == "txt":
        return "news.txt", f"{article()}\n\n{article(2)}\n".encode()
    if kind == "html":
        html = f"<html><body><h1>{sentence()}</h1><p>{article()}</p></body></html>"
        return "news.html", html.encode()
    return "news.docx", docx_bytes(f"{article()}\n\n{article(2)}")


def allowed(expected: str, status: int, headers: Any) -> bool:
    """Whether ``status`` is right for a request ``expected`` to answer so."""
    if status >= 500 and status != 503:
        return False
    if status in SHED:  # shed load must say when to come back
        return "retry-after" in headers
    if expected == "ok":
        return status in (200, 201)
    if expected == "4xx":
        return 400 <= status < 500
    return str(status) in expected.split("|")


class NewsDesk(HttpUser):
    wait_time = between(0.05, 0.5)

    def on_start(self) -> None:
        self.good = os.environ.get("SOAK_KEY_GOOD", "")
        self.revoked = os.environ.get("SOAK_KEY_REVOKED", "")
        self.slow = os.environ.get("SOAK_KEY_SLOW", "")

    # -- sending and recording ---------------------------------------------------------------

    def send(self, kind: str, expected: str, method: str, path: str, **options: Any) -> Any:
        started = time.perf_counter()
        with self.client.request(method, path, catch_response=True, name=kind, **options) as r:
            seconds = time.perf_counter() - started
            right = allowed(expected, r.status_code, r.headers)
            with _lock:
                _records.append((kind, r.status_code, seconds, expected, right))
            if right:
                r.success()
            else:
                r.failure(f"{kind}: status {r.status_code} (expected {expected})")
            return r

    def key(self) -> dict[str, str]:
        return {"X-API-Key": self.good}

    # -- valid traffic -----------------------------------------------------------------------

    @task(10)
    def libre_json(self) -> None:
        body = {"q": article(random.randint(1, 3)), "source": "ar", "target": "en",
                "api_key": self.good}  # fmt: skip
        if random.random() < 0.2:
            body["alternatives"] = random.randint(1, 3)
        self.send("libre-json", "ok", "POST", "/translate", json=body)

    @task(5)
    def libre_form(self) -> None:
        body = {"q": sentence(), "source": "auto", "target": "en", "api_key": self.good}
        self.send("libre-form", "ok", "POST", "/translate", data=body)

    @task(8)
    def v1(self) -> None:
        text = f"{article()}\n\n{article(2)}"
        self.send("v1-translate", "ok", "POST", "/v1/translate", json={"text": text},
                  headers=self.key())  # fmt: skip

    @task(4)
    def translate_file(self) -> None:
        name, data = a_file()
        r = self.send(
            f"file-{name.rsplit('.', 1)[1]}", "ok", "POST", "/translate_file",
            data={"source": "ar", "target": "en", "api_key": self.good},
            files={"file": (name, data)},
        )  # fmt: skip
        if r.status_code == 200:
            url = r.json()["translatedFileUrl"]
            path = "/download_file/" + url.rsplit("/download_file/", 1)[1]
            self.send("download-file", "ok", "GET", path, headers=self.key())

    @task(5)
    def web_page(self) -> None:
        if random.random() < 0.5:
            text = f"{article()}\n\n{article()}"
            r = self.send("web-text", "ok", "POST", "/web/translate",
                          data={"text": text}, headers=self.key())  # fmt: skip
        else:
            name, data = a_file()
            r = self.send(f"web-{name.rsplit('.', 1)[1]}", "ok", "POST", "/web/translate",
                          files={"file": (name, data)}, headers=self.key())  # fmt: skip
        if r.status_code == 200:
            kind = random.choice(("txt", "html", "docx", "tmx", "xliff"))
            self.send("web-download", "ok", "GET", r.json()["downloads"][kind],
                      headers=self.key())  # fmt: skip

    @task(2)
    def slow_key(self) -> None:  # a key limited to a few requests a minute: 200 or 429
        body = {"q": sentence(), "source": "ar", "target": "en", "api_key": self.slow}
        self.send("rate-limited-key", "200|429", "POST", "/translate", json=body)

    # -- malformed ---------------------------------------------------------------------------

    @task(4)
    def malformed(self) -> None:
        good = self.good
        choice = random.randrange(8)
        if choice == 0:
            self.send("malformed", "400", "POST", "/translate",
                      content=b"{q:", headers={"content-type": "application/json"})  # fmt: skip
        elif choice == 1:
            self.send("malformed", "400", "POST", "/translate",
                      json={"source": "ar", "target": "en", "api_key": good})  # fmt: skip
        elif choice == 2:
            self.send("malformed", "400", "POST", "/translate",
                      json={"q": sentence(), "source": "ar", "target": "en",
                            "alternatives": "many", "api_key": good})  # fmt: skip
        elif choice == 3:
            self.send("malformed", "400", "POST", "/v1/translate",
                      json={"text": "", "format": "yaml"}, headers=self.key())  # fmt: skip
        elif choice == 4:
            self.send("malformed", "400", "POST", "/translate_file",
                      data={"source": "ar", "target": "en", "api_key": good},
                      files={"file": ("a.pdf", b"%PDF-1.4")})  # fmt: skip
        elif choice == 5:
            self.send("malformed", "400", "POST", "/web/translate",
                      files={"file": ("broken.docx", b"PK\x03\x04 not a zip")},
                      headers=self.key())  # fmt: skip
        elif choice == 6:
            self.send("malformed", "404", "GET", "/web/download/0123456789abcdef.txt",
                      headers=self.key())  # fmt: skip
        else:
            self.send("malformed", "400", "POST", "/web/translate",
                      data={"text": sentence(), "glossary": "[{"}, headers=self.key())  # fmt: skip

    # -- oversized ---------------------------------------------------------------------------

    @task(2)
    def oversized(self) -> None:
        choice = random.randrange(3)
        if choice == 0:  # over the per-request character limit (20,000)
            body = {"q": "ب" * 20_001, "source": "ar", "target": "en", "api_key": self.good}
            self.send("oversized", "400", "POST", "/translate", json=body)
        elif choice == 1:  # over the request body limit (4 MB): refused before it is read
            self.send("oversized", "413", "POST", "/v1/translate",
                      content=b'{"text": "' + b"a" * 4_100_000 + b'"}',
                      headers={**self.key(), "content-type": "application/json"})  # fmt: skip
        else:  # over the 2 MB input limit, under the request limit
            self.send("oversized", "413", "POST", "/web/translate",
                      files={"file": ("big.txt", ("ب " * 1_100_000).encode())},
                      headers=self.key())  # fmt: skip

    # -- unauthorised ------------------------------------------------------------------------

    @task(4)
    def unauthorised(self) -> None:
        who = random.choice(("none", "wrong", "revoked"))
        secret = {"none": "", "wrong": "tj_" + "w" * 43, "revoked": self.revoked}[who]
        libre = {"api_key": secret} if secret else {}
        header = {"X-API-Key": secret} if secret else {}
        native = "401" if who == "none" else "403"
        libre_status = "400" if who == "none" else "403"
        choice = random.randrange(4)
        if choice == 0:
            self.send(f"unauthorised-{who}", libre_status, "POST", "/translate",
                      json={"q": sentence(), "source": "ar", "target": "en", **libre})  # fmt: skip
        elif choice == 1:
            self.send(f"unauthorised-{who}", native, "POST", "/v1/translate",
                      json={"text": sentence()}, headers=header)  # fmt: skip
        elif choice == 2:
            self.send(f"unauthorised-{who}", native, "POST", "/web/translate",
                      data={"text": sentence()}, headers=header)  # fmt: skip
        else:
            name, data = a_file()
            self.send(f"unauthorised-{who}", libre_status, "POST", "/translate_file",
                      data={"source": "ar", "target": "en", **libre},
                      files={"file": (name, data)})  # fmt: skip
