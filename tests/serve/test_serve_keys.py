"""API keys (``tarjama keys add | list | revoke``, hashed in SQLite) and per-key limits."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from serving import ARABIC, ARABIC_2, Server, running_server

from support.damage import damage_table, fill_wal, garble, holding_write_lock, limit_disk
from tarjama.serve.glossaries import GlossaryEntry, GlossaryStore

KEYS_ENV = {"TARJAMA_SERVE_API_KEYS": "on"}


def keys(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tarjama.cli", "keys", *args],
        env=server.env(), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def server(tiny_marian_ct2: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("serve-keys")
    with running_server(tiny_marian_ct2, home, KEYS_ENV) as running:
        yield running


def add_key(server: Server, name: str, *options: str) -> str:
    made = keys(server, "add", name, *options)
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


def test_keys_are_stored_hashed_and_listed_without_the_key(server: Server) -> None:
    key = add_key(server, "desk")
    assert key.startswith("tj_") and len(key) > 40
    listed = json.loads(keys(server, "list", "--json").stdout)
    assert any(k["name"] == "desk" and key.startswith(k["prefix"]) for k in listed)
    with sqlite3.connect(server.home / "keys.sqlite") as db:
        stored = [row[0] for row in db.execute("SELECT hash FROM api_keys")]
    assert key not in stored and all(len(h) == 64 for h in stored)


def test_requests_need_a_valid_key(server: Server) -> None:
    key = add_key(server, "reader")
    body = {"q": ARABIC, "source": "ar", "target": "en"}
    with server.client() as http:
        assert http.get("/frontend/settings").json()["keyRequired"] is True
        missing_v1 = http.post("/v1/translate", json={"text": ARABIC})
        missing_libre = http.post("/translate", json=body)
        wrong = http.post("/translate", json={**body, "api_key": "tj_nope"})
        in_body = http.post("/translate", json={**body, "api_key": key})
        as_form = http.post("/translate", data={**body, "api_key": key})
        bearer = http.post(
            "/v1/translate", json={"text": ARABIC}, headers={"Authorization": f"Bearer {key}"}
        )
    assert missing_v1.status_code == 401 and missing_v1.json() == {
        "error": "an API key is required"
    }
    assert missing_libre.status_code == 400
    assert missing_libre.json() == {"error": "Please contact the server operator to get an API key"}
    assert (wrong.status_code, wrong.json()) == (403, {"error": "Invalid API key"})
    assert [r.status_code for r in (in_body, as_form, bearer)] == [200, 200, 200]


def test_a_revoked_key_is_refused(server: Server) -> None:
    key = add_key(server, "leaver")
    with server.client() as http:
        assert http.post(
            "/v1/translate", json={"text": ARABIC}, headers={"X-API-Key": key}
        ).is_success
        revoked = keys(server, "revoke", "leaver")
        assert revoked.returncode == 0, revoked.stderr
        after = http.post("/v1/translate", json={"text": ARABIC}, headers={"X-API-Key": key})
    assert (after.status_code, after.json()) == (403, {"error": "This API key has been revoked"})
    again = keys(server, "revoke", "leaver")
    assert again.returncode == 5 and "no active key matches 'leaver'" in again.stderr


def test_per_key_rate_and_character_limits_answer_429_with_retry_after(server: Server) -> None:
    slow = add_key(server, "slow", "--rate", "2")
    short = add_key(server, "short", "--chars", str(len(ARABIC) + 5))
    body = {"q": ARABIC, "source": "ar", "target": "en"}
    with server.client() as http:
        rated = [http.post("/translate", json={**body, "api_key": slow}) for _ in range(3)]
        charged = [http.post("/translate", json={**body, "api_key": short}) for _ in range(2)]
    assert [r.status_code for r in rated] == [200, 200, 429]
    assert rated[2].json()["error"].startswith("Slowdown:")
    assert 1 <= int(rated[2].headers["retry-after"]) <= 60
    assert [r.status_code for r in charged] == [200, 429]
    assert "characters a minute" in charged[1].json()["error"]


# -- the server's databases when they go wrong ---------------------------------------------


def test_locked_full_and_damaged_databases_answer_503_507_and_500(
    tiny_marian_ct2: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    glossaries = GlossaryStore(home / "glossaries.sqlite")
    glossaries.create("desk", [GlossaryEntry("كايا كالاس", "Kaja Kallas")])
    glossaries.close()
    damage_table(home / "glossaries.sqlite", "glossaries")
    env = {**KEYS_ENV, "TARJAMA_DB_TIMEOUT": "0.3"}
    memory = home / "memory.sqlite"
    with running_server(tiny_marian_ct2, home, env) as server:
        key = add_key(server, "desk")
        auth = {"X-API-Key": key}

        def translate(http: httpx.Client, text: str) -> httpx.Response:
            return http.post("/v1/translate", json={"text": text}, headers=auth)

        with server.client() as http:
            assert translate(http, ARABIC).status_code == 200
            damaged = http.get("/v1/glossaries", headers=auth)

            with holding_write_lock(memory):
                locked = translate(http, ARABIC_2)  # a new sentence: its English is stored
                key_while_locked = keys(server, "list")  # reading keys is not held up

            ballast = fill_wal(memory)
            try:
                limit_disk(server.process.pid, Path(f"{memory}-wal").stat().st_size + 100)
                full = translate(http, "وقال المتحدث إن الاجتماع سيعقد الأسبوع المقبل.")
            finally:
                limit_disk(server.process.pid, None)
                ballast.close()
            healthy = translate(http, "انطلقت الانتخابات البلدية صباح اليوم.")

    assert damaged.status_code == 500
    assert "glossaries.sqlite" in damaged.json()["error"] and "damaged" in damaged.json()["error"]
    assert locked.status_code == 503 and int(locked.headers["retry-after"]) >= 1
    assert "locked" in locked.json()["error"]
    assert key_while_locked.returncode == 0
    assert full.status_code == 507 and "disk" in full.json()["error"], full.text
    assert healthy.status_code == 200  # the disk has room again: business as usual
    with sqlite3.connect(memory) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_damaged_key_database_stops_the_server_and_the_keys_command_with_exit_code_6(
    tiny_marian_ct2: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    garble(home / "keys.sqlite")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TARJAMA_")}
    env.update(TARJAMA_HOME=str(home), **KEYS_ENV)
    serve = subprocess.run(
        [sys.executable, "-m", "tarjama.cli", "serve", "--model", str(tiny_marian_ct2),
         "--port", "9"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    listed = subprocess.run(
        [sys.executable, "-m", "tarjama.cli", "keys", "list"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    for run in (serve, listed):
        assert run.returncode == 6, run.stderr
        assert "Traceback" not in run.stderr
        assert "keys.sqlite" in run.stderr and "not a database" in run.stderr
