"""Request bodies the LibreTranslate way: JSON or a form, whichever the client sent."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from tarjama.serve.errors import ApiError

__all__ = ["openapi_body", "read_payload"]


async def read_payload(request: Request) -> dict[str, Any]:
    """The body as a dict: a JSON object, or a url-encoded / multipart form."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json" or kind.endswith("+json"):
        try:
            data = json.loads(await request.body() or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ApiError(400, "Invalid JSON format") from None
        if not isinstance(data, dict):
            raise ApiError(400, "Invalid JSON format")
        return data
    form = await request.form()
    payload: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        if values:
            payload[key] = values if len(values) > 1 else values[0]
    return payload


def openapi_body(schema: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` saying a route takes ``schema`` as JSON or as a form."""
    content = {
        kind: {"schema": schema}
        for kind in ("application/json", "application/x-www-form-urlencoded")
    }
    return {"requestBody": {"required": True, "content": content}}
