"""tarjama's native API under /v1, plus /health and /metrics.

``POST /v1/translate`` takes a whole document and answers with the English in the document's
shape and every sentence's source, target, offsets, score, flags and memory suggestions (fuzzy
matches at or above ``TARJAMA_FUZZY_THRESHOLD``); glossaries live under
``/v1/glossaries``. Errors are ``{"error": …}`` with the statuses of :mod:`.errors`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response

from tarjama import __version__
from tarjama.serve.access import metrics_allowed
from tarjama.serve.errors import ERROR_RESPONSES, ApiError
from tarjama.serve.glossaries import GlossaryEntry, GlossaryRecord, to_glossary
from tarjama.serve.runtime import ServerState, server_state
from tarjama.serve.schemas import (
    MAX_ID,
    DocumentRequest,
    DocumentResponse,
    GlossaryIn,
    GlossaryOut,
    Health,
    ModelInfo,
    ModelsResponse,
)

__all__ = ["router"]

router = APIRouter()
State = Annotated[ServerState, Depends(server_state)]
#: An id SQLite can hold (a bigger number is a 400, never an overflow inside the store).
GlossaryId = Annotated[int, Path(ge=1, le=MAX_ID)]
_ERRORS: dict[int | str, dict[str, Any]] = ERROR_RESPONSES
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    404: {**_ERRORS[400], "description": "No such glossary"},
}


@router.post(
    "/v1/translate",
    response_model=DocumentResponse,
    tags=["translate"],
    responses={**_ERRORS, 404: _NOT_FOUND[404]},
    summary="Translate a document",
)
async def translate(body: DocumentRequest, request: Request, state: State) -> dict[str, Any]:
    """Translate a document: the English in its own shape, and every sentence with its score
    and quality flags."""
    state.access.check(request, None, characters=len(body.text))
    glossary = None
    if body.glossary_id is not None:
        glossary = to_glossary(_glossary(state, body.glossary_id))
    result = await state.running().translate(
        body.text.encode("utf-8"),
        format=body.format,
        fields=body.fields,
        name=body.name,
        glossary=glossary,
    )
    data = result.to_dict()
    return {
        "format": data["format"],
        "name": data["name"],
        "output": result.output,
        "warnings": data["warnings"],
        "segments": data["segments"],
        "model": state.running().translator.engine.model_id,
        "cache_hits": int(result.meta.get("cache_hits", 0) or 0),
        "glossary_id": body.glossary_id,
    }


def _glossary(state: ServerState, glossary_id: int) -> GlossaryRecord:
    record = state.glossaries.get(glossary_id)
    if record is None:
        raise ApiError(404, f"no glossary {glossary_id}")
    return record


def _out(record: GlossaryRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "entries": [
            {"arabic": e.arabic, "english": e.english, "note": e.note} for e in record.entries
        ],
        "created": record.created,
        "updated": record.updated,
        "revision": record.revision,
    }


def _entries(body: GlossaryIn) -> list[GlossaryEntry]:
    return [GlossaryEntry(e.arabic, e.english, e.note) for e in body.entries]


@router.post(
    "/v1/glossaries",
    response_model=GlossaryOut,
    status_code=201,
    tags=["glossaries"],
    responses=_ERRORS,
    summary="Create a glossary",
)
async def create_glossary(body: GlossaryIn, request: Request, state: State) -> dict[str, Any]:
    """Store a glossary; give its ``id`` as ``glossary_id`` to /v1/translate."""
    state.access.check(request, None, characters=0)
    return _out(state.glossaries.create(body.name, _entries(body)))


@router.get(
    "/v1/glossaries",
    response_model=list[GlossaryOut],
    tags=["glossaries"],
    responses=_ERRORS,
    summary="List glossaries",
)
async def list_glossaries(request: Request, state: State) -> list[dict[str, Any]]:
    state.access.check(request, None, characters=0)
    return [_out(record) for record in state.glossaries.list()]


@router.get(
    "/v1/glossaries/{glossary_id}",
    response_model=GlossaryOut,
    tags=["glossaries"],
    responses=_NOT_FOUND,
    summary="Read a glossary",
)
async def get_glossary(glossary_id: GlossaryId, request: Request, state: State) -> dict[str, Any]:
    state.access.check(request, None, characters=0)
    return _out(_glossary(state, glossary_id))


@router.put(
    "/v1/glossaries/{glossary_id}",
    response_model=GlossaryOut,
    tags=["glossaries"],
    responses={**_ERRORS, **_NOT_FOUND},
    summary="Replace a glossary's name and entries",
)
async def replace_glossary(
    glossary_id: GlossaryId, body: GlossaryIn, request: Request, state: State
) -> dict[str, Any]:
    state.access.check(request, None, characters=0)
    record = state.glossaries.replace(glossary_id, body.name, _entries(body))
    if record is None:
        raise ApiError(404, f"no glossary {glossary_id}")
    return _out(record)


@router.delete(
    "/v1/glossaries/{glossary_id}",
    status_code=204,
    tags=["glossaries"],
    responses=_NOT_FOUND,
    summary="Delete a glossary",
)
async def delete_glossary(glossary_id: GlossaryId, request: Request, state: State) -> Response:
    state.access.check(request, None, characters=0)
    if not state.glossaries.delete(glossary_id):
        raise ApiError(404, f"no glossary {glossary_id}")
    return Response(status_code=204)


@router.get(
    "/v1/models",
    response_model=ModelsResponse,
    tags=["models"],
    responses=_ERRORS,
    summary="Installed models, and the one this server runs",
)
async def models(request: Request, state: State) -> dict[str, Any]:
    from tarjama.models import list_installed

    state.access.check(request, None, characters=0)
    running = state.running().translator
    engine = running.engine
    rows = [
        {
            "name": m.name,
            "engine": m.engine,
            "model_id": m.name,
            "loaded": m.name == running.model,
            "installed": True,
        }
        for m in list_installed(state.settings)
    ]
    if not any(row["loaded"] for row in rows):  # a model given by path or as openai:NAME
        rows.append(
            {
                "name": running.model,
                "engine": engine.name,
                "model_id": engine.model_id,
                "loaded": True,
                "installed": False,
            }
        )
    return {"default": running.model, "models": [ModelInfo.model_validate(row) for row in rows]}


@router.get("/health", response_model=Health, tags=["operations"], summary="Liveness")
async def health(state: State) -> dict[str, Any]:
    """``ok`` once the model is open; ``starting`` before (with a 503)."""
    service = state.service
    body = {
        "status": "ok" if service else "starting",
        "version": __version__,
        "model": service.translator.model if service else "",
        "engine": service.translator.engine.name if service else None,
        "inflight": service.inflight if service else 0,
        "keys_required": state.access.required,
    }
    return body


@router.get(
    "/metrics",
    tags=["operations"],
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {}}, "description": "Prometheus text format"},
        403: {**_ERRORS[403], "description": "Not a loopback client (see docs/serve.md)"},
    },
)
async def metrics(request: Request, state: State) -> Response:
    """Requests, latency, segments, characters, cache hits and engine time: to loopback
    clients only, unless ``TARJAMA_SERVE_METRICS_PUBLIC`` is on."""
    if not metrics_allowed(state.settings, request):
        raise ApiError(403, "/metrics answers loopback clients only on this server")
    return state.metrics.render()
