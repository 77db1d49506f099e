"""The application factory: one Translator, shared by every route, opened once.

The OpenAPI schema says every status a route can answer, and no other: request validation is
answered 400 (LibreTranslate's habit, see :mod:`.errors`), never FastAPI's 422, and every route
may answer 400 (bad request), 413 (body over the size limit, checked before any route) and 500
(a bug or a damaged database, always with an ``{"error": …}`` body). A method a path does not
take is 405 with an ``Allow`` header that lists what the path does take.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.routing import Route

from tarjama import __version__
from tarjama.serve import feeds, libre, v1, web
from tarjama.serve.errors import ERROR_RESPONSES
from tarjama.serve.runtime import install
from tarjama.settings import Settings, get_settings
from tarjama.translator import Translator

__all__ = ["create_app"]

#: Statuses any route may answer, whatever it does.
_EVERY_ROUTE = (400, 413, 500)


def create_app(
    translator: Translator | None = None,
    *,
    settings: Settings | None = None,
) -> FastAPI:
    """Build the app; ``translator`` defaults to the settings' model (opened at startup).

    Limits, keys, metrics, error mapping and the engine wrapper are set up by
    :func:`tarjama.serve.runtime.install`; a ``translator`` given here is not closed by the app.
    """
    settings = settings or get_settings()
    app = FastAPI(
        title="tarjama",
        version=__version__,
        summary="Offline Arabic → English news translation",
    )
    app.state.settings = settings
    app.state.translator = translator or Translator(settings=settings)
    install(app, settings, owns_translator=translator is None)
    app.include_router(v1.router)
    app.include_router(libre.router)
    app.include_router(web.router)
    app.include_router(feeds.router)
    app.add_exception_handler(405, _method_not_allowed)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, with the statuses this server really answers."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, summary=app.summary, routes=app.routes
    )
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)  # validation errors are 400 here
            for status in _EVERY_ROUTE:
                described = ERROR_RESPONSES.get(status, {}).get("description", "Error")
                responses.setdefault(str(status), {"description": described, "content": error})
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    components.setdefault(
        "ErrorBody",
        {
            "title": "ErrorBody",
            "type": "object",
            "properties": {"error": {"type": "string", "title": "Error"}},
            "required": ["error"],
        },
    )
    app.openapi_schema = schema
    return schema


async def _method_not_allowed(request: Request, exc: Exception) -> JSONResponse:
    """405 naming every method the path takes (Starlette names only the first route's)."""
    path = request.url.path
    methods = sorted(
        {
            method
            for route in request.app.routes
            if isinstance(route, Route) and route.path_regex.match(path)
            for method in route.methods or ()
        }
    )
    return JSONResponse(
        {"error": f"{request.method} is not allowed here; use {', '.join(methods)}"},
        status_code=405,
        headers={"Allow": ", ".join(methods)},
    )
