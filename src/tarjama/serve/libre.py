"""LibreTranslate-compatible routes: /translate, /detect, /languages, /translate_file, …

The shapes, statuses and error messages follow LibreTranslate's documented API, so its clients
(``libretranslatepy``, browser add-ons, CAT-tool plugins) work unchanged. Only ``ar`` (or
``auto``) → ``en`` is offered. Bodies may be JSON or forms, as LibreTranslate accepts.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse
from pydantic import ValidationError

from tarjama.serve.alternatives import LIMIT as ALTERNATIVES_LIMIT
from tarjama.serve.alternatives import supports_alternatives
from tarjama.serve.detection import detect_languages
from tarjama.serve.errors import ERROR_RESPONSES, ApiError
from tarjama.serve.files import FILE_FORMATS, translate_file
from tarjama.serve.payload import openapi_body, read_payload
from tarjama.serve.runtime import ServerState, server_state
from tarjama.serve.schemas import (
    Detection,
    FrontendSettings,
    Language,
    LibreTranslateRequest,
    LibreTranslateResponse,
    TranslateFileResponse,
)
from tarjama.serve.service import translate_strings

__all__ = ["router"]

router = APIRouter(tags=["LibreTranslate"], responses=ERROR_RESPONSES)
State = Annotated[ServerState, Depends(server_state)]

_NAMES = {"ar": "Arabic", "en": "English"}
_FRONTEND_TIMEOUT_MS = 500
_WHOLE = re.compile(r"\s*[+-]?[0-9]+\s*")


def _missing(name: str) -> ApiError:
    return ApiError(400, f"Invalid request: missing {name} parameter")


def _check_languages(source: str, target: str) -> None:
    if source not in ("ar", "auto"):
        raise ApiError(400, f"{source} is not supported")
    if target != "en":
        raise ApiError(400, f"{target} is not supported")


def _alternatives(value: Any) -> int:
    """LibreTranslate's check (``int(value)``), without Python's extras: a number, or a string
    of ASCII digits; ``"1.5"``, ``"two"``, ``true`` or a list is "not a number"."""
    if value is None:
        return 0
    number: float
    if isinstance(value, str) and _WHOLE.fullmatch(value):
        number = int(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        number = value
    else:
        raise ApiError(400, "Invalid request: alternatives parameter is not a number")
    if number < 0:
        raise ApiError(400, "Invalid request: alternatives parameter must be >= 0")
    if number > ALTERNATIVES_LIMIT:
        raise ApiError(
            400, f"Invalid request: alternatives parameter must be <= {ALTERNATIVES_LIMIT}"
        )
    return int(number)


def _parse_translate(payload: dict[str, Any]) -> LibreTranslateRequest:
    for name in ("q", "source", "target"):
        if not payload.get(name):
            raise _missing(name)
    _check_languages(str(payload["source"]), str(payload["target"]))
    fmt = payload.get("format")
    fmt = "text" if fmt in (None, "") else fmt  # LibreTranslate's default for a blank format
    if fmt not in ("text", "html"):
        raise ApiError(400, f"{fmt} format is not supported")
    payload = {**payload, "format": fmt, "alternatives": _alternatives(payload.get("alternatives"))}
    try:
        return LibreTranslateRequest.model_validate(payload)
    except ValidationError as exc:
        where = ".".join(str(p) for p in exc.errors()[0]["loc"]) or "body"
        raise ApiError(400, f"Invalid request: {where} parameter is not valid") from None


@router.post(
    "/translate",
    response_model=LibreTranslateResponse,
    response_model_exclude_none=True,
    openapi_extra=openapi_body(LibreTranslateRequest.model_json_schema()),
    summary="Translate text (LibreTranslate)",
)
async def translate(request: Request, state: State) -> dict[str, Any]:
    """Translate ``q`` (a string or a list of strings) from Arabic into English.

    ``alternatives`` (0 to 3) asks for other translations of each whole text: real n-best
    translations with a CTranslate2 model, none with a chat engine (see docs/serve.md).
    """
    body = _parse_translate(await read_payload(request))
    texts = body.q if isinstance(body.q, list) else [body.q]
    if not all(isinstance(t, str) for t in texts):
        raise ApiError(400, "Invalid request: q must be a string or a list of strings")
    limit = state.settings.serve_char_limit
    for text in texts:
        if limit >= 0 and len(text) > limit:
            raise ApiError(
                400, f"Invalid request: request ({len(text)}) exceeds text limit ({limit})"
            )
    state.access.check(request, body.api_key, characters=sum(map(len, texts)), libre=True)
    service = state.running()
    if body.format == "text":
        english = await translate_strings(service, texts)
    else:
        english = [
            (await service.translate(t.encode("utf-8"), format="html")).output for t in texts
        ]
    result: dict[str, Any] = {"translatedText": english if isinstance(body.q, list) else english[0]}
    if body.source == "auto":
        found = [detect_languages(t)[0] for t in texts]
        result["detectedLanguage"] = found if isinstance(body.q, list) else found[0]
    if body.alternatives > 0:
        others: list[list[str]] = [[] for _ in texts]
        engine = state.base_engine
        if body.format == "text" and supports_alternatives(engine):
            others = await service.alternatives(engine, texts, body.alternatives, english)
        result["alternatives"] = others if isinstance(body.q, list) else others[0]
    return result


@router.post(
    "/detect",
    response_model=list[Detection],
    openapi_extra=openapi_body(
        {
            "type": "object",
            "properties": {
                "q": {"type": "string", "minLength": 1},
                "api_key": {"type": ["string", "null"]},
            },
            "required": ["q"],
        }
    ),
    summary="Detect the language of a text (LibreTranslate)",
)
async def detect(request: Request, state: State) -> list[dict[str, Any]]:
    """Arabic or English, with a confidence from 0 to 100, most likely first."""
    payload = await read_payload(request)
    q = payload.get("q")
    if not q:
        raise _missing("q")
    if not isinstance(q, str):
        raise ApiError(400, "Invalid request: q must be a string")
    key = payload.get("api_key")
    if key is not None and not isinstance(key, str):
        raise ApiError(400, "Invalid request: api_key parameter is not valid")
    state.access.check(request, key, characters=len(q), libre=True)
    return detect_languages(q)


@router.get("/languages", response_model=list[Language], summary="Languages (LibreTranslate)")
async def languages() -> list[dict[str, Any]]:
    """Arabic into English; English is listed too, as the target."""
    return [
        {"code": "ar", "name": _NAMES["ar"], "targets": ["en"]},
        {"code": "en", "name": _NAMES["en"], "targets": []},
    ]


@router.post(
    "/translate_file",
    response_model=TranslateFileResponse,
    summary="Translate a file (LibreTranslate)",
    openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {
        "schema": {
            "type": "object",
            "properties": {
                "file": {"type": "string", "format": "binary",
                         "description": "txt, html, htm, md or docx (by its name's extension)"},
                "source": {"type": "string", "enum": ["ar", "auto"]},
                "target": {"type": "string", "enum": ["en"]},
                "api_key": {"type": "string"},
            },
            "required": ["file", "source", "target"],
        }
    }}}},
)  # fmt: skip
async def translate_file_route(
    request: Request,
    state: State,
    file: Annotated[UploadFile | None, File(description="txt, html, md or docx")] = None,
    source: Annotated[str | None, Form()] = None,
    target: Annotated[str | None, Form()] = None,
    api_key: Annotated[str | None, Form()] = None,
) -> dict[str, str]:
    """Translate a file; the answer is a URL to download the English file from."""
    if file is None:
        raise _missing("file")
    if not source:
        raise _missing("source")
    if not target:
        raise _missing("target")
    if not file.filename:
        raise ApiError(400, "Invalid request: empty file")
    suffix = "." + file.filename.rsplit(".", 1)[-1].lower() if "." in file.filename else ""
    if suffix not in FILE_FORMATS:
        raise ApiError(400, "Invalid request: file format not supported")
    _check_languages(source, target)
    data = await file.read()
    state.access.check(request, api_key, characters=len(data), libre=True)
    english = await translate_file(state.running(), data, file.filename)
    stored = state.files.save(file.filename, english)
    return {"translatedFileUrl": str(request.url_for("download_file", filename=stored))}


@router.get(
    "/download_file/{filename}",
    response_class=FileResponse,
    summary="Download a translated file (LibreTranslate)",
    responses={
        200: {"description": "The translated file"},
        404: {**ERROR_RESPONSES[400], "description": "No such file (or no longer kept)"},
    },
)
async def download_file(request: Request, filename: str, state: State) -> FileResponse:
    """A file from ``/translate_file``, under its original name.

    With keys on, the download needs a key too (``X-API-Key``, ``Authorization: Bearer`` or
    ``?api_key=``): the file is a translation, and the URL alone must not be enough.
    """
    state.access.check(request, None, characters=0, libre=True)
    found = state.files.open(filename)
    if found is None:
        raise ApiError(404, "Invalid filename")
    path, name = found
    return FileResponse(path, filename=name)


@router.get(
    "/frontend/settings",
    response_model=FrontendSettings,
    summary="Settings for LibreTranslate front ends",
)
async def frontend_settings(state: State) -> dict[str, Any]:
    """What a LibreTranslate web front end needs to know about this server."""
    required = state.access.required
    return {
        "charLimit": state.settings.serve_char_limit,
        "frontendTimeout": _FRONTEND_TIMEOUT_MS,
        "apiKeys": required,
        "keyRequired": required,
        "suggestions": False,
        "filesTranslation": True,
        "supportedFilesFormat": list(FILE_FORMATS),
        "language": {
            "source": {"code": "ar", "name": _NAMES["ar"]},
            "target": {"code": "en", "name": _NAMES["en"]},
        },
    }
