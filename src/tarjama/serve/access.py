"""Who may translate, and how much: API keys and the per-key limits, decided in one place.

Keys are off by default when the server listens on loopback (a laptop, a CI job) and on
otherwise, or whenever ``TARJAMA_SERVE_API_KEYS=on``. A key may come as ``api_key`` in the body
(LibreTranslate's way), ``Authorization: Bearer …`` or ``X-API-Key``.

A missing key is 401 on the native API; LibreTranslate answers 400 there, and its routes do the
same so its clients show the message. An unknown or revoked key is 403 everywhere.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from fastapi import Request

from tarjama.serve.errors import ApiError
from tarjama.serve.keys import ApiKey, KeyStore
from tarjama.serve.limits import RateLimiter
from tarjama.settings import Settings

__all__ = ["Access", "Caller", "keys_required"]


def _is_loopback(host: str) -> bool:
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
    return not _is_loopback(settings.serve_host)


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
