"""A local stand-in for the Hugging Face hub, and small GGUF-looking files, for model tests."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

__all__ = ["FakeHub", "HubRepo", "gguf_bytes", "serve_hub"]


def gguf_bytes(size: int = 4096, seed: int = 0) -> bytes:
    """A small file that starts like a GGUF (magic, version 3) followed by deterministic bytes."""
    body = hashlib.sha256(str(seed).encode()).digest() * (size // 32 + 1)
    return (b"GGUF" + (3).to_bytes(4, "little") + body)[:size]


@dataclass
class HubRepo:
    """One repo on the fake hub: its commit, files, and which files are LFS (hash in headers)."""

    sha: str
    files: dict[str, bytes]
    lfs: set[str] = field(default_factory=set)


@dataclass
class FakeHub:
    """A real HTTP server on 127.0.0.1 that speaks the Hugging Face hub's download protocol.

    It stands in for huggingface.co, which cannot be reached from the test machines. LFS files
    are answered like the real hub does: a 302 carrying ``X-Linked-Etag`` (the SHA-256) and
    ``X-Linked-Size``, pointing at a CDN URL that serves the bytes with ``ETag`` and ``Range``
    support. Small files are served directly with a git-style (SHA-1) ``ETag``.

    Knobs for failure tests: ``fail[path] = n`` answers the next ``n`` requests for ``path``
    with 503; ``cut[file] = n`` sends only ``n`` bytes of ``file`` once, then drops the
    connection; ``corrupt`` files are served with one byte flipped.
    """

    url: str = ""
    repos: dict[str, HubRepo] = field(default_factory=dict)
    fail: dict[str, int] = field(default_factory=dict)
    cut: dict[str, int] = field(default_factory=dict)
    corrupt: set[str] = field(default_factory=set)
    log: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)

    def add(self, repo_id: str, files: dict[str, bytes], lfs: set[str] | None = None) -> HubRepo:
        sha = hashlib.sha1(repo_id.encode()).hexdigest()
        if lfs is None:
            lfs = {name for name in files if not name.endswith((".json", ".txt", ".md"))}
        repo = HubRepo(sha, dict(files), set(lfs))
        self.repos[repo_id] = repo
        return repo

    def requests_for(self, fragment: str) -> list[tuple[str, str, str | None, str | None]]:
        return [entry for entry in self.log if fragment in entry[1]]


def _handler(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    api = re.compile(r"^/api/models/([^/]+/[^/]+)/revision/([^/]+)$")
    resolve = re.compile(r"^/([^/]+/[^/]+)/resolve/([^/]+)/(.+)$")
    cdn = re.compile(r"^/cdn/([^/]+/[^/]+)/(.+)$")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None):
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _repo(self, repo_id: str, revision: str) -> HubRepo | None:
            repo = hub.repos.get(repo_id)
            if repo is None or revision not in ("main", repo.sha):
                return None
            return repo

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            path = unquote(parts.path)
            hub.log.append(
                ("GET", path, self.headers.get("Range"), self.headers.get("Authorization"))
            )
            if hub.fail.get(path, 0) > 0:
                hub.fail[path] -= 1
                self._send(503, b"try again")
                return
            if match := api.match(path):
                repo = self._repo(match[1], match[2])
                if repo is None:
                    self._send(404, b'{"error": "Repository not found"}')
                    return
                siblings = []
                for name, data in repo.files.items():
                    sibling: dict[str, object] = {"rfilename": name}
                    if "blobs=true" in parts.query:
                        sibling["size"] = len(data)
                        if name in repo.lfs:
                            sha = hashlib.sha256(data).hexdigest()
                            sibling["lfs"] = {"sha256": sha, "size": len(data)}
                    siblings.append(sibling)
                body = json.dumps({"id": match[1], "sha": repo.sha, "siblings": siblings})
                self._send(200, body.encode(), {"Content-Type": "application/json"})
                return
            if match := resolve.match(path):
                repo = self._repo(match[1], match[2])
                name = match[3]
                if repo is None or name not in repo.files:
                    self._send(404, b"Entry not found", {"X-Error-Code": "EntryNotFound"})
                    return
                data = repo.files[name]
                if name in repo.lfs:
                    self._send(
                        302,
                        headers={
                            "Location": f"{hub.url}/cdn/{match[1]}/{name}",
                            "X-Linked-Etag": f'"{hashlib.sha256(data).hexdigest()}"',
                            "X-Linked-Size": str(len(data)),
                            "ETag": f'"{hashlib.sha1(data).hexdigest()}"',
                        },
                    )
                    return
                self._serve(name, data, f'"{hashlib.sha1(data).hexdigest()}"')
                return
            if match := cdn.match(path):
                repo = hub.repos.get(match[1])
                if repo is None or match[2] not in repo.files:
                    self._send(404)
                    return
                data = repo.files[match[2]]
                self._serve(match[2], data, f'"{hashlib.sha256(data).hexdigest()}"')
                return
            self._send(404)

        def _serve(self, name: str, data: bytes, etag: str) -> None:
            if name in hub.corrupt:
                data = bytes([data[0] ^ 0xFF]) + data[1:]
            start = 0
            status = 200
            headers = {"ETag": etag, "Accept-Ranges": "bytes"}
            if (wanted := self.headers.get("Range")) and (m := re.match(r"bytes=(\d+)-$", wanted)):
                start = int(m[1])
                if start >= len(data):
                    self._send(416, headers={"Content-Range": f"bytes */{len(data)}"})
                    return
                status = 206
                headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
            body = data[start:]
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if name in hub.cut:
                # Drop the connection part-way through, as a flaky network would.
                self.wfile.write(body[: hub.cut.pop(name)])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(body)

    return Handler


@contextmanager
def serve_hub() -> Iterator[FakeHub]:
    """Run a :class:`FakeHub` on an ephemeral port of 127.0.0.1 for the duration of the block."""
    hub = FakeHub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(hub))
    server.daemon_threads = True
    hub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield hub
    finally:
        server.shutdown()
        server.server_close()
