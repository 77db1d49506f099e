"""``tarjama serve``: the HTTP face of the pipeline.

:func:`create_app` builds one FastAPI application from three routers, each in its own module:
:mod:`.libre` (LibreTranslate-compatible routes for the clients users already have), :mod:`.v1`
(tarjama's native document API, health and metrics) and :mod:`.web` (the bilingual page at
``/``). Every route goes through :class:`tarjama.translator.Translator`, so the server
translates exactly as the CLI does. FastAPI is imported only when the app is built, so the
command line stays quick to start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tarjama.serve.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from tarjama.serve.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
