"""Locust users for ``scripts/loadtest.py``: LibreTranslate and /v1 traffic, 10 % malformed.

Each user translates short Arabic news sentences (LibreTranslate JSON and form bodies, the
native /v1 API) and, one request in ten, sends something broken: a missing ``q``, JSON that does
not parse, an unsupported language, an empty document. A broken request must get a 4xx, a good
one a 200 (or a 429/503 with ``Retry-After`` when the server sheds load); any 5xx is counted.
``--summary-out`` names a JSON file for the per-request tally the load test reports from.
"""

from __future__ import annotations

import json
import random
import threading
import time
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

SENTENCES = [
    "قال الرئيس إن المحادثات ستستأنف غداً في العاصمة.",
    "أعلنت وزارة الصحة تسجيل 12 إصابة جديدة اليوم.",
    "وصل الوفد إلى القاهرة مساء الأحد لإجراء مشاورات.",
    "ارتفعت أسعار النفط بنسبة 3 في المئة خلال الأسبوع الماضي.",
    "دعت الأمم المتحدة إلى وقف فوري لإطلاق النار.",
]
MALFORMED: list[tuple[str, dict[str, Any]]] = [
    ("/translate", {"json": {"source": "ar", "target": "en"}}),
    ("/translate", {"data": b"{not json", "headers": {"content-type": "application/json"}}),
    ("/translate", {"json": {"q": "hola", "source": "es", "target": "en"}}),
    ("/translate", {"json": {"q": "x", "source": "ar", "target": "en", "format": "pdf"}}),
    ("/v1/translate", {"json": {"text": ""}}),
    ("/v1/translate", {"json": {"text": "نص", "format": "yaml"}}),
    ("/v1/glossaries/999999", {"method": "GET"}),
]
MALFORMED_SHARE = 0.10

_lock = threading.Lock()
_records: list[tuple[str, int, float, bool]] = []  # (kind, status, seconds, malformed)
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
    data = {"started": _started, "ended": time.time(), "requests": rows}
    Path(out).write_text(json.dumps(data))


class NewsClient(HttpUser):
    wait_time = between(0.05, 0.3)

    def _record(self, kind: str, response: Any, started: float, malformed: bool) -> None:
        with _lock:
            _records.append((kind, response.status_code, time.perf_counter() - started, malformed))

    def _send(self, kind: str, method: str, path: str, malformed: bool, **options: Any) -> None:
        started = time.perf_counter()
        with self.client.request(method, path, catch_response=True, name=kind, **options) as r:
            self._record(kind, r, started, malformed)
            ok = r.status_code < 500 and (
                400 <= r.status_code < 500 if malformed else r.status_code in (200, 201, 429)
            )
            if r.status_code in (429, 503) and "retry-after" not in r.headers:
                ok = False
            if r.status_code == 503 and not malformed:
                ok = "retry-after" in r.headers  # shed load, politely
            if ok:
                r.success()
            else:
                r.failure(f"status {r.status_code}")

    @task
    def one_request(self) -> None:
        if random.random() < MALFORMED_SHARE:
            path, chosen = random.choice(MALFORMED)
            options = dict(chosen)  # the table is shared: never change it
            method = options.pop("method", "POST")
            self._send("malformed", method, path, True, **options)
            return
        text = random.choice(SENTENCES)
        choice = random.random()
        if choice < 0.4:
            body = {"q": text, "source": "ar", "target": "en"}
            self._send("translate-json", "POST", "/translate", False, json=body)
        elif choice < 0.7:
            body = {"q": text, "source": "auto", "target": "en"}
            self._send("translate-form", "POST", "/translate", False, data=body)
        else:
            self._send("v1-translate", "POST", "/v1/translate", False, json={"text": text})
