"""A server's memory and disk stay bounded whatever its clients do.

The rate limiter forgets idle clients and holds a bounded number of them, each in a bounded
number of counters; the store of translated files caps its files and bytes (the oldest go
first), on a real folder and through a real server; ``/metrics`` answers loopback clients only
unless a setting opens it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from serving import ARABIC, Server, running_server
from starlette.requests import Request

from tarjama.serve.access import metrics_allowed
from tarjama.serve.errors import ApiError
from tarjama.serve.files import FileStore
from tarjama.serve.limits import WINDOW, RateLimiter
from tarjama.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_rate_limiter_forgets_idle_identities() -> None:
    clock = Clock()
    limiter = RateLimiter(clock)
    for n in range(500):
        limiter.check(f"ip:10.0.{n // 250}.{n % 250}", 10, rate=5, chars=0)
    assert len(limiter) == 500
    clock.now += WINDOW + 1  # a minute later, all of them are idle
    limiter.check("key:1", 10, rate=5, chars=0)
    assert len(limiter) == 1


def test_the_rate_limiter_holds_a_bounded_number_of_identities() -> None:
    clock = Clock()
    limiter = RateLimiter(clock, max_identities=100)
    for n in range(1000):  # a thousand addresses in the same second
        limiter.check(f"ip:{n}", 1, rate=2, chars=0)
    assert len(limiter) == 100
    # the identities still held keep their counts: the most recent is still limited
    limiter.check("ip:999", 1, rate=2, chars=0)
    with pytest.raises(ApiError) as refused:
        limiter.check("ip:999", 1, rate=2, chars=0)
    assert refused.value.status == 429


def test_one_identity_holds_at_most_a_minute_of_counters() -> None:
    clock = Clock()
    limiter = RateLimiter(clock)
    for _ in range(20_000):  # many requests, every tenth of a second, no limit reached
        limiter.check("key:1", 1, rate=0, chars=10**9)
        clock.now += 0.1
    counters = limiter._events["key:1"]
    assert len(counters) <= WINDOW + 1
    # and the window still counts every request of the last minute
    assert sum(int(c[2]) for c in counters) in range(590, 611)


def test_the_rate_limit_still_slides() -> None:
    clock = Clock()
    limiter = RateLimiter(clock)
    for _ in range(3):
        limiter.check("key:1", 0, rate=3, chars=0)
    with pytest.raises(ApiError) as refused:
        limiter.check("key:1", 0, rate=3, chars=0)
    assert refused.value.headers["Retry-After"] == "60"
    clock.now += WINDOW
    limiter.check("key:1", 0, rate=3, chars=0)  # a minute later the window has moved on


def test_the_file_store_caps_files_and_bytes(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files", max_files=3, max_bytes=1000)
    names = []
    for n in range(10):
        names.append(store.save(f"n{n}.txt", b"x" * 100))
        os.utime(store.folder / names[-1], (time.time() - 100 + n, time.time() - 100 + n))
    assert store.usage() == (3, 300)
    assert [store.open(name) is not None for name in names] == [False] * 7 + [True] * 3
    big = store.save("big.txt", b"y" * 900)  # the oldest go until it fits
    assert store.usage() == (2, 1000)
    assert store.open(big) is not None and store.open(names[-1]) is not None


def test_the_file_store_refuses_what_it_could_never_keep(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files", max_bytes=100)
    with pytest.raises(Exception, match="at most 100 bytes"):
        store.save("huge.txt", b"z" * 101)
    assert store.usage() == (0, 0)


def test_expired_files_are_gone_even_before_the_next_upload(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files", keep_seconds=60)
    name = store.save("old.txt", b"old")
    os.utime(store.folder / name, (time.time() - 120, time.time() - 120))
    assert store.open(name) is None


@pytest.fixture(scope="module")
def server(tiny_marian_ct2: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("serve-bounds")
    env = {"TARJAMA_SERVE_FILES_MAX_COUNT": "2"}
    with running_server(tiny_marian_ct2, home, env) as running:
        yield running


def test_a_server_keeps_only_its_newest_files(server: Server) -> None:
    urls = []
    with server.client() as http:
        for n in range(4):
            answer = http.post(
                "/translate_file", data={"source": "ar", "target": "en"},
                files={"file": (f"n{n}.txt", f"{ARABIC}\n".encode())},
            )  # fmt: skip
            assert answer.status_code == 200, answer.text
            urls.append(answer.json()["translatedFileUrl"])
            time.sleep(0.02)  # distinct modification times
        statuses = [http.get(url).status_code for url in urls]
    assert statuses == [404, 404, 200, 200]
    assert len(list((server.home / "serve-files").iterdir())) == 2


def _request(host: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/metrics", "headers": [],
                    "client": (host, 40000)})  # fmt: skip


@pytest.mark.parametrize(
    ("host", "public", "allowed"),
    [("127.0.0.1", False, True), ("::1", False, True), ("10.1.2.3", False, False),
     ("203.0.113.9", False, False), ("203.0.113.9", True, True)],
)  # fmt: skip
def test_metrics_are_for_loopback_unless_opened(host: str, public: bool, allowed: bool) -> None:
    settings = Settings(serve_metrics_public=public)
    assert metrics_allowed(settings, _request(host)) is allowed


def test_metrics_answer_a_loopback_client(server: Server) -> None:
    with server.client() as http:
        answer = http.get("/metrics")
    assert answer.status_code == 200 and "tarjama_http_requests" in answer.text
