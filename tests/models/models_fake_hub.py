"""A local stand-in for the Hugging Face hub, and small GGUF-looking files, for model tests.

The hub (huggingface.co) cannot be reached from where these tests run, so this real HTTP server
on 127.0.0.1 answers the routes ``huggingface_hub`` calls, with the headers it reads:

* ``GET /api/models/{repo}/revision/{rev}[?blobs=true]`` → ``{"id", "sha", "siblings"}``; with
  ``blobs=true`` each sibling carries ``size``, ``blobId`` (the git blob id) and, for LFS files,
  ``lfs: {sha256, size, pointerSize}`` (``HfApi.model_info(files_metadata=True)``);
* ``HEAD``/``GET /{repo}/resolve/{rev}/{file}`` (``hf_hub_download``): ``X-Repo-Commit`` and
  ``ETag`` on every answer. A regular file is served there, its ``ETag`` the git blob id. An
  LFS file answers ``302`` to the CDN with ``X-Linked-Etag`` (its SHA-256) and
  ``X-Linked-Size``, as the hub does; the library reads those from the ``HEAD`` and does not
  follow a redirect to another URL until the ``GET``;
* ``GET /cdn/{repo}/{file}``: the bytes, with ``ETag``, ``Content-Length`` and ``Range``;
* errors carry ``X-Error-Code`` (``RepoNotFound``, ``RevisionNotFound``, ``EntryNotFound``) and
  ``X-Error-Message`` like the hub's, since the library picks its exception from them: an
  unknown or private repo is ``401 RepoNotFound`` to a client without the right token, a bad
  token ``401 Invalid credentials in Authorization header``;
* a renamed repo answers ``307`` with a relative ``Location`` to its new name.

Knobs for failure tests: ``fail[path] = n`` answers the next ``n`` requests for ``path`` with
503; ``cut[file] = n`` sends only ``n`` bytes of ``file`` once, then drops the connection;
``corrupt`` files are served with one byte flipped; ``behind`` (``"{repo}/{file}"``) are listed
but answer 404 on ``resolve``, like a mirror not yet in sync; ``private`` repos need ``token``;
``gated`` repos refuse everyone.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote, urlsplit

__all__ = ["FakeHub", "HubRepo", "gguf_bytes", "git_blob_id", "serve_hub"]


def gguf_bytes(size: int = 4096, seed: int = 0) -> bytes:
    """A small file that starts like a GGUF (magic, version 3) followed by deterministic bytes."""
    body = hashlib.sha256(str(seed).encode()).digest() * (size // 32 + 1)
    return (b"GGUF" + (3).to_bytes(4, "little") + body)[:size]


def git_blob_id(data: bytes) -> str:
    """The git object id of ``data``: what the hub sends as a regular file's ETag."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _lfs_pointer(data: bytes) -> bytes:
    sha = hashlib.sha256(data).hexdigest()
    return (
        f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha}\nsize {len(data)}\n".encode()
    )


@dataclass
class HubRepo:
    """One repo on the fake hub: its commit, files, which are LFS, and whether it is private."""

    sha: str
    files: dict[str, bytes]
    lfs: set[str] = field(default_factory=set)
    private: bool = False
    gated: bool = False  # terms not accepted by the token's account: 401/403 GatedRepo


@dataclass
class FakeHub:
    """A real HTTP server on 127.0.0.1 that speaks the hub's download protocol (see above)."""

    url: str = ""
    repos: dict[str, HubRepo] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)
    token: str = "hf_good_token"
    fail: dict[str, int] = field(default_factory=dict)
    cut: dict[str, int] = field(default_factory=dict)
    corrupt: set[str] = field(default_factory=set)
    behind: set[str] = field(default_factory=set)
    log: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)
    served: dict[str, int] = field(default_factory=dict)  # body bytes sent, per file name

    def add(
        self,
        repo_id: str,
        files: dict[str, bytes],
        lfs: set[str] | None = None,
        *,
        private: bool = False,
    ) -> HubRepo:
        sha = hashlib.sha1(repo_id.encode()).hexdigest()
        if lfs is None:
            lfs = {name for name in files if not name.endswith((".json", ".txt", ".md"))}
        repo = HubRepo(sha, dict(files), set(lfs), private)
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

        def _send(
            self,
            status: int,
            body: bytes = b"",
            headers: dict[str, str] | None = None,
            *,
            length: int | None = None,
        ) -> None:
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body) if length is None else length))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _error(self, status: int, code: str, message: str, **headers: str) -> None:
            error = {"X-Error-Code": code} if code else {}
            self._send(
                status,
                json.dumps({"error": message}).encode(),
                {**error, "X-Error-Message": message, **headers},
            )

        def _repo(self, repo_id: str, revision: str | None) -> HubRepo | None:
            """The repo, or None once an error answer has been sent."""
            auth = self.headers.get("Authorization")
            if auth is not None and auth != f"Bearer {hub.token}":
                self._error(401, "", "Invalid credentials in Authorization header")
                return None
            repo = hub.repos.get(repo_id)
            if repo is None or (repo.private and auth is None):
                self._error(401, "RepoNotFound", "Repository not found")
                return None
            if repo.gated:
                message = f"Access to model {repo_id} is restricted and you are not in the list."
                self._error(403 if auth else 401, "GatedRepo", message)
                return None
            if revision is not None and revision not in ("main", repo.sha):
                self._error(404, "RevisionNotFound", "Invalid rev id: " + revision)
                return None
            return repo

        def do_HEAD(self) -> None:
            self._answer()

        def do_GET(self) -> None:
            self._answer()

        def _answer(self) -> None:
            parts = urlsplit(self.path)
            path = unquote(parts.path)
            hub.log.append(
                (self.command, path, self.headers.get("Range"), self.headers.get("Authorization"))
            )
            if hub.fail.get(path, 0) > 0:
                hub.fail[path] -= 1
                self._send(503, b"try again")
                return
            for pattern in (api, resolve):
                if (match := pattern.match(path)) and match[1] in hub.renamed:
                    moved = path.replace(match[1], hub.renamed[match[1]], 1)
                    self._send(307, headers={"Location": quote(moved)})
                    return
            if match := api.match(path):
                self._model_info(match[1], match[2], "blobs=true" in parts.query)
            elif match := resolve.match(path):
                self._resolve(match[1], match[2], match[3])
            elif match := cdn.match(path):
                repo = hub.repos.get(match[1])
                if repo is None or match[2] not in repo.files:
                    self._send(404)
                    return
                data = repo.files[match[2]]
                self._serve(match[2], data, f'"{hashlib.sha256(data).hexdigest()}"', {})
            else:
                self._send(404)

        def _model_info(self, repo_id: str, revision: str, blobs: bool) -> None:
            repo = self._repo(repo_id, revision)
            if repo is None:
                return
            siblings = []
            for name, data in repo.files.items():
                sibling: dict[str, object] = {"rfilename": name}
                if blobs:
                    sibling["size"] = len(data)
                    if name in repo.lfs:
                        pointer = _lfs_pointer(data)
                        sibling["blobId"] = git_blob_id(pointer)
                        sibling["lfs"] = {
                            "sha256": hashlib.sha256(data).hexdigest(),
                            "size": len(data),
                            "pointerSize": len(pointer),
                        }
                    else:
                        sibling["blobId"] = git_blob_id(data)
                siblings.append(sibling)
            body = json.dumps({"id": repo_id, "sha": repo.sha, "siblings": siblings})
            self._send(200, body.encode(), {"Content-Type": "application/json"})

        def _resolve(self, repo_id: str, revision: str, name: str) -> None:
            repo = self._repo(repo_id, revision)
            if repo is None:
                return
            commit = {"X-Repo-Commit": repo.sha}
            if name not in repo.files or f"{repo_id}/{name}" in hub.behind:
                self._error(404, "EntryNotFound", f"{name} does not exist on {revision}", **commit)
                return
            data = repo.files[name]
            if name in repo.lfs:
                self._send(
                    302,
                    headers={
                        **commit,
                        "Location": f"{hub.url}/cdn/{repo_id}/{quote(name)}",
                        "X-Linked-Etag": f'"{hashlib.sha256(data).hexdigest()}"',
                        "X-Linked-Size": str(len(data)),
                        "ETag": f'"{git_blob_id(_lfs_pointer(data))}"',
                    },
                )
                return
            self._serve(name, data, f'"{git_blob_id(data)}"', commit)

        def _serve(self, name: str, data: bytes, etag: str, extra: dict[str, str]) -> None:
            if name in hub.corrupt:
                data = bytes([data[0] ^ 0xFF]) + data[1:]
            start = 0
            status = 200
            headers = {**extra, "ETag": etag, "Accept-Ranges": "bytes"}
            if (wanted := self.headers.get("Range")) and (m := re.match(r"bytes=(\d+)-$", wanted)):
                start = int(m[1])
                if start >= len(data):
                    self._send(416, headers={"Content-Range": f"bytes */{len(data)}"})
                    return
                status = 206
                headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
            body = data[start:]
            if self.command == "HEAD":
                self._send(status, headers=headers, length=len(body))
                return
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if name in hub.cut:
                # Drop the connection part-way through, as a flaky network would.
                sent = body[: hub.cut.pop(name)]
                self.wfile.write(sent)
                self.wfile.flush()
                self.close_connection = True
            else:
                sent = body
                self.wfile.write(body)
            hub.served[name] = hub.served.get(name, 0) + len(sent)

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
