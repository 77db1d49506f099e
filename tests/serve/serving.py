"""A real ``tarjama serve`` in a subprocess, on a free loopback port.

The server runs the tiny random-weight Marian model (``tiny_marian_ct2``) with its own
``TARJAMA_HOME`` under a temporary folder, so keys, glossaries and files are real SQLite files
and real folders. Its English is nonsense: these tests check the HTTP contract, not quality.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ARABIC = "قال الرئيس إن المحادثات ستستأنف غداً في العاصمة."
ARABIC_2 = "أعلنت وزارة الصحة تسجيل إصابات جديدة اليوم."


@dataclass
class Server:
    url: str
    home: Path
    process: subprocess.Popen[bytes]
    log: Path

    def client(self, **options: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60, **options)  # type: ignore[arg-type]

    def env(self) -> dict[str, str]:
        """The environment for running ``tarjama`` commands against this server's home."""
        return _environment(self.home, {})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _environment(home: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TARJAMA_")}
    env.update({"TARJAMA_HOME": str(home), "TARJAMA_THREADS": "1", **extra})
    return env


@contextmanager
def running_server(
    model: Path | str, home: Path, env: dict[str, str] | None = None, *args: str
) -> Iterator[Server]:
    """Start ``tarjama serve``, wait for /health, and stop it afterwards."""
    home.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    log = home / "server.log"
    command = [
        sys.executable, "-m", "tarjama.cli", "serve",
        "--host", "127.0.0.1", "--port", str(port), "--model", str(model), *args,
    ]  # fmt: skip
    with open(log, "wb") as out:
        process = subprocess.Popen(
            command, env=_environment(home, env or {}), stdout=out, stderr=subprocess.STDOUT
        )
    server = Server(f"http://127.0.0.1:{port}", home, process, log)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, f"server exited:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"server did not start:\n{log.read_text()}"
            try:
                if httpx.get(f"{server.url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert "Traceback" not in log.read_text(), log.read_text()
