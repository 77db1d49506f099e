"""The application factory: one Translator, shared by every route, opened once."""

from __future__ import annotations

from fastapi import FastAPI

from tarjama import __version__
from tarjama.serve import libre, v1, web
from tarjama.serve.runtime import install
from tarjama.settings import Settings, get_settings
from tarjama.translator import Translator

__all__ = ["create_app"]


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
    return app
