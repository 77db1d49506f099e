"""The one place the server maps errors to HTTP statuses; every error body is ``{"error": …}``.

LibreTranslate clients read ``error`` from the body whatever the status, so the native API
answers the same way. Bad input is never a 500 and never shows a traceback.

=====================================  ======
:class:`~tarjama.errors.InputError`    400 (413 when the input is over a size limit)
:class:`~tarjama.errors.ConfigurationError`  400
:class:`ApiError`                      its own status (401, 403, 404, 413, 429 …)
:class:`Overloaded`                    503 with ``Retry-After``
:class:`RequestTimeout`                503 with ``Retry-After``
:class:`~tarjama.errors.ModelError`    503
:class:`~tarjama.errors.EngineError`   502
:class:`~tarjama.errors.StorageBusyError`     503 with ``Retry-After`` (a database is locked)
:class:`~tarjama.errors.StorageFullError`     507 Insufficient Storage (disk full or failing)
:class:`~tarjama.errors.StorageError`  500 (a database is damaged: the server's fault, said so)
request validation (pydantic)          400
=====================================  ======
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from tarjama.errors import (
    ConfigurationError,
    EngineError,
    InputError,
    ModelError,
    StorageBusyError,
    StorageError,
    StorageFullError,
    TarjamaError,
)

__all__ = [
    "ERROR_RESPONSES",
    "ApiError",
    "ErrorBody",
    "Overloaded",
    "RequestTimeout",
    "error_response",
    "install_error_handlers",
]

logger = logging.getLogger(__name__)


class ErrorBody(BaseModel):
    """What every failed request answers (LibreTranslate's shape)."""

    error: str = Field(examples=["Invalid request: missing q parameter"])


class ApiError(Exception):
    """An error the server decides on itself: a status, a message and optional headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class Overloaded(EngineError):
    """More work is waiting than the server will queue; the client should come back later."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RequestTimeout(TarjamaError):
    """A translation took longer than the per-request limit (``TARJAMA_SERVE_TIMEOUT``)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the translation took longer than {seconds:g} s; try a shorter text")
        self.retry_after = max(1, int(seconds // 4))


#: For the OpenAPI schema: every route may answer these, with an ``{"error": …}`` body.
ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorBody, "description": "Invalid request"},
    401: {"model": ErrorBody, "description": "An API key is required"},
    403: {"model": ErrorBody, "description": "The API key is not valid or has been revoked"},
    413: {"model": ErrorBody, "description": "The request is larger than the server accepts"},
    429: {"model": ErrorBody, "description": "Rate or character limit reached; see Retry-After"},
    500: {"model": ErrorBody, "description": "A database file is damaged (or a bug); see the log"},
    502: {"model": ErrorBody, "description": "The engine failed on this text"},
    503: {"model": ErrorBody, "description": "Busy or timed out; see Retry-After"},
    507: {"model": ErrorBody, "description": "The server's disk is full"},
}


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def status_for(exc: TarjamaError) -> tuple[int, dict[str, str]]:
    """The HTTP status (and headers) for an error of our tree."""
    if isinstance(exc, (Overloaded, RequestTimeout)):
        return 503, {"Retry-After": str(exc.retry_after)}
    if isinstance(exc, InputError):
        # the size check in tarjama.translator says "larger than the … input limit"
        return (413 if "input limit" in str(exc) else 400), {}
    if isinstance(exc, ConfigurationError):
        return 400, {}
    if isinstance(exc, ModelError):
        return 503, {"Retry-After": "30"}
    if isinstance(exc, StorageBusyError):
        return 503, {"Retry-After": str(exc.retry_after)}
    if isinstance(exc, StorageFullError):
        return 507, {}
    if isinstance(exc, StorageError):
        return 500, {}
    return 502, {}


async def _tarjama_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, TarjamaError)
    status, headers = status_for(exc)
    if status >= 500:
        logger.warning("%s %s: %s", request.method, request.url.path, exc)
    return error_response(status, str(exc), headers)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.message, exc.headers)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return error_response(exc.status_code, str(exc.detail), dict(exc.headers or {}))


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    parts = []
    for item in exc.errors():
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "body")
        parts.append(f"{where}: {item.get('msg', 'invalid')}" if where else item.get("msg", ""))
    return error_response(400, "Invalid request: " + "; ".join(parts))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("%s %s failed", request.method, request.url.path)
    return error_response(500, "internal error; the server log has the details")


def install_error_handlers(app: FastAPI) -> None:
    """Register the mapping above on ``app``."""
    app.add_exception_handler(TarjamaError, _tarjama_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
