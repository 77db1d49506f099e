"""``tarjama serve``: the HTTP face of the pipeline.

:func:`create_app` builds one FastAPI application from three routers, each in its own module:
:mod:`.libre` (LibreTranslate-compatible routes for the clients users already have), :mod:`.v1`
(tarjama's native document API, health and metrics) and :mod:`.web` (the bilingual page at
``/``). Every route goes through :class:`tarjama.translator.Translator`, so the server
translates exactly as the CLI does.
"""

from __future__ import annotations

from tarjama.serve.app import create_app

__all__ = ["create_app"]
