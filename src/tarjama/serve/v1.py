"""tarjama's native API under /v1, plus /health and /metrics."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter()
