"""Who may translate, and how much: API keys and the per-key limits, decided in one place.

Keys are off by default when the server listens on loopback (a laptop, a CI job) and on
otherwise, or whenever ``TARJAMA_SERVE_API_KEYS=on``. A key may come as ``api_key`` in the body
(LibreTranslate's way), ``Authorization: Bearer …``, ``X-API-Key`` (the web page's way) or an
``api_key`` query parameter (a download link).

Every route that translates, detects or hands back a translation calls :meth:`Access.check`,
and nothing else decides: LibreTranslate's ``/translate``, ``/translate_file``,
``/download_file/…`` and ``/detect``, every ``/v1`` route but ``/health`` and ``/metrics``, and
the web page's ``POST /web/translate`` and ``GET /web/download/…``. A missing key is 401 on the
native API and the web page; LibreTranslate answers 400 there, and its routes do the same so its
clients show the message. An unknown or revoked key is 403 everywhere; over the key's request
or character rate, 429 with ``Retry-After`` (413 when one request alone is over its character
rate). The table is in docs/serve.md.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from fastapi import Request

from tarjama.serve.errors import ApiError
from tarjama.serve.keys import ApiKey, KeyStore
from tarjama.serve.limits import RateLimiter
from tarjama.settings import Settings

__all__ = ["Access", "Caller", "is_loopback", "keys_required", "metrics_allowed"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) is this machine's loopback."""
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def keys_required(settings: Settings) -> bool:
    """Whether requests need a key: ``on``, ``off``, or ``auto`` (on unless on loopback)."""
    mode = settings.serve_api_keys.strip().lower()
    if mode in ("on", "true", "1", "yes"):
        return True
    if mode in ("off", "false", "0", "no"):
        return False
    return not is_loopback(settings.serve_host)


def metrics_allowed(settings: Settings, request: Request) -> bool:
    """``/metrics`` tells how busy the server is and which routes are used: loopback clients
    (a Prometheus beside the server) only, unless ``TARJAMA_SERVE_METRICS_PUBLIC`` is on."""
    if settings.serve_metrics_public:
        return True
    return request.client is not None and is_loopback(request.client.host)


@dataclass(frozen=True)
class Caller:
    """Who made a request: a key, or (keys off) a client address."""

    identity: str
    key: ApiKey | None = None


def presented_key(request: Request, body_key: str | None) -> str | None:
    """The key a request carries, wherever LibreTranslate or HTTP habit put it."""
    if body_key:
        return body_key
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return request.headers.get("x-api-key") or request.query_params.get("api_key") or None


class Access:
    """Checks a request's key and counts it against its limits."""

    def __init__(self, settings: Settings, keys: KeyStore | None, limiter: RateLimiter) -> None:
        self.settings = settings
        self.keys = keys
        self.limiter = limiter

    @property
    def required(self) -> bool:
        return self.keys is not None

    def check(
        self, request: Request, body_key: str | None, *, characters: int, libre: bool = False
    ) -> Caller:
        """The caller, once its key and limits allow ``characters`` more; else an ApiError."""
        caller = self._identify(request, presented_key(request, body_key), libre)
        key = caller.key
        rate = key.rate_limit if key and key.rate_limit is not None else None
        chars = key.char_limit if key and key.char_limit is not None else None
        self.limiter.check(
            caller.identity,
            characters,
            rate=self.settings.serve_rate_limit if rate is None else rate,
            chars=self.settings.serve_char_rate_limit if chars is None else chars,
        )
        return caller

    def _identify(self, request: Request, secret: str | None, libre: bool) -> Caller:
        address = request.client.host if request.client else "unknown"
        if self.keys is None:
            return Caller(f"ip:{address}")
        if not secret:
            if libre:
                raise ApiError(400, "Please contact the server operator to get an API key")
            raise ApiError(
                401, "an API key is required", {"WWW-Authenticate": 'Bearer realm="tarjama"'}
            )
        key = self.keys.lookup(secret)
        if key is None:
            raise ApiError(403, "Invalid API key")
        if not key.active:
            raise ApiError(403, "This API key has been revoked")
        return Caller(f"key:{key.id}", key)
