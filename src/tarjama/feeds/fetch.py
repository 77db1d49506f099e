"""Fetching a feed (or an article) over HTTP: conditional, bounded, retried.

- **Conditional GET**: the ETag and Last-Modified of the last answer go back as
  ``If-None-Match`` / ``If-Modified-Since``; a 304 is :attr:`Fetched.not_modified` and costs
  neither a download nor a translation.
- **Bounded**: a connect, read and whole-answer deadline (a server that trickles a byte a
  second is cut off, not waited on for ever), and a size cap checked against
  ``Content-Length`` before anything is read and again while streaming (a 5 MB feed is fine,
  a 50 MB one is refused unread). Redirects are followed, at most :data:`MAX_REDIRECTS`.
- **Retried** with tenacity, as the engines and the hub client are: a dropped connection, a
  timeout or a 5xx/429 answer is tried again after a short exponential wait; a 4xx is not
  (asking again will not help). What still fails is one :class:`FetchError` naming the URL.

Only ``http`` and ``https`` URLs are fetched: a feed must never read a local file.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message

import httpx
from tenacity import (
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
    wait_none,
)

from tarjama import __version__
from tarjama.errors import ConfigurationError, InputError

__all__ = [
    "DEFAULT_ATTEMPTS",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "MAX_REDIRECTS",
    "FetchError",
    "Fetched",
    "Fetcher",
    "check_url",
]

DEFAULT_MAX_BYTES = 20_000_000
"""Largest answer read: real feeds are well under 5 MB; 20 MB leaves room, 50 MB is refused."""
DEFAULT_TIMEOUT = 30.0
"""Seconds for the whole answer (connecting, waiting and reading), per attempt."""
DEFAULT_ATTEMPTS = 3
MAX_REDIRECTS = 5
_FEED_TYPES = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
_CHUNK = 64 * 1024


class FetchError(InputError):
    """A feed or article could not be fetched (network, status, size or time)."""

    def __init__(self, message: str, *, status: int | None = None, retry: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.retry = retry


@dataclass(frozen=True)
class Fetched:
    """An answer: its bytes (empty for a 304) and what to send next time."""

    url: str
    """where the bytes came from, after redirects"""
    status: int
    body: bytes
    etag: str | None
    last_modified: str | None
    content_type: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def charset(self) -> str | None:
        """The ``charset`` of the Content-Type, if the server said one."""
        if not self.content_type:
            return None
        message = Message()
        message["Content-Type"] = self.content_type
        value = message.get_param("charset")
        return value.strip() or None if isinstance(value, str) else None


def check_url(url: str) -> str:
    """``url`` if it is an absolute http(s) URL; a ConfigurationError otherwise."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise ConfigurationError(f"{url!r} is not a URL ({exc})") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ConfigurationError(f"{url!r} is not an http:// or https:// URL")
    return url


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, FetchError) and exc.retry


class Fetcher:
    """One HTTP client for many fetches (connections are kept alive between polls).

    ``attempts`` and ``backoff`` (the first wait, doubled each time up to 8 s) size the retries;
    tests pass ``backoff=0``. ``clock`` measures the whole-answer deadline.
    """

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        attempts: int = DEFAULT_ATTEMPTS,
        backoff: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.clock = clock
        self._retrying = Retrying(
            retry=retry_if_exception(_retryable),
            stop=stop_after_attempt(max(attempts, 1)),
            wait=wait_exponential(multiplier=backoff, max=8) if backoff > 0 else wait_none(),
            reraise=True,
        )
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            headers={"User-Agent": f"tarjama/{__version__} (feed translator)"},
            transport=transport,
        )

    def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = _FEED_TYPES,
    ) -> Fetched:
        """GET ``url`` (conditionally when ``etag``/``last_modified`` are known)."""
        check_url(url)
        headers = {"Accept": accept}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for attempt in self._retrying:
            with attempt:
                return self._once(url, headers)
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover

    def _once(self, url: str, headers: dict[str, str]) -> Fetched:
        deadline = self.clock() + self.timeout
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status == 304:
                    return self._answer(response, b"")
                if status >= 400:
                    retry = status >= 500 or status == 429
                    raise FetchError(
                        f"{url} answered {status} {response.reason_phrase}".rstrip(),
                        status=status,
                        retry=retry,
                    )
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(_too_big(url, int(declared), self.max_bytes), status=status)
                body = bytearray()
                # decoded bytes are counted, so a small gzip bomb is refused as a big feed is
                for chunk in response.iter_bytes(_CHUNK):
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise FetchError(_too_big(url, None, self.max_bytes), status=status)
                    if self.clock() > deadline:
                        raise FetchError(
                            f"{url} took longer than {self.timeout:g} s to answer", retry=True
                        )
                return self._answer(response, bytes(body))
        except httpx.TooManyRedirects as exc:
            raise FetchError(f"{url} redirects more than {MAX_REDIRECTS} times") from exc
        except httpx.TimeoutException as exc:
            raise FetchError(
                f"{url} took longer than {self.timeout:g} s to answer", retry=True
            ) from exc
        except httpx.UnsupportedProtocol as exc:
            raise FetchError(f"{url} redirected to a URL that is not http(s): {exc}") from exc
        except httpx.TransportError as exc:
            reason = str(exc) or type(exc).__name__
            raise FetchError(f"{url} cannot be reached: {reason}", retry=True) from exc
        except httpx.DecodingError as exc:
            raise FetchError(f"{url} sent a body that does not decode: {exc}") from exc

    @staticmethod
    def _answer(response: httpx.Response, body: bytes) -> Fetched:
        return Fetched(
            url=str(response.url),
            status=response.status_code,
            body=body,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            content_type=response.headers.get("Content-Type"),
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _too_big(url: str, size: int | None, limit: int) -> str:
    said = f" ({size / 1e6:.1f} MB)" if size is not None else ""
    return f"{url} is larger than the {limit / 1e6:.0f} MB a feed may be{said}; refused"
