"""A real HTTP server on 127.0.0.1 whose feeds the test changes between polls.

Each path answers what its :class:`Route` says: a body (with an ETag and Last-Modified made
from it, honoured on conditional requests like a well-behaved server), or a status, or a
delay before answering. Every request is recorded with its headers, so a test can check what
the poller asked for (``If-None-Match``) and how often.
"""

from __future__ import annotations

import hashlib
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    conditional: bool = True
    """answer 304 to a matching If-None-Match / If-Modified-Since"""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    status: int


@dataclass
class FeedServer:
    url: str
    routes: dict[str, Route] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    modified: dict[str, str] = field(default_factory=dict)

    def serve(self, path: str, body: bytes | str, **options: object) -> str:
        """Put ``body`` at ``path`` (replacing what was there); returns its URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        with self.lock:
            old = self.routes.get(path)
            self.routes[path] = Route(data, **options)  # type: ignore[arg-type]
            if old is None or old.body != data:
                self.modified[path] = formatdate(time.time() + len(self.modified), usegmt=True)
        return self.url + path

    def requests(self, path: str) -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if s.path == path]


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up on a kept-alive connection is no error here."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    state = FeedServer("")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            with state.lock:
                route = state.routes.get(self.path)
                modified = state.modified.get(self.path, "")
            status = 404 if route is None else route.status
            if route is not None and route.delay:
                time.sleep(route.delay)
            headers = dict(self.headers.items())
            if (
                route is not None
                and status == 200
                and route.conditional
                and (
                    headers.get("If-None-Match") == route.etag
                    or (
                        "If-None-Match" not in headers
                        and headers.get("If-Modified-Since") == modified
                    )
                )
            ):
                status = 304
            with state.lock:
                state.seen.append(Seen(self.path, headers, status))
            body = b"" if route is None or status == 304 else route.body
            if status >= 400:
                body = f"error {status}".encode()
            try:
                self.send_response(status)
                if route is not None:
                    if route.conditional:
                        self.send_header("ETag", route.etag)
                        self.send_header("Last-Modified", modified)
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    if status == 200:
                        self.send_header("Content-Type", route.content_type)
                if status != 304:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def log_message(self, *args: object) -> None:
            pass

    server = _QuietServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
